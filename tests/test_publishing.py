"""Public pages, images, the Atom feed, ClaimReview, the reporter's outcome; no personal data."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from tests.factories import VERDICT_INPUT, WARNING_INPUT
from tingia.publishing import service as publishing
from tingia.triage import service

CONTACTS = ("Phạm Bí Mật", "bimat@example.vn", "0987654321", "Lê Riêng Tư", "riengtu@example.vn")
VERDICT, WARNING = VERDICT_INPUT, WARNING_INPUT


@pytest.fixture
def staff(db, make):
    return {"verifier": make.user("verifier", "01"), "lead": make.user("lead", "01")}


def publish(case, content, staff, category="verifiable"):
    service.triage(case, category, staff["verifier"])
    publishing.save_publication(case, content, staff["verifier"])
    return publishing.publish(case, staff["lead"])


@pytest.fixture
def published(db, make, staff):
    """A published verdict whose reports carry contacts, links and images (one publishable)."""
    shown = make.report(
        "Bộ Y tế khuyến cáo uống nước chanh ấm",
        url="https://m.facebook.com/groups/1/posts/2?fbclid=abc",
        images=[make.png_bytes(color="red")],
        contact_name=CONTACTS[0],
        contact_email=CONTACTS[1],
        contact_phone=CONTACTS[2],
        contact_consent=True,
    )
    hidden = make.report(
        "Uong nuoc chanh am diet cum",
        url="https://www.tiktok.com/@x/video/1",
        images=[make.png_bytes(color="blue")],
        contact_name=CONTACTS[3],
        contact_email=CONTACTS[4],
        contact_consent=True,
    )
    case = make.case(shown, hidden)
    publishing.set_publishable(shown.attachments[0], True, staff["verifier"])
    verdict = publish(case, VERDICT, staff)
    db.session.commit()
    return verdict


@pytest.fixture
def warning(db, make, staff):
    case = make.case(
        make.report(
            "Ngân hàng Nhà nước yêu cầu xác thực tại http://sbv-gia.top",
            platform="sms",
            contact_phone="0911222333",
            contact_consent=True,
        )
    )
    item = publish(case, WARNING, staff, category="fraud")
    db.session.commit()
    return item


def json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_home_shows_the_latest_and_a_report_button(client, db, published, warning):
    html = client.get("/").text
    assert 'data-testid="report-button"' in html and 'href="/report"' in html
    assert published.title in html and warning.title in html
    assert f'href="/verdicts/{published.slug}"' in html
    assert f'href="/warnings/{warning.slug}"' in html
    assert 'type="application/atom+xml"' in html


def test_verdict_list_is_paginated(client, db, make, staff):
    verdicts = [
        publish(
            make.case(make.report(f"Tin đồn {n}")), {**VERDICT, "title": f"Kết luận {n}"}, staff
        )
        for n in range(22)
    ]
    db.session.commit()
    first, second = client.get("/verdicts").text, client.get("/verdicts?page=2").text
    assert first.count('data-testid="verdict-item"') == 20
    assert second.count('data-testid="verdict-item"') == 2
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert "Kết luận 21" in first  # newest first
    assert {v.id for v in verdicts} == {
        int(i) for i in re.findall(r'data-testid="verdict-item" data-id="(\d+)"', first + second)
    }


def test_id_redirects_to_the_slug_and_the_page_says_it_all(client, db, published):
    redirect = client.get(f"/verdicts/{published.id}")
    assert redirect.status_code == 301
    assert redirect.headers["Location"] == f"http://tingia.test/verdicts/{published.slug}"
    html = client.get(f"/verdicts/{published.slug}").text
    assert published.title in html and VERDICT["claim"] in html
    assert VERDICT["explanation"] in html and 'href="https://moh.gov.vn/tin-tuc/1"' in html
    assert 'data-testid="verdict-rating" data-rating="fake"' in html
    assert "Trung tâm Xử lý tin giả – Thành phố Hà Nội" in html
    assert f'<link rel="canonical" href="http://tingia.test/verdicts/{published.slug}">' in html
    assert client.get("/verdicts/no-such-slug").status_code == 404
    assert client.get("/verdicts/999999").status_code == 404


def test_only_publishable_images_are_public(client, db, published):
    shown, hidden = (report.attachments[0] for report in published.case.reports)
    html = client.get(f"/verdicts/{published.slug}").text
    assert f"/verdicts/{published.id}/images/{shown.id}" in html
    assert f"/images/{hidden.id}" not in html
    assert "/staff/attachments" not in html
    image = client.get(f"/verdicts/{published.id}/images/{shown.id}")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["Cache-Control"].startswith("public")
    assert client.get(f"/verdicts/{published.id}/images/{hidden.id}").status_code == 404


def test_public_images_need_a_published_verdict_of_their_case(client, db, make, staff, published):
    shown = published.case.reports[0].attachments[0]
    other = publish(make.case(), {**VERDICT, "title": "Khác"}, staff)
    db.session.commit()
    assert client.get(f"/verdicts/{other.id}/images/{shown.id}").status_code == 404
    publishing.unpublish(published.case, "Sai", staff["lead"])
    db.session.commit()
    assert client.get(f"/verdicts/{published.id}/images/{shown.id}").status_code == 404
    assert client.get(f"/verdicts/{published.slug}").status_code == 404


def test_claim_review_is_valid_schema_org(client, db, published):
    review = json_ld(client.get(f"/verdicts/{published.slug}").text)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["url"] == f"http://tingia.test/verdicts/{published.slug}"
    assert review["claimReviewed"] == VERDICT["claim"]
    assert date.fromisoformat(review["datePublished"])
    author = review["author"]
    assert author["@type"] == "Organization" and author["name"].startswith("Trung tâm")
    assert author["url"].startswith("http://tingia.test/")
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "Tin giả"
    assert (rating["ratingValue"], rating["bestRating"], rating["worstRating"]) == (1, 5, 1)
    assert all(isinstance(rating[key], int) for key in ("ratingValue", "bestRating", "worstRating"))
    item = review["itemReviewed"]
    assert item["@type"] == "Claim" and date.fromisoformat(item["datePublished"])
    assert all(a["@type"] == "CreativeWork" for a in item["appearance"])
    assert not any("fbclid" in a["url"] for a in item["appearance"])  # canonical links
    assert {a["url"] for a in item["appearance"]} == {
        r.canonical_url for r in published.case.reports
    }


@pytest.mark.parametrize(
    ("rating", "value", "name"),
    [
        ("untrue", 1, "Tin sai sự thật"),
        ("misleading", 2, "Gây hiểu nhầm"),
        ("inconclusive", 3, "Chưa đủ cơ sở kết luận"),
        ("authentic", 5, "Tin xác thực"),
    ],
)
def test_every_rating_maps_to_schema_org(client, db, make, staff, rating, value, name):
    verdict = publish(make.case(), {**VERDICT, "rating": rating}, staff)
    db.session.commit()
    review = json_ld(client.get(f"/verdicts/{verdict.slug}").text)["reviewRating"]
    assert (review["ratingValue"], review["alternateName"]) == (value, name)


def test_api_lists_verdicts_with_their_claim_review(client, db, published, warning):
    body = client.get("/api/v1/verdicts").get_json()
    assert body["next"] is None
    [item] = body["items"]  # warnings are not verdicts
    assert item["id"] == published.id and item["rating"] == "fake"
    assert item["url"] == f"http://tingia.test/verdicts/{published.slug}"
    assert item["title"] == published.title and item["province"] == "01"
    assert item["published_at"].endswith("Z")
    review = item["claim_review"]
    assert review["@type"] == "ClaimReview" and review["url"] == item["url"]
    assert review["reviewRating"]["alternateName"] == "Tin giả"
    assert review["datePublished"] and review["author"]["@type"] == "Organization"
    assert client.get("/api/v1/verdicts?per_page=0").status_code == 422


def test_atom_feed_has_verdicts_and_warnings_with_absolute_links(client, db, published, warning):
    response = client.get("/verdicts.atom")
    assert response.mimetype == "application/atom+xml"
    ns = {"a": "http://www.w3.org/2005/Atom"}
    feed = ET.fromstring(response.data)
    entries = feed.findall("a:entry", ns)
    links = [entry.find("a:link", ns).get("href") for entry in entries]
    assert links == [
        f"http://tingia.test/warnings/{warning.slug}",  # newest first
        f"http://tingia.test/verdicts/{published.slug}",
    ]
    assert all(entry.find("a:updated", ns) is not None for entry in entries)


def test_public_base_url_is_used_for_absolute_links(app, client, db, published):
    app.config["PUBLIC_BASE_URL"] = "https://tingia.gov.vn/"
    feed = client.get("/verdicts.atom").text
    assert f"https://tingia.gov.vn/verdicts/{published.slug}" in feed
    review = json_ld(client.get(f"/verdicts/{published.slug}").text)
    assert review["url"] == f"https://tingia.gov.vn/verdicts/{published.slug}"


def test_tracking_page_and_api_show_the_published_verdict(client, db, published):
    report = published.case.reports[0]
    html = client.get(f"/track/{report.tracking_code}").text
    assert 'data-testid="outcome" data-kind="verdict"' in html
    assert 'data-testid="outcome-rating" data-rating="fake"' in html
    assert f'href="http://tingia.test/verdicts/{published.slug}"' in html
    assert 'data-status="published"' in html
    body = client.get(f"/api/v1/reports/{report.tracking_code}").get_json()
    assert body["status"] == "published"
    assert body["outcome"] == {
        "kind": "verdict",
        "rating": "fake",
        "title": published.title,
        "url": f"http://tingia.test/verdicts/{published.slug}",
        "message": None,
    }


def test_tracking_shows_a_fraud_warning(client, db, warning):
    report = warning.case.reports[0]
    html = client.get(f"/track/{report.tracking_code}").text
    assert 'data-kind="warning"' in html and f"/warnings/{warning.slug}" in html
    body = client.get(f"/api/v1/reports/{report.tracking_code}").get_json()
    assert body["outcome"]["kind"] == "warning" and body["outcome"]["rating"] is None


def test_tracking_explains_closed_cases_neutrally(client, db, make, staff):
    report = make.report("Video kêu gọi tụ tập")
    case = make.case(report)
    service.triage(case, "harmful", staff["verifier"])
    db.session.commit()
    assert client.get(f"/api/v1/reports/{report.tracking_code}").get_json()["outcome"] is None
    assert 'data-testid="outcome"' not in client.get(f"/track/{report.tracking_code}").text
    service.close(case, "Nội bộ: đã chuyển Công an tỉnh, hồ sơ số 12", staff["verifier"])
    db.session.commit()
    body = client.get(f"/api/v1/reports/{report.tracking_code}").get_json()
    assert body["status"] == "closed" and body["outcome"]["kind"] == "closed"
    assert "harmful content" in body["outcome"]["message"]
    html = client.get(f"/track/{report.tracking_code}?lang=en").text
    assert 'data-testid="outcome-message"' in html
    assert "hồ sơ số 12" not in html + json.dumps(body)  # the internal action stays internal


def test_no_reporter_data_on_any_public_page_feed_or_json(client, db, make, published, warning):
    reports = published.case.reports + warning.case.reports
    bodies = [
        client.get(url).text
        for url in (
            "/",
            "/verdicts",
            "/warnings",
            f"/verdicts/{published.slug}",
            f"/warnings/{warning.slug}",
            "/verdicts.atom",
            "/api/v1/verdicts",
        )
    ]
    for report in reports:
        bodies.append(client.get(f"/track/{report.tracking_code}").text)
        bodies.append(client.get(f"/api/v1/reports/{report.tracking_code}").text)
    everything = "\n".join(bodies)
    for secret in (*CONTACTS, "0911222333"):
        assert secret not in everything, secret
    # Not even the other reporters' tracking codes appear on the public pages.
    public_pages = "\n".join(bodies[:7])
    assert all(report.tracking_code not in public_pages for report in reports)


def test_demo_seed_publishes_a_verdict_and_a_warning(app, client, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "--demo"])
    assert first.exit_code == 0, first.output
    assert "/verdicts/" in first.output and "/warnings/" in first.output
    html = client.get("/").text
    assert html.count('data-testid="verdict-item"') == 1
    assert html.count('data-testid="warning-item"') == 1
    again = runner.invoke(args=["seed", "--demo"])
    assert again.exit_code == 0 and "/verdicts/" not in again.output
    assert client.get("/").text.count('data-testid="verdict-item"') == 1
