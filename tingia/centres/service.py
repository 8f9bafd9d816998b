"""Provinces and centres: loading the official list."""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from tingia.extensions import db
from tingia.models import Centre, Province
from tingia.text import fold_diacritics

PROVINCES_CSV = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"
NATIONAL_CENTRE_NAME = "Trung tâm Xử lý tin giả quốc gia"
# Provinces and centres are seeded data (`flask seed`), read by every report accepted: each app
# keeps them this long instead of querying them per request.
DIRECTORY_TTL_SECONDS = 300


def read_provinces(path: Path = PROVINCES_CSV) -> list[tuple[str, str]]:
    """(code, name) rows of the provinces file."""
    with path.open(encoding="utf-8") as handle:
        return [(row["code"].strip(), row["name"].strip()) for row in csv.DictReader(handle)]


def seed_provinces_and_centres() -> tuple[int, int]:
    """Create missing provinces and centres (idempotent); returns how many of each were added."""
    added_provinces = added_centres = 0
    existing_centres = {c.province_code for c in db.session.scalars(select(Centre))}
    for code, name in read_provinces():
        province = db.session.get(Province, code)
        if province is None:
            db.session.add(Province(code=code, name=name))
            added_provinces += 1
        elif province.name != name:
            province.name = name
        if code not in existing_centres:
            db.session.add(Centre(province_code=code, name=f"Trung tâm Xử lý tin giả – {name}"))
            added_centres += 1
    if None not in existing_centres:
        db.session.add(Centre(province_code=None, name=NATIONAL_CENTRE_NAME))
        added_centres += 1
    db.session.flush()
    return added_provinces, added_centres


def centres_in_order() -> list[Centre]:
    """Every centre, the national one first, then by name."""
    return list(
        db.session.scalars(select(Centre).order_by(Centre.province_code.is_not(None), Centre.name))
    )


def provinces_by_name() -> list[tuple[str, str]]:
    """(code, name) of the provinces, alphabetical by their proper name, accents folded: people
    look for "Hà Nội", not "Thành phố Hà Nội"."""
    return list(_alphabetical(province_directory().provinces))


@lru_cache(maxsize=4)
def _alphabetical(provinces: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    # Sorted once per list read: folding the accents of 34 names per form cost more than the
    # rest of the form.
    return tuple(
        sorted(
            provinces, key=lambda row: fold_diacritics(row[1].removeprefix("Thành phố ")).casefold()
        )
    )


@dataclass(frozen=True)
class ProvinceDirectory:
    """The provinces (code, name) and the id of the centre each one's reports are routed to."""

    provinces: tuple[tuple[str, str], ...]
    centre_ids: dict[str, int]
    national_centre_id: int | None

    @property
    def codes(self) -> frozenset[str]:
        """The province codes."""
        return frozenset(code for code, _ in self.provinces)

    def centre_id_for(self, province_code: str | None) -> int | None:
        """The centre handling a province's reports (the national one when it has none)."""
        return self.centre_ids.get(province_code or "", self.national_centre_id)


def province_directory() -> ProvinceDirectory:
    """The provinces and their centres, read from the database at most every
    DIRECTORY_TTL_SECONDS per app (a cache rebuilt from the database; nothing is kept while
    the tables are still empty)."""
    cached = current_app.extensions.get("tingia_province_directory")
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    provinces = tuple(
        tuple(row) for row in db.session.execute(select(Province.code, Province.name))
    )
    centre_ids, national = {}, None
    for centre_id, province_code in db.session.execute(select(Centre.id, Centre.province_code)):
        if province_code is None:
            national = centre_id
        else:
            centre_ids[province_code] = centre_id
    directory = ProvinceDirectory(provinces, centre_ids, national)
    if provinces and national is not None:
        current_app.extensions["tingia_province_directory"] = (
            now + DIRECTORY_TTL_SECONDS,
            directory,
        )
    return directory
