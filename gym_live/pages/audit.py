"""`/audit` (admins): the trail, newest first, with its filters and pages."""

from __future__ import annotations

import reflex as rx

from gym_live import wording
from gym_live.components.forms import field, filters
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, long_text, newer_older
from gym_live.pages import routes
from gym_live.states.audit import ANY, AuditState

ERRORS = AuditState.errors


def audit_page() -> rx.Component:
    return staff_page(
        audit_filters(),
        admin_table(
            ("When", "Who", "What", "To / about", "Detail"),
            AuditState.rows,
            audit_line,
            id="audit-table",
        ),
        pages(),
        heading=[rx.heading("Audit trail", size="6", as_="h1")],
        current=routes.AUDIT,
    )


def audit_filters() -> rx.Component:
    return filters(
        field(
            "Person",
            "person",
            _choice(
                "person",
                rx.select.item("Everyone", value=ANY),
                rx.foreach(
                    AuditState.people,
                    lambda p: rx.select.item(p["name"], value=p["username"]),
                ),
            ),
            ERRORS.get("person", ""),
        ),
        field(
            "What",
            "kind",
            _choice(
                "kind",
                rx.select.item("Everything", value=ANY),
                *[
                    rx.select.item(label, value=kind.value)
                    for kind, label in wording.AUDIT_KINDS.items()
                ],
            ),
            ERRORS.get("kind", ""),
        ),
        field("From", "since", _day("since"), ERRORS.get("since", "")),
        field("To", "until", _day("until"), ERRORS.get("until", "")),
        on_submit=AuditState.apply,
        apply_id="audit-apply",
        error=ERRORS.get("form", ""),
    )


def _choice(name: str, *items: rx.Component) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id=f"field-{name}"),
        rx.select.content(*items),
        name=name,
        default_value=ANY,
    )


def _day(name: str) -> rx.Component:
    return rx.input(name=name, id=f"field-{name}", type="date", size="2")


def audit_line(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.moment(row["at"], format="D MMM YYYY, HH:mm:ss")),
        rx.table.cell(long_text(row["who"])),
        rx.table.row_header_cell(row["what"]),
        rx.table.cell(long_text(row["subject"])),
        rx.table.cell(long_text(row["detail"], color_scheme="gray", size="2")),
        custom_attrs={"data-kind": row["kind"]},
    )


def pages() -> rx.Component:
    return newer_older(
        page=AuditState.page,
        has_older=AuditState.has_more,
        newer=AuditState.newer,
        older=AuditState.older,
        empty=AuditState.rows.length() == 0,
        empty_text="Nothing matches these filters.",
        id="audit",
    )
