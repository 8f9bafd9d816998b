"""Audit log (append-only; case history and sign-in audit entries referenced),
reports.contact_erased_at

On PostgreSQL a trigger refuses UPDATE and DELETE on audit_log (TRUNCATE, a database owner's
operation, is not refused). Existing case history and sign-in audit entries get their audit log
entries.

Revision ID: c8d2e4f6a1b3
Revises: 7d2f4b8c1e05
Create Date: 2026-12-01 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "c8d2e4f6a1b3"
down_revision = "7d2f4b8c1e05"
branch_labels = None
depends_on = None

AUDIT_ACTIONS = (
    "case_event",
    "auth_event",
    "contact_viewed",
    "contact_purged",
    "contact_erased",
    "account_created",
    "account_changed",
    "token_created",
    "token_revoked",
)
APPEND_ONLY_TABLES = ("audit_log",)


def upgrade():
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                *AUDIT_ACTIONS,
                name="audit_action",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.Column("subject_user_id", sa.Integer(), nullable=True),
        sa.Column("case_event_id", sa.Integer(), nullable=True),
        sa.Column("auth_event_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name="fk_audit_log_actor_id_users"),
        sa.ForeignKeyConstraint(
            ["auth_event_id"], ["auth_events.id"], name="fk_audit_log_auth_event_id_auth_events"
        ),
        sa.ForeignKeyConstraint(
            ["case_event_id"], ["case_events.id"], name="fk_audit_log_case_event_id_case_events"
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name="fk_audit_log_case_id_cases"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_audit_log_report_id_reports"
        ),
        sa.ForeignKeyConstraint(
            ["subject_user_id"], ["users.id"], name="fk_audit_log_subject_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.UniqueConstraint("case_event_id", name="uq_audit_log_case_event_id"),
        sa.UniqueConstraint("auth_event_id", name="uq_audit_log_auth_event_id"),
    )
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.create_index("ix_audit_log_action", ["action", "created_at"])
        batch_op.create_index("ix_audit_log_actor", ["actor_id", "created_at"])
        batch_op.create_index("ix_audit_log_case_id", ["case_id"])
        batch_op.create_index("ix_audit_log_created_at", ["created_at"])
        batch_op.create_index("ix_audit_log_report_id", ["report_id"])
    with op.batch_alter_table("reports") as batch_op:
        batch_op.add_column(
            sa.Column("contact_erased_at", sa.DateTime(timezone=True), nullable=True)
        )

    postgres = op.get_bind().dialect.name == "postgresql"
    as_json = "json_build_object" if postgres else "json_object"
    op.execute(
        "INSERT INTO audit_log (created_at, actor_id, action, case_id, case_event_id, detail) "
        f"SELECT created_at, actor_id, 'case_event', case_id, id, {as_json}('case_action', action) "
        "FROM case_events ORDER BY id"
    )
    op.execute(
        "INSERT INTO audit_log (created_at, actor_id, action, ip_address, subject_user_id, "
        "auth_event_id, detail) SELECT created_at, COALESCE(actor_id, user_id), 'auth_event', "
        f"NULLIF(ip, ''), user_id, id, {as_json}('auth_action', action) "
        "FROM auth_events ORDER BY id"
    )
    if postgres:
        op.execute(
            """
            CREATE FUNCTION tingia_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        for table in APPEND_ONLY_TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION tingia_refuse_change()"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION tingia_refuse_change()")
    with op.batch_alter_table("reports") as batch_op:
        batch_op.drop_column("contact_erased_at")
    op.drop_table("audit_log")
