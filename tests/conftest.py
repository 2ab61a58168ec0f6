"""Shared fixtures: real databases (SQLite file, throwaway PostgreSQL) and a controllable clock."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gym_live.adapters.db import get_engine
from gym_live.adapters.migrations import upgrade_to_head
from gym_live.domain.events import GymEvent
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.servers import postgres_server, redis_server

# 10:00 in Berlin on a winter weekday: far from midnight and from DST changes.
DEFAULT_NOW = datetime(2026, 1, 14, 9, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    now: datetime = DEFAULT_NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@dataclass
class RecordingBus:
    """Our bus interface, recording what services publish (the memory bus is tested alone)."""

    events: list[GymEvent] = field(default_factory=list)

    def publish(self, event: GymEvent) -> None:
        self.events.append(event)

    async def subscribe(self):  # pragma: no cover - services never subscribe
        raise NotImplementedError
        yield


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


def fresh_postgres_database(base_url: str) -> str:
    name = f"gym_live_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return make_url(base_url).set(database=name).render_as_string(hide_password=False)


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
