"""Locust users for bench/load.py: citizens submitting reports and following them, readers of
the public pages, verifiers working the staff queue. Loopback only (bench/load.py gives --host).

Submitters post through the API at a constant rate each (SUBMIT_RATE reports/s per user); the
tracking codes they get back are what trackers look up. Each class runs exactly the number of users
bench/load.py asks for (BENCH_SUBMITTERS, BENCH_TRACKERS, BENCH_READERS, one verifier per staff
email): locust would otherwise share the users out by weight, and the submissions offered would
not be the --submitters times --submit-rate the run says.
"""

from __future__ import annotations

import os
import random
import re

from locust import FastHttpUser, between, constant_throughput, events, task

SUBMIT_RATE = float(os.environ.get("BENCH_SUBMIT_RATE", "2"))
STAFF_PASSWORD = os.environ.get("BENCH_STAFF_PASSWORD", "")
STAFF_EMAILS = [e for e in os.environ.get("BENCH_STAFF_EMAILS", "").split(",") if e]
SUBMITTERS = int(os.environ.get("BENCH_SUBMITTERS", "80"))
TRACKERS = int(os.environ.get("BENCH_TRACKERS", "20"))
READERS = int(os.environ.get("BENCH_READERS", "20"))
PROVINCES = ("01", "79", "48", "31", "92")
PLATFORMS = ("facebook", "zalo", "tiktok", "youtube", "website")
STORIES = [
    "Bộ Y tế khuyến cáo uống nước chanh ấm pha muối mỗi sáng để diệt virus cúm A trong cổ họng",
    "Ngân hàng nhà nước sẽ đổi tiền mới từ tháng sau, ai giữ tiền mặt sẽ mất một nửa giá trị",
    "Cảnh báo: nước máy ở quận 7 nhiễm độc, tuyệt đối không dùng để nấu ăn trong ba ngày tới",
    "Trường học toàn thành phố cho học sinh nghỉ một tháng vì dịch bệnh lạ lây qua không khí",
    "Giá xăng sẽ tăng gấp đôi từ tuần sau, hãy mua tích trữ ngay trước khi quá muộn nhé mọi người",
]
TRACKING_CODES: list[str] = []
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@events.init_command_line_parser.add_listener
def _options(parser) -> None:
    parser.add_argument("--bench-note", default="", help="ignored; for the record")


class Submitter(FastHttpUser):
    """A citizen sending a report through the API (JSON)."""

    fixed_count = SUBMITTERS
    wait_time = constant_throughput(SUBMIT_RATE)

    @task
    def submit(self) -> None:
        story = random.choice(STORIES)
        words = story.split()
        # Most are near-copies of a few stories (they group), some are new texts.
        if random.random() < 0.3:
            random.shuffle(words)
        body = {
            "content": f"{' '.join(words)} (chia sẻ lúc {random.randint(0, 10**9)})",
            "platform": random.choice(PLATFORMS),
            "province": random.choice(PROVINCES),
        }
        with self.client.post("/api/v1/reports", json=body, name="POST /api/v1/reports",
                              catch_response=True) as response:  # fmt: skip
            if response.status_code != 201:
                response.failure(f"status {response.status_code}")
                return
            code = response.json()["tracking_code"]
            if len(TRACKING_CODES) < 50_000:
                TRACKING_CODES.append(code)


class Tracker(FastHttpUser):
    """A citizen following a report: the tracking page and the API."""

    fixed_count = TRACKERS
    wait_time = between(0.5, 1.5)

    @task(2)
    def tracking_page(self) -> None:
        if TRACKING_CODES:
            self.client.get(f"/track/{random.choice(TRACKING_CODES)}", name="GET /track/<code>")

    @task(1)
    def tracking_api(self) -> None:
        if TRACKING_CODES:
            code = random.choice(TRACKING_CODES)
            self.client.get(f"/api/v1/reports/{code}", name="GET /api/v1/reports/<code>")


class Reader(FastHttpUser):
    """Someone reading the public pages."""

    fixed_count = READERS
    wait_time = between(0.5, 1.5)

    @task(3)
    def home(self) -> None:
        self.client.get("/")

    @task(1)
    def verdicts(self) -> None:
        self.client.get("/verdicts")

    @task(1)
    def feed(self) -> None:
        self.client.get("/verdicts.atom")


class Verifier(FastHttpUser):
    """A verifier signed in, reloading the staff queue."""

    fixed_count = len(STAFF_EMAILS)
    wait_time = between(1, 3)

    def on_start(self) -> None:
        email = STAFF_EMAILS[id(self) % len(STAFF_EMAILS)] if STAFF_EMAILS else ""
        page = self.client.get("/login", name="GET /login")
        token = CSRF.search(page.text)
        data = {
            "email": email,
            "password": STAFF_PASSWORD,
            "csrf_token": token.group(1) if token else "",
        }
        self.client.post("/login", data=data, name="POST /login", allow_redirects=False)

    @task
    def queue(self) -> None:
        self.client.get("/staff/", name="GET /staff/")
