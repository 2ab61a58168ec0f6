"""`/`: the live numbers of a location."""

from __future__ import annotations

import reflex as rx

from gym_live.components.stats import hourly_chart, stat_grid
from gym_live.states.live import LiveState


def dashboard() -> rx.Component:
    """The staff's live view of the gym."""
    return rx.container(
        rx.vstack(
            rx.hstack(
                rx.image(src="/logo.png", width="32px", height="32px", alt="gym_live"),
                rx.heading(LiveState.location_name, size="7", id="location-name"),
                rx.badge("LIVE", color_scheme="red", variant="solid", radius="full"),
                rx.spacer(),
                rx.color_mode.button(),
                align="center",
                width="100%",
            ),
            rx.cond(
                LiveState.ready,
                rx.vstack(stat_grid(), hourly_chart(), spacing="4", width="100%"),
                rx.center(rx.spinner(size="3"), rx.text(" Loading live numbers…"), padding="4em"),
            ),
            spacing="5",
            width="100%",
        ),
        size="4",
        padding_y="2em",
    )
