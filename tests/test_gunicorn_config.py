"""gunicorn as deployed (gunicorn.conf.py), a real server process: how it treats connections."""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, wait_until


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/health")
        connection.getresponse().read()
        return True
    except OSError:
        return False


@pytest.fixture
def gunicorn_port(_schema, database_url: str, redis_url: str, tmp_path: Path):
    """gunicorn serving app:app with the project's gunicorn.conf.py (one process, two threads)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("gunicorn is deployed on PostgreSQL")
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "test-secret",
        "TINGIA_UPLOAD_DIR": str(tmp_path / "uploads"),
    }
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    server = subprocess.Popen(
        [gunicorn, "-w", "1", "--threads", "2", "-b", f"127.0.0.1:{port}", "app:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(lambda: _answers(port), 60, "gunicorn")
        yield port
    finally:
        server.terminate()
        server.wait(30)


def test_every_answer_closes_its_connection(gunicorn_port: int):
    # A kept-alive connection stays with the process that accepted it; under load one process
    # then serves most clients while the others idle (README "Load and throughput").
    connection = http.client.HTTPConnection("127.0.0.1", gunicorn_port, timeout=5)
    connection.request("GET", "/verdicts", headers={"Connection": "keep-alive"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200
    assert response.getheader("Connection", "").lower() == "close"
    assert response.will_close
