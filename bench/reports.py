"""Scenario `reports`: a year of a 5,000-member club (about 400,000 visits at one location,
arrivals weighted to the evening, stays of 30 to 120 minutes, every source, 5 % denied
attempts, some overrides), then the reports page's figures for that year: in-process,
`services.reports.report` for the year with no day kept yet (median of 3: it counts and
keeps every day), then for the year and for the last 30 days from the days kept (median
and max of 10 runs after one warm-up); SQLite, or with BENCH_POSTGRES=1 a throwaway
PostgreSQL; then,
through the real server, a signed-in chromium opening `/reports` for the year until its
figures show (median of 5 loads, each in a new context; timed from navigation and from
the page's request for the report), on that open page the year asked for again with
Apply, as the desk does, and the year's address opened again in that browser (its cache
holds the app's code, as a desk's browser that has been here does).
"""

from __future__ import annotations

import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import Page, sync_playwright

from bench.clients import signed_in
from bench.harness import (
    BENCH_SETTINGS,
    CHUNK,
    BenchApp,
    bench_database,
    migrate,
    seed_chain,
    staff_session,
    write_result,
)
from devtools.servers import CHROMIUM_ARGS
from gym_live.adapters.bus import MemoryBus
from gym_live.adapters.db import build_engine
from gym_live.domain.reports import ReportPeriod
from gym_live.models import DeniedAttempt, Staff, Visit
from gym_live.services import reports as service
from gym_live.services.deps import Deps
from gym_live.settings import Settings

MEMBERS = 5_000
DAYS = 365
VISITS_PER_DAY = 1_100  # about 400,000 a year
# The share of a day's arrivals in each hour (6:00 to 22:00): the morning and the evening.
ARRIVALS_BY_HOUR = {
    6: 5,
    7: 8,
    8: 6,
    9: 4,
    10: 3,
    11: 3,
    12: 5,
    13: 4,
    14: 3,
    15: 4,
    16: 7,
    17: 11,
    18: 12,
    19: 10,
    20: 7,
    21: 4,
}
SOURCES = ("kiosk",) * 8 + ("staff", "api")
RUNS = 10
COLD_RUNS = 3
LOADS = 5


def seed_year(database_url: str, *, today: date) -> int:
    """The chain (3 locations, MEMBERS members), and a year of visits at the first location."""
    migrate(database_url)
    seed_chain(database_url, members=MEMBERS)
    engine = build_engine(database_url, pooled=False)
    rng = random.Random(13)
    hours, weights = zip(*ARRIVALS_BY_HOUR.items(), strict=True)
    visits = 0
    try:
        with engine.begin() as conn:
            desk = conn.execute(
                sa.insert(Staff.__table__).returning(Staff.__table__.c.id),
                [
                    {
                        "username": "bench-desk",
                        "display_name": "Bench Desk",
                        "role": "front_desk",
                        "password_hash": "-",
                        "created_at": datetime.now(UTC),
                    }
                ],
            ).scalar_one()
            rows: list[dict[str, Any]] = []
            denied: list[dict[str, Any]] = []
            for back in range(DAYS, 0, -1):
                day = datetime.combine(today - timedelta(days=back), datetime.min.time(), UTC)
                for hour in rng.choices(hours, weights, k=VISITS_PER_DAY):
                    began = day + timedelta(hours=hour, seconds=rng.randrange(3600))
                    override = rng.random() < 0.002
                    rows.append(
                        {
                            "member_id": uuid.UUID(int=rng.randrange(MEMBERS) + 1),
                            "location_id": 1,
                            "checked_in_at": began,
                            "checked_out_at": began + timedelta(minutes=rng.randrange(30, 121)),
                            "checkout_reason": "member",
                            "source": "staff" if override else rng.choice(SOURCES),
                            "checked_in_by": desk if override else None,
                            "override_reason": "Card at home" if override else None,
                        }
                    )
                    if rng.random() < 0.05:
                        denied.append(
                            {
                                "code_tried": "20000001",
                                "location_id": 1,
                                "reason": rng.choice(("expired", "unknown_code", "full")),
                                "at": began,
                            }
                        )
                if len(rows) >= CHUNK:
                    conn.execute(sa.insert(Visit.__table__), rows)
                    visits += len(rows)
                    rows = []
            conn.execute(sa.insert(Visit.__table__), rows)
            conn.execute(sa.insert(DeniedAttempt.__table__), denied)
            visits += len(rows)
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")  # the statistics a live database keeps
    finally:
        engine.dispose()
    return visits


def reports() -> dict[str, Any]:
    today = datetime.now(UTC).date()
    with (
        tempfile.TemporaryDirectory(prefix="gym_bench_reports_") as tmp,
        bench_database(Path(tmp)) as (url, settings),
    ):
        started = time.perf_counter()
        visits = seed_year(url, today=today)
        print(
            f"reports: {visits:,} visits over {DAYS} days, seeded in "
            f"{time.perf_counter() - started:.0f} s"
        )
        deps = Deps(build_engine(url), MemoryBus(), Settings(database_url=url))
        year = ReportPeriod(today - timedelta(days=DAYS), today)
        rows = [_timed(deps, "year, no day kept yet", year, COLD_RUNS, forget=True)]
        rows.append(_timed(deps, "year", year, RUNS))
        rows.append(_timed(deps, "30 days", ReportPeriod(today - timedelta(days=29), today), RUNS))
        month = ReportPeriod(today - timedelta(days=29), today)
        page = _page_loads(url, settings, year, month, (rows[1]["visits"], rows[2]["visits"]))
    result = {"visits": visits, "service": rows, "page": page}
    print(f"  -> {write_result('reports', result)}")
    return result


def _timed(
    deps: Deps, label: str, period: ReportPeriod, runs: int, *, forget: bool = False
) -> dict:
    """The report's time in-process: after a warm-up, `runs` times (`forget`: each with no
    day kept, as the first report after an upgrade counts and keeps them all)."""
    service.report(period, 1, deps=deps)
    times = []
    for _ in range(runs):
        if forget:
            service.forget_kept_days(deps=deps)
        began = time.perf_counter()
        figures = service.report(period, 1, deps=deps)
        times.append((time.perf_counter() - began) * 1000)
    row = {
        "period": label,
        "visits": figures.visits,
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }
    print(
        f"  {label}: {figures.visits:,} visits counted, report in "
        f"{row['median_ms']} ms median, {row['max_ms']} ms max ({runs} runs)",
        flush=True,
    )
    return row


def _page_loads(
    database_url: str,
    settings: dict[str, str],
    year: ReportPeriod,
    month: ReportPeriod,
    visits: tuple[int, int],
) -> dict[str, Any]:
    """A signed-in chromium opens the year's report in a new context (an empty cache, as a
    new visitor), until the figures and the heatmap show: from navigation start, and from
    the moment the page asks for the report (the socket's first event: before it, the page
    loads as any page does). Then, on that open page, as the desk asks for a period: the
    last 30 days applied, then the year again, from the click on Apply until its figures
    show. Last, the year's address opened in a new tab (the app's code cached)."""
    token = staff_session(database_url)
    address = f"/reports?from={year.first.isoformat()}&to={year.last.isoformat()}"
    with tempfile.TemporaryDirectory() as tmp:
        env = BENCH_SETTINGS | settings
        app = BenchApp(database_url, env, Path(tmp) / "server.log", token)
        app.start()
        try:
            loads = _timed_loads(app.url + address, token, year, month, visits)[1:]
        finally:
            app.stop()  # (the first load warms the server)
    figures = {}
    for name, index in (("navigation", 0), ("asked", 1), ("applied", 2), ("cached", 3)):
        times = [load[index] for load in loads]
        figures[name] = {"median_ms": round(statistics.median(times)), "max_ms": round(max(times))}
    print(
        f"  the page, a year, {len(loads)} loads: figures shown "
        f"{figures['navigation']['median_ms']} ms after navigation (max "
        f"{figures['navigation']['max_ms']}), {figures['asked']['median_ms']} ms after the "
        f"page asked for them (max {figures['asked']['max_ms']}); on the open page, "
        f"{figures['applied']['median_ms']} ms after Apply (max {figures['applied']['max_ms']}); "
        f"opened again with the app's code cached, {figures['cached']['median_ms']} ms after "
        f"navigation (max {figures['cached']['max_ms']})"
    )
    return figures


def _timed_loads(
    address: str, token: str, year: ReportPeriod, month: ReportPeriod, visits: tuple[int, int]
) -> list[tuple[float, float, float, float]]:
    """Per load: ms from navigation and from the page's first socket event until shown,
    ms from Apply until the year is shown again on the open page, and ms from navigation
    until shown when the address is opened in a new tab (the cache warm)."""
    loads = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(LOADS + 1):
            context = browser.new_context()
            context.add_init_script(signed_in(token))
            page = context.new_page()
            asked: list[float] = []
            page.on(
                "websocket",
                lambda socket, asked=asked: socket.on(
                    "framesent", lambda _: asked.append(time.perf_counter())
                ),
            )
            began = time.perf_counter()
            page.goto(address)
            page.locator("#busiest-hours td[data-people]").first.wait_for(timeout=30_000)
            _shown(page, visits[0])
            shown = time.perf_counter()
            _apply(page, month.first)
            _shown(page, visits[1])
            clicked = _apply(page, year.first)
            _shown(page, visits[0])
            applied = time.perf_counter()
            tab = context.new_page()  # a new tab: its own state, the browser's cache
            again = time.perf_counter()
            tab.goto(address)
            _shown(tab, visits[0])
            cached = time.perf_counter()
            loads.append(
                (
                    (shown - began) * 1000,
                    (shown - asked[0]) * 1000,
                    (applied - clicked) * 1000,
                    (cached - again) * 1000,
                )
            )
            context.close()
        browser.close()
    return loads


def _apply(page: Page, first: date) -> float:
    """Asks for the period from `first`, as the desk does; when Apply was clicked."""
    page.fill("#field-from", first.isoformat())
    clicked = time.perf_counter()
    page.click("#report-apply")
    return clicked


def _shown(page: Page, visits: int) -> None:
    page.locator("#report-visits").filter(has_text=re.compile(f"^{visits:,}$")).wait_for()
