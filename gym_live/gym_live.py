"""The Reflex app: pages and lifespan tasks. Wiring only."""

from __future__ import annotations

import reflex as rx

from gym_live.live import DASHBOARD, KIOSK, ReflexFanout, get_hub
from gym_live.pages import routes
from gym_live.pages.dashboard import dashboard
from gym_live.pages.kiosk import kiosk
from gym_live.states.kiosk import KioskState
from gym_live.states.live import LiveState


async def keep_live_views_current(app: rx.App) -> None:
    """Bus relay, reconcile and auto check-out sweep, for as long as the app runs."""
    await get_hub().run(ReflexFanout(app, {DASHBOARD: LiveState, KIOSK: KioskState}))


app = rx.App(stylesheets=["/gym_live.css"])
app.add_page(
    dashboard,
    route=routes.DASHBOARD,
    title="gym_live · Dashboard",
    on_load=LiveState.open_dashboard,
)
app.add_page(kiosk, route=routes.KIOSK, title="gym_live · Check in", on_load=KioskState.open_kiosk)
app.register_lifespan_task(keep_live_views_current)
