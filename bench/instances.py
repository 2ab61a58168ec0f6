"""Two instances, as in production: one PostgreSQL, one Redis, dashboards on both.

A kiosk on the first instance toggles a card; each scan is timed to the dashboards on the
instance that took it (its own relay hears Redis like every other) and to those on the
second, which learn of it only through Redis. The throwaway servers are the tests' own
(devtools/servers.py, through bench.harness.running_instances), so the scenario runs on any
machine `make test` runs on.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from bench.clients import Kiosk, Tab, open_dashboards
from bench.fanout import SCAN_GAP, SCANS, WARMUP_SCANS, Arrivals, scan_round
from bench.figures import line, summary
from bench.harness import BenchApp, running_instances, write_result

DASHBOARDS_PER_INSTANCE = 100


def instances(per_instance: int = DASHBOARDS_PER_INSTANCE, scans: int = SCANS) -> dict[str, Any]:
    print(
        f"instances: 2 instances on PostgreSQL + Redis, {per_instance} dashboards on each, "
        f"{scans} scans at the first"
    )
    with running_instances(2) as (first, second):
        result = asyncio.run(_timed(first, second, per_instance, scans))
    for where in ("same_instance", "other_instance"):
        print(line(f"scan->dashboard, {where.replace('_', ' ')}", result[where]))
    print(line("kiosk answer", result["kiosk_answer"]))
    print(f"  missed {result['missed_deliveries']}, stale {result['stale_values']}")
    print(f"  -> {write_result('instances', result)}")
    return result


async def _timed(first: BenchApp, second: BenchApp, n: int, scans: int) -> dict[str, Any]:
    arrivals = Arrivals()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        kiosk = await Kiosk.paired(session, first.url, first.pairing_code())
        tabs: list[Tab] = []
        try:
            # Dashboards 0 .. n-1 on the first instance, n .. 2n-1 on the second.
            tabs += await open_dashboards(
                session, first.url, n, arrivals.recorder, staff_token=first.staff_token
            )
            tabs += await open_dashboards(
                session,
                second.url,
                n,
                arrivals.recorder,
                staff_token=second.staff_token,
                first_index=n,
            )
            for _ in range(WARMUP_SCANS):
                await scan_round(kiosk, arrivals, 2 * n)
            same: list[float] = []
            other: list[float] = []
            answers: list[float] = []
            missed = stale = 0
            for _ in range(scans):
                done = await scan_round(kiosk, arrivals, 2 * n)
                for index, seconds in done["latencies"].items():
                    (same if index < n else other).append(seconds)
                missed, stale = missed + done["missed"], stale + done["stale"]
                if done["kiosk_s"] is not None:
                    answers.append(done["kiosk_s"])
                await asyncio.sleep(SCAN_GAP)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.gather(*(tab.close() for tab in tabs), kiosk.tab.close())
    return {
        "dashboards_per_instance": n,
        "scans": scans,
        "same_instance": summary(same),
        "other_instance": summary(other),
        "kiosk_answer": summary(answers),
        "missed_deliveries": missed,
        "stale_values": stale,
    }
