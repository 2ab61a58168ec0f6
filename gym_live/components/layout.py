"""The frame of every staff page: the header (brand, the pages the role may use, who is
signed in, connection status, colour mode), the page's heading, then its content."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx

from gym_live.components.staff_nav import signed_in_as, staff_nav
from gym_live.reflex_compat import has_connection_errors, has_too_many_connection_errors


def staff_page(
    *content: rx.Component, heading: Sequence[rx.Component], current: str
) -> rx.Component:
    """A staff page at path `current`: the header, the page's own heading, its content."""
    return rx.container(
        rx.vstack(
            staff_header(current),
            rx.hstack(*heading, align="center", spacing="3", wrap="wrap"),
            *content,
            spacing="4",
            width="100%",
        ),
        size="4",
        padding_y="1em",
    )


def staff_header(current: str) -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.image(src="/logo.png", width="28px", height="28px", alt=""),
            rx.text("gym_live", weight="bold", size="3"),
            staff_nav(current),
            rx.spacer(),
            signed_in_as(),
            connection_status(),
            rx.color_mode.button(aria_label="Switch light or dark", size="2"),
            align="center",
            width="100%",
            wrap="wrap",
            spacing="3",
        ),
        class_name="gl-header",
        width="100%",
    )


def connection_status() -> rx.Component:
    """Connected / reconnecting / offline, always visible; while all is well a green icon
    (its word for screen readers and as a tooltip), so the header stays one line at 1280 px."""
    return rx.cond(
        has_too_many_connection_errors,
        _status("wifi-off", "Offline", "red"),
        rx.cond(
            has_connection_errors,
            _status("refresh-cw", "Reconnecting…", "amber"),
            _status("wifi", "Connected", "grass", quiet=True),
        ),
    )


def _status(icon: str, label: str, color: str, *, quiet: bool = False) -> rx.Component:
    return rx.badge(
        rx.icon(icon, size=14, aria_hidden="true"),
        rx.el.span(label, class_name="gl-visually-hidden") if quiet else label,
        title=label,
        color_scheme=color,
        variant="surface",
        size="2",
        id="connection-status",
    )
