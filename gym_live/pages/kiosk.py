"""`/kiosk`: the self check-in tablet at the door."""

from __future__ import annotations

import reflex as rx

from gym_live.components.kiosk import connection_screen, idle_screen, pairing_screen
from gym_live.states.kiosk import KioskState


def kiosk() -> rx.Component:
    """Pairing until the tablet holds a valid device token; then the scan screen."""
    return rx.box(
        rx.script(src="/kiosk.js"),
        rx.cond(
            KioskState.checked,
            rx.cond(KioskState.paired, idle_screen(), pairing_screen()),
            rx.center(rx.spinner(size="3"), height="100vh"),
        ),
        connection_screen(),
        class_name="gl-kiosk-page",
    )
