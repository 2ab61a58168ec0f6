"""A change made in a dialog: its title and what it does, a form, Back and the action."""

from __future__ import annotations

import reflex as rx

from gym_live.components.forms import form_error, text_input


def change_dialog(
    title: str | rx.Component,
    description: str,
    form: rx.Component,
    *,
    open: rx.Var,
    on_open_change: rx.EventHandler,
) -> rx.Component:
    """Open while `open` holds (the state's); closing it calls `on_open_change(False)`."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title, class_name="gl-long-text"),
            rx.dialog.description(description, size="2", margin_bottom="3"),
            form,
            max_width="30em",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def dialog_form(
    on_submit: rx.EventHandler,
    submit: str,
    submit_id: str,
    *fields: rx.Component,
    error: rx.Var | str = "",
) -> rx.Component:
    """The fields, an error about none of them, then Back (closes) and the action."""
    return rx.form(
        rx.vstack(
            *fields,
            form_error(error),
            rx.hstack(
                rx.dialog.close(
                    rx.button("Back", type="button", variant="soft", color_scheme="gray")
                ),
                rx.button(submit, type="submit", high_contrast=True, id=submit_id),
                justify="end",
                spacing="3",
                width="100%",
            ),
            spacing="3",
            align="stretch",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )


def suggesting_input(name: str, *, max_length: int, suggestions: tuple[str, ...]) -> rx.Component:
    """A text input that offers `suggestions` as the person types (any text is taken)."""
    choices = f"{name}-suggestions"
    return rx.fragment(
        text_input(
            name,
            max_length=max_length,
            width="100%",
            auto_complete="off",
            custom_attrs={"list": choices},
        ),
        rx.el.datalist(*[rx.el.option(value=text) for text in suggestions], id=choices),
    )
