"""The dashboard's state: a copy of the instance's live view, updated by room broadcasts."""

from __future__ import annotations

from urllib.parse import urlencode

import reflex as rx

from gym_live.live import get_hub


class LiveState(rx.State):
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

    @rx.event
    async def open_dashboard(self) -> None:
        """Show the view as it is now and join the room (which re-sends anything newer)."""
        hub = get_hub()
        if not hub.views:
            await hub.refresh()
        current = hub.current(hub.location_named(self.router.page.params.get("location")))
        if current is None:
            return
        self.location_id, values = current
        for name, value in values.items():
            setattr(self, name, value)
        self.opened_at = hub.deps.clock().isoformat()
        self.ready = True
        await hub.join(self.router.session.session_id, self.location_id)

    @rx.event
    def switch_location(self, name: str):  # noqa: ANN201  (a navigation)
        """Another location's dashboard, with an address staff can bookmark."""
        return rx.redirect(f"/?{urlencode({'location': name[:80]})}")
