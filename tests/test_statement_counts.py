"""How many SQL statements accepting and grouping a report take: on a machine where every round
trip waits for a core, they bound the load the site and its workers take (README "Load")."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select, update

from tingia.database import utcnow
from tingia.intake import service as intake
from tingia.jobs import tasks
from tingia.matching import index
from tingia.matching import service as matching
from tingia.models import AuditEntry, Case, CaseEvent, CaseLink, MatchKey, Report
from tingia.tracking_codes import new_tracking_code

TEXT = (
    "KHẨN CẤP: Bộ Y tế khuyến cáo người dân uống nước chanh ấm pha muối mỗi sáng để diệt virus "
    "cúm A đang bám trong cổ họng trước khi nó xuống phổi, hãy chia sẻ cho gia đình"
)


class CountingCursor:
    """A DB-API cursor that notes what it executes (the index's look-up bypasses SQLAlchemy's
    events: tingia/matching/index.py `_raw_cursor`)."""

    def __init__(self, cursor, statements: list[str]) -> None:
        self._cursor, self._statements = cursor, statements

    def execute(self, sql, *args):
        self._statements.append(" ".join(str(sql).split())[:120])
        return self._cursor.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


@contextmanager
def counted(engine) -> Iterator[list[str]]:
    """The statements sent to the database meanwhile, through SQLAlchemy or a raw cursor."""
    statements: list[str] = []

    def note(connection, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split())[:120])

    raw_cursor = index._raw_cursor
    index._raw_cursor = lambda: CountingCursor(raw_cursor(), statements)
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
        index._raw_cursor = raw_cursor


def submit(client, province: str = "01", content: str = TEXT) -> str:
    payload = {"content": content, "platform": "facebook", "province": province}
    response = client.post("/api/v1/reports", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["tracking_code"]


def report_id(db, code: str) -> int:
    return db.session.scalar(select(Report.id).where(Report.tracking_code == code))


def test_accepting_a_report_is_one_insert_and_the_instant_answer(app, client, db):
    submit(client)  # provinces and centres are read once per app, not per report
    with counted(db.engine) as statements:
        code = submit(client, province="79")
    # The report; then the instant answer's look-up in the index (intake/answers.py: nothing is
    # grouped yet, so no candidate to read). No tracking-code check, no provinces or centres,
    # no reloading the report after the commit.
    assert statements[0].startswith("INSERT INTO reports"), statements
    assert [s.split()[0] for s in statements[1:]] == ["SELECT"], statements
    assert not [s for s in statements if "provinces" in s or "centres" in s], statements
    report = db.session.scalar(select(Report).where(Report.tracking_code == code))
    assert report.centre.province_code == "79"


def test_a_tracking_code_clash_is_retried_with_a_new_code(app, client, db, monkeypatch):
    taken = submit(client)
    fresh = new_tracking_code()
    codes = iter([taken, fresh])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(codes))
    assert submit(client, content=TEXT + " (lần hai)") == fresh
    assert db.session.scalar(select(func.count(Report.id))) == 2


def test_grouping_a_report_takes_few_statements(app, client, db):
    first = report_id(db, submit(client))
    elsewhere = report_id(db, submit(client, province="79"))
    joining = report_id(db, submit(client))
    tasks.process_report(first)
    tasks.process_report(elsewhere)  # another centre: a case of its own, linked to the first

    with counted(db.engine) as statements:
        outcome = tasks.process_report(joining)
    db.session.expire_all()
    assert outcome["outcome"] == "attach" and outcome["linked_cases"]
    # The report and its images; locks and claim (one statement on PostgreSQL, the lock row and
    # the claim on SQLite); candidates; their rows; their cases locked; existing links; the
    # report, its case; its history entry and audit entry; its index keys.
    bound = 11 if db.engine.dialect.name == "postgresql" else 12
    assert len(statements) <= bound, "\n".join(statements)
    assert db.session.get(Report, joining).case_id == db.session.get(Report, first).case_id
    assert db.session.scalar(select(func.count(CaseLink.id))) == 1
    events = db.session.scalar(select(func.count(CaseEvent.id)))
    audited = db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.case_event_id.is_not(None))
    )
    assert events == audited > 0
    assert db.session.scalar(select(func.count()).where(MatchKey.report_id == joining)) > 0
    assert db.session.scalar(select(func.count(Case.id))) == 2


def test_a_report_processed_twice_is_grouped_once(app, client, db):
    code = submit(client)
    rid = report_id(db, code)
    first = tasks.process_report(rid)
    keys = db.session.scalar(select(func.count()).where(MatchKey.report_id == rid))
    again = tasks.process_report(rid)
    assert again == {"report_id": rid, "outcome": "already_processed", "case_id": first["case_id"]}
    assert db.session.scalar(select(func.count()).where(MatchKey.report_id == rid)) == keys
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_a_report_another_worker_grouped_meanwhile_is_left_alone(app, client, db, monkeypatch):
    rid = report_id(db, submit(client))
    fingerprint = matching.fingerprint_attachments

    def grouped_elsewhere_meanwhile(report):
        fingerprint(report)
        with db.engine.begin() as other_worker:  # its own connection and transaction
            other_worker.execute(update(Report).where(Report.id == rid).values(
                processed_at=utcnow()))  # fmt: skip

    monkeypatch.setattr(matching, "fingerprint_attachments", grouped_elsewhere_meanwhile)
    outcome = tasks.process_report(rid)
    assert outcome == {"report_id": rid, "outcome": "already_processed", "case_id": None}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Case.id))) == 0
    assert db.session.scalar(select(func.count()).where(MatchKey.report_id == rid)) == 0
    assert db.session.get(Report, rid).normalised_text is None
