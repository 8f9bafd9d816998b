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
            needs_token = path.startswith(("/cases", "/attachments"))
            assert ("security" in operation) == needs_token, (path, method)
            assert operation["responses"]
