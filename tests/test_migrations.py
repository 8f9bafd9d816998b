"""Migrations build the whole schema from nothing and agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tingia.extensions import db


def test_models_and_migrations_agree(app):
    # The session schema was built by `flask db upgrade` (see conftest): nothing may be missing.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
