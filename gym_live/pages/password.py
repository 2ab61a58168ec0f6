"""`/password`: a staff member chooses their own password (first, after an admin handed one
over: the guard sends them here until they have)."""

from __future__ import annotations

import reflex as rx

from gym_live.components.forms import field, form_error, text_input
from gym_live.components.layout import staff_page
from gym_live.domain.staff import (
    CURRENT_PASSWORD,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    PASSWORD,
    REPEATED_PASSWORD,
)
from gym_live.pages import routes
from gym_live.states.auth import AuthState

ERRORS = AuthState.password_errors


def password_page() -> rx.Component:
    return staff_page(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.text(
                        f"At least {MIN_PASSWORD_LENGTH} characters, not your username, not one "
                        "of the commonest passwords. Your other signed-in browsers are signed out.",
                        size="2",
                        color_scheme="gray",
                    ),
                    _password("Current (or handed-over) password", CURRENT_PASSWORD, "current"),
                    _password("New password", PASSWORD, "new"),
                    _password("New password again", REPEATED_PASSWORD, "new"),
                    form_error(ERRORS.get("form", "")),
                    rx.button("Set my password", type="submit", id="change-password"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=AuthState.change_password,
                reset_on_submit=False,
            ),
            max_width="520px",
            width="100%",
        ),
        heading=[rx.heading("Choose your password", size="6", as_="h1")],
        current=routes.PASSWORD,
    )


def _password(label: str, name: str, autocomplete: str) -> rx.Component:
    return field(
        label,
        name,
        text_input(
            name,
            max_length=MAX_PASSWORD_LENGTH,
            type="password",
            auto_complete=f"{autocomplete}-password",
            width="100%",
        ),
        ERRORS.get(name, ""),
        width="100%",
    )
