"""The migration chain builds exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from gym_live.adapters.member_search import POSTGRES_INDEX, SQLITE_INDEX, include_name
from gym_live.adapters.migrations import PROJECT_ROOT, check_schema, upgrade_to_head
from gym_live.domain.errors import SchemaMismatch
from gym_live.domain.member_list import MemberFilter
from gym_live.services import members
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.helpers.cli import Cli
from tests.helpers.fakes import FakeClock, RecordingBus

HEAD = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini"))).get_current_head()


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


def test_instances_started_together_migrate_once_and_all_succeed(empty_database_url: str) -> None:
    """Four `migrate` commands at once (instances starting together): each waits for the
    one that holds the lock, then finds the schema at head."""
    cli = Cli(empty_database_url)
    started = [
        subprocess.Popen(
            [sys.executable, "-m", "gym_live", "migrate"],
            env=cli.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for process in started:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "Database is at the newest schema." in out and "Traceback" not in err
    check_schema(empty_database_url)
    engine = sa.create_engine(empty_database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1


def test_an_instance_refuses_a_schema_older_or_newer_than_its_code(
    empty_database_url: str,
) -> None:
    with pytest.raises(SchemaMismatch, match=r"no gym_live schema yet: run `python -m gym_live"):
        check_schema(empty_database_url)
    upgrade_to_head(empty_database_url, revision="0015")
    with pytest.raises(SchemaMismatch, match=r"\(0015\) is older than this code's"):
        check_schema(empty_database_url)
    upgrade_to_head(empty_database_url)
    check_schema(empty_database_url)  # at head: nothing to say
    engine = sa.create_engine(empty_database_url, poolclass=sa.NullPool)
    with engine.begin() as conn:  # as a newer version's migration would leave it
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(SchemaMismatch, match=r"\(0099\) is newer than this code's"):
        check_schema(empty_database_url)
    # The server says so in one line and stops before it builds or serves anything.
    refused = subprocess.run(
        [sys.executable, "-m", "gym_live.serve", "--port", "1"],
        env=Cli(empty_database_url).env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        f"gym_live: The database's schema (0099) is newer than this code's ({HEAD}): "
        "run the newer code, or restore a backup made for this version."
    ]
