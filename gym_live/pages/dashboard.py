"""`/`: the front desk's live view of a location."""

from __future__ import annotations

import reflex as rx

from gym_live.components.desk import manual_check_in, who_is_inside
from gym_live.components.feed import activity_feed
from gym_live.components.header import location_heading
from gym_live.components.layout import staff_page
from gym_live.components.stats import hourly_chart, stat_grid
from gym_live.pages import routes
from gym_live.states.live import LiveState


def dashboard() -> rx.Component:
    """The staff's live view of the gym."""
    return staff_page(
        rx.cond(
            LiveState.ready,
            rx.vstack(
                stat_grid(),
                _side_by_side(hourly_chart(), manual_check_in()),
                _side_by_side(activity_feed(), who_is_inside()),
                spacing="4",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), rx.text(" Loading live numbers…"), padding="4em"),
        ),
        rx.script(src="/desk.js"),
        heading=location_heading(),
        current=routes.DASHBOARD,
    )


def _side_by_side(left: rx.Component, right: rx.Component) -> rx.Component:
    """Two cards in a row on wide screens, stacked on narrow ones."""
    return rx.grid(
        left, right, columns=rx.breakpoints(initial="1", md="2"), spacing="4", width="100%"
    )
