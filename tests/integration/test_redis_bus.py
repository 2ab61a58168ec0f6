"""The Redis bus against a real redis-server: events cross processes' connections intact."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
import redis

from gym_live.adapters.bus import create_bus
from gym_live.adapters.redis_bus import RedisBus
from gym_live.domain.events import EventKind, GymEvent

pytestmark = pytest.mark.redis


def make_event(name: str) -> GymEvent:
    return GymEvent(
        kind=EventKind.CHECK_IN,
        location_id=1,
        location_name="Downtown",
        at=datetime(2026, 1, 14, 9, tzinfo=UTC),
        member_name=name,
    )


async def _until_subscribed(bus: RedisBus, subscribers: int) -> None:
    client = redis.Redis.from_url(bus._url)
    for _ in range(100):
        if client.pubsub_numsub(bus._channel)[0][1] >= subscribers:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("subscribers never appeared")


def test_events_published_by_one_client_reach_every_subscriber(redis_url: str) -> None:
    channel = "gym_live:test:fanout"
    publisher = RedisBus(redis_url, channel)

    async def scenario() -> list[list[GymEvent | None]]:
        streams = [RedisBus(redis_url, channel).subscribe() for _ in range(2)]
        firsts = [asyncio.ensure_future(anext(stream)) for stream in streams]
        await _until_subscribed(publisher, 2)
        publisher.publish(make_event("Anna"))
        publisher.publish(make_event("Ben"))
        received = []
        for stream, first in zip(streams, firsts, strict=True):
            received.append(
                [await asyncio.wait_for(first, 5), await asyncio.wait_for(anext(stream), 5)]
            )
            await stream.aclose()
        return received

    for got in asyncio.run(scenario()):
        assert [e.member_name for e in got if e] == ["Anna", "Ben"]
        assert all(e is not None and e.kind is EventKind.CHECK_IN for e in got)


def test_create_bus_picks_redis_when_a_url_is_set(redis_url: str) -> None:
    assert isinstance(create_bus(redis_url), RedisBus)


def test_publishing_while_redis_is_down_does_not_raise() -> None:
    RedisBus("redis://127.0.0.1:1/0").publish(make_event("nobody hears"))
