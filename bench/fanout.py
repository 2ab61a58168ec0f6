"""Scenario 1, fan-out: one kiosk toggles a card; every dashboard's delta is timed."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import Kiosk, Tab, frame_number, open_up_to
from bench.figures import line, save_chart, summary
from bench.harness import (
    KIOSK_CARD,
    RESULTS,
    BenchApp,
    cpu_seconds,
    inside_after,
    process_tree,
    running_chain,
    write_result,
)

FANOUT_NS = (1, 10, 100, 500, 1_000, 2_000)
SCANS = 120
WARMUP_SCANS = 4
SCAN_TIMEOUT = 10.0
SCAN_GAP = 0.02
FEED = '"feed_rx_state_":'


class Arrivals:
    """Per scan: when each dashboard first saw inside_now change after the scan was sent,
    and when the new feed rows (a second, larger frame) arrived."""

    def __init__(self) -> None:
        self.sent = 0.0
        self.times: dict[int, float] = {}
        self.feed_times: dict[int, float] = {}
        self.values: dict[int, int] = {}
        self.frame_bytes = 0
        self.expected = 0
        self.all_in = asyncio.Event()

    def start(self, expected: int) -> None:
        self.sent, self.expected = time.perf_counter(), expected
        self.times, self.values, self.feed_times = {}, {}, {}
        self.all_in.clear()

    def recorder(self, index: int) -> Callable[[float, str], None]:
        def on_frame(at: float, frame: str) -> None:
            if self.sent == 0.0 or at < self.sent:
                return
            if index not in self.feed_times and FEED in frame:
                self.feed_times[index] = at
            inside = None if index in self.times else frame_number(frame, "inside_now")
            if inside is not None:
                self.times[index] = at
                self.values[index] = inside
                self.frame_bytes = len(frame)
            if len(self.times) >= self.expected and len(self.feed_times) >= self.expected:
                self.all_in.set()

        return on_frame


async def scan_round(kiosk: Kiosk, arrivals: Arrivals, dashboards: int) -> dict[str, Any]:
    """One scan; waits until every dashboard has its numbers and rows (or SCAN_TIMEOUT)."""
    arrivals.start(dashboards)
    answered: list[float] = []
    answer = await kiosk.scan(KIOSK_CARD)
    answer.add_done_callback(lambda _: answered.append(time.perf_counter()))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(arrivals.all_in.wait(), SCAN_TIMEOUT)
    with_answer = await asyncio.wait_for(answer, SCAN_TIMEOUT)
    truth = inside_after(with_answer.get("screen"))
    return {
        "stale": sum(value != truth for value in arrivals.values.values()),
        # Seconds from the scan to its numbers, by dashboard index.
        "latencies": {i: t - arrivals.sent for i, t in arrivals.times.items()},
        "feed_latencies": [t - arrivals.sent for t in arrivals.feed_times.values()],
        "missed": dashboards - len(arrivals.times),
        "kiosk_s": answered[0] - arrivals.sent if answered else None,
        "frame_bytes": arrivals.frame_bytes,
        "screen": with_answer.get("screen"),
    }


async def fanout_on(app: BenchApp, ns: Sequence[int], scans: int) -> dict[str, Any]:
    arrivals = Arrivals()
    results: dict[str, Any] = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        kiosk = await Kiosk.paired(session, app.url, app.pairing_code())
        tabs: list[Tab] = []
        try:
            for n in ns:
                opened = time.perf_counter()
                await open_up_to(
                    tabs, n, session, app.url, arrivals.recorder, staff_token=app.staff_token
                )
                print(f"  N={n}: {n} dashboards joined ({time.perf_counter() - opened:.1f} s)")
                for _ in range(WARMUP_SCANS):
                    await scan_round(kiosk, arrivals, n)
                latencies: list[float] = []
                feed_latencies: list[float] = []
                kiosk_times: list[float] = []
                missed, stale, screens, sizes = 0, 0, {}, []
                cpu_before = cpu_seconds(process_tree(app.pid))
                for _ in range(scans):
                    done = await scan_round(kiosk, arrivals, n)
                    latencies += done["latencies"].values()
                    feed_latencies += done["feed_latencies"]
                    missed += done["missed"]
                    stale += done["stale"]
                    sizes.append(done["frame_bytes"])
                    if done["kiosk_s"] is not None:
                        kiosk_times.append(done["kiosk_s"])
                    screens[done["screen"]] = screens.get(done["screen"], 0) + 1
                    await asyncio.sleep(SCAN_GAP)
                cpu_ms = (cpu_seconds(process_tree(app.pid)) - cpu_before) * 1000
                frames = len(latencies) + len(feed_latencies)
                result = {
                    "dashboards": n,
                    "scans": scans,
                    "scan_to_dashboard": summary(latencies),
                    "scan_to_feed_row": summary(feed_latencies),
                    "kiosk_answer": summary(kiosk_times),
                    "missed_deliveries": missed,
                    "stale_values": stale,
                    "kiosk_screens": screens,
                    "delta_frame_bytes_median": statistics.median(sizes),
                    # The server's own CPU (user + system), whatever the clients cost.
                    "server_cpu_ms_per_scan": round(cpu_ms / scans, 2),
                    "server_cpu_us_per_frame": round(cpu_ms * 1000 / max(frames, 1), 1),
                    "server_pss_mib": app.server_rss()["pss_total_mib"],
                }
                results[str(n)] = result
                print(line(f"N={n} scan->dashboard", result["scan_to_dashboard"]))
                print(line(f"N={n} scan->feed row", result["scan_to_feed_row"]))
                print(line(f"N={n} kiosk answer", result["kiosk_answer"]))
                print(
                    f"  N={n} missed {missed}, stale {stale}, screens {screens}, delta frame "
                    f"{result['delta_frame_bytes_median']:.0f} bytes; server CPU "
                    f"{result['server_cpu_ms_per_scan']} ms a scan, "
                    f"{result['server_cpu_us_per_frame']} us a delivered frame",
                    flush=True,
                )
        finally:
            await asyncio.gather(*(tab.close() for tab in tabs), kiosk.tab.close())
    return results


def chart(results: dict[str, Any], path: Path) -> Path | None:
    """Latency against N (p50/p95/p99), beside the JSON."""
    ns = sorted(int(n) for n in results)

    def draw(ax: Any) -> None:
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            latencies = [results[str(n)]["scan_to_dashboard"][key] for n in ns]
            ax.plot(ns, latencies, marker="o", label=key)
        ax.axhline(40, color="grey", linestyle=":", label="target p99 N=100 (40 ms)")
        ax.axhline(100, color="grey", linestyle="--", label="target p99 N=500 (100 ms)")
        ax.set_xscale("log")
        ax.set_xlabel("dashboards on one instance (N)")
        ax.set_ylabel("scan -> delta on dashboard (ms)")

    return save_chart(path, "gym_live fan-out latency", draw)


def fanout(dashboards: Sequence[int] = FANOUT_NS, scans: int = SCANS) -> dict[str, Any]:
    """Scenario 1: one kiosk toggles a card; every dashboard's delta is timed."""
    print(f"fanout: N = {list(dashboards)}, {scans} scans each (check-in / check-out alternating)")
    with running_chain("fanout") as app:
        results = asyncio.run(fanout_on(app, dashboards, scans))
    path = write_result("fanout", {"results": results})
    png = chart(results, RESULTS / "fanout.png")
    print(f"  -> {path}" + (f", {png}" if png else ""))
    return results
