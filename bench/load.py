"""Scenarios under load: steady scan rates (throughput) and 500 dashboards at once (storm).

Throughput attributes every dashboard update to the scans it contains through the database,
not through the order answers came back: after each step the visits the step created are
read back, check-ins ranked by visit id and check-outs by check-out time (the order the
writes committed in, as SQLite serialises writers), and a scan counts as shown on a
dashboard at the first frame whose check-in (or check-out) count reaches the scan's rank.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import sqlalchemy as sa

from bench.clients import (
    CONNECT_TIMEOUT,
    Kiosk,
    Tab,
    frame_number,
    open_dashboard,
    open_dashboards,
)
from bench.figures import line, summary
from bench.harness import (
    BenchApp,
    inside_after,
    member_code,
    running_chain,
    write_result,
)
from gym_live.adapters.db import build_engine
from gym_live.models import Member, Visit

THROUGHPUT_RATES = (20, 40, 60, 80, 100, 120, 140, 160, 200, 240)
THROUGHPUT_DASHBOARDS = 10
THROUGHPUT_KIOSKS = 16
# After the steady rates: every door sends its next scan as soon as it has its answer.
FLAT_OUT_PER_KIOSK = 40
STEP_SECONDS = 5.0
P99_LIMIT_MS = 100.0
# Kiosk k toggles member 1000 + k, a card nothing else in the bench touches.
FIRST_THROUGHPUT_MEMBER = 1_000
STORM_DASHBOARDS = (500, 1_000)
STORM_SCAN_GAP = 0.2


@dataclass
class Timeline:
    """What one dashboard showed over time: (arrival, check-ins today, inside now)."""

    checkins: int = 0
    inside: int = 0
    frames: list[tuple[float, int, int]] = field(default_factory=list)

    def on_frame(self, at: float, frame: str) -> None:
        checkins, inside = frame_number(frame, "checkins_today"), frame_number(frame, "inside_now")
        if checkins is None and inside is None:
            return
        if checkins is not None:
            self.checkins = checkins
        if inside is not None:
            self.inside = inside
        self.frames.append((at, self.checkins, self.inside))

    def first_showing(self, since: int, base: tuple[int, int], rank: int, checkout: bool) -> float:
        """When the `rank`-th check-in (or check-out) after `base` was first on screen."""
        base_in, base_inside = base
        for at, checkins, inside in self.frames[since:]:
            ins = checkins - base_in
            done = ins - (inside - base_inside) if checkout else ins
            if done >= rank:
                return at
        return float("nan")


@dataclass
class Scan:
    kiosk: int
    turn: int  # the kiosk's n-th scan in the step: even check in, odd check out
    sent: float
    answered: float = float("nan")
    screen: str | None = None


async def kiosk_loop(
    kiosk: Kiosk, index: int, kiosks: int, rate: float, per_kiosk: int, t0: float
) -> list[Scan]:
    """One door: scans at its share of the rate, never before its last answer came back."""
    scans = []
    for turn in range(per_kiosk):
        due = t0 + (turn * kiosks + index) / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        scan = Scan(index, turn, time.perf_counter())
        answer = await kiosk.scan(member_code(FIRST_THROUGHPUT_MEMBER + index))
        done = await asyncio.wait_for(answer, CONNECT_TIMEOUT)
        scan.answered, scan.screen = time.perf_counter(), done.get("screen")
        scans.append(scan)
    return scans


def committed_order(app: BenchApp, kiosks: int, since: datetime) -> dict[tuple[int, int], int]:
    """(kiosk, turn) -> rank among the step's check-ins (or check-outs), from the database."""
    codes = {member_code(FIRST_THROUGHPUT_MEMBER + k): k for k in range(kiosks)}
    engine = build_engine(app.database_url, pooled=False)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(Member.member_code, Visit.id, Visit.checked_out_at)
                .join(Member, Member.id == Visit.member_id)
                .where(Member.member_code.in_(codes), Visit.checked_in_at >= since)
                .order_by(Visit.id)
            ).all()
    finally:
        engine.dispose()
    turns: dict[int, int] = {}
    arrivals, departures = [], []
    for code, visit_id, out in rows:
        kiosk = codes[code]
        turn = turns.get(kiosk, 0)
        turns[kiosk] = turn + 2
        arrivals.append((visit_id, (kiosk, turn)))
        if out is not None:
            departures.append((out, visit_id, (kiosk, turn + 1)))
    ranks = {key: rank for rank, (_, key) in enumerate(sorted(arrivals), 1)}
    ranks |= {key: rank for rank, (_, _, key) in enumerate(sorted(departures), 1)}
    return ranks


async def throughput_step(
    app: BenchApp,
    kiosks: list[Kiosk],
    timelines: list[Timeline],
    rate: float,
    per_kiosk: int | None = None,
) -> dict[str, Any]:
    """Scans at `rate` a second (math.inf: each door as fast as its answers come back)."""
    if per_kiosk is None:
        per_kiosk = max(2, round(rate * STEP_SECONDS / len(kiosks) / 2) * 2)  # even: all leave
    await asyncio.sleep(0.5)  # the previous step's last frames are in
    base = (timelines[0].checkins, timelines[0].inside)
    marks = [len(t.frames) for t in timelines]
    since = datetime.now(UTC)
    t0 = time.perf_counter() + 0.05
    done = await asyncio.gather(
        *(kiosk_loop(k, i, len(kiosks), rate, per_kiosk, t0) for i, k in enumerate(kiosks))
    )
    scans = [scan for kiosk_scans in done for scan in kiosk_scans]
    await asyncio.sleep(1.0)  # every dashboard has had time to catch up
    ranks = await asyncio.to_thread(committed_order, app, len(kiosks), since)
    latencies, unshown = [], 0
    for scan in scans:
        rank = ranks.get((scan.kiosk, scan.turn))
        if rank is None:
            unshown += len(timelines)
            continue
        for timeline, mark in zip(timelines, marks, strict=True):
            shown = timeline.first_showing(mark, base, rank, checkout=scan.turn % 2 == 1)
            if shown != shown:  # NaN: never shown
                unshown += 1
            else:
                latencies.append(shown - scan.sent)
    sent = sorted(scan.sent for scan in scans)
    achieved = (len(sent) - 1) / (sent[-1] - sent[0]) if len(sent) > 1 else 0.0
    truth = (base[0] + len(scans) // 2, base[1])
    return {
        "rate": rate if math.isfinite(rate) else None,
        "achieved_rate": round(achieved, 1),
        "scans": len(scans),
        "scan_to_dashboard": summary(latencies),
        "kiosk_answer": summary([s.answered - s.sent for s in scans]),
        "not_shown": unshown,
        "wrong_answers": sum(
            s.screen != ("welcome" if s.turn % 2 == 0 else "goodbye") for s in scans
        ),
        "dashboards_end_on_truth": sum((t.checkins, t.inside) == truth for t in timelines),
    }


async def throughput_on(
    app: BenchApp,
    rates: Sequence[float],
    *,
    dashboards: int = THROUGHPUT_DASHBOARDS,
    meter: Callable[[], dict[str, float]] | None = None,
) -> dict[str, Any]:
    """The steps at each rate, then flat out. With a `meter` (CPU seconds so far, by part
    of the setup) each step also gets the CPU milliseconds each part spent per scan."""

    async def step_at(rate: float, per_kiosk: int | None = None) -> dict[str, Any]:
        before = meter() if meter else {}
        step = await throughput_step(app, kiosks, timelines, rate, per_kiosk)
        if meter:
            after = meter()
            step["cpu_ms_per_scan"] = {
                part: round((after[part] - before[part]) * 1000 / max(step["scans"], 1), 2)
                for part in after
            }
        return step

    codes = await asyncio.gather(
        *(asyncio.to_thread(app.pairing_code) for _ in range(THROUGHPUT_KIOSKS))
    )
    timelines = [Timeline() for _ in range(dashboards)]
    steps: list[dict[str, Any]] = []
    flat_out: dict[str, Any] | None = None
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        kiosks = list(await asyncio.gather(*(Kiosk.paired(session, app.url, c) for c in codes)))
        tabs = await open_dashboards(
            session,
            app.url,
            dashboards,
            lambda i: timelines[i].on_frame,
            staff_token=app.staff_token,
        )
        try:
            for rate in rates:
                step = await step_at(rate)
                steps.append(step)
                print(
                    f"  {rate:>4} scans/s (achieved {step['achieved_rate']}, "
                    f"{step['scans']} scans): not shown {step['not_shown']}, wrong answers "
                    f"{step['wrong_answers']}, {step['dashboards_end_on_truth']}/"
                    f"{len(timelines)} dashboards end on the truth",
                    flush=True,
                )
                print(line("  scan->dashboard", step["scan_to_dashboard"]))
                print(line("  kiosk answer", step["kiosk_answer"]), flush=True)
                if not holds(step):
                    break
            flat_out = await step_at(math.inf, FLAT_OUT_PER_KIOSK)
            print(
                f"  as fast as the doors go: {flat_out['achieved_rate']} scans/s "
                f"({flat_out['scans']} scans), not shown {flat_out['not_shown']}",
                flush=True,
            )
            print(line("  scan->dashboard", flat_out["scan_to_dashboard"]))
            print(line("  kiosk answer", flat_out["kiosk_answer"]), flush=True)
        finally:
            await asyncio.gather(*(t.close() for t in [*tabs, *(k.tab for k in kiosks)]))
    passing = [s for s in steps if holds(s)]
    best = max(passing, key=lambda s: s["rate"]) if passing else None
    return {
        "steps": steps,
        "highest_rate_within_limit": best and best["rate"],
        "best": best,
        "as_fast_as_possible": flat_out,
    }


def holds(step: dict[str, Any]) -> bool:
    """p99 within the limit, the rate really sent, and every scan on every dashboard."""
    p99 = step["scan_to_dashboard"].get("p99_ms", float("inf"))
    return (
        p99 <= P99_LIMIT_MS
        and step["achieved_rate"] >= 0.95 * step["rate"]
        and step["not_shown"] == 0
    )


def throughput(rates: Sequence[float] = THROUGHPUT_RATES) -> dict[str, Any]:
    """Scenario 2: 10 dashboards; rising steady scan rates until p99 passes 100 ms."""
    print(
        f"throughput: {THROUGHPUT_DASHBOARDS} dashboards, {THROUGHPUT_KIOSKS} kiosks, "
        f"{STEP_SECONDS:.0f} s per rate, rates {list(rates)} scans/s"
    )
    with running_chain("throughput") as app:
        result = asyncio.run(throughput_on(app, rates))
    best = result["best"]
    if best:
        print(
            f"  highest steady rate with p99 <= {P99_LIMIT_MS:.0f} ms: {best['rate']} scans/s "
            f"(p99 {best['scan_to_dashboard']['p99_ms']} ms, kiosk answer p99 "
            f"{best['kiosk_answer']['p99_ms']} ms)"
        )
    print(f"  -> {write_result('throughput', result)}")
    return result


async def storm_on(app: BenchApp, count: int) -> dict[str, Any]:
    """`count` dashboards connect at once while a door keeps scanning; all must end on the truth."""
    code = await asyncio.to_thread(app.pairing_code)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        kiosk = await Kiosk.paired(session, app.url, code)
        timelines = [Timeline() for _ in range(count)]
        scanning = asyncio.Event()
        scanning.set()
        screens: list[str | None] = []

        async def keep_scanning() -> None:
            while scanning.is_set():
                answer = await kiosk.scan(member_code(FIRST_THROUGHPUT_MEMBER))
                screens.append((await asyncio.wait_for(answer, CONNECT_TIMEOUT)).get("screen"))
                await asyncio.sleep(STORM_SCAN_GAP)

        async def one(i: int) -> tuple[Tab, float]:
            tab = await open_dashboard(
                session, app.url, timelines[i].on_frame, staff_token=app.staff_token
            )
            return tab, time.perf_counter()

        door = asyncio.create_task(keep_scanning())
        began = time.perf_counter()
        opened = await asyncio.gather(*(one(i) for i in range(count)), return_exceptions=True)
        scanning.clear()
        await door
        await asyncio.sleep(1.0)  # the last scan's broadcast is in
        tabs = [o[0] for o in opened if isinstance(o, tuple)]
        joined = [o[1] - began for o in opened if isinstance(o, tuple)]
        inside_truth = inside_after(screens[-1] if screens else None)
        on_truth = sum(t.inside == inside_truth for t in timelines)
        await asyncio.gather(*(t.close() for t in [*tabs, kiosk.tab]))
    return {
        "dashboards": count,
        "joined": len(joined),
        "failed": count - len(joined),
        "time_to_view": summary(joined),
        "all_showing_s": round(max(joined), 2) if joined else None,
        "scans_during_storm": len(screens),
        "dashboards_on_truth_after": on_truth,
        "server_pss_mib": app.server_rss()["pss_total_mib"],
    }


async def storms_on(app: BenchApp, dashboards: Sequence[int]) -> list[dict[str, Any]]:
    """One storm per count, in turn, each after the last one's tabs have closed."""
    results = []
    for count in dashboards:
        result = await storm_on(app, count)
        results.append(result)
        print(line(f"{count} at once: time until each shows the live view", result["time_to_view"]))
        print(
            f"  all {result['joined']} showing after {result['all_showing_s']} s; failed "
            f"{result['failed']}; {result['scans_during_storm']} scans meanwhile; "
            f"{result['dashboards_on_truth_after']}/{count} on the truth after the last scan",
            flush=True,
        )
    return results


def storm(dashboards: Sequence[int] = STORM_DASHBOARDS) -> list[dict[str, Any]]:
    """Reconnect storm: that many dashboards at once (as after a deploy), a door scanning."""
    print(
        f"storm: {' then '.join(map(str, dashboards))} dashboards connecting at once, a kiosk "
        f"scanning every {STORM_SCAN_GAP}s"
    )
    with running_chain("storm") as app:
        results = asyncio.run(storms_on(app, dashboards))
    print(f"  -> {write_result('storm', {'results': results})}")
    return results
