"""The Reflex app: pages and lifespan tasks. Wiring only."""

from __future__ import annotations

import reflex as rx

from gym_live.live import ReflexFanout, get_hub
from gym_live.pages import routes
from gym_live.pages.dashboard import dashboard
from gym_live.states.live import LiveState


async def keep_live_views_current(app: rx.App) -> None:
    """Bus relay, reconcile and auto check-out sweep, for as long as the app runs."""
    await get_hub().run(ReflexFanout(app, LiveState))


app = rx.App(stylesheets=["/gym_live.css"])
app.add_page(
    dashboard,
    route=routes.DASHBOARD,
    title="gym_live · Dashboard",
    on_load=LiveState.open_dashboard,
)
app.register_lifespan_task(keep_live_views_current)
