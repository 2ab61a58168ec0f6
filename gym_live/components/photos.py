"""Member photos on staff pages: small beside a name, so the desk sees at a glance that the
card belongs to the person at the door."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from gym_live.components.uploads import file_button
from gym_live.domain.photos import MAX_UPLOAD_BYTES, PHOTO_RULE

PHOTO_TYPES = {
    "image/jpeg": [".jpg", ".jpeg"],
    "image/png": [".png"],
    "image/webp": [".webp"],
}
PHOTO_SIDE = "120px"


def thumbnail(photo: rx.Var, size: str = "32px") -> rx.Component:
    """The photo at `photo` (a URL; nothing when it is empty). Its alt text is empty: the
    name beside it says who it is."""
    return rx.cond(
        photo != "",
        rx.image(
            src=photo,
            alt="",
            width=size,
            height=size,
            loading="lazy",
            class_name="gl-photo",
        ),
    )


@dataclass(frozen=True)
class PhotoEvents:
    """What a photo chooser calls: with the chosen file, with one the browser refused (its
    type or size), and to take the photo away."""

    chosen: rx.EventHandler
    refused: rx.EventHandler
    removed: rx.EventHandler


def photo_chooser(
    photo: rx.Var, alt: rx.Var | str, events: PhotoEvents, *, id: str
) -> rx.Component:
    """The photo at `photo` (a URL, "" for none; a placeholder then) with a button to add
    or replace it and one to remove it; the elements' ids start with `id`."""
    upload_id = f"{id}-photo-upload"
    return rx.hstack(
        rx.cond(
            photo != "",
            rx.image(
                src=photo,
                alt=alt,
                width=PHOTO_SIDE,
                height=PHOTO_SIDE,
                class_name="gl-photo",
                id=f"{id}-photo",
            ),
            rx.center(
                rx.icon("user", size=48, color="var(--gray-9)"),
                width=PHOTO_SIDE,
                height=PHOTO_SIDE,
                class_name="gl-photo",
                id=f"{id}-no-photo",
            ),
        ),
        rx.vstack(
            file_button(
                rx.cond(photo != "", "Replace photo", "Add a photo"),
                icon="camera",
                upload_id=upload_id,
                accept=PHOTO_TYPES,
                max_size=MAX_UPLOAD_BYTES,
                on_drop=events.chosen(rx.upload_files(upload_id=upload_id)),
                on_drop_rejected=events.refused,
                id=f"{id}-choose-photo",
            ),
            rx.cond(
                photo != "",
                rx.button(
                    "Remove photo",
                    on_click=events.removed,
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    type="button",
                    id=f"{id}-remove-photo",
                ),
            ),
            rx.text(PHOTO_RULE, size="1", color_scheme="gray"),
            spacing="2",
        ),
        spacing="4",
        align="center",
    )
