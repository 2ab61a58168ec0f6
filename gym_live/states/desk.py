"""Front-desk actions: find a member, check them in or out, and say what happened."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx

from gym_live.domain.checkin import Action, CheckinResult, Source
from gym_live.domain.errors import GymLiveError
from gym_live.domain.member_list import MAX_SEARCH_LENGTH
from gym_live.domain.members import NAME_LENGTH
from gym_live.domain.overrides import REASON as OVERRIDE_FIELD
from gym_live.live.hub import get_hub
from gym_live.presentation import stay_text
from gym_live.services import checkin, members, overrides
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff
from gym_live.states.live import LiveState


class DeskState(rx.State):
    query: str = ""
    matches: list[dict[str, str]] = []
    searched: bool = False
    inside_filter: str = ""
    # The refusal whose "Admit anyway" dialog is open (its denied attempt's id), for whom,
    # and what is wrong with the reason given.
    admitting: str = ""
    admitting_name: str = ""
    admit_error: str = ""
    # This browser's choice: a sound on a refusal at a door kiosk ("off": none; desk.js).
    refusal_sound: str = rx.LocalStorage("on", name="gym_live_refusal_sound")

    @rx.event
    def switch_refusal_sound(self, on: bool) -> None:
        self.refusal_sound = "on" if on else "off"

    @rx.event
    async def search(self, text: str):  # noqa: ANN201  (returns a toast or nothing)
        """As-you-type member search (the input debounces keystrokes)."""
        self.query = text
        try:
            found = await asyncio.to_thread(members.search_members, text, deps=app_deps())
        except GymLiveError as exc:
            self.matches, self.searched = [], False
            return rx.toast.error(exc.message)
        self.searched = bool(text.strip())
        self.matches = [
            {"code": m.code, "name": m.full_name, "status": m.status.value} for m in found
        ]
        return None

    @rx.event
    def filter_inside(self, text: str) -> None:
        """Narrows the who-is-inside table; matching happens in the browser."""
        self.inside_filter = " ".join(text.split()).lower()[:MAX_SEARCH_LENGTH]

    @rx.event
    async def check_in(self, code: str, name: str):  # noqa: ANN201
        return await self._act(checkin.check_in, code, name)

    @rx.event
    async def check_out(self, code: str, name: str):  # noqa: ANN201
        return await self._act(checkin.check_out, code, name)

    @rx.event
    def start_admit(self, denial: str, name: str) -> None:
        self.admitting, self.admitting_name = denial[:20], name[:NAME_LENGTH]
        self.admit_error = ""

    @rx.event
    def admit_open_changed(self, is_open: bool) -> None:
        if not is_open:
            self.admitting, self.admit_error = "", ""

    @rx.event
    async def admit(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        """Check in, anyway, the member of the open refusal, for the reason given."""
        reason = str(form.get(OVERRIDE_FIELD, ""))
        denial = int(self.admitting) if self.admitting.isdigit() else 0  # 0: no such refusal
        try:
            done = await as_staff(self, overrides.admit_anyway, denial, reason)
        except GymLiveError as exc:
            if exc.field == OVERRIDE_FIELD:  # the dialog stays open, the error beside it
                self.admit_error = exc.message
                return None
            self.admitting, self.admit_error = "", ""
            live = await self.get_state(LiveState)
            await get_hub().refresh(live.location_id)  # the feed may be behind
            return rx.toast.error(exc.message, close_button=True)
        self.admitting, self.admit_error = "", ""
        return rx.toast.success(
            f"{done.member.full_name} admitted anyway: {' '.join(reason.split())}."
        )

    async def _act(self, operation: Callable[..., CheckinResult], code: str, name: str):
        live = await self.get_state(LiveState)
        try:
            done = await as_staff(
                self, operation, code, location=live.location_name, source=Source.STAFF
            )
        except GymLiveError as exc:
            # The screen may have been behind the database (someone else acted first).
            await get_hub().refresh(live.location_id)
            return rx.toast.error(f"{name}: {exc.message}", close_button=True)
        if done.action is Action.CHECK_IN:
            left = done.visits_left
            on_pass = "" if left is None else f" ({left} visit{'s' * (left != 1)} left on the pass)"
            return rx.toast.success(f"{done.member.full_name} checked in{on_pass}.")
        stay = stay_text(done.stay_seconds or 0)
        return rx.toast.success(f"{done.member.full_name} checked out after {stay}.")
