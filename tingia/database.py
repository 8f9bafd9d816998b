"""The declarative base and column types shared by every model."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Row ids are 32-bit (PostgreSQL `integer`): a larger number names no row.
MAX_ID = 2**31 - 1


def parse_id(text: str | None) -> int | None:
    """The row id a string names (ASCII digits, 1 to MAX_ID), or None."""
    if not text or not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def utcnow() -> datetime:
    """Current time in UTC, timezone-aware (column default)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use tingia.database.utcnow()")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base: constraint naming convention (stable migrations), UTC datetimes."""

    registry = registry(
        metadata=MetaData(
            naming_convention={
                "ix": "ix_%(column_0_label)s",
                "uq": "uq_%(table_name)s_%(column_0_name)s",
                "ck": "ck_%(table_name)s_%(constraint_name)s",
                "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
                "pk": "pk_%(table_name)s",
            }
        ),
        type_annotation_map={datetime: UTCDateTime()},
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys like PostgreSQL; WAL and a busy timeout for many processes."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


# The staff search index is made by hand in the migrations (FTS5 and its shadow tables on SQLite,
# an expression index on PostgreSQL): no model declares it, so schema comparisons leave it out.
SEARCH_INDEX_NAMES = ("reports_search", "ix_reports_search_text")


def outside_the_models(name: str | None) -> bool:
    """True for a database object the models do not declare (the search index's)."""
    return bool(name) and name.startswith(SEARCH_INDEX_NAMES)


_LAST_USED = "tingia.last_used"


def ping_idle_connections(engine: Engine, after_idle_seconds: float) -> None:
    """Ping a pooled connection before handing it out only if it sat idle longer than this.

    SQLAlchemy's pool_pre_ping pings on every checkout, that is once per transaction: under
    load, one round trip more per request and per report. A connection used a moment ago is
    very likely alive; one idle longer (the server may have restarted meanwhile) is pinged, and
    a dead one replaced (the pool retries on DisconnectionError). A connection that died within
    the last moment fails its statement instead, and SQLAlchemy then invalidates the whole pool.
    """

    def note_use(dbapi_connection, connection_record, *args) -> None:
        connection_record.info[_LAST_USED] = time.monotonic()

    def ping_if_idle(dbapi_connection, connection_record, connection_proxy) -> None:
        last_used = connection_record.info.get(_LAST_USED)
        if last_used is not None and time.monotonic() - last_used < after_idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # noqa: BLE001  (any failure: a connection not to use)
            raise DisconnectionError("pooled connection is gone") from error
        connection_record.info[_LAST_USED] = time.monotonic()

    event.listen(engine, "connect", note_use)
    event.listen(engine, "checkin", note_use)
    event.listen(engine, "checkout", ping_if_idle)
