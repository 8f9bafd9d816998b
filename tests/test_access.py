"""Role × centre access on every staff route, HTML and API, enumerated from the URL map.

A new staff route is covered automatically: its URL parameters are filled from PARAMS (an unknown
parameter name fails the test until a factory is added), and a route without parameters must have
an entry in NO_PARAM_CHECKS. Every method of every route is requested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from tingia.auth import sessions
from tingia.extensions import db as _db
from tingia.models import ApiToken, Case, StaffSession, User

LEAD_ONLY = {
    "editor.publish",
    "editor.publish_preview",
    "editor.unpublish",
    "team.members",
    "team.set_user_active",
    "api.publish_case",
    "api.unpublish_case",
}
ADMIN_ONLY = {
    "team.admin_users",
    "team.update",
    "team.reset_two_factor",
    "ops.failed_jobs",
    "ops.requeue_job",
    "audit.search",
}
# National staff only: provincial staff of the case's own centre get 403.
NATIONAL_ONLY = {"staff.take_over", "sources.set_list", "sources.decide"}


@dataclass
class World:
    """One province's objects: a case with two reports (an image, a contact), a suggestion; a
    harmful case from a page's post with a removal request, the page and a list proposal."""

    case: Case
    report: object
    attachment: object
    suggestion: object
    user: User
    token: object
    staff_session: object = None
    takedown: object = None
    source: object = None
    proposal: object = None


PARAMS = {
    "case_id": lambda world: world.case.id,
    "report_id": lambda world: world.report.id,
    "attachment_id": lambda world: world.attachment.id,
    "suggestion_id": lambda world: world.suggestion.id,
    "user_id": lambda world: world.user.id,
    "token_id": lambda world: world.token.id,
    "takedown_id": lambda world: world.takedown.id,
    "source_id": lambda world: world.source.id,
    "proposal_id": lambda world: world.proposal.id,
    "session_id": lambda world: world.staff_session.id,
}


def staff_rules(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every page under /staff/ and every token-protected API route."""
    routes = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.rule.startswith("/staff/") or getattr(view, "requires_token", False):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, rule.rule, method))
    assert len(routes) > 30, "the staff routes were not found"
    return sorted(routes)


def build_url(rule: str, world: World) -> str:
    """The rule with every parameter filled from the world; unknown parameters fail the test."""

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name not in PARAMS:
            pytest.fail(f"{rule}: no factory for URL parameter <{name}>; add one to PARAMS")
        return str(PARAMS[name](world))

    return re.sub(r"<(?:\w+:)?(\w+)>", fill, rule)


def request(client, method: str, url: str, headers: dict | None):
    if url.startswith("/api/"):
        return client.open(url, method=method, headers=headers, json={})
    return client.open(url, method=method, data={})


def make_world(make, province: str, user: User) -> World:
    with_image = make.report(
        f"Tin đồn ở tỉnh {province}: sữa bột nhiễm độc",
        province,
        images=[make.png_bytes(color="green")],
        contact_name="Nguyễn Văn Bí Mật",
        contact_email=f"bimat{province}@example.vn",
        contact_consent=True,
    )
    second = make.report(f"Tin đồn ở tỉnh {province}: sữa bột nhiễm độc, chia sẻ", province)
    case = make.case(with_image, second)
    suggested = make.report(f"Có thể cùng chuyện, tỉnh {province}", province)
    make.case(suggested)
    suggestion = make.suggestion(case, suggested)
    make.token(user)
    token = _db.session.scalar(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    )
    takedown = make.takedown(user, province=province)
    proposal = make.proposal(takedown.source, user)
    sessions.start_session(user, second_factor=True)
    staff_session = _db.session.scalar(
        select(StaffSession).where(StaffSession.user_id == user.id).order_by(StaffSession.id.desc())
    )
    return World(
        case,
        second,
        with_image.attachments[0],
        suggestion,
        user,
        token,
        staff_session,
        takedown,
        takedown.source,
        proposal,
    )


@pytest.fixture
def people(db, make):
    """A lead and a verifier in Hà Nội (01) and in Hồ Chí Minh City (79), national staff."""
    staff = {
        "lead01": make.user("lead", "01"),
        "verifier01": make.user("verifier", "01"),
        "lead79": make.user("lead", "79"),
        "verifier79": make.user("verifier", "79"),
        "admin": make.user("admin", None),
        "nationallead": make.user("lead", None),
    }
    db.session.commit()
    return staff


class Session:
    """Sign a test client in as someone, for pages (session) and the API (token)."""

    def __init__(self, app, make, user: User):
        self.client = app.test_client()
        make.login(self.client, user)
        self.headers = make.auth_headers(user)

    def open(self, method: str, url: str, **kwargs):
        return request(self.client, method, url, self.headers)


def _queue_hides(session, world, method):
    response = session.client.get("/staff/?status=all")
    assert response.status_code == 200
    assert f'data-case-id="{world.case.id}"' not in response.text
    assert "sữa bột nhiễm độc" not in response.text


def _bulk_refuses(session, world, method):
    data = {"case_ids": [world.case.id], "action": "triage", "category": "harmful"}
    assert session.client.post("/staff/bulk", data=data).status_code == 404
    assert world.case.status == "open"


def _team_hides(session, world, method):
    response = session.open(method, "/staff/team")
    assert response.status_code in (200, 400)  # POST without fields: the form's errors
    assert world.user.email not in response.text


def _admin_refuses(session, world, method):
    assert session.open(method, "/staff/admin/users").status_code == 403


def _failed_jobs_refuse(session, world, method):
    assert session.open(method, "/staff/admin/jobs").status_code == 403


def _audit_refuses(session, world, method):
    # Only admins read the audit log (it says who looked at which reporter's details).
    assert session.open(method, "/staff/admin/audit").status_code == 403


def _tokens_hide(session, world, method):
    response = session.open(method, "/staff/account/tokens")
    assert response.status_code in (200, 400)  # POST without a name: the form's error
    assert world.token.prefix not in response.text


def _linked_refuses(session, world, method):
    assert session.client.get("/staff/linked").status_code == 403


def _sessions_hide(session, world, method):
    response = session.open(method, "/staff/account/sessions")
    assert response.status_code == 200
    assert f'data-session-id="{world.staff_session.id}"' not in response.text


def _other_sessions_stay(session, world, method):
    assert session.open(method, "/staff/account/sessions/revoke-others").status_code == 302
    _db.session.refresh(world.staff_session)
    assert world.staff_session.revoked_at is None


def _two_factor_own_only(session, world, method):
    paths = {
        "account.two_factor_page": "/staff/account/two-factor",
        "account.renew_recovery_codes": "/staff/account/two-factor/recovery-codes",
        "account.disable_two_factor": "/staff/account/two-factor/disable",
    }
    for path in paths.values():
        assert session.open(method, path).status_code in (200, 400, 403, 405)
    _db.session.refresh(world.user)
    assert world.user.totp_secret is None or world.user.two_factor_required


def _api_list_hides(session, world, method):
    body = session.client.get("/api/v1/cases?status=open", headers=session.headers).get_json()
    assert world.case.id not in [item["id"] for item in body["items"]]


def _takedowns_hide(session, world, method):
    response = session.client.get("/staff/takedowns")
    assert response.status_code == 200
    assert f'data-takedown-id="{world.takedown.id}"' not in response.text
    assert world.takedown.url not in response.text


def _sources_hide(session, world, method):
    response = session.client.get("/staff/sources")
    assert response.status_code == 200
    assert f'data-source-id="{world.source.id}"' not in response.text
    assert world.source.handle not in response.text


def _dashboard_hides(session, world, method):
    response = session.client.get("/staff/dashboard")
    assert response.status_code == 200
    assert 'data-testid="open-cases">0<' in response.text
    assert 'data-testid="takedowns-open">0<' in response.text
    assert session.client.get("/staff/dashboard?province=79").status_code == 200
    assert 'data-testid="open-cases">0<' in response.text  # not national: own centre only


def _quarterly_refuses(session, world, method):
    assert session.client.get("/staff/reports/quarterly?centre=79").status_code == 404
    own = session.client.get("/staff/reports/quarterly?format=csv")
    assert own.status_code == 200 and world.source.handle not in own.text


def _staff_intake_checks(session, world, method):
    from tingia.models import Report

    before = _db.session.query(Report).count()
    response = session.open(method, "/staff/reports/new")
    assert response.status_code == (400 if method == "POST" else 200)
    assert _db.session.query(Report).count() == before


def _export_hides(session, world, method):
    response = session.client.get("/staff/export.csv?status=all")
    assert response.status_code == 200
    assert "sữa bột nhiễm độc" not in response.text
    assert f"{world.case.id}," not in response.text.splitlines()[1:]


def _api_takedowns_hide(session, world, method):
    body = session.client.get("/api/v1/takedowns", headers=session.headers).get_json()
    assert world.takedown.id not in [item["id"] for item in body["items"]]


def _api_sources_hide(session, world, method):
    body = session.client.get("/api/v1/sources", headers=session.headers).get_json()
    assert world.source.id not in [item["id"] for item in body["items"]]


def _api_statistics_refuse(session, world, method):
    url = "/api/v1/statistics/quarterly?quarter=2026-Q4"
    assert session.client.get(f"{url}&centre=79", headers=session.headers).status_code == 404
    own = session.client.get(url, headers=session.headers).get_json()
    assert own["takedowns"]["requested"] == 0 and own["top_sources"] == []


NO_PARAM_CHECKS = {
    "takedowns.listing": _takedowns_hide,
    "sources.listing": _sources_hide,
    "dashboard.dashboard_page": _dashboard_hides,
    "dashboard.quarterly": _quarterly_refuses,
    "staff_intake.report": _staff_intake_checks,
    "staff.export_queue": _export_hides,
    "api.list_takedowns": _api_takedowns_hide,
    "api.list_sources": _api_sources_hide,
    "api.quarterly_statistics": _api_statistics_refuse,
    "staff.queue": _queue_hides,
    "staff.bulk": _bulk_refuses,
    "team.members": _team_hides,
    "team.admin_users": _admin_refuses,
    "ops.failed_jobs": _failed_jobs_refuse,
    "audit.search": _audit_refuses,
    "team.tokens": _tokens_hide,
    "staff.linked": _linked_refuses,
    "api.list_cases": _api_list_hides,
    "account.sessions_page": _sessions_hide,
    "account.revoke_other_sessions": _other_sessions_stay,
    "account.two_factor_page": _two_factor_own_only,
    "account.renew_recovery_codes": _two_factor_own_only,
    "account.disable_two_factor": _two_factor_own_only,
}


def test_every_staff_route_answers_404_for_another_provinces_objects(app, db, make, people):
    outsider = Session(app, make, people["lead01"])
    owner = Session(app, make, people["lead79"])
    checked = set()
    for endpoint, rule, method in staff_rules(app):
        world = make_world(make, "79", people["verifier79"])
        db.session.commit()
        if "<" not in rule:
            if endpoint not in NO_PARAM_CHECKS:
                pytest.fail(f"{endpoint} has no URL parameter: add a check to NO_PARAM_CHECKS")
            NO_PARAM_CHECKS[endpoint](outsider, world, method)
            checked.add((endpoint, method))
            continue
        url = build_url(rule, world)
        expected = 403 if endpoint in ADMIN_ONLY else 404
        response = outsider.open(method, url)
        assert response.status_code == expected, (endpoint, method, url, response.status_code)
        if endpoint not in ADMIN_ONLY:
            # Control: the same URL works for the case's own centre, so the 404 was scoping.
            control = owner.open(method, url)
            allowed = (404,) if endpoint in NATIONAL_ONLY else (403, 404)
            assert control.status_code not in allowed, (endpoint, method, control.status_code)
        checked.add((endpoint, method))
    assert {"staff.case", "staff.split", "api.split_report", "api.get_case"} <= {
        endpoint for endpoint, _ in checked
    }


def test_every_staff_route_needs_sign_in(app, db, make, people):
    world = make_world(make, "01", people["verifier01"])
    db.session.commit()
    client = app.test_client()
    for endpoint, rule, method in staff_rules(app):
        url = build_url(rule, world)
        response = request(client, method, url, None)
        if url.startswith("/api/"):
            assert response.status_code == 401, (endpoint, method)
        else:
            assert response.status_code == 302, (endpoint, method)
            assert "/login" in response.headers["Location"], endpoint


def test_role_only_routes_answer_403_to_verifiers_of_the_same_centre(app, db, make, people):
    verifier = Session(app, make, people["verifier79"])
    lead = Session(app, make, people["lead79"])
    for endpoint, rule, method in staff_rules(app):
        world = make_world(make, "79", people["verifier79"])
        db.session.commit()
        if "<" not in rule:
            continue  # no object: covered by the checks of the other tests
        url = build_url(rule, world)
        response = verifier.open(method, url)
        if endpoint in LEAD_ONLY or endpoint in ADMIN_ONLY or endpoint in NATIONAL_ONLY:
            assert response.status_code == 403, (endpoint, method, response.status_code)
        else:
            assert response.status_code not in (403, 404), (endpoint, method)
    # Role-only pages without an object.
    assert verifier.client.get("/staff/team").status_code == 403
    assert verifier.client.get("/staff/admin/users").status_code == 403
    assert lead.client.get("/staff/team").status_code == 200
    assert lead.client.get("/staff/admin/users").status_code == 403
    assert verifier.client.get("/staff/admin/jobs").status_code == 403
    assert lead.client.get("/staff/admin/jobs").status_code == 403
    assert verifier.client.get("/staff/admin/audit").status_code == 403
    assert lead.client.get("/staff/admin/audit").status_code == 403


def test_national_staff_reach_every_province(app, db, make, people):
    world = make_world(make, "79", people["verifier79"])
    national = Session(app, make, people["nationallead"])
    page = national.client.get(f"/staff/cases/{world.case.id}")
    assert page.status_code == 200 and "sữa bột nhiễm độc" in page.text
    # National staff see the case, not the provincial reporters' contact details.
    assert "bimat79@example.vn" not in page.text
    assert national.open("GET", f"/api/v1/cases/{world.case.id}").status_code == 200
    queue = national.client.get("/staff/?province=79")
    assert f'data-case-id="{world.case.id}"' in queue.text
    admin = Session(app, make, people["admin"])
    assert admin.client.get("/staff/admin/users").status_code == 200
    assert admin.client.get("/staff/admin/audit").status_code == 200
    assert admin.client.get(f"/staff/attachments/{world.attachment.id}").status_code == 200


def test_provincial_staff_see_their_reporters_contacts(app, db, make, people):
    world = make_world(make, "79", people["verifier79"])
    own = Session(app, make, people["verifier79"])
    page = own.client.get(f"/staff/cases/{world.case.id}")
    assert "bimat79@example.vn" in page.text and "Nguyễn Văn Bí Mật" in page.text


def test_merge_with_a_case_of_another_province_is_404(app, db, make, people):
    mine = make_world(make, "01", people["verifier01"])
    theirs = make_world(make, "79", people["verifier79"])
    session = Session(app, make, people["lead01"])
    html = session.client.post(
        f"/staff/cases/{mine.case.id}/merge", data={"case_id": theirs.case.id}
    )
    api = session.client.post(
        f"/api/v1/cases/{mine.case.id}/merge",
        json={"case_id": theirs.case.id},
        headers=session.headers,
    )
    assert (html.status_code, api.status_code) == (404, 404)
    assert theirs.case.report_count == 2 and theirs.case.status == "open"


def test_csrf_is_enforced_on_staff_posts(db, make, app_config):
    from tingia import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        verifier = make.user("verifier", "01")
        case = make.case()
        client = app.test_client()
        make.login(client, verifier)
        url = f"/staff/cases/{case.id}/notes"
        refused = client.post(url, data={"text": "không có mã CSRF"})
        assert refused.status_code == 400
        page = client.get(f"/staff/cases/{case.id}").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = client.post(url, data={"text": "có mã CSRF", "csrf_token": token})
        assert accepted.status_code == 302
        assert "có mã CSRF" in client.get(f"/staff/cases/{case.id}").text
        assert "không có mã CSRF" not in client.get(f"/staff/cases/{case.id}").text
        _db.session.remove()
        _db.engine.dispose()
