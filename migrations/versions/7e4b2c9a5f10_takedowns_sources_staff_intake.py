"""Takedown requests, offending sources and their lists, reports entered by staff

Revision ID: 7e4b2c9a5f10
Revises: 5d2f8b4c1e63
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7e4b2c9a5f10"
down_revision = "5d2f8b4c1e63"
branch_labels = None
depends_on = None

SOURCE_PLATFORMS = ["facebook", "tiktok", "youtube", "zalo", "website"]
OLD_REPORT_SOURCES = ["web", "api", "demo"]
NEW_REPORT_SOURCES = [*OLD_REPORT_SOURCES, "phone", "email", "hotline"]


def _check(table: str, name: str, column: str, values: list[str]) -> sa.CheckConstraint:
    allowed = ", ".join(repr(value) for value in values)
    return sa.CheckConstraint(f"{column} IN ({allowed})", name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("handle", sa.String(length=300), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("list_kind", sa.String(length=10), nullable=True),
        sa.Column("listed_by_id", sa.Integer(), nullable=True),
        _when("listed_at"),
        sa.Column("list_reason", sa.Text(), nullable=True),
        _when("created_at", nullable=False),
        _check("sources", "source_platform", "platform", SOURCE_PLATFORMS),
        _check(
            "sources",
            "source_kind",
            "kind",
            ["page", "profile", "group", "account", "channel", "domain"],
        ),
        _check("sources", "source_list", "list_kind", ["white", "black"]),
        _fk("sources", "listed_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("platform", "handle", name=op.f("uq_sources_platform")),
    )
    op.create_table(
        "source_urls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        _when("created_at", nullable=False),
        _fk("source_urls", "source_id", "sources"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_urls")),
        sa.UniqueConstraint("url", name=op.f("uq_source_urls_url")),
    )
    with op.batch_alter_table("source_urls") as batch_op:
        batch_op.create_index(batch_op.f("ix_source_urls_source_id"), ["source_id"], unique=False)
    op.create_table(
        "source_list_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("list_kind", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        _when("decided_at"),
        _when("created_at", nullable=False),
        _check("source_list_proposals", "proposal_list", "list_kind", ["white", "black"]),
        _check(
            "source_list_proposals",
            "proposal_status",
            "status",
            ["pending", "accepted", "rejected"],
        ),
        _fk("source_list_proposals", "source_id", "sources"),
        _fk("source_list_proposals", "centre_id", "centres"),
        _fk("source_list_proposals", "proposed_by_id", "users"),
        _fk("source_list_proposals", "decided_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_list_proposals")),
    )
    with op.batch_alter_table("source_list_proposals") as batch_op:
        for column in ("centre_id", "source_id"):
            batch_op.create_index(
                batch_op.f(f"ix_source_list_proposals_{column}"), [column], unique=False
            )
    op.create_table(
        "takedown_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        _when("requested_at", nullable=False),
        _when("due_at", nullable=False),
        _when("resolved_at"),
        _when("removed_at"),
        _when("restored_at"),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        _check("takedown_requests", "takedown_platform", "platform", SOURCE_PLATFORMS),
        _check(
            "takedown_requests",
            "takedown_channel",
            "channel",
            ["email", "phone", "portal", "letter"],
        ),
        _check(
            "takedown_requests",
            "takedown_status",
            "status",
            ["requested", "removed", "refused", "no_response", "restored"],
        ),
        _fk("takedown_requests", "case_id", "cases"),
        _fk("takedown_requests", "centre_id", "centres"),
        _fk("takedown_requests", "source_id", "sources"),
        _fk("takedown_requests", "requested_by_id", "users"),
        _fk("takedown_requests", "updated_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takedown_requests")),
    )
    with op.batch_alter_table("takedown_requests") as batch_op:
        for column in ("case_id", "centre_id", "source_id"):
            batch_op.create_index(
                batch_op.f(f"ix_takedown_requests_{column}"), [column], unique=False
            )
        batch_op.create_index("ix_takedown_requests_open", ["status", "due_at"], unique=False)

    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_entered_by_id_users"), "users", ["entered_by_id"], ["id"]
        )
        # Staff enter reports taken by phone, email or on the hotline.
        batch_op.drop_constraint(op.f("ck_reports_report_source"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_reports_report_source"),
            f"source IN ({', '.join(repr(value) for value in NEW_REPORT_SOURCES)})",
        )


def downgrade():
    op.execute("DELETE FROM reports WHERE source IN ('phone', 'email', 'hotline')")
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_constraint(op.f("ck_reports_report_source"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_reports_report_source"),
            f"source IN ({', '.join(repr(value) for value in OLD_REPORT_SOURCES)})",
        )
        batch_op.drop_constraint(batch_op.f("fk_reports_entered_by_id_users"), type_="foreignkey")
        batch_op.drop_column("entered_by_id")
    with op.batch_alter_table("takedown_requests") as batch_op:
        batch_op.drop_index("ix_takedown_requests_open")
        for column in ("source_id", "centre_id", "case_id"):
            batch_op.drop_index(batch_op.f(f"ix_takedown_requests_{column}"))
    op.drop_table("takedown_requests")
    with op.batch_alter_table("source_list_proposals") as batch_op:
        for column in ("source_id", "centre_id"):
            batch_op.drop_index(batch_op.f(f"ix_source_list_proposals_{column}"))
    op.drop_table("source_list_proposals")
    with op.batch_alter_table("source_urls") as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_urls_source_id"))
    op.drop_table("source_urls")
    op.drop_table("sources")
