"""Time the pages people wait for (public pages, the staff queue with search and filters, case
pages) with a large database: server-side, through Flask's test client (no network).

Usage: python -m bench.pages [--reports 100000] [--database-url URL] [--repeat 15] [--reuse]
       [--only NAME]   (--reuse: time an already built --database-url again, without building)

Builds a scratch database with the migrations (so the search index is the real one), fills it
with bulk inserts: reports whose texts recombine sentences of the VFND corpus (bench.matching's
generator, read at run time), grouped into cases (1-6 reports each), 10% with a screenshot whose
text was "read", links, photos; cases in every state and centre (Hà Nội and TP.HCM busiest),
assignees, verdicts and warnings, history. 40 reports tell of a Vietcombank "Hoàn Kiếm branch"
scam, in their text, link or screenshot, for the searches. Then prints one line per page:

    page=<name> n=<requests> p50_ms=<x> p95_ms=<x> max_ms=<x> cpu_p50_ms=<x> cpu_p95_ms=<x>
         status=<HTTP status>

after a line with the backend, the corpus size and the machine's load (uptime). Each page is
requested twice first (warm caches), then --repeat times: *_ms is the wall time of the request,
cpu_*_ms the CPU time this process spent on it (on a busy shared machine the wall time is mostly
waiting for a core; with SQLite the database work is in this process, with PostgreSQL it is not).
Progress goes to stderr.
Default database: a temporary SQLite file. --database-url must name a scratch database: all of
its tables are dropped.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.devset import DEFAULT_ARTICLES, load_articles
from bench.matching import CHUNK, generate_chunk, vocabulary

NOW = datetime.now(UTC)
SPAN = timedelta(days=120)  # reports arrive over the last four months
SCAM_REPORTS = 40
PLATFORMS = ("facebook", "facebook", "facebook", "zalo", "tiktok", "youtube", "website", "sms")
STATUS_WEIGHTS = {"open": 55, "triaged": 15, "published": 12, "closed": 18}
CATEGORIES = ("verifiable", "harmful", "fraud", "out_of_scope")
SCAM_TEXTS = (
    "Tin nhắn giả mạo Vietcombank chi nhánh Hoàn Kiếm yêu cầu cập nhật sinh trắc học",
    "Cảnh giác: trang vietcombank-hoankiem giả mạo ngân hàng, đánh cắp mã OTP",
    "Ngân hàng Vietcombank Hoàn Kiếm không gửi đường link qua tin nhắn",
)


def tracking_code(report_id: int) -> str:
    """A valid tracking code, unique per report id (the id written in the codes' alphabet)."""
    from tingia.tracking_codes import CODE_ALPHABET, CODE_GROUP_LENGTH, CODE_GROUPS

    digits, n = [], report_id
    for _ in range(CODE_GROUPS * CODE_GROUP_LENGTH):
        n, digit = divmod(n, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[digit])
    chars = "".join(reversed(digits))
    return "-".join(
        chars[i : i + CODE_GROUP_LENGTH] for i in range(0, len(chars), CODE_GROUP_LENGTH)
    )


def log(message: str) -> None:
    """Progress on stderr (stdout carries only the result lines)."""
    print(message, file=sys.stderr, flush=True)


def machine_load() -> str:
    """The load averages, as `uptime` prints them."""
    one, five, fifteen = os.getloadavg()
    return f"load_1m={one:.2f} load_5m={five:.2f} load_15m={fifteen:.2f} cores={os.cpu_count()}"


def make_app(database_url: str, upload_dir: str):
    """An app on the scratch database (no Redis is needed for these pages)."""
    from tingia import create_app

    return create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": upload_dir,
            "RATELIMIT_ENABLED": False,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "WTF_CSRF_ENABLED": False,
            "JOBS_ENQUEUE_ON_COMMIT": False,
            "SERVER_NAME": "bench.test",
        }
    )


# --- building the scratch database -----------------------------------------------------------


def empty_schema() -> None:
    """Drop everything in the scratch database, then build the schema with the migrations."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tingia.centres.service import seed_provinces_and_centres
    from tingia.extensions import db

    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("DROP SCHEMA public CASCADE"))
        db.session.execute(text("CREATE SCHEMA public"))
        db.session.commit()
    upgrade()
    seed_provinces_and_centres()
    db.session.commit()


def _when(rng: random.Random, after: datetime | None = None) -> datetime:
    if after is None:
        return NOW - SPAN * rng.random() ** 2  # more reports lately
    return min(NOW, after + timedelta(hours=rng.expovariate(1 / 20)))


class Rows:
    """Rows to insert, by table, written with Core executemany (referenced tables first)."""

    def __init__(self) -> None:
        self.pending: dict[str, list[dict]] = {}

    def add(self, table: str, row: dict) -> None:
        """Queue a row."""
        self.pending.setdefault(table, []).append(row)

    def flush(self, table: str | None = None) -> None:
        """Write the queued rows (of one table, or all of them in dependency order)."""
        from tingia.extensions import db

        names = [table] if table else ["users", "cases", "reports", "attachments", "verdicts"]
        names += [] if table else ["case_events"]
        for name in names:
            rows = self.pending.pop(name, [])
            if rows:
                db.session.execute(db.metadata.tables[name].insert(), rows)


def build(size: int, seed: int) -> None:
    """Fill the scratch database."""
    from sqlalchemy import select

    from tingia.extensions import db
    from tingia.models import Centre
    from tingia.models.report import search_document
    from tingia.text import fold_words

    rng = random.Random(seed)
    centres = {
        code: cid for cid, code in db.session.execute(select(Centre.id, Centre.province_code))
    }
    national = centres.pop(None)
    # Hà Nội and TP.HCM receive the most reports.
    provinces = [*["01"] * 10, *["79"] * 10, *sorted(centres)]
    staff: dict[int, list[int]] = {}
    rows = Rows()
    user_id = 0
    for centre_id in [national, *centres.values()]:
        for role in ("verifier", "verifier", "verifier", "lead"):
            user_id += 1
            staff.setdefault(centre_id, []).append(user_id)
            rows.add(
                "users",
                {
                    "id": user_id,
                    "email": f"{role}{user_id}@bench.test",
                    "name": f"Cán bộ {user_id}",
                    "password_hash": "bench-no-login",
                    "role": role,
                    "centre_id": centre_id,
                },
            )
    rows.flush("users")
    vocab = vocabulary(load_articles(DEFAULT_ARTICLES))
    scam_ids = set(rng.sample(range(1, size + 1), SCAM_REPORTS))
    open_case: dict[int, dict] = {}
    claims: dict[int, str] = {}  # each case's first report: its verdict's claim
    event_id = verdict_id = 0
    began = time.perf_counter()
    for chunk in range((size - 1) // CHUNK + 1):
        for report in generate_chunk(vocab, provinces, chunk, seed):
            if report.id > size:
                break
            created = _when(rng, open_case.get(report.case_id, {}).get("last_seen"))
            centre_id = centres[report.province]
            if report.case_id == report.id:  # the story's first report opens its case
                status = rng.choices(list(STATUS_WEIGHTS), weights=STATUS_WEIGHTS.values())[0]
                case_centre = national if rng.random() < 0.05 else centre_id
                category = None if status == "open" else rng.choice(CATEGORIES)
                if status == "published":
                    category = rng.choice(("verifiable", "verifiable", "fraud"))
                if status == "triaged" and category == "out_of_scope":
                    category = "harmful"
                assignee = rng.choice(staff[case_centre]) if rng.random() < 0.4 else None
                claims[report.case_id] = report.content[:300]
                open_case[report.case_id] = {
                    "id": report.case_id,
                    "centre_id": case_centre,
                    "status": status,
                    "category": category,
                    "assignee_id": None if status in ("published", "closed") else assignee,
                    "report_count": 0,
                    "first_seen": created,
                    "last_seen": created,
                    "action_taken": "Đề nghị nền tảng gỡ bỏ" if status == "closed" else None,
                }
            case = open_case[report.case_id]
            case["report_count"] += 1
            case["last_seen"] = max(case["last_seen"], created)
            content, url = report.content, report.url
            ocr_texts = [image.ocr_text for image in report.images if image.text_heavy]
            if report.id in scam_ids:
                where = rng.randrange(3)
                scam = SCAM_TEXTS[report.id % len(SCAM_TEXTS)]
                if where == 0:
                    content = f"{scam}. {content}"
                elif where == 1:
                    url = "https://vietcombank-hoankiem.top/xac-thuc?id=" + str(report.id)
                    content = f"Vietcombank Hoàn Kiếm? {content}"
                else:
                    ocr_texts = [scam]
            rows.add(
                "reports",
                {
                    "id": report.id,
                    "tracking_code": tracking_code(report.id),
                    "content": content,
                    "url": url,
                    "canonical_url": url,
                    "platform": rng.choice(PLATFORMS),
                    "province_code": report.province,
                    "centre_id": centre_id,
                    "created_at": created,
                    "processed_at": created,
                    "normalised_text": fold_words(content),
                    "search_text": search_document(content, url, ocr_texts),
                    "case_id": report.case_id,
                    "match_score": None if report.case_id == report.id else 80 + 20 * rng.random(),
                    "match_basis": None if report.case_id == report.id else "text",
                },
            )
            for n, image in enumerate(report.images):
                rows.add(
                    "attachments",
                    {
                        "id": 2 * report.id + n,
                        "report_id": report.id,
                        "storage_key": f"bench/{image.sha256}.jpg",
                        "content_type": "image/jpeg",
                        "size_bytes": 100_000,
                        "sha256": image.sha256,
                        "width": 640,
                        "height": 480,
                        "phash": image.phash,
                        "dhash": image.dhash,
                        "text_heavy": image.text_heavy,
                        "ocr_text": (ocr_texts[0] if ocr_texts else "")
                        if image.text_heavy
                        else None,
                        "fingerprinted_at": created,
                        "created_at": created,
                    },
                )
        # Cases whose reports are all generated (a story never crosses chunks).
        for case in list(open_case.values()):
            rows.add("cases", case)
            event_id += 1
            rows.add(
                "case_events",
                {
                    "id": event_id,
                    "case_id": case["id"],
                    "action": "case_opened",
                    "detail": {"report_id": case["id"]},
                    "created_at": case["first_seen"],
                },
            )
            for _ in range(case["report_count"] - 1):
                event_id += 1
                rows.add(
                    "case_events",
                    {
                        "id": event_id,
                        "case_id": case["id"],
                        "action": "report_added",
                        "detail": {"score": 90.0, "basis": "text"},
                        "created_at": case["last_seen"],
                    },
                )
            if wants_verdict(case, rng):
                verdict_id += 1
                claim = claims[case["id"]]
                rows.add("verdicts", verdict_row(case, verdict_id, claim, staff, rng))
        open_case.clear()
        claims.clear()
        rows.flush()
        db.session.commit()
        if (chunk + 1) % 4 == 0:
            done = min(size, (chunk + 1) * CHUNK)
            log(f"  built {done:,} reports ({time.perf_counter() - began:.0f} s)")
    rows.flush()
    db.session.commit()
    make_viral_case(db, rng)
    finish(db)
    log(f"  built {size:,} reports in {time.perf_counter() - began:.0f} s")


def wants_verdict(case: dict, rng: random.Random) -> bool:
    """Published cases have their publication; half the triaged verifiable/fraud ones a draft."""
    if case["category"] not in ("verifiable", "fraud"):
        return False
    return case["status"] == "published" or (case["status"] == "triaged" and rng.random() < 0.5)


def verdict_row(case: dict, verdict_id: int, claim: str, staff: dict[int, list[int]], rng) -> dict:
    """The verdict (or fraud warning) of a case, published or a draft: its claim is the case's
    first report, its title says "thông tin sai sự thật" (every one: the commonest search)."""
    from tingia.models import SubjectArea
    from tingia.publishing.content import PublicationInput

    published = case["status"] == "published"
    kind = "warning" if case["category"] == "fraud" else "verdict"
    content = PublicationInput(
        title=f"Kết luận vụ việc {case['id']}: thông tin sai sự thật",
        claim=claim,
        summary="Cơ quan chức năng khẳng định thông tin là sai sự thật.",
        explanation="Trung tâm đã liên hệ cơ quan chức năng. " * 20,
        advice="Không bấm vào đường dẫn lạ." if kind == "warning" else "",
        subject_area=rng.choice(list(SubjectArea)),
    )
    return {
        "id": verdict_id,
        "case_id": case["id"],
        "kind": kind,
        "status": "published" if published else "draft",
        "rating": rng.choice(("fake", "untrue", "misleading")) if kind == "verdict" else None,
        "title": content.title,
        "claim": content.claim,
        "summary": content.summary,
        "explanation": content.explanation,
        "advice": content.advice,
        "subject_area": content.subject_area,
        "search_text": content.search_text,
        "sources": ["https://moh.gov.vn/"],
        "slug": f"ket-luan-vu-viec-{case['id']}-{verdict_id}" if published else None,
        "author_id": rng.choice(staff[case["centre_id"]]),
        "published_by_id": staff[case["centre_id"]][-1] if published else None,
        "published_at": case["last_seen"] if published else None,
        "created_at": case["last_seen"],
        "updated_at": case["last_seen"],
    }


VIRAL_REPORTS = 300


def make_viral_case(db, rng: random.Random) -> int:
    """One open Hà Nội story reported VIRAL_REPORTS times: later reports of other stories move in
    (their stories keep their first report), and the counters are recomputed."""
    from sqlalchemy import func, select, update

    from tingia.models import Case, Centre, Report

    hanoi = select(Centre.id).where(Centre.province_code == "01").scalar_subquery()
    viral = db.session.scalar(
        select(Case.id).where(Case.centre_id == hanoi, Case.status == "open").limit(1)
    )
    later = db.session.scalars(
        select(Report.id).where(Report.id != Report.case_id, Report.centre_id == hanoi)
    ).all()
    moved = rng.sample(list(later), min(VIRAL_REPORTS, len(later)))
    touched = set(db.session.scalars(select(Report.case_id).where(Report.id.in_(moved))))
    db.session.execute(update(Report).where(Report.id.in_(moved)).values(case_id=viral))
    for case_id in [*touched, viral]:
        count, first, last = db.session.execute(
            select(func.count(), func.min(Report.created_at), func.max(Report.created_at)).where(
                Report.case_id == case_id
            )
        ).one()
        db.session.execute(
            update(Case)
            .where(Case.id == case_id)
            .values(report_count=count, first_seen=first, last_seen=last)
        )
    db.session.commit()
    return viral


def finish(db) -> None:
    """Sequences after explicit ids (PostgreSQL) and fresh planner statistics."""
    from sqlalchemy import text

    if db.engine.dialect.name == "postgresql":
        for name in ("users", "cases", "reports", "attachments", "verdicts", "case_events"):
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"
                )
            )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


# --- timing ----------------------------------------------------------------------------------


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99), interpolated."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def time_page(client, name: str, url: str, repeat: int) -> str:
    """The result line of one page."""
    status = 0
    for _ in range(2):
        status = client.get(url).status_code
    timings, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        status = response.status_code
    return (
        f"page={name} n={repeat} p50_ms={percentile(timings, 50):.1f} "
        f"p95_ms={percentile(timings, 95):.1f} max_ms={max(timings):.1f} "
        f"cpu_p50_ms={percentile(cpu, 50):.1f} cpu_p95_ms={percentile(cpu, 95):.1f} status={status}"
    )


def signed_in(app, user_id: int):
    """A test client with a staff session, as after a full sign-in (tests/factories.login)."""
    from tingia.auth import sessions
    from tingia.extensions import db
    from tingia.models import User

    with app.app_context():
        key = sessions.start_session(db.session.get(User, user_id), second_factor=True)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = key
        session["_fresh"] = True
    return client


def pages(hanoi: int) -> Iterable[tuple[str, str, str]]:
    """(who, name, URL) of every timed page; who is public, national, hanoi or lead."""
    from sqlalchemy import func, select

    from tingia.extensions import db
    from tingia.models import Case, Report, Verdict

    def first(query) -> int:
        return db.session.scalar(query.limit(1))

    verdict = db.session.scalar(
        select(Verdict).where(Verdict.status == "published", Verdict.kind == "verdict").limit(1)
    )
    warning = db.session.scalar(
        select(Verdict).where(Verdict.status == "published", Verdict.kind == "warning").limit(1)
    )
    hanoi_case = first(
        select(Case.id).where(
            Case.centre_id == hanoi, Case.report_count == 3, Case.status == "open"
        )
    )
    drafted = first(
        select(Verdict.case_id).join(Case).where(Verdict.status == "draft", Case.centre_id == hanoi)
    )
    viral = first(select(Case.id).order_by(Case.report_count.desc()))
    code = db.session.scalar(select(Report.tracking_code).where(Report.case_id == viral).limit(1))
    last_page = (
        db.session.scalar(
            select(func.count()).select_from(Verdict).where(Verdict.status == "published")
        )
        // 20
    )
    published_code = db.session.scalar(
        select(Report.tracking_code).where(Report.case_id == verdict.case_id).limit(1)
    )
    # A word of one published verdict's claim only (a rare search).
    rare_word = max(verdict.search_text.split(), key=len)
    today = NOW.date()
    month_ago = today - timedelta(days=30)
    yield "public", "home", "/"
    yield "public", "verdicts", "/verdicts"
    yield "public", "verdicts_last_page", f"/verdicts?page={max(1, last_page)}"
    yield "public", "verdict", f"/verdicts/{verdict.slug}"
    yield "public", "warnings", "/warnings"
    yield "public", "warning", f"/warnings/{warning.slug}"
    yield "public", "feed", "/verdicts.atom"
    yield "public", "verdicts_search_common_2_words", "/verdicts?q=th%C3%B4ng+tin"
    yield "public", "verdicts_search_rare_word", f"/verdicts?q={rare_word}"
    yield (
        "public",
        "verdicts_search_filtered",
        (
            f"/verdicts?q=thong+tin&rating=fake&subject_area=health&province=01"
            f"&published_from={month_ago}&published_to={today}"
        ),
    )
    yield "public", "verdicts_filtered_no_words", "/verdicts?province=79&rating=untrue"
    yield "public", "warnings_search", "/warnings?q=kh%C3%B4ng+b%E1%BA%A5m"
    yield "public", "warnings_search_filtered", "/warnings?q=thong+tin&province=01"
    yield "public", "about", "/about"
    yield "public", "privacy", "/privacy"
    yield "public", "report_form", "/report"
    yield "public", "track_lookup", "/track"
    yield "public", "track", f"/track/{code}"
    yield "public", "track_published", f"/track/{published_code}"
    yield "public", "login", "/login"
    yield "public", "api_verdicts", "/api/v1/verdicts"
    yield "public", "api_report", f"/api/v1/reports/{code}"
    yield "public", "statistics", "/statistics"
    for who in ("national", "hanoi"):
        yield who, f"queue_{who}", "/staff/"
        yield who, f"queue_{who}_page_40", "/staff/?page=40"
        yield who, f"queue_{who}_oldest_100", "/staff/?sort=age&per_page=100"
        yield who, f"queue_{who}_latest", "/staff/?sort=recent"
        yield who, f"queue_{who}_all_statuses", "/staff/?status=all"
        yield who, f"queue_{who}_unassigned", "/staff/?assignee=nobody"
        yield who, f"queue_{who}_overdue", "/staff/?overdue=y"
        yield who, f"queue_{who}_fraud_zalo", "/staff/?category=fraud&platform=zalo&status=all"
        yield who, f"queue_{who}_search_1_word", "/staff/?q=vietcombank"
        yield who, f"queue_{who}_search_3_words", "/staff/?q=vietcombank+hoan+kiem"
        yield who, f"queue_{who}_search_3_words_all", "/staff/?q=vietcombank+hoan+kiem&status=all"
        yield who, f"queue_{who}_search_common_2_words", "/staff/?q=th%C3%B4ng+tin"
        yield who, f"queue_{who}_search_common_filtered", "/staff/?q=thong+tin&platform=zalo"
        yield who, f"queue_{who}_search_code", f"/staff/?q={code}"
        yield who, f"queue_{who}_search_case_number", f"/staff/?q=%23{hanoi_case}"
    yield "lead", "queue_hanoi_drafts_to_review", "/staff/?status=all&review=y"
    yield "hanoi", "case_viral_300_reports", f"/staff/cases/{viral}"
    yield "hanoi", "case_viral_300_reports_page_6", f"/staff/cases/{viral}?page=6"
    yield "national", "case_viral_as_national", f"/staff/cases/{viral}"
    yield "hanoi", "case_3_reports", f"/staff/cases/{hanoi_case}"
    yield "hanoi", "case_with_draft", f"/staff/cases/{drafted}"
    yield "hanoi", "verdict_form", f"/staff/cases/{drafted}/verdict"
    yield "lead", "publish_preview", f"/staff/cases/{drafted}/publish"
    yield "hanoi", "merge_preview", f"/staff/cases/{hanoi_case}/merge?case_id={drafted}"


def run(app, repeat: int, only: Callable[[str], bool]) -> None:
    """Print the result line of every page."""
    from sqlalchemy import select

    from tingia.extensions import db
    from tingia.models import Centre, User

    with app.app_context():
        hanoi = db.session.scalar(select(Centre.id).where(Centre.province_code == "01"))
        people = {
            "national": db.session.scalar(
                select(User.id).join(Centre).where(Centre.is_national, User.role == "verifier")
            ),
            "hanoi": db.session.scalar(
                select(User.id).where(User.centre_id == hanoi, User.role == "verifier")
            ),
            "lead": db.session.scalar(
                select(User.id).where(User.centre_id == hanoi, User.role == "lead")
            ),
        }
        listed = list(pages(hanoi))
        db.session.remove()
    clients = {"public": app.test_client()}
    clients.update({who: signed_in(app, user_id) for who, user_id in people.items()})
    for who, name, url in listed:
        if not only(name):
            continue
        if name == "statistics" and "/statistics" not in {r.rule for r in app.url_map.iter_rules()}:
            continue  # not on this branch yet
        print(time_page(clients[who], name, url, repeat), flush=True)


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", default=100_000, type=int)
    parser.add_argument("--database-url", default=None, help="scratch database (tables dropped)")
    parser.add_argument("--repeat", default=15, type=int)
    parser.add_argument("--seed", default=1, type=int)
    parser.add_argument("--only", default="", help="time only pages whose name contains this")
    parser.add_argument(
        "--reuse", action="store_true", help="time the database --database-url as it is (built)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tingia-bench-pages-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        app = make_app(url, str(Path(tmp) / "uploads"))
        with app.app_context():
            from sqlalchemy import func, select

            from tingia.extensions import db
            from tingia.models import Case, Report

            if not args.reuse:
                log(f"building {args.reports:,} reports in {db.engine.dialect.name}")
                empty_schema()
                build(args.reports, args.seed)
            counts = (
                db.session.scalar(select(func.count()).select_from(Report)),
                db.session.scalar(select(func.count()).select_from(Case)),
            )
            backend = db.engine.dialect.name
            db.session.remove()
        print(
            f"backend={backend} reports={counts[0]} cases={counts[1]} {machine_load()}",
            flush=True,
        )
        run(app, args.repeat, lambda name: args.only in name)
        print(f"done {machine_load()}", flush=True)


if __name__ == "__main__":
    main()
