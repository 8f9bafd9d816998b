"""The OpenAPI document is served and matches the routes."""

import re

from flask import current_app


def api_routes() -> set[tuple[str, str]]:
    routes = set()
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len("/api/v1") :])
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_document_is_served_and_lists_exactly_the_routes(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert documented == api_routes()


def test_every_reference_resolves_and_staff_routes_need_a_token(client):
    document = client.get("/api/v1/openapi.json").get_json()
    text = str(document)
    for name in re.findall(r"#/components/schemas/(\w+)", text):
        assert name in document["components"]["schemas"], name
    for path, item in document["paths"].items():
        for method, operation in item.items():
            needs_token = path.startswith(
                ("/cases", "/attachments", "/takedowns", "/sources", "/statistics")
            )
            assert ("security" in operation) == needs_token, (path, method)
            assert operation["responses"]


def test_document_is_valid_openapi_3(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").get_json())


def _schema_validator(document, name):
    from openapi_schema_validator import OAS30Validator

    # The component as a reference inside the document, so its own references resolve.
    return OAS30Validator(
        {"components": document["components"], "$ref": f"#/components/schemas/{name}"}
    )


def test_responses_match_their_documented_schemas(client, db, make, run_worker):
    document = client.get("/api/v1/openapi.json").get_json()
    created = client.post(
        "/api/v1/reports",
        json={
            "content": "Tin đồn giá xăng tăng lên 35.000 đồng một lít",
            "platform": "zalo",
            "province": "01",
            "contact_email": "x@example.vn",
            "contact_consent": True,
        },
    )
    _schema_validator(document, "ReportCreated").validate(created.get_json())
    run_worker()
    status = client.get(created.get_json()["status_url"]).get_json()
    _schema_validator(document, "ReportStatus").validate(status)
    headers = make.auth_headers(make.user(province="01"))
    listing = client.get("/api/v1/cases", headers=headers).get_json()
    _schema_validator(document, "CaseList").validate(listing)
    detail = client.get(listing["items"][0]["url"], headers=headers).get_json()
    _schema_validator(document, "CaseDetail").validate(detail)
    error = client.post("/api/v1/reports", json={"platform": "x"}).get_json()
    _schema_validator(document, "Error").validate(error)
