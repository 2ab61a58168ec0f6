"""Member photos on staff pages: small beside a name, so the desk sees at a glance that the
card belongs to the person at the door."""

from __future__ import annotations

import reflex as rx


def thumbnail(photo: rx.Var, size: str = "32px") -> rx.Component:
    """The photo at `photo` (a URL; nothing when it is empty). Its alt text is empty: the
    name beside it says who it is."""
    return rx.cond(
        photo != "",
        rx.image(
            src=photo,
            alt="",
            width=size,
            height=size,
            loading="lazy",
            class_name="gl-photo",
        ),
    )
