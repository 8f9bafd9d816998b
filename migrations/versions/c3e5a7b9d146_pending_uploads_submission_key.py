"""Pending uploads of report forms sent back with errors; reports' one-time submission key

Revision ID: c3e5a7b9d146
Revises: b7d1e3f5a924
Create Date: 2026-12-02 11:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c3e5a7b9d146"
down_revision = "b7d1e3f5a924"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_uploads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_uploads")),
        sa.UniqueConstraint("token", name=op.f("uq_pending_uploads_token")),
    )
    with op.batch_alter_table("pending_uploads") as batch_op:
        batch_op.create_index("ix_pending_uploads_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(sa.Column("submission_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_reports_submission_key"), ["submission_key"]
        )


def downgrade():
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_reports_submission_key"), type_="unique")
        batch_op.drop_column("submission_key")
    op.drop_table("pending_uploads")
