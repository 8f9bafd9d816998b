"""Attachments' lookup-only pHashes: a grid of crops of the photo, searched with but never
stored in the photo-hash index

Revision ID: e5a7c9b1d3f6
Revises: d4f6a8c0e2b1
Create Date: 2026-12-02 05:00:00

Nothing to backfill: an image fingerprinted before has none and is still found by its stored
crop hypotheses.
"""

import sqlalchemy as sa
from alembic import op

revision = "e5a7c9b1d3f6"
down_revision = "d4f6a8c0e2b1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.add_column(sa.Column("lookup_hashes", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("attachments") as batch_op:
        batch_op.drop_column("lookup_hashes")
