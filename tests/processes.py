"""Real processes the fault tests start, stop and kill: a Redis server, a PostgreSQL cluster and
worker processes (`python -m workers`)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from redis import Redis

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], object], timeout: float, what: str, step: float = 0.1):
    """Poll `condition` until it is truthy (returned) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)


class RedisServer:
    """A redis-server without persistence on a fixed port, so it can be stopped and started
    again at the same address (it comes back empty, as after a restart without persistence)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        server = shutil.which("redis-server")
        assert server, "redis-server not found"
        self.process = subprocess.Popen(
            [server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
            + ["no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except Exception:  # noqa: BLE001  (not up yet)
                return False

        wait_until(answers, 15, "redis-server to start", step=0.02)

    def stop(self) -> None:
        """Stop the server (SIGKILL: what it had in memory is gone)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.process = None


class PostgresServer:
    """A throwaway PostgreSQL cluster on a free port (initdb'd for the test), which the test may
    stop and start again: the suite's own cluster is never restarted under its other tests."""

    def __init__(self) -> None:
        bindirs = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
        self.bin = bindirs[-1] if bindirs else None
        # Not under pytest's basetemp: every new pytest session (another checkout's too) makes
        # that folder private again, and the postgres user would lose its way to the cluster.
        self.workdir = Path(tempfile.mkdtemp(prefix="tingia-test-pg-"))
        self.data = self.workdir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://tingia@127.0.0.1:{self.port}/tingia"

    @property
    def available(self) -> bool:
        """True when the server binaries are installed."""
        return self.bin is not None and (self.bin / "initdb").exists()

    def _as_owner(self, *command: str) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *command], check=True, capture_output=True, text=True, timeout=120, cwd="/"
        )

    def init(self) -> None:
        """initdb, start, create the database."""
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres")  # /tmp lets it through; the folder is its own
        self._as_owner(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "tingia", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.workdir}'\nfsync = off\n"
                "full_page_writes = off\nsynchronous_commit = off\n"
            )
        self.start()
        self._as_owner(
            str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "tingia",
            "tingia",
        )  # fmt: skip

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.workdir / "pg.log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`fast`: disconnect every client, roll back open transactions)."""
        if (self.data / "postmaster.pid").exists():
            self._as_owner(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60",
                "stop",
            )  # fmt: skip

    def remove(self) -> None:
        """Stop the server at once and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


class WorkerProcess:
    """`python -m workers` in its own session, its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "workers", *args],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # the worker and any work horse it forks share this session
        )
        self.pid = self.process.pid

    def log(self) -> str:
        """Everything the worker wrote so far."""
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        """True while the process runs."""
        return self.process.poll() is None

    def processes(self) -> list[int]:
        """Live processes of the worker's session (Linux /proc): the worker and its work horse."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # gone meanwhile
            if int(fields[3]) == self.pid and fields[0] != "Z":
                pids.append(int(stat.parent.name))
        return pids

    def kill(self) -> None:
        """SIGKILL the worker and every process of its session at once (the machine dies)."""
        while pids := self.processes():
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.05)
        self.process.wait(30)
        self._log.close()

    def terminate(self, timeout: float = 60) -> int:
        """SIGTERM (warm shutdown) and wait; returns the exit code."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()
