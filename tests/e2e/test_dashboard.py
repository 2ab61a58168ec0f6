"""A real chromium on the real app: the numbers are the database's, and they stay live."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.helpers.app import ARTIFACTS, AppServer, running_app
from tests.helpers.dashboard_page import expected, open_dashboard, shown

pytestmark = pytest.mark.e2e
RECONCILE_SECONDS = 5.0


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The app as `make run` configures it: the default reconcile interval."""
    with running_app(tmp_path_factory.mktemp("app")) as server:
        yield server


def test_dashboard_shows_the_same_numbers_as_the_cli(browser: Browser, app: AppServer) -> None:
    page = open_dashboard(browser, app, viewport={"width": 1440, "height": 900})
    assert page.inner_text("#location-name") == "Downtown"
    assert shown(page) == expected(app.cli.json("stats"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "dashboard-1440x900.png", full_page=True)


def test_a_cli_check_in_appears_without_reload(browser: Browser, app: AppServer) -> None:
    page = open_dashboard(browser, app)
    page.evaluate("window.__same_page = true")
    before = shown(page)
    entered = app.cli.json("checkin", "10000029")  # active demo member, not inside
    assert entered["action"] == "check_in"
    done = time.monotonic()
    page.wait_for_function(
        "before => document.querySelector('#stat-checkins-today').innerText !== before",
        arg=before["checkins-today"],
        timeout=(RECONCILE_SECONDS + 3) * 1000,
    )
    seen_after = time.monotonic() - done
    assert page.evaluate("window.__same_page === true")  # no reload happened
    page.wait_for_timeout(300)
    now = shown(page)
    assert int(now["checkins-today"]) == int(before["checkins-today"]) + 1
    assert int(now["inside-now"]) == int(before["inside-now"]) + 1
    assert now == expected(app.cli.json("stats"))
    print(f"CLI check-in shown on the dashboard {seen_after:.2f} s after the CLI returned")


def test_each_location_has_its_own_live_dashboard(browser: Browser, app: AppServer) -> None:
    app.cli("location", "add", "Harbour", "--capacity", "2", "--timezone", "Europe/Berlin")
    app.cli("checkin", "10000030", "--location", "Harbour")
    page = open_dashboard(browser, app)  # Downtown, the first location
    picker = page.locator("#location-picker")
    expect(picker).to_be_visible(timeout=(RECONCILE_SECONDS + 3) * 1000)  # Harbour found
    page.goto(app.url + "/?location=Harbour")
    expect(page.locator("#location-name")).to_have_text("Harbour")
    expect(page.locator("#stat-capacity")).to_have_text("50% of 2")
    assert shown(page) == expected(app.cli.json("stats", "--location", "Harbour"))

    page.locator("#location-picker").click()
    page.get_by_role("option", name="Downtown").click()
    expect(page.locator("#location-name")).to_have_text("Downtown")
    expect(page).to_have_url(re.compile(r"/\?location=Downtown$"))
    downtown = shown(page)
    app.cli("checkin", "10000028", "--location", "Harbour")  # Harbour is now full
    page.wait_for_timeout((RECONCILE_SECONDS + 1) * 1000)  # a reconcile round has broadcast it
    assert shown(page) == downtown == expected(app.cli.json("stats", "--location", "Downtown"))
    page.screenshot(path=ARTIFACTS / "dashboard-two-locations.png")
