"""`/audit`: who did what and when, filtered and in pages (admins only, by the guard)."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.domain.audit import KIND, PERSON, SINCE, UNTIL, AuditFilter, parse_filter
from gym_live.domain.errors import GymLiveError
from gym_live.presentation import audit_row, field_errors
from gym_live.services import audit, staff
from gym_live.services.deps import app_deps

FIELDS = (PERSON, KIND, SINCE, UNTIL)
ANY = "any"  # the choice of every person or every kind (a select needs a value)


class AuditState(rx.State):
    rows: list[dict[str, str]] = []
    people: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    page: int = 0
    has_more: bool = False
    _filter: AuditFilter = AuditFilter()

    @rx.event
    async def open_audit_page(self) -> None:
        members = await asyncio.to_thread(staff.list_staff, deps=app_deps())
        self.people = [{"username": m.username, "name": m.display_name} for m in members]
        self._filter, self.page, self.errors = AuditFilter(), 0, {}
        await self._load()

    @rx.event
    async def apply(self, form: dict[str, str]) -> None:
        fields = {name: str(form.get(name, "")) for name in FIELDS}
        fields = {name: "" if value == ANY else value for name, value in fields.items()}
        try:
            self._filter = parse_filter(**fields, zone=app_deps().settings.zone)
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return
        self.page, self.errors = 0, {}
        await self._load()

    @rx.event
    async def older(self) -> None:
        if self.has_more:
            self.page += 1
            await self._load()

    @rx.event
    async def newer(self) -> None:
        if self.page > 0:
            self.page -= 1
            await self._load()

    async def _load(self) -> None:
        entries, self.has_more = await asyncio.to_thread(
            audit.trail, self._filter, page=self.page, deps=app_deps()
        )
        self.rows = [audit_row(entry) for entry in entries]
