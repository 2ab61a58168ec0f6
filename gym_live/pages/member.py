"""`/members/[code]` (all staff): a member's details and card, their visits (20 a page,
newest first) and their refused check-ins."""

from __future__ import annotations

import reflex as rx

from gym_live.components.layout import staff_page
from gym_live.components.member_card import member_card
from gym_live.components.tables import admin_table, long_text, newer_older
from gym_live.domain.members import EXTENSIONS
from gym_live.pages import routes
from gym_live.pages.members import end_date, status_badge
from gym_live.states.member_page import MemberPageState

DETAILS = MemberPageState.details


def member_page() -> rx.Component:
    return staff_page(
        rx.cond(
            MemberPageState.missing != "",
            rx.callout(
                MemberPageState.missing,
                icon="circle-help",
                color_scheme="amber",
                id="member-missing",
            ),
            rx.fragment(
                rx.flex(
                    details(), rx.card(_card(), flex="1 1 24em"), gap="4", wrap="wrap", width="100%"
                ),
                rx.heading("Visits", size="4", as_="h2"),
                admin_table(
                    ("Checked in", "Location", "Stay", "Admitted by"),
                    MemberPageState.visits,
                    visit_row,
                    id="visits-table",
                ),
                visit_pages(),
                rx.heading("Refused check-ins", size="4", as_="h2"),
                rx.cond(
                    MemberPageState.denials.length() == 0,
                    rx.text("None.", color_scheme="gray", size="2", id="no-denials"),
                    admin_table(
                        ("When", "Location", "Why", "Where"),
                        MemberPageState.denials,
                        denial_row,
                        id="denials-table",
                    ),
                ),
            ),
        ),
        heading=[
            rx.link("Members", href=routes.MEMBERS, size="2", id="back-to-members"),
            rx.text("/", color_scheme="gray"),
            rx.heading(long_text(DETAILS.get("name", "Member")), size="6", as_="h1"),
        ],
        current=routes.MEMBER,
    )


def details() -> rx.Component:
    return rx.card(
        rx.data_list.root(
            _item("Card number", rx.code(DETAILS.get("code", ""))),
            _item("Status", status_badge(DETAILS.get("status", ""))),
            _item("Membership ends", rx.vstack(end_date(DETAILS), extend_buttons(), spacing="2")),
            _item("Email", long_text(_or_none(DETAILS.get("email", "")))),
            _item("Phone", rx.text(_or_none(DETAILS.get("phone", "")))),
            _item("Door PIN", rx.text(rx.cond(MemberPageState.has_pin, "set", "none"))),
            _item(
                "Last visit",
                rx.cond(
                    DETAILS.get("last_visit", "") != "",
                    rx.moment(DETAILS.get("last_visit", ""), format="D MMM YYYY, HH:mm"),
                    rx.text("never", color_scheme="gray"),
                ),
            ),
            _item(
                "Inside now",
                rx.cond(
                    DETAILS.get("inside", "") == "yes",
                    rx.badge("Inside", color_scheme="grass"),
                    rx.text("no"),
                ),
            ),
            id="member-details",
        ),
        flex="1 1 24em",
    )


def extend_buttons() -> rx.Component:
    """Extend by 1, 3 or 12 months, from the later of today and the current end."""
    return rx.hstack(
        *[
            rx.button(
                f"+{months} month{'s' * (months != 1)}",
                on_click=MemberPageState.extend(months),
                size="1",
                variant="soft",
                aria_label=f"Extend by {months} month{'s' * (months != 1)}",
                id=f"extend-{months}",
            )
            for months in EXTENSIONS
        ],
        spacing="2",
        wrap="wrap",
    )


def _or_none(value: rx.Var) -> rx.Var:
    return rx.cond(value != "", value, "none")


def _item(label: str, value: rx.Component) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def _card() -> rx.Component:
    return rx.cond(
        MemberPageState.card != "",
        member_card(MemberPageState.card, DETAILS.get("name", ""), DETAILS.get("code", "")),
    )


def visit_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.moment(row["in"], format="D MMM YYYY, HH:mm")),
        rx.table.cell(long_text(row["location"])),
        rx.table.cell(row["stay"]),
        rx.table.cell(long_text(row["admitted"])),
    )


def denial_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.moment(row["at"], format="D MMM YYYY, HH:mm")),
        rx.table.cell(long_text(row["location"])),
        rx.table.cell(row["reason"]),
        rx.table.cell(long_text(row["where"])),
    )


def visit_pages() -> rx.Component:
    return newer_older(
        page=MemberPageState.visits_page,
        has_older=MemberPageState.has_older_visits,
        newer=MemberPageState.newer_visits,
        older=MemberPageState.older_visits,
        empty=MemberPageState.visits.length() == 0,
        empty_text="No visits yet.",
        id="visits",
    )
