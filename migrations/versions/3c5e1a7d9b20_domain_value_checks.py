"""CHECK constraints on the domain's values (statuses, categories, ratings, roles...)

Revision ID: 3c5e1a7d9b20
Revises: 12bbdd9cc52a
Create Date: 2026-12-01 22:30:00
"""

from alembic import op

revision = "3c5e1a7d9b20"
down_revision = "12bbdd9cc52a"
branch_labels = None
depends_on = None

# (table, constraint name as the models' naming convention makes it, column, allowed values)
CHECKS = [
    ("cases", "ck_cases_case_status", "status", ["open", "triaged", "published", "closed"]),
    (
        "cases",
        "ck_cases_case_category",
        "category",
        ["verifiable", "harmful", "out_of_scope", "fraud"],
    ),
    (
        "case_suggestions",
        "ck_case_suggestions_suggestion_status",
        "status",
        ["pending", "confirmed", "rejected"],
    ),
    (
        "reports",
        "ck_reports_report_platform",
        "platform",
        ["facebook", "tiktok", "youtube", "zalo", "website", "sms", "phone", "other"],
    ),
    (
        "reports",
        "ck_reports_report_category_hint",
        "category_hint",
        ["fake_news", "harmful", "fraud", "unsure"],
    ),
    ("reports", "ck_reports_report_source", "source", ["web", "api", "demo"]),
    ("users", "ck_users_user_role", "role", ["verifier", "lead", "admin"]),
    ("verdicts", "ck_verdicts_verdict_kind", "kind", ["verdict", "warning"]),
    ("verdicts", "ck_verdicts_verdict_status", "status", ["draft", "published", "withdrawn"]),
    (
        "verdicts",
        "ck_verdicts_verdict_rating",
        "rating",
        ["fake", "untrue", "misleading", "authentic", "inconclusive"],
    ),
]


def _condition(column: str, values: list[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade():
    for table in dict.fromkeys(table for table, *_ in CHECKS):
        with op.batch_alter_table(table) as batch_op:
            for name, column, values in (c[1:] for c in CHECKS if c[0] == table):
                batch_op.create_check_constraint(op.f(name), _condition(column, values))


def downgrade():
    for table in dict.fromkeys(table for table, *_ in CHECKS):
        with op.batch_alter_table(table) as batch_op:
            for name, *_ in (c[1:] for c in CHECKS if c[0] == table):
                batch_op.drop_constraint(op.f(name), type_="check")
