"""`/integrations` (admins): API keys for turnstiles, booking apps and the books: a form
to add one (its key, and its webhook's signing secret, shown once), the list with each
key's webhook and last use, set a webhook or revoke a key, the webhook delivery log, and
the website widget's snippets."""

from __future__ import annotations

import reflex as rx

from gym_live import wording
from gym_live.components.dialogs import change_dialog, dialog_form
from gym_live.components.forms import field, field_error, form_error, text_input
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, long_text, moment_or, row_action, status_badge
from gym_live.domain.api_keys import NAME_LENGTH, Scope
from gym_live.domain.webhooks import URL, URL_LENGTH
from gym_live.pages import routes
from gym_live.states.integrations import LOCATION_FIELD, SCOPE_FIELD, IntegrationsState

ERRORS = IntegrationsState.errors


def integrations_page() -> rx.Component:
    return staff_page(
        add_key_form(),
        admin_table(
            ("Integration", "Allowed to", "Locations", "Webhook", "Added", "Last used", ""),
            IntegrationsState.rows,
            key_line,
            id="keys-table",
        ),
        delivery_log(),
        website_widgets(),
        shown_once_dialog(),
        webhook_dialog(),
        # Ticks every 5 s while the page is open, so the delivery log follows the sender.
        rx.moment(
            interval=5_000, format="HH:mm:ss", on_change=IntegrationsState.refresh, display="none"
        ),
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
                    field(
                        "Webhook URL (optional)",
                        URL,
                        text_input(URL, max_length=URL_LENGTH, placeholder="https://…", type="url"),
                        ERRORS.get(URL, ""),
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
        rx.table.cell(
            rx.cond(row["webhook_url"] != "", long_text(row["webhook_url"]), rx.text("—"))
        ),
        rx.table.cell(moment_or(row["created_at"], "—")),
        rx.table.cell(moment_or(row["last_used"], "never")),
        rx.table.cell(
            rx.cond(
                row["status"] == "revoked",
                rx.badge("Revoked", color_scheme="gray"),
                rx.hstack(
                    row_action(
                        "Webhook",
                        IntegrationsState.edit_webhook(row["id"]),
                        aria_label="Set the webhook of " + row["name"],
                    ),
                    row_action(
                        "Revoke",
                        IntegrationsState.revoke(row["id"]),
                        aria_label="Revoke the key of " + row["name"],
                        color_scheme="red",
                    ),
                    spacing="2",
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


def delivery_log() -> rx.Component:
    """The newest webhook calls: what, to whom, how it went, and the receiver's answer."""
    return rx.vstack(
        rx.heading("Webhook deliveries", size="3", as_="h2"),
        rx.text(
            "Every check-in, check-out and refusal at an integration's locations is sent to its "
            "webhook, signed (Gym-Live-Signature, HMAC-SHA256); one that fails is tried again "
            "after 5 s, 10 s, 20 s … up to an hour between tries.",
            size="2",
        ),
        admin_table(
            ("When", "Integration", "Event", "Status", "Tries", "Answer"),
            IntegrationsState.deliveries,
            _delivery_line,
            id="deliveries-table",
        ),
        width="100%",
        spacing="2",
    )


def _delivery_line(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(moment_or(row["at"], "—")),
        rx.table.row_header_cell(row["integration"]),
        rx.table.cell(row["event"]),
        rx.table.cell(status_badge(row["status"], wording.DELIVERY_STATUS, rx.text(row["status"]))),
        rx.table.cell(row["attempts"]),
        rx.table.cell(long_text(row["answer"])),
        custom_attrs={"data-delivery": row["id"], "data-status": row["status"]},
        align="center",
    )


def shown_once_dialog() -> rx.Component:
    """A new key, a new signing secret, or both: shown this once."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("For ", IntegrationsState.shown_once_for),
            rx.alert_dialog.description(
                "Copy it now into the integration's settings: it is shown this once.",
                size="2",
            ),
            rx.vstack(
                rx.foreach(IntegrationsState.shown_once, _secret),
                padding_y="1em",
                spacing="3",
            ),
            rx.flex(
                rx.alert_dialog.action(
                    rx.button("Done", on_click=IntegrationsState.forget_secrets, id="new-key-done")
                ),
                justify="end",
            ),
            max_width="600px",
        ),
        open=IntegrationsState.shown_once.length() > 0,
    )


def _secret(secret: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(secret["label"], weight="bold", size="2"),
        rx.hstack(
            rx.code(secret["value"], size="3", id=secret["id"], class_name="gl-secret"),
            rx.button(
                rx.icon("copy", size=16),
                "Copy",
                variant="soft",
                size="1",
                aria_label="Copy the " + secret["label"],
                on_click=[rx.set_clipboard(secret["value"]), rx.toast.success("Copied.")],
            ),
            align="center",
            spacing="3",
        ),
        spacing="1",
    )


def webhook_dialog() -> rx.Component:
    return change_dialog(
        rx.fragment("The webhook of ", IntegrationsState.editing_name),
        "Where the integration hears of check-ins, check-outs and refusals at its locations. "
        "Leave it empty to stop. A first URL comes with a new signing secret, shown once.",
        dialog_form(
            IntegrationsState.save_webhook,
            "Save",
            "save-webhook",
            field(
                "Webhook URL",
                "edit-" + URL,
                rx.input(
                    name=URL,
                    id=f"field-edit-{URL}",
                    max_length=URL_LENGTH,
                    type="url",
                    default_value=IntegrationsState.editing_url,
                    key=IntegrationsState.editing,
                ),
                IntegrationsState.webhook_error,
            ),
        ),
        open=IntegrationsState.editing != "",
        on_open_change=IntegrationsState.close_webhook,
    )
