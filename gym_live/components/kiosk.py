"""The kiosk's screens: pairing, the scan area with its keypad, the full-screen answer, and
the screen that covers them while the server cannot be reached."""

from __future__ import annotations

import reflex as rx

from gym_live.domain.members import MAX_CODE_LENGTH
from gym_live.reflex_compat import has_connection_errors, has_too_many_connection_errors
from gym_live.states.kiosk import KioskState

ANSWER_COLORS = {
    "welcome": "grass",
    "goodbye": "blue",
    "already": "amber",
    "denied": "red",
    "cooldown": "red",
}
ANSWER_ICONS = {
    "welcome": "circle-check",
    "goodbye": "hand",
    "already": "info",
    "denied": "circle-x",
    "cooldown": "hourglass",
}
OFFLINE = "Offline \u2014 please see the front desk"
# The same dark grey in light and dark mode, so white text reads on it in both.
OFFLINE_BACKGROUND = "#2f3431"
KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]


def pairing_screen() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.icon("tablet-smartphone", size=48, color=rx.color("gray", 10)),
                rx.heading("This kiosk is not set up", size="7"),
                rx.text(
                    "Enter the pairing code from the front desk.", size="4", color_scheme="gray"
                ),
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="pairing_code",
                            placeholder="XXXX-XXXX",
                            size="3",
                            max_length=20,
                            id="kiosk-pairing-code",
                            auto_focus=True,
                            width="14em",
                        ),
                        rx.button("Pair", size="3", type="submit"),
                    ),
                    on_submit=KioskState.pair,
                    reset_on_submit=True,
                ),
                rx.cond(
                    KioskState.pairing_error != "",
                    rx.callout(
                        KioskState.pairing_error,
                        icon="triangle-alert",
                        color_scheme="red",
                        id="pairing-error",
                    ),
                ),
                align="center",
                spacing="4",
            ),
            size="5",
        ),
        height="100vh",
    )


KEY_NAMES = {"clear": "Clear", "back": "Delete the last digit"}


def _key(key: str) -> rx.Component:
    label = {"clear": "C", "back": rx.icon("delete", size=32)}.get(key, key)
    return rx.button(
        label,
        aria_label=KEY_NAMES.get(key, key),
        size="4",
        variant="soft",
        height="72px",
        font_size="28px",
        on_click=rx.call_script(f"window.glKioskKey('{key}')"),
        custom_attrs={"data-key": key},
        type="button",
    )


def scan_area() -> rx.Component:
    """The wedge scanner types into this input (always focused); the keypad types too."""
    return rx.form(
        rx.vstack(
            rx.cond(
                KioskState.asking_pin,
                # No name: a card number alone must not tell anyone whose card it is.
                rx.heading("Enter your PIN", size="6", id="kiosk-pin-prompt"),
            ),
            rx.input(
                name="code",
                id="kiosk-code",
                type=rx.cond(KioskState.asking_pin, "password", "text"),
                placeholder=rx.cond(KioskState.asking_pin, "PIN", "Scan card or type number"),
                auto_focus=True,
                max_length=MAX_CODE_LENGTH,
                auto_complete="off",
                size="3",
                font_size="28px",
                height="64px",
                width="100%",
                text_align="center",
            ),
            rx.grid(*[_key(k) for k in KEYS], columns="3", spacing="3", width="100%"),
            rx.button(
                "Enter",
                size="4",
                height="72px",
                width="100%",
                font_size="28px",
                type="submit",
                id="kiosk-enter",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=KioskState.scan,
        reset_on_submit=True,
        id="kiosk-form",
        width="min(92vw, 460px)",
    )


def answer_overlay() -> rx.Component:
    """The answer fills the screen; the scan area stays underneath, focused for the next card."""
    return rx.cond(
        KioskState.screen != "idle",
        _full_screen(
            rx.match(
                KioskState.screen,
                *[(k, rx.icon(i, size=120, color="white")) for k, i in ANSWER_ICONS.items()],
                rx.fragment(),
            ),
            KioskState.title,
            KioskState.detail,
            ids=("kiosk-title", "kiosk-detail"),
            z_index="10",
            background=rx.match(
                KioskState.screen,
                *[(k, rx.color(c, 9)) for k, c in ANSWER_COLORS.items()],
                rx.color("gray", 9),
            ),
            id="kiosk-answer",
            on_click=KioskState.dismiss,
            custom_attrs={"data-screen": KioskState.screen, "data-shown": KioskState.shown},
        ),
    )


def _full_screen(
    icon: rx.Component,
    title: str | rx.Var,
    detail: str | rx.Var,
    *,
    ids: tuple[str, str],
    detail_size: str = "7",
    **layer: object,
) -> rx.Component:
    """A message in white over the whole screen; `layer` is the covering element's own
    (background, z-index, id, events)."""
    title_id, detail_id = ids
    return rx.center(
        rx.vstack(
            icon,
            rx.heading(title, size="9", color="white", text_align="center", id=title_id),
            rx.text(detail, size=detail_size, color="white", text_align="center", id=detail_id),
            align="center",
            spacing="5",
            padding="2em",
        ),
        position="fixed",
        inset="0",
        **layer,
    )


def idle_screen() -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.image(src="/logo.png", width="40px", height="40px", alt=""),
                rx.heading(KioskState.location_name, size="8", id="kiosk-location"),
                align="center",
            ),
            rx.moment(
                interval=1000, format="HH:mm", font_size="96px", font_weight="700", id="kiosk-clock"
            ),
            rx.text(
                KioskState.inside_now,
                rx.cond(KioskState.inside_now == 1, " person", " people"),
                " training now",
                size="6",
                color_scheme="gray",
                id="kiosk-inside",
            ),
            align="center",
            justify="center",
            spacing="3",
        ),
        scan_area(),
        answer_overlay(),
        direction=rx.breakpoints(initial="column", md="row"),
        align="center",
        justify="center",
        gap="5vw",
        min_height="100vh",
        padding="3vh 4vw",
    )


def connection_screen() -> rx.Component:
    """While the socket is down: "Reconnecting" after its first failed attempt, then
    "Offline — please see the front desk"; it clears by itself once the socket is back.
    It covers the scan area, so nobody scans into a door that cannot answer (Reflex's own
    connection toast is hidden on this page: assets/gym_live.css)."""
    offline = has_too_many_connection_errors
    return rx.cond(
        has_connection_errors,
        _full_screen(
            rx.cond(
                offline,
                rx.icon("wifi-off", size=120, color="white"),
                rx.spinner(size="3", color="white"),
            ),
            rx.cond(offline, OFFLINE, "Reconnecting\u2026"),
            rx.cond(
                offline,
                "This screen clears by itself when the connection is back.",
                "One moment, please.",
            ),
            ids=("kiosk-offline-title", "kiosk-offline-detail"),
            detail_size="6",
            z_index="20",
            background=OFFLINE_BACKGROUND,
            role="alert",
            id="kiosk-offline",
            custom_attrs={"data-offline": offline},
        ),
    )
