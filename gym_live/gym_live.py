"""The Reflex app: pages and lifespan tasks. Wiring only."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live.api import api
from gym_live.collector import collect_full_garbage, collect_garbage_rarely
from gym_live.live.fanout import ReflexFanout
from gym_live.live.hub import get_hub
from gym_live.live.rooms import DASHBOARD, KIOSK
from gym_live.operations import operations
from gym_live.pages import routes
from gym_live.pages.audit import audit_page
from gym_live.pages.dashboard import dashboard
from gym_live.pages.integrations import integrations_page
from gym_live.pages.kiosk import kiosk
from gym_live.pages.kiosks import kiosks_page
from gym_live.pages.locations import locations_page
from gym_live.pages.login import login
from gym_live.pages.member import member_page
from gym_live.pages.member_import import member_import_page
from gym_live.pages.members import members_page
from gym_live.pages.new_member import new_member_page
from gym_live.pages.password import password_page
from gym_live.pages.reports import reports_page
from gym_live.pages.staff import staff
from gym_live.reflex_compat import only_these_origins, screen_events
from gym_live.security_headers import with_security_headers
from gym_live.settings import get_settings
from gym_live.staff_files import staff_files
from gym_live.states.audit import AuditState
from gym_live.states.auth import AuthState
from gym_live.states.guard import StaffGuard
from gym_live.states.integrations import IntegrationsState
from gym_live.states.kiosk import KioskState
from gym_live.states.kiosk_admin import KioskAdminState
from gym_live.states.live import LiveState
from gym_live.states.location_admin import LocationAdminState
from gym_live.states.member_import import MemberImportState
from gym_live.states.member_page import MemberPageState
from gym_live.states.members import MembersState
from gym_live.states.new_member import NewMemberState
from gym_live.states.reports import ReportsState
from gym_live.states.staff_admin import StaffAdminState
from gym_live.tabs import keep_open_tabs_alive
from gym_live.webhook_sender import deliver_forever
from gym_live.widget import widget

# How long a stopping instance waits for its last events to reach the bus.
SHUTDOWN_FLUSH_SECONDS = 3.0


async def keep_live_views_current(app: rx.App) -> None:
    """Bus relay, reconcile and auto check-out sweep, for as long as the app runs; at
    shutdown, what was committed still goes out to the other instances."""
    collect_garbage_rarely()
    hub = get_hub()
    try:
        await hub.run(ReflexFanout(app, {DASHBOARD: LiveState, KIOSK: KioskState}))
    finally:
        await asyncio.to_thread(hub.deps.bus.flush, SHUTDOWN_FLUSH_SECONDS)


async def guard_the_socket(app: rx.App) -> None:
    """Before any socket connects: other sites' pages and malformed events are refused;
    then, for the life of the app, tabs whose session ended are sent to sign in."""
    only_these_origins(app, get_settings().allowed_origins)
    screen_events(app, guard.why_malformed)
    await guard.send_ended_sessions_to_login(app)


async def send_webhooks(app: rx.App) -> None:
    """Integrations' webhooks: what is due is sent, for as long as the app runs."""
    await deliver_forever(get_hub().deps)


app = rx.App(
    stylesheets=["/gym_live.css"],
    api_transformer=[api, staff_files, widget, operations, with_security_headers],
)
guard = StaffGuard()
app.add_middleware(guard)
# Every page: its component, route, title, and the event that loads it.
PAGES = (
    (login, routes.LOGIN, "Sign in", AuthState.open_login),
    (dashboard, routes.DASHBOARD, "Dashboard", LiveState.open_dashboard),
    (new_member_page, routes.NEW_MEMBER, "New member", NewMemberState.open_new_member_page),
    (
        member_import_page,
        routes.MEMBER_IMPORT,
        "Import members",
        MemberImportState.open_import_page,
    ),
    (member_page, routes.MEMBER, "Member", MemberPageState.open_member_page),
    (members_page, routes.MEMBERS, "Members", MembersState.open_members_page),
    (staff, routes.STAFF, "Staff", StaffAdminState.open_staff_page),
    (locations_page, routes.LOCATIONS, "Locations", LocationAdminState.open_locations_page),
    (audit_page, routes.AUDIT, "Audit", AuditState.open_audit_page),
    (kiosks_page, routes.KIOSKS, "Kiosks", KioskAdminState.open_kiosks_page),
    (
        integrations_page,
        routes.INTEGRATIONS,
        "Integrations",
        IntegrationsState.open_integrations_page,
    ),
    (reports_page, routes.REPORTS, "Reports", ReportsState.open_reports_page),
    (password_page, routes.PASSWORD, "Password", AuthState.open_password_page),
    (kiosk, routes.KIOSK, "Check in", KioskState.open_kiosk),
)
for component, route, title, on_load in PAGES:
    app.add_page(component, route=route, title=f"gym_live · {title}", on_load=on_load)
app.register_lifespan_task(keep_live_views_current)
app.register_lifespan_task(keep_open_tabs_alive)
app.register_lifespan_task(guard_the_socket)
app.register_lifespan_task(send_webhooks)
app.register_lifespan_task(collect_full_garbage)
