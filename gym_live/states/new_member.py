"""`/members/new`: enrol a member (all staff, by the guard), then their card, to print."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.adapters.cards import png_data_uri
from gym_live.domain.errors import GymLiveError
from gym_live.domain.members import CODE, EMAIL, NAME, PHONE, PIN, PLAN, VALID_UNTIL, Plan
from gym_live.domain.memberships import PASS_UNTIL
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

    @rx.event
    def choose_plan(self, plan: str) -> None:
        self.plan = plan if plan in set(Plan) else Plan.TIME.value

    @rx.event
    def open_new_member_page(self) -> None:
        """The form, not the last card (the membership chosen is left as it is: this event
        can arrive after the first clicks)."""
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
                **values,
            )
            png = await asyncio.to_thread(members.member_card, member.code, deps=app_deps())
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return None
        self.errors, self.card, self.plan = {}, png_data_uri(png), Plan.TIME.value
        self.enrolled_name, self.enrolled_code = member.full_name, member.code
        return done(f"{member.full_name} enrolled: card {member.code}.")

    @rx.event
    def start_another(self) -> None:
        """An empty form again: mounted afresh once the last card is no longer shown."""
        self._show_the_form()
        self.plan = Plan.TIME.value

    def _show_the_form(self) -> None:
        self.errors, self.card, self.enrolled_name, self.enrolled_code = {}, "", "", ""
