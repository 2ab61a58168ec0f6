"""`python -m bench.run [SCENARIO|live|all]`: run, print, write JSON (see SCENARIOS, GROUPS).

Figures are printed and written to bench/results/<scenario>.json; nothing is asserted,
because they depend on the machine (see bench/README.md for the targets).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench import (
    browsers,
    cluster,
    exports,
    fanout,
    instances,
    load,
    members,
    occupancy,
    paint,
    reports,
    soak,
    tabmemory,
)
from bench.browsers import WAIT_FOR_NUMBER
from bench.clients import Tab, open_up_to, signed_in
from bench.harness import (
    LOCATIONS,
    TODAY_VISITS,
    BenchApp,
    add_history,
    add_today,
    member_code,
    raise_open_files,
    running_chain,
    seed,
    write_result,
)
from devtools.servers import CHROMIUM_ARGS

MEMORY_STEPS = (0, 500, 1_000)
HISTORY_SIZES = (10_000, 100_000, 1_000_000)
HISTORY_RUNS = 20
# Visits today at the history scenario's location, after the past has grown to 1 M.
TODAY_SIZES = (1_000, 10_000)
TODAY_MEMBERS = 10_000
ARRIVING_MEMBER = 30_000  # no visit of theirs is seeded
FIRSTPAINT_LOADS = 6
FIRST_LOCATION = LOCATIONS[0][0]


async def memory_on(app: BenchApp, steps: Sequence[int]) -> list[dict[str, Any]]:
    rows = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        tabs: list[Tab] = []
        try:
            for n in steps:
                opened = time.perf_counter()
                await open_up_to(tabs, n, session, app.url, staff_token=app.staff_token)
                took = time.perf_counter() - opened
                await asyncio.sleep(3)  # let the server settle (GC, buffers)
                rss = app.server_rss()
                worker = max(p["rss_mib"] for p in rss["processes"])
                rows.append(
                    {
                        "dashboards": n,
                        "connect_s": round(took, 1),
                        "tree_pss_mib": rss["pss_total_mib"],
                        "tree_rss_sum_mib": rss["total_mib"],
                        "largest_process_mib": worker,
                        "processes": rss["processes"],
                    }
                )
                print(
                    f"  {n:>5} dashboards: whole server {rss['pss_total_mib']} MiB (PSS), "
                    f"serving process RSS {worker} MiB, RSS summed over the tree "
                    f"{rss['total_mib']} MiB (connected in {took:.1f} s)",
                    flush=True,
                )
        finally:
            await asyncio.gather(*(tab.close() for tab in tabs))
    return rows


def memory(dashboards: Sequence[int] = MEMORY_STEPS) -> list[dict[str, Any]]:
    """Scenario 3: the server's memory (PSS and RSS, from /proc) as dashboards connect."""
    print(f"memory: the server's memory with {list(dashboards)} dashboards connected")
    with running_chain("memory") as app:
        rows = asyncio.run(memory_on(app, dashboards))
    print(f"  -> {write_result('memory', {'results': rows})}")
    return rows


def timed(work: Callable[[], object], runs: int) -> dict[str, Any]:
    work()  # warm: first use builds the engine and fills SQLite's page cache
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        samples.append(time.perf_counter() - began)
    return {
        "runs": runs,
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
    }


def history(sizes: Sequence[int] = HISTORY_SIZES, runs: int = HISTORY_RUNS) -> list[dict[str, Any]]:
    """Scenario 4: stats and the full dashboard view as the past grows (SQLite, in-process)."""
    from gym_live.adapters.bus import create_bus
    from gym_live.adapters.db import get_engine
    from gym_live.domain.checkin import Source
    from gym_live.services import checkin, reports
    from gym_live.services.deps import Deps
    from gym_live.services.live_view import load_views
    from gym_live.services.stats import location_stats
    from gym_live.settings import Settings

    print(f"history: stats with {[f'{s:,}' for s in sizes]} past visits, median of {runs}")
    rows = []
    with tempfile.TemporaryDirectory(prefix="gym_bench_history_") as tmp:
        url = f"sqlite:///{Path(tmp) / 'history.db'}"
        seed(url, history=0)  # the past grows below
        deps = Deps(engine=get_engine(url), bus=create_bus(None), settings=Settings(url))
        have = 0
        for size in sizes:
            began = time.perf_counter()
            add_history(url, size - have, first_visit=have)
            have = size
            seeded = time.perf_counter() - began
            stats = timed(lambda: location_stats(FIRST_LOCATION, deps=deps), runs)
            views = timed(lambda: load_views(deps=deps, location_id=1), runs)
            rows.append(
                {"visits": size, "insert_s": round(seeded, 1), "stats": stats, "view": views}
            )
            print(
                f"  {size:>9,} visits: location_stats median {stats['median_ms']} ms "
                f"(max {stats['max_ms']}), load_views median {views['median_ms']} ms "
                f"(max {views['max_ms']})  [inserted in {seeded:.1f} s]",
                flush=True,
            )
        today = TODAY_VISITS
        for n, size in enumerate(TODAY_SIZES):  # then a busier and busier day on top of the 1 M
            add_today(url, size - today, still_inside=0, first_member=TODAY_MEMBERS + today)
            today = size
            # Written behind the app's back, as `reports recount` is for; then a check-in,
            # as the day goes on at the door (it keeps the day's peak).
            reports.forget_kept_days(deps=deps)
            checkin.check_in(
                member_code(ARRIVING_MEMBER + n),
                location=FIRST_LOCATION,
                source=Source.STAFF,
                deps=deps,
            )
            stats = timed(lambda: location_stats(FIRST_LOCATION, deps=deps), runs)
            rows.append({"visits": have, "visits_today": size, "stats": stats})
            print(
                f"  {size:>9,} visits today (and {have:,} past): location_stats median "
                f"{stats['median_ms']} ms (max {stats['max_ms']})",
                flush=True,
            )
        deps.engine.dispose()
    print(f"  -> {write_result('history', {'results': rows})}")
    return rows


def firstpaint(loads: int = FIRSTPAINT_LOADS) -> list[dict[str, Any]]:
    """Scenario 5: a real chromium, a fresh context (empty cache) per load, until the number shows.

    The first load also meets a server that has served nothing yet.
    """
    from playwright.sync_api import sync_playwright

    print(f"firstpaint: {loads} cold loads of / in chromium")
    rows = []
    with running_chain("firstpaint") as app, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            for n in range(loads):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                context.add_init_script(signed_in(app.staff_token))
                page = context.new_page()
                began = time.perf_counter()
                page.goto(app.url + "/", wait_until="commit")
                shown_at = page.wait_for_function(WAIT_FOR_NUMBER, polling="raf", timeout=60_000)
                wall = time.perf_counter() - began
                paint = page.evaluate(
                    "() => (performance.getEntriesByName('first-contentful-paint')[0] || {})"
                    ".startTime || null"
                )
                row = {
                    "load": n + 1,
                    "cold_server": n == 0,
                    "wall_s": round(wall, 3),
                    "number_shown_ms": round(shown_at.json_value(), 1),
                    "first_contentful_paint_ms": paint and round(paint, 1),
                }
                rows.append(row)
                print(
                    f"  load {n + 1}{' (cold server)' if n == 0 else ''}: number shown "
                    f"{row['number_shown_ms']} ms after navigation start (wall {wall:.3f} s, "
                    f"FCP {row['first_contentful_paint_ms']} ms)",
                    flush=True,
                )
                context.close()
        finally:
            browser.close()
    shown = [r["number_shown_ms"] for r in rows]
    result = {"loads": rows, "median_ms": statistics.median(shown), "max_ms": max(shown)}
    print(f"  median {result['median_ms']} ms, max {result['max_ms']} ms")
    print(f"  -> {write_result('firstpaint', result)}")
    return rows


SCENARIOS: dict[str, Callable[[], object]] = {
    "fanout": fanout.fanout,
    "throughput": load.throughput,
    "memory": memory,
    "tabmemory": tabmemory.tabmemory,
    "history": history,
    "firstpaint": firstpaint,
    "storm": load.storm,
    "soak": soak.soak,
    "browsers": browsers.browsers,
    "paint": paint.paint,
    "instances": instances.instances,
    "cluster": cluster.cluster,
    "members": members.members,
    "occupancy": occupancy.occupancy,
    "exports": exports.exports,
    "reports": reports.reports,
}


# What a change to the live path (check-in, hub, fan-out, states) re-runs: `make bench`.
LIVE_PATH = ("fanout", "throughput", "memory", "storm", "soak", "browsers", "paint")
GROUPS = {"live": LIVE_PATH, "all": tuple(SCENARIOS)}


def counts(text: str) -> tuple[int, ...]:
    """`500,1000` -> (500, 1000)."""
    try:
        numbers = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not numbers or min(numbers) < 0 or list(numbers) != sorted(numbers):
        raise argparse.ArgumentTypeError(f"give rising counts, as 500,1000 (not {text!r})")
    return numbers


def options(scenario: Callable[..., object], args: argparse.Namespace) -> dict[str, Any]:
    """The command line's --dashboards and --minutes, for the scenarios that take them."""
    given = {"dashboards": args.dashboards, "minutes": args.minutes}
    taken = inspect.signature(scenario).parameters
    return {name: value for name, value in given.items() if value is not None and name in taken}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("scenario", choices=[*SCENARIOS, *GROUPS], nargs="?", default="all")
    parser.add_argument(
        "--dashboards", type=counts, help="for fanout, memory, tabmemory, storm: as 1000,2000"
    )
    parser.add_argument("--minutes", type=float, help=f"for soak (default {soak.SOAK_MINUTES:g})")
    args = parser.parse_args(argv)
    raise_open_files()
    chosen = GROUPS.get(args.scenario, (args.scenario,))
    for name in chosen:
        began = time.monotonic()
        SCENARIOS[name](**options(SCENARIOS[name], args))
        print(f"{name}: done in {time.monotonic() - began:.0f} s\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
