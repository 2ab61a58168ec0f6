"""The instance's view cache: each location's dashboard values, as last read from the database.

One `LiveHub` per process. It re-reads a location when told something changed (by the
tasks in `live.tasks`), and broadcasts only the values that changed, once, to the room of
that location's sockets: the numbers first (a frame of a few hundred bytes), then the rows.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from collections import OrderedDict
from collections.abc import Iterable
from datetime import datetime

from gym_live.adapters import metrics
from gym_live.domain.kiosks import SEEN_EVERY
from gym_live.live import tasks
from gym_live.live.fanout import Fanout
from gym_live.live.rooms import (
    DASHBOARD,
    KIOSK,
    KIOSK_ROOMS,
    KIOSK_VALUES,
    device_room,
    for_kiosks,
    kiosks_room,
    room_for,
)
from gym_live.presentation import (
    LOCATIONS,
    RELAY_NOTICE,
    ROW_VALUES,
    UPDATED_AT,
    DashboardValues,
    dashboard_values,
    relay_notice,
)
from gym_live.services import kiosks
from gym_live.services.deps import Deps, app_deps
from gym_live.services.live_view import load_views

logger = logging.getLogger(__name__)
SEEN_EVENT_IDS = 10_000
# The kiosk state's event that shows a member admitted at the desk (states.kiosk).
ADMITTED_HANDLER = "check_admitted"


class LiveHub:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.views: dict[int, DashboardValues] = {}
        self.loaded = False  # the first read of every location has been applied
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._fanout: Fanout | None = None
        self._kiosks: set[int] = set()
        self._kiosks_seen_at: datetime | None = None
        # Joins and broadcasts are serialised so a joining socket never misses a change.
        self._lock = asyncio.Lock()
        # Reads run concurrently; a read that began before the one already applied for a
        # location's numbers (or rows) is older than what dashboards show, and is dropped.
        self._reads = itertools.count(1)
        self._applied: dict[tuple[int, bool], int] = {}

    async def run(self, fanout: Fanout) -> None:
        """Load, then keep the views current until the app stops."""
        self._fanout = fanout
        await tasks.keep_current(self)

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

    def open_pages(self) -> dict[str, int]:
        """Sockets open on this instance: dashboards, and door kiosks (for /metrics)."""
        fanout = self._fanout
        if fanout is None:
            return {DASHBOARD: 0, KIOSK: 0}
        return {
            DASHBOARD: sum(fanout.sockets_in(room_for(key)) for key in self.views),
            KIOSK: sum(fanout.sockets_in(kiosks_room(key)) for key in self.views),
        }

    def dashboards_watching(self, location_ids: Iterable[int] | None = None) -> int:
        """The most dashboards on this instance watching any one of these locations (of
        every location, for None)."""
        fanout = self._fanout
        if fanout is None:
            return 0
        keys = self.views if location_ids is None else location_ids
        return max((fanout.sockets_in(room_for(key)) for key in keys), default=0)

    def is_new(self, event_id: str) -> bool:
        """True the first time an event id is seen (events are applied once)."""
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > SEEN_EVENT_IDS:
            self._seen.popitem(last=False)
        return True

    async def refresh(self, location_id: int | None = None) -> None:
        """Re-read one location (or all) and broadcast what changed.

        For one location its numbers go out first: they are what staff watch, and reading
        them takes a few ms, against ~10 ms for the feed and "who is inside" rows.
        """
        if location_id is None:
            await self._refresh(None, numbers=True, rows=True)
        else:
            await self.refresh_numbers(location_id)
            await self.refresh_rows(location_id)

    async def refresh_numbers(self, location_id: int) -> None:
        await self._refresh(location_id, numbers=True, rows=False)

    async def refresh_rows(self, location_id: int) -> None:
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
                changed[UPDATED_AT] = newer[UPDATED_AT] = self.deps.clock().isoformat()
                view = old | newer
                try:
                    await self._send_change(key, changed, view)
                except Exception:  # the view is not stored, so the next round sends it again
                    logger.exception("broadcast for location %s failed", key)
                    continue
                self.views[key] = view
            await self._send_shared_values()
            self.loaded = self.loaded or location_id is None

    async def _send_shared_values(self) -> None:
        """What every dashboard shows alike: the locations this instance knows (new ones
        too, in the picker), and whether live updates are delayed (the bus is away)."""
        settings = self.deps.settings
        shared = {
            LOCATIONS: self.location_names(),
            RELAY_NOTICE: relay_notice(self.deps.bus.delayed, settings.reconcile_interval),
        }
        for key, view in self.views.items():
            changed = {name: value for name, value in shared.items() if view.get(name) != value}
            if changed:
                if self._fanout is not None:
                    await self._fanout.send(room_for(key), DASHBOARD, changed)
                view.update(changed)

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
        with metrics.FANOUT_SEND.time():
            await self._fanout.send(room_for(key), DASHBOARD, changed)
        if any(name in changed for name in KIOSK_VALUES):
            await self._fanout.send(kiosks_room(key), KIOSK, for_kiosks(values))

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
                await self._fanout.send(sid, KIOSK, for_kiosks(self.views[location_id]))
        await asyncio.to_thread(kiosks.mark_seen, [kiosk_id], deps=self.deps)

    async def mark_open_kiosks_seen(self) -> None:
        """Once a SEEN_EVERY, the kiosks with a page open on this instance are seen now
        (their admins' list tells a tablet that went dark from one that is idle)."""
        now, last = self.deps.clock(), self._kiosks_seen_at
        if self._fanout is None or (last is not None and now - last < SEEN_EVERY):
            return
        self._kiosks_seen_at = now
        fanout = self._fanout
        open_ids = [key for key in self._kiosks if fanout.sockets_in(device_room(key))]
        await asyncio.to_thread(kiosks.mark_seen, open_ids, deps=self.deps)

    async def show_admitted(self, kiosk_id: int) -> None:
        """The desk admitted anyway someone this kiosk refused: its page asks who, and
        shows them in (KioskState.check_admitted; the server's records decide what)."""
        if self._fanout is not None and self._fanout.sockets_in(device_room(kiosk_id)):
            await self._fanout.call(device_room(kiosk_id), KIOSK, ADMITTED_HANDLER)

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


@functools.cache
def get_hub() -> LiveHub:
    return LiveHub(app_deps())
