"""The migration chain builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from gym_live.adapters.migrations import upgrade_to_head


def test_empty_database_upgrades_to_head_matching_the_models(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url)
    upgrade_to_head(empty_database_url)  # idempotent: a second run changes nothing
    engine = sa.create_engine(empty_database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        assert {"location", "member", "visit", "denied_attempt", "alembic_version"} <= set(
            inspector.get_table_names()
        )
        indexes = {ix["name"]: ix for ix in inspector.get_indexes("visit")}
        assert indexes["uq_visit_open_member"]["unique"]
        context = MigrationContext.configure(conn, opts={"render_as_batch": True})
        assert compare_metadata(context, SQLModel.metadata) == []
