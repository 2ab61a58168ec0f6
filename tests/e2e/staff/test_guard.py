"""The one guard, tried as an attacker would: every event handler of every state of the app,
found by introspection, sent over Reflex's own socket protocol to the app in production mode.

A handler added later is in ALL without anyone editing this test; unless it is put on the
guard's allow-list (asserted exactly below), it must be refused here.
"""

from __future__ import annotations

import re
import urllib.request
from dataclasses import replace
from datetime import timedelta

import pytest
import reflex as rx
import sqlalchemy as sa
import websocket
from playwright.sync_api import Browser, expect

import gym_live.gym_live  # noqa: F401  (every page, so every state, is loaded)
from gym_live.models import (
    AuditEvent,
    DeniedAttempt,
    Kiosk,
    Location,
    Member,
    Staff,
    StaffSession,
    Visit,
)
from gym_live.reflex_compat import event_handlers
from gym_live.security_headers import CONTENT_SECURITY_POLICY
from gym_live.services import sessions
from gym_live.services.deps import Deps, utc_now
from gym_live.states.auth import AuthState
from gym_live.states.desk import DeskState
from gym_live.states.guard import (
    ACTIONS_PER_WINDOW,
    ADMINS_ONLY,
    FRONT_DESK,
    PUBLIC,
    SEARCHES_PER_WINDOW,
    TOO_MANY_SEARCHES,
)
from gym_live.states.kiosk import KioskState
from gym_live.states.live import LiveState
from gym_live.states.staff_admin import StaffAdminState
from tests.helpers.app import (
    ADMIN_NAME,
    ARTIFACTS,
    STAFF_NAME,
    STAFF_PASSWORD,
    STAFF_USER,
    AppServer,
)
from tests.helpers.dashboard_page import sign_in
from tests.helpers.socket_tab import RawTab, connected, stored

pytestmark = pytest.mark.e2e
STAFF_STATES = (LiveState, DeskState, StaffAdminState)
ALL = event_handlers(rx.State)
GUARDED = sorted(ALL - PUBLIC)
ADMIN_ONLY = sorted(ALL - PUBLIC - FRONT_DESK)
# Arguments that would change something if a handler ever ran: deactivate the desk account,
# make it an admin, check a member in.
PAYLOAD = {
    "text": "10000016",
    "code": "10000016",
    "name": "x",
    "username": STAFF_USER,
    "role": "admin",
    "active": False,
    "form": {"code": "x", "username": "intruder", "display_name": "x", "role": "admin"},
}
REDIRECT = '"_redirect"'  # the guard's answer is a redirect of the tab to /login


def short(name: str) -> str:
    """`…___live____live_state.open_dashboard` -> `live_state.open_dashboard`."""
    state, handler = name.rsplit(".", 1)
    return f"{state.rsplit('____', 1)[-1]}.{handler}"


def test_the_allow_list_is_exactly_reflexs_own_sign_in_and_the_kiosk() -> None:
    assert sorted(short(name) for name in PUBLIC) == sorted(
        [
            "state.hydrate",
            "state.hydrate_and_load",
            "state.set_is_hydrated",
            "on_load_internal_state.on_load_internal",
            "on_load_internal_state.set_is_hydrated",
            "update_vars_internal_state.update_vars_internal",
            "frontend_event_exception_state.handle_frontend_exception",
            "auth_state.sign_in",
            "auth_state.open_login",
            "kiosk_state.open_kiosk",
            "kiosk_state.pair",
            "kiosk_state.scan",
            "kiosk_state.dismiss",
            "kiosk_state.back_to_idle",
            "kiosk_state.check_admitted",  # reads who was admitted from the records
        ]
    )
    assert PUBLIC <= ALL and len(GUARDED) >= 10


def test_front_desk_may_use_only_the_dashboard_the_desk_members_reports_and_sign_out() -> None:
    """Every other handler, one added later included, is an admin's."""
    states = {short(name).split(".")[0] for name in FRONT_DESK}
    members_pages = {"members_state", "new_member_state", "member_page_state"}
    assert states == {"live_state", "desk_state", "auth_state", "reports_state", *members_pages}
    assert sorted(short(name) for name in FRONT_DESK if "auth_state" in name) == [
        "auth_state.change_password",
        "auth_state.open_password_page",
        "auth_state.sign_out",
    ]
    assert FRONT_DESK <= ALL and len(ADMIN_ONLY) >= 7


def counts(deps: Deps) -> tuple[int, ...]:
    """Rows of what a handler could change, and the desk account's role and state."""
    with deps.engine.connect() as conn:
        rows = tuple(
            conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in (Visit, DeniedAttempt, Member, Staff, AuditEvent, Kiosk, Location)
        )
        desk = conn.execute(
            sa.select(Staff.role, Staff.active).where(Staff.username == STAFF_USER)
        ).one()
    return (*rows, *desk)


def ended_session(deps: Deps) -> str:
    _, token = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=deps)
    sessions.sign_out(token, deps=deps)
    return token


def expired_session(deps: Deps) -> str:
    past = replace(deps, clock=lambda: utc_now() - timedelta(hours=13))
    return sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=past)[1]


@pytest.fixture(scope="module")
def names(app: AppServer) -> list[str]:
    """Every member's name, and the admin's: what no refused answer may carry."""
    return [m["name"] for m in app.cli.json("member", "list")["members"]] + [ADMIN_NAME]


@pytest.mark.parametrize("who", ["no session", "ended session", "expired session", "kiosk"])
def test_every_staff_handler_is_refused_without_a_live_session(
    app: AppServer, app_deps: Deps, names: list[str], who: str
) -> None:
    if who == "kiosk":
        code = app.cli.json("kiosk", "add", "--location", "Downtown")["pairing_code"]
        path, storage = "/kiosk", None
    else:
        make = {"no session": lambda deps: "", "ended session": ended_session}
        token = make.get(who, expired_session)(app_deps)
        path, storage = "/", stored(AuthState, "token", token)
    with connected(app, path, storage) as client:
        tab = RawTab(client, path)
        if who == "kiosk":  # a paired door tablet, with its device token, is no staff member
            tab.send(f"{KioskState.get_full_name()}.pair", form={"pairing_code": code})
            tab.until('"paired_rx_state_": true')
        else:
            tab.until(REDIRECT)  # the dashboard's own on_load is refused first
        before = counts(app_deps)
        answers = []
        for name in GUARDED:
            tab.send(name, **PAYLOAD)
            answers.append((short(name), tab.until(REDIRECT)))
    assert_refused(answers, "/login", names, STAFF_STATES)
    assert counts(app_deps) == before


def test_every_admin_handler_is_refused_to_the_front_desk(app: AppServer, app_deps: Deps) -> None:
    """The desk's own dashboard keeps arriving meanwhile; nothing of an admin page does."""
    _, token = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    with connected(app, "/", stored(AuthState, "token", token)) as client:
        tab = RawTab(client, "/")
        tab.until('"location_name_rx_state_": "Downtown"')
        before = counts(app_deps)
        answers = []
        for name in ADMIN_ONLY:
            tab.send(name, **PAYLOAD)
            answers.append((short(name), tab.until(ADMINS_ONLY)))
    assert_refused(answers, ADMINS_ONLY, [ADMIN_NAME], [StaffAdminState])
    assert counts(app_deps) == before


def assert_refused(
    answers: list[tuple[str, list[str]]],
    said: str,
    names: list[str],
    states: tuple[type[rx.State], ...] | list[type[rx.State]],
) -> None:
    """Each answer is the refusal, with none of these names and none of these states."""
    for handler, messages in answers:
        text = "".join(messages)
        assert said in text, handler
        assert not any(name in text for name in names), f"{handler} leaked a name"
        for staff_state in states:  # none of their values at all
            assert f'"{staff_state.get_full_name()}"' not in text, handler


def test_a_live_session_is_let_through_the_same_way(app: AppServer, app_deps: Deps) -> None:
    """The positive control: the same socket protocol with a signed-in token gets the view."""
    _, token = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    with connected(app, "/", stored(AuthState, "token", token)) as client:
        tab = RawTab(client, "/")
        joined = "".join(tab.until('"location_name_rx_state_": "Downtown"'))
        assert "/login" not in joined
        tab.send(f"{LiveState.get_full_name()}.switch_location", name="Downtown")
        moved = "".join(tab.until(REDIRECT))  # the handler's own navigation, not a refusal
        assert "/?location=Downtown" in moved and "/login" not in moved


def test_no_browser_receives_another_sessions_token_or_any_hash(
    app: AppServer, app_deps: Deps
) -> None:
    _, theirs = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    _, mine = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    with app_deps.engine.connect() as conn:
        hashes = list(conn.execute(sa.select(StaffSession.token_hash)).scalars())
    for storage in (stored(AuthState, "token", mine), None):
        with connected(app, "/", storage) as client:
            seen = "".join(RawTab(client, "/").messages(3))
        assert theirs not in seen and not any(digest in seen for digest in hashes)
        assert "argon2" not in seen


def test_a_page_on_another_origin_cannot_open_the_websocket(app: AppServer) -> None:
    """Browsers send the page's Origin on every WebSocket handshake, same-origin included."""
    url = app.url.replace("http://", "ws://") + "/_event/?EIO=4&transport=websocket"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin="http://evil.example", timeout=10)
    assert refused.value.status_code == 403
    own = websocket.create_connection(url, origin=app.url, timeout=10)
    try:
        assert own.recv().startswith("0{")  # engine.io's open packet: accepted
    finally:
        own.close()


def test_a_browser_without_a_session_sees_only_the_sign_in_page(
    app: AppServer, browser: Browser, names: list[str]
) -> None:
    for scheme in ("light", "dark"):
        page = browser.new_context(
            color_scheme=scheme, viewport={"width": 1280, "height": 800}
        ).new_page()
        page.goto(app.url + "/")
        expect(page).to_have_url(re.compile(r"/login$"), timeout=15_000)
        expect(page.get_by_role("heading", name="Staff sign-in")).to_be_visible()
        assert not any(member in page.content() for member in names)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"login-{scheme}.png")
        page.context.close()


def test_a_wrong_password_is_told_and_the_right_one_signs_in(
    app: AppServer, browser: Browser
) -> None:
    page = browser.new_context().new_page()
    page.goto(app.url + "/login")
    page.fill("#login-username", STAFF_USER)
    page.fill("#login-password", "not the password")
    page.click("#login-submit")
    expect(page.locator("#login-error")).to_have_text("That username and password do not match.")
    sign_in(page, app)
    expect(page.locator("#staff-name")).to_have_text(STAFF_NAME)
    page.screenshot(path=ARTIFACTS / "dashboard-signed-in.png")
    page.context.close()


def test_signing_out_in_one_tab_ends_the_session_in_the_other(
    app: AppServer, browser: Browser
) -> None:
    context = browser.new_context()
    first = context.new_page()
    sign_in(first, app)
    second = context.new_page()  # the same browser: the same session, from localStorage
    second.goto(app.url + "/")
    expect(second.locator("#stat-inside-now")).to_be_visible(timeout=15_000)
    first.click("#sign-out")
    expect(first).to_have_url(re.compile(r"/login$"), timeout=10_000)
    # Sent there by the guard's session watch, without an action of its own (which could
    # otherwise race the redirect).
    expect(second).to_have_url(re.compile(r"/login$"), timeout=10_000)
    context.close()


@pytest.mark.parametrize("path", ["/", "/login", "/kiosk", "/ping", "/api/docs", "/integrations"])
def test_every_answer_forbids_framing_and_sniffing(app: AppServer, path: str) -> None:
    with urllib.request.urlopen(app.url + path, timeout=10) as response:
        headers = response.headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_another_sites_page_cannot_show_the_app_in_a_frame(
    app: AppServer, browser: Browser
) -> None:
    page = browser.new_context().new_page()
    page.set_content(
        f'<iframe id="framed" src="{app.url}/login" width="800" height="600"></iframe>'
    )
    page.wait_for_timeout(3_000)
    [framed] = [frame for frame in page.frames if frame != page.main_frame]
    assert framed.url.startswith("chrome-error://")  # the browser refused to show it
    page.context.close()


def test_a_burst_of_desk_actions_is_slowed_with_a_toast_and_does_not_flood_the_feed(
    app: AppServer, app_deps: Deps
) -> None:
    _, token = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    denied_before = counts(app_deps)[1]
    with connected(app, "/", stored(AuthState, "token", token)) as client:
        tab = RawTab(client, "/")
        tab.until('"location_name_rx_state_": "Downtown"')
        for _ in range(ACTIONS_PER_WINDOW + 5):
            tab.send(f"{DeskState.get_full_name()}.check_in", code="55550000", name="Nobody")
        replies = "".join(tab.messages(5))
    assert replies.count("Too many check-ins and check-outs at once") == 5
    assert counts(app_deps)[1] - denied_before == ACTIONS_PER_WINDOW  # only those ran


def test_a_burst_of_member_searches_is_slowed_with_a_toast(app: AppServer, app_deps: Deps) -> None:
    """300 prefix searches listed nearly every member before; now 30 run in 10 s."""
    _, token = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    with connected(app, "/", stored(AuthState, "token", token)) as client:
        tab = RawTab(client, "/")
        tab.until('"location_name_rx_state_": "Downtown"')
        for n in range(SEARCHES_PER_WINDOW + 10):
            tab.send(f"{DeskState.get_full_name()}.search", text=f"1000{n:04d}")
        replies = "".join(tab.messages(5))
    assert replies.count(TOO_MANY_SEARCHES) == 10
    assert replies.count('"query_rx_state_"') == SEARCHES_PER_WINDOW  # only those ran


def test_malformed_events_are_dropped_with_one_log_line_each_and_the_tab_still_works(
    app: AppServer, app_deps: Deps
) -> None:
    _, token = sessions.sign_in(STAFF_USER, STAFF_PASSWORD, deps=app_deps)
    before = app.log_path.read_text().splitlines()
    with connected(app, "/", stored(AuthState, "token", token)) as client:
        tab = RawTab(client, "/")
        tab.until('"location_name_rx_state_": "Downtown"')
        for malformed in (
            "not an object",
            ["a", "list"],
            {"name": 5},
            {"name": "state.no_such_state.no_such_handler", "payload": {}},
            {"name": f"{DeskState.get_full_name()}.search", "payload": ["not", "an", "object"]},
            {"name": "x" * 10_000, "payload": {}},
        ):
            client.emit("event", malformed)
        tab.send(f"{DeskState.get_full_name()}.search", text="Omar")  # still answered
        tab.until('"query_rx_state_": "Omar"')
    added = app.log_path.read_text().splitlines()[len(before) :]
    refusals = [line for line in added if "malformed event" in line]
    assert len(refusals) == 6, added
    assert not any("Traceback" in line or "EventDeserializationError" in line for line in added)
    assert max(len(line) for line in refusals) < 300  # one short line, no headers
