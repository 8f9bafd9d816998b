"""Unit tests for tingia.matching.normalise."""

import unicodedata

import pytest

from tingia.matching.normalise import fold_diacritics, normalise_text, tokens


def test_fold_diacritics_keeps_case_and_maps_d_stroke():
    assert fold_diacritics("Đường Hồ Chí Minh, đỗ xe") == "Duong Ho Chi Minh, do xe"
    assert fold_diacritics("Bộ Y tế ỨNG PHÓ") == "Bo Y te UNG PHO"


def test_accents_case_and_spacing_do_not_matter():
    assert normalise_text("Bộ Y tế cảnh báo dịch bệnh") == normalise_text(
        "BO Y TE  canh bao\n\ndich   benh"
    )
    assert normalise_text("Bộ Y tế cảnh báo") == "bo y te canh bao"


def test_decomposed_unicode_equals_composed():
    text = "Cảnh báo lừa đảo qua điện thoại"
    assert normalise_text(unicodedata.normalize("NFD", text)) == normalise_text(text)


@pytest.mark.parametrize("empty", [None, "", "   \n", "😀🙏", "#tingia @someone"])
def test_empty_and_content_free_text(empty):
    assert normalise_text(empty) == ""


@pytest.mark.parametrize(
    "link",
    [
        "https://vnexpress.net/a-123.html?utm_source=fb",
        "http://m.facebook.com/story.php?story_fbid=1&id=2",
        "www.example.com/path",
        "vnexpress.net/bai-viet-4497958.html",
    ],
)
def test_urls_are_removed(link):
    assert normalise_text(f"Xem tại {link} ngay") == "xem tai ngay"


def test_emoji_sequences_flags_and_skin_tones_are_removed():
    assert normalise_text("Cảnh báo 👨‍👩‍👧🇻🇳👍🏽 ❤️ khẩn!!!") == "canh bao khan"


def test_hashtags_and_mentions_removed_but_email_is_not_a_mention():
    assert normalise_text("#TinGiả @nguyen.van.a xin chào #covid19") == "xin chao"
    assert normalise_text("gửi về abc@toasoan.vn") == "gui ve abc toasoan vn"


def test_ui_lines_and_counters_are_removed():
    raw = (
        "Nội dung bài đăng\n"
        "Thích   Bình luận   Chia sẻ\n"
        "1,2K lượt thích · 348 bình luận · 12 lượt chia sẻ\n"
        "Xem bản dịch\n"
        "Like Comment Share"
    )
    assert normalise_text(raw) == "noi dung bai dang"


def test_ui_words_inside_sentences_are_kept():
    assert normalise_text("Bộ trưởng giải thích và chia sẻ với báo chí") == (
        "bo truong giai thich va chia se voi bao chi"
    )


@pytest.mark.parametrize(
    "cut", ["... Xem thêm", "…Xem thêm", " xem them", "... See more", "... more", "\nXem thêm"]
)
def test_truncation_marker_is_removed(cut):
    assert normalise_text("Tin nóng về giá xăng" + cut) == "tin nong ve gia xang"


def test_counters_in_english():
    assert normalise_text("Giá vàng tăng 2.3K likes 45 shares") == "gia vang tang"


def test_punctuation_and_html_entities_become_spaces():
    assert normalise_text("Hà Nội,TP.HCM…&#39;Mr Bean&#39;(2024)") == "ha noi tp hcm mr bean 2024"


def test_tokens_split_normalised_text():
    assert tokens(normalise_text("Bộ Y tế, cảnh báo!")) == ["bo", "y", "te", "canh", "bao"]
    assert tokens("") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SEE:MORE", ""),  # found by the property test: "see more" once, "" the second time
        ("see_more", ""),
        ("Tin nóng\n5\nlikes", "tin nong"),  # a counter split over two lines
        ("a\nsee more\nb see more", "a b"),
    ],
)
def test_boilerplate_made_by_removing_boilerplate_goes_too(text, expected):
    assert normalise_text(text) == expected
    assert normalise_text(expected) == expected
