"""Contact details are purged CONTACT_RETENTION_DAYS after the case is closed or published (the
`flask privacy purge` command and the worker's periodic job), and at once when the reporter asks
with the tracking code (a CSRF-protected, rate-limited page). Both are in the audit log.

Before: contact details were kept forever; every test here failed.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tingia.database import utcnow
from tingia.jobs import worker
from tingia.models import AuditAction, AuditEntry, Report
from tingia.privacy.service import purge_expired_contacts
from tingia.publishing import service as publishing
from tingia.triage import service as triage

CONTACT = {
    "contact_name": "Lê Văn Riêng",
    "contact_email": "rieng@example.vn",
    "contact_phone": "0987000111",
    "contact_consent": True,
}


def reported(make, text: str) -> Report:
    return make.report(text, **CONTACT)


def closed_case(make, staff, text="Tin nhắn giả mạo ngân hàng yêu cầu bấm đường dẫn lạ"):
    report = reported(make, text)
    case = make.case(report)
    triage.triage(case, "fraud", staff)
    triage.close(case, "Đã báo ngân hàng", staff)
    return report


def published_case(make, staff, lead):
    report = reported(make, "Bộ Y tế khuyến cáo uống nước chanh ấm diệt virus cúm A")
    case = make.case(report)
    triage.triage(case, "verifiable", staff)
    content = {"rating": "fake", "title": "Nước chanh không diệt cúm", "claim": "Nước chanh"}
    content |= {"summary": "Sai.", "explanation": "Sai.", "sources": ["https://moh.gov.vn/1"]}
    publishing.save_publication(case, content, staff)
    publishing.publish(case, lead)
    return report


def erased(report: Report) -> bool:
    return (report.contact_name, report.contact_email, report.contact_phone) == (None,) * 3


@pytest.fixture
def staff(db, make):
    return make.user("verifier", "01"), make.user("lead", "01")


def test_contacts_are_purged_after_the_retention_period(app, db, make, staff):
    verifier, lead = staff
    closed = closed_case(make, verifier)
    published = published_case(make, verifier, lead)
    still_open = reported(make, "Tin đồn chưa xử lý: cắt điện toàn thành phố tối nay")
    make.case(still_open)
    unprocessed = reported(make, "Tin đồn vừa gửi, chưa được nhóm")
    db.session.commit()
    days = app.config["CONTACT_RETENTION_DAYS"]
    assert purge_expired_contacts(now=utcnow() + timedelta(days=days - 1)) == 0
    assert purge_expired_contacts(now=utcnow() + timedelta(days=days, minutes=1)) == 2
    db.session.commit()
    assert erased(closed) and erased(published)
    assert closed.contact_erased_at is not None and closed.content  # what was reported stays
    assert not erased(still_open) and not erased(unprocessed)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.CONTACT_PURGED)
    ).all()
    assert {entry.report_id for entry in entries} == {closed.id, published.id}
    assert all(
        entry.actor_id is None and entry.detail["retention_days"] == days for entry in entries
    )


def test_a_reopened_case_keeps_its_contacts(app, db, make, staff):
    verifier, _ = staff
    report = closed_case(make, verifier)
    triage.reopen(report.case, verifier)
    db.session.commit()
    later = utcnow() + timedelta(days=app.config["CONTACT_RETENTION_DAYS"] + 30)
    assert purge_expired_contacts(now=later) == 0


class TestNoRetention:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "CONTACT_RETENTION_DAYS": 0}

    def test_flask_privacy_purge(self, app, db, make, staff):
        report = closed_case(make, staff[0])
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["privacy", "purge"])
        assert result.exit_code == 0, result.output
        assert "contact details purged: 1 reports" in result.output
        db.session.expire_all()
        assert erased(db.session.get(Report, report.id))

    def test_the_worker_purges_on_its_own(self, app, db, make, staff, run_worker, redis):
        assert "privacy_purge" in [job.name for job in worker.PERIODIC_JOBS]
        report_id = closed_case(make, staff[0]).id
        db.session.commit()
        assert "privacy_purge" in worker.enqueue_due_periodic_jobs()
        run_worker()  # the job leaves the worker's (here: the test's) session removed
        assert erased(db.session.get(Report, report_id))
        # Claimed for its interval: not enqueued again before it is due.
        assert "privacy_purge" not in worker.enqueue_due_periodic_jobs()

    def test_staff_see_that_the_details_were_deleted(self, app, db, make, staff):
        report = closed_case(make, staff[0])
        db.session.commit()
        app.test_cli_runner().invoke(args=["privacy", "purge"])
        client = app.test_client()
        make.login(client, staff[0])
        page = client.get(f"/staff/cases/{report.case_id}").text
        assert 'data-testid="contact-erased"' in page and CONTACT["contact_email"] not in page


def test_a_reporter_deletes_their_contact_details_with_the_tracking_code(client, db, make):
    report = reported(make, "Tin đồn: trường học nghỉ cả tuần vì dịch, chia sẻ gấp")
    make.case(report)
    db.session.commit()
    track = client.get(f"/track/{report.tracking_code}")
    assert 'data-testid="erase-contact-link"' in track.text
    url = f"/track/{report.tracking_code}/forget"
    assert client.get(url).status_code == 200
    refused = client.post(url, data={})  # the box was not ticked
    assert refused.status_code == 400 and not erased(report)
    done = client.post(url, data={"confirm": "y"}, environ_base={"REMOTE_ADDR": "203.0.113.50"})
    assert done.status_code == 302
    db.session.expire_all()
    report = db.session.get(Report, report.id)
    assert erased(report) and report.contact_erased_at is not None
    page = client.get(f"/track/{report.tracking_code}").text
    assert 'data-testid="contact-erased"' in page
    [entry] = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.CONTACT_ERASED)
    ).all()
    assert (entry.report_id, entry.actor_id, entry.ip_address) == (report.id, None, None)
    assert client.get(url).status_code == 200  # asking again: nothing left, says so


def test_an_unknown_code_is_404(client, db):
    assert client.get("/track/TG-0000-0000/forget").status_code == 404
    assert client.post("/track/TG-0000-0000/forget", data={"confirm": "y"}).status_code == 404


def test_the_erasure_needs_a_csrf_token(app_config, db, make):
    from tingia import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        report = reported(make, "Tin đồn: trường học nghỉ cả tuần vì dịch")
        db.session.commit()
        client = app.test_client()
        url = f"/track/{report.tracking_code}/forget"
        assert client.post(url, data={"confirm": "y"}).status_code == 400
        db.session.refresh(report)
        assert not erased(report)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get(url).text)
        assert (
            client.post(url, data={"confirm": "y", "csrf_token": token.group(1)}).status_code == 302
        )
        db.session.refresh(report)
        assert erased(report)
        db.session.remove()
        db.engine.dispose()


def test_the_erasure_is_rate_limited(app_config, db, make, redis_url):
    from redis import Redis

    from tingia import create_app

    Redis.from_url(redis_url).flushdb()
    app = create_app({**app_config, "RATELIMIT_ENABLED": True})
    with app.app_context():
        db.session.commit()
        client = app.test_client()
        statuses = [
            client.post("/track/TG-0000-0000/forget", data={"confirm": "y"}).status_code
            for _ in range(7)
        ]
        assert statuses[:5] == [404] * 5 and statuses[5:] == [429, 429]
        db.session.remove()
        db.engine.dispose()
