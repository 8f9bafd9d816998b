"""Pure parts of the figures: periods in the centre's time zone, SVG charts, surge and flag
rules, the removal letter."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime

import pytest

from tingia.sources.service import is_flagged
from tingia.statistics.charts import bar_chart, column_chart
from tingia.statistics.dashboard import is_surge
from tingia.statistics.periods import (
    PeriodError,
    last_days,
    last_months,
    parse_period,
    quarter_of,
)
from tingia.takedowns.letters import LetterFacts, removal_request

ZONE = "Asia/Ho_Chi_Minh"
SVG = "{http://www.w3.org/2000/svg}"


def test_quarters_are_counted_in_vietnam_time():
    q4 = parse_period("2026-Q4", ZONE)
    assert q4.start == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)  # 1 Oct 00:00 +07
    assert q4.end == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)
    assert (q4.first_day, q4.last_day) == (date(2026, 10, 1), date(2026, 12, 31))
    assert parse_period("2026-q1", ZONE).last_day == date(2026, 3, 31)
    year = parse_period("2026", ZONE)
    assert year.label == "2026" and year.start == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert q4.contains(datetime(2026, 9, 30, 17, 0, tzinfo=UTC))
    assert not q4.contains(datetime(2026, 9, 30, 16, 59, tzinfo=UTC))


@pytest.mark.parametrize(
    "bad", ["2026-Q5", "Q4-2026", "26", "", None, "2026-Q4x", "0000", "9999-Q4"]
)
def test_bad_periods_are_refused(bad):
    with pytest.raises(PeriodError):
        parse_period(bad, ZONE)


def test_quarter_of_a_moment_and_calendar_helpers():
    assert quarter_of(datetime(2026, 12, 31, 18, 0, tzinfo=UTC), ZONE) == "2027-Q1"
    assert last_days(date(2026, 3, 2), 3) == [date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)]
    assert last_months(date(2026, 2, 15), 3) == ["2025-12", "2026-01", "2026-02"]


def test_column_chart_is_valid_svg_with_bars_in_proportion():
    svg = column_chart([("01/12", 2), ("02/12", 8), ("03/12", 0)], "Phản ánh <mỗi ngày>", "c1")
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title"
    assert root.find(f"{SVG}title").text == "Phản ánh <mỗi ngày>"  # escaped, then parsed back
    bars = root.findall(f"{SVG}rect")
    heights = [float(bar.get("height")) for bar in bars]
    assert [bar.get("data-value") for bar in bars] == ["2", "8", "0"]
    assert heights[1] == pytest.approx(4 * heights[0]) and heights[2] == 0


def test_bar_chart_labels_and_empty_data():
    root = ET.fromstring(str(bar_chart([("Tin giả", 3), ("Tin xác thực", 1)], "Theo mức", "c2")))
    texts = [node.text for node in root.findall(f"{SVG}text")]
    assert "Tin giả" in texts and "3" in texts
    empty = ET.fromstring(str(bar_chart([], "Trống", "c3")))
    assert empty.findall(f"{SVG}rect") == []


def test_surges_and_flags():
    assert is_surge(5, 2, 5) and is_surge(6, 3, 5)
    assert not is_surge(4, 0, 5)  # too few
    assert not is_surge(7, 4, 5)  # not twice as many as before
    assert is_flagged(5, 5) and is_flagged(0, 10)
    assert not is_flagged(4, 9)


def test_the_removal_letter_names_the_urls_the_reason_and_the_law():
    letter = removal_request(
        LetterFacts(
            centre="Trung tâm Xử lý tin giả – Thành phố Hà Nội",
            platform="TikTok",
            case_id=42,
            urls=("https://tiktok.com/@a/video/1", "https://tiktok.com/@a/video/2"),
            reason="Tin xấu độc: kích động tụ tập",
            requested_at="09:00 ngày 01/12/2026",
            due_at="09:00 ngày 02/12/2026",
        )
    )
    assert "#42" in letter.subject and "Yêu cầu gỡ bỏ" in letter.subject
    assert "1. https://tiktok.com/@a/video/1\n2. https://tiktok.com/@a/video/2" in letter.body
    assert "Lý do: Tin xấu độc: kích động tụ tập" in letter.body
    assert "Nghị định số 147/2024/NĐ-CP" in letter.body and "24 giờ" in letter.body
    assert "trước 09:00 ngày 02/12/2026" in letter.body
