"""`/members/new`: enrol a member (all staff, by the guard), then their card, to print."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from gym_live.adapters.cards import png_data_uri
from gym_live.adapters.photos import Photo
from gym_live.domain.errors import GymLiveError
from gym_live.domain.members import CODE, EMAIL, NAME, PHONE, PIN, PLAN, VALID_UNTIL, Plan
from gym_live.domain.memberships import PASS_UNTIL
from gym_live.domain.photos import MAX_UPLOAD_BYTES, PHOTO, PHOTO_RULE
from gym_live.presentation import field_errors
from gym_live.services import members
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done

FIELDS = (NAME, CODE, EMAIL, PHONE, PLAN, VALID_UNTIL, PASS_UNTIL, PIN)


class NewMemberState(rx.State):
    errors: dict[str, str] = {}
    # The member just enrolled, and their card (a PNG data URI), until the next one.
    enrolled_name: str = ""
    enrolled_code: str = ""
    card: str = ""
    plan: str = Plan.TIME.value  # the membership chosen in the form: its date field shows
    # The photo chosen in the form (its thumbnail as a data URI), stored with the member.
    photo_preview: str = ""
    _photo: Photo | None = None

    @rx.event
    def choose_plan(self, plan: str) -> None:
        self.plan = plan if plan in set(Plan) else Plan.TIME.value

    @rx.event
    def open_new_member_page(self) -> None:
        """The form, not the last card (the membership chosen is left as it is: this event
        can arrive after the first clicks, though not after a photo is chosen)."""
        self._show_the_form()

    @rx.event
    async def enrol(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        values = {name: str(form.get(name, "")) for name in FIELDS}
        try:
            member = await as_staff(
                self,
                members.enrol,
                values.pop(NAME),
                code=values.pop(CODE),
                photo=self._photo,
                **values,
            )
            png = await asyncio.to_thread(members.member_card, member.code, deps=app_deps())
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return None
        self.errors, self.card, self.plan = {}, png_data_uri(png), Plan.TIME.value
        self.enrolled_name, self.enrolled_code = member.full_name, member.code
        self._forget_photo()
        return done(f"{member.full_name} enrolled: card {member.code}.")

    @rx.event
    async def choose_photo(self, files: list[rx.UploadFile]) -> None:
        if not files:
            return
        upload = await files[0].read(MAX_UPLOAD_BYTES + 1)  # more than that is refused
        try:
            photo = await asyncio.to_thread(members.photo_to_enrol, upload)
        except GymLiveError as exc:
            self._forget_photo()
            self.errors = {**self.errors, PHOTO: exc.message}
            return
        self._photo, self.photo_preview = photo, photo.preview()
        self.errors = {name: said for name, said in self.errors.items() if name != PHOTO}

    @rx.event
    def photo_refused(self, _rejected: list[dict[str, Any]]) -> None:
        """The browser refused the file (its size or type), before any upload."""
        self._forget_photo()
        self.errors = {**self.errors, PHOTO: PHOTO_RULE}

    @rx.event
    def remove_photo(self) -> None:
        self._forget_photo()

    @rx.event
    def start_another(self) -> None:
        """An empty form again: mounted afresh once the last card is no longer shown."""
        self._show_the_form()
        self.plan = Plan.TIME.value

    def _show_the_form(self) -> None:
        """An empty form: a photo left from an earlier visit is not the next member's."""
        self.errors, self.card, self.enrolled_name, self.enrolled_code = {}, "", "", ""
        self._forget_photo()

    def _forget_photo(self) -> None:
        self._photo, self.photo_preview = None, ""
