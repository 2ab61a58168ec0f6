"""A browser tab as the server sees it: a socket.io client on `/_event` speaking Reflex's
protocol, with no browser. What a script on any machine that reaches the port can do."""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import reflex as rx
import socketio

from gym_live.reflex_compat import FIELD_MARKER
from tests.helpers.app import AppServer

ROOT = rx.State.get_full_name()


def router_data(path: str) -> dict[str, str]:
    """What the frontend puts in every event: the page the tab is on."""
    return {"pathname": path, "asPath": path}


def stored(state: type[rx.State], var: str, value: str) -> dict[str, str]:
    """A localStorage value as the page sends it when it hydrates."""
    return {f"{state.get_full_name()}.{var}{FIELD_MARKER}": value}


@contextlib.contextmanager
def connected(
    app: AppServer, path: str, storage: dict[str, str] | None = None, **headers: str
) -> Iterator[socketio.SimpleClient]:
    """Open `path`: connect with a fresh tab token and hydrate in the CONNECT packet's auth,
    as Reflex 0.10's frontend does, with `storage` playing the browser's localStorage."""
    payload = {"vars": storage} if storage else {}
    hydrate = {
        "name": f"{ROOT}.hydrate_and_load",
        "payload": payload,
        "router_data": router_data(path),
    }
    client = socketio.SimpleClient()
    client.connect(
        f"{app.url}?token={uuid.uuid4()}",  # -> ws://…/_event/?token=…&transport=websocket&EIO=4
        transports=["websocket"],
        namespace="/_event",
        socketio_path="_event",
        auth={"event": hydrate},
        headers=headers,
    )
    try:
        yield client
    finally:
        client.disconnect()


class RawTab:
    """Sends any event by its full name and keeps every message the server answers with."""

    def __init__(self, client: socketio.SimpleClient, path: str) -> None:
        self._client, self._path = client, path

    def send(self, event_name: str, /, **payload: Any) -> None:
        """Emit an event exactly as `applyEvent` in .web/utils/state.js does."""
        event = {"name": event_name, "payload": payload, "router_data": router_data(self._path)}
        self._client.emit("event", event)

    def messages(self, seconds: float) -> list[str]:
        """Everything the server sent in the next `seconds`, as JSON text."""
        return [json.dumps(message) for message in received(self._client, seconds)]

    def until(self, text: str, timeout: float = 10) -> list[str]:
        """Messages up to and including the first that contains `text`."""
        seen = []
        for message in received(self._client, timeout):
            seen.append(json.dumps(message))
            if text in seen[-1]:
                return seen
        raise AssertionError(f"no message with {text!r} within {timeout} s; saw {seen}")


def received(client: socketio.SimpleClient, seconds: float) -> Iterator[tuple[str, Any]]:
    """The (event name, data) messages the server sends within `seconds`."""
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            yield tuple(client.receive(timeout=left))
        except socketio.exceptions.TimeoutError:
            return
