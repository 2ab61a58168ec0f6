"""`/login`: staff sign in here; every staff page sends a tab without a session here."""

from __future__ import annotations

import reflex as rx

from gym_live.states.auth import AuthState


def login() -> rx.Component:
    """Username and password, and the reason in words when signing in fails."""
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.image(src="/logo.png", width="32px", height="32px", alt="gym_live"),
                        rx.heading("Staff sign-in", size="6", as_="h1"),
                        align="center",
                    ),
                    _field("Username", "username", "username", "text"),
                    _field("Password", "password", "current-password", "password"),
                    rx.cond(
                        AuthState.error != "",
                        rx.callout(
                            AuthState.error,
                            icon="triangle-alert",
                            color_scheme="red",
                            id="login-error",
                        ),
                    ),
                    rx.button("Sign in", type="submit", size="3", width="100%", id="login-submit"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=AuthState.sign_in,
                reset_on_submit=False,
            ),
            size="4",
            width="min(420px, 92vw)",
        ),
        rx.box(
            rx.color_mode.button(aria_label="Switch light or dark"),
            position="fixed",
            top="1em",
            right="1em",
        ),
        min_height="100vh",
    )


def _field(label: str, name: str, autocomplete: str, kind: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"login-{name}", class_name="gl-label"),
        rx.input(
            name=name,
            id=f"login-{name}",
            type=kind,
            auto_complete=autocomplete,
            max_length=256,
            required=True,
            size="3",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )
