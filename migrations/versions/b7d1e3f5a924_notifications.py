"""Notifications: the outbox of emails owed to reporters about published answers

Revision ID: b7d1e3f5a924
Revises: 8a4c2e6f1b37
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b7d1e3f5a924"
down_revision = "8a4c2e6f1b37"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "published",
                "corrected",
                "withdrawn",
                name="notification_kind",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sent",
                "skipped",
                "failed",
                name="notification_status",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name=op.f("fk_notifications_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["verdict_id"], ["verdicts.id"], name=op.f("fk_notifications_verdict_id_verdicts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_report_id"), ["report_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_notifications_verdict_id"), ["verdict_id"], unique=False
        )
        batch_op.create_index("ix_notifications_unsent", ["status", "created_at"], unique=False)


def downgrade():
    op.drop_table("notifications")
