"""The instance's live view of every location, kept current and pushed to open dashboards.

One `LiveHub` per process. It loads each location's numbers from the database, re-reads
them when a bus event says something changed (once per burst of events per instance, however
many dashboards are open) and every reconcile interval (to catch changes made outside the
app), and broadcasts only the values that changed, once, to the room of that location's
sockets: after an event, the numbers first (a frame of a few hundred bytes), then the rows.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from collections import OrderedDict
from typing import Any, Protocol

from engineio import packet as eio_packet
from reflex.state import StateUpdate
from reflex_base.constants import SocketEvent
from reflex_base.constants.state import FIELD_MARKER
from socketio import packet as sio_packet

from gym_live.presentation import ROW_VALUES, DashboardValues, dashboard_values
from gym_live.services import kiosks, sweep
from gym_live.services.deps import Deps, app_deps
from gym_live.services.live_view import load_views

logger = logging.getLogger(__name__)
SEEN_EVENT_IDS = 10_000
RESUBSCRIBE_SECONDS = 1.0
# Rows (feed, who is inside) go out at most this often per location under a burst.
ROWS_INTERVAL = 0.1


DASHBOARD, KIOSK = "dashboard", "kiosk"
# What a door kiosk may know of its location: never names, lists or feeds.
KIOSK_VALUES = ("location_name", "inside_now")


class Fanout(Protocol):
    """Delivers an audience's values to a socket or a room of sockets (see ReflexFanout)."""

    async def send(self, to: str, audience: str, values: DashboardValues) -> None: ...

    async def enter(self, sid: str, room: str) -> None:
        """Join `room` and leave other rooms of the same kind (the text before ':')."""

    async def evict(self, room: str, kinds: tuple[str, ...]) -> None:
        """Every socket in `room` leaves its rooms of these kinds (`room` included)."""


class ReflexFanout:
    """One packet per change, in Reflex's own delta format, to every socket of a room.

    Reflex's per-client updates cost one state load and one delta per dashboard; a room
    broadcast computes the delta once and encodes it once for all.
    """

    def __init__(self, app: Any, states: dict[str, type[Any]]) -> None:
        self._namespace = app.event_namespace
        self._state_names = {audience: state.get_full_name() for audience, state in states.items()}

    async def send(self, to: str, audience: str, values: DashboardValues) -> None:
        fields = {name + FIELD_MARKER: value for name, value in values.items()}
        delta = {self._state_names[audience]: fields}
        await self._deliver(to, [str(SocketEvent.EVENT), StateUpdate(delta=delta)])

    async def _deliver(self, to: str, data: list[Any]) -> None:
        """Encode once, then queue the same engine.io packet on each socket of `to` in turn.

        What python-socketio's `emit` does, without its task per recipient: at hundreds of
        sockets per change, creating and awaiting those tasks cost more than the sending.
        Each socket's own queue keeps its packets in order, as with `emit`.
        """
        server, namespace = self._namespace.server, self._namespace.namespace
        encoded = server.packet_class(sio_packet.EVENT, namespace=namespace, data=data).encode()
        frame = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        for _, eio_sid in server.manager.get_participants(namespace, to):
            socket = server.eio.sockets.get(eio_sid)
            if socket is not None and not socket.closed:
                await socket.send(frame)

    async def enter(self, sid: str, room: str) -> None:
        """Join `room`, leaving any other room of its kind (a tab shows one location)."""
        await self._leave(sid, (_kind(room),), keep=room)
        await self._namespace.enter_room(sid, room)

    async def evict(self, room: str, kinds: tuple[str, ...]) -> None:
        server, namespace = self._namespace.server, self._namespace.namespace
        for sid, _ in list(server.manager.get_participants(namespace, room)):
            await self._leave(sid, kinds)

    async def _leave(self, sid: str, kinds: tuple[str, ...], keep: str | None = None) -> None:
        server, namespace = self._namespace.server, self._namespace.namespace
        for joined in server.rooms(sid, namespace=namespace):
            if _kind(joined) in kinds and joined != keep:
                await self._namespace.leave_room(sid, joined)


def _kind(room: str) -> str:
    """`location:3` -> `location`."""
    return room.split(":", 1)[0]


# The kinds of room (text before ':') a door kiosk's socket joins.
KIOSK_ROOMS = ("kiosks", "kiosk")


def room_for(location_id: int) -> str:
    return f"location:{location_id}"


def kiosks_room(location_id: int) -> str:
    return f"kiosks:{location_id}"


def device_room(kiosk_id: int) -> str:
    return f"kiosk:{kiosk_id}"


class LiveHub:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.views: dict[int, DashboardValues] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._fanout: Fanout | None = None
        self._kiosks: set[int] = set()
        # Joins and broadcasts are serialised so a joining socket never misses a change.
        self._lock = asyncio.Lock()
        # Reads run concurrently; a read that began before the one already applied for a
        # location's numbers (or rows) is older than what dashboards show, and is dropped.
        self._reads = itertools.count(1)
        self._applied: dict[tuple[int, bool], int] = {}
        # Locations changed since the last refresh round (None: all of them).
        self._due: set[int | None] = set()
        self._wake = asyncio.Event()
        # Locations whose numbers went out and whose rows are still to follow.
        self._rows_due: set[int] = set()
        self._rows_wake = asyncio.Event()

    def current(self, location_id: int | None = None) -> tuple[int, DashboardValues] | None:
        """The view of a location (default: the first one), as last read from the database."""
        if not self.views:
            return None
        key = location_id if location_id in self.views else min(self.views)
        return key, self.views[key]

    def location_named(self, name: str | None) -> int | None:
        """The id of the location with this name, if this instance knows it."""
        ids = (key for key, view in self.views.items() if view["location_name"] == name)
        return next(ids, None)

    def location_names(self) -> list[str]:
        return [self.views[key]["location_name"] for key in sorted(self.views)]

    async def refresh(self, location_id: int | None = None) -> None:
        """Re-read one location (or all) and broadcast what changed.

        For one location its numbers go out first: they are what staff watch, and reading
        them takes a few ms, against ~10 ms for the feed and "who is inside" rows.
        """
        if location_id is None:
            await self._refresh(None, numbers=True, rows=True)
        else:
            await self._refresh(location_id, numbers=True, rows=False)
            await self._refresh(location_id, numbers=False, rows=True)

    async def _refresh(self, location_id: int | None, *, numbers: bool, rows: bool) -> None:
        ticket = next(self._reads)
        fresh = await asyncio.to_thread(self._read, location_id, numbers, rows)
        async with self._lock:
            for key, values in fresh.items():
                newer = self._newer_than_shown(key, values, ticket)
                old = self.views.get(key, {})
                changed = {k: v for k, v in newer.items() if old.get(k) != v}
                if not changed:
                    continue
                changed["updated_at"] = newer["updated_at"] = self.deps.clock().isoformat()
                view = old | newer
                try:
                    await self._send_change(key, changed, view)
                except Exception:  # the view is not stored, so the next round sends it again
                    logger.exception("broadcast for location %s failed", key)
                    continue
                self.views[key] = view
            await self._send_location_names()

    async def _send_location_names(self) -> None:
        """Every dashboard's picker lists the locations this instance knows, new ones too."""
        names = self.location_names()
        for key, view in self.views.items():
            if view.get("locations") != names:
                if self._fanout is not None:
                    await self._fanout.send(room_for(key), DASHBOARD, {"locations": names})
                view["locations"] = names

    def _newer_than_shown(self, key: int, values: DashboardValues, ticket: int) -> DashboardValues:
        """The part of a read (numbers, rows) that no later read has already applied."""
        newer: DashboardValues = {}
        for rows in (False, True):
            part = {k: v for k, v in values.items() if (k in ROW_VALUES) == rows}
            if part and self._applied.get((key, rows), 0) < ticket:
                self._applied[key, rows] = ticket
                newer |= part
        return newer

    async def _send_change(
        self, key: int, changed: DashboardValues, values: DashboardValues
    ) -> None:
        if self._fanout is None:
            return
        await self._fanout.send(room_for(key), DASHBOARD, changed)
        if any(name in changed for name in KIOSK_VALUES):
            await self._fanout.send(kiosks_room(key), KIOSK, _for_kiosks(values))

    async def join(self, sid: str, location_id: int) -> None:
        """Add a socket to its location's room and send it the view as it is now."""
        if self._fanout is None:
            return
        async with self._lock:
            await self._fanout.enter(sid, room_for(location_id))
            if location_id in self.views:
                await self._fanout.send(sid, DASHBOARD, self.views[location_id])

    async def join_kiosk(self, sid: str, location_id: int, kiosk_id: int) -> None:
        """A door kiosk hears its location's head count, and its own revocation."""
        if self._fanout is None:
            return
        async with self._lock:
            await self._fanout.enter(sid, kiosks_room(location_id))
            await self._fanout.enter(sid, device_room(kiosk_id))
            self._kiosks.add(kiosk_id)
            if location_id in self.views:
                await self._fanout.send(sid, KIOSK, _for_kiosks(self.views[location_id]))

    async def drop_revoked_kiosks(self) -> None:
        """Send revoked kiosks back to their pairing screen."""
        if not self._kiosks or self._fanout is None:
            return
        active = await asyncio.to_thread(kiosks.active_ids, deps=self.deps)
        for kiosk_id in self._kiosks - active:
            await self._fanout.send(device_room(kiosk_id), KIOSK, {"paired": False})
            # It no longer hears its location's head count either (it cannot scan anyway).
            await self._fanout.evict(device_room(kiosk_id), KIOSK_ROOMS)
        self._kiosks &= active

    def _read(
        self, location_id: int | None, numbers: bool, rows: bool
    ) -> dict[int, DashboardValues]:
        views = load_views(deps=self.deps, location_id=location_id, numbers=numbers, rows=rows)
        return {key: dashboard_values(view) for key, view in views.items()}

    def is_new(self, event_id: str) -> bool:
        """True the first time an event id is seen (events are applied once)."""
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > SEEN_EVENT_IDS:
            self._seen.popitem(last=False)
        return True

    def mark_changed(self, location_id: int | None) -> None:
        """Have the refresh loop re-read a location (None: all) at its next round."""
        self._due.add(location_id)
        self._wake.set()

    async def relay(self) -> None:
        """Apply every bus event; a gap (None) means resync everything from the database.

        A subscription that breaks is logged and opened again, after a resync, so live
        updates never stop for the life of the process.
        """
        while True:
            try:
                async for event in self.deps.bus.subscribe():
                    if event is None:
                        self.mark_changed(None)
                    elif self.is_new(event.id):
                        self.mark_changed(event.location_id)
            except Exception:
                logger.exception("event bus subscription failed; resubscribing")
            await asyncio.sleep(RESUBSCRIBE_SECONDS)
            self.mark_changed(None)

    async def refresh_changed_forever(self) -> None:
        """The numbers of changed locations, one read per location per round.

        Events arriving during a round share the next, so at a hundred events a second the
        database is read once per round instead of once per event, and latency stays
        bounded by two rounds rather than growing with the queue. The rows follow in
        `refresh_rows_forever`.
        """
        while True:
            await self._wake.wait()
            self._wake.clear()
            due, self._due = self._due, set()
            if None in due:
                await _logged(self.refresh())
                continue
            for location_id in sorted(due, key=int):
                await _logged(self._refresh(location_id, numbers=True, rows=False))
            self._rows_due |= due
            self._rows_wake.set()

    async def refresh_rows_forever(self) -> None:
        """The feed and "who is inside" rows of changed locations, at most every ROWS_INTERVAL.

        One change's rows go out right after its numbers; under a burst, each update of
        the rows (the large frame) carries every row that arrived since the last one.
        """
        while True:
            await self._rows_wake.wait()
            self._rows_wake.clear()
            due, self._rows_due = self._rows_due, set()
            for location_id in sorted(due):
                await _logged(self._refresh(location_id, numbers=False, rows=True))
            await asyncio.sleep(ROWS_INTERVAL)

    async def reconcile_forever(self) -> None:
        while True:
            await asyncio.sleep(self.deps.settings.reconcile_interval.total_seconds())
            await _logged(self.refresh())
            await _logged(self.drop_revoked_kiosks())

    async def sweep_forever(self) -> None:
        while True:
            await _logged(asyncio.to_thread(sweep.auto_checkout, deps=self.deps))
            await asyncio.sleep(self.deps.settings.sweep_interval.total_seconds())

    async def run(self, fanout: Fanout) -> None:
        """Load, then keep the views current until the app stops."""
        self._fanout = fanout
        await _logged(self.refresh())
        async with asyncio.TaskGroup() as group:
            group.create_task(self.relay())
            group.create_task(self.refresh_changed_forever())
            group.create_task(self.refresh_rows_forever())
            group.create_task(self.reconcile_forever())
            group.create_task(self.sweep_forever())


def _for_kiosks(values: DashboardValues) -> DashboardValues:
    return {name: values[name] for name in KIOSK_VALUES}


async def _logged(work: Any) -> None:
    """A failed round (database briefly away) is logged and retried next round, not fatal."""
    try:
        await work
    except Exception:
        logger.exception("live view update failed; retrying next round")


@functools.cache
def get_hub() -> LiveHub:
    return LiveHub(app_deps())
