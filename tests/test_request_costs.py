"""Work a request must not redo: what does not change while the app runs is built once per
process (README "Load and throughput": every millisecond of CPU per report bounds the load)."""

from __future__ import annotations

import marshmallow
from babel import support

REPORT = {"content": "Giá xăng sẽ tăng gấp đôi từ tuần sau", "platform": "zalo", "province": "01"}


def test_accepting_a_report_builds_no_schema(client, monkeypatch):
    assert client.post("/api/v1/reports", json=REPORT).status_code == 201
    built: list[str] = []
    original = marshmallow.Schema.__init__

    def counting_init(self, *args, **kwargs):
        built.append(type(self).__name__)
        original(self, *args, **kwargs)

    monkeypatch.setattr(marshmallow.Schema, "__init__", counting_init)
    assert client.post("/api/v1/reports", json=REPORT).status_code == 201
    missing_platform = {key: value for key, value in REPORT.items() if key != "platform"}
    answer = client.post("/api/v1/reports", json=missing_platform)
    assert answer.status_code == 422
    assert "platform" in answer.get_json()["error"]["fields"]
    assert built == []


def test_wtforms_messages_are_read_once_per_process(client, monkeypatch):
    assert client.post("/api/v1/reports", json=REPORT).status_code == 201
    assert client.get("/login?lang=en").status_code == 200
    loaded: list[str] = []
    original = support.Translations.load.__func__

    def counting_load(cls, dirname=None, locales=None, domain=None):
        loaded.append(domain)
        return original(cls, dirname, locales, domain)

    monkeypatch.setattr(support.Translations, "load", classmethod(counting_load))
    for _ in range(3):
        assert client.post("/api/v1/reports", json=REPORT).status_code == 201
    # WTForms' own message (no custom one on this field), still in the request's language.
    answer = client.post("/login?lang=en", data={"email": "", "password": "x"})
    assert "This field is required." in answer.get_data(as_text=True)
    assert "wtforms" not in loaded


def test_redis_commands_are_packed_and_parsed_in_c(app):
    from redis._parsers import _HiredisParser
    from redis.connection import HiredisRespSerializer

    from tingia.jobs.queue import get_redis

    with app.app_context():
        connection = get_redis().connection_pool.make_connection()
    try:
        assert isinstance(connection._command_packer, HiredisRespSerializer)
        assert connection._parser.__class__ is _HiredisParser
    finally:
        connection.disconnect()
