"""The Redis bus against a real redis-server: events cross processes' connections intact,
and a Redis that dies or hangs never holds up the check-in that publishes."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from prometheus_client import REGISTRY

from devtools.servers import RedisProcess, redis_process
from gym_live.adapters.bus import create_bus
from gym_live.adapters.redis_bus import PING_LOST_SECONDS, REDIS_TIMEOUT_SECONDS, RedisBus
from gym_live.domain.events import EventKind, GymEvent
from tests.helpers.cli import Cli
from tests.helpers.databases import sqlite_copy

pytestmark = pytest.mark.redis


def make_event(name: str) -> GymEvent:
    return GymEvent(
        kind=EventKind.CHECK_IN,
        location_id=1,
        location_name="Downtown",
        at=datetime(2026, 1, 14, 9, tzinfo=UTC),
        member_name=name,
    )


def test_events_published_by_one_client_reach_every_subscriber(redis_url: str) -> None:
    channel = "gym_live:test:fanout"
    publisher = RedisBus(redis_url, channel)

    async def scenario() -> list[list[GymEvent | None]]:
        streams = [RedisBus(redis_url, channel).subscribe() for _ in range(2)]
        for stream in streams:  # once subscribed, a subscriber is told to resync
            assert await asyncio.wait_for(anext(stream), 5) is None
        publisher.publish(make_event("Anna"))
        publisher.publish(make_event("Ben"))
        received = []
        for stream in streams:
            received.append([await asyncio.wait_for(anext(stream), 5) for _ in range(2)])
            await stream.aclose()
        return received

    for got in asyncio.run(scenario()):
        assert [e.member_name for e in got if e] == ["Anna", "Ben"]
        assert all(e is not None and e.kind is EventKind.CHECK_IN for e in got)


def test_create_bus_picks_redis_when_a_url_is_set(redis_url: str) -> None:
    assert isinstance(create_bus(redis_url), RedisBus)


def test_publishing_while_redis_is_down_does_not_raise() -> None:
    RedisBus("redis://127.0.0.1:1/0").publish(make_event("nobody hears"))


@pytest.fixture
def own_redis() -> Iterator[RedisProcess]:
    """A redis-server of this test's own, to stop or hang (the shared one is left alone)."""
    with redis_process() as server:
        yield server


def test_a_hung_redis_holds_up_no_publish_and_is_noticed_by_subscribers(
    own_redis: RedisProcess,
) -> None:
    publisher, listener = RedisBus(own_redis.url), RedisBus(own_redis.url)

    async def scenario() -> list[GymEvent | None]:
        stream = listener.subscribe()
        assert await asyncio.wait_for(anext(stream), 5) is None  # subscribed: resync once
        assert not listener.delayed
        heard: list[GymEvent | None] = []
        own_redis.hang()
        publisher.publish(make_event("Anna"))  # returns while Redis answers nothing
        assert not await asyncio.to_thread(publisher.flush, 0.3), "Anna was sent already"
        # The subscriber counts a silent Redis as lost: it says resync, and is delayed.
        heard.append(await asyncio.wait_for(anext(stream), PING_LOST_SECONDS + 3))
        assert listener.delayed
        # The publisher gives Anna up after its timeout, and is free for the next event.
        assert await asyncio.to_thread(publisher.flush, REDIS_TIMEOUT_SECONDS + 3)
        assert publisher.failed == 1
        own_redis.wake()
        heard.append(await asyncio.wait_for(anext(stream), 10))  # subscribed again: resync
        assert not listener.delayed
        publisher.publish(make_event("Ben"))
        while not heard or heard[-1] is None or heard[-1].member_name != "Ben":
            heard.append(await asyncio.wait_for(anext(stream), 5))
        await stream.aclose()
        return heard

    heard = asyncio.run(scenario())
    assert heard[:2] == [None, None]
    # Anna's bytes may still have reached the woken server; nothing else can arrive.
    assert {event.member_name for event in heard[2:] if event} <= {"Anna", "Ben"}


def test_publishing_to_a_dead_redis_counts_the_loss_and_recovers(
    own_redis: RedisProcess,
) -> None:
    publisher = RedisBus(own_redis.url)
    own_redis.stop()
    publisher.publish(make_event("Anna"))
    assert publisher.flush(REDIS_TIMEOUT_SECONDS + 3) and publisher.failed == 1
    own_redis.start()
    receiver = redis.Redis.from_url(own_redis.url).pubsub(ignore_subscribe_messages=True)
    receiver.subscribe(publisher._channel)
    receiver.get_message(timeout=1)
    publisher.publish(make_event("Ben"))
    assert publisher.flush(5) and publisher.failed == 1
    message = receiver.get_message(timeout=5)
    assert message is not None and GymEvent.from_json(message["data"]).member_name == "Ben"


def test_a_cli_check_in_with_redis_down_commits_and_says_so_in_one_line(
    tmp_path: Path, sqlite_template: Path
) -> None:
    cli = Cli(sqlite_copy(sqlite_template, tmp_path / "cli.db"))
    cli("seed-demo", "--members", "30")
    cli.env["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    entered = cli("scan", "10000030", "--json")
    assert json.loads(entered.stdout)["action"] == "check_in"
    assert entered.stderr.strip().splitlines() == [
        "could not publish 1 event(s) to Redis (Error 111 connecting to 127.0.0.1:1. "
        "Connection refused.); the other instances re-read them at their next reconcile"
    ]
    del cli.env["REDIS_URL"]
    assert cli.json("stats")["inside_now"] >= 1
    assert cli.json("scan", "10000030", ok=False)["reason"] == "already_checked_in"


def test_an_instance_hears_its_own_events_at_once_and_once_with_redis_or_without(
    own_redis: RedisProcess,
) -> None:
    bus = RedisBus(own_redis.url)

    async def scenario() -> list[GymEvent | None]:
        stream = bus.subscribe()
        assert await asyncio.wait_for(anext(stream), 5) is None  # subscribed
        bus.publish(make_event("Anna"))
        heard = [await asyncio.wait_for(anext(stream), 5)]
        assert await asyncio.to_thread(bus.flush, 5)  # Anna's echo is on its way back
        await asyncio.sleep(0.2)
        own_redis.stop()
        heard.append(await asyncio.wait_for(anext(stream), PING_LOST_SECONDS + 3))
        bus.publish(make_event("Ben"))  # Redis is gone: heard in process all the same
        heard.append(await asyncio.wait_for(anext(stream), 5))
        await stream.aclose()
        return heard

    anna, lost, ben = asyncio.run(scenario())
    assert anna is not None and anna.member_name == "Anna"
    assert lost is None  # not Anna's echo: it was ignored
    assert ben is not None and ben.member_name == "Ben"


def test_each_locations_events_are_numbered_in_the_order_every_listener_hears_them(
    redis_url: str,
) -> None:
    """Two instances publishing at once: one count per location, in the channel's order."""
    channel = f"gym_live:test:seq:{uuid.uuid4().hex}"
    publishers = RedisBus(redis_url, channel), RedisBus(redis_url, channel)
    listener = RedisBus(redis_url, channel)
    breaks_before = _sequence_breaks()

    async def scenario() -> list[GymEvent]:
        stream = listener.subscribe()
        assert await asyncio.wait_for(anext(stream), 5) is None  # subscribed
        for turn in range(20):
            located = replace(make_event(f"guest {turn}"), location_id=1 + turn % 2)
            publishers[turn % 2].publish(located)
        heard = [await asyncio.wait_for(anext(stream), 5) for _ in range(20)]
        await stream.aclose()
        return [event for event in heard if event is not None]

    heard = asyncio.run(scenario())
    for location in (1, 2):
        assert [e.seq for e in heard if e.location_id == location] == list(range(1, 11))
    assert _sequence_breaks() == breaks_before


def test_a_gap_or_a_step_back_in_a_locations_stream_is_counted_and_the_event_delivered(
    redis_url: str,
) -> None:
    """What a listener does when Redis lost an event on its way (or restarted its count):
    it counts the break, and passes the event on, to be applied by re-reading its location
    (tests/integration/test_live_hub.py shows that re-read)."""
    channel = f"gym_live:test:seq:{uuid.uuid4().hex}"
    listener, raw = RedisBus(redis_url, channel), redis.Redis.from_url(redis_url)
    before = _sequence_breaks()

    async def scenario() -> list[int | None]:
        stream = listener.subscribe()
        assert await asyncio.wait_for(anext(stream), 5) is None
        for seq in (1, 2, 5, 1):  # 3 and 4 lost, then a count that began again
            wire = json.loads(make_event(f"number {seq}").to_json()) | {"seq": seq}
            raw.publish(channel, json.dumps(wire))
        heard = [await asyncio.wait_for(anext(stream), 5) for _ in range(4)]
        await stream.aclose()
        return [event.seq for event in heard if event is not None]

    assert asyncio.run(scenario()) == [1, 2, 5, 1]
    after = _sequence_breaks()
    assert after["gap"] - before["gap"] == 1
    assert after["backward"] - before["backward"] == 1
    assert after["repeat"] == before["repeat"]


def _sequence_breaks() -> dict[str, float]:
    """This process's count of each kind of break, as /metrics shows it."""
    return {
        kind: REGISTRY.get_sample_value("gym_live_bus_sequence_breaks_total", {"kind": kind}) or 0.0
        for kind in ("gap", "repeat", "backward")
    }
