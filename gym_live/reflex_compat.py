"""Every use of Reflex, python-socketio and python-engineio internals, in one place.

gym_live sends its live updates past Reflex's per-tab machinery (see live/fanout.py), starts
its own server (serve.py) and keeps open tabs alive (tabs.py). Each of those leans on a
name that is not Reflex's public API. They are all here, and `tests/unit/test_reflex_compat.py`
checks each one against the installed versions, so an upgrade that moves one fails that test
first, naming what moved, instead of a browser test (or nothing) failing later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import reflex as rx
from engineio import packet as eio_packet
from reflex.components.core.banner import has_connection_errors, has_too_many_connection_errors
from reflex.config import get_config
from reflex.state import (
    _ROUTER_FIELD_NAMES,
    FrontendEventExceptionState,
    OnLoadInternalState,
    StateUpdate,
    UpdateVarsInternalState,
    _override_base_method,
)
from reflex_base.constants import Endpoint, SocketEvent
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event import Event
from socketio import packet as sio_packet
from starlette.routing import Mount

__all__ = [
    "FIELD_MARKER",
    "SERVER_ENV",
    "broadcast",
    "connected_sids",
    "declared_vars",
    "event_handlers",
    "event_path",
    "event_socket",
    "handler_names",
    "has_connection_errors",
    "has_too_many_connection_errors",
    "only_these_origins",
    "open_tab_tokens",
    "overrides_reflex",
    "page_events",
    "reflex_own_handlers",
    "refusal",
    "renew_tab_state",
    "reset_but_browser_storage",
    "room_members",
    "rooms_of",
    "screen_events",
    "state_delta",
]

# What `reflex run --env prod` sets for its server process (Reflex 0.10's variable names):
# the built pages mounted beside the API, and no second compile of the app.
SERVER_ENV = {
    "__REFLEX_MOUNT_FRONTEND_COMPILED_APP": "true",
    "__REFLEX_SKIP_COMPILE": "true",
}


# Marks a state method that replaces one of Reflex's own (not an event handler).
overrides_reflex = _override_base_method


def wire_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """A state's vars as Reflex names them in a delta (`var_rx_state_`)."""
    return {name + FIELD_MARKER: value for name, value in values.items()}


def state_delta(state_name: str, values: Mapping[str, Any]) -> list[Any]:
    """The socket.io `event` payload a page applies as a delta of one state's vars.

    Reflex's own wire format (`{"delta": {state: {var_rx_state_: value}}}`), so the browser
    code applies it unchanged.
    """
    return [str(SocketEvent.EVENT), StateUpdate(delta={state_name: wire_fields(values)})]


def page_events(*specs: Any) -> list[Any]:
    """The socket.io `event` payload that makes a page run these events (a redirect, a toast)."""
    return [str(SocketEvent.EVENT), refusal(*specs)]


async def broadcast(namespace: Any, to: str, data: list[Any]) -> None:
    """Encode once, then queue the same engine.io packet on each socket of `to` in turn.

    What python-socketio's `emit` does, without its task per recipient: at hundreds of
    sockets per change, creating and awaiting those tasks cost more than the sending.
    Each socket's own queue keeps its packets in order, as with `emit`.
    """
    server, name = namespace.server, namespace.namespace
    encoded = server.packet_class(sio_packet.EVENT, namespace=name, data=data).encode()
    frame = eio_packet.Packet(eio_packet.MESSAGE, encoded)
    for _, eio_sid in server.manager.get_participants(name, to):
        socket = server.eio.sockets.get(eio_sid)
        if socket is not None and not socket.closed:
            await socket.send(frame)


def room_members(namespace: Any, room: str) -> list[str]:
    """The socket.io sids in a room on this instance."""
    return [sid for sid, _ in namespace.server.manager.get_participants(namespace.namespace, room)]


def rooms_of(namespace: Any, sid: str) -> Iterable[str]:
    """The rooms a socket is in (its own sid among them)."""
    return namespace.server.rooms(sid, namespace=namespace.namespace)


def open_tab_tokens(app: Any) -> list[str]:
    """The client tokens of the tabs connected to this instance."""
    namespace = app.event_namespace
    return list(namespace.token_to_sid) if namespace else []


def connected_sids(app: Any) -> set[str]:
    """The socket.io sids of the tabs connected to this instance."""
    namespace = app.event_namespace
    return set(namespace.sid_to_token) if namespace else set()


def declared_vars(state: type[Any]) -> set[str]:
    """The names of the vars a state class declares (what a delta of it may carry)."""
    return set(state.base_vars)


async def renew_tab_state(app: Any, client_token: str) -> None:
    """Push back the moment Reflex forgets a tab's state: reading it renews its expiry."""
    async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=rx.State)):
        pass


def reset_but_browser_storage(state: Any) -> None:
    """Reflex's `reset` of one state (no substates), keeping the vars the browser stores
    (a device's preference outlives a sign-out) and the router's."""
    cls = state.__class__
    for name, field in cls.__fields__.items():
        router = name in _ROUTER_FIELD_NAMES
        if field._owner is cls and not router and not cls._is_client_storage(field):
            setattr(state, name, field.default_value())


def event_handlers(root: type[Any]) -> set[str]:
    """The full name (`state path.handler`) of every event handler of `root` and its substates:
    what an event's `name` may be."""
    names = handler_names(root, *root.event_handlers)
    for substate in root.get_substates():
        names |= event_handlers(substate)
    return names


def refusal(*specs: Any) -> StateUpdate:
    """What an event middleware returns instead of running the handler: these page events."""
    return StateUpdate(events=Event.from_event_type(list(specs)))


def reflex_own_handlers() -> set[str]:
    """Reflex's own events, which every page sends: hydration, the on_load dispatch, client
    storage (localStorage / cookies) reaching the state, and client-side error reports."""
    own = (
        (rx.State, ("hydrate", "hydrate_and_load", "set_is_hydrated")),
        (OnLoadInternalState, ("on_load_internal", "set_is_hydrated")),
        (UpdateVarsInternalState, ("update_vars_internal",)),
        (FrontendEventExceptionState, ("handle_frontend_exception",)),
    )
    return {name for state, handlers in own for name in handler_names(state, *handlers)}


def only_these_origins(app: Any, allowed: Sequence[str]) -> None:
    """Refuse a WebSocket handshake from a page on another origin.

    Reflex hands python-socketio `"*"` unless given a list; engine.io's own `None` allows
    exactly the origin the request was made to (the `Host`, or `X-Forwarded-Host` behind a
    proxy), which is what an app that serves its own pages wants. `allowed` adds origins.
    """
    app.sio.eio.cors_allowed_origins = list(allowed) or None


def screen_events(app: Any, why_refused: Callable[[Any], str | None]) -> None:
    """Put a check in front of Reflex's own handling of every socket event.

    `why_refused(data)` sees the event as it arrived (any JSON) and returns None to let it
    through, or why it is refused: then it is dropped before Reflex parses it, so a malformed
    event costs no traceback in the log. python-socketio looks the handler up by name
    (`on_event`) on each event, so an attribute of the namespace instance takes its place.
    """
    namespace = app.event_namespace
    reflex_on_event = namespace.on_event

    async def on_event(sid: str, data: Any) -> None:
        if why_refused(data) is None:
            await reflex_on_event(sid, data)

    namespace.on_event = on_event


def handler_names(state: type[Any], *handlers: str) -> set[str]:
    """The names events carry for these handlers of `state` (`state path.handler`)."""
    return {f"{state.get_full_name()}.{handler}" for handler in handlers}


def event_path() -> str:
    """Where the pages open their socket (`/_event`, after any backend path)."""
    return get_config().prepend_backend_path(str(Endpoint.EVENT))


def event_socket(app: Any) -> Any:
    """The ASGI app Reflex mounts at `event_path()` (its socket.io server, wrapped to answer
    the subprotocol), to be served without the HTTP middleware in front of that mount."""
    path = event_path()
    for route in app._api.routes:
        if isinstance(route, Mount) and route.path == path:
            return route.app
    msg = f"Reflex mounts no socket app at {path}"
    raise LookupError(msg)
