"""Reports remember the centre they were routed to; links between cases of different centres

Revision ID: 5d2f8b4c1e63
Revises: 3c5e1a7d9b20
Create Date: 2026-12-01 23:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "5d2f8b4c1e63"
down_revision = "3c5e1a7d9b20"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(sa.Column("centre_id", sa.Integer(), nullable=True))
    # Existing reports were routed to their province's centre (the national one when none).
    op.execute(
        "UPDATE reports SET centre_id = COALESCE("
        "(SELECT centres.id FROM centres WHERE centres.province_code = reports.province_code), "
        "(SELECT centres.id FROM centres WHERE centres.province_code IS NULL))"
    )
    with op.batch_alter_table("reports") as batch_op:
        batch_op.alter_column("centre_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f("ix_reports_centre_id"), ["centre_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_reports_centre_id_centres"), "centres", ["centre_id"], ["id"]
        )
    op.create_table(
        "case_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("other_case_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("case_id < other_case_id", name=op.f("ck_case_links_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["other_case_id"], ["cases.id"], name=op.f("fk_case_links_other_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
        sa.UniqueConstraint("case_id", "other_case_id", name=op.f("uq_case_links_case_id")),
    )
    with op.batch_alter_table("case_links") as batch_op:
        batch_op.create_index(batch_op.f("ix_case_links_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_links_other_case_id"), ["other_case_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("case_links") as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_links_other_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_links_case_id"))
    op.drop_table("case_links")
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_reports_centre_id_centres"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_reports_centre_id"))
        batch_op.drop_column("centre_id")
