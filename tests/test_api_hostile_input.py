"""Hostile input to the API answers 4xx (or is accepted cleaned), never a 5xx.

Each case here answered 500 before the API had schemas (OverflowError, PostgreSQL's int4 range,
NUL bytes, lone surrogates, RecursionError) or broke a documented promise (405 without Allow).
"""

import pytest
from sqlalchemy import select

from tingia.models import Case, Report

HUGE = str(2**64)  # beyond 64 bits: OverflowError in SQLite and psycopg
BIG = str(2**31)  # beyond PostgreSQL's integer column
REPORT = {"content": "Tin đồn giá xăng tăng", "platform": "zalo", "province": "01"}


@pytest.fixture
def staff(db, make):
    lead = make.user("lead", "01")
    case = make.case(make.report("Giá xăng tăng lên 35.000 đồng"))
    db.session.commit()
    return make.auth_headers(lead), case


@pytest.mark.parametrize("number", [HUGE, BIG, "9" * 40])
@pytest.mark.parametrize(
    "path",
    [
        "/cases/{n}",
        "/attachments/{n}/image",
        "/cases/{n}/reports/{n}/split",
        "/cases/{case}/reports/{n}/split",
        "/cases/{case}/suggestions/{n}/confirm",
    ],
)
def test_ids_out_of_range_are_404(client, staff, path, number):
    headers, case = staff
    url = "/api/v1" + path.format(n=number, case=case.id)
    method = client.get if "/image" in path or path == "/cases/{n}" else client.post
    response = method(url, headers=headers)
    assert response.status_code == 404, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("number", [HUGE, BIG, "9" * 40])
@pytest.mark.parametrize("param", ["page", "per_page"])
def test_paging_beyond_the_bounds_is_422(client, staff, param, number):
    headers, _ = staff
    for url in (f"/api/v1/cases?{param}={number}", f"/api/v1/verdicts?{param}={number}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 422, (url, response.status_code)
        assert param in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("number", [2**64, 2**31, -1, 0])
def test_body_ids_out_of_range_are_422(client, staff, number):
    headers, case = staff
    merge = client.post(f"/api/v1/cases/{case.id}/merge", json={"case_id": number}, headers=headers)
    assert merge.status_code == 422 and "case_id" in merge.get_json()["error"]["fields"]
    assign = client.post(
        f"/api/v1/cases/{case.id}/assign", json={"user_id": number}, headers=headers
    )
    assert assign.status_code == 422 and "user_id" in assign.get_json()["error"]["fields"]


def test_nul_and_control_characters_are_cleaned_from_reports(client, db):
    payload = {**REPORT, "content": "Tin\x00 đồn\x07 giá\r\nxăng\ttăng", "contact_name": "A\x00n"}
    payload["contact_consent"] = True
    response = client.post("/api/v1/reports", json=payload)
    assert response.status_code == 201, response.get_json()
    report = db.session.scalar(select(Report))
    assert report.content == "Tin đồn giá\r\nxăng\ttăng"
    assert report.contact_name == "An"


def test_nul_is_cleaned_from_multipart_reports(client, db):
    data = {**REPORT, "content": "Tin\x00 đồn giá xăng"}
    response = client.post("/api/v1/reports", data=data, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    assert db.session.scalar(select(Report.content)) == "Tin đồn giá xăng"


@pytest.mark.parametrize("field", ["content", "url", "contact_name", "province", "platform"])
def test_lone_surrogates_are_422(client, db, field):
    response = client.post("/api/v1/reports", json={**REPORT, field: "abc\ud800def"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["fields"]
    assert db.session.scalar(select(Report)) is None


def test_nul_and_surrogates_in_staff_text_fields(client, db, staff):
    headers, case = staff
    url = f"/api/v1/cases/{case.id}/triage"
    bad = client.post(url, json={"category": "out_of_scope", "reason": "x\udfffy"}, headers=headers)
    assert bad.status_code == 422 and "reason" in bad.get_json()["error"]["fields"]
    body = {"category": "out_of_scope", "reason": "Quảng\x00 cáo"}
    assert client.post(url, json=body, headers=headers).status_code == 200
    assert db.session.get(Case, case.id).category_reason == "Quảng cáo"


@pytest.mark.parametrize("body", ["[" * 100_000, '{"content": ' + "[" * 100_000, "{" * 50_000])
def test_deeply_nested_json_is_400(client, db, staff, body):
    headers, case = staff
    for url, extra in (("/api/v1/reports", {}), (f"/api/v1/cases/{case.id}/triage", headers)):
        response = client.post(url, data=body, content_type="application/json", headers=extra)
        assert response.status_code == 400, (url, response.status_code)
        assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("put", "/api/v1/reports", {"POST"}),
        ("delete", "/api/v1/verdicts", {"GET", "HEAD", "OPTIONS"}),
        ("get", "/api/v1/cases/1/triage", {"POST", "OPTIONS"}),
    ],
)
def test_405_carries_allow(client, method, url, allowed):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert allowed <= {item.strip() for item in response.headers["Allow"].split(",")}


def test_blank_unpublish_reason_is_documented_as_invalid(client):
    document = client.get("/api/v1/openapi.json").get_json()
    reason = document["components"]["schemas"]["ReasonInput"]["properties"]["reason"]
    assert reason.get("minLength", 0) >= 1 and "pattern" in reason


def test_every_body_and_query_error_status_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            if "requestBody" in operation:
                assert {"400", "422"} <= statuses, (path, method, statuses)
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in statuses, (path, method, statuses)
            if any(p["in"] == "path" for p in operation.get("parameters", [])):
                assert "404" in statuses, (path, method, statuses)


def test_405_on_a_page_carries_allow_too(client):
    response = client.put("/")
    assert response.status_code == 405
    assert "GET" in {item.strip() for item in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("query", ["province=%00", "status=%00", "category=a%00"])
def test_nul_in_query_filters_is_422(client, staff, query):
    headers, _ = staff
    response = client.get(f"/api/v1/cases?{query}", headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert set(response.get_json()["error"]["fields"]) == {query.partition("=")[0]}


def test_nul_in_a_query_filter_is_cleaned(client, staff):
    headers, case = staff
    response = client.get("/api/v1/cases?province=0%001", headers=headers)
    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()["items"]] == [case.id]
