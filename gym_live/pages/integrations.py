"""`/integrations` (admins): API keys for turnstiles, booking apps and the books: a form
to add one (its key shown once), the list with each key's last use, and revoke."""

from __future__ import annotations

import reflex as rx

from gym_live import wording
from gym_live.components.forms import field, field_error, form_error, text_input
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, moment_or
from gym_live.domain.api_keys import NAME_LENGTH, Scope
from gym_live.pages import routes
from gym_live.states.integrations import LOCATION_FIELD, SCOPE_FIELD, IntegrationsState

ERRORS = IntegrationsState.errors


def integrations_page() -> rx.Component:
    return staff_page(
        add_key_form(),
        admin_table(
            ("Integration", "Allowed to", "Locations", "Added", "Last used", ""),
            IntegrationsState.rows,
            key_line,
            id="keys-table",
        ),
        website_widgets(),
        new_key_dialog(),
        heading=[rx.heading("Integrations", size="6", as_="h1")],
        current=routes.INTEGRATIONS,
    )


def add_key_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add an API key", size="3", as_="h2"),
                rx.hstack(
                    field(
                        "Integration",
                        "name",
                        text_input("name", max_length=NAME_LENGTH, placeholder="Front turnstile"),
                        ERRORS.get("name", ""),
                    ),
                    _choices(
                        "Allowed to",
                        "scope",
                        *[_checkbox(SCOPE_FIELD + s.value, wording.SCOPES[s]) for s in Scope],
                    ),
                    _choices(
                        "Locations (none ticked: every one)",
                        "locations",
                        rx.foreach(
                            IntegrationsState.location_names,
                            lambda name: _checkbox(LOCATION_FIELD + name, name),
                        ),
                    ),
                    rx.button("Add", type="submit", id="add-key", margin_top="1.4em"),
                    align="start",
                    spacing="5",
                    wrap="wrap",
                ),
                form_error(ERRORS.get("form", "")),
                rx.text(
                    "The key is shown once, next: give it to the integration, which sends it "
                    "as Authorization: Bearer <key>. The API is described at /api/docs.",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="3",
            ),
            on_submit=IntegrationsState.add,
            reset_on_submit=True,
        ),
        width="100%",
    )


def _choices(legend: str, name: str, *boxes: rx.Component) -> rx.Component:
    """Checkboxes under one legend, with the error about them (`name`) under it."""
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="gl-label"),
        rx.vstack(*boxes, spacing="1"),
        field_error(name, ERRORS.get(name, "")),
        class_name="gl-choices",
    )


def _checkbox(name: str | rx.Var, label: str | rx.Var) -> rx.Component:
    return rx.el.label(rx.el.input(type="checkbox", name=name), label, class_name="gl-check")


def key_line(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(row["scopes"]),
        rx.table.cell(row["locations"]),
        rx.table.cell(moment_or(row["created_at"], "—")),
        rx.table.cell(moment_or(row["last_used"], "never")),
        rx.table.cell(
            rx.cond(
                row["status"] == "revoked",
                rx.badge("Revoked", color_scheme="gray"),
                rx.button(
                    "Revoke",
                    on_click=IntegrationsState.revoke(row["id"]),
                    variant="soft",
                    color_scheme="red",
                    size="1",
                    aria_label="Revoke the key of " + row["name"],
                ),
            )
        ),
        custom_attrs={"data-key": row["name"]},
        align="center",
    )


def website_widgets() -> rx.Component:
    """How busy each location is, for the gym's website: a snippet to paste per location."""
    return rx.card(
        rx.vstack(
            rx.heading("How busy is it: a widget for your website", size="3", as_="h2"),
            rx.text(
                "Paste a location's snippet into a page of your website. It shows how busy "
                "the location is now and usually, and updates itself every few seconds. It "
                "shows no member's name.",
                size="2",
            ),
            rx.foreach(IntegrationsState.widgets, _widget_snippet),
            spacing="3",
        ),
        width="100%",
        id="widgets",
    )


def _widget_snippet(widget: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(widget["name"], weight="bold", size="2"),
        rx.code(widget["snippet"], class_name="gl-secret", variant="soft", size="2"),
        spacing="1",
        width="100%",
        custom_attrs={"data-widget": widget["name"]},
    )


def new_key_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("The key of ", IntegrationsState.new_key_for),
            rx.alert_dialog.description(
                "Copy it now into the integration's settings: it is shown this once, and "
                "only its fingerprint is kept.",
                size="2",
            ),
            rx.box(
                rx.code(IntegrationsState.new_key, size="3", id="new-key", class_name="gl-secret"),
                padding_y="1em",
            ),
            rx.flex(
                rx.button(
                    rx.icon("copy", size=16),
                    "Copy",
                    variant="soft",
                    on_click=[
                        rx.set_clipboard(IntegrationsState.new_key),
                        rx.toast.success("Copied."),
                    ],
                ),
                rx.alert_dialog.action(
                    rx.button("Done", on_click=IntegrationsState.forget_key, id="new-key-done")
                ),
                justify="end",
                spacing="3",
            ),
            max_width="560px",
        ),
        open=IntegrationsState.new_key != "",
    )
