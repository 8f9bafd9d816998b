"""Pure helpers of the queue and the case page: the clock in hours, saved views, search text."""

from datetime import timedelta

from tingia.models.report import search_document
from tingia.triage.queue import active_filter_count, current_view, whole_hours_and_minutes


def test_durations_are_whole_hours_and_minutes_rounded_down():
    assert whole_hours_and_minutes(timedelta(hours=20, minutes=59, seconds=59)) == (20, 59)
    assert whole_hours_and_minutes(timedelta(hours=49)) == (49, 0)  # never days
    assert whole_hours_and_minutes(timedelta(seconds=59)) == (0, 0)
    assert whole_hours_and_minutes(timedelta(hours=-3)) == (0, 0)


def test_the_current_saved_view_is_the_one_the_filters_are_exactly():
    assert current_view({}) == "todo"
    assert current_view({"status": "active", "sort": "age", "page": "3"}) == "todo"
    assert current_view({"assignee": "me"}) == "mine"
    assert current_view({"assignee": "me", "platform": "zalo"}) is None
    assert current_view({"overdue": "y"}) == "overdue"
    assert current_view({"status": "all", "review": "y"}) == "review"
    assert current_view({"q": "xăng"}) is None


def test_active_filters_are_counted_without_the_search_and_the_defaults():
    assert active_filter_count({"q": "x", "status": "active", "sort": "age"}) == 0
    assert active_filter_count({"category": "fraud", "platform": "zalo", "overdue": "y"}) == 3


def test_the_search_document_folds_text_link_and_screenshot_text():
    document = search_document(
        "Đập thủy điện VỠ!", "https://m.facebook.com/x?id=1", ["Chi nhánh Hoàn Kiếm", None, ""]
    )
    assert document == "dap thuy dien vo https m facebook com x id 1 chi nhanh hoan kiem"
    assert search_document("", None, []) == ""
