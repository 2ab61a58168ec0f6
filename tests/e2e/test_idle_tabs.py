"""Tabs left open and idle keep working: Reflex's per-tab state is not forgotten under them.

Reflex forgets a tab's state an hour after the tab's last event (`redis_token_expiration`).
Here that is 3 s, and a front desk and a door kiosk sit idle for 10 s before they are used.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.helpers.app import AppServer, running_app
from tests.helpers.dashboard_page import desk_search, open_dashboard, toast
from tests.helpers.kiosk_page import answer, new_kiosk, wedge

pytestmark = pytest.mark.e2e
EXPIRY_SECONDS = 3
IDLE_SECONDS = 10


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(
        tmp_path_factory.mktemp("idle"), REFLEX_REDIS_TOKEN_EXPIRATION=str(EXPIRY_SECONDS)
    ) as server:
        yield server


def test_a_desk_and_a_kiosk_left_idle_past_the_expiry_still_check_members_in(
    browser: Browser, app: AppServer
) -> None:
    names = {m["code"]: m["name"] for m in app.cli.json("member", "list")["members"]}
    kiosk = new_kiosk(browser, app)
    desk = open_dashboard(browser, app)
    inside = int(desk.inner_text("#stat-inside-now"))
    time.sleep(IDLE_SECONDS)

    wedge(kiosk, "10000024")
    answer(kiosk, "welcome", f"Welcome, {names['10000024'].split()[0]}!")
    expect(kiosk.locator("#kiosk-code")).to_be_attached()  # still paired, not back to pairing

    desk_search(desk, "10000026")
    desk.locator("#member-matches .gl-match").filter(has_text="10000026").get_by_role(
        "button", name="Check in"
    ).click()
    toast(desk, f"{names['10000026']} checked in.")
    expect(desk.locator("#stat-inside-now")).to_have_text(str(inside + 2))
    for page in (kiosk, desk):
        page.context.close()
