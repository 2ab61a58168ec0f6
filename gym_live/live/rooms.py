"""Who hears what: socket.io room names, and the part of a view a door kiosk may be told.

A room's kind is the text before ':'; a socket is in at most one room of each kind.
"""

from __future__ import annotations

from gym_live.presentation import ROW_VALUES, DashboardValues

# Audiences: which page state a broadcast is applied to.
DASHBOARD, KIOSK = "dashboard", "kiosk"
# What a door kiosk may know of its location: never names, lists or feeds.
KIOSK_VALUES = ("location_name", "inside_now")
# The kinds of room a door kiosk's socket joins.
KIOSK_ROOMS = ("kiosks", "kiosk")
# The kinds of room only a signed-in staff member's socket may be in.
STAFF_ROOMS = ("location",)


def kind(room: str) -> str:
    """`location:3` -> `location`."""
    return room.split(":", 1)[0]


def room_for(location_id: int) -> str:
    """The dashboards of a location."""
    return f"location:{location_id}"


def kiosks_room(location_id: int) -> str:
    """The door kiosks of a location (they hear its head count)."""
    return f"kiosks:{location_id}"


def device_room(kiosk_id: int) -> str:
    """One kiosk's sockets (they hear its revocation)."""
    return f"kiosk:{kiosk_id}"


def for_kiosks(values: DashboardValues) -> DashboardValues:
    return {name: values[name] for name in KIOSK_VALUES}


def without_rows(values: DashboardValues) -> DashboardValues:
    """The view without its rows (the feed, who is inside), which carry members' names:
    what a tab may hear before the guard has checked its session (a reconnect)."""
    return {name: value for name, value in values.items() if name not in ROW_VALUES}
