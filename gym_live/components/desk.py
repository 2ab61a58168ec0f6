"""Front-desk tools: manual check-in by search, and who is inside with check-out buttons."""

from __future__ import annotations

import reflex as rx

from gym_live.components.forms import search_input
from gym_live.components.photos import thumbnail
from gym_live.components.tables import long_text
from gym_live.states.desk import DeskState
from gym_live.states.live import LiveState

STATUS_COLORS = {"active": "grass", "frozen": "cyan", "cancelled": "gray"}


def _match_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            long_text(row["name"], weight="medium", size="2"),
            rx.text(row["code"], size="1", color_scheme="gray"),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            row["status"] != "active",
            rx.badge(
                row["status"], color_scheme=rx.match(row["status"], *STATUS_COLORS.items(), "gray")
            ),
        ),
        rx.button(
            "Check in",
            size="1",
            on_click=DeskState.check_in(row["code"], row["name"]),
        ),
        align="center",
        width="100%",
        class_name="gl-match",
    )


def manual_check_in() -> rx.Component:
    return rx.card(
        rx.heading("Check a member in", size="3", margin_bottom="8px"),
        search_input(
            DeskState.query,
            DeskState.search,
            placeholder="Name, card number, email or phone",
            id="member-search",
        ),
        rx.vstack(
            rx.foreach(DeskState.matches, _match_row),
            spacing="2",
            margin_top="8px",
            id="member-matches",
        ),
        rx.cond(
            DeskState.searched & (DeskState.matches.length() == 0),
            rx.text("No member matches that.", size="2", color_scheme="gray"),
        ),
        size="3",
        width="100%",
    )


def _inside_row(row: rx.Var) -> rx.Component:
    """A memoised row of its own texts, as in the feed (components/feed.py): an update
    re-renders only the rows that changed."""
    return shown_inside_row(
        code=row["code"],
        name=row["name"],
        since=row["since"],
        since_iso=row["since_iso"],
        photo=row["photo"],
        shown=row["search"].contains(DeskState.inside_filter),
        key=row["code"],
    )


@rx.memo
def shown_inside_row(
    code: rx.Var[str],
    name: rx.Var[str],
    since: rx.Var[str],
    since_iso: rx.Var[str],
    photo: rx.Var[str],
    shown: rx.Var[bool],
    rest: rx.RestProp,
) -> rx.Component:
    """`rest` carries the caller's `key` (React keeps it; the row never sees it)."""
    return rx.cond(
        shown,
        rx.table.row(
            rx.table.cell(
                rx.hstack(
                    thumbnail(photo),
                    rx.box(
                        long_text(name, weight="medium"),
                        rx.text(code, size="1", color_scheme="gray"),
                        min_width="0",
                    ),
                    align="center",
                    spacing="2",
                ),
            ),
            rx.table.cell(since),
            rx.table.cell(rx.moment(since_iso, from_now=True, ago=True, interval=30000)),
            rx.table.cell(
                rx.button(
                    "Check out",
                    size="1",
                    variant="soft",
                    white_space="nowrap",
                    on_click=DeskState.check_out(code, name),
                )
            ),
            rest,
            class_name="gl-inside-row",
            align="center",
        ),
    )


def who_is_inside() -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.heading("Who is inside", size="3"),
            rx.badge(LiveState.inside_now, variant="soft"),
            rx.spacer(),
            rx.debounce_input(
                rx.input(
                    placeholder="Filter",
                    on_change=DeskState.filter_inside,
                    size="1",
                    id="inside-filter",
                    max_length=200,
                ),
                debounce_timeout=150,
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            LiveState.inside.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *(rx.table.column_header_cell(h) for h in ("Member", "Since", "For", ""))
                    )
                ),
                rx.table.body(rx.foreach(LiveState.inside, _inside_row)),
                size="1",
                width="100%",
                id="inside-table",
            ),
            rx.text("Nobody is inside.", color_scheme="gray", size="2"),
        ),
        size="3",
        width="100%",
    )
