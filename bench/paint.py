"""What an open dashboard costs the browser: Chromium's own counters, idle and under scans.

One chromium dashboard; Chromium's CDP counters (`Performance.getMetrics`: time in tasks,
script, style, layout) are read over IDLE_SECONDS with nothing happening, then over
PAINT_SCANS scans (check-in and check-out of one card, each adding a feed row), with a
JavaScript CPU profile of the scans. Printed: milliseconds of main-thread work per second
when idle and per scan (the idle share taken off), and the functions that used the most
script time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import defaultdict
from typing import Any

import aiohttp

from bench.browsers import WAIT_FOR_NUMBER
from bench.clients import Kiosk, signed_in
from bench.harness import KIOSK_CARD, BenchApp, running_chain, write_result
from devtools.servers import CHROMIUM_ARGS

IDLE_SECONDS = 10.0
PAINT_SCANS = 40
PAINT_GAP = 0.5
COUNTERS = ("TaskDuration", "ScriptDuration", "RecalcStyleDuration", "LayoutDuration")
TOP_FUNCTIONS = 10


async def counters(cdp: Any) -> dict[str, float]:
    metrics = (await cdp.send("Performance.getMetrics"))["metrics"]
    return {m["name"]: m["value"] for m in metrics}


def spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """Milliseconds of each counter between two readings (CDP gives seconds)."""
    return {name: (after[name] - before[name]) * 1000 for name in COUNTERS}


def hottest(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Self time by function (name and file) over a CDP CPU profile."""
    by_id = {node["id"]: node for node in profile["nodes"]}
    self_ms: dict[str, float] = defaultdict(float)
    for node_id, delta in zip(profile["samples"], profile["timeDeltas"], strict=True):
        frame = by_id[node_id]["callFrame"]
        where = frame["url"].rsplit("/", 1)[-1] or "(native)"
        self_ms[f"{frame['functionName'] or '(anonymous)'} {where}"] += delta / 1000
    ranked = sorted(self_ms.items(), key=lambda item: -item[1])
    return [
        {"function": name, "self_ms": round(ms, 1)}
        for name, ms in ranked
        if not name.startswith(("(idle)", "(program)", "(garbage collector)"))
    ][:TOP_FUNCTIONS]


async def paint_on(app: BenchApp) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        kiosk = await Kiosk.paired(session, app.url, await asyncio.to_thread(app.pairing_code))
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            await context.add_init_script(signed_in(app.staff_token))
            page = await context.new_page()
            await page.goto(app.url + "/")
            await page.wait_for_function(WAIT_FOR_NUMBER)
            await asyncio.sleep(2.0)  # the first render's work is done
            cdp = await context.new_cdp_session(page)
            await cdp.send("Performance.enable")
            await cdp.send("Profiler.enable")
            idle_from = await counters(cdp)
            await asyncio.sleep(IDLE_SECONDS)
            idle = spent(idle_from, await counters(cdp))
            await cdp.send("Profiler.start")
            scans_from, began = await counters(cdp), time.perf_counter()
            for _ in range(PAINT_SCANS):
                await asyncio.wait_for(await kiosk.scan(KIOSK_CARD), 10)
                await asyncio.sleep(PAINT_GAP)
            scans = spent(scans_from, await counters(cdp))
            took = time.perf_counter() - began
            profile = (await cdp.send("Profiler.stop"))["profile"]
        finally:
            with contextlib.suppress(Exception):
                await browser.close()
            await kiosk.tab.close()
    idle_per_s = {name: ms / IDLE_SECONDS for name, ms in idle.items()}
    return {
        "idle_ms_per_s": {name: round(ms, 2) for name, ms in idle_per_s.items()},
        "per_scan_ms": {
            name: round((ms - idle_per_s[name] * took) / PAINT_SCANS, 2)
            for name, ms in scans.items()
        },
        "scans": PAINT_SCANS,
        "hottest_script": hottest(profile),
    }


def paint() -> dict[str, Any]:
    """Scenario: one chromium dashboard's main-thread work, idle and per scan."""
    print(f"paint: one chromium dashboard, {IDLE_SECONDS:g} s idle, then {PAINT_SCANS} scans")
    with running_chain("paint") as app:
        result = asyncio.run(paint_on(app))
    idle, scan = result["idle_ms_per_s"], result["per_scan_ms"]
    print("  idle, per second: " + ", ".join(f"{k} {v} ms" for k, v in idle.items()))
    print("  per scan (idle taken off): " + ", ".join(f"{k} {v} ms" for k, v in scan.items()))
    print("  most script time during the scans (self):")
    for row in result["hottest_script"]:
        print(f"    {row['self_ms']:>8.1f} ms  {row['function']}")
    print(f"  -> {write_result('paint', result)}")
    return result
