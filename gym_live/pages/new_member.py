"""`/members/new` (all staff): the new-member form, errors beside its fields; then the
member's card, to print (sized for an ID-1 card) or download."""

from __future__ import annotations

import reflex as rx

from gym_live import wording
from gym_live.components.forms import date_field, field, field_error, form_error, text_input
from gym_live.components.layout import staff_page
from gym_live.components.member_card import member_card
from gym_live.components.photos import PhotoEvents, photo_chooser
from gym_live.domain.members import (
    CODE,
    EMAIL,
    EMAIL_LENGTH,
    MAX_CODE_LENGTH,
    NAME,
    NAME_LENGTH,
    PHONE,
    PHONE_LENGTH,
    PIN,
    PLAN,
    VALID_UNTIL,
    Plan,
    pin_rule,
)
from gym_live.domain.memberships import PASS_UNTIL
from gym_live.domain.photos import PHOTO
from gym_live.pages import routes
from gym_live.states.new_member import NewMemberState

ERRORS = NewMemberState.errors


def new_member_page() -> rx.Component:
    return staff_page(
        rx.cond(NewMemberState.card != "", enrolled(), member_form()),
        heading=[
            rx.link("Members", href=routes.MEMBERS, size="2", id="back-to-members"),
            rx.text("/", color_scheme="gray"),
            rx.heading("New member", size="6", as_="h1"),
        ],
        current=routes.NEW_MEMBER,
    )


# The form's fields, two to a row: label, name, the input's own properties.
FORM_ROWS = (
    (
        ("Name", NAME, {"max_length": NAME_LENGTH, "auto_complete": "off"}),
        (
            "Card number (optional)",
            CODE,
            {"max_length": MAX_CODE_LENGTH, "placeholder": "made for you"},
        ),
    ),
    (
        ("Email (optional)", EMAIL, {"max_length": EMAIL_LENGTH, "input_mode": "email"}),
        ("Phone (optional)", PHONE, {"max_length": PHONE_LENGTH, "type": "tel"}),
    ),
    (
        (
            f"PIN for the door (optional, {pin_rule()})",
            PIN,
            {
                "max_length": 6,
                "type": "password",
                "input_mode": "numeric",
                "auto_complete": "new-password",
            },
        ),
    ),
)


def member_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                *[_row(row) for row in FORM_ROWS[:-1]],
                membership(),
                _row(FORM_ROWS[-1]),  # the PIN
                photo_field(),
                form_error(ERRORS.get("form", "")),
                rx.button("Enrol", type="submit", id="enrol-member"),
                spacing="4",
            ),
            on_submit=NewMemberState.enrol,
            reset_on_submit=False,
        ),
        width="100%",
        max_width="52em",
    )


def _row(row: tuple[tuple[str, str, dict[str, object]], ...]) -> rx.Component:
    return rx.hstack(
        *[
            field(label, name, _input(name, **props), ERRORS.get(name, ""), "20em")
            for label, name, props in row
        ],
        spacing="4",
        wrap="wrap",
    )


def membership() -> rx.Component:
    """Time (an end date, or none) or a visit pass (an expiry, or none): the chosen one's
    date field shows."""
    on_a_pass = NewMemberState.plan == Plan.VISITS.value
    return rx.hstack(
        field(
            "Membership",
            PLAN,
            rx.radio_group.root(
                rx.radio_group.item(wording.PLANS[Plan.TIME], value=Plan.TIME.value),
                rx.radio_group.item(wording.PLANS[Plan.VISITS], value=Plan.VISITS.value),
                name=PLAN,
                value=NewMemberState.plan,
                on_change=NewMemberState.choose_plan,
                direction="row",
                spacing="4",
                id=f"field-{PLAN}",
                aria_label="Membership",
            ),
            ERRORS.get(PLAN, ""),
            "20em",
        ),
        rx.cond(
            on_a_pass,
            date_field(
                "The pass expires on (optional)", PASS_UNTIL, ERRORS.get(PASS_UNTIL, ""), "20em"
            ),
            date_field(
                "Membership ends (empty: no end)", VALID_UNTIL, ERRORS.get(VALID_UNTIL, ""), "20em"
            ),
        ),
        spacing="4",
        wrap="wrap",
    )


def photo_field() -> rx.Component:
    """A photo taken now (a tablet's camera, or a file), kept with the form until Enrol."""
    return rx.vstack(
        rx.text("Photo (optional)", class_name="gl-label"),
        photo_chooser(
            NewMemberState.photo_preview,
            "The new member's photo",
            PhotoEvents(
                NewMemberState.choose_photo,
                NewMemberState.photo_refused,
                NewMemberState.remove_photo,
            ),
            id="new",
        ),
        field_error(PHOTO, ERRORS.get(PHOTO, "")),
        spacing="1",
    )


def _input(name: str, **props: object) -> rx.Component:
    """A field's input, as wide as its field."""
    return text_input(name, width="100%", **props)


def enrolled() -> rx.Component:
    """The new member's card, with what to do with it."""
    return rx.card(
        rx.vstack(
            rx.heading(
                NewMemberState.enrolled_name, " is enrolled", size="4", as_="h2", id="enrolled"
            ),
            rx.text("Card number ", rx.code(NewMemberState.enrolled_code), size="3"),
            member_card(
                NewMemberState.card,
                NewMemberState.enrolled_name,
                NewMemberState.enrolled_code,
                rx.button(
                    "Enrol another",
                    on_click=NewMemberState.start_another,
                    variant="soft",
                    color_scheme="gray",
                    id="enrol-another",
                ),
            ),
            spacing="3",
        ),
        width="100%",
        max_width="52em",
    )
