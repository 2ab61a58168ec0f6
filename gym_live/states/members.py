"""`/members`: find a member by name, card, email or phone, narrow and sort the list, a
page at a time (every signed-in staff member, by the guard)."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.domain.member_list import MemberSort, parse_member_filter
from gym_live.presentation import member_line
from gym_live.services import members
from gym_live.services.deps import app_deps

ANY = "any"  # the choice of every status or any validity (a select needs a value)


class MembersState(rx.State):
    rows: list[dict[str, str]] = []
    total: int = 0
    counted_all: bool = True  # else more than COUNTED_UP_TO match
    page: int = 1
    pages: int = 1
    text: str = ""
    status: str = ANY
    validity: str = ANY
    inside_only: bool = False
    sort: str = MemberSort.NAME.value
    descending: bool = False
    error: str = ""
    loaded: bool = False

    @rx.event
    async def open_members_page(self) -> None:
        """The list as last left in this tab (its search and filters stay)."""
        await self._load()

    @rx.event
    async def search(self, text: str) -> None:
        """As-you-type search (the input debounces keystrokes)."""
        self.text, self.page = str(text), 1
        await self._load()

    @rx.event
    async def filter_status(self, status: str) -> None:
        self.status, self.page = str(status), 1
        await self._load()

    @rx.event
    async def filter_validity(self, validity: str) -> None:
        self.validity, self.page = str(validity), 1
        await self._load()

    @rx.event
    async def filter_inside(self, inside_only: bool) -> None:
        self.inside_only, self.page = inside_only is True, 1
        await self._load()

    @rx.event
    async def sort_by(self, column: str) -> None:
        """A column's title sorts by it; again, the other way round. Dates start with the
        latest, names with A."""
        if column == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = str(column), column == MemberSort.LAST_VISIT.value
        self.page = 1
        await self._load()

    @rx.event
    async def next_page(self) -> None:
        if self.page < self.pages:
            self.page += 1
            await self._load()

    @rx.event
    async def previous_page(self) -> None:
        if self.page > 1:
            self.page -= 1
            await self._load()

    async def _load(self) -> None:
        deps = app_deps()
        try:
            wanted = parse_member_filter(
                text=self.text,
                status="" if self.status == ANY else self.status,
                validity="" if self.validity == ANY else self.validity,
                inside_only=self.inside_only,
                sort=self.sort,
                descending=self.descending,
                page=self.page,
            )
            found = await asyncio.to_thread(members.find_members, wanted, deps=deps)
        except GymLiveError as exc:
            self.error, self.rows, self.total = exc.message, [], 0
            return
        today = deps.today()
        self.rows = [member_line(member, today) for member in found.members]
        self.total, self.counted_all, self.pages = found.total, found.counted_all, found.pages
        self.error, self.loaded = "", True
