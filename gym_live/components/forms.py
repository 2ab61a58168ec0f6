"""Form parts of the admin pages: a labelled field with its error beside it, a role choice."""

from __future__ import annotations

import reflex as rx

from gym_live import wording
from gym_live.domain.staff import Role


def field(
    label: str, name: str, control: rx.Component, error: rx.Var, width: str | None = None
) -> rx.Component:
    """A label, its control (whose id is `field-<name>`), and the error about it, if any."""
    return rx.vstack(
        rx.el.label(label, html_for=f"field-{name}", class_name="gl-label"),
        control,
        field_error(name, error),
        spacing="1",
        min_width="12em",
        width=width,
    )


def field_error(name: str, error: rx.Var) -> rx.Component:
    """What is wrong with the field `name`, if anything, read out when it appears."""
    return rx.cond(
        error != "",
        rx.text(error, color_scheme="red", size="1", id=f"error-{name}", role="alert"),
    )


def text_input(name: str, *, max_length: int, **props: object) -> rx.Component:
    return rx.input(name=name, id=f"field-{name}", max_length=max_length, size="2", **props)


def date_field(label: str, name: str, error: rx.Var, width: str | None = None) -> rx.Component:
    """A day (YYYY-MM-DD, the browser's date picker), its label and its error."""
    return field(
        label, name, text_input(name, max_length=10, type="date", width="100%"), error, width
    )


def role_choice(name: str = "role", **props: object) -> rx.Component:
    """Admin or front desk, as a native form value (`name`)."""
    return rx.select.root(
        rx.select.trigger(id=f"field-{name}", **props),
        role_items(),
        name=name,
        default_value=Role.FRONT_DESK.value,
    )


def role_items() -> rx.Component:
    return rx.select.content(
        *[rx.select.item(label, value=role.value) for role, label in wording.ROLES.items()]
    )


def form_error(error: rx.Var) -> rx.Component:
    """A failure about no one field (a database that is away, say)."""
    return rx.cond(
        error != "", rx.callout(error, icon="triangle-alert", color_scheme="red", id="form-error")
    )


def search_input(
    value: rx.Var, on_change: rx.EventHandler, *, placeholder: str, id: str, **props: object
) -> rx.Component:
    """Search as you type: the server hears the text once typing pauses for 250 ms."""
    return rx.debounce_input(
        rx.input(
            rx.input.slot(rx.icon("search", size=16)),
            placeholder=placeholder,
            value=value,
            on_change=on_change,
            max_length=200,
            id=id,
            **props,
        ),
        debounce_timeout=250,
    )


def filters(
    *fields: rx.Component, on_submit: rx.EventHandler, apply_id: str, error: rx.Var
) -> rx.Component:
    """A card of filter fields in a row, their Show button (`apply_id`), and under them
    what is wrong with no one field (`error`)."""
    return rx.card(
        rx.form(
            rx.vstack(
                rx.hstack(
                    *fields,
                    rx.button("Show", type="submit", id=apply_id, margin_top="1.4em"),
                    align="start",
                    spacing="4",
                    wrap="wrap",
                ),
                form_error(error),
                spacing="3",
            ),
            on_submit=on_submit,
            reset_on_submit=False,
        ),
        width="100%",
    )
