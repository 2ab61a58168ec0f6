"""Reflex configuration. Everything secret or site-specific comes from the environment."""

import os

import reflex as rx

from gym_live.same_origin import SameOriginSocket

config = rx.Config(
    app_name="gym_live",
    db_url=os.environ.get("DATABASE_URL") or "sqlite:///gym_live.db",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # Per-tab UI state lives in memory; the live numbers are rebuilt from the database,
    # so nothing is lost when an instance restarts.
    state_manager_mode="memory",
    # A tab's state is forgotten 5 minutes after its last event (Reflex's default: an hour),
    # so a page that hydrates and leaves costs little; open tabs are kept alive (tabs.py),
    # and a tab that comes back later rebuilds its view from the database.
    redis_token_expiration=300,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(appearance="inherit", accent_color="grass", radius="large")
        ),
        # One build for every port and instance: pages open their socket on their own origin.
        SameOriginSocket(),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    # HTTP CORS: no other site's page may read this app's answers (none by default; list the
    # origins browsers use behind a proxy in GYM_ALLOWED_ORIGINS). The WebSocket's own check
    # is set in gym_live.gym_live (same origin, or the same list).
    cors_allowed_origins=[
        origin.strip()
        for origin in os.environ.get("GYM_ALLOWED_ORIGINS", "").split(",")
        if origin.strip()
    ],
)
