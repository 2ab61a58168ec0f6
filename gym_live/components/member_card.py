"""A member's card on a staff page: the picture, and printing (the card alone, at ID-1 size:
`.gl-member-card` in gym_live.css) or downloading it."""

from __future__ import annotations

import reflex as rx


def member_card(card: rx.Var, name: rx.Var, code: rx.Var, *more: rx.Component) -> rx.Component:
    """`card`: the PNG as a data URI; `more`: further buttons beside print and download."""
    return rx.vstack(
        rx.image(
            src=card, alt="Member card of " + name, id="member-card", class_name="gl-member-card"
        ),
        rx.hstack(
            rx.button(
                rx.icon("printer", size=16),
                "Print card",
                on_click=rx.call_script("window.print()"),
                id="print-card",
            ),
            rx.button(
                rx.link(
                    rx.icon("download", size=16),
                    "Download PNG",
                    href=card,
                    download="card-" + code + ".png",
                    id="download-card",
                ),
                as_child=True,
                variant="soft",
            ),
            *more,
            spacing="3",
            wrap="wrap",
        ),
        spacing="3",
    )
