"""Benchmark candidate lookup + scoring against a large synthetic corpus of stored reports.

Usage: python -m bench.matching --sizes 10000,100000,1000000 [--database-url URL]

For each size (ascending; the corpus grows in place) it prints one line:
    n=<N> p50_ms=<x> p95_ms=<x> naive_p95_ms=<x> speedup=<naive/ours p95> rss_mb=<x>
- ours: what the worker does for a new report between fingerprinting and deciding, through the
  same function (tingia.matching.service.best_case_match): build its signals (normalised text,
  canonical URL), look candidates up in match_keys and the photo-hash cache, score them;
- naive: rapidfuzz token_set_ratio over every stored text plus a Python loop over every stored
  photo hash, timed on a sample of the same queries (--naive-queries);
- rss_mb: peak RSS of the process that served the queries (app, index cache, database client);
  building the corpus and the naive scan run in processes of their own.
Progress, the corpus' index size and how many near-duplicates were found go to stderr.

The corpus is built directly with bulk inserts (COPY on PostgreSQL), not through the intake,
but every stored key comes from the pipeline's own functions (build_signals, index_keys_of).
Texts recombine sentences of the VFND corpus (read at run time, never copied), a quarter of
their words swapped for other corpus words so that stories differ; each story is reported 1-6
times (excerpts, comments around it), with links, photos (64-bit hashes) and screenshots.
Default database: a temporary SQLite file. --database-url must name a scratch database: every
table in it is dropped.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import multiprocessing
import os
import pickle
import pstats
import random
import re
import resource
import statistics
import struct
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.devset import (
    DEFAULT_ARTICLES,
    add_typos,
    load_articles,
    see_more,
    url_mobile,
    url_with_tracking,
    wrap_with_comments,
)
from tingia.matching.images import pack_hashes, to_signed, unpack_hashes

CHUNK = 5000  # reports generated per task; report ids are global, so chunks are independent
BASE_TIME = "2026-01-01T00:00:00+00:00"
SCREENSHOT_LAYOUT = 0x3C3C_0F0F_F0F0_C3C3  # pHash every synthetic screenshot stays close to
_MASK64 = (1 << 64) - 1


def log(message: str) -> None:
    """Progress on stderr (stdout carries only the result lines)."""
    print(message, file=sys.stderr, flush=True)


# --- the synthetic corpus (pure) -------------------------------------------------------------


@dataclass(frozen=True)
class Vocabulary:
    """Sentences and words of the article corpus."""

    sentences: tuple[str, ...]
    words: tuple[str, ...]


def vocabulary(articles: list[dict]) -> Vocabulary:
    """Sentences of at least 4 words, and every word (repeated: drawing one follows frequency)."""
    sentences = []
    for article in articles:
        for paragraph in article["text"].split("\n"):
            parts = re.split(r"(?<=[.!?])\s+", paragraph.strip())
            sentences += [part for part in parts if len(part.split()) >= 4]
    words = tuple(word for sentence in sentences for word in sentence.split())
    return Vocabulary(tuple(sentences), words)


@dataclass
class StoredImage:
    """A stored attachment: a photo (perceptual hashes) or a screenshot (OCR text)."""

    sha256: str
    phash: int
    dhash: int
    text_heavy: bool
    ocr_text: str = ""
    regions: tuple[int, ...] = ()  # a photo's crop-hypothesis hashes
    features: bytes | None = None  # a photo's ORB features
    lookups: tuple[int, ...] = ()  # a query photo's lookup-only crop grid (random: unmatched)


@dataclass(frozen=True)
class Photo:
    """A story's photo: its hashes and the seed of its synthetic ORB features."""

    phash: int
    dhash: int
    regions: tuple[int, ...]
    seed: int


def new_photo(rng: random.Random) -> Photo:
    """A photo no other story has: random hashes (13 crop hypotheses) and features."""
    return Photo(
        _random_hash(rng),
        _random_hash(rng),
        tuple(_random_hash(rng) for _ in range(13)),
        rng.getrandbits(32),
    )


def synthetic_features(seed: int, rng: random.Random, noise_bits: int) -> bytes:
    """ORB features (the pipeline's blob format) of a photo's copy: the photo's 256 keypoints
    and descriptors, each descriptor with `noise_bits` of its 256 bits flipped."""
    import numpy as np

    base = np.random.default_rng(seed)
    points = base.uniform(0, 500, (256, 2))
    descriptors = base.integers(0, 256, (256, 32), dtype=np.uint8)
    noise = np.random.default_rng(rng.getrandbits(32))
    rows = np.repeat(np.arange(256), noise_bits)
    bits = noise.integers(0, 256, rows.size)
    np.bitwise_xor.at(descriptors, (rows, bits // 8), (1 << (bits % 8)).astype(np.uint8))
    points = np.clip(points + noise.normal(0, 0.4, points.shape), 0, 511)
    header = struct.pack("<HHH", 512, 384, 256)
    return header + (points * 64).round().astype("<u2").tobytes() + descriptors.tobytes()


def photo_copy(photo: Photo, rng: random.Random, max_bits: int) -> StoredImage:
    """A citizen's copy of a story photo: a few bits of every hash flipped, features noisy."""
    return StoredImage(
        _sha(rng),
        to_signed(_flip_bits(photo.phash, rng.randint(0, max_bits), rng)),
        to_signed(_flip_bits(photo.dhash, rng.randint(0, max_bits), rng)),
        False,
        regions=tuple(
            to_signed(_flip_bits(h, rng.randint(0, max_bits), rng)) for h in photo.regions
        ),
        features=synthetic_features(photo.seed, rng, rng.randint(4, 16)),
    )


@dataclass
class StoredReport:
    """One report of the synthetic corpus."""

    id: int
    case_id: int
    province: str
    content: str
    url: str | None
    images: list[StoredImage]


def _random_hash(rng: random.Random) -> int:
    return rng.getrandbits(64)


def _flip_bits(value: int, bits: int, rng: random.Random) -> int:
    for bit in rng.sample(range(64), bits):
        value ^= 1 << bit
    return value


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def story_text(vocab: Vocabulary, rng: random.Random) -> str:
    """A new story: 1-8 corpus sentences with a quarter of their words swapped."""
    count = rng.choices(range(1, 9), weights=(20, 20, 15, 12, 10, 9, 8, 6))[0]
    words = " ".join(rng.sample(vocab.sentences, count)).split()
    for i in range(len(words)):
        if rng.random() < 0.25:
            words[i] = rng.choice(vocab.words)
    return " ".join(words)


def _excerpt(text: str, rng: random.Random) -> str:
    """A contiguous part (at least half) of a text."""
    words = text.split()
    keep = rng.randint((len(words) + 1) // 2, len(words))
    start = rng.randint(0, len(words) - keep)
    return " ".join(words[start : start + keep])


def generate_chunk(vocab: Vocabulary, provinces: Sequence[str], chunk: int, seed: int):
    """The reports with ids chunk*CHUNK+1 .. (chunk+1)*CHUNK, grouped in stories (cases)."""
    rng = random.Random(f"{seed}-{chunk}")
    first, last = chunk * CHUNK + 1, (chunk + 1) * CHUNK
    report_id = first
    while report_id <= last:
        text = story_text(vocab, rng)
        url = (
            f"https://www.facebook.com/page{rng.randrange(10**6)}/posts/{rng.getrandbits(48)}"
            if rng.random() < 0.3
            else None
        )
        photo = new_photo(rng) if rng.random() < 0.25 else None
        case_id = report_id
        for _ in range(
            min(rng.choices(range(1, 7), weights=(45, 25, 12, 8, 6, 4))[0], 1 + last - report_id)
        ):
            r = rng.random()
            content = (
                text
                if r < 0.4
                else _excerpt(text, rng)
                if r < 0.7
                else wrap_with_comments(text, rng)
            )
            images = []
            if photo and rng.random() < 0.6:
                images.append(photo_copy(photo, rng, 4))
            if rng.random() < 0.1:
                layout = _flip_bits(SCREENSHOT_LAYOUT, rng.randint(0, 8), rng)
                images.append(
                    StoredImage(_sha(rng), to_signed(layout), to_signed(layout), True, text)
                )
            yield StoredReport(
                id=report_id,
                case_id=case_id,
                province=rng.choice(provinces),
                content=content if rng.random() < 0.9 or not (url or images) else "",
                url=url if url and rng.random() < 0.6 else None,
                images=images,
            )
            report_id += 1


# --- building the scratch database -----------------------------------------------------------


def _fingerprint(image: StoredImage):
    from tingia.matching.images import ImageFingerprint

    return ImageFingerprint(
        sha256=image.sha256,
        width=640,
        height=480,
        phash=image.phash,
        dhash=image.dhash,
        pdq=None,
        text_heavy=image.text_heavy,
        ocr_text=image.ocr_text,
        has_photo=not image.text_heavy,
        region_hashes=image.regions,
        features=image.features,
        lookup_hashes=image.lookups,
    )


def _chunk_rows(args: tuple) -> dict[str, list[tuple]]:
    """Rows of every table for one chunk of reports, keys computed by the pipeline's code."""
    from tingia.matching.scoring import build_signals
    from tingia.matching.service import index_keys_of
    from tingia.matching.textsim import gram_blob

    vocab, provinces, centres, chunk, seed, start_after = args
    rows: dict[str, list[tuple]] = {
        "cases": [],
        "reports": [],
        "attachments": [],
        "match_keys": [],
        "photo_hashes": [],
    }
    counts: dict[int, int] = {}
    for report in generate_chunk(vocab, provinces, chunk, seed):
        counts[report.case_id] = counts.get(report.case_id, 0) + 1
        if report.id <= start_after:
            continue
        if report.case_id == report.id:
            rows["cases"].append((report.case_id, centres[report.province], "open"))
        signals = build_signals(
            report.content, report.url, [_fingerprint(image) for image in report.images]
        )
        rows["reports"].append(
            (
                report.id,
                f"{report.id:012d}",
                report.content,
                report.url,
                signals.url,
                "facebook",
                report.province,
                centres[report.province],
                signals.text,
                signals.ocr_text,
                "|".join(sorted(signals.claims)),
                gram_blob(signals.text) if signals.text else None,
                gram_blob(signals.ocr_text) if signals.ocr_text else None,
                report.case_id,
            )
        )
        for n, image in enumerate(report.images):
            attachment_id = 2 * report.id + n
            rows["attachments"].append(
                (
                    attachment_id,
                    report.id,
                    f"bench/{image.sha256}.jpg",
                    "image/jpeg",
                    100_000,
                    image.sha256,
                    640,
                    480,
                    image.phash,
                    image.dhash,
                    image.text_heavy,
                    image.ocr_text,
                    not image.text_heavy,
                    pack_hashes(image.regions) if image.regions else None,
                    image.features,
                )
            )
            if not image.text_heavy:
                for n_region, value in enumerate(image.regions or (image.phash,)):
                    rows["photo_hashes"].append((13 * attachment_id + n_region, report.id, value))
        rows["match_keys"] += [(key, report.id) for key in index_keys_of(signals)]
    rows["cases"] = [(*row, counts[row[0]]) for row in rows["cases"]]
    return rows


COLUMNS = {
    "cases": ("id", "centre_id", "status", "report_count"),
    "reports": (
        "id",
        "tracking_code",
        "content",
        "url",
        "canonical_url",
        "platform",
        "province_code",
        "centre_id",
        "normalised_text",
        "normalised_ocr_text",
        "claim_terms",
        "text_grams",
        "ocr_grams",
        "case_id",
    ),
    "attachments": (
        "id",
        "report_id",
        "storage_key",
        "content_type",
        "size_bytes",
        "sha256",
        "width",
        "height",
        "phash",
        "dhash",
        "text_heavy",
        "ocr_text",
        "has_photo",
        "region_hashes",
        "features",
    ),
    "match_keys": ("key", "report_id"),
    "photo_hashes": ("id", "report_id", "phash"),
}
# Timestamps every bulk row gets (the pipeline would set them while processing).
TIMESTAMPS = {
    "cases": ("first_seen", "last_seen", "created_at", "updated_at"),
    "reports": ("created_at", "processed_at"),
    "attachments": ("fingerprinted_at", "created_at"),
}


class BulkLoader:
    """Appends rows to tables over one raw connection: executemany on SQLite, COPY on PostgreSQL.

    Columns the generator does not give get their model defaults, converted like the ORM would.
    """

    def __init__(self, engine) -> None:
        from datetime import datetime

        from tingia.extensions import db

        self.dialect = engine.dialect
        self.connection = engine.raw_connection()
        self.driver = self.connection.driver_connection
        if self.dialect.name == "sqlite":
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000"):
                self.driver.execute(f"PRAGMA {pragma}")
        now = datetime.fromisoformat(BASE_TIME)
        self.tables = db.metadata.tables
        self.extra: dict[str, tuple[tuple[str, ...], tuple]] = {}
        for name, given in COLUMNS.items():
            table = self.tables[name]
            names, values = [], []
            for column in table.columns:
                if column.name in given:
                    continue
                if column.name in TIMESTAMPS.get(name, ()):
                    value = now
                elif column.default is not None and column.default.is_scalar:
                    value = column.default.arg
                elif column.nullable:
                    value = None
                else:
                    raise RuntimeError(f"bench: no value for {name}.{column.name}")
                processor = column.type.bind_processor(self.dialect)
                names.append(column.name)
                values.append(processor(value) if processor else value)
            self.extra[name] = (tuple(names), tuple(values))
        self.processors = {
            name: [
                self.tables[name].columns[column].type.bind_processor(self.dialect)
                for column in given
            ]
            for name, given in COLUMNS.items()
        }

    def append(self, name: str, rows: list[tuple]) -> None:
        """Insert rows (tuples in COLUMNS[name] order)."""
        if not rows:
            return
        extra_names, extra_values = self.extra[name]
        columns = COLUMNS[name] + extra_names
        processors = self.processors[name]
        if any(processors):
            rows = [
                tuple(p(v) if p else v for p, v in zip(processors, row, strict=True))
                for row in rows
            ]
        if self.dialect.name == "postgresql":
            with self.driver.cursor() as cursor:
                statement = f"COPY {name} ({', '.join(columns)}) FROM STDIN"
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row + extra_values)
        else:
            marks = ", ".join("?" * len(columns))
            self.driver.executemany(
                f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})",
                (row + extra_values for row in rows),
            )

    def finish(self) -> None:
        """Commit, refresh statistics (and sequences on PostgreSQL) and close."""
        self.driver.commit()
        cursor = self.driver.cursor()
        if self.dialect.name == "postgresql":
            for name in ("cases", "reports", "attachments", "photo_hashes"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            self.driver.commit()
            self.driver.autocommit = True
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
            self.driver.commit()
        cursor.close()
        self.connection.close()


def make_app(database_url: str, upload_dir: str):
    """An app on the scratch database (no Redis is used)."""
    from tingia import create_app

    return create_app(
        {
            "ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_DIR": upload_dir,
            "RATELIMIT_ENABLED": False,
            "REDIS_URL": "redis://127.0.0.1:1/0",
        }
    )


def stored_reports(options: dict) -> int:
    """Reports the scratch database holds already (0 without a schema): what --reuse keeps."""
    from sqlalchemy import func, inspect, select

    from tingia.extensions import db
    from tingia.models import Report

    app = make_app(options["database_url"], options["upload_dir"])
    with app.app_context():
        count = 0
        if inspect(db.engine).has_table("reports"):
            add_missing_columns(db.engine)
            count = db.session.scalar(select(func.count()).select_from(Report))
        db.engine.dispose()
    return count


def add_missing_columns(engine) -> list[str]:
    """Add to a reused corpus the nullable columns the models gained since it was built (NULL in
    every row, as for reports grouped before them); the columns added, as table.column."""
    from sqlalchemy import inspect, text
    from sqlalchemy.schema import CreateColumn

    from tingia.extensions import db

    inspector = inspect(engine)
    added = []
    with engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if not inspector.has_table(table.name):
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name in present or not column.nullable or column.server_default:
                    continue
                ddl = CreateColumn(column).compile(dialect=engine.dialect)
                connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
                added.append(f"{table.name}.{column.name}")
    if added:
        log(f"  columns added to the reused corpus: {', '.join(added)}")
    return added


def copy_corpus(options: dict, source: str) -> None:
    """Copy every table of a corpus this script built in a SQLite file into the scratch
    database (COPY on PostgreSQL): the same reports, without generating them again."""
    import sqlite3

    from tingia.extensions import db

    app = make_app(options["database_url"], options["upload_dir"])
    with app.app_context():
        db.drop_all()
        db.create_all()
        loader = BulkLoader(db.engine)
        origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        for table in db.metadata.sorted_tables:
            # Columns added since the corpus was built keep their defaults.
            present = {row[1] for row in origin.execute(f"PRAGMA table_info({table.name})")}
            # SQLite's 0/1 booleans, ISO timestamps and bytes are valid COPY input as they are.
            names = ", ".join(column.name for column in table.columns if column.name in present)
            rows = origin.execute(f"SELECT {names} FROM {table.name}")
            statement = f"COPY {table.name} ({names}) FROM STDIN"
            with loader.driver.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            log(f"  copied {table.name}")
        origin.close()
        loader.finish()
        db.engine.dispose()


def build(options: dict, start: int, size: int, out: Path) -> None:
    """Grow the scratch corpus from `start` to `size` reports (schema made at 0); save stats."""
    from sqlalchemy import func, select

    from tingia.centres.service import seed_provinces_and_centres
    from tingia.extensions import db
    from tingia.models import Centre, Report

    # Generating the rows (text normalisation, index keys) runs on every core.
    pool = multiprocessing.get_context("fork").Pool(options["jobs"])
    app = make_app(options["database_url"], options["upload_dir"])
    with app.app_context():
        if start == 0:
            db.drop_all()
            db.create_all()
            seed_provinces_and_centres()
            db.session.commit()
        centres = {
            code: centre_id
            for centre_id, code in db.session.execute(select(Centre.id, Centre.province_code))
            if code
        }
        db.session.commit()
        loader = BulkLoader(db.engine)
        vocab = options["vocabulary"]
        tasks = [
            (vocab, sorted(centres), centres, chunk, options["seed"], start)
            for chunk in range(start // CHUNK, (size - 1) // CHUNK + 1)
        ]
        began = time.perf_counter()
        with pool:
            for n, rows in enumerate(pool.imap(_chunk_rows, tasks), 1):
                for name in COLUMNS:
                    selected = rows[name]
                    if name in ("reports", "match_keys", "photo_hashes"):
                        position = 1 if name != "reports" else 0
                        selected = [row for row in selected if row[position] <= size]
                    elif name == "attachments":
                        selected = [row for row in selected if row[1] <= size]
                    elif name == "cases":
                        selected = [row for row in selected if row[0] <= size]
                    loader.append(name, selected)
                if n % 20 == 0:
                    done = min(size, (start // CHUNK + n) * CHUNK)
                    log(f"  built {done:,} reports ({time.perf_counter() - began:.0f} s)")
        loader.finish()
        seconds = time.perf_counter() - began

        def count(name: str) -> int:
            return db.session.scalar(select(func.count()).select_from(db.metadata.tables[name]))

        stats = {
            "reports": count("reports"),
            "keys": count("match_keys"),
            "photos": count("photo_hashes"),
            "bytes": table_bytes(db.session, ("match_keys", "photo_hashes")),
            "gram_bytes": db.session.scalar(
                select(
                    func.avg(
                        func.coalesce(func.length(Report.text_grams), 0)
                        + func.coalesce(func.length(Report.ocr_grams), 0)
                    )
                )
            ),
            "seconds": seconds,
        }
        db.engine.dispose()
    out.write_bytes(pickle.dumps(stats))


def table_bytes(session, names: Iterable[str]) -> dict[str, int]:
    """On-disk bytes of tables with their indexes (SQLite dbstat, PostgreSQL relation sizes)."""
    from sqlalchemy import text

    sizes = {}
    for name in names:
        if session.get_bind().dialect.name == "postgresql":
            sizes[name] = session.scalar(text(f"SELECT pg_total_relation_size('{name}')"))
        else:
            sizes[name] = session.scalar(
                text(
                    "SELECT sum(pgsize) FROM dbstat WHERE name = :t OR name IN "
                    "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t)"
                ),
                {"t": name},
            )
    return sizes


# --- queries ---------------------------------------------------------------------------------


@dataclass
class Query:
    """A new report to match: raw fields as a citizen sends them, and the case it belongs to."""

    kind: str
    content: str
    url: str | None
    images: list[StoredImage]
    expected_case: int | None


def make_queries(count: int, size: int, options: dict) -> list[Query]:
    """Near-duplicates of random stored reports (70%) and new unrelated stories (30%)."""
    from sqlalchemy import select

    from tingia.extensions import db
    from tingia.models import Attachment, Report

    rng = random.Random(f"{options['seed']}-queries-{size}")
    sources = rng.sample(range(1, size + 1), int(count * 0.7))
    stored = {
        row.id: row
        for row in db.session.execute(
            select(Report.id, Report.case_id, Report.content, Report.url).where(
                Report.id.in_(sources)
            )
        )
    }
    photos: dict[int, Attachment] = {}
    for attachment in db.session.scalars(
        select(Attachment).where(
            Attachment.report_id.in_(sources), Attachment.text_heavy.is_(False)
        )
    ):
        photos[attachment.report_id] = attachment
    queries = []
    for source in sources:
        row = stored[source]
        kinds = ["typos", "wrapped", "see_more", "screenshot"] if row.content else []
        kinds += ["link"] if row.url else []
        kinds += ["photo"] if source in photos else []
        kind = rng.choice(kinds or ["typos"])
        content, url, images = "", None, []
        if kind == "typos":
            content = add_typos(row.content, rng)
        elif kind == "wrapped":
            content = wrap_with_comments(row.content, rng)
        elif kind == "see_more":
            content = see_more(row.content, rng)
        elif kind == "screenshot":
            layout = _flip_bits(SCREENSHOT_LAYOUT, rng.randint(0, 8), rng)
            images = [
                StoredImage(_sha(rng), to_signed(layout), to_signed(layout), True, row.content)
            ]
        elif kind == "link":
            content = rng.choice(("", "tin giả?", "Link này có thật không?"))
            url = rng.choice((url_with_tracking, lambda u, _: url_mobile(u)))(row.url, rng)
        else:
            stored_photo = photos[source]
            photo = Photo(
                stored_photo.phash,
                stored_photo.dhash,
                unpack_hashes(stored_photo.region_hashes),
                0,
            )
            copy = photo_copy(photo, rng, 6)
            copy.features = _noisier(stored_photo.features, rng)
            images = [copy]
        queries.append(Query(kind, content, url, images, row.case_id))
    vocab = options["vocabulary"]
    while len(queries) < count:
        text = story_text(vocab, rng)
        images = []
        if rng.random() < 0.3:
            layout = _flip_bits(SCREENSHOT_LAYOUT, rng.randint(0, 8), rng)
            images = [StoredImage(_sha(rng), to_signed(layout), to_signed(layout), True, text)]
            text = ""
        elif rng.random() < 0.3:
            images = [photo_copy(new_photo(rng), rng, 0)]
        queries.append(Query("unrelated", text, None, images, None))
    rng.shuffle(queries)
    # Every query photo looks up its crop grid too (images.lookup_hashes: 80 more hashes), drawn
    # from a generator of their own so the queries themselves stay those of earlier runs.
    grid_rng = random.Random(f"{options['seed']}-grid-{size}")
    for query in queries:
        for image in query.images:
            if not image.text_heavy:
                image.lookups = tuple(to_signed(_random_hash(grid_rng)) for _ in range(80))
    db.session.rollback()
    return queries


def _noisier(blob: bytes, rng: random.Random) -> bytes:
    """A stored photo's features with 8 more bits of each descriptor flipped."""
    import numpy as np

    data = bytearray(blob)
    start = 6 + 4 * 256
    noise = np.random.default_rng(rng.getrandbits(32))
    for row in range(256):
        for bit in noise.integers(0, 256, 8):
            data[start + 32 * row + bit // 8] ^= 1 << (bit % 8)
    return bytes(data)


def query_signals(query: Query):
    """The query's signals, as the worker builds them from a report."""
    from tingia.matching.scoring import build_signals

    return build_signals(query.content, query.url, [_fingerprint(i) for i in query.images])


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), interpolated."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


def _rss_bytes() -> int:
    """Resident set size of this process now."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def load_photo_cache() -> tuple[int, int]:
    """Load the worker's photo-hash cache as a worker does at its first photo (once per
    process, before the timed queries); (bytes tracemalloc saw it keep, RSS growth). The
    compiled photo loops are loaded first, as a worker does at start: numba's own memory is
    per process, not per stored report."""
    import tracemalloc

    from tingia.matching import index
    from tingia.matching.service import warm_up_photo_matching

    warm_up_photo_matching()
    rss = _rss_bytes()
    tracemalloc.start()
    index.candidates_by_photo([0])
    kept = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return kept, _rss_bytes() - rss


def run_ours(options: dict, size: int, out: Path) -> None:
    """Time best_case_match on the queries; save timings, outcomes, queries and peak RSS."""
    from tingia.extensions import db
    from tingia.jobs.worker import freeze_startup_heap
    from tingia.matching.scoring import decide
    from tingia.matching.service import best_case_match, thresholds

    app = make_app(options["database_url"], options["upload_dir"])
    with app.app_context():
        cache_memory = load_photo_cache()
        warmup = make_queries(options["warmup"], size, {**options, "seed": options["seed"] + 7})
        queries = make_queries(options["queries"], size, options)
        auto, suggest = thresholds()
        # Each query's transaction ends as a worker's does, with a commit (nothing is written):
        # psycopg forgets its prepared statements on every rollback, so ending with one would
        # plan every PostgreSQL lookup afresh, which a worker does only for its first few.
        for query in warmup:
            best_case_match(query_signals(query))
            db.session.commit()
        freeze_startup_heap()  # as a worker does once started
        timings, cpu_timings, outcomes = [], [], []
        profiler = cProfile.Profile() if options.get("profile") else None
        load_before = os.getloadavg()[0]
        for query in queries:
            if profiler:
                profiler.enable()
            began, began_cpu = time.perf_counter(), time.process_time()
            match = best_case_match(query_signals(query))
            cpu_timings.append((time.process_time() - began_cpu) * 1000)
            timings.append((time.perf_counter() - began) * 1000)
            if profiler:
                profiler.disable()
            decision = decide(match.score.score, auto, suggest) if match else "new"
            outcomes.append((query.kind, decision, match.case_id if match else None))
            db.session.commit()
        if profiler:
            stats = io.StringIO()
            pstats.Stats(profiler, stream=stats).sort_stats("cumulative").print_stats(40)
            log(stats.getvalue())
        load = (load_before, os.getloadavg()[0])
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        db.engine.dispose()
    out.write_bytes(
        pickle.dumps(
            {
                "timings": timings,
                "cpu_timings": cpu_timings,
                "outcomes": outcomes,
                "rss_mb": rss_mb,
                "load": load,
                "cache_memory": cache_memory,
            }
        )
    )
    (out.parent / "queries.pickle").write_bytes(pickle.dumps(queries))


def run_naive(options: dict, queries_file: Path, out: Path) -> None:
    """Time the naive approach on a sample of the queries."""
    from rapidfuzz import fuzz, process
    from sqlalchemy import select

    from tingia.extensions import db
    from tingia.models import PhotoHash, Report

    queries: list[Query] = pickle.loads(queries_file.read_bytes())[: options["naive_queries"]]
    app = make_app(options["database_url"], options["upload_dir"])
    with app.app_context():
        texts = list(db.session.scalars(select(Report.normalised_text)))
        # One hash per photo (its whole-photo pHash: every 13th row), as a naive matcher has.
        hashes = list(db.session.scalars(select(PhotoHash.phash).where(PhotoHash.id % 13 == 0)))
        db.engine.dispose()
    timings = []
    for query in queries:
        signals = query_signals(query)
        began = time.perf_counter()
        text = signals.text or signals.ocr_text
        if text:
            process.extractOne(text, texts, scorer=fuzz.token_set_ratio, processor=None)
        for image in signals.images:
            if not image.text_heavy:
                mine = image.phash & _MASK64
                [h for h in hashes if ((h ^ mine) & _MASK64).bit_count() <= 16]
        timings.append((time.perf_counter() - began) * 1000)
    out.write_bytes(pickle.dumps(timings))


def _count_into(options: dict, out: Path) -> None:
    out.write_bytes(pickle.dumps(stored_reports(options)))


def _in_child(target, *args) -> None:
    """Run target(*args) in a forked process of its own (its memory is its own)."""
    child = multiprocessing.get_context("fork").Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise SystemExit(f"bench: {target.__name__} failed (exit {child.exitcode})")


def measure(options: dict, size: int, workdir: Path) -> str:
    """The result line for the corpus as it is now (size reports)."""
    ours_file, naive_file = workdir / f"ours-{size}.pickle", workdir / f"naive-{size}.pickle"
    _in_child(run_ours, options, size, ours_file)
    ours = pickle.loads(ours_file.read_bytes())
    _in_child(run_naive, options, workdir / "queries.pickle", naive_file)
    naive = pickle.loads(naive_file.read_bytes())
    found = sum(
        1 for kind, decision, _ in ours["outcomes"] if kind != "unrelated" and decision == "attach"
    )
    near = sum(1 for kind, _, _ in ours["outcomes"] if kind != "unrelated")
    right = sum(
        1
        for (kind, decision, case_id), query in zip(
            ours["outcomes"], pickle.loads((workdir / "queries.pickle").read_bytes()), strict=True
        )
        if kind != "unrelated" and decision == "attach" and case_id == query.expected_case
    )
    wrong = sum(
        1 for kind, decision, _ in ours["outcomes"] if kind == "unrelated" and decision == "attach"
    )
    log(
        f"  n={size:,}: near-duplicates attached {found}/{near} ({right} to their own case), "
        f"unrelated attached {wrong}/{len(ours['outcomes']) - near}"
    )
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for (kind, _, _), ms, cpu_ms in zip(
        ours["outcomes"], ours["timings"], ours["cpu_timings"], strict=True
    ):
        by_kind.setdefault(kind, []).append((ms, cpu_ms))
    log(
        "  p95 ms by query kind (wall / CPU): "
        + ", ".join(
            f"{kind} {percentile([v[0] for v in values], 95):.1f} / "
            f"{percentile([v[1] for v in values], 95):.1f} (n={len(values)})"
            for kind, values in sorted(by_kind.items())
        )
    )
    log(f"  CPU p50 {percentile(ours['cpu_timings'], 50):.1f} ms")
    kept, rss = ours["cache_memory"]
    log(
        f"  worker photo-hash cache: {kept / 2**20:.1f} MB kept (tracemalloc), RSS "
        f"+{rss / 2**20:.1f} MB: {kept / size:.0f} / {rss / size:.0f} B per stored report"
    )
    p50, p95 = percentile(ours["timings"], 50), percentile(ours["timings"], 95)
    cpu_p95 = percentile(ours["cpu_timings"], 95)
    naive_p95 = percentile(naive, 95)
    return (
        f"n={size} p50_ms={p50:.1f} p95_ms={p95:.1f} cpu_p95_ms={cpu_p95:.1f} "
        f"naive_p95_ms={naive_p95:.1f} speedup={naive_p95 / p95:.1f} rss_mb={ours['rss_mb']:.0f} "
        f"load={ours['load'][0]:.1f}-{ours['load'][1]:.1f}"
    )


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated corpus sizes")
    parser.add_argument("--database-url", default=None, help="scratch database (tables dropped)")
    parser.add_argument("--articles", default=DEFAULT_ARTICLES)
    parser.add_argument("--queries", default=300, type=int)
    parser.add_argument("--naive-queries", default=20, type=int)
    parser.add_argument("--warmup", default=30, type=int)
    parser.add_argument("--seed", default=1, type=int)
    parser.add_argument("--jobs", default=os.cpu_count() or 1, type=int)
    parser.add_argument("--profile", action="store_true", help="cProfile the queries (stderr)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the reports --database-url holds (built by an earlier run with the same seed "
        "and matching code) and only grow them to the sizes asked",
    )
    parser.add_argument(
        "--copy-from",
        default=None,
        metavar="SQLITE_FILE",
        help="start from the corpus an earlier run built in this SQLite file (same seed and "
        "code), copied into --database-url, instead of generating it again",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(size.replace("_", "")) for size in args.sizes.split(",")})

    with tempfile.TemporaryDirectory(prefix="tingia-bench-") as tmp:
        workdir = Path(tmp)
        options = {
            "database_url": args.database_url or f"sqlite:///{workdir / 'bench.db'}",
            "upload_dir": str(workdir / "uploads"),
            "vocabulary": vocabulary(load_articles(args.articles)),
            "queries": args.queries,
            "naive_queries": args.naive_queries,
            "warmup": args.warmup,
            "seed": args.seed,
            "jobs": args.jobs,
            "profile": args.profile,
        }
        built = 0
        if args.copy_from:
            log(f"copying the corpus of {args.copy_from}")
            _in_child(copy_corpus, options, args.copy_from)
        for size in sizes:
            if args.reuse or args.copy_from:
                # A corpus from an earlier run (same seed and code): grown, never rebuilt.
                _in_child(_count_into, options, workdir / "count.pickle")
                built = pickle.loads((workdir / "count.pickle").read_bytes())
                if built > size:
                    raise SystemExit(f"bench: --reuse: the database holds {built:,} > {size:,}")
            if args.reuse and not args.copy_from and built == size:
                # Nothing to add: measured as it is (its statistics were refreshed when built).
                log(f"reusing n={size:,} as built")
                print(measure(options, size, workdir), flush=True)
                continue
            log(f"building n={size:,} (from {built:,})")
            _in_child(build, options, built, size, workdir / "build.pickle")
            stats = pickle.loads((workdir / "build.pickle").read_bytes())
            built = size
            per_report = {name: b / stats["reports"] for name, b in stats["bytes"].items()}
            log(
                f"  built in {stats['seconds']:.0f} s: {stats['keys']:,} match_keys rows "
                f"({stats['keys'] / stats['reports']:.1f} per report), {stats['photos']:,} photos; "
                f"index bytes per report: match_keys {per_report['match_keys']:.0f}, "
                f"photo_hashes {per_report['photo_hashes']:.0f}, reports' 3-gram hashes "
                f"{stats['gram_bytes'] or 0:.0f}; worker cache "
                f"{16 * stats['photos'] / stats['reports']:.1f} B per report"
            )
            print(measure(options, size, workdir), flush=True)


if __name__ == "__main__":
    main()
