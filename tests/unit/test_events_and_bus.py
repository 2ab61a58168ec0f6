"""Events survive the wire; the in-process bus delivers to every subscriber, across threads."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from gym_live.adapters.bus import MemoryBus, _offer
from gym_live.domain.events import EventKind, GymEvent


def event(**changes: object) -> GymEvent:
    fields = {
        "kind": EventKind.CHECK_IN,
        "location_id": 1,
        "location_name": "Downtown",
        "at": datetime(2026, 1, 14, 9, tzinfo=UTC),
        "member_name": "Anna",
    }
    return GymEvent(**(fields | changes))


def test_event_json_round_trip_keeps_everything() -> None:
    original = event(kind=EventKind.CHECK_OUT, stay_seconds=4320, reason="member", visit_id=3)
    assert GymEvent.from_json(original.to_json()) == original
    assert event().id != event().id


def test_memory_bus_delivers_to_all_subscribers_including_from_other_threads() -> None:
    async def scenario() -> list[list[GymEvent | None]]:
        bus = MemoryBus()
        received: list[list[GymEvent | None]] = [[], []]
        ready = asyncio.Event()

        async def listen(into: list[GymEvent | None]) -> None:
            stream = bus.subscribe()
            first = asyncio.ensure_future(anext(stream))
            await asyncio.sleep(0)
            ready.set()
            into.append(await first)
            into.append(await anext(stream))

        tasks = [asyncio.create_task(listen(r)) for r in received]
        await ready.wait()
        await asyncio.sleep(0.01)
        bus.publish(event(member_name="from loop"))
        thread = threading.Thread(target=bus.publish, args=(event(member_name="from thread"),))
        thread.start()
        thread.join()
        await asyncio.wait_for(asyncio.gather(*tasks), 2)
        return received

    for got in asyncio.run(scenario()):
        assert [e.member_name for e in got if e] == ["from loop", "from thread"]


def test_a_full_subscriber_queue_is_replaced_by_a_resync_marker() -> None:
    queue: asyncio.Queue[GymEvent | None] = asyncio.Queue(2)
    for _ in range(3):
        _offer(queue, event())
    assert queue.qsize() == 1 and queue.get_nowait() is None
