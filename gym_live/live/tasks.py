"""The background loops that keep an instance's live view current, for the life of the app.

- the relay applies every bus event by re-reading its location (so an event out of
  order, repeated, or after a gap in its location's stream leaves nothing missed), and a
  broken subscription means "re-read everything";
- the numbers round re-reads the numbers of changed locations, one read per location per
  round however many events came in it, spaced by the rooms' size; the rows round
  follows with the feed and "who is inside" rows, at once after a quiet spell, and at
  most every ROWS_INTERVAL while changes keep coming;
- the reconcile re-reads everything every interval (changes made outside the app) and sends
  revoked kiosks back to pairing; the sweep closes visits past the maximum stay, ends
  freezes past their last day, and forgets API answers older than a day.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from gym_live.adapters import metrics
from gym_live.domain.events import EventKind
from gym_live.services import api_scans, member_changes, sweep, webhooks

if TYPE_CHECKING:
    from gym_live.live.hub import LiveHub

logger = logging.getLogger(__name__)
RESUBSCRIBE_SECONDS = 1.0
# Under a burst, rounds of numbers are spaced by at least NUMBERS_MIN_INTERVAL (a read of
# the database each), and more for a large room, so that a location's numbers go to at
# most NUMBERS_SENDS_PER_SECOND of its dashboards' sockets a second (a send costs ~30 us
# of CPU), up to NUMBERS_MAX_INTERVAL. The first change after a quiet spell goes out at
# once. Rows (feed, who is inside) follow their numbers at once too, and a round of rows
# holds the next as the numbers' do; while changes keep coming during that hold, rows go
# out at most every ROWS_INTERVAL (their read costs more than the numbers').
NUMBERS_MIN_INTERVAL = 0.02
NUMBERS_SENDS_PER_SECOND = 10_000
NUMBERS_MAX_INTERVAL = 0.05
ROWS_INTERVAL = 0.1
ALL = None  # a change of every location
# Changes every view shows: a location's name (in every picker), a member's name or card.
_EVERY_VIEW = (EventKind.LOCATION_CHANGED, EventKind.MEMBER_CHANGED)


class Changed:
    """Locations changed since a loop last looked (ALL: every one), and its wake-up."""

    def __init__(self) -> None:
        self._due: set[int | None] = set()
        self._bursting = False
        self._wake = asyncio.Event()

    def add(self, *location_ids: int | None, bursting: bool = False) -> None:
        """`bursting`: these changes came while others kept coming."""
        self._due.update(location_ids)
        self._bursting = self._bursting or bursting
        self._wake.set()

    @property
    def pending(self) -> bool:
        """A change came since the last `take`."""
        return bool(self._due)

    @property
    def bursting(self) -> bool:
        """A change that came since the last `take` came while others kept coming."""
        return self._bursting

    async def take(self) -> set[int | None]:
        """Wait for a change, then take every change made until now."""
        await self._wake.wait()
        self._wake.clear()
        due, self._due, self._bursting = self._due, set(), False
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

    A change after a quiet spell goes out at once. Events arriving during a round, or
    while it holds the next (`numbers_interval`), share the next, so at two hundred events
    a second the database is read a few dozen times a second instead of 200, and latency
    stays bounded by the interval rather than growing with the queue. The rows follow in
    `refresh_rows_forever`.
    """
    clock = asyncio.get_running_loop().time
    while True:
        bursting = changed.pending  # changes came during the last round or its hold
        due = await changed.take()
        began = clock()
        if ALL in due:
            await logged(hub.refresh())
        else:
            for location_id in sorted(due, key=int):
                await logged(hub.refresh_numbers(location_id))
            rows.add(*due, bursting=bursting)
        await asyncio.sleep(max(0.0, began + numbers_interval(hub, due) - clock()))


def numbers_interval(hub: LiveHub, due: set[int | None]) -> float:
    """How long a round of numbers holds the next: NUMBERS_MIN_INTERVAL for up to 200
    dashboards on this instance, then longer with the room, so its sends a second stay
    bounded, up to NUMBERS_MAX_INTERVAL."""
    watching = hub.dashboards_watching(None if ALL in due else {key for key in due if key})
    return min(NUMBERS_MAX_INTERVAL, max(NUMBERS_MIN_INTERVAL, watching / NUMBERS_SENDS_PER_SECOND))


async def refresh_rows_forever(hub: LiveHub, changed: Changed) -> None:
    """The feed and "who is inside" rows of changed locations.

    A change after a quiet spell has its rows sent right after its numbers (a leading
    edge): scans one at a time each show their row at once. A round then holds the next
    as a round of numbers does (`numbers_interval`). While changes keep coming (the
    numbers' rounds find the next change waiting when their hold ends), the next round of
    rows waits until ROWS_INTERVAL after this one: under a burst each update of the rows
    (the large frame) carries every row since the last, as often as before.
    """
    clock = asyncio.get_running_loop().time
    while True:
        due = await changed.take()
        began = clock()
        for location_id in sorted(due, key=int):
            await logged(hub.refresh_rows(location_id))
        ended = clock()
        await asyncio.sleep(max(0.0, began + numbers_interval(hub, due) - clock()))
        if changed.bursting:
            await asyncio.sleep(max(0.0, ended + ROWS_INTERVAL - clock()))


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
        await logged(asyncio.to_thread(api_scans.forget_old_requests, deps=hub.deps))
        await logged(asyncio.to_thread(webhooks.forget_old_deliveries, deps=hub.deps))
        await asyncio.sleep(hub.deps.settings.sweep_interval.total_seconds())


async def logged(work: Awaitable[object]) -> None:
    """A failed round (database briefly away) is logged and retried next round, not fatal."""
    try:
        await work
    except Exception:
        logger.exception("live view update failed; retrying next round")
