"""`/members/[code]`: one member's record (all staff, by the guard): details, card, visits
and refused check-ins; and the desk's changes to them (services.member_changes)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import reflex as rx

from gym_live.adapters.cards import png_data_uri
from gym_live.domain.errors import GymLiveError
from gym_live.domain.member_status import FROZEN_UNTIL, REASON, StatusChange
from gym_live.domain.members import CODE, EMAIL, NAME, PHONE, PIN, MemberSnapshot, normalize_code
from gym_live.domain.memberships import PASS_UNTIL
from gym_live.domain.photos import MAX_UPLOAD_BYTES, PHOTO_RULE
from gym_live.pages import routes
from gym_live.presentation import (
    day_text,
    denial_line,
    field_errors,
    member_line,
    membership_line,
    visit_line,
)
from gym_live.services import member_changes, member_record, members
from gym_live.services.deps import app_deps
from gym_live.staff_files import photo_url
from gym_live.states.acting import as_staff, done, refused

DETAIL_FIELDS = (NAME, CODE, EMAIL, PHONE)
FREEZE_FIELDS = (REASON, FROZEN_UNTIL)
# The changes made in a dialog: the details, a freeze, the PIN, cancelling, a visit pass.
PANELS = ("details", "freeze", "pin", "cancel", "pass")


class MemberPageState(rx.State):
    details: dict[str, str] = {}
    has_pin: bool = False
    card: str = ""
    visits: list[dict[str, str]] = []
    visits_page: int = 0
    has_older_visits: bool = False
    denials: list[dict[str, str]] = []
    missing: str = ""  # why there is no record to show (an unknown card number)
    panel: str = ""  # the change whose dialog is open (PANELS), if any
    errors: dict[str, str] = {}  # the open dialog's errors, by field

    @rx.event
    async def open_member_page(self) -> None:
        self.visits_page = 0
        await self._load(card=True)

    @rx.event
    async def older_visits(self) -> None:
        if self.has_older_visits:
            self.visits_page += 1
            await self._load()

    @rx.event
    async def newer_visits(self) -> None:
        if self.visits_page > 0:
            self.visits_page -= 1
            await self._load()

    @rx.event
    def open_panel(self, panel: str) -> None:
        """Open a change's dialog (PANELS), its errors cleared."""
        self.panel, self.errors = (panel if panel in PANELS else ""), {}

    @rx.event
    def panel_open_changed(self, is_open: bool) -> None:
        if not is_open:
            self.panel, self.errors = "", {}

    @rx.event
    async def extend(self, months: int):  # noqa: ANN201  (a toast)
        number = months if isinstance(months, int) else 0  # 0: refused by the rule
        return await self._act(
            lambda m: f"{m.full_name}'s membership now ends on {day_text(m.valid_until)}.",
            member_changes.extend,
            number,
        )

    @rx.event
    async def add_pass(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        return await self._act(
            lambda m: f"{m.full_name} now has {m.visits_left} visits on the pass.",
            member_changes.add_pass,
            until=str(form.get(PASS_UNTIL, "")),
            fields=(PASS_UNTIL,),
        )

    @rx.event
    async def upload_photo(self, files: list[rx.UploadFile]):  # noqa: ANN201  (a toast)
        if not files:
            return None
        upload = await files[0].read(MAX_UPLOAD_BYTES + 1)  # more than that is refused
        return await self._act(
            lambda m: f"{m.full_name}'s photo is saved.", member_changes.set_photo, upload
        )

    @rx.event
    def photo_refused(self, _rejected: list[dict[str, Any]]):  # noqa: ANN201  (a toast)
        """The browser refused the file (its size or type), before any upload."""
        return rx.toast.error(PHOTO_RULE, close_button=True)

    @rx.event
    async def remove_photo(self):  # noqa: ANN201  (a toast)
        return await self._act(
            lambda m: f"{m.full_name}'s photo is removed.", member_changes.remove_photo
        )

    @rx.event
    async def save_details(self, form: dict[str, str]):  # noqa: ANN201  (a toast, a redirect)
        values = {name: str(form.get(name, "")) for name in DETAIL_FIELDS}
        return await self._act(
            lambda m: f"{m.full_name}'s details are saved.",
            member_changes.edit_details,
            full_name=values[NAME],
            new_code=values[CODE],
            email=values[EMAIL],
            phone=values[PHONE],
            fields=DETAIL_FIELDS,
        )

    @rx.event
    async def freeze(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        return await self._act(
            lambda m: (
                f"{m.full_name}'s membership is frozen"
                + (f" until {day_text(m.frozen_until)}." if m.frozen_until else ".")
            ),
            member_changes.change_status,
            StatusChange.FREEZE,
            reason=str(form.get(REASON, "")),
            until=str(form.get(FROZEN_UNTIL, "")),
            fields=FREEZE_FIELDS,
        )

    @rx.event
    async def unfreeze(self):  # noqa: ANN201  (a toast)
        return await self._status(StatusChange.UNFREEZE, "is active again")

    @rx.event
    async def cancel_membership(self):  # noqa: ANN201  (a toast)
        return await self._status(StatusChange.CANCEL, "is cancelled")

    @rx.event
    async def reactivate(self):  # noqa: ANN201  (a toast)
        return await self._status(StatusChange.REACTIVATE, "is active again")

    @rx.event
    async def set_pin(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        return await self._act(
            lambda m: f"{m.first_name}'s new PIN is set: the door asks for it from now on.",
            member_changes.set_pin,
            str(form.get(PIN, "")),
            fields=(PIN,),
        )

    @rx.event
    async def remove_pin(self):  # noqa: ANN201  (a toast)
        return await self._act(
            lambda m: f"{m.first_name} no longer needs a PIN at the door.",
            member_changes.set_pin,
            None,
        )

    async def _status(self, change: StatusChange, outcome: str) -> rx.event.EventSpec | None:
        return await self._act(
            lambda m: f"{m.full_name}'s membership {outcome}.",
            member_changes.change_status,
            change,
        )

    async def _act(
        self,
        said: Callable[[MemberSnapshot], str],
        action: Callable[..., MemberSnapshot],
        *args: object,
        fields: tuple[str, ...] = (),
        **kwargs: object,
    ) -> rx.event.EventSpec | list[rx.event.EventSpec] | None:
        """A change to this member as the signed-in staff member: its errors beside the
        dialog's `fields`, or in a toast; then the page re-read, or, after a new card
        number, the member's new address."""
        code = self._code()
        try:
            member = await as_staff(self, action, code, *args, **kwargs)
        except GymLiveError as exc:
            if fields:
                self.errors = field_errors(exc, fields)
                return None
            return refused(exc)
        self.panel, self.errors = "", {}
        if member.code != normalize_code(code):
            return [rx.redirect(routes.member_path(member.code)), done(said(member))]
        await self._load(card=True)  # the card shows the name, number and end
        return done(said(member))

    def _code(self) -> str:
        return routes.member_code_in(self.router.url.path)

    async def _load(self, *, card: bool = False) -> None:
        code = self._code()
        deps = app_deps()
        try:
            found = await asyncio.to_thread(
                member_record.member_record, code, visits_page=self.visits_page, deps=deps
            )
            if card:
                png = await asyncio.to_thread(members.member_card, code, deps=deps)
                self.card = png_data_uri(png)
        except GymLiveError as exc:
            self.missing, self.details, self.visits, self.denials = exc.message, {}, [], []
            return
        today = deps.today()
        self.details, self.has_pin = member_line(found.member, today), found.rules.has_pin
        self.details |= membership_line(found.rules, found.freeze_reason)
        self.details["photo"] = photo_url(found.photo, thumbnail=False)
        self.visits = [visit_line(visit) for visit in found.visits]
        self.has_older_visits = found.has_older_visits
        self.denials = [denial_line(denial) for denial in found.denials]
        self.missing = ""
