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
    """One row, as a memoised component of the row's own texts: every update replaces the
    whole list (Reflex's delta sets a var whole), and React then renders only the rows
    whose texts changed, not all twenty (bench: paint)."""
    return shown_feed_row(
        kind=row["kind"],
        name=row["name"],
        action=row["action"],
        detail=row["detail"],
        location=row["location"],
        at=row["at"],
        photo=row["photo"],
        admit=row["admit"],
        from_kiosk=row["from_kiosk"],
        # Only what happens after the page opened flashes; the history does not.
        fresh=row["at"] > LiveState.opened_at,
        key=row["id"],
    )


@rx.memo
def shown_feed_row(
    kind: rx.Var[str],
    name: rx.Var[str],
    action: rx.Var[str],
    detail: rx.Var[str],
    location: rx.Var[str],
    at: rx.Var[str],
    photo: rx.Var[str],
    admit: rx.Var[str],
    from_kiosk: rx.Var[str],
    fresh: rx.Var[bool],
    rest: rx.RestProp,
) -> rx.Component:
    """`rest` carries the caller's `key` (React keeps it; the row never sees it)."""
    return rx.hstack(
        _kind_icon(kind),
        thumbnail(photo),
        rx.vstack(
            long_text(name, weight="medium", size="2"),
            rx.text(
                action,
                rx.cond(detail != "", " · " + detail, ""),
                " · ",
                location,
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            admit != "",
            rx.button(
                "Admit anyway",
                size="1",
                variant="soft",
                white_space="nowrap",
                on_click=DeskState.start_admit(admit, name),
                class_name="gl-admit",
            ),
        ),
        rx.moment(at, from_now=True, interval=15000, font_size="12px"),
        rest,
        class_name=rx.cond(fresh, "gl-feed-row gl-new", "gl-feed-row"),
        custom_attrs={"data-kind": kind, "data-at": at, "data-from-kiosk": from_kiosk},
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
