"""The door kiosk: pair once, then scan. It can do nothing else, and says why in plain words."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live import wording
from gym_live.domain.checkin import CheckinResult
from gym_live.domain.errors import (
    AlreadyCheckedIn,
    AlreadyCheckedOut,
    GymLiveError,
    KioskCoolingDown,
    KioskNotPaired,
    PinRequired,
    ScanRefused,
)
from gym_live.domain.kiosks import read_kiosk_input
from gym_live.domain.members import MAX_CODE_LENGTH
from gym_live.live.hub import get_hub
from gym_live.live.rooms import for_kiosks
from gym_live.pages import routes
from gym_live.presentation import (
    DashboardValues,
    goodbye_title,
    stay_text,
    welcome_detail,
    welcome_title,
)
from gym_live.services import kiosks
from gym_live.services.deps import app_deps
from gym_live.states.room_copy import RoomCopy

RESULT_SECONDS = 4
PIN_SECONDS = 20


class KioskState(RoomCopy, rx.State):
    device_token: str = rx.LocalStorage("", name="gym_live_kiosk_token", sync=True)
    paired: bool = False
    checked: bool = False
    location_name: str = ""
    inside_now: int = 0
    pairing_error: str = ""
    # idle | welcome | goodbye | already | denied | cooldown
    screen: str = "idle"
    title: str = ""
    detail: str = ""
    shown: int = 0
    asking_pin: bool = False
    _pending_code: str = ""
    _admitted_shown: int = 0  # the last visit the desk admitted anyway, shown here
    _location_id: int = 0  # where it is paired (it hears that location's head count)

    @rx.event
    async def open_kiosk(self):  # noqa: ANN201  (pairing, when the address carries a code)
        """Check the stored device token with the server; an unknown one shows pairing, or
        pairs at once with the code of the admin's QR code (`/kiosk?pair=CODE`)."""
        try:
            kiosk = await asyncio.to_thread(kiosks.authenticate, self.device_token, deps=app_deps())
        except KioskNotPaired:
            self.paired, self.checked = False, True
            code = self.router.url.query_parameters.get(routes.KIOSK_PAIR_PARAM, "")
            return KioskState.pair({"pairing_code": str(code)}) if code else None
        self.paired, self.checked, self.location_name = True, True, kiosk.location_name
        self._location_id = kiosk.location_id
        await get_hub().join_kiosk(self.router.session.session_id, kiosk.location_id, kiosk.id)
        return None

    @rx.event
    async def pair(self, form: dict[str, str]):  # noqa: ANN201  (returns a follow-up event)
        try:
            _, token = await asyncio.to_thread(
                kiosks.pair, str(form.get("pairing_code", "")), deps=app_deps()
            )
        except GymLiveError as exc:
            self.pairing_error = exc.message
            return None
        self.device_token, self.pairing_error = token, ""
        return KioskState.open_kiosk

    @rx.event
    async def scan(self, form: dict[str, str]):  # noqa: ANN201  (a sound, then back to idle)
        if not self.paired:  # set by the server at pairing: an unpaired tab costs no database work
            self.paired, self.device_token = False, ""
            return None
        typed = str(form.get("code", ""))[: MAX_CODE_LENGTH + 1]
        code, pin = read_kiosk_input(typed, self._pending_code)
        self._pending_code, self.asking_pin = "", False
        try:
            done = await asyncio.to_thread(
                kiosks.kiosk_scan, self.device_token, code, pin=pin, deps=app_deps()
            )
        except PinRequired:
            self._pending_code, self.asking_pin = code, True
            self._show("idle", "", "")
            return KioskState.back_to_idle(self.shown)
        except KioskNotPaired:
            self.paired, self.device_token = False, ""
            return None
        except KioskCoolingDown:
            self._show("cooldown", wording.COOLDOWN_TITLE, wording.COOLDOWN_DETAIL)
        except (AlreadyCheckedIn, AlreadyCheckedOut) as exc:
            self._show("already", exc.message.rstrip("."), wording.NO_NEED_AGAIN)
        except ScanRefused as exc:
            self._show("denied", wording.SEE_THE_DESK, wording.for_members(exc.code))
        except GymLiveError:
            self._show("denied", wording.SEE_THE_DESK, wording.SCAN_FAILED)
        else:
            self._welcome_or_goodbye(done)
        return self._answered()

    @rx.event
    async def check_admitted(self):  # noqa: ANN201  (a sound, then back to idle)
        """The desk let in anyway someone this kiosk refused: welcome them. The event
        carries nothing; who, and whether at all, is read from the server's records."""
        if not self.paired:
            return None
        try:
            admitted = await asyncio.to_thread(
                kiosks.admitted_here, self.device_token, deps=app_deps()
            )
        except GymLiveError:
            return None
        if admitted is None or admitted.visit_id <= self._admitted_shown:
            return None
        self._admitted_shown = admitted.visit_id
        self._show("welcome", welcome_title(admitted.first_name), wording.ADMITTED_AT_DESK)
        return self._answered()

    def _room_values(self) -> DashboardValues | None:
        view = get_hub().views.get(self._location_id) if self.paired else None
        return for_kiosks(view) if view else None

    def _answered(self) -> list[rx.event.EventSpec]:
        """The answer's sound, and its way back to idle after a few seconds."""
        return [
            rx.call_script(f"window.glKioskSound && window.glKioskSound('{self._sound()}')"),
            KioskState.back_to_idle(self.shown),
        ]

    def _welcome_or_goodbye(self, done: CheckinResult) -> None:
        first = done.member.first_name
        if done.checked_out_at is not None:
            stay = _unbroken(stay_text(done.stay_seconds or 0) + " today")
            self._show("goodbye", f"{goodbye_title(first)} \u2014 {stay}", wording.SEE_YOU_SOON)
            return
        self._show("welcome", welcome_title(first), welcome_detail(done))

    def _show(self, screen: str, title: str, detail: str) -> None:
        self.screen, self.title, self.detail = screen, title, detail
        self.shown += 1

    @rx.event
    def dismiss(self) -> None:
        """A tap on an answer clears it (the cool-down cannot be tapped away)."""
        if self.screen != "cooldown":
            self.screen = "idle"

    def _sound(self) -> str:
        return {"cooldown": "denied"}.get(self.screen, self.screen)

    @rx.event(background=True)
    async def back_to_idle(self, shown: int) -> None:
        """After a few seconds the answer (or an unanswered PIN prompt) goes away,
        unless a newer scan replaced it."""
        async with self:
            hold = RESULT_SECONDS
            if self.screen == "cooldown":
                hold = wording.COOLDOWN_SECONDS
            elif self.asking_pin:
                hold = PIN_SECONDS
        await asyncio.sleep(hold)
        async with self:
            if self.shown == shown:
                self.screen, self.asking_pin, self._pending_code = "idle", False, ""


def _unbroken(text: str) -> str:
    """Keep '1 h 12 min today' on one line on a narrow portrait screen."""
    return text.replace(" ", "\u00a0")
