"""Migrations build the whole schema from nothing and agree with the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect, text
from sqlalchemy.exc import IntegrityError

from tingia.database import outside_the_models
from tingia.extensions import db


def test_models_and_migrations_agree(app):
    # The session schema was built by `flask db upgrade` (see conftest): nothing may be missing.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": lambda name, type_, parents: not outside_the_models(name),
            },
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def _model_checks() -> set[tuple[str, str]]:
    """(table, constraint name) of every CHECK constraint the models declare."""
    return {
        (table.name, constraint.name)
        for table in db.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }


def test_every_domain_value_column_is_checked_by_the_migrated_schema(app):
    # Autogenerate does not compare CHECK constraints, so this test does.
    declared = _model_checks()
    assert ("cases", "ck_cases_case_status") in declared and len(declared) >= 10
    inspector = inspect(db.engine)
    migrated = {
        (table, check["name"])
        for table in {table for table, _ in declared}
        for check in inspector.get_check_constraints(table)
    }
    assert declared <= migrated


def test_the_database_refuses_a_value_outside_the_enum(app, make):
    report = make.report("Tin đồn cần kiểm tra về giá xăng tăng gấp đôi")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("UPDATE reports SET platform = 'myspace' WHERE id = :id"), {"id": report.id}
        )
        db.session.flush()
    db.session.rollback()
