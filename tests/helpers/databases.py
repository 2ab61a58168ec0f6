"""Fresh databases for tests: empty ones, and copies of one migrated once per test run
(migrating every test's database took about 2 s a test)."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gym_live.adapters.db import get_engine
from gym_live.adapters.migrations import upgrade_to_head
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.helpers.fakes import FakeClock, RecordingBus


def fresh_postgres_database(base_url: str, *, template: str | None = None) -> str:
    """A new database on the server at `base_url`: empty, or a copy of `template`."""
    name = f"gym_live_test_{uuid.uuid4().hex[:12]}"
    copied = f' TEMPLATE "{template}"' if template else ""
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copied}')
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


def migrated_postgres_template(base_url: str) -> str:
    """The name of a database at the newest schema, to copy; nobody stays connected to it
    (PostgreSQL copies only a database nobody uses)."""
    url = fresh_postgres_database(base_url)
    upgrade_to_head(url)
    get_engine(url).dispose()
    name = make_url(url).database
    assert name is not None
    return name


def migrated_sqlite_template(folder: Path) -> Path:
    path = folder / "template.db"
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    get_engine(url).dispose()
    return path


def sqlite_copy(template: Path, path: Path) -> str:
    """A copy of the template database at `path` (SQLite's backup: every page, consistent)."""
    with (
        contextlib.closing(sqlite3.connect(template)) as source,
        contextlib.closing(sqlite3.connect(path)) as copy,
    ):
        source.backup(copy)
    return f"sqlite:///{path}"


@contextlib.contextmanager
def services_deps(database_url: str, clock: FakeClock) -> Iterator[Deps]:
    """What services get in a test: this database (Berlin's days), a recording bus, the
    test's clock; the engine is closed after."""
    engine = get_engine(database_url)
    settings = Settings(database_url=database_url, timezone="Europe/Berlin")
    try:
        yield Deps(engine=engine, bus=RecordingBus(), settings=settings, clock=clock)
    finally:
        engine.dispose()
