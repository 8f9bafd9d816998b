"""Using a staff token is recorded in the request's own unit of work, never committed apart."""

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tingia.models import ApiToken, Case


@pytest.fixture
def commits():
    """The commits made while the test runs (every session)."""
    made: list[Session] = []

    def record(session: Session) -> None:
        made.append(session)

    event.listen(Session, "after_commit", record)
    yield made
    event.remove(Session, "after_commit", record)


def _last_used(db):
    db.session.expire_all()
    return db.session.scalar(select(ApiToken.last_used_at))


def test_a_read_commits_only_the_token_use(client, db, make, commits):
    headers = make.auth_headers(make.user("lead", "01"))
    assert _last_used(db) is None
    commits.clear()
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    assert len(commits) == 1
    assert _last_used(db) is not None


def test_an_action_commits_once_with_the_token_use(client, db, make, commits):
    case = make.case(make.report("Giá xăng tăng lên 35.000 đồng"))
    headers = make.auth_headers(make.user("lead", "01"))
    commits.clear()
    url = f"/api/v1/cases/{case.id}/triage"
    assert client.post(url, json={"category": "fraud"}, headers=headers).status_code == 200
    assert len(commits) == 1
    assert _last_used(db) is not None and db.session.get(Case, case.id).category == "fraud"


def test_a_refused_action_commits_nothing(client, db, make, commits):
    case = make.case(make.report("Giá xăng tăng lên 35.000 đồng"))
    headers = make.auth_headers(make.user("lead", "01"))
    commits.clear()
    url = f"/api/v1/cases/{case.id}/triage"
    refused = client.post(url, json={"category": "out_of_scope"}, headers=headers)
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) == {"reason"}
    assert commits == []
    assert db.session.get(Case, case.id).status == "open"
