"""`/locations`: an admin adds a location or changes its name, capacity or time zone."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.domain.locations import CAPACITY, NAME, TIMEZONE
from gym_live.presentation import field_errors, location_row
from gym_live.services import locations
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done

FIELDS = (NAME, CAPACITY, TIMEZONE)
NEW = ""  # the form adds a location (otherwise: the id of the one it changes)


class LocationAdminState(rx.State):
    rows: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    editing: str = NEW
    # What the form starts with (the location being changed, or a new one's defaults).
    draft: dict[str, str] = {}
    # A new form (its fields' starting values) each time one is started.
    form_key: int = 0

    @rx.event
    async def open_locations_page(self) -> None:
        await self._reload()
        self._start(NEW)

    @rx.event
    def edit(self, location_id: str) -> None:
        self._start(str(location_id))

    @rx.event
    async def save(self, form: dict[str, str]):  # noqa: ANN201  (a toast)
        values = {name: str(form.get(name, "")) for name in FIELDS}
        try:
            if self.editing == NEW:
                saved = await as_staff(self, locations.add_location, values.pop("name"), **values)
            else:
                saved = await as_staff(self, locations.change_location, int(self.editing), **values)
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return None
        added = self.editing == NEW
        await self._reload()
        self._start(NEW)
        return done(f"{saved.name} {'added' if added else 'saved'}.")

    def _start(self, location_id: str) -> None:
        """The form for this location (NEW: an empty one, in the gym's own time zone)."""
        found = [row for row in self.rows if row["id"] == location_id]
        self.editing = found[0]["id"] if found else NEW
        self.draft = found[0] if found else {"timezone": app_deps().settings.timezone}
        self.errors = {}
        self.form_key += 1

    async def _reload(self) -> None:
        found = await asyncio.to_thread(locations.list_locations, deps=app_deps())
        self.rows = [location_row(location) for location in found]
