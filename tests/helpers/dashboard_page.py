"""The staff dashboard in a real browser: open it, read its numbers, search, wait for toasts."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.helpers.app import STAFF_PASSWORD, STAFF_USER, AppServer

STATS = ("inside-now", "checkins-today", "avg-stay", "peak-today")
LIVE_TIMEOUT_MS = 5_000  # far below the 300 s reconcile interval


def open_dashboard(browser: Browser, app: AppServer, **context: object) -> Page:
    """A new browser context, signed in as the front desk, on the dashboard."""
    page = browser.new_context(**context).new_page()
    sign_in(page, app)
    return page


def sign_in(
    page: Page, app: AppServer, username: str = STAFF_USER, password: str = STAFF_PASSWORD
) -> None:
    """Through the sign-in page, as staff do; it goes on to the dashboard."""
    page.goto(app.url + "/login")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")
    page.wait_for_selector("#stat-inside-now", timeout=30_000)


def shown(page: Page) -> dict[str, str]:
    numbers = {name: page.inner_text(f"#stat-{name}") for name in STATS}
    numbers["capacity"] = page.inner_text("#stat-capacity")
    return numbers


def expected(stats: dict) -> dict[str, str]:
    avg = stats["avg_stay_minutes"]
    return {
        "inside-now": str(stats["inside_now"]),
        "checkins-today": str(stats["checkins_today"]),
        "avg-stay": f"{int(avg // 60)}:{int(avg % 60):02d}" if avg is not None else "\u2013",
        "peak-today": str(stats["peak_today"]),
        "capacity": f"{stats['capacity_used_pct']}% of {stats['capacity']}",
    }


def desk_search(desk: Page, text: str) -> None:
    desk.fill("#member-search", text)


def toast(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("[data-sonner-toast]").filter(has_text=text).first).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
