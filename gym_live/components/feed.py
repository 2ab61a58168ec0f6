"""The live activity feed: newest first, coloured by what happened."""

from __future__ import annotations

import reflex as rx

from gym_live.components.dialogs import change_dialog, dialog_form, suggesting_input
from gym_live.components.forms import field
from gym_live.components.photos import thumbnail
from gym_live.components.tables import long_text
from gym_live.domain.overrides import OVERRIDE_REASON_LENGTH, OVERRIDE_REASONS
from gym_live.domain.overrides import REASON as OVERRIDE_FIELD
from gym_live.states.desk import DeskState
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
        rx.cond(
            row["admit"] != "",
            rx.button(
                "Admit anyway",
                size="1",
                variant="soft",
                white_space="nowrap",
                on_click=DeskState.start_admit(row["admit"], row["name"]),
                class_name="gl-admit",
            ),
        ),
        rx.moment(row["at"], from_now=True, interval=15000, font_size="12px"),
        key=row["id"],
        # Only what happens after the page opened flashes; the history does not.
        class_name=rx.cond(row["at"] > LiveState.opened_at, "gl-feed-row gl-new", "gl-feed-row"),
        custom_attrs={
            "data-kind": row["kind"],
            "data-at": row["at"],
            "data-from-kiosk": row["from_kiosk"],
        },
        align="center",
        width="100%",
        padding="6px",
    )


def activity_feed() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading("Activity", size="3"),
            rx.spacer(),
            rx.switch(
                checked=DeskState.refusal_sound != "off",
                on_change=DeskState.switch_refusal_sound,
                size="1",
                id="refusal-sound",
            ),
            rx.el.label("Sound on door refusals", html_for="refusal-sound", class_name="gl-label"),
            align="center",
            spacing="2",
            margin_bottom="8px",
        ),
        rx.cond(
            LiveState.feed.length() > 0,
            rx.vstack(rx.foreach(LiveState.feed, feed_row), spacing="1", id="activity-feed"),
            rx.text("Nothing has happened here today yet.", color_scheme="gray", size="2"),
        ),
        admit_dialog(),
        size="3",
        width="100%",
    )


def admit_dialog() -> rx.Component:
    """Why the member is let in although the door refused them (suggested, or typed)."""
    return change_dialog(
        rx.fragment("Admit ", DeskState.admitting_name, " anyway?"),
        "They are checked in here as your override, with the reason: the feed, their "
        "visits and the audit trail show it.",
        dialog_form(
            DeskState.admit,
            "Admit",
            "confirm-admit",
            field(
                "Reason",
                OVERRIDE_FIELD,
                suggesting_input(
                    OVERRIDE_FIELD,
                    max_length=OVERRIDE_REASON_LENGTH,
                    suggestions=OVERRIDE_REASONS,
                ),
                DeskState.admit_error,
            ),
        ),
        open=DeskState.admitting != "",
        on_open_change=DeskState.admit_open_changed,
    )
