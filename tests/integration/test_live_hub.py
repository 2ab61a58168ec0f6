"""The instance's live view: bus events, reconciling and joins reach the fan-out correctly."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from prometheus_client import REGISTRY

from devtools.servers import redis_process
from gym_live.adapters.bus import MemoryBus
from gym_live.adapters.redis_bus import RedisBus
from gym_live.domain.checkin import Source
from gym_live.domain.errors import ScanRefused
from gym_live.domain.kiosks import SEEN_EVERY
from gym_live.domain.member_status import StatusChange
from gym_live.live.hub import LiveHub
from gym_live.live.rooms import DASHBOARD, KIOSK, device_room, kiosks_room, room_for
from gym_live.live.tasks import (
    NUMBERS_MAX_INTERVAL,
    NUMBERS_MIN_INTERVAL,
    NUMBERS_SENDS_PER_SECOND,
    ROWS_INTERVAL,
    numbers_interval,
)
from gym_live.models import DeniedAttempt
from gym_live.presentation import RELAY_NOTICE, ROW_VALUES, DashboardValues
from gym_live.services import checkin, kiosks, member_changes, overrides
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member, open_visits
from tests.helpers.fakes import FakeClock


@dataclass
class RecordingFanout:
    """Our fan-out interface, recording what would go out on the sockets."""

    sent: list[tuple[str, DashboardValues]] = field(default_factory=list)
    rooms: dict[str, set[str]] = field(default_factory=dict)
    to_kiosks: list[tuple[str, DashboardValues]] = field(default_factory=list)
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    async def send(self, to: str, audience: str, values: DashboardValues) -> None:
        if audience == DASHBOARD:
            self.sent.append((to, dict(values)))
        else:
            self.to_kiosks.append((to, dict(values)))

    async def call(self, to: str, audience: str, handler: str) -> None:
        self.calls.append((to, audience, handler))

    async def enter(self, sid: str, room: str) -> None:
        kind = room.split(":", 1)[0] + ":"
        for name, members in self.rooms.items():
            if name.startswith(kind):
                members.discard(sid)
        self.rooms.setdefault(room, set()).add(sid)

    async def evict(self, room: str, kinds: tuple[str, ...]) -> None:
        for sid in list(self.rooms.get(room, ())):
            for name, members in self.rooms.items():
                if name.split(":", 1)[0] in kinds:
                    members.discard(sid)

    def sockets_in(self, room: str) -> int:
        return len(self.rooms.get(room, ()))

    def disconnect(self, sid: str) -> None:
        """The socket closed: it leaves every room, as socket.io does."""
        for members in self.rooms.values():
            members.discard(sid)


async def wait_for(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


@pytest.fixture
def live_deps(deps: Deps) -> Deps:
    gym(deps)
    for i in range(3):
        member(deps, f"1000000{i}", f"Member {i}")
    settings = replace(deps.settings, reconcile_interval=timedelta(seconds=0.2))
    return replace(deps, bus=MemoryBus(), settings=settings)


def run_hub(deps: Deps, scenario) -> RecordingFanout:
    fanout = RecordingFanout()

    async def main() -> None:
        hub = LiveHub(deps)
        task = asyncio.create_task(hub.run(fanout))
        await wait_for(lambda: hub.current() is not None)
        await asyncio.sleep(0.05)  # the relay is subscribed
        try:
            await scenario(hub, fanout)
        finally:
            task.cancel()

    asyncio.run(main())
    return fanout


def test_a_check_in_is_broadcast_once_numbers_first_with_only_what_changed(
    live_deps: Deps,
) -> None:
    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        assert hub.current()[1]["inside_now"] == 0
        fanout.sent.clear()
        await asyncio.to_thread(checkin.scan, "10000000", source=Source.KIOSK, deps=live_deps)
        await wait_for(lambda: len(fanout.sent) >= 2)
        await asyncio.sleep(0.3)  # a reconcile round later: nothing new to send
        assert len(fanout.sent) == 2
        (room, numbers), (rows_room, rows) = fanout.sent
        assert room == rows_room == room_for(1)
        assert numbers["inside_now"] == 1 and numbers["checkins_today"] == 1
        assert not set(numbers) & {"location_name", "capacity", *ROW_VALUES}
        assert numbers["hourly"][0]["hour"] == "00"
        assert set(rows) == {*ROW_VALUES, "updated_at"}
        assert rows["feed"][0]["name"] == "Member 0" and len(rows["inside"]) == 1
        assert hub.current()[1]["feed"] == rows["feed"]

    run_hub(live_deps, scenario)


def test_a_burst_of_events_is_read_in_a_few_rounds_not_one_per_event(live_deps: Deps) -> None:
    for i in range(3, 40):
        member(live_deps, f"1000{i:04d}", f"Member {i}")

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        reads = 0
        real_read = hub._read

        def counting_read(
            location_id: int | None, numbers: bool, rows: bool
        ) -> dict[int, DashboardValues]:
            nonlocal reads
            reads += 1
            return real_read(location_id, numbers, rows)

        hub._read = counting_read  # type: ignore[method-assign]
        codes = [f"1000{i:04d}" for i in range(3, 40)]
        for code in codes:  # 37 events on the bus before the relay gets to run
            checkin.scan(code, source=Source.KIOSK, deps=live_deps)
        await wait_for(lambda: hub.current()[1]["inside_now"] == len(codes))
        assert reads <= 4  # one round (numbers, rows), or two if the first began early
        assert any(v.get("inside_now") == len(codes) for _, v in fanout.sent)

    run_hub(live_deps, scenario)


def test_changes_made_elsewhere_arrive_by_reconciling(live_deps: Deps) -> None:
    other_process = replace(live_deps, bus=MemoryBus())  # nobody listens to this bus

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        await asyncio.to_thread(checkin.check_in, "10000001", source=Source.CLI, deps=other_process)
        await wait_for(lambda: any(v.get("inside_now") == 1 for _, v in fanout.sent))

    run_hub(live_deps, scenario)


def test_a_joining_socket_gets_the_current_view_and_joins_the_room(live_deps: Deps) -> None:
    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        await hub.join("sid-1", 1)
        assert fanout.rooms == {room_for(1): {"sid-1"}}
        to, values = fanout.sent[-1]
        assert to == "sid-1" and values == hub.current()[1]

    run_hub(live_deps, scenario)


def test_each_event_is_applied_once(live_deps: Deps) -> None:
    hub = LiveHub(live_deps)
    assert hub.is_new("a") and not hub.is_new("a") and hub.is_new("b")


def test_the_hub_sweeps_overdue_visits(live_deps: Deps, clock: FakeClock) -> None:
    checkin.scan("10000002", source=Source.KIOSK, deps=live_deps)
    clock.advance(hours=5)

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        await wait_for(lambda: open_visits(live_deps) == 0)
        await wait_for(lambda: hub.current()[1]["inside_now"] == 0)

    run_hub(live_deps, scenario)


@pytest.mark.redis
def test_two_instances_stay_consistent_through_redis(live_deps: Deps, redis_url: str) -> None:
    """A check-in on instance 1 reaches instance 2's dashboards through Redis, not reconciling."""
    slow = replace(live_deps.settings, reconcile_interval=timedelta(seconds=300))
    channel = f"gym_live:test:{id(live_deps)}"
    one, two = (
        replace(live_deps, bus=RedisBus(redis_url, channel), settings=slow) for _ in range(2)
    )
    fanouts = RecordingFanout(), RecordingFanout()

    async def main() -> None:
        hubs = LiveHub(one), LiveHub(two)
        tasks = [asyncio.create_task(h.run(f)) for h, f in zip(hubs, fanouts, strict=True)]
        await wait_for(lambda: all(h.current() for h in hubs))
        await _subscribers(redis_url, channel, 2)
        await asyncio.to_thread(checkin.scan, "10000000", source=Source.KIOSK, deps=one)
        await wait_for(lambda: hubs[1].current()[1]["inside_now"] == 1)
        for task in tasks:
            task.cancel()

    asyncio.run(main())
    sent_by_two = [values for room, values in fanouts[1].sent if room == room_for(1)]
    assert any(v.get("inside_now") == 1 for v in sent_by_two)


@pytest.mark.redis
def test_through_a_redis_restart_each_instance_shows_its_own_and_then_all(
    live_deps: Deps,
) -> None:
    """Redis stops: a check-in still shows at once on the instance that took it, and every
    dashboard says live updates are delayed; Redis returns: both instances resubscribe, the
    other one shows the check-in, and the notice goes, with no reconcile round between."""
    slow = replace(live_deps.settings, reconcile_interval=timedelta(seconds=300))
    with redis_process() as server:
        one, two = (replace(live_deps, bus=RedisBus(server.url), settings=slow) for _ in "12")
        fanouts = RecordingFanout(), RecordingFanout()

        def notices(fanout: RecordingFanout) -> list[str]:
            return [v[RELAY_NOTICE] for room, v in fanout.sent if RELAY_NOTICE in v]

        async def main() -> None:
            hubs = LiveHub(one), LiveHub(two)
            tasks = [asyncio.create_task(h.run(f)) for h, f in zip(hubs, fanouts, strict=True)]
            await wait_for(lambda: all(h.current() and not h.deps.bus.delayed for h in hubs))
            server.stop()
            await wait_for(lambda: all(notices(f)[-1] != "" for f in fanouts))
            await asyncio.to_thread(checkin.scan, "10000000", source=Source.KIOSK, deps=one)
            await wait_for(lambda: hubs[0].current()[1]["inside_now"] == 1)
            await asyncio.sleep(0.5)
            assert hubs[1].current()[1]["inside_now"] == 0  # nothing carries it across yet
            server.start()
            await wait_for(lambda: hubs[1].current()[1]["inside_now"] == 1, timeout=10)
            await wait_for(lambda: all(notices(f)[-1] == "" for f in fanouts))
            for task in tasks:
                task.cancel()

        asyncio.run(main())
    for fanout in fanouts:
        delayed = "Live updates delayed \u2014 showing numbers every 300 s"
        assert notices(fanout) == ["", delayed, ""]


@pytest.mark.redis
def test_after_a_gap_in_a_locations_stream_the_next_event_brings_back_what_was_missed(
    live_deps: Deps, redis_url: str
) -> None:
    """Instance two hears check-in 1, never hears check-in 2 (Redis numbered it, and it
    was lost on its way), then hears check-in 3: it re-reads the location and shows all
    three, with no reconcile round between."""
    slow = replace(live_deps.settings, reconcile_interval=timedelta(seconds=300))
    channel = f"gym_live:test:gap:{id(live_deps)}"
    one, two = (
        replace(live_deps, bus=RedisBus(redis_url, channel), settings=slow) for _ in range(2)
    )
    unheard = replace(one, bus=MemoryBus())  # its event reaches no other instance
    raw = redis.Redis.from_url(redis_url)
    fanout = RecordingFanout()

    async def main() -> None:
        hub = LiveHub(two)
        task = asyncio.create_task(hub.run(fanout))
        await wait_for(lambda: hub.current() is not None)
        await _subscribers(redis_url, channel, 1)
        await asyncio.to_thread(checkin.scan, "10000000", source=Source.KIOSK, deps=one)
        await wait_for(lambda: hub.current()[1]["inside_now"] == 1)
        await asyncio.to_thread(checkin.scan, "10000001", source=Source.KIOSK, deps=unheard)
        raw.hincrby(f"{channel}:seq", "1", 1)  # its number, taken on the way
        await asyncio.to_thread(checkin.scan, "10000002", source=Source.KIOSK, deps=one)
        await wait_for(lambda: hub.current()[1]["inside_now"] == 3)
        task.cancel()

    gaps = REGISTRY.get_sample_value("gym_live_bus_sequence_breaks_total", {"kind": "gap"}) or 0
    asyncio.run(main())
    assert REGISTRY.get_sample_value("gym_live_bus_sequence_breaks_total", {"kind": "gap"}) == (
        gaps + 1
    )


async def _subscribers(url: str, channel: str, count: int) -> None:
    client = redis.Redis.from_url(url)
    await wait_for(lambda: client.pubsub_numsub(channel)[0][1] >= count)


def test_a_read_that_began_earlier_never_overwrites_a_newer_view(live_deps: Deps) -> None:
    """A slow reconcile finishing after an event's refresh must not put old numbers back."""
    hub = LiveHub(live_deps)
    fanout = RecordingFanout()
    slow_read_started, release_slow_read = threading.Event(), threading.Event()
    real_read = hub._read

    def read(location_id: int | None, numbers: bool, rows: bool):
        if location_id is None:  # the reconcile: read now, finish late
            values = real_read(location_id, numbers, rows)
            slow_read_started.set()
            release_slow_read.wait(5)
            return values
        return real_read(location_id, numbers, rows)

    hub._read = read  # type: ignore[method-assign]

    async def main() -> None:
        hub._fanout = fanout
        stale = asyncio.create_task(hub.refresh())
        await asyncio.to_thread(slow_read_started.wait, 5)
        await asyncio.to_thread(checkin.scan, "10000000", source=Source.KIOSK, deps=live_deps)
        await hub.refresh(1)  # the event's own refresh, begun later, applied first
        release_slow_read.set()
        await stale

    asyncio.run(main())
    assert hub.current(1)[1]["inside_now"] == 1
    assert len(hub.current(1)[1]["inside"]) == 1
    assert [v["inside_now"] for _, v in fanout.sent if "inside_now" in v] == [1]
    assert [len(v["inside"]) for _, v in fanout.sent if "inside" in v] == [1]


def test_a_tab_that_switches_location_leaves_the_old_room(live_deps: Deps) -> None:
    gym(live_deps, name="Harbour")

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        assert hub.location_names() == ["Downtown", "Harbour"]
        harbour = hub.location_named("Harbour")
        assert harbour is not None and hub.location_named("Nowhere") is None
        await hub.join("sid-1", 1)
        await hub.join("sid-1", harbour)
        assert fanout.rooms == {room_for(1): set(), room_for(harbour): {"sid-1"}}
        assert fanout.sent[-1] == ("sid-1", hub.current(harbour)[1])

    run_hub(live_deps, scenario)


def _without_reconcile(deps: Deps) -> Deps:
    """No reconcile round meanwhile: it re-reads and sends rows of its own (every 0.2 s in
    live_deps), which is not what these tests count."""
    return replace(deps, settings=replace(deps.settings, reconcile_interval=timedelta(seconds=60)))


def _frames(fanout: RecordingFanout) -> tuple[list[DashboardValues], list[DashboardValues]]:
    """The numbers frames and the rows frames sent so far."""
    numbers = [v for _, v in fanout.sent if "inside_now" in v]
    return numbers, [v for _, v in fanout.sent if "feed" in v]


def _shows_everyone_inside(hub: LiveHub, inside: int) -> bool:
    """Its numbers and its rows (which may arrive first, read a moment later) say so."""
    view = hub.current()[1]
    return view["inside_now"] == inside and len(view["inside"]) == inside


def test_under_a_burst_of_events_numbers_go_out_per_round_and_rows_at_most_ten_a_second(
    live_deps: Deps,
) -> None:
    live_deps = _without_reconcile(live_deps)
    for i in range(3, 15):
        member(live_deps, f"1000{i:04d}", f"Member {i}")

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        fanout.sent.clear()
        began = time.monotonic()
        for i in range(3, 15):  # 12 check-ins back to back: changes keep coming
            await asyncio.to_thread(
                checkin.scan, f"1000{i:04d}", source=Source.KIOSK, deps=live_deps
            )
        await wait_for(lambda: _shows_everyone_inside(hub, 12))
        elapsed = time.monotonic() - began
        numbers, rows = _frames(fanout)
        # The burst's first change goes at once (a leading edge), and so may the first held
        # one if it finds the rows' loop idle; then one update per ROWS_INTERVAL, and the last.
        assert len(rows) <= elapsed / ROWS_INTERVAL + 3
        assert len(numbers) >= len(rows)  # (both may share one round on a stalled machine)
        assert numbers[-1]["inside_now"] == 12 and len(rows[-1]["inside"]) == 12

    run_hub(live_deps, scenario)


def test_scans_one_at_a_time_each_send_their_own_row_without_waiting_for_the_others(
    live_deps: Deps,
) -> None:
    """A scan after a quiet spell (longer than a round's hold, shorter than ROWS_INTERVAL)
    has its rows sent with it: 12 scans, 12 updates of the rows, each one row longer.
    (When every round of rows waited ROWS_INTERVAL, about every other scan's row waited
    for the next one's.)"""
    live_deps = _without_reconcile(live_deps)
    for i in range(3, 15):
        member(live_deps, f"1000{i:04d}", f"Member {i}")
    gap = (NUMBERS_MIN_INTERVAL + ROWS_INTERVAL) / 2

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        fanout.sent.clear()
        for i in range(3, 15):
            await asyncio.to_thread(
                checkin.scan, f"1000{i:04d}", source=Source.KIOSK, deps=live_deps
            )
            await asyncio.sleep(gap)
        await wait_for(lambda: _shows_everyone_inside(hub, 12))
        _, rows = _frames(fanout)
        lengths = [len(frame["inside"]) for frame in rows]
        # A moment's stall on a busy machine may still let two rows share an update.
        assert len(lengths) >= 12 - 2, lengths
        assert lengths == sorted(lengths) and lengths[-1] == 12

    run_hub(live_deps, scenario)


def test_a_new_location_reaches_the_picker_of_every_open_dashboard(live_deps: Deps) -> None:
    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        assert hub.current(1)[1]["locations"] == ["Downtown"]
        await asyncio.to_thread(gym, live_deps, name="Harbour")
        await wait_for(lambda: hub.location_names() == ["Downtown", "Harbour"])  # reconciled
        await wait_for(lambda: (room_for(1), {"locations": ["Downtown", "Harbour"]}) in fanout.sent)
        assert hub.current(1)[1]["locations"] == hub.current(2)[1]["locations"]

    run_hub(live_deps, scenario)


def test_a_revoked_kiosk_is_sent_to_pairing_and_leaves_its_rooms(live_deps: Deps) -> None:
    _, code = kiosks.add_kiosk(None, name="Front door", deps=live_deps)
    kiosk, _ = kiosks.pair(code, deps=live_deps)

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        await hub.join_kiosk("sid-k", 1, kiosk.id)
        await hub.join("sid-d", 1)
        assert fanout.to_kiosks[-1] == ("sid-k", {"location_name": "Downtown", "inside_now": 0})
        await asyncio.to_thread(kiosks.revoke, kiosk.id, deps=live_deps)
        await wait_for(lambda: (device_room(kiosk.id), {"paired": False}) in fanout.to_kiosks)
        assert (
            fanout.rooms[kiosks_room(1)] == set() and fanout.rooms[device_room(kiosk.id)] == set()
        )
        assert fanout.rooms[room_for(1)] == {"sid-d"}  # dashboards stay

    run_hub(live_deps, scenario)


def test_a_kiosk_that_refused_a_member_the_desk_admitted_is_told_to_look(
    live_deps: Deps,
) -> None:
    _, code = kiosks.add_kiosk(None, name="Front door", deps=live_deps)
    kiosk, token = kiosks.pair(code, deps=live_deps)
    member_changes.change_status("10000001", StatusChange.CANCEL, deps=live_deps)
    member_changes.change_status("10000002", StatusChange.FREEZE, reason="Ill", deps=live_deps)

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        await hub.join_kiosk("sid-k", 1, kiosk.id)
        for code in ("10000002", "10000001"):  # refused: frozen, then cancelled
            with pytest.raises(ScanRefused):
                await asyncio.to_thread(kiosks.kiosk_scan, token, code, deps=live_deps)
        await asyncio.to_thread(checkin.check_in, "10000000", source=Source.STAFF, deps=live_deps)
        with live_deps.engine.connect() as conn:
            frozen = conn.execute(sa.select(sa.func.min(DeniedAttempt.id))).scalar_one()
        await asyncio.to_thread(overrides.admit_anyway, frozen, "Paid", by=None, deps=live_deps)
        await wait_for(lambda: bool(fanout.calls))
        await asyncio.sleep(0.3)  # an ordinary check-in tells no kiosk anything
        assert fanout.calls == [(device_room(kiosk.id), KIOSK, "check_admitted")]

    run_hub(live_deps, scenario)


def test_kiosks_with_an_open_page_are_marked_seen_each_heartbeat(
    live_deps: Deps, clock: FakeClock
) -> None:
    codes = [kiosks.add_kiosk(None, deps=live_deps)[1] for _ in "ab"]
    doors = [kiosks.pair(code, deps=live_deps)[0] for code in codes]

    def last_seen() -> list:
        return [info.last_seen_at for info in kiosks.list_kiosks(deps=live_deps)]

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        opened = clock.now
        for door in doors:
            await hub.join_kiosk(f"sid-{door.id}", 1, door.id)
        assert last_seen() == [opened, opened]  # seen as their pages open
        fanout.disconnect(f"sid-{doors[1].id}")  # the second tablet goes dark
        beat = clock.advance(seconds=SEEN_EVERY.total_seconds())
        await wait_for(lambda: last_seen()[0] == beat)  # the next reconcile round
        assert last_seen() == [beat, opened]

    run_hub(live_deps, scenario)


def test_a_failed_broadcast_is_sent_again_at_the_next_refresh(live_deps: Deps) -> None:
    class FailsOnce(RecordingFanout):
        failed = False

        async def send(self, to: str, audience: str, values: DashboardValues) -> None:
            if not self.failed and to == room_for(1):
                self.failed = True
                raise ConnectionError("socket gone")
            await super().send(to, audience, values)

    hub, fanout = LiveHub(live_deps), FailsOnce()
    hub._fanout = fanout
    checkin.scan("10000000", source=Source.KIOSK, deps=live_deps)

    async def main() -> None:
        await hub.refresh()  # the broadcast fails: nothing is taken as shown
        assert hub.current() is None
        await hub.refresh()  # so the next round sends it

    asyncio.run(main())
    assert fanout.failed and [v["inside_now"] for _, v in fanout.sent if "inside_now" in v] == [1]


def test_the_relay_resubscribes_after_the_bus_breaks(live_deps: Deps) -> None:
    class BreaksOnce(MemoryBus):
        broke = False

        async def subscribe(self):
            if not self.broke:
                self.broke = True
                raise RuntimeError("subscription lost")
            async for event in super().subscribe():
                yield event

    bus = BreaksOnce()
    deps = replace(
        live_deps,
        bus=bus,
        settings=replace(live_deps.settings, reconcile_interval=timedelta(seconds=300)),
    )

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        await wait_for(lambda: bus.broke)
        await asyncio.sleep(1.2)  # the relay waits a moment, resyncs and subscribes again
        await asyncio.to_thread(checkin.scan, "10000001", source=Source.KIOSK, deps=deps)
        await wait_for(lambda: hub.current()[1]["inside_now"] == 1)

    run_hub(deps, scenario)


def test_a_burst_of_events_shares_rounds_of_numbers_and_the_last_is_the_truth(
    live_deps: Deps,
) -> None:
    live_deps = _without_reconcile(live_deps)
    codes = [f"2000{i:04d}" for i in range(30)]
    for code in codes:
        member(live_deps, code, f"Member {code}")

    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        fanout.sent.clear()
        began = time.monotonic()
        for code in codes:  # back to back: each instance's round holds the next
            await asyncio.to_thread(checkin.scan, code, source=Source.KIOSK, deps=live_deps)
        await wait_for(lambda: hub.current()[1]["inside_now"] == len(codes))
        elapsed = time.monotonic() - began
        numbers = [v["inside_now"] for _, v in fanout.sent if "inside_now" in v]
        assert len(numbers) <= elapsed / NUMBERS_MIN_INTERVAL + 2
        assert numbers == sorted(numbers) and numbers[-1] == len(codes)

    run_hub(live_deps, scenario)


def test_rounds_of_numbers_are_spaced_by_the_size_of_the_room(live_deps: Deps) -> None:
    async def scenario(hub: LiveHub, fanout: RecordingFanout) -> None:
        assert numbers_interval(hub, {1}) == NUMBERS_MIN_INTERVAL  # nobody watching
        crowd = round(NUMBERS_SENDS_PER_SECOND * NUMBERS_MIN_INTERVAL * 2)
        for n in range(crowd):
            await hub.join(f"sid-{n}", 1)
        assert numbers_interval(hub, {1}) == crowd / NUMBERS_SENDS_PER_SECOND
        assert numbers_interval(hub, {None}) == crowd / NUMBERS_SENDS_PER_SECOND
        for n in range(crowd, crowd * 3):
            await hub.join(f"sid-{n}", 1)
        assert numbers_interval(hub, {1}) == NUMBERS_MAX_INTERVAL

    run_hub(live_deps, scenario)
