"""The dashboard's part of the staff header: the location, its picker, the LIVE chip."""

from __future__ import annotations

import reflex as rx

from gym_live.reflex_compat import has_connection_errors
from gym_live.states.live import LiveState

_AGO_FILTER = (
    "(s) => { const n = Math.max(0, Number(s)); "
    "return n < 60 ? `${n} s ago` : n < 3600 ? `${Math.floor(n / 60)} min ago` "
    ": `${Math.floor(n / 3600)} h ago`; }"
)


def live_chip() -> rx.Component:
    """Red and pulsing while connected; grey and saying so when the connection is gone;
    amber, with the reason in words, while live updates from other instances are delayed."""
    delayed = LiveState.relay_notice != ""
    return rx.hstack(
        rx.badge(
            rx.el.span(
                class_name="gl-live-dot",
                custom_attrs={"data-offline": has_connection_errors, "data-delayed": delayed},
            ),
            rx.cond(has_connection_errors, "OFFLINE", rx.cond(delayed, "DELAYED", "LIVE")),
            color_scheme=rx.cond(has_connection_errors, "gray", rx.cond(delayed, "amber", "red")),
            high_contrast=delayed,  # amber's own text on its soft fill is too faint (4.25:1)
            variant="soft",
            radius="full",
            size="2",
            id="live-chip",
        ),
        rx.cond(
            delayed,
            rx.text(
                LiveState.relay_notice,
                size="2",
                color_scheme="amber",
                role="status",
                id="relay-notice",
            ),
        ),
        rx.cond(
            LiveState.updated_at != "",
            rx.text(
                "updated ",
                # Seconds since the last change, re-rendered every second in the browser.
                rx.moment(
                    diff=LiveState.updated_at,
                    unit="seconds",
                    interval=1000,
                    filters=[rx.Var(_AGO_FILTER)],
                ),
                size="1",
                color_scheme="gray",
                id="updated-ago",
            ),
        ),
        align="center",
        spacing="2",
    )


def location_heading() -> tuple[rx.Component, ...]:
    """The location shown, a picker when there are several, and the LIVE chip."""
    return (
        rx.heading(LiveState.location_name, size="7", id="location-name"),
        rx.cond(
            LiveState.locations.length() > 1,
            rx.select.root(
                rx.select.trigger(aria_label="Location shown", id="location-picker"),
                rx.select.content(
                    rx.foreach(LiveState.locations, lambda name: rx.select.item(name, value=name))
                ),
                value=LiveState.location_name,
                on_change=LiveState.switch_location,
                size="1",
            ),
        ),
        live_chip(),
    )
