"""Two dashboards and a front desk in three browser contexts: every change reaches both, live.

The app runs with a 300 s reconcile interval, so whatever shows up here within seconds came
through the event bus and the room broadcast, not from re-reading the database.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from gym_live.adapters.db import build_engine
from gym_live.models import Member, Visit
from tests.helpers.app import ARTIFACTS, STAFF_NAME, AppServer, Through, running_app
from tests.helpers.dashboard_page import (
    LIVE_TIMEOUT_MS,
    desk_search,
    expected,
    open_dashboard,
    shown,
    sign_in,
    toast,
)
from tests.helpers.kiosk_page import new_kiosk, wedge
from tests.helpers.tcp_relay import tcp_relay

pytestmark = pytest.mark.e2e
latencies: dict[str, list[float]] = {}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(
        tmp_path_factory.mktemp("live"), GYM_RECONCILE_INTERVAL="300", GYM_SWEEP_INTERVAL="1"
    ) as server:
        yield server


@pytest.fixture(scope="module")
def names(app: AppServer) -> dict[str, str]:
    return {m["code"]: m["name"] for m in app.cli.json("member", "list")["members"]}


@pytest.fixture(scope="module")
def screens(browser: Browser, app: AppServer) -> Iterator[tuple[Page, Page, Page]]:
    """Dashboards A and B, and the front desk C, each in its own browser context."""
    pages = tuple(
        open_dashboard(browser, app, viewport={"width": 1440, "height": 900}) for _ in range(3)
    )
    yield pages
    for page in pages:
        page.context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    report = {action: [round(s * 1000) for s in times] for action, times in latencies.items()}
    (ARTIFACTS / "live-latency-ms.json").write_text(json.dumps(report, indent=2))


def top_row(page: Page) -> str:
    return page.locator("#activity-feed .gl-feed-row").first.inner_text()


# Notes, in the page, the moment a row is added to the feed (relative times ticking inside
# rows are not child-list changes of the feed itself, so they do not count).
ARM_FEED_CLOCK = """() => {
  window.rowAddedAt = null;
  new MutationObserver((_, observer) => { window.rowAddedAt = Date.now(); observer.disconnect(); })
    .observe(document.querySelector('#activity-feed'), {childList: true});
}"""


ARM_PRESS_CLOCK = """() => {
  window.pressedAt = null;
  document.addEventListener('pointerdown', () => { window.pressedAt = Date.now(); },
                            {capture: true, once: true});
}"""


def arm(*dashboards: Page, desk: Page | None = None) -> Callable[[], float]:
    """Start watching the feeds (and the desk's next press); returns when the action began.

    Times are ms since the epoch: the pages' clock and this process's are the machine's.
    """
    for page in dashboards:
        page.evaluate(ARM_FEED_CLOCK)
    now = time.time() * 1000
    if desk is None:
        return lambda: now
    desk.evaluate(ARM_PRESS_CLOCK)
    return lambda: desk.evaluate("window.pressedAt")


def wait_on_both(
    action: str,
    dashboards: tuple[Page, Page],
    selector: str,
    text: str,
    began: Callable[[], float],
) -> None:
    """Wait until both dashboards show `text`; record action -> row on the later one."""
    for page in dashboards:
        expect(page.locator(selector).filter(has_text=text).first).to_be_visible(
            timeout=LIVE_TIMEOUT_MS
        )
    arrived = max(page.evaluate("window.rowAddedAt") for page in dashboards)
    latencies.setdefault(action, []).append((arrived - began()) / 1000)


def numbers_match_the_database(app: AppServer, *pages: Page) -> None:
    truth = expected(app.cli.json("stats"))
    for page in pages:
        expect(page.locator("#stat-checkins-today")).to_have_text(truth["checkins-today"])
        assert shown(page) == truth


def test_staff_check_in_reaches_both_dashboards(app, names, screens) -> None:
    a, b, desk = screens
    desk_search(desk, "10000024")
    expect(desk.locator("#member-matches .gl-match")).to_have_count(1)
    since = arm(a, b, desk=desk)
    desk.locator("#member-matches .gl-match").filter(has_text="10000024").get_by_role(
        "button", name="Check in"
    ).click()
    wait_on_both("check-in", (a, b), ".gl-feed-row[data-kind=check_in]", names["10000024"], since)
    toast(desk, f"{names['10000024']} checked in.")
    assert names["10000024"] in top_row(a) and "Checked in" in top_row(b)
    assert f"Checked in · by {STAFF_NAME} · Downtown" in top_row(b)  # who, at the desk
    expect(a.locator(".gl-feed-row.gl-new").first).to_contain_text(names["10000024"])
    expect(a.locator(".gl-feed-row").last).not_to_have_class(re.compile("gl-new"))
    expect(b.locator("#updated-ago")).to_have_text(re.compile(r"^updated [0-9] s ago$"))
    numbers_match_the_database(app, a, b)


def test_staff_check_out_shows_the_stay_on_both(app, names, screens) -> None:
    a, b, desk = screens
    who = names["10000015"]  # inside since the demo was loaded
    since = arm(a, b, desk=desk)
    desk.locator(".gl-inside-row").filter(has_text="10000015").get_by_role(
        "button", name="Check out"
    ).click()
    wait_on_both("check-out", (a, b), ".gl-feed-row[data-kind=check_out]", who, since)
    assert re.search(r"Checked out · (\d+ h )?\d+ min", top_row(a)), top_row(a)
    assert f"min · by {STAFF_NAME} · Downtown" in top_row(b), top_row(b)
    toast(desk, re.compile(rf"{who} checked out after (\d+ h )?\d+ min"))
    expect(a.locator(".gl-inside-row").filter(has_text="10000015")).to_have_count(0)
    numbers_match_the_database(app, a, b)


def test_a_refused_check_in_is_shown_as_denied(app, names, screens) -> None:
    a, b, desk = screens
    desk_search(desk, "10000001")  # a frozen demo member
    expect(desk.locator("#member-matches .gl-match")).to_have_count(1)
    since = arm(a, b, desk=desk)
    desk.locator("#member-matches .gl-match").filter(has_text="10000001").get_by_role(
        "button", name="Check in"
    ).click()
    toast(desk, f"{names['10000001']}: This membership is frozen.")
    wait_on_both("denied", (a, b), ".gl-feed-row[data-kind=denied]", "membership frozen", since)
    numbers_match_the_database(app, a, b)


def test_a_scan_through_the_api_reaches_both_dashboards(app, names, screens) -> None:
    a, b, _ = screens
    secret = app.cli.json("apikey", "add", "Front turnstile", "--scope", "scan")["key"]
    since = arm(a, b)
    answer = httpx.post(
        f"{app.url}/api/v1/scans",
        json={"member_code": "10000036", "location": "Downtown"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["action"] == "check_in"
    wait_on_both("api", (a, b), ".gl-feed-row[data-kind=check_in]", names["10000036"], since)
    numbers_match_the_database(app, a, b)
    refused = httpx.post(f"{app.url}/api/v1/scans", json={"member_code": "10000036"})
    assert refused.status_code == 401  # no key: through the app's own routes too
    [downtown] = httpx.get(f"{app.url}/api/v1/locations").json()  # public, no key
    assert downtown["inside_now"] == app.cli.json("stats")["inside_now"]
    assert names["10000036"] not in httpx.get(f"{app.url}/api/v1/locations").text


def test_the_sweep_inside_the_app_auto_checks_out(app, names, screens) -> None:
    a, b, _ = screens
    engine = build_engine(app.cli.env["DATABASE_URL"], pooled=False)
    since = arm(a, b)
    # A visit someone forgot to end, just over the 4 h limit: the sweep ends it at 4 h, a
    # moment ago, so its row is the newest in the feed at any time of day.
    with engine.begin() as conn:
        member_id = conn.execute(
            sa.select(Member.id).where(Member.member_code == "10000025")
        ).scalar_one()
        conn.execute(
            sa.insert(Visit).values(
                member_id=member_id,
                location_id=1,
                source="kiosk",
                checked_in_at=datetime.now(UTC) - timedelta(hours=4, seconds=2),
            )
        )
    wait_on_both(
        "auto check-out", (a, b), ".gl-feed-row[data-kind=auto_out]", names["10000025"], since
    )
    assert (
        "Auto check-out · 4 h 0 min"
        in a.locator(".gl-feed-row[data-kind=auto_out]").first.inner_text()
    )
    numbers_match_the_database(app, a, b)


def test_the_feed_keeps_twenty_newest_first(screens) -> None:
    a, _, _ = screens
    rows = a.locator("#activity-feed .gl-feed-row")
    expect(rows).to_have_count(20)
    stamps = [
        datetime.fromisoformat(s) for s in rows.evaluate_all("rs => rs.map(r => r.dataset.at)")
    ]
    assert stamps == sorted(stamps, reverse=True)


def test_bad_input_gets_a_clear_answer_and_numbers_stay_right(app, names, screens) -> None:
    a, b, desk = screens
    desk_search(desk, "x" * 70)
    toast(desk, "Search for at most 64 characters.")
    desk_search(desk, "zzzz-nobody")
    expect(desk.get_by_text("No member matches that.")).to_be_visible()

    button = desk.locator(".gl-inside-row").filter(has_text="10000016").get_by_role("button")
    button.dblclick()
    toast(desk, re.compile(rf"{names['10000016']} checked out after"))
    toast(desk, f"{names['10000016']}: {names['10000016']} is not checked in.")

    app.cli("checkout", "10000017")  # someone else, a moment ago, where this desk cannot see
    desk.locator(".gl-inside-row").filter(has_text="10000017").get_by_role("button").click()
    toast(desk, f"{names['10000017']} is not checked in.")
    numbers_match_the_database(app, a, b, desk)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1440, 900), (1024, 768)])
def test_screenshots(browser: Browser, app: AppServer, scheme: str, size: tuple[int, int]) -> None:
    page = open_dashboard(
        browser, app, viewport={"width": size[0], "height": size[1]}, color_scheme=scheme
    )
    expect(page.locator("#connection-status")).to_have_text("Connected")
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(
        path=ARTIFACTS / f"live-dashboard-{scheme}-{size[0]}x{size[1]}.png", full_page=True
    )
    page.context.close()


# Every text the element takes from now on, in order.
WATCH = """(element) => {
  window.textsShown = [];
  new MutationObserver(() => window.textsShown.push(element.textContent))
    .observe(element, {childList: true, characterData: true, subtree: true});
}"""


def test_a_dropped_socket_comes_back_to_the_numbers_of_now(
    browser: Browser, app: AppServer
) -> None:
    """Broadcasts pass by a tab's state as Reflex stores it, and Reflex sends that stored
    state to a tab that reconnects: the numbers of the moment the tab opened must not come
    back on the dashboard or the kiosk, not even for one frame."""
    with tcp_relay(app.port) as relay:
        through = Through(relay.url, app.cli)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        sign_in(page, through)
        kiosk = new_kiosk(browser, through)
        opened_with = int(page.inner_text("#stat-inside-now"))
        wedge(kiosk, "10000027")
        head_counts = {
            page: page.locator("#stat-inside-now"),
            kiosk: kiosk.locator("#kiosk-inside"),
        }
        for shown_on in head_counts.values():
            expect(shown_on).to_contain_text(str(opened_with + 1))
            shown_on.evaluate(WATCH)
        before = relay.connections
        relay.cut()  # as a proxy's restart does: both pages reconnect at once
        while relay.connections < before + 2:
            page.wait_for_timeout(50)
        wedge(kiosk, "10000028")
        for tab, shown_on in head_counts.items():
            expect(shown_on).to_contain_text(str(opened_with + 2))
            numbers = {
                int(re.findall(r"\d+", text)[0]) for text in tab.evaluate("window.textsShown")
            }
            assert numbers <= {opened_with + 1, opened_with + 2}, tab.url
        numbers_match_the_database(app, page)
        for tab in head_counts:
            tab.context.close()


def test_connection_indicator_follows_the_backend(app: AppServer, screens) -> None:
    a, _, _ = screens
    expect(a.locator("#connection-status")).to_have_text("Connected")
    app.stop()
    expect(a.locator("#connection-status")).to_have_text("Offline", timeout=30_000)
    expect(a.locator("#live-chip")).to_have_text("OFFLINE")
    app.cli("checkin", "10000026")  # happens while the dashboard is cut off
    app.start()
    expect(a.locator("#connection-status")).to_have_text("Connected", timeout=60_000)
    expect(a.locator("#live-chip")).to_have_text("LIVE")
    numbers_match_the_database(app, a)
