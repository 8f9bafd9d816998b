"""The worker pipeline: accept, enqueue, fingerprint, group; reliable across outages."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from tingia.jobs.tasks import enqueue_report, sweep_unprocessed
from tingia.matching.service import process_report
from tingia.models import Attachment, Case, MatchKey, Report

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "KHẨN CẤP: Bộ Y tế khuyến cáo người dân uống nước chanh ấm pha muối mỗi sáng để diệt virus "
    "cúm A đang bám trong cổ họng trước khi nó xuống phổi, hãy chia sẻ cho gia đình"
)


def submit(client, **fields):
    payload = {"content": TEXT, "platform": "facebook", "province": "01", **fields}
    response = client.post("/api/v1/reports", json=payload)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["tracking_code"]


def by_code(db, code):
    return db.session.scalar(select(Report).where(Report.tracking_code == code))


def test_status_moves_from_received_to_processed(client, db, run_worker):
    code = submit(client)
    assert client.get(f"/api/v1/reports/{code}").get_json()["status"] == "received"
    assert run_worker() == 1
    assert client.get(f"/api/v1/reports/{code}").get_json()["status"] == "processed"


def test_exact_and_diacritic_free_copies_join_one_case(client, db, run_worker):
    from tingia.matching.normalise import fold_diacritics

    codes = [submit(client), submit(client), submit(client, content=fold_diacritics(TEXT))]
    unrelated = submit(client, content="Giá xăng RON95 tăng lên 35.000 đồng một lít từ chiều nay")
    run_worker()
    cases = {by_code(db, code).case_id for code in codes}
    assert len(cases) == 1
    case = db.session.get(Case, cases.pop())
    assert case.report_count == 3
    assert by_code(db, unrelated).case_id != case.id
    assert db.session.scalar(select(func.count(Case.id))) == 2


def test_same_link_with_tracking_parameters_joins(client, db, run_worker):
    first = submit(client, content="", url="https://www.facebook.com/groups/1/posts/42/")
    second = submit(client, content="", url="https://m.facebook.com/groups/1/posts/42?fbclid=abc")
    run_worker()
    assert by_code(db, first).case_id == by_code(db, second).case_id


def test_same_image_joins_and_is_fingerprinted(client, db, make, run_worker):
    image = make.png_bytes(200, 150, "teal", "poster")
    first = make.report("", images=[image])
    second = make.report("", images=[image])
    db.session.commit()
    enqueue_report(first.id)
    enqueue_report(second.id)
    run_worker()
    assert first.case_id == second.case_id
    attachment = db.session.scalar(select(Attachment).limit(1))
    assert attachment.phash is not None and attachment.fingerprinted_at is not None


def test_new_case_is_routed_to_the_reporters_province_centre(client, db, run_worker):
    code = submit(client, province="46")
    run_worker()
    case = by_code(db, code).case
    assert case.centre.province_code == "46"
    assert case.first_seen == case.last_seen == by_code(db, code).created_at


def test_processing_twice_changes_nothing(client, db, run_worker):
    code = submit(client)
    run_worker()
    report = by_code(db, code)
    before = (report.case_id, report.processed_at, report.case.report_count)
    keys = db.session.scalar(select(func.count()).select_from(MatchKey))
    outcome = process_report(report.id)
    db.session.commit()
    assert outcome["outcome"] == "already_processed"
    enqueue_report(report.id)
    run_worker()
    db.session.expire_all()
    report = by_code(db, code)
    assert (report.case_id, report.processed_at, report.case.report_count) == before
    assert db.session.scalar(select(func.count()).select_from(MatchKey)) == keys
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_report_survives_a_redis_outage_and_the_sweeper_recovers_it(app, client, db, run_worker):
    redis_url = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    code = submit(client)
    page = client.post(
        "/report", data={"content": "Tin đồn khác", "platform": "zalo", "province": "01"}
    )
    assert page.status_code == 302
    assert by_code(db, code).processed_at is None
    app.config["REDIS_URL"] = redis_url
    assert run_worker() == 0  # nothing was queued
    assert sweep_unprocessed(older_than_seconds=0) == 2
    assert sweep_unprocessed(older_than_seconds=0) == 0  # already queued: not twice
    assert run_worker() == 2
    assert by_code(db, code).processed_at is not None


def test_real_worker_process_drains_the_queue(app, client, db, app_config):
    code = submit(client)
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app_config["REDIS_URL"],
        "TINGIA_ENV": "testing",
        "TINGIA_RQ_QUEUE": app_config["RQ_QUEUE"],
        "TINGIA_UPLOAD_DIR": app_config["UPLOAD_DIR"],
    }
    result = subprocess.run(
        [sys.executable, "-m", "workers", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    db.session.expire_all()
    assert by_code(db, code).processed_at is not None


def test_contact_details_are_never_logged(app, client, db, make, run_worker, caplog):
    caplog.set_level("DEBUG")
    code = submit(
        client,
        contact_name="Phạm Thị Nhật Ký",
        contact_email="nhatky@example.vn",
        contact_phone="0987654321",
        contact_consent=True,
    )
    client.post(
        "/report",
        data={
            "content": TEXT,
            "platform": "zalo",
            "province": "01",
            "contact_email": "bad@",
            "contact_consent": "y",
        },
    )
    run_worker()
    report = by_code(db, code)
    assert report.processed_at is not None
    # Where the details are shown (recorded in the audit log), searched, purged and erased.
    verifier, admin = make.user("verifier", "01"), make.user("admin", None)
    headers = make.auth_headers(verifier)
    make.login(client, verifier)
    assert "nhatky@example.vn" in client.get(f"/staff/cases/{report.case_id}").text
    assert client.get(f"/api/v1/cases/{report.case_id}", headers=headers).status_code == 200
    make.login(client, admin)
    assert client.get(f"/staff/admin/audit?case={report.case_id}").status_code == 200
    assert app.test_cli_runner().invoke(args=["privacy", "purge"]).exit_code == 0
    assert client.post(f"/track/{code}/forget", data={"confirm": "y"}).status_code == 302
    assert by_code(db, code).contact_email is None
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert caplog.records, "nothing was logged at all: the test would prove nothing"
    for secret in ("Nhật Ký", "nhatky@example.vn", "0987654321", "bad@"):
        assert secret not in logged


def test_rate_limited_form_still_accepts_reports_when_redis_is_down(app_config, db):
    from tingia import create_app

    down = create_app(
        {
            **app_config,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_REPORTS": "3 per minute",
        }
    )
    client = down.test_client()
    statuses = [
        client.post(
            "/api/v1/reports", json={"content": TEXT, "platform": "sms", "province": "01"}
        ).status_code
        for _ in range(4)
    ]
    # Accepted while Redis is down, and the limit still holds (in memory meanwhile).
    assert statuses == [201, 201, 201, 429]
    assert db.session.scalar(select(func.count(Report.id))) == 3


def test_an_app_made_after_a_redis_outage_counts_in_redis_from_its_first_request(
    app_config, db, redis_url
):
    """The limiter is one object per process: an earlier app's outage must not make a new
    app with a live Redis count its first requests in memory (CI saw 6 erasures let through)."""
    from redis import Redis

    from tingia import create_app

    limited = {**app_config, "RATELIMIT_ENABLED": True, "RATELIMIT_REPORTS": "2 per minute"}
    body = {"content": TEXT, "platform": "sms", "province": "01"}
    down = create_app({**limited, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    assert down.test_client().post("/api/v1/reports", json=body).status_code == 201
    Redis.from_url(redis_url).flushdb()
    live = create_app({**limited, "RATELIMIT_STORAGE_URI": redis_url}).test_client()
    assert [live.post("/api/v1/reports", json=body).status_code for _ in range(3)] == [
        201,
        201,
        429,
    ]
    assert Redis.from_url(redis_url).keys("LIMITS:*"), "the live app counted nowhere in Redis"


def test_a_report_matching_two_cases_bridges_them_into_one(client, db, run_worker):
    link = "https://www.facebook.com/groups/99/posts/4242"
    link_only = submit(client, content="", url=link)
    text_only = submit(client)
    run_worker()
    first, second = by_code(db, link_only).case_id, by_code(db, text_only).case_id
    assert first != second  # nothing linked them yet
    full_post = submit(client, url=link + "?fbclid=x")
    run_worker()
    case_ids = {by_code(db, code).case_id for code in (link_only, text_only, full_post)}
    assert len(case_ids) == 1
    case = db.session.get(Case, case_ids.pop())
    assert case.report_count == 3
    merged = db.session.get(Case, ({first, second} - {case.id}).pop())
    assert merged.status == "closed" and merged.merged_into_id == case.id
    assert merged.report_count == 0


ARTICLE = (
    "Ông Nguyễn Văn An, Chủ tịch UBND xã Ia Băng, huyện Đak Đoa, tỉnh Gia Lai bị bắn trọng "
    "thương tối 13/10. Công an tỉnh Gia Lai cho biết nghi phạm đã dùng súng tự chế, khoảng "
    "20.000 người dân trong xã được thông báo. Bệnh viện Đa khoa tỉnh Gia Lai đang điều trị "
    "cho nạn nhân, vụ việc đang được điều tra làm rõ."
)
REWRITE = (
    "Theo thông tin từ mạng xã hội, tối 13/10 một cán bộ ở Đak Đoa là Nguyễn Văn An đã bị "
    "kẻ gian nổ súng. Lực lượng chức năng ở Gia Lai xác định hung thủ sử dụng vũ khí tự chế; "
    "chính quyền đã báo tin cho chừng 20.000 cư dân. Nạn nhân đang nằm viện, Bệnh viện Đa "
    "khoa tỉnh Gia Lai cho hay sức khỏe đã ổn định."
)


def test_another_outlets_rewrite_is_suggested_never_joined(client, db, run_worker):
    from tingia.models import CaseSuggestion

    article = submit(client, content=ARTICLE)
    run_worker()
    rewrite = submit(client, content=REWRITE)
    run_worker()
    first, second = by_code(db, article), by_code(db, rewrite)
    assert first.case_id != second.case_id
    suggestion = db.session.scalar(select(CaseSuggestion))
    assert suggestion is not None
    assert (suggestion.case_id, suggestion.report_id, suggestion.basis) == (
        first.case_id,
        second.id,
        "claim",
    )
