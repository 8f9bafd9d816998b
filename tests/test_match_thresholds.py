"""MATCH_AUTO_THRESHOLD / MATCH_SUGGEST_THRESHOLD decide between attaching, suggesting and new."""

import random

import pytest
from sqlalchemy import func, select

from tingia.config import load_config
from tingia.matching.scoring import DEFAULT_AUTO_THRESHOLD, DEFAULT_SUGGEST_THRESHOLD
from tingia.matching.service import process_report, thresholds
from tingia.models import Case, CaseSuggestion

# A long post and a citizen's rewording of part of it: ~56 against the post (under 30 words, the
# short-text guard keeps it from full score), between any sensible pair of thresholds.
POST = (
    "Cảnh báo khẩn: từ ngày mai các ngân hàng sẽ khóa toàn bộ tài khoản chưa cập nhật căn cước "
    "gắn chip, người dân cần bấm vào đường link được gửi qua tin nhắn để xác thực trước 17 giờ "
    "chiều nay nếu không muốn mất tiền trong tài khoản, hãy chia sẻ cho người thân biết"
)
EXCERPT = "các ngân hàng sẽ khóa toàn bộ tài khoản chưa cập nhật căn cước gắn chip từ ngày mai"


def grouped(db, make, first: str, second: str) -> tuple:
    """Process two reports one after the other; returns them and the second one's outcome."""
    a, b = make.report(first), make.report(second)
    db.session.commit()
    process_report(a.id)
    db.session.commit()
    outcome = process_report(b.id)
    db.session.commit()
    return a, b, outcome


def test_defaults_are_the_measured_constants(app):
    assert thresholds() == (DEFAULT_AUTO_THRESHOLD, DEFAULT_SUGGEST_THRESHOLD)


def test_environment_sets_the_thresholds(monkeypatch, tmp_path):
    monkeypatch.setenv("TINGIA_MATCH_AUTO_THRESHOLD", "82.5")
    monkeypatch.setenv("TINGIA_MATCH_SUGGEST_THRESHOLD", "40")
    config = load_config(str(tmp_path), {"ENV": "testing"})
    assert (config["MATCH_AUTO_THRESHOLD"], config["MATCH_SUGGEST_THRESHOLD"]) == (82.5, 40)


def test_a_report_between_the_thresholds_becomes_a_suggestion(app, db, make):
    app.config.update(MATCH_AUTO_THRESHOLD=90, MATCH_SUGGEST_THRESHOLD=30)
    post, excerpt, outcome = grouped(db, make, POST, EXCERPT)
    assert outcome["outcome"] == "suggest"
    assert 30 <= outcome["score"] < 90
    assert excerpt.case_id != post.case_id  # a case of its own until a verifier decides
    suggestion = db.session.scalar(select(CaseSuggestion))
    assert (suggestion.case_id, suggestion.report_id) == (post.case_id, excerpt.id)
    assert suggestion.status == "pending" and suggestion.score == outcome["score"]


def test_lowering_the_auto_threshold_attaches_the_same_report(app, db, make):
    app.config.update(MATCH_AUTO_THRESHOLD=30, MATCH_SUGGEST_THRESHOLD=20)
    post, excerpt, outcome = grouped(db, make, POST, EXCERPT)
    assert outcome["outcome"] == "attach"
    assert excerpt.case_id == post.case_id
    assert db.session.scalar(select(func.count(CaseSuggestion.id))) == 0


def test_raising_the_suggest_threshold_opens_a_new_case(app, db, make):
    app.config.update(MATCH_AUTO_THRESHOLD=99, MATCH_SUGGEST_THRESHOLD=95)
    post, excerpt, outcome = grouped(db, make, POST, EXCERPT)
    assert outcome["outcome"] == "new"
    assert db.session.scalar(select(func.count(Case.id))) == 2
    assert db.session.scalar(select(func.count(CaseSuggestion.id))) == 0


def test_a_suggest_threshold_above_the_auto_threshold_is_refused(app):
    app.config.update(MATCH_AUTO_THRESHOLD=50, MATCH_SUGGEST_THRESHOLD=60)
    with pytest.raises(ValueError, match="MATCH_SUGGEST_THRESHOLD"):
        thresholds()


def test_a_step_aside_shot_is_suggested_to_a_case_holding_a_crop_of_the_first(db, make):
    from bench import photos

    base = next(b for b in photos.load_base_photos("skimage") if b.name == "coffee")
    first = base.story_photo()
    crop = photos.crop_sides(first, random.Random(4), 4, 0.08, 0.12)
    aside = base.parent.crop(photos._window(base.box, 0.06, 0.0))  # a step to the right
    reports = [
        make.report("", images=[photos.encode_jpeg(img, 85)]) for img in (first, crop, aside)
    ]
    db.session.commit()
    outcomes = []
    for report in reports:
        outcomes.append(process_report(report.id)["outcome"])
        db.session.commit()
    assert outcomes[1] == "attach" and reports[1].case_id == reports[0].case_id
    # It contains the crop (100 alone), yet frames the first shot differently: a suggestion.
    assert outcomes[2] == "suggest" and reports[2].case_id != reports[0].case_id
    # Another crop of the first shot lies inside both shots: it joins one case, never bridges
    # the two shots' cases into one.
    aside_case = reports[2].case_id
    other_crop = photos.crop_sides(first, random.Random(5), 4, 0.08, 0.12)
    last = make.report("", images=[photos.encode_jpeg(other_crop, 85)])
    db.session.commit()
    outcome = process_report(last.id)
    db.session.commit()
    assert (outcome["outcome"], outcome["case_id"]) == ("attach", reports[0].case_id)
    assert outcome["merged_cases"] == [] and reports[2].case_id == aside_case
