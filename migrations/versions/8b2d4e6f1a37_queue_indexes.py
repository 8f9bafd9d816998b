"""Indexes for the staff queue: its orders (most reported, oldest, latest report; all centres or
one), its counts (overdue, mine, unassigned), the platform filter, search results to cases

Revision ID: 8b2d4e6f1a37
Revises: 7a1f3c9e5b42
Create Date: 2026-12-02 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "8b2d4e6f1a37"
down_revision = "7a1f3c9e5b42"
branch_labels = None
depends_on = None

CASE_INDEXES = {
    "ix_cases_demand": [sa.text("report_count DESC"), "first_seen", "id"],
    "ix_cases_centre_demand": ["centre_id", sa.text("report_count DESC"), "first_seen", "id"],
    "ix_cases_age": ["first_seen", "id"],
    "ix_cases_centre_age": ["centre_id", "first_seen", "id"],
    "ix_cases_recent": ["last_seen", "id"],
    "ix_cases_centre_recent": ["centre_id", "last_seen", "id"],
    "ix_cases_centre_status_first_seen": ["centre_id", "status", "first_seen"],
    "ix_cases_assignee_status": ["assignee_id", "status"],
}
REPORT_INDEXES = {
    "ix_reports_case_platform": ["case_id", "platform"],
    "ix_reports_id_case": ["id", "case_id"],
}


def upgrade():
    for name, columns in CASE_INDEXES.items():
        op.create_index(name, "cases", columns, unique=False)
    for name, columns in REPORT_INDEXES.items():
        op.create_index(name, "reports", columns, unique=False)


def downgrade():
    for name in reversed(REPORT_INDEXES):
        op.drop_index(name, table_name="reports")
    for name in reversed(CASE_INDEXES):
        op.drop_index(name, table_name="cases")
