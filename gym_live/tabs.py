"""Reflex's per-tab state, kept for as long as the tab stays connected."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.config import get_config

from gym_live.reflex_compat import open_tab_tokens, renew_tab_state

logger = logging.getLogger(__name__)

# Touch every open tab this many times per expiry period.
TOUCHES_PER_EXPIRY = 4


async def keep_open_tabs_alive(app: rx.App) -> None:
    """Stop Reflex from forgetting the state of a tab that is still open.

    Reflex drops a tab's state `redis_token_expiration` seconds (an hour) after the tab's
    last event, connected or not. Our updates reach the sockets without events, so a
    dashboard or a door kiosk left alone for an hour lost its state: the next check-in at
    the desk had no location, and the kiosk's next scan sent it back to the pairing screen
    with its device token erased. The tabs connected to this instance are touched well
    within the expiry; closed tabs still expire, so their memory is returned.
    """
    interval = max(1.0, get_config().redis_token_expiration / TOUCHES_PER_EXPIRY)
    while True:
        await asyncio.sleep(interval)
        for client_token in open_tab_tokens(app):
            try:
                await renew_tab_state(app, client_token)
            except Exception:
                logger.exception("could not renew the state of an open tab")
