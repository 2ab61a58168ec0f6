"""The instance's live view of every location, kept current and pushed to open dashboards.

- `hub`: the view cache (`LiveHub`): reads a location from the database, keeps what its
  dashboards show, broadcasts what changed, and joins sockets to rooms.
- `tasks`: the background loops that keep it current (bus relay, refresh rounds,
  reconcile, auto check-out sweep).
- `rooms`: who hears what: room names and what a door kiosk may be told.
- `fanout`: delivery to a room of sockets in Reflex's own delta format.
"""
