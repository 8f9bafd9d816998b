"""Verdicts and warnings: subject area, source titles, folded search text; claims never the title

Revision ID: 8a4c2e6f1b37
Revises: c8d2e4f6a1b3
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

from tingia.text import fold_words

revision = "8a4c2e6f1b37"
down_revision = "c8d2e4f6a1b3"
branch_labels = None
depends_on = None

SUBJECT_AREAS = (
    "policy_law",
    "economy_finance",
    "health",
    "disasters_epidemics",
    "security_order",
    "fake_accounts",
    "phishing_links",
    "other",
)
CLAIM_CHARACTERS = 500

verdicts = sa.table(
    "verdicts",
    sa.column("id", sa.Integer),
    sa.column("case_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("title", sa.String),
    sa.column("claim", sa.Text),
    sa.column("summary", sa.Text),
    sa.column("explanation", sa.Text),
    sa.column("advice", sa.Text),
    sa.column("search_text", sa.Text),
)
reports = sa.table(
    "reports", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer), sa.column("content")
)
attachments = sa.table(
    "attachments",
    sa.column("id", sa.Integer),
    sa.column("report_id", sa.Integer),
    sa.column("ocr_text", sa.Text),
)


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= CLAIM_CHARACTERS:
        return text
    return text[:CLAIM_CHARACTERS].rsplit(" ", 1)[0] + " …"


def _reported_text(connection, case_id: int) -> str:
    """What the case's first reports said: their text, else the text read from a screenshot."""
    content = connection.execute(
        sa.select(reports.c.content)
        .where(reports.c.case_id == case_id, reports.c.content != "")
        .order_by(reports.c.id)
        .limit(1)
    ).scalar()
    if content:
        return content
    ocr = connection.execute(
        sa.select(attachments.c.ocr_text)
        .join(reports, reports.c.id == attachments.c.report_id)
        .where(reports.c.case_id == case_id, attachments.c.ocr_text != "")
        .order_by(attachments.c.id)
        .limit(1)
    ).scalar()
    return ocr or ""


def upgrade():
    with op.batch_alter_table("verdicts") as batch_op:
        batch_op.add_column(
            sa.Column(
                "subject_area",
                sa.Enum(
                    *SUBJECT_AREAS,
                    name="verdict_subject_area",
                    native_enum=False,
                    create_constraint=True,
                    length=30,
                ),
                nullable=False,
                server_default="other",
            )
        )
        batch_op.add_column(sa.Column("source_titles", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))

    connection = op.get_bind()
    for row in connection.execute(sa.select(verdicts)).mappings().all():
        claim = row["claim"] or ""
        # Drafted without a claim, a verdict used to take its title as the claim checked: the
        # claim is what the reports said instead (the title stays only if they said nothing).
        if row["kind"] == "verdict" and (not claim.strip() or claim == row["title"]):
            claim = _shortened(_reported_text(connection, row["case_id"])) or claim
        words = " ".join((row["title"], claim, row["summary"], row["explanation"], row["advice"]))
        connection.execute(
            verdicts.update()
            .where(verdicts.c.id == row["id"])
            .values(claim=claim, search_text=fold_words(words))
        )
    op.execute("UPDATE verdicts SET source_titles = '{}' WHERE source_titles IS NULL")
    with op.batch_alter_table("verdicts") as batch_op:
        batch_op.alter_column("source_titles", existing_type=sa.JSON(), nullable=False)


def downgrade():
    with op.batch_alter_table("verdicts") as batch_op:
        batch_op.drop_column("search_text")
        batch_op.drop_column("source_titles")
        batch_op.drop_column("subject_area")
