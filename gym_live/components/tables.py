"""The table of an admin page: column titles, then one row per item."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import reflex as rx


def admin_table(
    titles: Sequence[str | rx.Component],
    rows: rx.Var,
    row: Callable[[rx.Var], rx.Component],
    *,
    id: str,
) -> rx.Component:
    """A title is text, or a column header cell of its own (one that sorts, say)."""
    return rx.card(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *[
                        title
                        if isinstance(title, rx.Component)
                        else rx.table.column_header_cell(title)
                        for title in titles
                    ]
                )
            ),
            rx.table.body(rx.foreach(rows, row)),
            width="100%",
            id=id,
        ),
        width="100%",
    )


def moment_or(at: rx.Var, missing: str) -> rx.Component:
    """A time from the server (ISO text) in the browser's zone, or `missing` when empty."""
    return rx.cond(
        at != "",
        rx.moment(at, format="D MMM YYYY, HH:mm"),
        rx.text(missing, color_scheme="gray"),
    )


def status_badge(
    status: rx.Var, labels: Mapping[str, tuple[str, str]], otherwise: rx.Component
) -> rx.Component:
    """A status key as its badge: `labels` maps a key to its words and colour."""
    return rx.match(
        status,
        *[(key, rx.badge(label, color_scheme=color)) for key, (label, color) in labels.items()],
        otherwise,
    )


def row_action(
    label: str | rx.Var,
    on_click: rx.EventSpec,
    *,
    aria_label: str | rx.Var | None = None,
    color_scheme: str | rx.Var | None = None,
) -> rx.Component:
    """A small button in a table row; `aria_label` names the row it acts on, for those who
    hear the page rather than see the row. Without `color_scheme`, the theme's accent."""
    given = {"aria_label": aria_label, "color_scheme": color_scheme}
    props = {name: value for name, value in given.items() if value is not None}
    return rx.button(label, on_click=on_click, variant="soft", size="1", **props)


def long_text(text: rx.Var, **props: object) -> rx.Component:
    """Text that may be long without spaces (a 120-letter name): it wraps inside its cell
    instead of widening the table, and the whole of it shows on hover."""
    return rx.text(text, title=text, class_name="gl-long-text", **props)


def newer_older(
    *,
    page: rx.Var,
    has_older: rx.Var,
    newer: rx.EventHandler,
    older: rx.EventHandler,
    empty: rx.Var,
    empty_text: str,
    id: str,
) -> rx.Component:
    """Pages of a newest-first list (`page` counts from 0), and what to say when it is
    `empty` (only that, when there is nothing at all). Ids: `<id>-newer`, `<id>-page`,
    `<id>-older`, `<id>-empty`."""
    said = rx.text(empty_text, color_scheme="gray", size="2", id=f"{id}-empty")
    return rx.cond(
        empty & (page == 0),
        said,
        rx.hstack(
            rx.button(
                "Newer", on_click=newer, disabled=page == 0, variant="soft", id=f"{id}-newer"
            ),
            rx.text("Page ", page + 1, size="2", id=f"{id}-page"),
            rx.button(
                "Older", on_click=older, disabled=~has_older, variant="soft", id=f"{id}-older"
            ),
            rx.cond(empty, said),
            align="center",
            spacing="3",
        ),
    )
