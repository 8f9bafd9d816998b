"""Provinces and centres: loading the official list."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import select

from tingia.extensions import db
from tingia.models import Centre, Province
from tingia.text import fold_diacritics

PROVINCES_CSV = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"
NATIONAL_CENTRE_NAME = "Trung tâm Xử lý tin giả quốc gia"


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
    rows = db.session.execute(select(Province.code, Province.name)).all()
    return sorted(
        ((code, name) for code, name in rows),
        key=lambda row: fold_diacritics(row[1].removeprefix("Thành phố ")).casefold(),
    )
