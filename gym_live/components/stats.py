"""Stat cards and the hourly chart of the dashboard."""

from __future__ import annotations

import reflex as rx

from gym_live.states.live import LiveState


def stat_card(label: str, value: rx.Var, test_id: str, *extra: rx.Component) -> rx.Component:
    """One number with its label; `test_id` makes it findable for people's tools and tests."""
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", weight="medium", color_scheme="gray"),
            rx.heading(value, size="8", id=test_id),
            *extra,
            spacing="2",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def capacity_bar() -> rx.Component:
    """Occupancy against capacity: green, amber from 80 %, red when full."""
    color = rx.cond(
        LiveState.capacity_used_pct >= 100,
        "red",
        rx.cond(LiveState.capacity_used_pct >= 80, "amber", "grass"),
    )
    return rx.vstack(
        rx.progress(
            value=LiveState.capacity_used_pct,
            max=100,
            color_scheme=color,
            width="100%",
            aria_label="Capacity used",
        ),
        rx.text(
            LiveState.capacity_used_pct.to_string() + "% of " + LiveState.capacity.to_string(),
            size="1",
            color_scheme="gray",
            id="stat-capacity",
        ),
        width="100%",
        spacing="1",
    )


def stat_grid() -> rx.Component:
    return rx.grid(
        stat_card("In the gym now", LiveState.inside_now, "stat-inside-now", capacity_bar()),
        stat_card("Check-ins today", LiveState.checkins_today, "stat-checkins-today"),
        stat_card("Average stay (h:mm)", LiveState.avg_stay, "stat-avg-stay"),
        stat_card("Peak today", LiveState.peak_today, "stat-peak-today"),
        columns=rx.breakpoints(initial="1", sm="2", lg="4"),
        spacing="4",
        width="100%",
    )


def hourly_chart() -> rx.Component:
    """Check-ins per hour of the location's day."""
    return rx.card(
        rx.text("Check-ins by hour", size="2", weight="medium", color_scheme="gray"),
        check_ins_chart(hourly=LiveState.hourly),
        size="3",
        width="100%",
    )


@rx.memo
def check_ins_chart(hourly: rx.Var[list[dict[str, str | int]]]) -> rx.Component:
    """Memoised on its data: the page re-renders on every update of the dashboard's state,
    and the chart, the costliest part to render, only when the hours changed (a check-in,
    not a check-out; bench: paint)."""
    return rx.recharts.bar_chart(
        rx.recharts.bar(
            data_key="checkins",
            fill=rx.color("grass", 9),
            radius=[4, 4, 0, 0],
            is_animation_active=False,
        ),
        rx.recharts.x_axis(data_key="hour"),
        rx.recharts.y_axis(allow_decimals=False, width=32),
        rx.recharts.graphing_tooltip(),
        data=hourly,
        height=240,
        width="100%",
    )
