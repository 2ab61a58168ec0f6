"""Soak: hours of an ordinary day compressed onto one instance, watched for drift.

300 dashboards stay open while one tab closes and a new one opens every second, and a door
toggles one card five times a second. Every scan moves `2 * checkins_today - inside_now`
on by exactly one (a check-in adds one to both, a check-out takes one from inside), so
each dashboard's numbers say which scans it has seen, however its frames coalesce.
Printed: scan-to-dashboard latency, deliveries missed by tabs that stayed open, dashboards
on stale numbers at the quiet check every minute, server memory over time (PSS, plotted),
and error lines in the server's log.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import statistics
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.clients import CONNECT_TIMEOUT, Kiosk, Tab, frame_number, open_dashboard
from bench.figures import line, save_chart, summary
from bench.harness import KIOSK_CARD, RESULTS, BenchApp, inside_after, running_chain, write_result

SOAK_MINUTES = 2.0
DASHBOARDS = 300
SCANS_PER_SECOND = 5.0
CHURN_EVERY = 1.0  # one tab closes and one opens
MEMORY_EVERY = 10.0
CHECK_EVERY = 60.0  # scans pause this often, so every dashboard can be compared to the truth
QUIET = 2.0
# A tab open this long after a scan was sent must have seen it.
DELIVERY_WINDOW = 5.0
# Growth is measured over the run's last two thirds (the first third is warm-up).
WARM_UP_SHARE = 1 / 3


@dataclass
class Progress:
    """One dashboard: its numbers as last shown, and which scans they account for."""

    scans: Scans
    checkins: int = -1
    inside: int = -1
    seen: int = -1  # the latest scan its numbers include
    timed: bool = False  # past the view it opened on
    closed_at: float | None = None

    def on_frame(self, at: float, frame: str) -> None:
        checkins, inside = frame_number(frame, "checkins_today"), frame_number(frame, "inside_now")
        if checkins is None and inside is None:
            return
        self.checkins = self.checkins if checkins is None else checkins
        self.inside = self.inside if inside is None else inside
        if self.checkins < 0 or self.inside < 0:
            return
        mark = 2 * self.checkins - self.inside
        if self.timed:
            self.seen = self.scans.shown(at, mark, self.seen)
        elif mark >= self.scans.first_mark:  # the view it opened on: nothing to time yet
            self.seen, self.timed = self.scans.accounted(mark) - 1, True
        # (else the page's compiled defaults, zeros, which a hydrating tab is sent first)


@dataclass
class Scans:
    """Every scan sent: when, and (as they arrive) how long each open tab took to show it."""

    first_mark: int = 0  # 2 * checkins - inside before the first scan
    sent: array.array[float] = field(default_factory=lambda: array.array("d"))
    latencies: array.array[float] = field(default_factory=lambda: array.array("d"))

    def accounted(self, mark: int) -> int:
        """How many of the scans sent numbers with this mark include."""
        return min(mark - self.first_mark, len(self.sent))

    def shown(self, at: float, mark: int, seen: int) -> int:
        """A tab now shows the numbers after scan `latest`; time the scans new to it."""
        latest = self.accounted(mark) - 1
        for scan in range(max(seen + 1, 0), latest + 1):
            self.latencies.append(at - self.sent[scan])
        return max(seen, latest)


@dataclass
class Soak:
    app: BenchApp
    session: aiohttp.ClientSession
    scans: Scans = field(default_factory=Scans)
    tabs: deque[tuple[Tab, Progress]] = field(default_factory=deque)
    closed: list[Progress] = field(default_factory=list)
    memory: list[tuple[float, float]] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    screens: dict[str, int] = field(default_factory=dict)
    last_screen: str | None = None
    failed_opens: int = 0
    paused: asyncio.Event = field(default_factory=asyncio.Event)

    async def open_one(self) -> None:
        progress = Progress(self.scans)
        try:
            tab = await open_dashboard(
                self.session, self.app.url, progress.on_frame, staff_token=self.app.staff_token
            )
        except (TimeoutError, aiohttp.ClientError):
            self.failed_opens += 1
            return
        self.tabs.append((tab, progress))

    async def close_oldest(self) -> None:
        tab, progress = self.tabs.popleft()
        progress.closed_at = time.perf_counter()
        self.closed.append(progress)
        await tab.close()

    async def door(self, kiosk: Kiosk, until: float) -> None:
        """Scans at SCANS_PER_SECOND, each after the last one's answer; pauses when asked."""
        due = time.perf_counter()
        while (now := time.perf_counter()) < until:
            if self.paused.is_set():
                await asyncio.sleep(0.05)
                due = time.perf_counter()
                continue
            await asyncio.sleep(max(0.0, due - now))
            due += 1 / SCANS_PER_SECOND
            self.scans.sent.append(time.perf_counter())
            answer = await asyncio.wait_for(await kiosk.scan(KIOSK_CARD), CONNECT_TIMEOUT)
            screen = str(answer.get("screen"))
            self.screens[screen] = self.screens.get(screen, 0) + 1
            self.last_screen = screen

    async def churn(self, until: float) -> None:
        while time.perf_counter() < until:
            await asyncio.sleep(CHURN_EVERY)
            await asyncio.gather(self.close_oldest(), self.open_one())

    async def watch_memory(self, began: float, until: float) -> None:
        while (now := time.perf_counter()) < until:
            pss = await asyncio.to_thread(lambda: self.app.server_rss()["pss_total_mib"])
            self.memory.append((round(now - began, 1), pss))
            await asyncio.sleep(MEMORY_EVERY)

    async def check(self) -> int:
        """Pause the door, let the last broadcast land, count dashboards not on the truth."""
        self.paused.set()
        await asyncio.sleep(QUIET)
        truth = len(self.scans.sent) - 1
        inside = inside_after(self.last_screen)
        stale = sum(p.seen != truth or p.inside != inside for _, p in self.tabs)
        self.stale.append(stale)
        self.paused.clear()
        return stale

    async def checks(self, until: float) -> None:
        while time.perf_counter() + CHECK_EVERY < until:
            await asyncio.sleep(CHECK_EVERY)
            stale = await self.check()
            print(
                f"  {len(self.scans.sent)} scans, {len(self.tabs)} open, {len(self.closed)} "
                f"closed; stale {stale}; server {self.memory[-1][1]} MiB",
                flush=True,
            )

    def missed(self, ended: float) -> int:
        """Scans a tab should have shown (sent DELIVERY_WINDOW before it closed) but never did."""
        sent = self.scans.sent
        total = 0
        for progress in [*self.closed, *(p for _, p in self.tabs)]:
            deadline = (progress.closed_at or ended) - DELIVERY_WINDOW
            total += sum(1 for at in sent[progress.seen + 1 :] if at < deadline)
        return total


async def soak_on(app: BenchApp, minutes: float) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        soak = Soak(app, session)
        kiosk = await Kiosk.paired(session, app.url, await asyncio.to_thread(app.pairing_code))
        for _ in range(DASHBOARDS // 50):
            await asyncio.gather(*(soak.open_one() for _ in range(50)))
        first = soak.tabs[0][1]
        soak.scans.first_mark = 2 * first.checkins - first.inside
        began = time.perf_counter()
        until = began + minutes * 60
        try:
            await asyncio.gather(
                soak.door(kiosk, until),
                soak.churn(until),
                soak.watch_memory(began, until),
                soak.checks(until),
            )
            final_stale = await soak.check()
            ended = time.perf_counter()
        finally:
            with contextlib.suppress(Exception):
                await asyncio.gather(*(tab.close() for tab, _ in soak.tabs), kiosk.tab.close())
    return {
        "minutes": minutes,
        "dashboards": DASHBOARDS,
        "scans": len(soak.scans.sent),
        "screens": soak.screens,
        "tabs_opened_during": len(soak.closed) + len(soak.tabs) - DASHBOARDS,
        "failed_opens": soak.failed_opens,
        "scan_to_dashboard": summary(soak.scans.latencies),
        "missed_deliveries": soak.missed(ended),
        "stale_at_checks": soak.stale,
        "stale_at_end": final_stale,
        "memory": soak.memory,
        "memory_growth_mib": growth(soak.memory),
        "log_errors": log_errors(app.log_path),
    }


def growth(memory: list[tuple[float, float]]) -> float | None:
    """PSS growth over the run's last two thirds: the median of its last three samples
    against the median of the three around the end of the warm-up."""
    if len(memory) < 6:
        return None
    warm = int(len(memory) * WARM_UP_SHARE)
    start = statistics.median(pss for _, pss in memory[max(0, warm - 1) : warm + 2])
    return round(statistics.median(pss for _, pss in memory[-3:]) - start, 1)


def log_errors(path: Path) -> list[str]:
    lines = path.read_text(errors="replace").splitlines()
    return [text for text in lines if "ERROR" in text or "Traceback" in text][:20]


def chart(memory: list[tuple[float, float]], path: Path) -> Path | None:
    """Server memory over the soak, beside the JSON."""

    def draw(ax: Any) -> None:
        ax.plot([t / 60 for t, _ in memory], [pss for _, pss in memory], marker=".")
        warm_up = memory[-1][0] / 60 * WARM_UP_SHARE
        ax.axvline(warm_up, color="grey", linestyle=":", label="warm-up")
        ax.set_xlabel("minutes")
        ax.set_ylabel("server PSS (MiB)")

    title = f"gym_live soak: {DASHBOARDS} dashboards, {SCANS_PER_SECOND:g} scans/s, churn 1/s"
    return save_chart(path, title, draw)


def soak(minutes: float = SOAK_MINUTES) -> dict[str, Any]:
    """Scenario: `minutes` of dashboards coming and going under a steady door."""
    print(
        f"soak: {minutes:g} min, {DASHBOARDS} dashboards (one replaced every {CHURN_EVERY:g} s), "
        f"{SCANS_PER_SECOND:g} scans/s"
    )
    with running_chain("soak") as app:
        result = asyncio.run(soak_on(app, minutes))
    print(line("scan->dashboard", result["scan_to_dashboard"]))
    print(
        f"  {result['scans']} scans {result['screens']}; missed {result['missed_deliveries']}; "
        f"stale at checks {result['stale_at_checks']}, at the end {result['stale_at_end']}; "
        f"failed opens {result['failed_opens']}; memory growth over the last two thirds "
        f"{result['memory_growth_mib']} MiB; log errors {len(result['log_errors'])}"
    )
    path = write_result("soak", result)
    png = chart(result["memory"], RESULTS / "soak.png") if result["memory"] else None
    print(f"  -> {path}" + (f", {png}" if png else ""))
    return result
