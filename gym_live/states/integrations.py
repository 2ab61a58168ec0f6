"""`/integrations`: an admin adds an API key for a turnstile, a booking app or the books
(its name, scopes and locations; the key itself is shown once), sees when each was last
used, and revokes one."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.presentation import api_key_row, field_errors
from gym_live.services import api_keys, locations
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done, refused
from gym_live.widget import embed_snippet

FIELDS = ("name", "scope")
# The form's checkboxes: one per scope and one per location, each named by its prefix.
SCOPE_FIELD, LOCATION_FIELD = "scope:", "location:"


class IntegrationsState(rx.State):
    rows: list[dict[str, str]] = []
    location_names: list[str] = []
    errors: dict[str, str] = {}
    # Each location's widget for a website: its name and the <iframe> snippet to paste.
    widgets: list[dict[str, str]] = []
    # A new key and the integration it is for: shown once, then forgotten.
    new_key: str = ""
    new_key_for: str = ""

    @rx.event
    async def open_integrations_page(self) -> None:
        found = await asyncio.to_thread(locations.list_locations, deps=app_deps())
        self.location_names = [location.name for location in found]
        origin = self.router.url.origin
        self.widgets = [
            {"name": at.name, "snippet": embed_snippet(origin, at.id, at.name)} for at in found
        ]
        await self._reload()

    @rx.event
    async def add(self, form: dict[str, Any]) -> None:
        try:
            key, secret = await as_staff(
                self,
                api_keys.add_key,
                str(form.get("name", "")),
                scopes=_checked(form, SCOPE_FIELD),
                locations=_checked(form, LOCATION_FIELD),
            )
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return
        self.errors = {}
        self.new_key, self.new_key_for = secret, key.name
        await self._reload()

    @rx.event
    async def revoke(self, key_id: str):  # noqa: ANN201  (a toast)
        number = int(key_id) if str(key_id).isdigit() else 0  # 0: no such key
        try:
            key = await as_staff(self, api_keys.revoke_key, number)
        except GymLiveError as exc:
            return refused(exc)
        await self._reload()
        return done(f"The key of {key.name} is revoked: its next call is refused.")

    @rx.event
    def forget_key(self) -> None:
        self.new_key = self.new_key_for = ""

    async def _reload(self) -> None:
        found = await asyncio.to_thread(api_keys.list_keys, deps=app_deps())
        self.rows = [api_key_row(key) for key in reversed(found)]


def _checked(form: dict[str, Any], prefix: str) -> list[str]:
    """The values of the form's ticked checkboxes named `prefix`<value>."""
    return [
        name.removeprefix(prefix) for name, on in form.items() if name.startswith(prefix) and on
    ]
