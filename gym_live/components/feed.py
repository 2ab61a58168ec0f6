"""The live activity feed: newest first, coloured by what happened."""

from __future__ import annotations

import reflex as rx

from gym_live.components.photos import thumbnail
from gym_live.components.tables import long_text
from gym_live.states.live import LiveState

KIND_STYLE = {
    "check_in": ("log-in", "grass"),
    "check_out": ("log-out", "blue"),
    "auto_out": ("timer-off", "orange"),
    "denied": ("ban", "red"),
}


def _kind_icon(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind,
        *[
            (name, rx.badge(rx.icon(icon, size=16), color_scheme=color, size="2", radius="full"))
            for name, (icon, color) in KIND_STYLE.items()
        ],
        rx.badge(rx.icon("circle", size=16), size="2"),
    )


def feed_row(row: rx.Var) -> rx.Component:
    detail = rx.cond(row["detail"] != "", " · " + row["detail"], "")
    return rx.hstack(
        _kind_icon(row["kind"]),
        thumbnail(row["photo"]),
        rx.vstack(
            long_text(row["name"], weight="medium", size="2"),
            rx.text(row["action"], detail, " · ", row["location"], size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.moment(row["at"], from_now=True, interval=15000, font_size="12px"),
        key=row["id"],
        # Only what happens after the page opened flashes; the history does not.
        class_name=rx.cond(row["at"] > LiveState.opened_at, "gl-feed-row gl-new", "gl-feed-row"),
        custom_attrs={"data-kind": row["kind"], "data-at": row["at"]},
        align="center",
        width="100%",
        padding="6px",
    )


def activity_feed() -> rx.Component:
    return rx.card(
        rx.heading("Activity", size="3", margin_bottom="8px"),
        rx.cond(
            LiveState.feed.length() > 0,
            rx.vstack(rx.foreach(LiveState.feed, feed_row), spacing="1", id="activity-feed"),
            rx.text("Nothing has happened here today yet.", color_scheme="gray", size="2"),
        ),
        size="3",
        width="100%",
    )
