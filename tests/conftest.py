"""Shared fixtures: real databases (SQLite file, throwaway PostgreSQL) and a controllable clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.servers import postgres_server, redis_server
from gym_live.adapters.db import get_engine
from gym_live.adapters.migrations import upgrade_to_head
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.helpers.databases import fresh_postgres_database
from tests.helpers.fakes import FakeClock, RecordingBus


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind we support, never the app's own."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return fresh_postgres_database(request.getfixturevalue("postgres_base_url"))


@pytest.fixture
def database_url(empty_database_url: str) -> str:
    upgrade_to_head(empty_database_url)
    return empty_database_url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, timezone="Europe/Berlin")


@pytest.fixture
def deps(settings: Settings, clock: FakeClock) -> Iterator[Deps]:
    engine = get_engine(settings.database_url)
    yield Deps(engine=engine, bus=RecordingBus(), settings=settings, clock=clock)
    engine.dispose()
