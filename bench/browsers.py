"""Cross-check: do real chromium dashboards see a scan when the simulated ones do?

A few chromium pages and BROWSER_WITH simulated dashboards watch the same location while one
kiosk toggles a card. Each page records, in the page, the wall-clock time at which the
"in the gym now" number changes on screen (a MutationObserver, so after React has
rendered it); the simulated tabs record when their frame arrives. Both are compared with
the same scan's send time (all clocks are this machine's wall clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import aiohttp

from bench.clients import Kiosk, frame_number, open_dashboards, signed_in
from bench.figures import line, summary
from bench.harness import KIOSK_CARD, BenchApp, inside_after, running_chain, write_result
from devtools.servers import CHROMIUM_ARGS

BROWSER_PAGES = 3
BROWSER_WITH = 100
BROWSER_SCANS = 60
BROWSER_GAP = 0.25
# A row's time is the server's clock at the check-in, a hair after the scan was sent; rows
# carry whole milliseconds.
CLOCK_SLACK_MS = 1.0

# When the dashboard first shows a number (performance.now() in the page), else null.
WAIT_FOR_NUMBER = """() => {
  const el = document.querySelector('#stat-inside-now');
  return el && /\\d/.test(el.textContent) ? performance.now() : null;
}"""
WATCH_NUMBER = """() => {
  const el = document.querySelector('#stat-inside-now');
  window.__shown = [];
  new MutationObserver(() => window.__shown.push(
    [performance.timeOrigin + performance.now(), el.textContent])
  ).observe(el, {childList: true, characterData: true, subtree: true});
}"""
# Each time the feed's top row changes: [when, that row's time (ms since the epoch)].
WATCH_FEED = """() => {
  const feed = document.querySelector('#activity-feed');
  window.__rows = [];
  new MutationObserver(() => {
    const top = feed.firstElementChild;
    if (top) window.__rows.push(
      [performance.timeOrigin + performance.now(), Date.parse(top.dataset.at)]);
  }).observe(feed, {childList: true});
}"""


def first_after(changes: list[tuple[float, str]], sent_ms: float, value: int) -> float | None:
    """Seconds from the scan to the first time the page showed `value` after it."""
    for at_ms, text in changes:
        if at_ms >= sent_ms and text.strip() == str(value):
            return (at_ms - sent_ms) / 1000
    return None


def row_after(rows: list[tuple[float, float]], sent_ms: float) -> float | None:
    """Seconds from the scan to the first time a row of it (or later) topped the feed."""
    for at_ms, row_ms in rows:
        if at_ms >= sent_ms and row_ms >= sent_ms - CLOCK_SLACK_MS:
            return (at_ms - sent_ms) / 1000
    return None


async def browsers_on(app: BenchApp) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    sim_changes: list[list[tuple[float, str]]] = [[] for _ in range(BROWSER_WITH)]

    def recorder(i: int):
        def on_frame(_: float, frame: str) -> None:
            inside = frame_number(frame, "inside_now")
            if inside is not None:
                sim_changes[i].append((time.time() * 1000, str(inside)))

        return on_frame

    sends: list[tuple[float, int]] = []
    async with (
        aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session,
        async_playwright() as playwright,
    ):
        browser = await playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        tabs = await open_dashboards(
            session, app.url, BROWSER_WITH, recorder, staff_token=app.staff_token
        )
        kiosk = await Kiosk.paired(session, app.url, await asyncio.to_thread(app.pairing_code))
        pages = []
        try:
            for _ in range(BROWSER_PAGES):
                context = await browser.new_context()
                await context.add_init_script(signed_in(app.staff_token))
                page = await context.new_page()
                await page.goto(app.url + "/")
                await page.wait_for_function(WAIT_FOR_NUMBER)
                await page.evaluate(WATCH_NUMBER)
                await page.evaluate(WATCH_FEED)
                pages.append(page)
            for _ in range(BROWSER_SCANS):
                sent_ms = time.time() * 1000
                answer = await asyncio.wait_for(await kiosk.scan(KIOSK_CARD), 10)
                sends.append((sent_ms, inside_after(answer.get("screen"))))
                await asyncio.sleep(BROWSER_GAP)
            await asyncio.sleep(1.0)  # the last scan's row is in
            page_changes = [await page.evaluate("() => window.__shown") for page in pages]
            page_rows = [await page.evaluate("() => window.__rows") for page in pages]
        finally:
            with contextlib.suppress(Exception):
                await browser.close()
            await asyncio.gather(*(t.close() for t in [*tabs, kiosk.tab]))
    in_browser = [first_after(changes, s, v) for changes in page_changes for s, v in sends]
    simulated = [first_after(changes, s, v) for changes in sim_changes for s, v in sends]
    rows = [row_after(changes, s) for changes in page_rows for s, _ in sends]
    return {
        "pages": BROWSER_PAGES,
        "simulated": BROWSER_WITH,
        "scans": len(sends),
        "chromium_scan_to_screen": summary([x for x in in_browser if x is not None]),
        "chromium_missed": sum(x is None for x in in_browser),
        "chromium_scan_to_row": summary([x for x in rows if x is not None]),
        "chromium_rows_missed": sum(x is None for x in rows),
        "simulated_scan_to_frame": summary([x for x in simulated if x is not None]),
        "simulated_missed": sum(x is None for x in simulated),
    }


def browsers() -> dict[str, Any]:
    """Real chromium dashboards beside simulated ones, timed on the same scans."""
    print(
        f"browsers: {BROWSER_PAGES} chromium dashboards + {BROWSER_WITH} simulated, "
        f"{BROWSER_SCANS} scans"
    )
    with running_chain("browsers") as app:
        result = asyncio.run(browsers_on(app))
    print(line("chromium, scan -> number on screen", result["chromium_scan_to_screen"]))
    print(line("chromium, scan -> its feed row on screen", result["chromium_scan_to_row"]))
    print(line("simulated, scan -> delta frame", result["simulated_scan_to_frame"]))
    print(
        f"  missed: chromium {result['chromium_missed']} numbers, "
        f"{result['chromium_rows_missed']} rows; simulated {result['simulated_missed']}"
    )
    print(f"  -> {write_result('browsers', result)}")
    return result
