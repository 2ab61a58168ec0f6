"""A door kiosk tab as the server sees it, over Reflex's own socket.io protocol."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import socketio

from gym_live.reflex_compat import FIELD_MARKER
from gym_live.states.kiosk import KioskState
from tests.helpers.app import AppServer
from tests.helpers.socket_tab import connected, received, router_data, stored

KIOSK = KioskState.get_full_name()
ROUTER_DATA = router_data("/kiosk")
Delta = dict[str, Any]


class KioskTab:
    """One kiosk browser tab as the server sees it: a socket.io client on `/_event`."""

    def __init__(self, client: socketio.SimpleClient) -> None:
        self._client = client
        self.state: Delta = {}  # KioskState as the tab knows it, from every delta so far

    def send(self, handler: str, **payload: Any) -> None:
        """Emit a KioskState event exactly as `applyEvent` in .web/utils/state.js does."""
        event = {"name": f"{KIOSK}.{handler}", "payload": payload, "router_data": ROUTER_DATA}
        self._client.emit("event", event)

    def until(self, wanted: Callable[[Delta], bool], timeout: float = 15) -> Delta:
        """The first KioskState delta that `wanted` accepts: the server's answer."""
        seen = []
        for name, message in received(self._client, timeout):
            raw = message.get("delta", {}).get(KIOSK) if name == "event" else None
            if raw is None:
                continue
            delta = {key.removesuffix(FIELD_MARKER): value for key, value in raw.items()}
            self.state.update(delta)
            seen.append(delta)
            if wanted(delta):
                return delta
        raise AssertionError(f"no such KioskState delta within {timeout} s; saw {seen}")


@contextlib.contextmanager
def kiosk_tab(app: AppServer, stored_token: str | None = None) -> Iterator[KioskTab]:
    """Open /kiosk, with `stored_token` as the tablet's localStorage device token; wait for its
    on_load answer."""
    storage = stored(KioskState, "device_token", stored_token) if stored_token is not None else None
    with connected(app, "/kiosk", storage) as client:
        tab = KioskTab(client)
        tab.until(lambda delta: delta.get("checked") is True)  # open_kiosk has run
        yield tab
