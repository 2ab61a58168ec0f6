"""`/locations` (admins): each location, and one form that adds or changes one."""

from __future__ import annotations

from zoneinfo import available_timezones

import reflex as rx

from gym_live.components.forms import field, form_error, text_input
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, row_action
from gym_live.domain.locations import MAX_CAPACITY, NAME_LENGTH
from gym_live.pages import routes
from gym_live.states.location_admin import NEW, LocationAdminState

ERRORS, DRAFT = LocationAdminState.errors, LocationAdminState.draft


def locations_page() -> rx.Component:
    return staff_page(
        location_form(),
        locations_table(),
        heading=[rx.heading("Locations", size="6", as_="h1")],
        current=routes.LOCATIONS,
    )


def location_form() -> rx.Component:
    adding = LocationAdminState.editing == NEW
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(adding, "Add a location", "Change " + DRAFT.get("name", "")),
                    size="3",
                    as_="h2",
                ),
                rx.hstack(
                    field(
                        "Name",
                        "name",
                        text_input(
                            "name", max_length=NAME_LENGTH, default_value=DRAFT.get("name", "")
                        ),
                        ERRORS.get("name", ""),
                    ),
                    field(
                        "Capacity (people)",
                        "capacity",
                        text_input(
                            "capacity",
                            max_length=6,
                            input_mode="numeric",
                            default_value=DRAFT.get("capacity", ""),
                            placeholder=f"1 to {MAX_CAPACITY}",
                        ),
                        ERRORS.get("capacity", ""),
                    ),
                    field(
                        "Time zone",
                        "timezone",
                        text_input(
                            "timezone",
                            max_length=64,
                            list="time-zones",
                            default_value=DRAFT.get("timezone", ""),
                        ),
                        ERRORS.get("timezone", ""),
                    ),
                    rx.button(
                        rx.cond(adding, "Add", "Save"),
                        type="submit",
                        id="save-location",
                        margin_top="1.4em",
                    ),
                    rx.cond(
                        adding,
                        rx.fragment(),
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=LocationAdminState.edit(NEW),
                            margin_top="1.4em",
                        ),
                    ),
                    align="start",
                    spacing="4",
                    wrap="wrap",
                ),
                form_error(ERRORS.get("form", "")),
                rx.el.datalist(
                    *[rx.el.option(value=zone) for zone in sorted(available_timezones())],
                    id="time-zones",
                ),
                spacing="3",
            ),
            on_submit=LocationAdminState.save,
            reset_on_submit=False,
            key=LocationAdminState.form_key,
        ),
        width="100%",
    )


def locations_table() -> rx.Component:
    return admin_table(
        ("Name", "Capacity", "Inside now", "Time zone", ""),
        LocationAdminState.rows,
        location_row,
        id="locations-table",
    )


def location_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(row["capacity"]),
        rx.table.cell(row["inside_now"]),
        rx.table.cell(row["timezone"]),
        rx.table.cell(
            row_action("Edit", LocationAdminState.edit(row["id"]), aria_label="Edit " + row["name"])
        ),
        custom_attrs={"data-location": row["name"]},
        align="center",
    )
