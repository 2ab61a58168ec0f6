"""An un-enrolled kiosk cannot check anyone in, not even with hand-made Reflex events.

The browser tests only show that the kiosk page offers no way to scan before pairing.
Here a script plays the kiosk tab over Reflex's real socket.io protocol, with no browser:
it hydrates like the compiled frontend, then sends `KioskState.scan` itself.
"""

from __future__ import annotations

import contextlib
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import reflex as rx
import socketio
import sqlalchemy as sa
from reflex_base.constants.state import FIELD_MARKER

from gym_live.models import Visit
from gym_live.states.kiosk import KioskState
from tests.e2e.conftest import AppServer, running_app

pytestmark = pytest.mark.e2e
ROOT, KIOSK = rx.State.get_full_name(), KioskState.get_full_name()
# What the frontend puts in every event: the page the tab is on.
ROUTER_DATA = {"pathname": "/kiosk", "asPath": "/kiosk"}
MEMBER = "10000024"  # active and not inside in the demo
CONTROL_MEMBER = "10000025"  # likewise; the positive control checks this one in
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


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(tmp_path_factory.mktemp("kiosk_protocol")) as server:
        yield server


@pytest.fixture(scope="module")
def visits(app: AppServer) -> Iterator[Callable[[str], list[sa.Row]]]:
    """The visit rows of a member (by card code), read straight from the app's database."""
    ids = {m["code"]: uuid.UUID(m["id"]) for m in app.cli.json("member", "list")["members"]}
    engine = sa.create_engine(app.cli.env["DATABASE_URL"], poolclass=sa.NullPool)
    columns = (Visit.id, Visit.checked_in_at, Visit.checked_out_at, Visit.source)

    def of(code: str) -> list[sa.Row]:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(*columns).where(Visit.member_id == ids[code])))

    yield of
    engine.dispose()


@pytest.mark.parametrize(
    ("stored_token", "claims_paired"),
    [
        pytest.param(None, False, id="no-token"),
        pytest.param(secrets.token_urlsafe(32), False, id="forged-token"),
        pytest.param(secrets.token_urlsafe(32), True, id="forged-token-and-paired-flag"),
    ],
)
def test_an_unenrolled_kiosk_cannot_check_anyone_in(
    app: AppServer, visits, stored_token: str | None, claims_paired: bool
) -> None:
    assert visits(MEMBER) == []
    with kiosk_tab(app, stored_token) as kiosk:
        assert kiosk.state["paired"] is False
        assert kiosk.state["device_token"] == (stored_token or "")  # the forgery got in
        if claims_paired:
            kiosk.send("setvar", var_name="paired", value=True)  # no setter: refused
        kiosk.send("scan", form={"code": MEMBER})
        answer = kiosk.until(lambda delta: "paired" in delta or "screen" in delta)
    assert visits(MEMBER) == []
    assert (answer["paired"], answer["device_token"]) == (False, "")  # back to pairing
    assert "screen" not in answer and "title" not in answer  # no answer was shown


def test_control_a_paired_kiosk_checks_in_over_the_same_protocol(app: AppServer, visits) -> None:
    """Proves the harness reaches `scan`, so the refusals above are the handler's doing."""
    code = app.cli.json("kiosk", "add", "--location", "Downtown")["pairing_code"]
    assert visits(CONTROL_MEMBER) == []
    with kiosk_tab(app) as kiosk:
        kiosk.send("pair", form={"pairing_code": code})
        assert kiosk.until(lambda delta: "paired" in delta)["paired"] is True
        assert kiosk.state["device_token"]  # stored in the tab's LocalStorage by the server
        kiosk.send("scan", form={"code": CONTROL_MEMBER})
        answer = kiosk.until(lambda delta: "screen" in delta)
    assert answer["screen"] == "welcome", answer
    [visit] = visits(CONTROL_MEMBER)
    assert visit.checked_out_at is None and visit.source == "kiosk"
