"""photo features: region hashes, ORB features, embedded photos; normalised OCR text, claim terms

Revision ID: b7c41d2e9a10
Revises: a7c41e9b2d58
Create Date: 2026-12-01 22:30:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c41d2e9a10"
down_revision = "a7c41e9b2d58"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("has_photo", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("region_hashes", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("features", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("normalised_ocr_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("claim_terms", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("claim_terms")
        batch_op.drop_column("normalised_ocr_text")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("features")
        batch_op.drop_column("region_hashes")
        batch_op.drop_column("has_photo")
