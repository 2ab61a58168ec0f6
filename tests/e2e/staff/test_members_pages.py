"""/members in a real browser, as the front desk uses it: search as you type, filters,
sorting, pages, and names that are long or look like HTML shown as typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from gym_live.services import members
from gym_live.services.deps import Deps
from tests.helpers.app import ARTIFACTS, AppServer
from tests.helpers.dashboard_page import sign_in

pytestmark = pytest.mark.e2e
LONG_NAME = "W" * 120
HTML_NAME = "<img src=x onerror=alert(1)> Hacker"


@pytest.fixture(scope="module")
def desk(browser: Browser, app: AppServer, app_deps: Deps) -> Page:
    for n, name in enumerate((LONG_NAME, HTML_NAME)):
        members.add_member(name, code=f"7700000{n}", email=f"odd{n}@example.com", deps=app_deps)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, app)  # the front desk account: members are its work
    page.click("#nav-members")
    expect(page).to_have_url(re.compile("/members$"))
    yield page
    page.context.close()


def rows(page: Page):
    return page.locator("#members-table tbody tr")


def test_the_front_desk_finds_a_member_as_it_types(desk: Page) -> None:
    expect(desk.locator("#members-count")).to_contain_text("42 members")  # the demo's 40 + 2
    desk.fill("#field-search", "anna sch")
    expect(rows(desk)).to_have_count(1)
    expect(rows(desk).first).to_contain_text("Anna Schmidt")
    desk.fill("#field-search", "odd1@example")
    expect(rows(desk)).to_have_count(1)
    # The HTML in a name is text: shown as typed, no image element made of it.
    expect(rows(desk).first).to_contain_text(HTML_NAME)
    expect(desk.locator("#members-table img")).to_have_count(0)
    desk.fill("#field-search", "zzzz nobody")
    expect(desk.locator("#members-none")).to_be_visible()
    desk.fill("#field-search", "x" * 100)
    expect(desk.locator("#members-error")).to_contain_text("at most 64")
    desk.fill("#field-search", "")
    expect(rows(desk)).to_have_count(25)


def test_filters_sorting_and_pages(desk: Page) -> None:
    desk.click("#field-validity")
    desk.get_by_role("option", name="Expiring within 14 days").click()
    expect(rows(desk)).to_have_count(4)  # demo members 6, 16, 26, 36
    expect(desk.locator("#members-table")).to_contain_text("Ends soon")
    desk.click("#field-validity")
    desk.get_by_role("option", name="Any end date").click()
    desk.click("#field-inside")
    expect(rows(desk)).to_have_count(6)  # the six training now
    expect(rows(desk).filter(has_text="Inside")).to_have_count(6)
    desk.click("#field-inside")
    desk.click("#sort-last_visit")
    header = desk.locator("th").filter(has=desk.locator("#sort-last_visit"))
    expect(header).to_have_attribute("aria-sort", "descending")
    # Latest first: the last of the six who came in is on top.
    expect(rows(desk).first).to_contain_text("Inside")
    desk.click("#sort-name")
    expect(desk.locator("#members-count")).to_contain_text("Page 1 of 2")
    desk.click("#members-next")
    expect(desk.locator("#members-count")).to_contain_text("Page 2 of 2")
    expect(rows(desk)).to_have_count(17)
    expect(desk.locator("#members-next")).to_be_disabled()


def test_a_long_name_wraps_and_the_table_keeps_its_width(desk: Page) -> None:
    desk.fill("#field-search", "77000000")
    expect(rows(desk)).to_have_count(1)
    name = rows(desk).first.get_by_text(LONG_NAME)
    expect(name).to_have_attribute("title", LONG_NAME)
    table = desk.locator("#members-table").bounding_box()
    assert table is not None and table["width"] <= 1280
    status = rows(desk).first.locator("td").nth(3).bounding_box()
    assert status is not None and status["x"] + status["width"] <= 1280  # on screen
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=ARTIFACTS / "members-long-name.png")
    desk.fill("#field-search", "")
