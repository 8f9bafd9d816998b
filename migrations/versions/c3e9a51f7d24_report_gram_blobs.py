"""report gram blobs: the normalised texts' 3-gram hashes, read by scoring

Revision ID: c3e9a51f7d24
Revises: 8b2d4e6f1a37
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e9a51f7d24"
down_revision = "8b2d4e6f1a37"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text_grams", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("ocr_grams", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_column("ocr_grams")
        batch_op.drop_column("text_grams")
