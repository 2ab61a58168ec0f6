"""Simulated browser tabs that speak Reflex 0.10's socket.io protocol, with no browser.

Why raw engine.io frames over aiohttp instead of python-socketio's AsyncClient: a client
must cost far less than the server it measures, since 500 of them share one event loop
with the stopwatch. Each tab is one websocket and one reader task; a frame is stamped the
moment the loop hands it over, and only frames that can matter are JSON-decoded.

The frames are the browser's own (see ../shared/DESIGN.md and tests/e2e/
test_kiosk_protocol.py): `40/_event,{"event": hydrate}` on connect, `42/_event,["event",
{...}]` both ways, and `3` answering the server's ping `2`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import reflex as rx

from gym_live.reflex_compat import FIELD_MARKER
from gym_live.states.auth import TOKEN_KEY, AuthState
from gym_live.states.kiosk import KioskState
from gym_live.states.live import LiveState

ROOT = rx.State.get_full_name()
LIVE = LiveState.get_full_name()
KIOSK = KioskState.get_full_name()
AUTH = AuthState.get_full_name()
EVENT_PREFIX = "42/_event,"
CONNECT_TIMEOUT = 60.0

Delta = dict[str, Any]


def router_data(path: str) -> dict[str, str]:
    """What the frontend puts in every event: the page the tab is on."""
    return {"pathname": path, "asPath": path}


@functools.cache
def _number_of(var: str) -> re.Pattern[str]:
    return re.compile(rf'"{var}{FIELD_MARKER}":(\d+)')


def frame_number(frame: str, var: str) -> int | None:
    """The whole number a delta frame sets `var` to, if it sets it (a regex, no JSON parse:
    hundreds of tabs read every frame on the stopwatch's event loop)."""
    found = _number_of(var).search(frame)
    return int(found.group(1)) if found else None


def fields(raw: dict[str, Any]) -> Delta:
    return {key.removesuffix(FIELD_MARKER): value for key, value in raw.items()}


@dataclass
class Tab:
    """One browser tab on `path`: hydrates on connect, then reads deltas until closed."""

    session: aiohttp.ClientSession
    base_url: str
    path: str
    # Called with (arrival time, raw frame text) for every event frame; must be cheap.
    on_frame: Callable[[float, str], None] | None = None
    token: str = field(default_factory=lambda: str(uuid.uuid4()))
    ws: aiohttp.ClientWebSocketResponse | None = None
    _reader: asyncio.Task[None] | None = None
    _waiters: list[tuple[Callable[[str, Delta], bool], asyncio.Future[Delta]]] = field(
        default_factory=list
    )

    async def open(self, hydrate_vars: dict[str, Any] | None = None) -> None:
        ws_url = self.base_url.replace("http://", "ws://", 1)
        self.ws = await self.session.ws_connect(
            f"{ws_url}/_event/?EIO=4&transport=websocket&token={self.token}",
            heartbeat=None,
            autoping=True,
            max_msg_size=0,
            timeout=aiohttp.ClientWSTimeout(ws_close=5.0),
        )
        opening = await self.ws.receive(timeout=CONNECT_TIMEOUT)
        if not str(opening.data).startswith("0"):
            raise RuntimeError(f"unexpected engine.io open: {opening.data!r}")
        payload = {"vars": hydrate_vars} if hydrate_vars else {}
        hydrate = {
            "name": f"{ROOT}.hydrate_and_load",
            "payload": payload,
            "router_data": router_data(self.path),
        }
        await self.ws.send_str("40/_event," + json.dumps({"event": hydrate}))
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.ws is not None
        async for message in self.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data: str = message.data
            if data.startswith(EVENT_PREFIX):
                now = time.perf_counter()
                if self.on_frame is not None:
                    self.on_frame(now, data)
                if self._waiters:
                    self._wake(data)
            elif data == "2":
                await self.ws.send_str("3")

    def _wake(self, data: str) -> None:
        name, body = json.loads(data[len(EVENT_PREFIX) :])
        if name != "event":
            return
        for state, raw in body.get("delta", {}).items():
            delta = fields(raw)
            for wanted, future in list(self._waiters):
                if not future.done() and wanted(state, delta):
                    future.set_result(delta)
        self._waiters = [(w, f) for w, f in self._waiters if not f.done()]

    def expect(self, wanted: Callable[[str, Delta], bool]) -> asyncio.Future[Delta]:
        """A future for the first delta that `wanted(state_name, delta)` accepts."""
        future: asyncio.Future[Delta] = asyncio.get_running_loop().create_future()
        self._waiters.append((wanted, future))
        return future

    async def send(self, state: str, handler: str, **payload: Any) -> None:
        """Emit an event exactly as `applyEvent` in .web/utils/state.js does."""
        assert self.ws is not None
        event = {
            "name": f"{state}.{handler}",
            "payload": payload,
            "router_data": router_data(self.path),
        }
        await self.ws.send_str(EVENT_PREFIX + json.dumps(["event", event]))

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader


def joined(state: str, delta: Delta) -> bool:
    """The hub's join send: LiveState values without `ready` (open_dashboard sets ready)."""
    return state == LIVE and "location_name" in delta and "ready" not in delta


async def open_dashboard(
    session: aiohttp.ClientSession,
    base_url: str,
    on_frame: Callable[[float, str], None] | None = None,
    *,
    staff_token: str,
) -> Tab:
    """Open `/` signed in (the session token as the page's localStorage holds it): hydrate,
    let LiveState.open_dashboard run, wait until the room is joined."""
    tab = Tab(session, base_url, "/", on_frame)
    done = tab.expect(joined)
    await tab.open({f"{AUTH}.token{FIELD_MARKER}": staff_token})
    await asyncio.wait_for(done, CONNECT_TIMEOUT)
    return tab


async def open_dashboards(
    session: aiohttp.ClientSession,
    base_url: str,
    count: int,
    on_frame: Callable[[int], Callable[[float, str], None]] | None = None,
    *,
    staff_token: str,
    first_index: int = 0,
    batch: int = 50,
) -> list[Tab]:
    """`count` dashboards, opened `batch` at a time (a steady arrival, not a storm)."""
    tabs: list[Tab] = []
    for start in range(first_index, first_index + count, batch):
        indices = range(start, min(start + batch, first_index + count))
        tabs += await asyncio.gather(
            *(
                open_dashboard(
                    session, base_url, on_frame(i) if on_frame else None, staff_token=staff_token
                )
                for i in indices
            )
        )
    return tabs


async def open_up_to(
    tabs: list[Tab],
    count: int,
    session: aiohttp.ClientSession,
    base_url: str,
    on_frame: Callable[[int], Callable[[float, str], None]] | None = None,
    *,
    staff_token: str,
) -> None:
    """Open dashboards onto `tabs` until it holds `count` (a scenario's next step)."""
    tabs += await open_dashboards(
        session,
        base_url,
        count - len(tabs),
        on_frame,
        staff_token=staff_token,
        first_index=len(tabs),
    )


@dataclass
class Kiosk:
    """An enrolled door tablet: pairs once with a CLI code, then sends KioskState.scan."""

    tab: Tab

    @classmethod
    async def paired(cls, session: aiohttp.ClientSession, base_url: str, code: str) -> Kiosk:
        tab = Tab(session, base_url, "/kiosk")
        checked = tab.expect(lambda state, d: state == KIOSK and d.get("checked") is True)
        await tab.open()
        await asyncio.wait_for(checked, CONNECT_TIMEOUT)
        paired = tab.expect(lambda state, d: state == KIOSK and d.get("paired") is True)
        await tab.send(KIOSK, "pair", form={"pairing_code": code})
        await asyncio.wait_for(paired, CONNECT_TIMEOUT)
        return cls(tab)

    async def scan(self, code: str) -> asyncio.Future[Delta]:
        """Send a scan as the kiosk page does; the future holds the answer screen's delta."""
        answer = self.tab.expect(lambda state, d: state == KIOSK and "screen" in d)
        await self.tab.send(KIOSK, "scan", form={"code": code})
        return answer


def signed_in(staff_token: str) -> str:
    """A page script that puts the session where the app's page looks for it, before load."""
    return f"localStorage.setItem({json.dumps(TOKEN_KEY)}, {json.dumps(staff_token)})"
