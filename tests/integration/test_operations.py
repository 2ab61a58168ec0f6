"""/ready and /metrics (gym_live/operations.py) on a real database and a real Redis."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from devtools.servers import RedisProcess, redis_process
from gym_live import operations
from gym_live.domain.checkin import Source
from gym_live.domain.errors import ScanRefused
from gym_live.live.hub import LiveHub
from gym_live.live.rooms import kiosks_room, room_for
from gym_live.services import checkin
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock
from tests.integration.test_live_hub import RecordingFanout


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Callable[[Deps], tuple[LiveHub, TestClient]]:
    """The routes, answering for a hub on these deps (views not loaded yet)."""

    def serve(deps: Deps) -> tuple[LiveHub, TestClient]:
        hub = LiveHub(deps)
        monkeypatch.setattr(operations, "get_hub", lambda: hub)
        return hub, TestClient(operations.operations)

    return serve


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    with redis_process() as server:
        yield server


def test_ready_once_the_live_views_are_loaded(deps: Deps, served) -> None:
    gym(deps)
    hub, client = served(deps)
    answer = client.get("/ready")
    assert answer.status_code == 503 and answer.headers["cache-control"] == "no-store"
    assert answer.json() == {
        "ready": False,
        "database": "ok",
        "redis": "not configured",
        "live_views": "not loaded yet",
    }
    asyncio.run(hub.refresh())
    answer = client.get("/ready")
    assert answer.status_code == 200 and answer.json()["ready"] is True


def test_ready_before_any_location_exists(deps: Deps, served) -> None:
    """A fresh install (migrated, nothing added yet) serves: its views are loaded, empty."""
    hub, client = served(deps)
    asyncio.run(hub.refresh())
    assert hub.views == {} and client.get("/ready").status_code == 200


def test_not_ready_without_the_database(deps: Deps, served, tmp_path) -> None:
    gym(deps)
    gone = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'gym.db'}")
    hub, client = served(replace(deps, engine=gone))
    hub.loaded = True  # as before the database went away
    answer = client.get("/ready")
    assert answer.status_code == 503
    assert answer.json()["database"] == "unreachable (OperationalError)"


@pytest.mark.redis
def test_not_ready_while_redis_is_down_or_hung(deps: Deps, served, own_redis) -> None:
    gym(deps)
    settings = replace(deps.settings, redis_url=own_redis.url)
    hub, client = served(replace(deps, settings=settings))
    asyncio.run(hub.refresh())
    assert client.get("/ready").json()["redis"] == "ok"
    own_redis.hang()
    hung = client.get("/ready")
    assert hung.status_code == 503 and hung.json()["redis"] == "no answer in 2 s"
    own_redis.wake()
    assert client.get("/ready").status_code == 200
    own_redis.stop()
    down = client.get("/ready")
    assert down.status_code == 503 and down.json()["redis"] == "unreachable (ConnectionError)"


def _samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = client.get("/metrics")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def test_metrics_count_scans_denials_and_open_pages(deps: Deps, served, clock: FakeClock) -> None:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    hub, client = served(deps)
    fanout = RecordingFanout()
    hub._fanout = fanout
    asyncio.run(hub.refresh())
    before = _samples(client)
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=90)
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    with pytest.raises(ScanRefused):
        checkin.scan("99999999", source=Source.KIOSK, deps=deps)
    for sid in ("desk-1", "desk-2"):
        asyncio.run(fanout.enter(sid, room_for(1)))
    asyncio.run(fanout.enter("door-1", kiosks_room(1)))
    after = _samples(client)

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("gym_live_scans_total", result="check_in") == 1
    assert grew("gym_live_scans_total", result="check_out") == 1
    assert grew("gym_live_scans_total", result="denied") == 1
    assert grew("gym_live_denials_total", reason="unknown_code") == 1
    assert after[("gym_live_open_dashboards", ())] == 2
    assert after[("gym_live_open_kiosks", ())] == 1
    assert after[("gym_live_bus_delayed", ())] == 0
    assert after[("gym_live_bus_events_lost_total", (("why", "backlog_full"),))] == 0
    for timed in ("fanout_send", "bus_lag", "reconcile"):
        assert (f"gym_live_{timed}_seconds_count", ()) in after
    assert after[("gym_live_fanout_send_seconds_count", ())] >= 1  # the refresh's broadcast
