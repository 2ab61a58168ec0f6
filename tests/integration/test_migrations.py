"""The migration chain builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from gym_live.adapters.member_search import POSTGRES_INDEX, SQLITE_INDEX, include_name
from gym_live.adapters.migrations import PROJECT_ROOT, upgrade_to_head
from gym_live.domain.member_list import MemberFilter
from gym_live.services import members
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.helpers.fakes import FakeClock, RecordingBus


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
        # The member search's trigram index, made in SQL of its own (adapters.member_search).
        if conn.dialect.name == "sqlite":
            assert SQLITE_INDEX in inspector.get_table_names()
        else:
            assert POSTGRES_INDEX in {ix["name"] for ix in inspector.get_indexes("member")}
        opts = {"render_as_batch": True, "include_name": include_name}
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, SQLModel.metadata) == []


def test_existing_members_get_their_search_key_and_last_visit(empty_database_url: str) -> None:
    upgrade_to_head(empty_database_url, revision="0006")
    engine = sa.create_engine(empty_database_url, poolclass=sa.NullPool)
    first, second = "0" * 31 + "1", "0" * 31 + "2"  # uuids, as both databases read them
    with engine.begin() as conn:
        conn.execute(
            sa.text("INSERT INTO location (name, capacity, timezone) VALUES ('A', 9, 'U')")
        )
        conn.execute(
            sa.text(
                "INSERT INTO member (id, member_code, full_name, status, created_at) "
                "VALUES (:id, :code, :name, 'active', '2026-01-01')"
            ),
            [
                {"id": first, "code": "1001", "name": "José Ölmez"},
                {"id": second, "code": "1002", "name": "Never Came"},
            ],
        )
        conn.execute(
            sa.text(
                "INSERT INTO visit (member_id, location_id, checked_in_at, checked_out_at, "
                "checkout_reason, source) VALUES (:id, 1, :began, :began, 'member', 'kiosk')"
            ),
            [
                {"id": first, "began": f"{day} 10:00:00"}
                for day in ("2026-02-01", "2026-03-05", "2026-02-20")
            ],
        )
    upgrade_to_head(empty_database_url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT search_key, last_visit_at FROM member ORDER BY member_code")
        ).all()
    assert [key for key, _ in rows] == ["jose olmez", "never came"]
    assert str(rows[0][1]).startswith("2026-03-05 10:00:00") and rows[1][1] is None


def test_the_freeze_and_pass_columns_come_and_go_in_place(empty_database_url: str) -> None:
    """0011 and 0012 add and drop their columns without rebuilding the member table, so
    SQLite's search index keeps its triggers both ways."""
    upgrade_to_head(empty_database_url)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = empty_database_url
    config.attributes["configure_logger"] = False
    command.downgrade(config, "0010")
    engine = sa.create_engine(empty_database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        columns = {column["name"] for column in sa.inspect(conn).get_columns("member")}
    assert not {"frozen_until", "freeze_reason", "plan", "visits_left"} & columns
    upgrade_to_head(empty_database_url)
    deps = Deps(engine=engine, bus=RecordingBus(), settings=Settings(), clock=FakeClock())
    members.add_member("Found Again", code="5005", deps=deps)
    found = members.find_members(MemberFilter(text="found ag"), deps=deps).members
    assert [listing.code for listing in found] == ["5005"]
