"""report_jobs: failed processing per report: attempts, the last error, giving up

Revision ID: 7d2f4b8c1e05
Revises: b7c41d2e9a10
Create Date: 2026-12-02 22:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7d2f4b8c1e05"
down_revision = "b7c41d2e9a10"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_jobs",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("gave_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_report_jobs_report_id_reports")
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_jobs")),
    )
    with op.batch_alter_table("report_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_jobs_gave_up_at"), ["gave_up_at"], unique=False)


def downgrade():
    with op.batch_alter_table("report_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_jobs_gave_up_at"))
    op.drop_table("report_jobs")
