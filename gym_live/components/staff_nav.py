"""The signed-in staff member and sign out, in the header of every staff page."""

from __future__ import annotations

import reflex as rx

from gym_live.states.auth import AuthState


def staff_nav() -> rx.Component:
    return rx.hstack(
        rx.text(AuthState.staff_name, size="2", weight="medium", id="staff-name"),
        rx.button(
            rx.icon("log-out", size=14),
            "Sign out",
            on_click=AuthState.sign_out,
            variant="soft",
            color_scheme="gray",
            size="1",
            id="sign-out",
        ),
        align="center",
        spacing="2",
    )
