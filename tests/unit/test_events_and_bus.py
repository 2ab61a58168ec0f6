"""Events survive the wire; the in-process bus delivers to every subscriber, across threads."""

from __future__ import annotations

import asyncio
import json
import threading
from datetime import UTC, datetime

from gym_live.adapters.bus import MemoryBus, _offer
from gym_live.domain.events import EventKind, GymEvent, SequenceBreak, StreamPositions


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


def test_an_event_from_a_newer_release_is_read_without_the_fields_this_one_lacks() -> None:
    """In a rolling upgrade the instances a release behind still hear the newer ones."""
    wire = json.loads(event().to_json()) | {"seq": 7, "door": "north"}
    heard = GymEvent.from_json(json.dumps(wire))
    assert heard.seq == 7 and heard.member_name == "Anna"
    assert "seq" not in json.loads(heard.to_json())  # the bus numbers what it publishes


def test_a_locations_stream_breaks_on_a_gap_a_repeat_or_a_step_back_only() -> None:
    heard = StreamPositions()
    assert [heard.hear(1, seq) for seq in (4, 5, 6)] == [None, None, None]  # joined at 4
    assert heard.hear(2, 1) is None  # each location counts on its own
    assert heard.hear(1, 9) is SequenceBreak.GAP  # 7 and 8 never arrived
    assert heard.hear(1, 10) is None  # and it goes on from 9
    assert heard.hear(1, 10) is SequenceBreak.REPEAT
    assert heard.hear(1, 2) is SequenceBreak.BACKWARD  # the bus restarted its count
    assert heard.hear(1, 3) is None


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
