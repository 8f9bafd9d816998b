"""Reporters who left an email hear back: one message when the verdict or warning is published,
another when it is corrected (edited and published again) or withdrawn. Sent by the worker
through a real SMTP server (aiosmtpd), once, to that reporter only; never from a request, never
logged with the address."""

import logging

import pytest
from redis import Redis
from sqlalchemy import select

from tests.factories import VERDICT_INPUT, WARNING_INPUT
from tingia.jobs import tasks
from tingia.models import Notification, NotificationKind, NotificationStatus
from tingia.publishing import service as publishing
from tingia.triage import service as triage

VERDICT = VERDICT_INPUT | {"subject_area": "health"}
WARNING = WARNING_INPUT


@pytest.fixture
def staff(db, make):
    return {"verifier": make.user("verifier", "01"), "lead": make.user("lead", "01")}


@pytest.fixture
def reported(db, make):
    """A case with three reports: Lan (email), Minh (email, English), an anonymous one."""
    lan = make.report(
        "Bộ Y tế khuyến cáo uống nước chanh ấm",
        contact_name="Nguyễn Thị Lan",
        contact_email="lan@example.vn",
        contact_phone="0912345678",
        contact_consent=True,
    )
    minh = make.report(
        "Uong nuoc chanh am diet cum",
        contact_name="Trần Minh",
        contact_email="minh@example.vn",
        contact_consent=True,
        locale="en",
    )
    anonymous = make.report("Nước chanh diệt virus cúm A")
    case = make.case(lan, minh, anonymous)
    db.session.commit()
    return {"case": case, "lan": lan, "minh": minh, "anonymous": anonymous}


def publish(case, content, staff, category="verifiable"):
    if case.category is None:
        triage.triage(case, category, staff["verifier"])
    publishing.save_publication(case, content, staff["verifier"])
    return publishing.publish(case, staff["lead"])


def by_recipient(mailbox):
    return {str(message["To"]): message for message in mailbox.messages}


def test_each_reporter_with_an_email_gets_one_message_when_published(
    db, reported, staff, mailbox, run_worker
):
    verdict = publish(reported["case"], VERDICT, staff)
    db.session.commit()
    assert mailbox.messages == []  # nothing is sent by the request's transaction itself
    run_worker()
    mails = by_recipient(mailbox)
    assert set(mails) == {"lan@example.vn", "minh@example.vn"}
    assert mailbox.envelope_recipients == [["lan@example.vn"], ["minh@example.vn"]]

    lan = mails["lan@example.vn"]
    code = reported["lan"].tracking_code
    assert lan["Subject"] == f"Phản ánh {code}: trung tâm đã công bố kết quả xác minh"
    body = lan.get_content()
    assert "Xin chào Nguyễn Thị Lan," in body
    assert f"http://tingia.test/verdicts/{verdict.slug}" in body
    assert f"http://tingia.test/track/{code}" in body
    assert "[Tin giả] Uống nước chanh ấm không diệt được virus cúm A" in body
    # Nothing about anyone else: not the other reporters' names, addresses, phones or codes.
    for other in ("Trần Minh", "minh@example.vn", reported["minh"].tracking_code):
        assert other not in body and other not in str(lan)
    assert reported["anonymous"].tracking_code not in body
    assert "0912345678" not in body  # not even her own phone number

    minh = mails["minh@example.vn"]  # he reported in English
    assert minh["Subject"] == (
        f"Your report {reported['minh'].tracking_code}: the centre published its verdict"
    )
    assert "Hello Trần Minh," in minh.get_content()

    # Running the jobs again (or the sweep) sends nothing twice.
    assert tasks.sweep_unsent_notifications(older_than_seconds=0) == 0
    run_worker()
    assert len(mailbox.messages) == 2
    statuses = db.session.scalars(select(Notification.status)).all()
    assert statuses == [NotificationStatus.SENT, NotificationStatus.SENT]


def test_a_correction_and_a_withdrawal_each_send_one_more_message(
    db, reported, staff, mailbox, run_worker
):
    case = reported["case"]
    publish(case, VERDICT, staff)
    db.session.commit()
    run_worker()
    publishing.unpublish(case, "Cần sửa nguồn", staff["lead"])
    db.session.commit()
    run_worker()
    publish(case, {**VERDICT, "summary": "Bộ Y tế đã bác bỏ thông tin này."}, staff)
    db.session.commit()
    run_worker()

    lan = [m for m in mailbox.messages if str(m["To"]) == "lan@example.vn"]
    code = reported["lan"].tracking_code
    assert [m["Subject"] for m in lan] == [
        f"Phản ánh {code}: trung tâm đã công bố kết quả xác minh",
        f"Phản ánh {code}: kết quả xác minh đã được rút lại",
        f"Phản ánh {code}: kết quả xác minh đã được đính chính",
    ]
    assert "Cần sửa nguồn" not in lan[1].get_content()  # the staff's reason stays internal
    assert "Bộ Y tế đã bác bỏ thông tin này." in lan[2].get_content()
    kinds = db.session.scalars(
        select(Notification.kind)
        .where(Notification.report_id == reported["lan"].id)
        .order_by(Notification.id)
    ).all()
    assert kinds == [
        NotificationKind.PUBLISHED,
        NotificationKind.WITHDRAWN,
        NotificationKind.CORRECTED,
    ]


def test_fraud_warnings_notify_too(db, make, staff, mailbox, run_worker):
    report = make.report(
        "Tin nhắn: tài khoản bị khoá, bấm vào sbv-gia.top",
        platform="sms",
        contact_email="nan.nhan@example.vn",
        contact_consent=True,
    )
    warning = publish(make.case(report), WARNING, staff, category="fraud")
    db.session.commit()
    run_worker()
    [message] = mailbox.messages
    assert message["Subject"] == (
        f"Phản ánh {report.tracking_code}: trung tâm đã đăng cảnh báo lừa đảo"
    )
    assert f"http://tingia.test/warnings/{warning.slug}" in message.get_content()


def test_a_notice_no_longer_true_or_without_address_is_skipped(
    db, reported, staff, mailbox, app, run_worker
):
    case = reported["case"]
    publish(case, VERDICT, staff)
    db.session.commit()
    run_worker()
    assert len(mailbox.messages) == 2
    reported["minh"].contact_email = None  # e.g. removed by the retention purge meanwhile
    publishing.unpublish(case, "Sai", staff["lead"])
    db.session.commit()
    run_worker()
    [withdrawal] = mailbox.messages[2:]  # Minh has no address any more
    assert str(withdrawal["To"]) == "lan@example.vn" and "rút lại" in withdrawal["Subject"]

    # Published again and withdrawn again before the worker ran: the correction is no longer
    # true, and Lan's last message already said "withdrawn": nothing more to tell anyone.
    app.config["JOBS_ENQUEUE_ON_COMMIT"] = False
    publish(case, VERDICT, staff)
    db.session.commit()
    publishing.unpublish(case, "Sai nữa", staff["lead"])
    db.session.commit()
    app.config["JOBS_ENQUEUE_ON_COMMIT"] = True
    assert tasks.sweep_unsent_notifications(older_than_seconds=0) == 3
    run_worker()
    assert len(mailbox.messages) == 3
    statuses = db.session.scalars(select(Notification.status).order_by(Notification.id)).all()
    assert statuses == [
        NotificationStatus.SENT,  # published: Lan
        NotificationStatus.SENT,  # published: Minh
        NotificationStatus.SENT,  # withdrawn: Lan
        NotificationStatus.SKIPPED,  # withdrawn: Minh, no address
        NotificationStatus.SKIPPED,  # corrected: Lan, withdrawn again meanwhile
        NotificationStatus.SKIPPED,  # withdrawn: Lan, she was last told "withdrawn"
        NotificationStatus.SKIPPED,  # withdrawn: Minh, no address
    ]


def test_sending_fails_then_succeeds_without_logging_the_address(
    db, reported, staff, mailbox, app, run_worker, caplog
):
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = 1  # nothing listens there
    app.extensions["mail"].port = 1
    publish(reported["case"], VERDICT, staff)
    db.session.commit()
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AssertionError, match="MailNotSent"):
        run_worker()
    assert mailbox.messages == []
    assert "lan@example.vn" not in caplog.text and "minh@example.vn" not in caplog.text
    assert all(n.attempts == 1 for n in db.session.scalars(select(Notification)))

    app.extensions["mail"].port = port  # the SMTP server is back: the sweep sends them once
    Redis.from_url(app.config["REDIS_URL"]).flushdb()
    assert tasks.sweep_unsent_notifications(older_than_seconds=0) == 2
    run_worker()
    assert sorted(str(m["To"]) for m in mailbox.messages) == ["lan@example.vn", "minh@example.vn"]


def test_attempts_are_bounded(db, reported, staff, mailbox, app):
    app.config["JOBS_ENQUEUE_ON_COMMIT"] = False
    publish(reported["case"], VERDICT, staff)
    db.session.commit()
    notification = db.session.scalars(select(Notification)).first()
    notification.attempts = app.config["MAIL_MAX_ATTEMPTS"]
    db.session.commit()
    assert tasks.send_notification(notification.id) == "nothing to send"
    db.session.refresh(notification)
    assert notification.status == NotificationStatus.FAILED
    assert mailbox.messages == []
