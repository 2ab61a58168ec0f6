"""The signed-in staff member of a tab: sign in, sign out, and who is signed in.

The session token lives in the browser's localStorage, not in a cookie: nothing but this
app's own page script sends it (a cookie would ride along on requests another site's page
makes), and `sync=True` shares it between the tabs of the browser, so signing out in one
ends the session in all of them. Every staff event is checked by `states.guard`, never here.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.domain.errors import GymLiveError
from gym_live.domain.staff import CURRENT_PASSWORD, PASSWORD, REPEATED_PASSWORD
from gym_live.pages import routes
from gym_live.presentation import field_errors
from gym_live.reflex_compat import reset_but_browser_storage
from gym_live.services import sessions
from gym_live.services.deps import app_deps
from gym_live.staff_files import FILES_COOKIE
from gym_live.states.kiosk import KioskState

TOKEN_KEY = "gym_live_staff_token"
PASSWORD_FIELDS = (CURRENT_PASSWORD, PASSWORD, REPEATED_PASSWORD)


class AuthState(rx.State):
    token: str = rx.LocalStorage("", name=TOKEN_KEY, sync=True)
    # The same session, for the staff files' routes only (see gym_live.staff_files); kept
    # equal to the token by the guard.
    files_pass: str = rx.Cookie("", name=FILES_COOKIE, path="/", same_site="strict")
    # Who is signed in, for the header; set by the guard from the session, never by the page.
    staff_name: str = ""
    staff_role: str = ""
    error: str = ""
    password_errors: dict[str, str] = {}
    # The signed-in account's id, for "who did this" (a backend var: never sent to the page).
    _staff_id: int = 0

    @rx.event
    async def sign_in(self, form: dict[str, str]):  # noqa: ANN201  (a navigation, or nothing)
        username, password = str(form.get("username", "")), str(form.get("password", ""))
        try:
            member, token = await asyncio.to_thread(
                sessions.sign_in, username, password, deps=app_deps()
            )
        except GymLiveError as exc:
            self.error = exc.message
            return None
        self.token, self.error = token, ""
        self.staff_name, self.staff_role = member.display_name, member.role.value
        return rx.redirect(routes.PASSWORD if member.must_change_password else routes.DASHBOARD)

    @rx.event
    def open_password_page(self) -> None:
        """Nothing to load: the guard has checked the session (or sent the tab to sign in)."""
        self.password_errors = {}

    @rx.event
    async def change_password(self, form: dict[str, str]):  # noqa: ANN201  (a navigation)
        fields = [str(form.get(name, "")) for name in PASSWORD_FIELDS]
        try:
            await asyncio.to_thread(
                sessions.change_own_password, self.token, *fields, deps=app_deps()
            )
        except GymLiveError as exc:
            self.password_errors = field_errors(exc, PASSWORD_FIELDS)
            return None
        self.password_errors = {}
        return [rx.redirect(routes.DASHBOARD), rx.toast.success("Your new password is set.")]

    @rx.event
    async def open_login(self):  # noqa: ANN201
        """A tab that is still signed in goes on to the dashboard."""
        try:
            await asyncio.to_thread(sessions.authenticate, self.token, deps=app_deps())
        except GymLiveError:  # (its session may have ended elsewhere: forget what it saw)
            await forget_signed_out(self)
            return None
        return rx.redirect(routes.DASHBOARD)

    @rx.event
    async def sign_out(self):  # noqa: ANN201
        """End the session everywhere it is used, and go to the sign-in page."""
        await asyncio.to_thread(sessions.sign_out, self.token, deps=app_deps())
        self.token = ""
        await forget_signed_out(self)
        return rx.redirect(routes.LOGIN)


async def forget_signed_out(auth: AuthState) -> None:
    """A tab without a session keeps nothing of the staff pages in its stored state.

    Reflex sends a tab's stored state whole on its next (re)connect, on any page: what its
    staff pages showed (members' names among it) would reach it signed out. Every state
    but this one and the door kiosk's is a staff page's. A tab that holds nothing of a
    session (never signed in, or forgotten already) is left as it is.
    """
    if not (auth._staff_id or auth.staff_name or auth.staff_role or auth.files_pass):
        return
    auth._staff_id, auth.staff_name, auth.staff_role, auth.files_pass = 0, "", "", ""
    for state in rx.State.get_substates():
        if state.__module__.startswith("gym_live.states.") and state not in (AuthState, KioskState):
            reset_but_browser_storage(await auth.get_state(state))
