"""Security headers on every page (every GET route of the URL map), and templates that keep to the
Content-Security-Policy: no inline JavaScript, no event-handler or style attributes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories import VERDICT_INPUT, WARNING_INPUT
from tests.test_access import PARAMS, make_world
from tingia.extensions import db
from tingia.publishing import service as publishing
from tingia.triage import service as triage

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
VERDICT, WARNING = VERDICT_INPUT, WARNING_INPUT


def csp_directives(header: str) -> dict[str, list[str]]:
    """{'script-src': ["'self'"], ...} from a Content-Security-Policy header."""
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy"
    directives = csp_directives(csp)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src == ["'self'"], (where, csp)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, (where, csp)
    assert directives["default-src"] == ["'self'"], (where, csp)
    assert directives["frame-ancestors"] == ["'none'"], (where, csp)
    assert directives["object-src"] == ["'none'"], (where, csp)
    assert directives["base-uri"] == ["'self'"] and directives["form-action"] == ["'self'"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("X-Frame-Options") == "DENY", where


@pytest.fixture
def everything(db, make):
    """Objects for every URL parameter: a province's case world, a verdict, a warning."""
    verifier, lead = make.user("verifier", "79"), make.user("lead", "79")
    world = make_world(make, "79", verifier)
    shown = make.report("Bộ Y tế khuyến cáo uống nước chanh ấm", "79", images=[make.png_bytes()])
    verdict_case = make.case(shown)
    publishing.set_publishable(shown.attachments[0], True, verifier)
    triage.triage(verdict_case, "verifiable", verifier)
    publishing.save_publication(verdict_case, VERDICT, verifier)
    verdict = publishing.publish(verdict_case, lead)
    warning_case = make.case(make.report("Ngân hàng yêu cầu xác thực tại http://gia.top", "79"))
    triage.triage(warning_case, "fraud", verifier)
    publishing.save_publication(warning_case, WARNING, verifier)
    warning = publishing.publish(warning_case, lead)
    db.session.commit()
    return {
        "world": world,
        "verdict": verdict,
        "warning": warning,
        "attachment": shown.attachments[0],
        "report": shown,
        "admin": make.user("admin", None),
    }


def fill(endpoint: str, rule: str, things: dict) -> str:
    public = {
        "id_or_slug": (things["warning"] if "warning" in endpoint else things["verdict"]).slug,
        "verdict_id": things["verdict"].id,
        "code": things["report"].tracking_code,
        "filename": "css/tingia.css",
        "token": "no-such-pending-upload",
    }
    if "<int:session_id>" in rule:
        from tingia.models import StaffSession

        public["session_id"] = db.session.query(StaffSession.id).limit(1).scalar()
    if endpoint == "publishing.verdict_image":
        public["attachment_id"] = things["attachment"].id

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name in public:
            return str(public[name])
        if name in PARAMS:
            return str(PARAMS[name](things["world"]))
        pytest.fail(f"{rule}: no value for URL parameter <{name}>; add one to this test")

    return re.sub(r"<(?:\w+:)?(\w+)>", value, rule)


def get_rules(app) -> list[tuple[str, str]]:
    rules = [(r.endpoint, r.rule) for r in app.url_map.iter_rules() if "GET" in r.methods]
    assert len(rules) > 20
    return sorted(rules)


def test_every_page_sends_the_security_headers(app, db, make, everything):
    admin_browser, anonymous = app.test_client(), app.test_client()
    make.login(admin_browser, everything["admin"])
    ok = 0
    for endpoint, rule in get_rules(app):
        url = fill(endpoint, rule, everything)
        for who, client in (("admin", admin_browser), ("anonymous", anonymous)):
            response = client.get(url)
            assert response.status_code < 500, (endpoint, who, response.status_code)
            assert_secure_headers(response, f"{who} GET {url}")
            ok += response.status_code == 200
    assert ok > 30  # most pages answered for real, not only redirects and 404s


def test_error_pages_and_api_errors_send_them_too(client, db):
    assert_secure_headers(client.get("/no-such-page"), "404 page")
    assert_secure_headers(client.post("/api/v1/reports", json=[]), "API error")
    assert_secure_headers(client.get("/login", headers={"Host": "tingia.test"}), "login")


def test_hsts_only_in_production(app_config):
    from tingia import create_app

    testing = create_app(app_config).test_client().get("/login")
    assert "Strict-Transport-Security" not in testing.headers
    production = create_app({**app_config, "ENV": "production"}).test_client().get("/login")
    hsts = production.headers["Strict-Transport-Security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600


def template_files() -> list[Path]:
    files = sorted(TEMPLATES.rglob("*.html"))
    assert len(files) > 20
    return files


def test_templates_have_no_inline_javascript_or_styles():
    problems = []
    for path in template_files():
        html = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", html, re.I):
            if 'type="application/ld+json"' not in tag and "src=" not in tag:
                problems.append(f"{path.name}: inline script {tag}")
        problems += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", html, re.I)]
        problems += [f"{path.name}: {m}" for m in re.findall(r"\sstyle\s*=", html, re.I)]
        problems += [f"{path.name}: <style>" for _ in re.findall(r"<style\b", html, re.I)]
        problems += [f"{path.name}: {m}" for m in re.findall(r"javascript:", html, re.I)]
    assert problems == []
