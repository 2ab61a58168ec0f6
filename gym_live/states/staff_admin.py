"""`/staff`: an admin adds accounts, changes roles, deactivates, resets passwords."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live import wording
from gym_live.domain.errors import GymLiveError
from gym_live.domain.staff import DISPLAY_NAME, ROLE, USERNAME, StaffMember
from gym_live.presentation import field_errors, staff_row
from gym_live.services import sessions, staff
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done, refused

ADD_FIELDS = (USERNAME, DISPLAY_NAME, ROLE)


class StaffAdminState(rx.State):
    rows: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    # A new or reset password: shown once, in a dialog, then forgotten by the page.
    issued_for: str = ""
    issued_password: str = ""

    @rx.event
    async def open_staff_page(self) -> None:
        await self._reload()

    @rx.event
    async def add(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        username, name = str(form.get(USERNAME, "")), str(form.get(DISPLAY_NAME, ""))
        try:
            member, password = await as_staff(
                self,
                staff.add_with_temporary_password,
                username,
                role=str(form.get(ROLE, "")),
                display_name=name,
            )
        except GymLiveError as exc:
            self.errors = field_errors(exc, ADD_FIELDS)
            return None
        self.errors = {}
        self._issue(member, password)
        await self._reload()
        return [
            rx.set_value(USERNAME, ""),
            rx.set_value(DISPLAY_NAME, ""),
            done(f"{member.display_name} can sign in as {member.username}."),
        ]

    @rx.event
    async def change_role(self, username: str, role: str):  # noqa: ANN201
        return await self._change(
            lambda: as_staff(self, staff.set_role, username, role),
            lambda m: f"{m.display_name} is now {wording.ROLES[m.role].lower()}.",
        )

    @rx.event
    async def set_active(self, username: str, active: bool):  # noqa: ANN201
        return await self._change(
            lambda: as_staff(self, staff.set_active, username, bool(active)),
            lambda m: f"{m.display_name} {'reactivated' if m.active else 'deactivated'}.",
        )

    @rx.event
    async def reset_password(self, username: str):  # noqa: ANN201
        try:
            member, password = await as_staff(self, staff.reset_password, username)
        except GymLiveError as exc:
            return refused(exc)
        self._issue(member, password)
        return done(f"{member.display_name}'s password was reset; their sessions ended.")

    @rx.event
    async def sign_out_everywhere(self, username: str):  # noqa: ANN201
        try:
            ended = await as_staff(self, sessions.sign_out_everywhere, username)
        except GymLiveError as exc:
            return refused(exc)
        return done(f"{username}: {ended} session{'s' * (ended != 1)} ended.")

    @rx.event
    def forget_password(self) -> None:
        self.issued_for = self.issued_password = ""

    async def _change(self, call, message):  # noqa: ANN001
        try:
            member = await call()
        except GymLiveError as exc:
            await self._reload()  # the row shows what is true, not what was tried
            return refused(exc)
        await self._reload()
        return done(message(member))

    def _issue(self, member: StaffMember, password: str) -> None:
        self.issued_for, self.issued_password = member.display_name, password

    async def _reload(self) -> None:
        members = await asyncio.to_thread(staff.list_staff, deps=app_deps())
        self.rows = [staff_row(member) for member in members]
