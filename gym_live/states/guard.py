"""The one guard: every event of every state passes here, on the server, before any handler.

Reflex's event middleware (`App.add_middleware`) sees each event before its handler runs and
may answer in its place, so a handler added later is guarded without anyone remembering a
decorator or a base class. An event is let through when its handler is on PUBLIC (Reflex's
own hydration, signing in, and the door kiosk, whose handlers check its device token), or
when the tab's session is live; otherwise the tab is sent to the sign-in page.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import reflex as rx

from gym_live.domain.errors import NotSignedIn
from gym_live.domain.limits import RateLimit
from gym_live.domain.staff import StaffMember
from gym_live.domain.tokens import secret_hash
from gym_live.pages import routes
from gym_live.reflex_compat import handler_names, reflex_own_handlers, refusal
from gym_live.services import sessions
from gym_live.services.deps import app_deps
from gym_live.states.auth import AuthState
from gym_live.states.desk import DeskState
from gym_live.states.kiosk import KioskState

logger = logging.getLogger(__name__)
# A session is looked up again after this long (a revoked one is refused within it).
RECHECK_SECONDS = 1.0
CACHED_SESSIONS = 10_000
# Refusals are logged one line each, at most this many a minute (a script can send thousands).
LOGGED_PER_MINUTE = 20
# Staff check-ins and check-outs reach every dashboard's feed: at most this many per session
# in WINDOW_SECONDS (a person at the desk makes a few; a script would flood the feed).
ACTIONS_PER_WINDOW, WINDOW_SECONDS = 10, 10.0
TOO_FAST = "Too many check-ins and check-outs at once: wait a few seconds, then try again."


PUBLIC = frozenset(
    reflex_own_handlers()
    | handler_names(AuthState, "sign_in", "open_login")
    | handler_names(KioskState, "open_kiosk", "pair", "scan", "dismiss", "back_to_idle")
)
RATE_LIMITED = frozenset(handler_names(DeskState, "check_in", "check_out"))


class StaffGuard(rx.Middleware):
    """Refuses every non-public event of a tab without a live staff session."""

    def __init__(self) -> None:
        self._checked: OrderedDict[str, tuple[float, StaffMember]] = OrderedDict()
        self._log_window, self._logged = 0.0, 0
        self._actions = RateLimit(ACTIONS_PER_WINDOW, WINDOW_SECONDS)

    async def preprocess(self, app: Any, state: Any, event: Any) -> Any:
        if event.name in PUBLIC:
            return None
        auth = await state.get_state(AuthState)
        key = secret_hash(auth.token)
        try:
            staff = await self._session(key, auth.token)
        except NotSignedIn:
            self._log_refusal(event.name)
            if auth.staff_name or auth.staff_role:
                auth.staff_name = auth.staff_role = ""
            return refusal(rx.redirect(routes.LOGIN))
        if auth.staff_name != staff.display_name or auth.staff_role != staff.role:
            auth.staff_name, auth.staff_role = staff.display_name, staff.role.value
        if event.name in RATE_LIMITED and not self._actions.allow(key, time.monotonic()):
            return refusal(rx.toast.error(TOO_FAST, close_button=True))
        return None

    async def _session(self, key: str, token: str) -> StaffMember:
        """The session's staff member, looked up at most once a RECHECK_SECONDS per token."""
        now = time.monotonic()
        cached = self._checked.get(key)
        if cached is not None and now - cached[0] < RECHECK_SECONDS:
            return cached[1]
        staff = await asyncio.to_thread(sessions.authenticate, token, deps=app_deps())
        self._checked[key] = (now, staff)
        self._checked.move_to_end(key)
        if len(self._checked) > CACHED_SESSIONS:
            self._checked.popitem(last=False)
        return staff

    def _log_refusal(self, name: str) -> None:
        now = time.monotonic()
        if now - self._log_window >= 60:
            self._log_window, self._logged = now, 0
        self._logged += 1
        if self._logged <= LOGGED_PER_MINUTE:
            logger.warning("refused %s: not signed in", name)
