"""`/kiosks`: an admin adds a door kiosk (its pairing code, in large type and as a QR code
the tablet scans) and revokes one."""

from __future__ import annotations

import asyncio
from urllib.parse import urlencode

import reflex as rx

from gym_live.adapters.cards import qr_svg_data_uri
from gym_live.domain.errors import GymLiveError
from gym_live.pages import routes
from gym_live.presentation import field_errors, kiosk_row
from gym_live.services import kiosks, locations
from gym_live.services.deps import app_deps
from gym_live.states.acting import as_staff, done, refused

FIELDS = ("location", "name")


class KioskAdminState(rx.State):
    rows: list[dict[str, str]] = []
    location_names: list[str] = []
    errors: dict[str, str] = {}
    # A new kiosk's pairing code, its name, and the QR code of the address that pairs it
    # (an SVG data URI): shown once.
    pairing_code: str = ""
    pairing_for: str = ""
    pairing_qr: str = ""

    @rx.event
    async def open_kiosks_page(self) -> None:
        found = await asyncio.to_thread(locations.list_locations, deps=app_deps())
        self.location_names = [location.name for location in found]
        await self._reload()

    @rx.event
    async def add(self, form: dict[str, str]) -> None:
        name = str(form.get("name", "")).strip() or None
        try:
            kiosk, code = await as_staff(
                self, kiosks.add_kiosk, str(form.get("location", "")), name=name
            )
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return
        self.errors = {}
        self.pairing_code, self.pairing_for = code, kiosk.name
        query = urlencode({routes.KIOSK_PAIR_PARAM: code})
        self.pairing_qr = qr_svg_data_uri(f"{self.router.url.origin}{routes.KIOSK}?{query}")
        await self._reload()

    @rx.event
    async def revoke(self, kiosk_id: str):  # noqa: ANN201  (a toast)
        number = int(kiosk_id) if str(kiosk_id).isdigit() else 0  # 0: no such kiosk
        try:
            kiosk = await as_staff(self, kiosks.revoke, number)
        except GymLiveError as exc:
            return refused(exc)
        await self._reload()
        return done(f"{kiosk.name} revoked: it shows the pairing screen now.")

    @rx.event
    async def refresh(self, _shown_time: str = "") -> None:
        """Every 5 s while the page is open: pairing and who is online change by themselves."""
        await self._reload()

    @rx.event
    def forget_code(self) -> None:
        self.pairing_code = self.pairing_for = self.pairing_qr = ""

    async def _reload(self) -> None:
        deps = app_deps()
        found = await asyncio.to_thread(kiosks.list_kiosks, deps=deps)
        now = deps.clock()
        self.rows = [kiosk_row(kiosk, now) for kiosk in reversed(found)]
