"""The audit log: append-only, every case change (its history entry referenced), sign-ins, account
and token changes, and every view of a reporter's contact details with who, what, when and from
which address; admins search it.

Before tingia.audit there was no audit log: every test here failed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from tingia.audit import record, record_contact_view
from tingia.audit.service import AppendOnlyError
from tingia.database import utcnow
from tingia.models import (
    AuditAction,
    AuditEntry,
    AuthAction,
    CaseAction,
    CaseEvent,
    User,
)

ADDRESS = "203.0.113.7"
CONTACT = {"contact_name": "Trần Thị Kín", "contact_email": "kin@example.vn"}


@pytest.fixture
def reported(db, make):
    """A Hà Nội case with a report carrying contact details, and one without."""
    with_contact = make.report(
        "Tin đồn: nước giếng ở Sóc Sơn nhiễm thạch tín, đừng dùng",
        contact_consent=True,
        contact_phone="0912345678",
        **CONTACT,
    )
    without = make.report("Tin đồn: nước giếng ở Sóc Sơn nhiễm thạch tín, chia sẻ")
    case = make.case(with_contact, without)
    db.session.commit()
    return case, with_contact


def entries(db, action=None):
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        query = query.where(AuditEntry.action == action)
    return db.session.scalars(query).all()


def test_every_view_of_contact_details_is_recorded(app, db, make, reported):
    case, with_contact = reported
    verifier = make.user("verifier", "01")
    client = app.test_client()
    make.login(client, verifier)
    for _ in range(2):
        page = client.get(f"/staff/cases/{case.id}", environ_base={"REMOTE_ADDR": ADDRESS})
        assert CONTACT["contact_email"] in page.text
    views = entries(db, AuditAction.CONTACT_VIEWED)
    assert len(views) == 2  # every view, one entry per report whose details were shown
    for entry in views:
        assert entry.actor_id == verifier.id
        assert (entry.case_id, entry.report_id) == (case.id, with_contact.id)
        assert entry.ip_address == ADDRESS
        assert utcnow() - entry.created_at < timedelta(minutes=1)


def test_staff_who_do_not_see_the_details_leave_no_view(app, db, make, reported):
    case, _ = reported
    national = make.user("lead", None)  # sees the case, not a provincial reporter's details
    client = app.test_client()
    make.login(client, national)
    page = client.get(f"/staff/cases/{case.id}")
    assert page.status_code == 200 and CONTACT["contact_email"] not in page.text
    assert entries(db, AuditAction.CONTACT_VIEWED) == []


def test_the_api_case_detail_records_contact_views(client, db, make, reported):
    case, with_contact = reported
    verifier = make.user("verifier", "01")
    headers = make.auth_headers(verifier)
    body = client.get(
        f"/api/v1/cases/{case.id}", headers=headers, environ_base={"REMOTE_ADDR": ADDRESS}
    ).get_json()
    shown = [report for report in body["reports"] if report["contact"]]
    assert [report["id"] for report in shown] == [with_contact.id]
    [entry] = entries(db, AuditAction.CONTACT_VIEWED)
    assert (entry.actor_id, entry.report_id, entry.ip_address) == (
        verifier.id,
        with_contact.id,
        ADDRESS,
    )


def test_every_case_change_is_in_the_log_with_its_address(app, db, make, reported):
    case, _ = reported
    verifier = make.user("verifier", "01")
    client = app.test_client()
    make.login(client, verifier)
    response = client.post(
        f"/staff/cases/{case.id}/triage",
        data={"category": "harmful"},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    assert response.status_code == 302
    events = db.session.scalars(select(CaseEvent).order_by(CaseEvent.id)).all()
    assert CaseAction.TRIAGED in [event.action for event in events]
    logged = {entry.case_event_id: entry for entry in entries(db, AuditAction.CASE_EVENT)}
    assert set(logged) == {event.id for event in events}  # every history entry, the worker's too
    triaged = next(event for event in events if event.action == CaseAction.TRIAGED)
    entry = logged[triaged.id]
    assert (entry.actor_id, entry.case_id, entry.ip_address) == (verifier.id, case.id, ADDRESS)
    assert entry.detail == {"case_action": "triaged"}


def test_the_log_cannot_be_changed_through_the_app(db, make, reported):
    case, report = reported
    entry = record_contact_view(make.user("verifier", "01"), report, ADDRESS)
    db.session.commit()
    entry.ip_address = "198.51.100.1"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(entry)
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()
    for statement in (update(AuditEntry).values(ip_address=None), delete(AuditEntry)):
        with pytest.raises(AppendOnlyError):
            db.session.execute(statement)
        db.session.rollback()
    assert db.session.get(AuditEntry, entry.id).ip_address == ADDRESS


def test_the_log_keeps_who_and_when_of_a_history_entry_corrected_later(db, make, reported):
    case, _ = reported
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)).first()
    logged = db.session.scalar(select(AuditEntry).where(AuditEntry.case_event_id == event.id))
    when = logged.created_at
    event.created_at = when - timedelta(days=400)  # the history may be corrected (tests do)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(AuditEntry, logged.id).created_at == when


def test_postgresql_refuses_changes_to_the_log_in_sql_too(db, make, reported):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite: the app's guard only)")
    record_contact_view(make.user("verifier", "01"), reported[1], ADDRESS)
    db.session.commit()
    for sql in ("UPDATE audit_log SET ip_address = NULL", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(sql))
        db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM audit_log WHERE ip_address IS NOT NULL"))


def test_record_takes_the_requests_address_by_default(app, db, make):
    user = make.user("admin", None)
    with app.test_request_context("/staff/", environ_base={"REMOTE_ADDR": ADDRESS}):
        entry = record(AuditAction.ACCOUNT_CHANGED, user, subject_user=user, changed=["name"])
    assert (entry.ip_address, entry.detail) == (ADDRESS, {"changed": ["name"]})
    assert record(AuditAction.ACCOUNT_CHANGED, user).ip_address is None  # outside a request


@pytest.fixture
def admin_client(app, db, make, reported):
    """An admin signed in; a log with entries by two people on two cases."""
    from tingia.auth import events as auth_events
    from tingia.cases.history import record as history

    case, with_contact = reported
    admin = make.user("admin", None)
    alice = make.user("verifier", "01", email="alice@centre.test")
    bob = make.user("verifier", "01", email="bob@centre.test")
    other = make.case(make.report("Tin đồn khác hẳn: giá vàng giảm một nửa"))
    record_contact_view(alice, with_contact, ADDRESS)
    auth_events.record(AuthAction.LOGIN_SUCCEEDED, bob)
    history(other, CaseAction.NOTE, bob, text="ghi chú")
    db.session.commit()
    client = app.test_client()
    make.login(client, admin)
    return client, case, other


def count_rows(response) -> int:
    assert response.status_code == 200
    return response.text.count('data-testid="audit-entry"')


def test_admins_search_by_user_case_action_and_date(admin_client, db):
    client, case, other = admin_client
    everything = count_rows(client.get("/staff/admin/audit"))
    assert everything == len(entries(db)) >= 5
    alice = client.get("/staff/admin/audit?user=ALICE@centre.test")
    assert count_rows(alice) == 1 and ADDRESS in alice.text and f"#{case.id}" in alice.text
    on_other = sum(1 for entry in entries(db) if entry.case_id == other.id)
    assert count_rows(client.get(f"/staff/admin/audit?case=%23{other.id}")) == on_other >= 2
    assert count_rows(client.get("/staff/admin/audit?action=contact_viewed")) == 1
    signed_in = client.get("/staff/admin/audit?action=auth_event:login_succeeded")
    assert count_rows(signed_in) == 1 and "bob@centre.test" in signed_in.text
    notes = client.get("/staff/admin/audit?action=case_event:note&user=bob@centre.test")
    assert count_rows(notes) == 1 and "Ghi chú" in notes.text
    today = utcnow().date()
    recent = f"/staff/admin/audit?since={today - timedelta(3)}&until={today + timedelta(1)}"
    assert count_rows(client.get(recent)) == everything
    assert count_rows(client.get(f"/staff/admin/audit?since={today + timedelta(2)}")) == 0


def test_a_bad_search_is_a_form_error(admin_client):
    client, _, _ = admin_client
    for query in ("user=nobody@example.vn", "case=abc", "since=2025-13-40", "action=drop"):
        response = client.get(f"/staff/admin/audit?{query}")
        assert response.status_code == 400, query
        assert 'class="error"' in response.text


def test_the_log_never_holds_contact_details(app, db, make, reported):
    case, _ = reported
    client = app.test_client()
    make.login(client, make.user("verifier", "01"))
    client.get(f"/staff/cases/{case.id}")
    stored = " ".join(repr((entry.detail, entry.ip_address)) for entry in entries(db))
    for secret in (*CONTACT.values(), "0912345678"):
        assert secret not in stored


def test_sign_ins_accounts_and_tokens_are_in_the_log(app, db, make):
    admin = make.user("admin", None)
    verifier = make.user("verifier", "01", email="nam@centre.test")
    db.session.commit()
    client = app.test_client()
    signed = client.post(
        "/login",
        data={"email": "nam@centre.test", "password": make.PASSWORD},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    assert signed.status_code == 302
    [sign_in] = entries(db, AuditAction.AUTH_EVENT)
    assert sign_in.auth_event.action == AuthAction.LOGIN_SUCCEEDED
    assert (sign_in.actor_id, sign_in.subject_user_id, sign_in.ip_address) == (
        verifier.id,
        verifier.id,
        ADDRESS,
    )
    created = {entry.subject_user_id: entry for entry in entries(db, AuditAction.ACCOUNT_CREATED)}
    assert set(created) == {admin.id, verifier.id}
    make.login(client, admin)
    moved = client.post(
        f"/staff/admin/users/{verifier.id}",
        data={"role": "lead", "centre_id": verifier.centre_id},
        environ_base={"REMOTE_ADDR": ADDRESS},
    )
    assert moved.status_code == 302
    [changed] = entries(db, AuditAction.ACCOUNT_CHANGED)
    assert (changed.actor_id, changed.subject_user_id, changed.ip_address) == (
        admin.id,
        verifier.id,
        ADDRESS,
    )
    assert changed.detail["changed"] == ["role"] and changed.detail["role"] == "lead"
    client.post("/staff/account/tokens", data={"name": "báo cáo"})
    [token] = entries(db, AuditAction.TOKEN_CREATED)
    assert (token.actor_id, token.subject_user_id) == (admin.id, admin.id)
    client.post(f"/staff/account/tokens/{token.detail['token_id']}/revoke")
    [revoked] = entries(db, AuditAction.TOKEN_REVOKED)
    assert revoked.detail["token_id"] == token.detail["token_id"]
    assert db.session.get(User, verifier.id).role == "lead"
