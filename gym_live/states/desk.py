"""Front-desk actions: find a member, check them in or out, and say what happened."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import reflex as rx

from gym_live.domain.checkin import Action, CheckinResult, Source
from gym_live.domain.errors import GymLiveError
from gym_live.domain.member_list import MAX_SEARCH_LENGTH
from gym_live.live.hub import get_hub
from gym_live.presentation import stay_text
from gym_live.services import checkin, members
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff
from gym_live.states.live import LiveState


class DeskState(rx.State):
    query: str = ""
    matches: list[dict[str, str]] = []
    searched: bool = False
    inside_filter: str = ""

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
