"""Staff search (the queue's `q` and GET /api/v1/cases?q=): every word must be found, accents
optional, across a report's text, its link and the text read from its screenshots, through the
database's full-text index (FTS5 on SQLite, GIN on PostgreSQL) kept in step by the app."""

import re

import pytest
from sqlalchemy import event, text

from tingia.cases.filters import CaseFilter, apply_case_filter, search_words
from tingia.cases.membership import split_report
from tingia.centres.scoping import scoped_cases


def row_ids(html: str) -> set[int]:
    return {
        int(found) for found in re.findall(r'data-testid="queue-row" data-case-id="(\d+)"', html)
    }


@pytest.fixture
def verifier(db, make, client):
    user = make.user("verifier", "01")
    make.login(client, user)
    return user


@pytest.fixture
def stories(db, make):
    """A scam whose words are spread over a report's text, link and screenshot; decoys."""
    screenshot = make.report(
        "Có ai nhận được tin nhắn này không?",
        url="https://vietcombank-xacminh.online/dang-nhap",
        images=[make.png_bytes(color="navy")],
    )
    screenshot.attachments[0].ocr_text = "Ngân hàng thông báo: chi nhánh Hoàn Kiếm khoá tài khoản"
    scam = make.case(screenshot)
    only_bank = make.case(make.report("Vietcombank tăng lãi suất tiết kiệm từ tháng sau"))
    only_place = make.case(make.report("Hồ Hoàn Kiếm sẽ được nạo vét trong tháng này"))
    db.session.commit()
    return {"scam": scam, "only_bank": only_bank, "only_place": only_place}


def test_all_words_across_text_link_and_screenshot(client, verifier, stories):
    def found(q):
        return row_ids(client.get("/staff/", query_string={"q": q}).text)

    assert found("vietcombank hoan kiem") == {stories["scam"].id}
    assert found("Vietcombank Hoàn Kiếm") == {stories["scam"].id}
    assert found("VIETCOMBANK  hoàn   KIEM!") == {stories["scam"].id}
    assert found("vietcom hoàn") == {stories["scam"].id}  # a long word may be the start of one
    assert found("vietc") == {stories["scam"].id, stories["only_bank"].id}
    assert found("kie") == set()  # short words match whole words only (not "kiem")
    assert found("vietcombank") == {stories["scam"].id, stories["only_bank"].id}
    assert found("hoan kiem") == {stories["scam"].id, stories["only_place"].id}
    assert found("vietcombank hoan kiem lai suat") == set()  # every word must be there
    assert found("xacminh online") == {stories["scam"].id}  # the link's words


def test_the_case_filter_the_api_shares_searches_the_same_way(db, verifier, stories):
    query = apply_case_filter(
        scoped_cases(verifier), verifier, CaseFilter(q="vietcombank hoan kiem")
    )
    assert [case.id for case in db.session.scalars(query)] == [stories["scam"].id]


def test_the_index_follows_edits_moves_and_the_worker(client, db, make, verifier, stories):
    def found(q):
        return row_ids(client.get("/staff/", query_string={"q": q}).text)

    report = stories["only_place"].reports[0]
    report.content = "Hồ Gươm sẽ được nạo vét"  # text edited after the fact
    db.session.commit()
    assert found("hoan kiem") == {stories["scam"].id}
    assert found("ho guom nao vet") == {stories["only_place"].id}
    # The worker reads a screenshot later: its text becomes searchable.
    late = make.report("Xem ảnh", images=[make.png_bytes(color="olive")])
    late_case = make.case(late)
    db.session.commit()
    assert found("mã OTP") == set()
    late.attachments[0].ocr_text = "Không chia sẻ mã OTP cho bất kỳ ai"
    db.session.commit()
    assert found("ma otp") == {late_case.id}
    # A report split into a case of its own is found there.
    other = make.report("Không chia sẻ mã OTP, Vietcombank nhắc khách hàng")
    from tingia.cases.membership import add_report

    add_report(other, late_case)
    db.session.commit()
    new_case = split_report(other, verifier)
    db.session.commit()
    assert found("otp vietcombank") == {new_case.id}


def test_the_api_searches_the_same_way(client, db, make, verifier, stories):
    headers = make.auth_headers(verifier)
    found = client.get(
        "/api/v1/cases", query_string={"q": "Vietcombank hoàn kiem"}, headers=headers
    )
    assert found.status_code == 200
    assert [item["id"] for item in found.get_json()["items"]] == [stories["scam"].id]
    too_long = client.get("/api/v1/cases", query_string={"q": "x" * 501}, headers=headers)
    assert too_long.status_code == 422 and "q" in too_long.get_json()["error"]["fields"]


def test_search_words_are_folded_and_bounded():
    assert search_words("  Hoàn   Kiếm, ĐÀ NẴNG!! ") == ["hoan", "kiem", "da", "nang"]
    assert search_words('"x" OR y* NEAR(z)') == ["x", "or", "y", "near", "z"]
    assert len(search_words(" ".join(f"w{i}" for i in range(50)))) == 12
    assert search_words("a" * 300) == ["a" * 100]


def test_full_text_syntax_in_a_search_is_just_words(client, verifier, stories):
    for q in ('"', "*", "vietcombank OR", "NOT vietcombank", "a:*", "(", "kiem & |", "'"):
        assert client.get("/staff/", query_string={"q": q}).status_code == 200
    assert row_ids(client.get("/staff/", query_string={"q": "NOT vietcombank"}).text) == set()


def test_the_migrated_schema_has_the_search_index(app, db):
    if db.engine.dialect.name == "postgresql":
        found = db.session.scalar(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_reports_search_text'")
        )
        assert "gin" in found and "to_tsvector" in found
    else:
        triggers = set(
            db.session.scalars(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reports'"
                )
            )
        )
        assert {
            "reports_search_insert",
            "reports_search_delete",
            "reports_search_update",
        } <= triggers


def test_a_search_finds_its_matches_once_and_pages_them(client, db, make, verifier):
    for n in range(30):
        make.case(make.report(f"Thông tin số {n} về giá lúa gạo"))
    make.case(make.report("Giá vàng hôm nay"))
    db.session.commit()
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    def page(number: int) -> str:
        return client.get("/staff/", query_string={"q": "thong tin lua", "page": number}).text

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        first = page(1)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # The rows and the count come from one statement: the index is asked once, not twice.
    assert len([s for s in statements if "MATCH" in s or "to_tsquery" in s]) == 1
    assert re.search(r'data-testid="queue-total">30 ', first) and len(row_ids(first)) == 25
    second = page(2)
    assert len(row_ids(second)) == 5 and not row_ids(first) & row_ids(second)
    assert row_ids(page(9)) == row_ids(second)  # past the end: the last page
