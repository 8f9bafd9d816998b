"""Every figure of the quarterly report, the dashboard and the public page against fixtures with
known counts; the page, the XLSX, the CSV, the CLI and the API say the same."""

import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tingia.database import utcnow
from tingia.extensions import db as _db
from tingia.jobs import worker
from tingia.models import CaseAction, CaseEvent, StatisticsSnapshot
from tingia.publishing import service as publishing
from tingia.statistics import summary
from tingia.statistics.periods import parse_period
from tingia.statistics.public import public_statistics
from tingia.statistics.quarterly import quarterly_report
from tingia.takedowns import service as takedowns
from tingia.triage import service as triage


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def stamp(case, action, when: datetime) -> None:
    """Date the case's latest event of this kind (the services record them now)."""
    event = (
        _db.session.query(CaseEvent)
        .filter_by(case_id=case.id, action=action)
        .order_by(CaseEvent.id.desc())
        .first()
    )
    event.created_at = when


def publish(case, author, lead, when: datetime, **content):
    base = {
        "title": "Tiêu đề",
        "claim": "Thông tin như đã lan truyền",
        "summary": "Tóm tắt",
        "explanation": "Giải thích",
    }
    base.update(content)
    publishing.save_publication(case, base, author)
    verdict = publishing.publish(case, lead)
    verdict.published_at = when
    stamp(case, CaseAction.PUBLISHED, when)
    return verdict


@pytest.fixture
def quarter(db, make):
    """Q3 2026 in Hà Nội (01) and Hồ Chí Minh City (79), times in UTC (Vietnam is UTC+7)."""
    verifier, lead = make.user("verifier", "01"), make.user("lead", "01")
    hcm = make.user("verifier", "79")

    def case_of(when, url=None, platform="facebook", province="01", count=1):
        reports = [
            make.report(
                f"Tin số {when} {n}", province, url=url, platform=platform, created_at=at(when)
            )
            for n in range(count)
        ]
        return make.case(*reports)

    # 30 June 18:00 UTC is 1 July 01:00 in Vietnam: in Q3.
    c1 = case_of("2026-06-30T18:00:00", "https://facebook.com/trangA/posts/1")
    triage.triage(c1, "harmful", verifier)
    stamp(c1, CaseAction.TRIAGED, at("2026-07-01T03:00:00"))  # 9 h
    t1 = takedowns.request_takedown(
        c1, c1.reports[0].url, "email", verifier, now=at("2026-07-01T04:00:00")
    )
    takedowns.update_takedown(t1, "removed", lead, now=at("2026-07-01T10:00:00"))  # on time
    triage.close(c1, "Đã yêu cầu gỡ", verifier)
    stamp(c1, CaseAction.CLOSED, at("2026-07-01T05:00:00"))  # 11 h: within the clock

    c2 = case_of("2026-07-10T00:00:00", "https://tiktok.com/@kenhB/video/1", "tiktok")
    triage.triage(c2, "verifiable", verifier)
    stamp(c2, CaseAction.TRIAGED, at("2026-07-11T06:00:00"))  # 30 h
    publish(
        c2,
        verifier,
        lead,
        at("2026-07-12T00:00:00"),
        rating="fake",
        sources=["https://moh.gov.vn/"],
    )  # 48 h

    c3 = case_of("2026-08-01T00:00:00", "https://zalo.me/g/nhomC", "zalo")
    triage.triage(c3, "fraud", verifier)
    stamp(c3, CaseAction.TRIAGED, at("2026-08-01T02:00:00"))  # 2 h
    t2 = takedowns.request_takedown(
        c3, "https://zalo.me/g/nhomC", "portal", verifier, now=at("2026-08-01T03:00:00")
    )
    takedowns.update_takedown(t2, "removed", lead, now=at("2026-08-03T00:00:00"))  # late
    t3 = takedowns.request_takedown(
        c3, "https://zalo.me/g/nhomC2", "phone", verifier, now=at("2026-08-01T03:30:00")
    )
    takedowns.update_takedown(t3, "refused", lead, now=at("2026-08-01T09:00:00"))
    publish(c3, verifier, lead, at("2026-08-01T20:00:00"), advice="Không chuyển tiền")  # 20 h

    case_of("2026-09-29T00:00:00", "https://example-tin.vn/bai-viet-so-1", "website", count=2)
    case_of("2026-06-30T16:00:00")  # 30 June 23:00 in Vietnam: Q2
    case_of("2026-09-30T17:30:00")  # 1 October 00:30 in Vietnam: Q4

    c5 = case_of("2026-08-05T00:00:00", "https://facebook.com/trangA/posts/2", province="79")
    triage.triage(c5, "harmful", hcm)
    stamp(c5, CaseAction.TRIAGED, at("2026-08-05T01:00:00"))
    takedowns.request_takedown(c5, c5.reports[0].url, "email", hcm, now=at("2026-08-05T02:00:00"))
    db.session.commit()
    return {"verifier": verifier, "lead": lead, "hcm": hcm}


HANOI = {
    "reports_received": 5,
    "cases": 4,
    "by_category": {"verifiable": 1, "harmful": 1, "out_of_scope": 0, "fraud": 1, "untriaged": 1},
    "by_platform": {
        "facebook": 1,
        "tiktok": 1,
        "youtube": 0,
        "zalo": 1,
        "website": 1,
        "sms": 0,
        "phone": 0,
        "other": 0,
    },
    "verdicts_by_rating": {
        "fake": 1,
        "untrue": 0,
        "misleading": 0,
        "authentic": 0,
        "inconclusive": 0,
    },
    "fraud_warnings": 1,
    "takedowns": {"requested": 3, "removed": 2, "removal_rate": 0.6667, "on_time_rate": 0.5},
    "median_hours_to_triage": 9.0,
    "median_hours_to_publish": 34.0,
    "overdue_cases": 2,  # the verdict published after 48 h, the website case still open
}


def test_quarterly_figures_of_a_province(app, quarter):
    from tingia.centres.scoping import centre_for_province

    report = quarterly_report(
        centre_for_province("01"), parse_period("2026-Q3", "Asia/Ho_Chi_Minh")
    )
    assert {key: report[key] for key in HANOI} == HANOI
    assert report["period"] == {
        "label": "2026-Q3",
        "first_day": "2026-07-01",
        "last_day": "2026-09-30",
    }
    handles = sorted((s["handle"], s["violations"]) for s in report["top_sources"])
    assert handles == [("@kenhb", 1), ("g/nhomC", 1), ("tranga", 1)]
    assert "provinces" not in report


def test_national_report_adds_every_province(app, quarter):
    from tingia.centres.scoping import national_centre

    report = quarterly_report(national_centre(), parse_period("2026-Q3", "Asia/Ho_Chi_Minh"))
    assert report["reports_received"] == 6 and report["cases"] == 5
    assert report["takedowns"] == {
        "requested": 4,
        "removed": 2,
        "removal_rate": 0.5,
        "on_time_rate": 0.5,
    }
    rows = {row["province"]: row for row in report["provinces"]}
    assert len(rows) == 35 and rows[None]["reports_received"] == 0
    assert {key: rows["01"][key] for key in HANOI} == HANOI
    assert rows["79"]["reports_received"] == 1 and rows["79"]["takedowns"]["requested"] == 1
    top = {s["handle"]: s["violations"] for s in report["top_sources"]}
    assert top["tranga"] == 2  # one case in each province


def test_yearly_report_and_an_empty_quarter(app, quarter):
    from tingia.centres.scoping import centre_for_province

    hanoi = centre_for_province("01")
    year = quarterly_report(hanoi, parse_period("2026", "Asia/Ho_Chi_Minh"))
    assert year["reports_received"] == 7  # Q2 and Q4 reports too
    empty = quarterly_report(hanoi, parse_period("2026-Q1", "Asia/Ho_Chi_Minh"))
    assert empty["reports_received"] == 0 and empty["takedowns"]["removal_rate"] is None
    assert empty["median_hours_to_triage"] is None


def test_page_xlsx_csv_and_api_agree(client, db, make, quarter):
    headers = make.auth_headers(quarter["lead"])
    api = client.get("/api/v1/statistics/quarterly?quarter=2026-Q3", headers=headers)
    assert api.status_code == 200
    body = api.get_json()
    assert {key: body[key] for key in HANOI} == HANOI
    xlsx = client.get(
        "/api/v1/statistics/quarterly?quarter=2026-Q3&format=xlsx",
        headers={**headers, "Accept-Language": "vi"},
    )
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(xlsx.data)).worksheets[0]
    cells = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["Phản ánh đã tiếp nhận"] == 5
    assert cells["Yêu cầu gỡ bỏ"] == 3 and cells["Nội dung đã được gỡ bỏ"] == 2
    assert cells["Tỷ lệ gỡ bỏ"] == "66.7%" and cells["Gỡ bỏ trong 24 giờ"] == "50.0%"
    assert (
        cells["Vụ việc quá hạn 24 giờ"] == 2 and cells["Số giờ trung vị đến khi công bố"] == "34.0"
    )
    make.login(client, quarter["lead"])
    page = client.get("/staff/reports/quarterly?quarter=2026-Q3")
    assert page.status_code == 200
    figures = [v.strip() for v in page.text.split('data-testid="figure">')[1:]]
    assert [v.split("<")[0] for v in figures] == [str(v) for v in cells.values()]
    csv_text = client.get("/staff/reports/quarterly?quarter=2026-Q3&format=csv").text
    assert "Phản ánh đã tiếp nhận,5" in csv_text and "tranga,facebook,1" in csv_text
    assert client.get("/staff/reports/quarterly?quarter=2026-Q9").status_code == 400
    assert client.get("/api/v1/statistics/quarterly?quarter=Q3", headers=headers).status_code == 422
    assert (
        client.get(
            "/api/v1/statistics/quarterly?quarter=2026-Q3&format=pdf", headers=headers
        ).status_code
        == 422
    )


def test_national_staff_ask_for_any_province(client, db, make, quarter):
    national = make.user("lead", None)
    headers = make.auth_headers(national)
    one = client.get(
        "/api/v1/statistics/quarterly?quarter=2026-Q3&centre=01", headers=headers
    ).get_json()
    assert one["reports_received"] == 5 and "provinces" not in one
    everyone = client.get(
        "/api/v1/statistics/quarterly?quarter=2026-Q3", headers=headers
    ).get_json()
    assert len(everyone["provinces"]) == 35
    assert (
        client.get(
            "/api/v1/statistics/quarterly?quarter=2026-Q3&centre=99", headers=headers
        ).status_code
        == 404
    )
    make.login(client, national)
    workbook = client.get("/staff/reports/quarterly?quarter=2026-Q3&format=xlsx")
    sheets = load_workbook(io.BytesIO(workbook.data)).sheetnames
    assert len(sheets) == 3
    table = load_workbook(io.BytesIO(workbook.data)).worksheets[2]
    total = list(table.iter_rows(values_only=True))[-1]
    assert total[2] == 6 and total[6] == 4  # reports, removal requests


def test_cli_prints_and_writes_the_report(app, quarter, tmp_path):
    out = tmp_path / "r.xlsx"
    result = app.test_cli_runner().invoke(
        args=["reports", "quarterly", "--centre", "01", "--quarter", "2026-Q3", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Phản ánh đã tiếp nhận: 5" in result.output and "Tỷ lệ gỡ bỏ: 66.7%" in result.output
    assert load_workbook(out).worksheets[0]["B2"].value == 5
    bad = app.test_cli_runner().invoke(args=["reports", "quarterly", "--quarter", "2026-Q7"])
    assert bad.exit_code != 0 and "--quarter" in bad.output


def test_dashboard_figures(client, db, make):
    verifier = make.user("verifier", "01", name="Người A")
    now = utcnow()
    old = make.case(make.report("Tin cũ", created_at=now - timedelta(hours=30)))
    triage.assign(old, verifier.id, verifier)
    fresh = make.case(
        *[
            make.report(f"Tin nóng {n}", created_at=now - timedelta(hours=1, minutes=n))
            for n in range(5)
        ]
    )
    make.case(make.report("Ở TP.HCM", "79"))
    late = make.takedown(verifier)
    late.due_at = now - timedelta(hours=1)
    make.login(client, verifier)
    html = client.get("/staff/dashboard").text
    assert 'data-testid="open-cases">3<' in html  # old, fresh, the takedown's harmful case
    assert 'data-testid="overdue-cases" class="overdue">1<' in html
    assert (
        'data-testid="takedowns-open">1<' in html
        and 'data-testid="takedowns-overdue" class="overdue">1<' in html
    )
    assert f'data-testid="surge" data-case-id="{fresh.id}"' in html
    assert f'data-testid="load-row" data-user-id="{verifier.id}"' in html
    assert 'data-testid="chart-per-day"' in html
    per_day = re.findall(
        r'<tr data-day="[^"]+"><th scope="row">[^<]+</th><td class="num">(\d+)', html
    )
    assert len(per_day) == 30 and sum(map(int, per_day)) == 7  # old, five fresh, the takedown's
    assert 'data-testid="centre-lines"' not in html
    national = make.user("lead", None)
    make.login(client, national)
    everyone = client.get("/staff/dashboard").text
    assert 'data-testid="open-cases">4<' in everyone and 'data-testid="centre-lines"' in everyone
    one = client.get("/staff/dashboard?province=79").text
    assert 'data-testid="open-cases">1<' in one


def test_public_statistics_page(client, db, make):
    verifier = make.user("verifier", "01")
    make.case(make.report("Một", "01"))
    takedown = make.takedown(verifier)
    takedowns.update_takedown(takedown, "removed", verifier)
    make.case(make.report("Hai", "79"))
    db.session.commit()
    html = client.get("/statistics").text
    assert 'data-testid="public-reports">3<' in html
    assert 'data-testid="public-takedowns-requested">1<' in html and "100.0%" in html
    assert 'data-category="harmful"><th scope="row">' in html
    assert html.count("<svg") == 4 and 'role="img"' in html
    month = utcnow().astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y-%m")
    row = html[html.index(f'data-month="{month}"') :]
    assert row.split("</tr>")[0].count('class="num">') == 3
    assert '<td class="num">3</td>' in row.split("</tr>")[0]
    hcm = client.get("/statistics?province=79").text
    assert (
        'data-testid="public-reports">1<' in hcm
        and 'data-testid="public-takedowns-requested">0<' in hcm
    )
    assert client.get("/statistics?province=zz").status_code == 200


def test_public_figures_of_the_summary(app, quarter):
    """Every figure of /statistics from the summary, against the fixture's known counts: the 12
    local months ending at the snapshot, all centres or one province's."""
    snapshot = summary.rebuild_summary(at("2026-10-15T00:00:00"))
    figures = public_statistics(snapshot)
    assert (figures.first_month, figures.last_month) == ("2025-11", "2026-10")
    months = {line.month: (line.reports, line.cases, line.verdicts) for line in figures.months}
    assert len(months) == 12 and figures.reports == 8
    assert {m: v for m, v in months.items() if v != (0, 0, 0)} == {
        "2026-06": (1, 1, 0),  # 30 June 23:00 in Vietnam
        "2026-07": (2, 2, 1),  # 1 July 01:00 in Vietnam; the verdict of 12 July
        "2026-08": (2, 2, 0),  # the fraud warning is not a verdict
        "2026-09": (2, 1, 0),  # one case reported twice
        "2026-10": (1, 1, 0),  # 1 October 00:30 in Vietnam
    }
    assert dict(figures.by_category) == {
        "verifiable": 1,
        "harmful": 2,
        "out_of_scope": 0,
        "fraud": 1,
    }
    assert dict(figures.by_rating) == {
        "fake": 1,
        "untrue": 0,
        "misleading": 0,
        "authentic": 0,
        "inconclusive": 0,
    }
    assert figures.fraud_warnings == 1
    assert figures.takedowns == {
        "requested": 4,
        "removed": 2,
        "removal_rate": 0.5,
        "on_time_rate": 0.5,
    }
    lines = {line.code: (line.reports, line.cases, line.verdicts) for line in figures.provinces}
    assert lines["01"] == (7, 6, 2) and lines["79"] == (1, 1, 0) and lines["48"] == (0, 0, 0)
    hcm = public_statistics(snapshot, "79")
    assert (hcm.reports, hcm.fraud_warnings, hcm.takedowns["requested"]) == (1, 0, 1)
    assert [line.code for line in hcm.provinces] == ["79"]
    # Nine months later June and July 2026 are out of the window.
    later = public_statistics(summary.rebuild_summary(at("2027-07-15T00:00:00")))
    assert later.first_month == "2026-08" and later.reports == 5


def test_the_page_reads_a_snapshot_the_worker_rebuilds(app, client, db, make, run_worker, redis):
    make.case(make.report("Một", "01"))
    db.session.commit()
    html = client.get("/statistics").text  # no snapshot yet: the page builds one
    assert 'data-testid="public-reports">1<' in html
    assert 'data-testid="public-figures-as-of"' in html and "5 phút" in html
    make.case(make.report("Hai", "01"))
    db.session.commit()
    # The snapshot is fresh: the page shows it, as of when it was counted.
    assert 'data-testid="public-reports">1<' in client.get("/statistics").text
    assert "statistics" in worker.enqueue_due_periodic_jobs()
    run_worker()
    assert 'data-testid="public-reports">2<' in client.get("/statistics").text
    # No worker for longer than STATISTICS_MAX_AGE_SECONDS: the page counts again itself.
    make.case(make.report("Ba", "79"))
    age = timedelta(seconds=app.config["STATISTICS_MAX_AGE_SECONDS"] + 1)
    for snapshot in db.session.scalars(select(StatisticsSnapshot)):
        snapshot.computed_at -= age
    db.session.commit()
    assert 'data-testid="public-reports">3<' in client.get("/statistics").text
    kept = db.session.scalars(select(StatisticsSnapshot.id)).all()
    assert len(kept) == summary.KEPT_SNAPSHOTS + 1
