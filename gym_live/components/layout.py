"""The frame of every staff page: the header (brand, the page's heading, navigation,
connection status, colour mode), then the page's content. Bound to no page's state."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from gym_live.reflex_compat import has_connection_errors, has_too_many_connection_errors


def staff_page(
    *content: rx.Component,
    heading: Sequence[rx.Component] = (),
    nav: rx.Component | None = None,
) -> rx.Component:
    """A staff page: the header with the page's own heading and navigation, then its content."""
    return rx.container(
        rx.vstack(staff_header(heading, nav), *content, spacing="5", width="100%"),
        size="4",
        padding_y="1.5em",
    )


def staff_header(heading: Sequence[rx.Component], nav: rx.Component | None) -> rx.Component:
    return rx.hstack(
        rx.image(src="/logo.png", width="32px", height="32px", alt="gym_live"),
        *heading,
        rx.spacer(),
        *([] if nav is None else [nav]),
        connection_status(),
        rx.color_mode.button(),
        align="center",
        width="100%",
        wrap="wrap",
    )


def connection_status() -> rx.Component:
    """Connected / reconnecting / offline, always visible."""
    return rx.cond(
        has_too_many_connection_errors,
        _status("wifi-off", "Offline", "red"),
        rx.cond(
            has_connection_errors,
            _status("refresh-cw", "Reconnecting…", "amber"),
            _status("wifi", "Connected", "grass"),
        ),
    )


def _status(icon: str, label: str, color: str) -> rx.Component:
    return rx.badge(
        rx.icon(icon, size=14),
        label,
        color_scheme=color,
        variant="surface",
        size="2",
        id="connection-status",
    )
