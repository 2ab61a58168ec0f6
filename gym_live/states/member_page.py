"""`/members/[code]`: one member's record (all staff, by the guard): details, card, visits
and refused check-ins."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.adapters.cards import png_data_uri
from gym_live.domain.errors import GymLiveError
from gym_live.pages import routes
from gym_live.presentation import denial_line, member_line, visit_line
from gym_live.services import member_record, members
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done, refused


class MemberPageState(rx.State):
    details: dict[str, str] = {}
    has_pin: bool = False
    card: str = ""
    visits: list[dict[str, str]] = []
    visits_page: int = 0
    has_older_visits: bool = False
    denials: list[dict[str, str]] = []
    missing: str = ""  # why there is no record to show (an unknown card number)

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
    async def extend(self, months: int):  # noqa: ANN201  (a toast)
        code = str(self.router.page.params.get(routes.MEMBER_PARAM, ""))
        number = months if isinstance(months, int) else 0  # 0: refused by the rule
        try:
            member = await as_staff(self, members.extend, code, number)
        except GymLiveError as exc:
            return refused(exc)
        await self._load(card=True)  # the card shows the new end
        return done(f"{member.full_name}'s membership now ends on {member.valid_until:%d %b %Y}.")

    async def _load(self, *, card: bool = False) -> None:
        code = str(self.router.page.params.get(routes.MEMBER_PARAM, ""))
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
        self.details, self.has_pin = member_line(found.member, today), found.has_pin
        self.visits = [visit_line(visit) for visit in found.visits]
        self.has_older_visits = found.has_older_visits
        self.denials = [denial_line(denial) for denial in found.denials]
        self.missing = ""
