"""Shared fixtures: real databases (SQLite file, throwaway PostgreSQL) and a controllable clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.servers import postgres_server, redis_server
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.helpers.databases import (
    fresh_postgres_database,
    migrated_postgres_template,
    migrated_sqlite_template,
    services_deps,
    sqlite_copy,
)
from tests.helpers.fakes import FakeClock


@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
        return
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    if url := os.environ.get("TEST_REDIS_URL"):
        yield url
        return
    with redis_server() as url:
        yield url


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=DATABASES)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind we support, never the app's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return fresh_postgres_database(request.getfixturevalue("postgres_base_url"))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_template(postgres_base_url: str) -> str:
    return migrated_postgres_template(postgres_base_url)


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of each kind at the newest schema: a copy of one migrated once a run
    (tests/integration/test_migrations.py runs the migrations themselves)."""
    if request.param == "sqlite":
        return sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path / "test.db")
    return fresh_postgres_database(
        request.getfixturevalue("postgres_base_url"),
        template=request.getfixturevalue("postgres_template"),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, timezone="Europe/Berlin")


@pytest.fixture
def deps(settings: Settings, clock: FakeClock) -> Iterator[Deps]:
    with services_deps(settings.database_url, clock) as made:
        yield made
