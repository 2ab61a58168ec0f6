"""The background loops that keep an instance's live view current, for the life of the app.

- the relay applies every bus event by re-reading its location (so an event out of
  order, repeated, or after a gap in its location's stream leaves nothing missed), and a
  broken subscription means "re-read everything";
- the numbers round re-reads the numbers of changed locations, one read per location per
  round however many events came in it; the rows round follows with the feed and "who is
  inside" rows, at most every ROWS_INTERVAL;
- the reconcile re-reads everything every interval (changes made outside the app) and sends
  revoked kiosks back to pairing; the sweep closes visits past the maximum stay and ends
  freezes past their last day.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from gym_live.adapters import metrics
from gym_live.domain.events import EventKind
from gym_live.services import member_changes, sweep

if TYPE_CHECKING:
    from gym_live.live.hub import LiveHub

logger = logging.getLogger(__name__)
RESUBSCRIBE_SECONDS = 1.0
# Rows (feed, who is inside) go out at most this often per location under a burst.
ROWS_INTERVAL = 0.1
ALL = None  # a change of every location
# Changes every view shows: a location's name (in every picker), a member's name or card.
_EVERY_VIEW = (EventKind.LOCATION_CHANGED, EventKind.MEMBER_CHANGED)


class Changed:
    """Locations changed since a loop last looked (ALL: every one), and its wake-up."""

    def __init__(self) -> None:
        self._due: set[int | None] = set()
        self._wake = asyncio.Event()

    def add(self, *location_ids: int | None) -> None:
        self._due.update(location_ids)
        self._wake.set()

    async def take(self) -> set[int | None]:
        """Wait for a change, then take every change made until now."""
        await self._wake.wait()
        self._wake.clear()
        due, self._due = self._due, set()
        return due


async def keep_current(hub: LiveHub) -> None:
    """Load every view, then run the loops until the app stops."""
    numbers, rows = Changed(), Changed()
    await logged(hub.refresh())
    async with asyncio.TaskGroup() as group:
        group.create_task(relay(hub, numbers))
        group.create_task(refresh_numbers_forever(hub, numbers, rows))
        group.create_task(refresh_rows_forever(hub, rows))
        group.create_task(reconcile_forever(hub))
        group.create_task(sweep_forever(hub))


async def relay(hub: LiveHub, changed: Changed) -> None:
    """Apply every bus event; None (the subscription broke) means re-read everything.

    A subscription that breaks is logged and opened again, after a resync, so live
    updates never stop for the life of the process.
    """
    while True:
        try:
            async for event in hub.deps.bus.subscribe():
                if event is not None:
                    metrics.BUS_LAG.observe((hub.deps.clock() - event.at).total_seconds())
                if event is None or event.kind in _EVERY_VIEW:
                    changed.add(ALL)
                    continue
                changed.add(event.location_id)  # a re-read: an event heard twice costs one
                if event.admitted_at_kiosk is not None and hub.is_new(event.id):
                    await logged(hub.show_admitted(event.admitted_at_kiosk))
        except Exception:
            logger.exception("event bus subscription failed; resubscribing")
        await asyncio.sleep(RESUBSCRIBE_SECONDS)
        changed.add(ALL)


async def refresh_numbers_forever(hub: LiveHub, changed: Changed, rows: Changed) -> None:
    """The numbers of changed locations, one read per location per round.

    Events arriving during a round share the next, so at a hundred events a second the
    database is read once per round instead of once per event, and latency stays
    bounded by two rounds rather than growing with the queue. The rows follow in
    `refresh_rows_forever`.
    """
    while True:
        due = await changed.take()
        if ALL in due:
            await logged(hub.refresh())
            continue
        for location_id in sorted(due, key=int):
            await logged(hub.refresh_numbers(location_id))
        rows.add(*due)


async def refresh_rows_forever(hub: LiveHub, changed: Changed) -> None:
    """The feed and "who is inside" rows of changed locations, at most every ROWS_INTERVAL.

    One change's rows go out right after its numbers; under a burst, each update of
    the rows (the large frame) carries every row that arrived since the last one.
    """
    while True:
        for location_id in sorted(await changed.take(), key=int):
            await logged(hub.refresh_rows(location_id))
        await asyncio.sleep(ROWS_INTERVAL)


async def reconcile_forever(hub: LiveHub) -> None:
    while True:
        await asyncio.sleep(hub.deps.settings.reconcile_interval.total_seconds())
        with metrics.RECONCILE.time():
            await logged(hub.refresh())
        await logged(hub.drop_revoked_kiosks())
        await logged(hub.mark_open_kiosks_seen())


async def sweep_forever(hub: LiveHub) -> None:
    while True:
        await logged(asyncio.to_thread(sweep.auto_checkout, deps=hub.deps))
        await logged(asyncio.to_thread(member_changes.unfreeze_ended, deps=hub.deps))
        await asyncio.sleep(hub.deps.settings.sweep_interval.total_seconds())


async def logged(work: Awaitable[object]) -> None:
    """A failed round (database briefly away) is logged and retried next round, not fatal."""
    try:
        await work
    except Exception:
        logger.exception("live view update failed; retrying next round")
