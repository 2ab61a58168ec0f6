"""The Reflex, socket.io and engine.io internals gym_live leans on (gym_live/reflex_compat.py)
still exist in the installed versions and behave as assumed.

When a Reflex upgrade moves one of them, the test for it fails with a message that names
what moved, before any browser test has to find out the hard way.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import reflex as rx
from engineio.async_socket import AsyncSocket
from reflex_base.registry import RegistrationContext

from devtools.servers import PROJECT_ROOT
from gym_live import reflex_compat, same_origin

STATE = "state.live_state"


@pytest.fixture(scope="module")
def app() -> Iterator[rx.App]:
    """A real Reflex app: its socket.io server and event namespace as the server builds them.

    In a registration context of its own: the process may already hold gym_live's app.
    """
    with RegistrationContext.ensure_context().fork():
        yield rx.App()


def _connect(app: rx.App, eio_sid: str) -> tuple[str, AsyncSocket]:
    """A socket as engine.io and socket.io hold it once a browser tab has connected."""
    namespace = app.event_namespace
    assert namespace is not None, "rx.App no longer builds its event namespace on creation"
    server = namespace.server
    sid = asyncio.run(server.manager.connect(eio_sid, namespace.namespace))
    socket = AsyncSocket(server.eio, eio_sid)
    assert isinstance(server.eio.sockets, dict), "engine.io's server.eio.sockets moved"
    server.eio.sockets[eio_sid] = socket
    return sid, socket


def _sent(socket: AsyncSocket) -> list[Any]:
    """The socket.io payloads queued on a socket, decoded."""
    packets = []
    while not socket.queue.empty():
        packet = socket.queue.get_nowait()
        assert packet.packet_type == 4, "not an engine.io MESSAGE packet"
        header, _, body = packet.data.partition(",")
        assert header == "2/_event", f"not a socket.io EVENT on /_event: {packet.data[:40]}"
        packets.append(json.loads(body))
    return packets


def test_the_delta_format_is_reflexs() -> None:
    assert reflex_compat.FIELD_MARKER == "_rx_state_", "Reflex renamed its state field marker"
    name, update = reflex_compat.state_delta(STATE, {"inside_now": 3})
    assert name == "event", "Reflex's socket event is no longer called 'event'"
    assert update.delta == {STATE: {"inside_now_rx_state_": 3}}


def test_a_broadcast_reaches_each_socket_of_the_room_once_and_no_other(app: rx.App) -> None:
    namespace = app.event_namespace
    inside, inside_socket = _connect(app, "eio-inside")
    _, outside_socket = _connect(app, "eio-outside")
    closed, closed_socket = _connect(app, "eio-closed")

    async def scenario() -> None:
        await namespace.enter_room(inside, "location:1")
        await namespace.enter_room(closed, "location:1")
        closed_socket.closed = True
        data = reflex_compat.state_delta(STATE, {"inside_now": 3})
        await reflex_compat.broadcast(namespace, "location:1", data)

    asyncio.run(scenario())
    expected = ["event", {"delta": {STATE: {"inside_now_rx_state_": 3}}}]
    assert _sent(inside_socket) == [expected], "the broadcast packet is no longer Reflex's delta"
    assert _sent(outside_socket) == [] and _sent(closed_socket) == []


def test_rooms_are_listed_both_ways(app: rx.App) -> None:
    namespace = app.event_namespace
    sid, _ = _connect(app, "eio-rooms")
    asyncio.run(namespace.enter_room(sid, "kiosks:2"))
    assert set(reflex_compat.rooms_of(namespace, sid)) == {sid, "kiosks:2"}
    assert reflex_compat.room_members(namespace, "kiosks:2") == [sid]
    asyncio.run(namespace.leave_room(sid, "kiosks:2"))
    assert reflex_compat.room_members(namespace, "kiosks:2") == []


def test_connected_tabs_are_listed_by_their_client_token(app: rx.App) -> None:
    namespace = app.event_namespace
    sid, _ = _connect(app, "eio-tab")
    asyncio.run(namespace.link_token_to_sid(sid, "tab-token", update_state=False))
    assert reflex_compat.open_tab_tokens(app) == ["tab-token"]
    assert reflex_compat.open_tab_tokens(SimpleNamespace(event_namespace=None)) == []
    assert reflex_compat.connected_sids(app) == {sid}
    assert reflex_compat.connected_sids(SimpleNamespace(event_namespace=None)) == set()


def test_page_events_reach_a_socket_as_reflex_sends_them(app: rx.App) -> None:
    """What makes a tab whose session ended go to /login without an event of its own."""
    sid, socket = _connect(app, "eio-ended")
    data = reflex_compat.page_events(rx.redirect("/login"))
    asyncio.run(reflex_compat.broadcast(app.event_namespace, sid, data))
    [(name, update)] = _sent(socket)
    assert name == "event" and not update.get("delta")
    assert [(e["name"], e["payload"]["path"]) for e in update["events"]] == [
        ("_redirect", "/login")
    ]


def test_renewing_a_tabs_state_pushes_its_expiry_back(app: rx.App) -> None:
    manager = app.state_manager
    expiries = manager._token_expires_at  # the memory manager's deadlines, by state key
    assert isinstance(expiries, dict), "Reflex's memory state manager keeps its deadlines elsewhere"
    before = time.time()
    asyncio.run(reflex_compat.renew_tab_state(app, "idle-tab"))
    deadline = next(at for at, token in expiries.values() if token.ident == "idle-tab")
    assert deadline >= before + manager.token_expiration


def test_the_server_environment_names_are_reflexs(monkeypatch: pytest.MonkeyPatch) -> None:
    from reflex_base.environment import environment

    mount, skip = environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP, environment.REFLEX_SKIP_COMPILE
    assert set(reflex_compat.SERVER_ENV) == {mount.name, skip.name}, "Reflex renamed them"
    for name, value in reflex_compat.SERVER_ENV.items():
        monkeypatch.setenv(name, value)
    assert mount.get() is True and skip.get() is True


def test_the_connection_error_vars_read_the_pages_socket_errors() -> None:
    assert str(reflex_compat.has_connection_errors) == "(connectErrors.length > 0)"
    assert str(reflex_compat.has_too_many_connection_errors) == "(connectErrors.length >= 2)"


def test_a_state_lists_the_vars_it_declares() -> None:
    class Probe(rx.State):
        count: int = 0
        _private: str = ""

    assert reflex_compat.declared_vars(Probe) == {"count"}


def test_a_state_replaces_the_snapshot_a_hydrating_tab_is_sent() -> None:
    """states/room_copy.py: Reflex sends `dict()` whole on every (re)connect, and a state
    may replace that method of Reflex's without it becoming an event handler."""

    class Probe(rx.State):
        @reflex_compat.overrides_reflex
        def dict(self, include_computed: bool = True, initial: bool = False, **kwargs: Any):
            return super().dict(include_computed, initial, **kwargs)

    assert "dict" not in Probe.event_handlers
    hydrate = inspect.getsource(rx.State.hydrate_and_load.fn)
    assert "_resolve_delta(self.dict())" in hydrate, "Reflex builds the snapshot another way"


def test_a_state_is_reset_but_for_what_the_browser_stores() -> None:
    class Stored(rx.State):
        shown: list[str] = []
        sound: str = rx.LocalStorage("on", name="gym_live_test_sound")
        _private: int = 0

    tab = rx.State(_reflex_internal_init=True).substates[Stored.get_name()]
    tab.shown, tab.sound, tab._private = ["Anna"], "off", 3
    reflex_compat.reset_but_browser_storage(tab)
    assert (tab.shown, tab.sound, tab._private) == ([], "off", 0)


def test_reflexs_own_handlers_exist_under_the_names_the_guard_lets_through() -> None:
    own = reflex_compat.reflex_own_handlers()
    missing = own - reflex_compat.event_handlers(rx.State)
    assert not missing, f"Reflex renamed or removed: {sorted(missing)}"
    assert f"{rx.State.get_full_name()}.hydrate" in own


def test_a_refusal_carries_page_events_in_place_of_the_handler() -> None:
    update = reflex_compat.refusal(rx.redirect("/login"))
    assert [(event.name, event.payload["path"]) for event in update.events] == [
        ("_redirect", "/login")
    ]
    assert update.delta == {}


def test_the_websocket_origin_check_is_engineios(app: rx.App) -> None:
    reflex_compat.only_these_origins(app, [])
    assert app.sio.eio.cors_allowed_origins is None  # engine.io: the request's own origin
    reflex_compat.only_these_origins(app, ["https://desk.gym.example"])
    assert app.sio.eio.cors_allowed_origins == ["https://desk.gym.example"]
    environ = {"wsgi.url_scheme": "http", "HTTP_HOST": "gym:3000"}
    reflex_compat.only_these_origins(app, [])
    assert app.sio.eio._cors_allowed_origins(environ) == ["http://gym:3000"]


def test_the_built_pages_open_their_socket_on_the_page_origin() -> None:
    """Reflex's page template, as same_origin.py patches it, run in Node."""
    import reflex_base

    template = Path(reflex_base.__file__).parent / ".templates/web" / same_origin.STATE_JS
    patched = same_origin.use_page_origin(template.read_text())
    assert patched.count(same_origin.MARKER) == 1, "the anchor moved in Reflex's state.js"
    assert same_origin.use_page_origin(patched) == patched  # a second compile changes nothing
    start = patched.index("export const getBackendURL")
    function = patched[start : patched.index("\n};\n", start) + 4].removeprefix("export ")
    script = f"""
const SAME_DOMAIN_HOSTNAMES = ["localhost"];
{function}
const at = (href) => {{
  const {{ protocol, host, hostname, port }} = new URL(href);
  globalThis.window = {{ location: {{ protocol, host, hostname, port }} }};
}};
const answers = [];
at("http://127.0.0.1:4567/members");
answers.push(getBackendURL("ws://localhost:3000/_event").href);
answers.push(getBackendURL("http://localhost:3000/_upload").href);
at("https://gym.example/");
answers.push(getBackendURL("ws://localhost:3000/_event").href);
answers.push(getBackendURL("http://localhost:3000/ping").href);
console.log(JSON.stringify(answers));
"""
    node = shutil.which("node", path=str(PROJECT_ROOT / ".tools/node_modules/.bin"))
    assert node is not None, "make test installs Node into .tools/"
    answers = subprocess.run(
        [node, "-e", script], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(answers) == [
        "ws://127.0.0.1:4567/_event",
        "http://127.0.0.1:4567/_upload",
        "wss://gym.example/_event",
        "https://gym.example/ping",
    ]


def test_the_socket_app_served_directly_is_the_one_reflex_mounts_for_its_events(
    app: rx.App,
) -> None:
    """gym_live.asgi hands a tab's WebSocket to it: Reflex's socket.io server, wrapped to
    answer the subprotocol the page asks for."""
    socket = reflex_compat.event_socket(app)
    assert reflex_compat.event_path() == "/_event"
    assert socket.app.engineio_server is app.sio
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def pass_on(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "websocket.accept", "headers": []})

    socket.app, engine = pass_on, socket.app
    try:
        scope = {"type": "websocket", "subprotocols": ["0.10.1"]}
        asyncio.run(socket(scope, None, send))
    finally:
        socket.app = engine
    assert sent[0]["subprotocol"] == "0.10.1"
