"""A file chooser as staff expect it: a real button (a click, or Enter / Space, opens the
chooser) and a drop zone around it; the file input itself is hidden from everyone (the
gl-file-button style), screen readers included, so the button is the only control."""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx


def file_button(
    label: str | rx.Var,
    *,
    icon: str,
    upload_id: str,
    accept: dict[str, Sequence[str]],
    max_size: int,
    on_drop: rx.EventHandler,
    on_drop_rejected: rx.EventHandler,
    id: str,
) -> rx.Component:
    """`on_drop` gets the chosen file (`rx.upload_files(upload_id)`); `on_drop_rejected`
    one the browser refused for its type or size."""
    return rx.box(
        rx.upload.root(
            rx.button(
                rx.icon(icon, size=14),
                label,
                # Opened in the click's own handler, not through Reflex's event queue: the
                # browser opens a file chooser only while the click's user activation
                # lasts, and a queue busy with an earlier event could outlast it.
                on_click=rx.vars.FunctionStringVar.create(
                    f"(() => document.querySelector('#{upload_id} input[type=file]').click())"
                ),
                type="button",
                size="1",
                variant="soft",
                id=id,
            ),
            id=upload_id,
            no_click=True,  # the button opens the chooser, once
            no_keyboard=True,
            accept=accept,
            max_files=1,
            max_size=max_size,
            multiple=False,
            on_drop=on_drop,
            on_drop_rejected=on_drop_rejected,
        ),
        class_name="gl-file-button",
    )
