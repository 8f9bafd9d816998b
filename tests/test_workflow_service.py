"""The case state machine (triage/service.py): transitions, who may make them, the history."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from tingia.cases.rules import WorkflowError
from tingia.centres.scoping import national_centre, scoped_cases
from tingia.database import utcnow
from tingia.models import Case, CaseEvent, Report
from tingia.publishing import service as publishing
from tingia.triage import service

VERDICT = {
    "rating": "fake",
    "title": "Nước chanh không diệt được virus cúm",
    "claim": "Uống nước chanh ấm mỗi sáng diệt được virus cúm.",
    "summary": "Không có khuyến cáo nào như vậy.",
    "explanation": "Bộ Y tế không khuyến cáo điều này.",
    "sources": ["https://moh.gov.vn/tin-tuc"],
}
WARNING = {
    "title": "Tin nhắn giả mạo ngân hàng",
    "explanation": "Kẻ gian gửi đường dẫn giả.",
    "advice": "Không bấm vào đường dẫn lạ.",
}


def actions(case: Case) -> list[str]:
    from tingia.extensions import db

    return list(
        db.session.scalars(
            select(CaseEvent.action).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
        )
    )


def last_event(case: Case) -> CaseEvent:
    from tingia.extensions import db

    return db.session.scalar(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id.desc())
    )


def test_triage_moves_open_to_triaged_and_records_who(db, make):
    verifier = make.user("verifier", "01")
    case = make.case()
    service.triage(case, "verifiable", verifier)
    assert (case.status, case.category) == ("triaged", "verifiable")
    event = last_event(case)
    assert (event.action, event.actor_id, event.detail["category"]) == (
        "triaged",
        verifier.id,
        "verifiable",
    )
    assert event.created_at is not None
    with pytest.raises(WorkflowError) as error:
        service.triage(case, "rumour", verifier)
    assert error.value.status == 422 and "category" in error.value.fields


def test_out_of_scope_needs_a_reason_and_closes_the_case(db, make):
    verifier = make.user("verifier", "01")
    case = make.case()
    with pytest.raises(WorkflowError) as error:
        service.triage(case, "out_of_scope", verifier, reason="  ")
    assert error.value.status == 422 and set(error.value.fields) == {"reason"}
    assert case.status == "open"
    service.triage(case, "out_of_scope", verifier, reason="Chuyện hàng xóm, không phải tin")
    assert case.status == "closed" and case.action_taken == "Chuyện hàng xóm, không phải tin"
    assert actions(case)[-2:] == ["triaged", "closed"]
    with pytest.raises(WorkflowError) as error:
        service.triage(case, "verifiable", verifier)
    assert error.value.status == 409
    service.reopen(case, verifier)
    assert case.status == "triaged"


def test_close_needs_an_action_and_refuses_verifiable_cases(db, make):
    verifier = make.user("verifier", "01")
    harmful, verifiable = make.case(), make.case()
    with pytest.raises(WorkflowError) as error:
        service.close(harmful, "Gỡ bỏ", verifier)
    assert error.value.status == 409  # not triaged yet
    service.triage(harmful, "harmful", verifier)
    with pytest.raises(WorkflowError) as error:
        service.close(harmful, "", verifier)
    assert set(error.value.fields) == {"action_taken"}
    service.close(harmful, "Đề nghị nền tảng gỡ bỏ", verifier)
    assert harmful.status == "closed"
    service.triage(verifiable, "verifiable", verifier)
    with pytest.raises(WorkflowError) as error:
        service.close(verifiable, "x", verifier)
    assert error.value.status == 409 and verifiable.status == "triaged"


def test_assign_only_to_active_staff_of_the_cases_centre(db, make):
    verifier = make.user("verifier", "01")
    colleague = make.user("verifier", "01")
    national = make.user("verifier", None)
    other_province = make.user("verifier", "79")
    gone = make.user("verifier", "01")
    gone.active = False
    case = make.case()
    assert service.assign(case, colleague.id, verifier) == colleague
    assert case.assignee == colleague
    assert last_event(case).detail["assignee"] == colleague.display_name
    assert service.assign(case, colleague.email.upper(), verifier) == colleague
    # National staff see every case but work a provincial one by moving it to their centre.
    for refused in (national.id, other_province.id, gone.id, "nobody@nowhere.vn", 999999):
        with pytest.raises(WorkflowError) as error:
            service.assign(case, refused, verifier)
        assert error.value.status == 422 and "assignee" in error.value.fields
    service.assign(case, None, verifier)
    assert case.assignee is None


def test_escalation_hands_the_case_to_the_national_centre(db, make):
    verifier = make.user("verifier", "01")
    case = make.case()
    service.assign(case, verifier.id, verifier)
    service.escalate(case, verifier, "Liên quan nhiều tỉnh")
    assert case.centre == national_centre() and case.escalated_at is not None
    assert case.assignee is None  # the provincial assignee can no longer see it
    assert last_event(case).detail == {
        "from_centre": "Trung tâm Xử lý tin giả – Thành phố Hà Nội",
        "reason": "Liên quan nhiều tỉnh",
    }
    assert db.session.scalar(scoped_cases(verifier).where(Case.id == case.id)) is None
    with pytest.raises(WorkflowError) as error:
        service.escalate(case, make.user("lead", None))
    assert error.value.status == 409


def test_only_national_staff_move_a_case_to_another_centre(db, make):
    from tingia.centres.scoping import centre_for_province

    case = make.case()
    with pytest.raises(WorkflowError) as error:
        service.move_to_centre(case, centre_for_province("79"), make.user("lead", "01"))
    assert error.value.status == 403
    service.move_to_centre(case, centre_for_province("79"), make.user("verifier", None))
    assert case.centre.province_code == "79"
    assert last_event(case).action == "centre_changed"


def test_notes_are_recorded_and_must_not_be_empty(db, make):
    verifier = make.user("verifier", "01")
    case = make.case()
    service.add_note(case, "Đã gọi cho người báo tin", verifier)
    assert last_event(case).detail == {"text": "Đã gọi cho người báo tin"}
    with pytest.raises(WorkflowError) as error:
        service.add_note(case, "   ", verifier)
    assert error.value.status == 422


def test_merge_keeps_counts_and_first_last_seen_right(db, make):
    verifier = make.user("verifier", "01")
    now = utcnow()
    old = make.report("Tin A", created_at=now - timedelta(hours=30))
    middle = make.report("Tin A lần hai", created_at=now - timedelta(hours=10))
    new = make.report("Tin A lần ba", created_at=now - timedelta(hours=1))
    target = make.case(middle, new)
    source = make.case(old)
    moved = service.merge(target, source, verifier)
    assert moved == 1
    assert target.report_count == 3 and source.report_count == 0
    assert target.first_seen == old.created_at and target.last_seen == new.created_at
    assert source.status == "closed" and source.merged_into_id == target.id
    assert old.case == target
    assert actions(target)[-1] == "case_merged_in" and "case_merged_away" in actions(source)
    with pytest.raises(WorkflowError) as error:
        service.merge(make.case(), source, verifier)  # a closed case cannot be merged again
    assert error.value.status == 409
    with pytest.raises(WorkflowError):
        service.merge(target, target, verifier)


def test_split_opens_a_new_case_and_fixes_both_counts(db, make):
    verifier = make.user("verifier", "01")
    now = utcnow()
    first = make.report("Tin B", created_at=now - timedelta(hours=5))
    second = make.report("Chuyện khác hẳn", "79", created_at=now - timedelta(hours=2))
    case = make.case(first, second)
    new_case = service.split(second, verifier)
    assert case.report_count == 1 and new_case.report_count == 1
    assert case.first_seen == case.last_seen == first.created_at
    assert new_case.first_seen == second.created_at
    assert new_case.centre.province_code == "79"  # the centre of the reporter's province
    with pytest.raises(WorkflowError) as error:
        service.split(first, verifier)  # the only report left
    assert error.value.status == 409


def test_confirming_a_suggestion_moves_the_report_and_counts(db, make):
    verifier = make.user("verifier", "01")
    target = make.case(make.report("Tin C"), make.report("Tin C nữa"))
    suggested = make.report("Tin C viết khác")
    its_case = make.case(suggested)
    suggestion = make.suggestion(target, suggested)
    assert service.visible_suggestions(verifier, target) == [suggestion]
    service.decide_suggestion(suggestion, True, verifier)
    assert suggested.case == target and target.report_count == 3
    assert its_case.report_count == 0 and its_case.status == "closed"
    assert suggestion.status == "confirmed" and suggestion.decided_by == verifier
    assert service.visible_suggestions(verifier, target) == []
    with pytest.raises(WorkflowError) as error:
        service.decide_suggestion(suggestion, False, verifier)
    assert error.value.status == 409


def test_rejecting_a_suggestion_leaves_the_report_where_it_is(db, make):
    verifier = make.user("verifier", "01")
    target = make.case()
    suggested = make.report("Khác")
    its_case = make.case(suggested)
    suggestion = make.suggestion(target, suggested)
    service.decide_suggestion(suggestion, False, verifier)
    assert suggested.case == its_case and target.report_count == 1
    assert last_event(target).action == "suggestion_rejected"


def test_suggestions_of_reports_outside_the_scope_are_hidden(db, make):
    target = make.case()
    elsewhere = make.report("Ở tỉnh khác", "79")
    make.case(elsewhere)
    make.suggestion(target, elsewhere)
    assert service.visible_suggestions(make.user("verifier", "01"), target) == []
    assert len(service.visible_suggestions(make.user("verifier", None), target)) == 1


def test_verdicts_need_a_verifiable_case_and_valid_fields(db, make):
    verifier = make.user("verifier", "01")
    case = make.case()
    with pytest.raises(WorkflowError) as error:
        publishing.save_publication(case, VERDICT, verifier)
    assert error.value.status == 409  # not triaged
    service.triage(case, "verifiable", verifier)
    bad = {**VERDICT, "rating": "sort of", "sources": ["ftp://x", "moh"], "title": "", "claim": ""}
    with pytest.raises(WorkflowError) as error:
        publishing.save_publication(case, bad, verifier)
    assert error.value.status == 422
    assert set(error.value.fields) == {"rating", "sources", "title", "claim"}
    verdict = publishing.save_publication(case, VERDICT, verifier)
    assert verdict.status == "draft" and verdict.kind == "verdict"
    assert verdict.claim == VERDICT["claim"]  # required: never the title instead
    assert actions(case)[-1] == "verdict_drafted"
    with pytest.raises(WorkflowError) as error:
        publishing.save_publication(case, WARNING, verifier, kind="warning")
    assert error.value.status == 409


def publishable_case(make, author, province="01"):
    case = make.case(make.report(province=province))
    service.triage(case, "verifiable", author)
    publishing.save_publication(case, VERDICT, author)
    return case


def test_only_leads_and_admins_publish(db, make):
    author = make.user("verifier", "01")
    case = publishable_case(make, author)
    with pytest.raises(WorkflowError) as error:
        publishing.publish(case, make.user("verifier", "01"))
    assert error.value.status == 403 and case.status == "triaged"
    lead = make.user("lead", "01")
    verdict = publishing.publish(case, lead)
    assert case.status == "published" and verdict.status == "published"
    assert verdict.published_by == lead and verdict.published_at is not None
    assert verdict.slug.endswith(f"-{verdict.id}") and verdict.slug.startswith("nuoc-chanh")
    assert "self_review" not in last_event(case).detail
    report = case.reports[0]
    assert report.status == "published"  # derived from the case
    with pytest.raises(WorkflowError) as error:
        publishing.publish(case, lead)
    assert error.value.status == 409


def test_the_author_may_not_publish_unless_the_only_lead(db, make):
    lead = make.user("lead", "01")
    case = publishable_case(make, lead)
    verdict = publishing.publish(case, lead)  # the only lead of Hà Nội
    event = last_event(case)
    assert event.action == "published" and event.detail["self_review"] is True
    assert "only lead" in event.detail["reason"]
    assert verdict.published_by == verdict.author == lead

    second_lead = make.user("lead", "01")
    other = publishable_case(make, lead)
    with pytest.raises(WorkflowError) as error:
        publishing.publish(other, lead)
    assert error.value.status == 403 and other.status == "triaged"
    publishing.publish(other, second_lead)
    assert other.status == "published"


def test_editing_a_draft_makes_the_editor_its_author(db, make):
    verifier = make.user("verifier", "01")
    lead, other_lead = make.user("lead", "01"), make.user("lead", "01")
    case = publishable_case(make, verifier)
    publishing.save_publication(case, {**VERDICT, "summary": "Sửa lại"}, lead)
    with pytest.raises(WorkflowError):
        publishing.publish(case, lead)
    publishing.publish(case, other_lead)
    assert actions(case)[-2:] == ["verdict_edited", "published"]


def test_national_lead_publishes_a_provincial_case(db, make):
    case = publishable_case(make, make.user("verifier", "01"))
    publishing.publish(case, make.user("lead", None))
    assert case.status == "published"


def test_unpublish_needs_a_lead_and_a_reason(db, make):
    lead = make.user("lead", "01")
    case = publishable_case(make, make.user("verifier", "01"))
    verdict = publishing.publish(case, lead)
    first_published = verdict.published_at
    with pytest.raises(WorkflowError) as error:
        publishing.unpublish(case, "Sai nguồn", make.user("verifier", "01"))
    assert error.value.status == 403
    with pytest.raises(WorkflowError) as error:
        publishing.unpublish(case, "", lead)
    assert error.value.status == 422
    publishing.unpublish(case, "Sai nguồn", lead)
    assert case.status == "triaged" and verdict.status == "withdrawn"
    assert verdict.unpublish_reason == "Sai nguồn" and case.reports[0].status == "triaged"
    assert last_event(case).detail["reason"] == "Sai nguồn"
    with pytest.raises(WorkflowError) as error:
        publishing.unpublish(case, "again", lead)
    assert error.value.status == 409
    publishing.save_publication(case, {**VERDICT, "title": "Đã sửa"}, make.user("verifier", "01"))
    publishing.publish(case, lead)
    assert verdict.published_at == first_published and verdict.slug.startswith("nuoc-chanh")


def test_fraud_cases_close_with_an_action_or_publish_a_warning(db, make):
    verifier, lead = make.user("verifier", "79"), make.user("lead", "79")
    case = make.case(make.report("Nạp tiền nhận thưởng", "79"))
    service.triage(case, "fraud", verifier)
    with pytest.raises(WorkflowError) as error:
        publishing.save_publication(case, VERDICT, verifier, kind="verdict")
    assert error.value.status == 409
    with pytest.raises(WorkflowError) as error:
        publishing.save_publication(case, {"title": "x", "explanation": "y"}, verifier)
    assert set(error.value.fields) == {"advice"}
    service.close(case, "Chuyển công an", verifier)
    warning = publishing.save_publication(case, WARNING, verifier)
    assert warning.kind == "warning" and warning.rating is None
    publishing.publish(case, lead)
    assert case.status == "published" and case.action_taken == "Chuyển công an"


def test_bulk_actions_skip_cases_in_the_wrong_state(db, make):
    verifier = make.user("verifier", "01")
    open_cases = [make.case(), make.case()]
    closed = make.case()
    service.triage(closed, "out_of_scope", verifier, "spam")
    result = service.bulk_triage([*open_cases, closed], "harmful", verifier)
    assert result.done == open_cases and result.wrong_state == [closed.id]
    assert [case.category for case in open_cases] == ["harmful", "harmful"]
    with pytest.raises(WorkflowError) as error:
        service.bulk_triage(open_cases, "nope", verifier)
    assert error.value.status == 422
    result = service.bulk_assign([*open_cases, closed], verifier.id, verifier)
    assert result.done == open_cases and result.wrong_state == [closed.id]


def test_bulk_assign_leaves_cases_of_other_centres_alone(db, make):
    national = make.user("lead", None)
    hanoi = make.user("verifier", "01")
    hanoi_case, hcm_case = make.case(), make.case(province="79")
    result = service.bulk_assign([hanoi_case, hcm_case], hanoi.id, national)
    assert result.done == [hanoi_case] and result.other_centre == [hcm_case.id]
    assert hanoi_case.assignee == hanoi and hcm_case.assignee is None
    with pytest.raises(WorkflowError) as error:  # nobody of these centres: refused outright
        service.bulk_assign([hcm_case], make.user("verifier", "48").id, national)
    assert error.value.status == 422 and "assignee" in error.value.fields


def test_publishable_images_are_recorded(db, make):
    verifier = make.user("verifier", "01")
    report = make.report(images=[make.png_bytes()])
    case = make.case(report)
    attachment = report.attachments[0]
    publishing.set_publishable(attachment, True, verifier)
    assert attachment.publishable is True and last_event(case).action == "image_made_public"
    unprocessed = make.report(images=[make.png_bytes(color="blue")])
    with pytest.raises(WorkflowError):
        publishing.set_publishable(unprocessed.attachments[0], True, verifier)
    assert db.session.get(Report, unprocessed.id).case is None
