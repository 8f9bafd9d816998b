"""Time wrong-password sign-ins for an existing and an unknown email (account enumeration check).

Usage: python -m bench.login_timing [--runs 7] [--database-url URL]

Runs the real app (production argon2id parameters, a scratch SQLite database unless given) and
POSTs /login in-process with a wrong password, alternating an existing account's email and one
no account has; prints the time of each attempt and the median of each kind:
    existing ms: ...   unknown ms: ...
    median existing_ms=<x> unknown_ms=<x> ratio=<existing/unknown>
The per-account back-off is set out of reach (LOGIN_FREE_FAILURES) so that every attempt checks
a password, as the first few of a real guesser would.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from tingia import create_app
from tingia.centres.service import seed_provinces_and_centres
from tingia.extensions import db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="tingia-login-timing-")
    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": args.database_url or f"sqlite:///{scratch}/bench.db",
            "UPLOAD_DIR": os.path.join(scratch, "uploads"),
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
            "JOBS_ENQUEUE_ON_COMMIT": False,
            "LOGIN_FREE_FAILURES": 10**6,
        }
    )
    with app.app_context():
        db.create_all()
        seed_provinces_and_centres()
        from tingia.auth.service import create_user
        from tingia.centres.scoping import centre_for_province

        create_user(
            "lan@hanoi.gov.vn", "a long passphrase here", "verifier", centre_for_province("01")
        )
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "warm@up.vn", "password": "x"})  # first-request costs
    times: dict[str, list[float]] = {"existing": [], "unknown": []}
    for run in range(args.runs):
        for kind, email in (("existing", "lan@hanoi.gov.vn"), ("unknown", f"nobody{run}@x.vn")):
            start = time.perf_counter()
            response = client.post("/login", data={"email": email, "password": "wrong password"})
            times[kind].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 400, response.status_code
    for kind, values in times.items():
        print(f"{kind} ms: " + " ".join(f"{value:.1f}" for value in values))
    existing, unknown = (statistics.median(times[kind]) for kind in ("existing", "unknown"))
    print(
        f"median existing_ms={existing:.1f} unknown_ms={unknown:.1f} ratio={existing / unknown:.2f}"
    )


if __name__ == "__main__":
    main()
