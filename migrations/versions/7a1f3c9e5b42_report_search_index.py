"""Staff search index: reports.search_text (folded text, link and screenshot text), indexed with
FTS5 on SQLite and a GIN full-text index on PostgreSQL

Revision ID: 7a1f3c9e5b42
Revises: c3e5a7b9d146
Create Date: 2026-12-02 09:00:00

The app writes `search_text` on every flush (tingia/models/report.py); the database keeps the
index: on PostgreSQL an expression index, on SQLite an external-content FTS5 table kept in step by
triggers. A later migration that rebuilds `reports` on SQLite (batch mode "move and copy") drops
those triggers with the old table: it must create them again (`create_sqlite_search_index`); the
search tests fail if it does not.
"""

import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "7a1f3c9e5b42"
down_revision = "c3e5a7b9d146"
branch_labels = None
depends_on = None

SQLITE_INDEX = """
CREATE VIRTUAL TABLE reports_search USING fts5(
    search_text, content='reports', content_rowid='id', tokenize='unicode61'
)"""
SQLITE_TRIGGERS = (
    """CREATE TRIGGER reports_search_insert AFTER INSERT ON reports BEGIN
        INSERT INTO reports_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER reports_search_delete AFTER DELETE ON reports BEGIN
        INSERT INTO reports_search(reports_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER reports_search_update AFTER UPDATE OF search_text ON reports BEGIN
        INSERT INTO reports_search(reports_search, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO reports_search(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
)
POSTGRESQL_INDEX = (
    "CREATE INDEX ix_reports_search_text ON reports "
    "USING gin (to_tsvector('simple'::regconfig, search_text))"
)

# tingia.text.fold_words as it is at this revision (a migration must not import the app).
_NON_WORD_RE = re.compile(r"[\W_]+")


def _fold_words(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    folded = unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )
    return " ".join(_NON_WORD_RE.sub(" ", folded).split())


def create_sqlite_search_index() -> None:
    """The FTS5 table over reports.search_text and the triggers that keep it in step."""
    op.execute(SQLITE_INDEX)
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)
    op.execute("INSERT INTO reports_search(reports_search) VALUES ('rebuild')")


def _backfill() -> None:
    connection = op.get_bind()
    ocr: dict[int, list[str]] = {}
    for report_id, text in connection.execute(
        sa.text("SELECT report_id, ocr_text FROM attachments WHERE ocr_text IS NOT NULL")
    ):
        ocr.setdefault(report_id, []).append(text)
    rows = connection.execute(sa.text("SELECT id, content, url FROM reports")).all()
    updates = []
    for report_id, content, url in rows:
        parts = [content, url, *ocr.get(report_id, [])]
        document = " ".join(folded for part in parts if part and (folded := _fold_words(part)))
        if document:
            updates.append({"id": report_id, "text": document})
    if updates:
        connection.execute(
            sa.text("UPDATE reports SET search_text = :text WHERE id = :id"), updates
        )


def upgrade():
    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), server_default="", nullable=False))
    _backfill()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_INDEX)
    else:
        create_sqlite_search_index()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_reports_search_text")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER reports_search_{name}")
        op.execute("DROP TABLE reports_search")
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_column("search_text")
