"""Public occupancy under load: a website's visitors asking how busy the gym is, 1,000
times a second for 10 s (the issue's figure), then as fast as 32 connections can, while a
door scans and 100 dashboards watch; each load first straight to the instance, then
through the nginx site of deploy/ in front of it (which keeps the answer for a second).
Reported: the requests a second answered, how many of those reached the instance, and
the dashboards' fan-out p99 without and with each load (the load's client and nginx share
the machine's 2 cores with the server, as a website's visitors would not).
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import Kiosk, open_dashboards
from bench.fanout import SCAN_GAP, WARMUP_SCANS, Arrivals, scan_round
from bench.figures import line, summary
from bench.harness import BenchApp, running_chain, write_result
from devtools.cluster import Nginx
from devtools.servers import free_port

DASHBOARDS = 100
LOAD_SECONDS = 10.0
CONNECTIONS = 32
QUIET_SCANS = 40
PACED_RATE = 1_000.0  # requests a second, over all connections
FLAT_OUT = float("inf")
KEPT = "kept by nginx"


async def _scans_until(kiosk: Kiosk, arrivals: Arrivals, done: asyncio.Event) -> list[float]:
    latencies: list[float] = []
    while not done.is_set():
        latencies += (await scan_round(kiosk, arrivals, DASHBOARDS))["latencies"].values()
        await asyncio.sleep(SCAN_GAP)
    return latencies


async def _ask(
    session: aiohttp.ClientSession, url: str, began: float, index: int, rate: float
) -> dict[int, int]:
    """One connection's share of `rate` requests a second until LOAD_SECONDS have passed."""
    statuses: dict[int | str, int] = {}
    for turn in itertools.count():
        due = began + (turn * CONNECTIONS + index) / rate
        if due >= began + LOAD_SECONDS or time.perf_counter() >= began + LOAD_SECONDS:
            return statuses
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        async with session.get(url) as answer:
            await answer.read()
            statuses[answer.status] = statuses.get(answer.status, 0) + 1
            if answer.headers.get("X-Cache-Status") == "HIT":  # nginx answered it alone
                statuses[KEPT] = statuses.get(KEPT, 0) + 1
    return statuses


async def _under_load(
    session: aiohttp.ClientSession, url: str, kiosk: Kiosk, arrivals: Arrivals, rate: float
) -> dict[str, Any]:
    """The fan-out while `rate` requests a second (FLAT_OUT: as fast as answered) arrive."""
    done = asyncio.Event()
    scanning = asyncio.create_task(_scans_until(kiosk, arrivals, done))
    began = time.perf_counter()
    asked = await asyncio.gather(
        *(_ask(session, url, began, index, rate) for index in range(CONNECTIONS))
    )
    took = time.perf_counter() - began
    done.set()
    loaded = await scanning
    statuses: dict[int | str, int] = {}
    for one in asked:
        for status, n in one.items():
            statuses[status] = statuses.get(status, 0) + n
    answered = statuses.get(200, 0)
    return {
        "asked_per_second": rate if rate != FLAT_OUT else None,
        "requests_per_second": round(answered / took, 1),
        "reached_the_instance_per_second": round((answered - statuses.get(KEPT, 0)) / took, 1),
        "statuses": {str(status): n for status, n in statuses.items()},
        "scan_to_dashboard": summary(loaded),
    }


async def occupancy_on(app: BenchApp, proxy_url: str) -> dict[str, Any]:
    arrivals = Arrivals()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async with session.get(f"{app.url}/api/v1/locations") as listed:
            first = (await listed.json())[0]["id"]
        path = f"/api/v1/locations/{first}/occupancy"
        url, proxied = app.url + path, proxy_url + path
        kiosk = await Kiosk.paired(session, app.url, app.pairing_code())
        tabs = await open_dashboards(
            session, app.url, DASHBOARDS, arrivals.recorder, staff_token=app.staff_token
        )
        try:
            for _ in range(WARMUP_SCANS):
                await scan_round(kiosk, arrivals, DASHBOARDS)
            quiet: list[float] = []
            for _ in range(QUIET_SCANS):
                quiet += (await scan_round(kiosk, arrivals, DASHBOARDS))["latencies"].values()
                await asyncio.sleep(SCAN_GAP)
            loads = {
                name: await _under_load(session, where, kiosk, arrivals, rate)
                for name, where, rate in (
                    ("paced", url, PACED_RATE),
                    ("flat_out", url, FLAT_OUT),
                    ("paced_through_nginx", proxied, PACED_RATE),
                    ("flat_out_through_nginx", proxied, FLAT_OUT),
                )
            }
        finally:
            await asyncio.gather(*(tab.close() for tab in tabs), kiosk.tab.close())
    return {
        "dashboards": DASHBOARDS,
        "connections": CONNECTIONS,
        "scan_to_dashboard_quiet": summary(quiet),
        **loads,
    }


def occupancy() -> dict[str, Any]:
    print(
        f"occupancy: {CONNECTIONS} connections asking /api/v1/locations/ID/occupancy for "
        f"{LOAD_SECONDS:.0f} s, {DASHBOARDS} dashboards, a door scanning"
    )
    with running_chain("occupancy") as app, tempfile.TemporaryDirectory() as tmp:
        nginx = Nginx(Path(tmp), free_port(), [f"127.0.0.1:{app.port}"] * 2)
        nginx.start()
        try:
            result = asyncio.run(occupancy_on(app, nginx.url))
        finally:
            nginx.stop()
    print(line("  scan->dashboard, quiet", result["scan_to_dashboard_quiet"]))
    for name in ("paced", "flat_out", "paced_through_nginx", "flat_out_through_nginx"):
        load = result[name]
        asked = load["asked_per_second"]
        print(
            f"  {'asked ' + format(asked, 'g') + '/s' if asked else 'flat out'}"
            f"{' through nginx' if 'nginx' in name else ''}: "
            f"{load['requests_per_second']} requests/s answered 200, "
            f"{load['reached_the_instance_per_second']}/s of them by the instance "
            f"({load['statuses']})"
        )
        print(line("  scan->dashboard, under that load", load["scan_to_dashboard"]))
    print(f"  -> {write_result('occupancy', result)}")
    return result
