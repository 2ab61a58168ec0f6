"""`/members/[code]` (all staff): a member's details and card, their visits (20 a page,
newest first) and their refused check-ins; the details edited, the status and the PIN
changed in dialogs."""

from __future__ import annotations

import reflex as rx

from gym_live.components.dialogs import change_dialog, dialog_form, suggesting_input
from gym_live.components.forms import date_field, field, text_input
from gym_live.components.layout import staff_page
from gym_live.components.member_card import member_card
from gym_live.components.photos import PhotoEvents, photo_chooser
from gym_live.components.tables import admin_table, long_text, newer_older
from gym_live.domain.member_status import FREEZE_REASON_LENGTH, FREEZE_REASONS, FROZEN_UNTIL, REASON
from gym_live.domain.members import (
    CODE,
    EMAIL,
    EMAIL_LENGTH,
    EXTENSIONS,
    MAX_CODE_LENGTH,
    NAME,
    NAME_LENGTH,
    PHONE,
    PHONE_LENGTH,
    PIN,
    MemberStatus,
    Plan,
    pin_rule,
)
from gym_live.domain.memberships import PASS_UNTIL, PASS_VISITS
from gym_live.pages import routes
from gym_live.pages.members import end_date, status_badge
from gym_live.states.member_page import MemberPageState

DETAILS = MemberPageState.details
ERRORS = MemberPageState.errors


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
                rx.cond(
                    MemberPageState.visits.length() > 0,
                    admin_table(
                        ("Checked in", "Location", "Stay", "Admitted by"),
                        MemberPageState.visits,
                        visit_row,
                        id="visits-table",
                    ),
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
            _item("Status", rx.vstack(status_line(), status_buttons(), spacing="2")),
            _item(
                "Membership ends",
                rx.vstack(
                    rx.cond(
                        DETAILS.get("plan", "") == Plan.VISITS.value,
                        rx.text("visits only (no time membership)", id="visits-only"),
                        end_date(DETAILS),
                    ),
                    extend_buttons(),
                    spacing="2",
                ),
            ),
            _item("Visit pass", rx.vstack(pass_line(), pass_button(), spacing="2")),
            _item("Email", long_text(_or_none(DETAILS.get("email", "")))),
            _item("Phone", rx.text(_or_none(DETAILS.get("phone", "")))),
            _item(
                "Door PIN",
                rx.vstack(
                    rx.text(rx.cond(MemberPageState.has_pin, "set", "none")),
                    pin_buttons(),
                    spacing="2",
                ),
            ),
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
        rx.button(
            rx.icon("pencil", size=14),
            "Edit details",
            on_click=MemberPageState.open_panel("details"),
            size="1",
            variant="soft",
            margin_top="4",
            id="edit-details",
        ),
        details_dialog(),
        freeze_dialog(),
        pin_dialog(),
        cancel_dialog(),
        pass_dialog(),
        flex="1 1 24em",
    )


def status_line() -> rx.Component:
    """The status, and while frozen: until when, and why."""
    frozen_until, reason = DETAILS.get("frozen_until", ""), DETAILS.get("freeze_reason", "")
    return rx.hstack(
        status_badge(DETAILS.get("status", "")),
        rx.cond(
            DETAILS.get("status", "") == MemberStatus.FROZEN.value,
            rx.text(
                rx.cond(frozen_until != "", "until " + frozen_until, "until unfrozen"),
                rx.cond(reason != "", " · " + reason, ""),
                size="2",
                class_name="gl-long-text",
                id="freeze-line",
            ),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def status_buttons() -> rx.Component:
    """What the status can change to from here."""
    cancel = _small_button(
        "Cancel membership…", MemberPageState.open_panel("cancel"), "cancel-membership", "red"
    )
    return rx.match(
        DETAILS.get("status", ""),
        (
            MemberStatus.ACTIVE.value,
            rx.hstack(
                _small_button("Freeze…", MemberPageState.open_panel("freeze"), "freeze"), cancel
            ),
        ),
        (
            MemberStatus.FROZEN.value,
            rx.hstack(_small_button("Unfreeze", MemberPageState.unfreeze, "unfreeze"), cancel),
        ),
        (
            MemberStatus.CANCELLED.value,
            _small_button("Reactivate", MemberPageState.reactivate, "reactivate"),
        ),
        rx.fragment(),
    )


def pass_line() -> rx.Component:
    """The visits left on the pass, and its last day (or none)."""
    until = DETAILS.get("pass_until", "")
    return rx.cond(
        DETAILS.get("pass", "") != "",
        rx.text(
            DETAILS.get("pass", ""),
            rx.cond(until != "", " · until " + until, " · no expiry"),
            id="pass-line",
        ),
        rx.text("none", id="pass-line"),
    )


def pass_button() -> rx.Component:
    return _small_button(
        f"Add a {PASS_VISITS}-visit pass…", MemberPageState.open_panel("pass"), "add-pass"
    )


def pass_dialog() -> rx.Component:
    return _dialog(
        "pass",
        f"Add a {PASS_VISITS}-visit pass",
        f"{PASS_VISITS} visits are added to what is left on the pass. Each check-in uses "
        "one when no time membership holds that day; a repeated scan and a check-out use "
        "none.",
        _dialog_form(
            MemberPageState.add_pass,
            "Add the pass",
            "confirm-pass",
            date_field("The pass expires on (optional)", PASS_UNTIL, ERRORS.get(PASS_UNTIL, "")),
        ),
    )


def pin_buttons() -> rx.Component:
    return rx.hstack(
        _small_button(
            rx.cond(MemberPageState.has_pin, "Reset PIN…", "Set PIN…"),
            MemberPageState.open_panel("pin"),
            "set-pin",
        ),
        rx.cond(
            MemberPageState.has_pin,
            _small_button("Remove PIN", MemberPageState.remove_pin, "remove-pin", "red"),
        ),
    )


def _small_button(
    label: str | rx.Var, on_click: object, id: str, color: str | None = None
) -> rx.Component:
    return rx.button(label, on_click=on_click, size="1", variant="soft", color_scheme=color, id=id)


def details_dialog() -> rx.Component:
    return _dialog(
        "details",
        "Edit details",
        "A new card number replaces the old card: the old one stops working.",
        _dialog_form(
            MemberPageState.save_details,
            "Save",
            "save-details",
            *[
                field(
                    label, name, _input(name, DETAILS.get(key, ""), **props), ERRORS.get(name, "")
                )
                for label, name, key, props in DETAIL_INPUTS
            ],
        ),
    )


# The details form's fields: label, name, the details' key it starts from, input properties.
DETAIL_INPUTS = (
    ("Name", NAME, "name", {"max_length": NAME_LENGTH}),
    ("Card number", CODE, "code", {"max_length": MAX_CODE_LENGTH}),
    ("Email (optional)", EMAIL, "email", {"max_length": EMAIL_LENGTH, "input_mode": "email"}),
    ("Phone (optional)", PHONE, "phone", {"max_length": PHONE_LENGTH, "type": "tel"}),
)


def freeze_dialog() -> rx.Component:
    return _dialog(
        "freeze",
        "Freeze the membership",
        "A frozen member cannot check in; one inside now stays inside. With a last day, the "
        "membership unfreezes by itself the day after.",
        _dialog_form(
            MemberPageState.freeze,
            "Freeze",
            "confirm-freeze",
            field(
                "Reason",
                REASON,
                suggesting_input(
                    REASON, max_length=FREEZE_REASON_LENGTH, suggestions=FREEZE_REASONS
                ),
                ERRORS.get(REASON, ""),
            ),
            date_field("Last day (optional)", FROZEN_UNTIL, ERRORS.get(FROZEN_UNTIL, "")),
        ),
    )


def pin_dialog() -> rx.Component:
    return _dialog(
        "pin",
        rx.cond(MemberPageState.has_pin, "Reset the door PIN", "Set a door PIN"),
        f"The member types it at the kiosk after scanning their card ({pin_rule()}).",
        _dialog_form(
            MemberPageState.set_pin,
            "Save PIN",
            "save-pin",
            field(
                "New PIN",
                PIN,
                text_input(
                    PIN,
                    max_length=6,
                    type="password",
                    input_mode="numeric",
                    auto_complete="new-password",
                    width="100%",
                ),
                ERRORS.get(PIN, ""),
            ),
        ),
    )


def cancel_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Cancel the membership of ", DETAILS.get("name", ""), "?"),
            rx.alert_dialog.description(
                "They can no longer check in; one inside now stays inside. A cancelled "
                "membership can be reactivated.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Keep it", variant="soft", color_scheme="gray", id="keep-membership")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Cancel membership",
                        color_scheme="red",
                        high_contrast=True,
                        on_click=MemberPageState.cancel_membership,
                        id="confirm-cancel",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="4",
            ),
            class_name="gl-long-text",
        ),
        open=MemberPageState.panel == "cancel",
        on_open_change=MemberPageState.panel_open_changed,
    )


def _dialog(
    panel: str, title: str | rx.Component, description: str, form: rx.Component
) -> rx.Component:
    """A change's dialog, open while the state says so (closing it clears its errors)."""
    return change_dialog(
        title,
        description,
        form,
        open=MemberPageState.panel == panel,
        on_open_change=MemberPageState.panel_open_changed,
    )


def _dialog_form(
    on_submit: rx.EventHandler, submit: str, submit_id: str, *fields: rx.Component
) -> rx.Component:
    return dialog_form(on_submit, submit, submit_id, *fields, error=ERRORS.get("form", ""))


def _input(name: str, value: rx.Var, **props: object) -> rx.Component:
    return text_input(name, default_value=value, width="100%", auto_complete="off", **props)


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
    return rx.vstack(
        photo_panel(),
        rx.cond(
            MemberPageState.card != "",
            member_card(MemberPageState.card, DETAILS.get("name", ""), DETAILS.get("code", "")),
        ),
        spacing="4",
    )


def photo_panel() -> rx.Component:
    """The member's photo (or a placeholder), to add, replace or remove."""
    return photo_chooser(
        DETAILS.get("photo", ""),
        "Photo of " + DETAILS.get("name", ""),
        PhotoEvents(
            MemberPageState.upload_photo,
            MemberPageState.photo_refused,
            MemberPageState.remove_photo,
        ),
        id="member",
    )


def visit_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["in"]),
        rx.table.cell(long_text(row["location"])),
        rx.table.cell(row["stay"]),
        rx.table.cell(long_text(row["admitted"])),
    )


def denial_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["at"]),
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
