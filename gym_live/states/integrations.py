"""`/integrations`: an admin adds an API key for a turnstile, a booking app or the books
(its name, scopes, locations and webhook; the key and the webhook's signing secret are
shown once), sets or removes a webhook, sees when each key was last used and how its
webhook calls went, and revokes a key."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.domain.webhooks import URL, webhook_url
from gym_live.presentation import api_key_row, delivery_row, field_errors
from gym_live.services import api_keys, locations, webhooks
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done, refused
from gym_live.widget import embed_snippet

FIELDS = ("name", "scope", URL)
# The form's checkboxes: one per scope and one per location, each named by its prefix.
SCOPE_FIELD, LOCATION_FIELD = "scope:", "location:"
KEY, SIGNING_SECRET = "new-key", "new-signing-secret"


class IntegrationsState(rx.State):
    rows: list[dict[str, str]] = []
    deliveries: list[dict[str, str]] = []
    location_names: list[str] = []
    errors: dict[str, str] = {}
    # Each location's widget for a website: its name and the <iframe> snippet to paste.
    widgets: list[dict[str, str]] = []
    # Secrets shown once, then forgotten: what they are, their value, their element's id.
    shown_once: list[dict[str, str]] = []
    shown_once_for: str = ""
    # The key whose webhook is being changed in the dialog ("": none), its name and URL.
    editing: str = ""
    editing_name: str = ""
    editing_url: str = ""
    webhook_error: str = ""

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
        url = str(form.get(URL, ""))
        try:
            webhook_url(url)  # checked before the key is made: a bad URL makes nothing
            key, secret = await as_staff(
                self,
                api_keys.add_key,
                str(form.get("name", "")),
                scopes=_checked(form, SCOPE_FIELD),
                locations=_checked(form, LOCATION_FIELD),
            )
            signing = await as_staff(self, webhooks.set_webhook, key.id, url) if url else None
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return
        self.errors = {}
        self._show_once(key.name, [("API key", secret, KEY)], signing)
        await self._reload()

    @rx.event
    def edit_webhook(self, key_id: str) -> None:
        row = next((row for row in self.rows if row["id"] == key_id), None)
        if row is not None:
            self.editing, self.editing_name = key_id, row["name"]
            self.editing_url, self.webhook_error = row["webhook_url"], ""

    @rx.event
    def close_webhook(self, is_open: bool = False) -> None:
        if not is_open:
            self.editing = self.editing_name = self.editing_url = self.webhook_error = ""

    @rx.event
    async def save_webhook(self, form: dict[str, Any]):  # noqa: ANN201  (a toast)
        number = int(self.editing) if self.editing.isdigit() else 0  # 0: no such key
        url = str(form.get(URL, ""))
        try:
            signing = await as_staff(self, webhooks.set_webhook, number, url)
        except GymLiveError as exc:
            self.webhook_error = exc.message
            return None
        name = self.editing_name
        self.close_webhook()
        self._show_once(name, [], signing)
        await self._reload()
        return done(f"The webhook of {name} is {'set' if url.strip() else 'removed'}.")

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
    async def refresh(self, _shown_time: str = "") -> None:
        """Every few seconds while the page is open: deliveries go on by themselves."""
        await self._reload()

    @rx.event
    def forget_secrets(self) -> None:
        self.shown_once, self.shown_once_for = [], ""

    def _show_once(
        self, name: str, secrets: list[tuple[str, str, str]], signing: str | None
    ) -> None:
        if signing is not None:
            secrets = [*secrets, ("Webhook signing secret", signing, SIGNING_SECRET)]
        self.shown_once = [{"label": what, "value": v, "id": i} for what, v, i in secrets]
        self.shown_once_for = name if secrets else ""

    async def _reload(self) -> None:
        deps = app_deps()
        found = await asyncio.to_thread(api_keys.list_keys, deps=deps)
        sent = await asyncio.to_thread(webhooks.recent_deliveries, deps=deps)
        self.rows = [api_key_row(key) for key in reversed(found)]
        self.deliveries = [delivery_row(line) for line in sent]


def _checked(form: dict[str, Any], prefix: str) -> list[str]:
    """The values of the form's ticked checkboxes named `prefix`<value>."""
    return [
        name.removeprefix(prefix) for name, on in form.items() if on and name.startswith(prefix)
    ]
