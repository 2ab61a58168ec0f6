"""`/kiosks` (admins): the door kiosks, a form to add one, and its pairing code shown once."""

from __future__ import annotations

import reflex as rx

from gym_live.components.forms import field, form_error, text_input
from gym_live.components.layout import staff_page
from gym_live.components.tables import admin_table, moment_or, row_action, status_badge
from gym_live.pages import routes
from gym_live.states.kiosk_admin import KioskAdminState

ERRORS = KioskAdminState.errors
STATUS = {"paired": ("Paired", "grass"), "waiting": ("Waiting to pair", "amber")}


def kiosks_page() -> rx.Component:
    return staff_page(
        add_kiosk_form(),
        admin_table(
            ("Name", "Location", "Status", "Paired", "Last seen", ""),
            KioskAdminState.rows,
            kiosk_line,
            id="kiosks-table",
        ),
        pairing_dialog(),
        # Ticks every 5 s while the page is open: a tablet just paired shows as paired and
        # online within seconds, and "Online" does not go stale.
        rx.moment(
            interval=5_000, format="HH:mm:ss", on_change=KioskAdminState.refresh, display="none"
        ),
        heading=[rx.heading("Door kiosks", size="6", as_="h1")],
        current=routes.KIOSKS,
    )


def add_kiosk_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Add a kiosk", size="3", as_="h2"),
                rx.hstack(
                    field(
                        "Location",
                        "location",
                        rx.select.root(
                            rx.select.trigger(id="field-location"),
                            rx.select.content(
                                rx.foreach(
                                    KioskAdminState.location_names,
                                    lambda name: rx.select.item(name, value=name),
                                )
                            ),
                            name="location",
                            default_value=KioskAdminState.location_names[0],
                            # Mounted again once the locations arrive, to start on the first.
                            key=KioskAdminState.location_names.to_string(),
                        ),
                        ERRORS.get("location", ""),
                    ),
                    field(
                        "Name (optional)",
                        "name",
                        text_input("name", max_length=80, placeholder="Front door"),
                        ERRORS.get("name", ""),
                    ),
                    rx.button("Add", type="submit", id="add-kiosk", margin_top="1.4em"),
                    align="start",
                    spacing="4",
                    wrap="wrap",
                ),
                form_error(ERRORS.get("form", "")),
                rx.text(
                    "The tablet pairs by scanning the QR code shown next, or by typing its code "
                    "on the kiosk page. The code works once, for a limited time.",
                    size="1",
                    color_scheme="gray",
                ),
                spacing="3",
            ),
            on_submit=KioskAdminState.add,
            reset_on_submit=True,
        ),
        width="100%",
    )


def kiosk_line(row: rx.Var) -> rx.Component:
    revoked = row["status"] == "revoked"
    return rx.table.row(
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(row["location"]),
        rx.table.cell(
            status_badge(row["status"], STATUS, rx.badge("Revoked", color_scheme="gray"))
        ),
        rx.table.cell(moment_or(row["paired_at"], "—")),
        rx.table.cell(last_seen(row)),
        rx.table.cell(
            rx.cond(
                revoked,
                rx.fragment(),
                row_action(
                    "Revoke",
                    KioskAdminState.revoke(row["id"]),
                    aria_label="Revoke " + row["name"],
                    color_scheme="red",
                ),
            )
        ),
        custom_attrs={"data-kiosk": row["name"]},
        align="center",
    )


def last_seen(row: rx.Var) -> rx.Component:
    """A paired kiosk is online while its page is open; else when it last was, or never."""
    return rx.match(
        row["presence"],
        ("online", rx.badge("Online", color_scheme="grass")),
        (
            "offline",
            rx.hstack(
                rx.badge("Offline", color_scheme="gray"),
                moment_or(row["last_seen"], ""),
                spacing="2",
                align="center",
            ),
        ),
        ("never", rx.text("not opened yet", color_scheme="gray")),
        moment_or(row["last_seen"], "—"),  # waiting or revoked: when, if ever
    )


def pairing_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Pair ", KioskAdminState.pairing_for),
            rx.alert_dialog.description(
                "On the tablet, scan this code with the camera, or open the kiosk page and "
                "type the code below. It is shown this once.",
                size="2",
            ),
            rx.center(
                rx.image(
                    src=KioskAdminState.pairing_qr,
                    alt="QR code that pairs the tablet",
                    width="240px",
                    height="240px",
                    id="pairing-qr",
                ),
                padding_y="1em",
            ),
            rx.center(
                rx.code(
                    KioskAdminState.pairing_code,
                    size="9",
                    weight="bold",
                    variant="ghost",
                    id="pairing-code",
                ),
            ),
            rx.flex(
                rx.alert_dialog.action(
                    rx.button("Done", on_click=KioskAdminState.forget_code, id="pairing-done")
                ),
                justify="end",
                margin_top="1em",
            ),
            max_width="480px",
        ),
        open=KioskAdminState.pairing_code != "",
    )
