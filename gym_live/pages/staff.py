"""`/staff` (admins): the accounts, a form to add one, and what an admin does to each."""

from __future__ import annotations

import reflex as rx

from gym_live.components.forms import field, form_error, role_choice, role_items, text_input
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, moment_or, row_action
from gym_live.domain.staff import DISPLAY_NAME_LENGTH, USERNAME_LENGTHS
from gym_live.pages import routes
from gym_live.states.staff_admin import StaffAdminState

ERRORS = StaffAdminState.errors


def staff() -> rx.Component:
    return staff_page(
        add_staff_form(),
        staff_table(),
        issued_password_dialog(),
        heading=[rx.heading("Staff accounts", size="6", as_="h1")],
        current=routes.STAFF,
    )


def add_staff_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add an account", size="3", as_="h2"),
                rx.hstack(
                    field(
                        "Username",
                        "username",
                        text_input(
                            "username", max_length=USERNAME_LENGTHS.stop - 1, auto_complete="off"
                        ),
                        ERRORS.get("username", ""),
                    ),
                    field(
                        "Name staff see",
                        "display_name",
                        text_input("display_name", max_length=DISPLAY_NAME_LENGTH),
                        ERRORS.get("display_name", ""),
                    ),
                    field("Role", "role", role_choice(), ERRORS.get("role", "")),
                    rx.button("Add", type="submit", id="add-staff", margin_top="1.4em"),
                    align="start",
                    spacing="4",
                    wrap="wrap",
                ),
                form_error(ERRORS.get("form", "")),
                rx.text(
                    "A password is made for the new account and shown once, to hand over.",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="3",
            ),
            on_submit=StaffAdminState.add,
            reset_on_submit=False,
        ),
        width="100%",
    )


def staff_table() -> rx.Component:
    return admin_table(
        ("Name", "Username", "Role", "Status", "Last sign-in", ""),
        StaffAdminState.rows,
        staff_row,
        id="staff-table",
    )


def staff_row(row: rx.Var) -> rx.Component:
    username = row["username"]
    active = row["active"] == "yes"
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(rx.code(username, variant="ghost")),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(aria_label="Role of " + row["name"]),
                role_items(),
                value=row["role"],
                on_change=lambda role: StaffAdminState.change_role(username, role),
                size="1",
            )
        ),
        rx.table.cell(
            rx.cond(
                active,
                rx.badge("Active", color_scheme="grass"),
                rx.badge("Deactivated", color_scheme="gray"),
            )
        ),
        rx.table.cell(moment_or(row["last_sign_in"], "never")),
        rx.table.cell(
            rx.hstack(
                row_action(
                    rx.cond(active, "Deactivate", "Reactivate"),
                    StaffAdminState.set_active(username, ~active),
                    color_scheme=rx.cond(active, "red", "grass"),
                ),
                row_action("Reset password", StaffAdminState.reset_password(username)),
                row_action(
                    "Sign out everywhere",
                    StaffAdminState.sign_out_everywhere(username),
                    color_scheme="gray",
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
        custom_attrs={"data-username": username},
        align="center",
    )


def issued_password_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Password for ", StaffAdminState.issued_for),
            rx.alert_dialog.description(
                "Hand it over now: it is shown this once and cannot be looked up later.",
                size="2",
            ),
            rx.code(
                StaffAdminState.issued_password,
                size="6",
                id="issued-password",
                margin_y="1em",
                display="block",
            ),
            rx.flex(
                rx.alert_dialog.action(
                    rx.button("Done", on_click=StaffAdminState.forget_password, id="issued-done")
                ),
                justify="end",
            ),
        ),
        open=StaffAdminState.issued_password != "",
    )
