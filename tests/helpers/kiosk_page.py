"""The door kiosk in a real browser: pair a tablet, scan by wedge or keypad, read the answer."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.helpers.app import AppServer

LANDSCAPE, PORTRAIT = {"width": 1280, "height": 800}, {"width": 800, "height": 1280}
# Enter-to-answer times of every answer waited for, in seconds (written out by test_kiosk).
answer_times: list[float] = []


def new_kiosk(
    browser: Browser, app: AppServer, location: str = "Downtown", viewport=LANDSCAPE
) -> Page:
    code = app.cli.json("kiosk", "add", "--location", location)["pairing_code"]
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(app.url + "/kiosk")
    expect(page.get_by_text("This kiosk is not set up")).to_be_visible(timeout=30_000)
    page.fill("#kiosk-pairing-code", code.lower().replace("-", " "))  # as staff might type it
    page.keyboard.press("Enter")
    expect(page.locator("#kiosk-code")).to_be_focused(timeout=10_000)
    page.evaluate(STOPWATCH)
    return page


def wedge(page: Page, code: str) -> None:
    """A keyboard-wedge scanner: fast keystrokes into whatever has focus, then Enter."""
    page.keyboard.type(code, delay=3)
    page.keyboard.press("Enter")


def keypad(page: Page, code: str, *, enter: bool = True) -> None:
    overlay = page.locator("#kiosk-answer")
    if overlay.count():  # a tap clears the last answer, if it has not gone by itself
        with contextlib.suppress(PlaywrightTimeoutError):
            overlay.click(timeout=1_000)
    for digit in code:
        page.click(f"[data-key='{digit}']")
    if enter:
        page.click("#kiosk-enter")


# In the kiosk page: when Enter (key or button) was pressed, and when a new answer appeared.
STOPWATCH = """() => {
  const enter = () => { window.enterAt = performance.now(); };
  document.addEventListener('keydown', (e) => { if (e.key === 'Enter') enter(); }, true);
  document.addEventListener('click', (e) => {
    if (e.target.closest('#kiosk-enter')) enter();
  }, true);
  new MutationObserver(() => {
    const shown = document.querySelector('#kiosk-answer')?.dataset.shown;
    if (shown && shown !== window.lastShown) {
      window.lastShown = shown;
      window.answeredAt = performance.now();
    }
  }).observe(document.body, {subtree: true, childList: true, attributes: true});
}"""


def answer(
    page: Page, screen: str, title: str | re.Pattern[str], detail: str | re.Pattern[str] = ""
) -> None:
    """Wait for the answer to the last Enter (not an earlier one still on screen)."""
    page.wait_for_function("() => window.answeredAt > window.enterAt", timeout=5_000)
    answer_times.append(page.evaluate("() => (window.answeredAt - window.enterAt) / 1000"))
    expect(page.locator(f"#kiosk-answer[data-screen={screen}]")).to_be_visible()
    expect(page.locator("#kiosk-title")).to_have_text(title)
    if detail:
        expect(page.locator("#kiosk-detail")).to_have_text(detail)
