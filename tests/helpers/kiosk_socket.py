"""A door kiosk tab as the server sees it, over Reflex's own socket.io protocol."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import reflex as rx
import socketio

from gym_live.reflex_compat import FIELD_MARKER
from gym_live.states.kiosk import KioskState
from tests.helpers.app import AppServer

ROOT, KIOSK = rx.State.get_full_name(), KioskState.get_full_name()
# What the frontend puts in every event: the page the tab is on.
ROUTER_DATA = {"pathname": "/kiosk", "asPath": "/kiosk"}
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
        deadline, seen = time.monotonic() + timeout, []
        while (left := deadline - time.monotonic()) > 0:
            try:
                name, message = self._client.receive(timeout=left)
            except socketio.exceptions.TimeoutError:
                break
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
    """Open /kiosk: connect with a fresh tab token, hydrate, wait for its on_load answer.

    Reflex 0.10 sends the hydrate event in the socket.io CONNECT packet's auth, with the
    browser's LocalStorage values as `vars`; `stored_token` plays that LocalStorage.
    """
    payload = {}
    if stored_token is not None:
        payload["vars"] = {f"{KIOSK}.device_token{FIELD_MARKER}": stored_token}
    hydrate = {"name": f"{ROOT}.hydrate_and_load", "payload": payload, "router_data": ROUTER_DATA}
    client = socketio.SimpleClient()
    client.connect(
        f"{app.url}?token={uuid.uuid4()}",  # -> ws://…/_event/?token=…&transport=websocket&EIO=4
        transports=["websocket"],
        namespace="/_event",
        socketio_path="_event",
        auth={"event": hydrate},
    )
    try:
        tab = KioskTab(client)
        tab.until(lambda delta: delta.get("checked") is True)  # open_kiosk has run
        yield tab
    finally:
        client.disconnect()
