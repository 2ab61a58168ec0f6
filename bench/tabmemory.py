"""Where a dashboard tab's memory goes: tracemalloc snapshots of the server at 0 and N tabs.

The server runs with bench/tracing/sitecustomize.py: the first SIGUSR1 starts tracemalloc,
each signal writes a snapshot. What was allocated after the first and is still held at N
tabs, divided by N, is what one open dashboard costs the Python heap; it is grouped by who
allocated it (the innermost frame outside the standard library) and by line. PSS beside
it shows what the allocator and the C parts add. Tracing slows the server down: these
figures are about memory only. The snapshots are kept in bench/results/ for a closer look
(`tracemalloc.Snapshot.load`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import Tab, open_up_to
from bench.harness import RESULTS, BenchApp, running_chain, write_result

STEPS = (1_000,)
FRAMES = 12
SETTLE_SECONDS = 3.0
TOP = 12
TRACING = Path(__file__).parent / "tracing"
STDLIB = os.path.dirname(os.__file__)


def owner(trace: tracemalloc.Traceback) -> str:
    """The package that asked for the memory: the innermost frame outside the standard
    library, as `reflex/state.py` or `engineio/...`."""
    for frame in reversed(trace):  # innermost first
        name = frame.filename
        if not name.startswith(STDLIB) or "site-packages" in name:
            return name.split("site-packages/")[-1].split("/gym_live/")[-1]
    return trace[0].filename.removeprefix(STDLIB + "/")


def take(app: BenchApp, folder: Path) -> tracemalloc.Snapshot:
    before = set(folder.glob("*.snapshot"))
    os.kill(app.pid, signal.SIGUSR1)
    deadline = time.monotonic() + 300
    while not (new := set(folder.glob("*.snapshot")) - before):
        if time.monotonic() > deadline:
            raise RuntimeError("the server wrote no tracemalloc snapshot")
        time.sleep(0.2)
    path = new.pop()
    RESULTS.mkdir(exist_ok=True)
    kept = RESULTS / f"tabmemory-{path.name}"
    shutil.copyfile(path, kept)
    return tracemalloc.Snapshot.load(str(kept))


def where(before: tracemalloc.Snapshot, after: tracemalloc.Snapshot, tabs: int) -> dict[str, Any]:
    grown = after.compare_to(before, "traceback")
    by_owner: dict[str, int] = defaultdict(int)
    for stat in grown:
        by_owner[owner(stat.traceback)] += stat.size_diff
    by_line = after.compare_to(before, "lineno")[:TOP]
    return {
        "python_heap_per_tab_kib": round(sum(s.size_diff for s in grown) / tabs / 1024, 2),
        "by_owner_kib_per_tab": {
            name: round(size / tabs / 1024, 2)
            for name, size in sorted(by_owner.items(), key=lambda item: -item[1])[:TOP]
        },
        "by_line_kib_per_tab": {
            f"{s.traceback[0].filename.split('site-packages/')[-1]}:{s.traceback[0].lineno}": (
                round(s.size_diff / tabs / 1024, 2)
            )
            for s in by_line
        },
    }


async def open_tabs(app: BenchApp, steps: Sequence[int], folder: Path) -> list[dict[str, Any]]:
    """A snapshot with no dashboard, then one at each step, each compared with the first."""
    results = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.sleep(SETTLE_SECONDS)
        pss_before = app.server_rss()["pss_total_mib"]
        before = await asyncio.to_thread(take, app, folder)
        opened: list[Tab] = []
        try:
            for tabs in steps:
                await open_up_to(opened, tabs, session, app.url, staff_token=app.staff_token)
                await asyncio.sleep(SETTLE_SECONDS)
                pss_after = app.server_rss()["pss_total_mib"]
                after = await asyncio.to_thread(take, app, folder)
                result = {"dashboards": tabs, **where(before, after, tabs)}
                result["pss_per_tab_kib"] = round((pss_after - pss_before) * 1024 / tabs, 1)
                result["pss_mib"] = {"before": pss_before, "after": pss_after}
                results.append(result)
                report(result)
        finally:
            await asyncio.gather(*(tab.close() for tab in opened))
    return results


def report(result: dict[str, Any]) -> None:
    print(
        f"  {result['dashboards']} dashboards, per tab: Python heap "
        f"{result['python_heap_per_tab_kib']} KiB, PSS {result['pss_per_tab_kib']} KiB "
        f"({result['pss_mib']['before']} -> {result['pss_mib']['after']} MiB, traced)"
    )
    groups = (("by who asked", "by_owner_kib_per_tab"), ("by line", "by_line_kib_per_tab"))
    for title, key in groups:
        print(f"  {title}:")
        for name, kib in result[key].items():
            print(f"    {kib:>8.2f} KiB  {name}")


def tabmemory(dashboards: Sequence[int] = STEPS) -> list[dict[str, Any]]:
    """Scenario: one dashboard tab's memory on the server, and who holds it."""
    print(f"tabmemory: tracemalloc of the server at 0 and {list(dashboards)} dashboards")
    with tempfile.TemporaryDirectory(prefix="gym_bench_snapshots_") as folder:
        tracing = {
            "BENCH_TRACE_FRAMES": str(FRAMES),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(TRACING), os.getenv("PYTHONPATH")])),
            "BENCH_SNAPSHOT_DIR": folder,
        }
        with running_chain("tabmemory", settings=tracing) as app:
            results = asyncio.run(open_tabs(app, dashboards, Path(folder)))
    print(f"  -> {write_result('tabmemory', {'results': results})}")
    return results
