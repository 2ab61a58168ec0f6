"""`/members` (all staff): search as you type, filters, sortable columns, pages."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import reflex as rx

from gym_live import wording
from gym_live.components.forms import field, search_input
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, long_text
from gym_live.domain.member_list import MemberSort, Validity
from gym_live.domain.staff import Role
from gym_live.pages import routes
from gym_live.services.members import COUNTED_UP_TO
from gym_live.staff_files import MEMBERS_CSV
from gym_live.states.auth import AuthState
from gym_live.states.members import ANY, MembersState

STATUS_COLORS = {"active": "grass", "frozen": "blue", "cancelled": "gray"}
SORTABLE = {
    MemberSort.NAME: "Name",
    MemberSort.VALID_UNTIL: "Valid until",
    MemberSort.LAST_VISIT: "Last visit",
}


def members_page() -> rx.Component:
    return staff_page(
        filters(),
        rx.cond(
            MembersState.error != "",
            rx.callout(
                MembersState.error, icon="triangle-alert", color_scheme="red", id="members-error"
            ),
        ),
        admin_table(
            (
                sort_header(MemberSort.NAME),
                "Card",
                "Contact",
                "Status",
                sort_header(MemberSort.VALID_UNTIL),
                sort_header(MemberSort.LAST_VISIT),
                "Inside",
            ),
            MembersState.rows,
            member_row,
            id="members-table",
        ),
        pager(),
        heading=[
            rx.heading("Members", size="6", as_="h1"),
            _link_button("user-plus", "New member", routes.NEW_MEMBER, "new-member"),
            rx.cond(
                AuthState.staff_role == Role.ADMIN.value,
                rx.fragment(
                    _link_button("file-up", "Import", routes.MEMBER_IMPORT, "import-link"),
                    _link_button("file-down", "Export", MEMBERS_CSV, "export-link", download=True),
                ),
            ),
        ],
        current=routes.MEMBERS,
    )


def _link_button(
    icon: str, text: str, href: str, id: str, *, download: bool = False
) -> rx.Component:
    """A link that looks like a button; a download is fetched by the browser itself, not
    by the app's router."""
    fetched = {"download": True, "reload_document": True} if download else {}
    return rx.button(
        rx.link(rx.icon(icon, size=16), text, href=href, id=id, **fetched),
        as_child=True,
        variant="soft",  # solid grass under white text is below 4.5:1 as a link
    )


def filters() -> rx.Component:
    return rx.card(
        rx.hstack(
            field(
                "Search",
                "search",
                search_input(
                    MembersState.text,
                    MembersState.search,
                    placeholder="Name, card number, email or phone",
                    id="field-search",
                    width="100%",
                ),
                "",
                width="22em",
            ),
            field(
                "Status",
                "status",
                _choice(
                    "status",
                    MembersState.status,
                    MembersState.filter_status,
                    {ANY: "Every status", **_labels(wording.MEMBER_STATUSES)},
                ),
                "",
            ),
            field(
                "Membership",
                "validity",
                _choice(
                    "validity",
                    MembersState.validity,
                    MembersState.filter_validity,
                    {ANY: "Any end date", **_labels(wording.VALIDITIES)},
                ),
                "",
            ),
            rx.el.label(
                rx.switch(
                    checked=MembersState.inside_only,
                    on_change=MembersState.filter_inside,
                    id="field-inside",
                ),
                rx.text("Inside now", size="2"),
                class_name="gl-switch-label",
                margin_top="1.6em",
            ),
            align="start",
            spacing="4",
            wrap="wrap",
        ),
        width="100%",
    )


def _labels(words: Mapping[StrEnum, str]) -> dict[str, str]:
    return {choice.value: label for choice, label in words.items()}


def _choice(
    name: str, value: rx.Var, on_change: rx.EventHandler, items: dict[str, str]
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=f"field-{name}"),
        rx.select.content(*[rx.select.item(label, value=key) for key, label in items.items()]),
        value=value,
        on_change=on_change,
    )


def sort_header(column: MemberSort) -> rx.Component:
    """A column title that sorts by it; `aria-sort` tells a screen reader the order."""
    here = MembersState.sort == column.value
    order = rx.cond(MembersState.descending, "descending", "ascending")
    return rx.table.column_header_cell(
        rx.button(
            SORTABLE[column],
            rx.cond(
                here,
                rx.cond(
                    MembersState.descending,
                    rx.icon("arrow-down", size=14),
                    rx.icon("arrow-up", size=14),
                ),
            ),
            on_click=MembersState.sort_by(column.value),
            variant="ghost",
            color_scheme="gray",
            high_contrast=True,
            size="2",
            font_weight="bold",
            id=f"sort-{column.value}",
        ),
        custom_attrs={"aria-sort": rx.cond(here, order, "none")},
    )


def member_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(long_text(row["name"]), href=routes.MEMBERS + "/" + row["code"])
        ),
        rx.table.cell(rx.code(row["code"], variant="ghost")),
        rx.table.cell(
            rx.vstack(
                long_text(row["email"], size="2"),
                rx.text(row["phone"], size="2", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(end_date(row)),
        rx.table.cell(
            rx.cond(
                row["last_visit"] != "",
                rx.moment(row["last_visit"], format="D MMM YYYY"),
                rx.text("never", color_scheme="gray"),
            )
        ),
        rx.table.cell(rx.cond(row["inside"] == "yes", rx.badge("Inside", color_scheme="grass"))),
        custom_attrs={"data-member": row["code"]},
        align="center",
    )


def status_badge(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        *[
            (choice.value, rx.badge(label, color_scheme=STATUS_COLORS[choice.value]))
            for choice, label in wording.MEMBER_STATUSES.items()
        ],
        rx.badge(status),
    )


def end_date(row: rx.Var) -> rx.Component:
    """The membership's last day, marked when it has passed or comes within two weeks."""
    return rx.hstack(
        rx.text(rx.cond(row["valid_until"] != "", row["valid_until"], "no end date")),
        rx.match(
            row["validity"],
            (Validity.EXPIRED.value, rx.badge("Expired", color_scheme="red")),
            (Validity.EXPIRING.value, rx.badge("Ends soon", color_scheme="amber")),
            rx.fragment(),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Previous",
            on_click=MembersState.previous_page,
            disabled=MembersState.page <= 1,
            variant="soft",
            id="members-previous",
        ),
        rx.text(
            "Page ",
            MembersState.page,
            rx.cond(
                MembersState.counted_all,
                rx.fragment(
                    " of ",
                    MembersState.pages,
                    " · ",
                    MembersState.total,
                    rx.cond(MembersState.total == 1, " member", " members"),
                ),
                f" · more than {COUNTED_UP_TO:,} members: search to narrow them",
            ),
            size="2",
            id="members-count",
        ),
        rx.button(
            "Next",
            on_click=MembersState.next_page,
            disabled=MembersState.page >= MembersState.pages,
            variant="soft",
            id="members-next",
        ),
        rx.cond(
            MembersState.loaded & (MembersState.total == 0),
            rx.text("No member matches.", color_scheme="gray", size="2", id="members-none"),
        ),
        align="center",
        spacing="3",
    )
