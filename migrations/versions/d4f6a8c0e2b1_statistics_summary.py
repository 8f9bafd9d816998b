"""Public statistics' summary: snapshots of the counts per month, centre and breakdown; reports
by province and case (public search's province filter)

Revision ID: d4f6a8c0e2b1
Revises: c3e9a51f7d24
Create Date: 2026-12-02 12:00:00

Nothing to backfill: the first visit of /statistics (or the worker's periodic job) builds the
first snapshot from the reports, cases, publications and removal requests.
"""

import sqlalchemy as sa
from alembic import op

revision = "d4f6a8c0e2b1"
down_revision = "c3e9a51f7d24"
branch_labels = None
depends_on = None


def _enum(name: str, length: int, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=length)


def upgrade():
    op.create_table(
        "statistics_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_snapshots")),
    )
    with op.batch_alter_table("statistics_snapshots") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statistics_snapshots_computed_at"), ["computed_at"], unique=False
        )
    op.create_table(
        "statistics_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column(
            "measure",
            _enum("statistics_measure", 20, "reports", "cases", "publications", "takedowns"),
            nullable=False,
        ),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=True),
        sa.Column(
            "category",
            _enum("statistics_category", 20, "verifiable", "harmful", "out_of_scope", "fraud"),
            nullable=True,
        ),
        sa.Column("kind", _enum("statistics_kind", 10, "verdict", "warning"), nullable=True),
        sa.Column(
            "rating",
            _enum(
                "statistics_rating", 20, "fake", "untrue", "misleading", "authentic", "inconclusive"
            ),
            nullable=True,
        ),
        sa.Column(
            "takedown_status",
            _enum(
                "statistics_takedown_status",
                20,
                "requested",
                "removed",
                "refused",
                "no_response",
                "restored",
            ),
            nullable=True,
        ),
        sa.Column("removed_on_time", sa.Boolean(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_statistics_counts_centre_id_centres")
        ),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["statistics_snapshots.id"],
            name=op.f("fk_statistics_counts_snapshot_id_statistics_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statistics_counts")),
    )
    with op.batch_alter_table("statistics_counts") as batch_op:
        batch_op.create_index(
            "ix_statistics_counts_snapshot", ["snapshot_id", "measure", "month"], unique=False
        )

    op.create_index("ix_reports_province_case", "reports", ["province_code", "case_id"])


def downgrade():
    op.drop_index("ix_reports_province_case", table_name="reports")
    op.drop_table("statistics_counts")
    op.drop_table("statistics_snapshots")
