"""Searching and filtering the public verdicts and warnings; subject areas; titled sources;
ClaimReview's claim and where it first appeared."""

import json
import re
from datetime import UTC, datetime

import pytest

from tingia.publishing import service as publishing
from tingia.publishing.public import local_date
from tingia.triage import service as triage

BASE = {
    "rating": "fake",
    "subject_area": "health",
    "title": "Uống nước chanh ấm không diệt được virus cúm A",
    "claim": "Uống nước chanh ấm mỗi sáng diệt virus cúm A",
    "summary": "Bộ Y tế không khuyến cáo như vậy.",
    "explanation": "Virus cúm không bị nước chanh tiêu diệt.",
    "sources": ["Bộ Y tế: phòng chống cúm | https://moh.gov.vn/cum", "https://www.who.int/flu"],
}


@pytest.fixture
def publish(db, make):
    people = {}

    def run(province="01", when=None, category="verifiable", url=None, **content):
        if province not in people:
            people[province] = (make.user("verifier", province), make.user("lead", province))
        verifier, lead = people[province]
        case = make.case(make.report(province=province, url=url))
        triage.triage(case, category, verifier)
        publishing.save_publication(case, {**BASE, **content}, verifier)
        verdict = publishing.publish(case, lead)
        if when:
            verdict.published_at = when
        db.session.commit()
        return verdict

    return run


def ids(html: str, testid: str = "verdict-item") -> set[int]:
    return {int(i) for i in re.findall(rf'data-testid="{testid}" data-id="(\d+)"', html)}


def test_words_match_without_accents_and_in_any_case(client, publish):
    lemon = publish()
    gold = publish(
        title="Không có chuyện mỗi người chỉ được mua một chỉ vàng",
        claim="Từ tuần sau mỗi người chỉ được mua một chỉ vàng",
        summary="Ngân hàng Nhà nước không ban hành quy định này.",
        explanation="Không có văn bản nào hạn chế mua vàng.",
        subject_area="economy_finance",
    )
    assert ids(client.get("/verdicts?q=NUOC+CHANH").text) == {lemon.id}
    assert ids(client.get("/verdicts?q=vàng+tuần").text) == {gold.id}
    assert ids(client.get("/verdicts?q=chanh+vang").text) == set()  # every word must match
    page = client.get("/verdicts?q=virus").text
    assert 'data-testid="result-count" data-total="1"' in page
    assert ids(client.get("/verdicts?q=%25").text) == {lemon.id, gold.id}  # no wildcard


def test_filters_rating_subject_province_and_dates(client, publish):
    hanoi = publish(when=datetime(2026, 3, 10, 3, 0, tzinfo=UTC))  # 10:00 on 10 March in Vietnam
    hcm = publish(
        province="79",
        rating="misleading",
        subject_area="security_order",
        when=datetime(2026, 5, 1, 16, 30, tzinfo=UTC),  # 23:30 on 1 May in Vietnam
    )
    assert ids(client.get("/verdicts?rating=misleading").text) == {hcm.id}
    assert ids(client.get("/verdicts?subject_area=health").text) == {hanoi.id}
    assert ids(client.get("/verdicts?province=79").text) == {hcm.id}
    assert ids(client.get("/verdicts?published_from=2026-05-01").text) == {hcm.id}
    assert ids(client.get("/verdicts?published_to=2026-05-01").text) == {hanoi.id, hcm.id}
    assert ids(client.get("/verdicts?published_to=2026-04-30").text) == {hanoi.id}
    both = "/verdicts?published_from=2026-03-10&published_to=2026-03-10&subject_area=health"
    assert ids(client.get(both).text) == {hanoi.id}


def test_wrong_filters_are_shown_and_ignored_never_an_error(client, publish):
    verdict = publish()
    response = client.get("/verdicts?rating=lie&published_from=31/02/2026&province=99&page=x")
    assert response.status_code == 200
    assert ids(response.text) == {verdict.id}
    assert "Hãy chọn một trong các mức đánh giá." in response.text
    assert "Nhập ngày theo dạng ngày/tháng/năm." in response.text
    assert 'aria-invalid="true"' in response.text


def test_pages_keep_the_search(client, publish):
    for n in range(22):
        publish(title=f"Kết luận số {n} về nước chanh")
    publish(title="Tin về giá xăng", claim="Giá xăng tăng", summary="Không.", explanation="Không.")
    first = client.get("/verdicts?q=chanh").text
    assert len(ids(first)) == 20
    assert 'href="/verdicts?q=chanh&amp;page=2"' in first
    assert len(ids(client.get("/verdicts?q=chanh&page=2").text)) == 2


def test_warnings_are_searchable_by_subject_area(client, publish):
    warning = publish(
        category="fraud",
        subject_area="phishing_links",
        title="Cảnh báo đường dẫn giả mạo ngân hàng",
        advice="Không bấm vào đường dẫn lạ.",
        sources=[],
    )
    page = client.get("/warnings?subject_area=phishing_links&q=duong+dan").text
    assert ids(page, "warning-item") == {warning.id}
    assert 'data-subject-area="phishing_links"' in page and "Đường dẫn lừa đảo" in page
    assert ids(client.get("/warnings?subject_area=health").text, "warning-item") == set()


def test_sources_are_titled_links_or_their_site(client, publish):
    verdict = publish()
    html = client.get(f"/verdicts/{verdict.slug}").text
    assert '<a href="https://moh.gov.vn/cum" rel="noopener nofollow" lang="vi">' in html
    assert "Bộ Y tế: phòng chống cúm</a>" in html
    assert '<a href="https://www.who.int/flu" rel="noopener nofollow">who.int</a>' in html
    # The editor shows them back as "Title | URL" lines.
    assert verdict.source_titles == {"https://moh.gov.vn/cum": "Bộ Y tế: phòng chống cúm"}


def test_open_graph_and_share_links(client, publish):
    verdict = publish()
    html = client.get(f"/verdicts/{verdict.slug}").text
    url = f"http://tingia.test/verdicts/{verdict.slug}"
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<meta property="og:title" content="{verdict.title}">' in html
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A//tingia.test/verdicts/" in html
    assert "https://sp.zalo.me/share_inline?url=http%3A//tingia.test/verdicts/" in html
    assert f'data-copy="{url}"' in html


def test_claim_review_names_the_claim_and_where_it_first_appeared(client, publish):
    verdict = publish(url="https://www.facebook.com/groups/5/posts/6?fbclid=x")
    found = re.search(
        r'<script type="application/ld\+json">(.*?)</script>',
        client.get(f"/verdicts/{verdict.slug}").text,
        re.S,
    )
    review = json.loads(found.group(1))
    assert review["claimReviewed"] == BASE["claim"] != verdict.title
    item = review["itemReviewed"]
    assert item["firstAppearance"] == {
        "@type": "CreativeWork",
        "url": "https://facebook.com/groups/5/posts/6",
    }
    assert item["datePublished"] == local_date(verdict.case.first_seen)  # first reported


def test_about_and_privacy_pages(client, app):
    about = client.get("/about").text
    assert "1800 8108" in about and 'href="tel:18008108"' in about
    privacy = client.get("/privacy").text
    assert "Thông tin liên hệ" in privacy and 'data-testid="retention"' in privacy
    app.config["CONTACT_RETENTION_DAYS"] = 180
    assert "sau 180 ngày" in client.get("/privacy").text
    assert 'href="/about"' in client.get("/").text and 'href="/privacy"' in client.get("/").text


def test_the_province_filter_reads_reports_from_an_index(app, db):
    """Which cases were reported from a province comes from ix_reports_province_case, never by
    reading every report (PostgreSQL read the whole table for /warnings?q=…&province=)."""
    from sqlalchemy import select, text

    from tingia.models import Report

    query = select(Report.case_id).where(Report.province_code == "01")
    compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))
    else:
        plan = " ".join(
            row[-1] for row in db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
        )
    assert "ix_reports_province_case" in plan
