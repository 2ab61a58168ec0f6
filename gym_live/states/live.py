"""The dashboard's state: a copy of the instance's live view, updated by room broadcasts."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from gym_live.live.hub import get_hub
from gym_live.live.rooms import without_rows
from gym_live.presentation import DashboardValues
from gym_live.states.room_copy import RoomCopy

# LiveState's own vars; every other one is a value of the hub's view, set by name.
PAGE_VARS = ("location_id", "opened_at", "ready")


class LiveState(RoomCopy, rx.State):
    """The hub's view of one location (`presentation.dashboard_values`), and the page's own vars."""

    location_id: int = 0
    location_name: str = ""
    inside_now: int = 0
    checkins_today: int = 0
    avg_stay: str = ""
    peak_today: int = 0
    capacity: int = 0
    capacity_used_pct: int = 0
    hourly: list[dict[str, str | int]] = []
    feed: list[dict[str, str]] = []
    inside: list[dict[str, str]] = []
    updated_at: str = ""
    opened_at: str = ""
    ready: bool = False
    locations: list[str] = []
    relay_notice: str = ""

    @rx.event
    async def open_dashboard(self):  # noqa: ANN201  (returns a Reflex event chain)
        """Show the view as it is now, then join the room (which re-sends anything newer).

        The join is a follow-up event, not a call here: this handler's delta goes out only
        when it returns, so a join sent from inside it could be overtaken by that older
        delta (500 dashboards opened at once left 18 on a stale number that way).
        """
        hub = get_hub()
        if not hub.views:
            await hub.refresh()
        current = hub.current(hub.location_named(self.router.url.query_parameters.get("location")))
        if current is None:
            return None
        self.location_id, values = current
        for name, value in values.items():
            setattr(self, name, value)
        self.opened_at = hub.deps.clock().isoformat()
        self.ready = True
        return LiveState.join_room

    def _room_values(self) -> DashboardValues | None:
        """The numbers of now; never the rows, which carry members' names: a tab that
        reconnects signed out must not hear them (its stored rows are what it was shown,
        and `open_dashboard`, which the guard checks, sends the rows of now)."""
        view = get_hub().views.get(self.location_id) if self.ready else None
        return without_rows(view) if view else None

    @rx.event
    def switch_location(self, name: str):  # noqa: ANN201  (a navigation)
        """Another location's dashboard, with an address staff can bookmark."""
        return rx.redirect(f"/?{urlencode({'location': name[:80]})}")

    @rx.event
    async def join_room(self) -> None:
        await get_hub().join(self.router.session.session_id, self.location_id)
