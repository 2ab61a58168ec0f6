"""The one guard: every event of every state passes here, on the server, before any handler.

Reflex's event middleware (`App.add_middleware`) sees each event before its handler runs and
may answer in its place, so a handler added later is guarded without anyone remembering a
decorator or a base class. An event is let through when its handler is on PUBLIC (Reflex's
own hydration, signing in, and the door kiosk, whose handlers check its device token), or
when the tab's session is live and its role may call it (FRONT_DESK: the dashboard, the
desk, the members' pages and the reports; every other handler, a later one too, is an
admin's); otherwise it is refused. A member who must replace a handed-over password may only
do that (OWN_ACCOUNT) until then.

A tab let through is remembered with its session, and every WATCH_SECONDS the sessions of
the open tabs are looked up together: a tab whose session ended (signed out elsewhere, a new
password, a deactivated account) leaves the live rooms and goes to the sign-in page.
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
from gym_live.domain.staff import Role, StaffMember
from gym_live.domain.tokens import secret_hash
from gym_live.live.fanout import ReflexFanout
from gym_live.live.rooms import STAFF_ROOMS
from gym_live.pages import routes
from gym_live.reflex_compat import (
    connected_sids,
    event_handlers,
    handler_names,
    reflex_own_handlers,
    refusal,
)
from gym_live.services import sessions
from gym_live.services.deps import app_deps
from gym_live.states.auth import AuthState, forget_signed_out
from gym_live.states.desk import DeskState
from gym_live.states.kiosk import KioskState
from gym_live.states.live import LiveState
from gym_live.states.member_page import MemberPageState
from gym_live.states.members import MembersState
from gym_live.states.new_member import NewMemberState
from gym_live.states.reports import ReportsState

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
# Member searches (debounced as staff type): enough for fast typing, not for listing every
# member by prefix.
SEARCHES_PER_WINDOW = 30
TOO_MANY_SEARCHES = "Too many searches at once: wait a few seconds, then search again."
ADMINS_ONLY = "Only an admin can do that."
# How often the sessions of the open staff tabs are looked up (a signed-out tab leaves then).
WATCH_SECONDS = 0.5


PUBLIC = frozenset(
    reflex_own_handlers()
    | handler_names(AuthState, "sign_in", "open_login")
    | handler_names(
        KioskState, "open_kiosk", "pair", "scan", "dismiss", "back_to_idle", "check_admitted"
    )
)
# What a member who must first replace a handed-over password may do.
OWN_ACCOUNT = frozenset(
    handler_names(AuthState, "sign_out", "open_password_page", "change_password")
)
# Any signed-in staff member may call these; every other guarded handler is an admin's.
FRONT_DESK = frozenset(
    event_handlers(LiveState)
    | event_handlers(DeskState)
    | event_handlers(MembersState)
    | event_handlers(NewMemberState)
    | event_handlers(MemberPageState)
    | event_handlers(ReportsState)
    | OWN_ACCOUNT
)
# Handlers that share a per-session budget: (names, how many per WINDOW_SECONDS, what to say).
RATE_LIMITS = (
    (
        frozenset(handler_names(DeskState, "check_in", "check_out", "admit")),
        ACTIONS_PER_WINDOW,
        TOO_FAST,
    ),
    (
        frozenset(handler_names(DeskState, "search") | handler_names(MembersState, "search")),
        SEARCHES_PER_WINDOW,
        TOO_MANY_SEARCHES,
    ),
)


class StaffGuard(rx.Middleware):
    """Refuses every non-public event of a tab without a live staff session."""

    def __init__(self) -> None:
        self._checked: OrderedDict[str, tuple[float, StaffMember]] = OrderedDict()
        # Each kind of refusal has its own budget, so one flood does not hide another.
        self._logged = RateLimit(LOGGED_PER_MINUTE, 60.0)
        self._limits: dict[str, tuple[RateLimit, str]] = {}
        for names, count, said in RATE_LIMITS:
            shared = RateLimit(count, WINDOW_SECONDS)
            self._limits.update(dict.fromkeys(names, (shared, said)))
        self._tabs: dict[str, str] = {}  # socket sid -> the session key it was let in with
        self._known: frozenset[str] | None = None  # every handler's name, once loaded

    async def preprocess(self, app: Any, state: Any, event: Any) -> Any:
        if event.name in PUBLIC:
            return None
        auth = await state.get_state(AuthState)
        key = secret_hash(auth.token)
        try:
            staff = await self._session(key, auth.token)
        except NotSignedIn:
            self._log_refusal("session", event.name, "not signed in")
            await forget_signed_out(auth)
            return refusal(rx.redirect(routes.LOGIN))
        shown = (staff.id, staff.display_name, staff.role.value)
        if (auth._staff_id, auth.staff_name, auth.staff_role) != shown:  # no delta otherwise
            auth._staff_id, auth.staff_name, auth.staff_role = shown
        if auth.files_pass != auth.token:  # the staff files' cookie follows the session
            auth.files_pass = auth.token
        self._tabs[state.router.session.session_id] = key
        if event.name in OWN_ACCOUNT:
            # It may change the password (or end the session): the tab's next event, which
            # comes after this one's handler, reads the session afresh. (Reflex 0.10 never
            # calls a middleware's postprocess.)
            self._checked.pop(key, None)
        elif staff.must_change_password:
            return refusal(rx.redirect(routes.PASSWORD))
        if event.name not in FRONT_DESK and staff.role != Role.ADMIN:
            self._log_refusal("role", event.name, f"{staff.username} is not an admin")
            return refusal(
                rx.toast.error(ADMINS_ONLY, close_button=True), rx.redirect(routes.DASHBOARD)
            )
        limited = self._limits.get(event.name)
        if limited is not None and not limited[0].allow(key, time.monotonic()):
            return refusal(rx.toast.error(limited[1], close_button=True))
        return None

    def why_malformed(self, data: Any) -> str | None:
        """Why a socket event is not one the page could have sent (logged as one line), or
        None: a JSON object naming a handler of the app, with an object as its payload."""
        if self._known is None:
            self._known = frozenset(event_handlers(rx.State))  # every state exists by now
        name = data.get("name") if isinstance(data, dict) else None
        if not isinstance(name, str) or name not in self._known:
            why = "no handler of this app"
        elif not isinstance(data.get("payload", {}), dict):
            why = "its payload is not an object"
        else:
            return None
        shown = name[:80] if isinstance(name, str) else type(data).__name__
        self._log_refusal("malformed", f"a malformed event ({shown!r})", why)
        return why

    async def send_ended_sessions_to_login(self, app: rx.App) -> None:
        """Lifespan task: tabs whose session ended leave the live rooms for the sign-in page.

        One query a round for every open staff tab of this instance; the database decides,
        so an account deactivated on another instance is seen here too.
        """
        fanout = ReflexFanout(app, {})
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            try:
                await self._drop_ended(fanout, connected_sids(app))
            except Exception:
                logger.exception("could not look up the open staff sessions; retrying")

    async def _drop_ended(self, fanout: ReflexFanout, connected: set[str]) -> None:
        self._tabs = {sid: key for sid, key in self._tabs.items() if sid in connected}
        if not self._tabs:
            return
        live = await asyncio.to_thread(
            sessions.still_live, set(self._tabs.values()), deps=app_deps()
        )
        for sid, key in [(sid, key) for sid, key in self._tabs.items() if key not in live]:
            del self._tabs[sid]
            self._checked.pop(key, None)
            await fanout.evict(sid, STAFF_ROOMS)
            await fanout.redirect(sid, routes.LOGIN)

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

    def _log_refusal(self, kind: str, name: str, why: str) -> None:
        """One line, no headers or traceback; at most LOGGED_PER_MINUTE of each kind."""
        if self._logged.allow(kind, time.monotonic()):
            logger.warning("refused %s: %s", name, why)
