"""`/kiosk`: the self check-in tablet at the door."""

from __future__ import annotations

import reflex as rx

from gym_live.components.kiosk import connection_screen, idle_screen, pairing_screen
from gym_live.states.kiosk import KioskState

# The door kiosk says it is offline in its own words (components/kiosk.py,
# connection_screen): Reflex's generic connection toast and pulsing icon are not shown
# there. The page carries its own style for that, gone with it: a `body:has(...)` rule in
# the stylesheet made every DOM change on every page restyle most of it (2.5 ms for each
# label recharts measures on /reports).
HIDE_REFLEX_CONNECTION = (
    '[data-sonner-toaster], div[title^="Connection Error"] { display: none !important; }'
)


def kiosk() -> rx.Component:
    """Pairing until the tablet holds a valid device token; then the scan screen."""
    return rx.box(
        rx.script(src="/kiosk.js"),
        rx.el.style(HIDE_REFLEX_CONNECTION),
        rx.cond(
            KioskState.checked,
            rx.cond(KioskState.paired, idle_screen(), pairing_screen()),
            rx.center(rx.spinner(size="3"), height="100vh"),
        ),
        connection_screen(),
    )
