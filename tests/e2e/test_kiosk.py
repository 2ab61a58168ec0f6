"""The door kiosk in a real browser: pairing, scans by wedge scanner and keypad, every answer."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from gym_live.models import AuditEvent, Member, Visit
from tests.helpers.app import ARTIFACTS, AppServer, running_app
from tests.helpers.cli import Cli
from tests.helpers.dashboard_page import open_dashboard, toast
from tests.helpers.kiosk_page import (
    LANDSCAPE,
    PORTRAIT,
    answer,
    answer_times,
    keypad,
    new_kiosk,
    wedge,
)

pytestmark = pytest.mark.e2e


def prepare(cli: Cli) -> None:
    cli("location", "add", "Tiny", "--capacity", "1", "--timezone", "Europe/Berlin")
    cli("checkin", "10000034", "--location", "Tiny")  # Tiny is now full
    for code in ("10000038", "10000039", "10000040"):
        cli.pin(code, "2468")
    cli("checkout", "10000018", "--location", "Downtown")  # on a pass, with one visit left
    engine = sa.create_engine(cli.env["DATABASE_URL"], poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.execute(
            sa.update(Member).where(Member.member_code == "10000018").values(visits_left=1)
        )


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with running_app(
        tmp_path_factory.mktemp("kiosk"),
        prepare,
        GYM_RESCAN_WINDOW="2",
        GYM_RECONCILE_INTERVAL="2",
    ) as server:
        yield server
    ARTIFACTS.mkdir(exist_ok=True)
    times = sorted(round(t * 1000) for t in answer_times)
    (ARTIFACTS / "kiosk-answer-ms.json").write_text(json.dumps({"enter_to_answer_ms": times}))


@pytest.fixture(scope="module")
def names(app: AppServer) -> dict[str, str]:
    return {m["code"]: m["name"].split()[0] for m in app.cli.json("member", "list")["members"]}


@pytest.fixture(scope="module")
def dashboard(browser: Browser, app: AppServer) -> Iterator[Page]:
    page = open_dashboard(browser, app)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def kiosk(browser: Browser, app: AppServer) -> Iterator[Page]:
    page = new_kiosk(browser, app)
    yield page
    page.context.close()


def on_dashboard(dashboard: Page, kind: str, text: str) -> None:
    row = dashboard.locator(f".gl-feed-row[data-kind={kind}]").filter(has_text=text).first
    expect(row).to_be_visible(timeout=5_000)


def test_welcome_by_wedge_then_goodbye_by_keypad(kiosk, dashboard, names) -> None:
    kiosk.evaluate("() => { window.glKioskSound = (kind) => (window.played ||= []).push(kind); }")
    before = int(kiosk.inner_text("#kiosk-inside").split()[0])
    kiosk.click("#kiosk-clock")  # a tap elsewhere: the scanner's input gets the focus back
    expect(kiosk.locator("#kiosk-code")).to_be_focused()
    wedge(kiosk, "10000027")
    answer(
        kiosk,
        "welcome",
        f"Welcome, {names['10000027']}!",
        re.compile(r"Membership valid until \d{1,2} \w{3} \d{4} · 1 visit this month"),
    )
    on_dashboard(dashboard, "check_in", names["10000027"])
    expect(kiosk.locator("#kiosk-code")).to_be_focused()
    expect(kiosk.locator("#kiosk-inside")).to_have_text(f"{before + 1} people training now")
    keypad(kiosk, "10000016")  # inside since the demo was loaded
    answer(kiosk, "goodbye", re.compile(rf"Goodbye, {names['10000016']} — \d+\smin\stoday"))
    on_dashboard(dashboard, "check_out", names["10000016"])
    assert kiosk.evaluate("window.played") == ["welcome", "goodbye"]
    expect(kiosk.locator("#kiosk-inside")).to_have_text(f"{before} people training now")


def test_a_member_on_a_visit_pass_is_told_the_visits_left(kiosk, names) -> None:
    wedge(kiosk, "10000008")  # the demo's 10th+7 members come on a pass with 7 visits left
    answer(
        kiosk, "welcome", f"Welcome, {names['10000008']}!", "6 visits left · 2 visits this month"
    )


def test_a_pass_is_used_down_to_zero_at_the_door(kiosk, dashboard, names) -> None:
    first = names["10000018"]
    wedge(kiosk, "10000018")
    answer(kiosk, "welcome", f"Welcome, {first}!", re.compile(r"^The last visit on your pass"))
    kiosk.wait_for_timeout(2_100)  # past the re-scan window (2 s here)
    wedge(kiosk, "10000018")
    answer(kiosk, "goodbye", re.compile(rf"Goodbye, {first}"))  # leaving takes no visit
    kiosk.wait_for_timeout(2_100)
    wedge(kiosk, "10000018")
    answer(kiosk, "denied", "Please see the front desk", "Your visit pass has no visits left.")
    on_dashboard(dashboard, "denied", "no visits left")


def test_the_desk_admits_anyway_whom_the_kiosk_refused_and_the_kiosk_lets_them_in(
    kiosk, dashboard, browser, app, names
) -> None:
    first = names["10000023"]  # expired three days ago
    dashboard.evaluate("() => { window.glDeskSound = (k) => (window.heard ||= []).push(k); }")
    second = open_dashboard(browser, app)  # another desk's dashboard
    wedge(kiosk, "10000023")
    answer(kiosk, "denied", "Please see the front desk", "Your membership has expired.")
    # The first dashboard sounds the refusal; the second admits anyway.
    dashboard.wait_for_function("() => (window.heard || []).length === 1")
    refusal = second.locator(".gl-feed-row[data-kind=denied]").filter(has_text=first).first
    refusal.get_by_role("button", name="Admit anyway").click()
    second.click("#confirm-admit")
    expect(second.locator("#error-override_reason")).to_have_text(
        "Say why the member is let in anyway."
    )
    second.fill("#field-override_reason", "Paid at the desk")
    second.click("#confirm-admit")
    toast(second, "admitted anyway: Paid at the desk.")
    # The kiosk that refused them shows them in, by itself, within a second or so.
    expect(kiosk.locator("#kiosk-answer[data-screen=welcome]")).to_be_visible(timeout=2_000)
    expect(kiosk.locator("#kiosk-title")).to_have_text(f"Welcome, {first}!")
    on_dashboard(dashboard, "check_in", "admitted by Front Desk · Paid at the desk")
    # The first dashboard's button is gone; exactly one visit, and the audit has it.
    stale = dashboard.locator(".gl-feed-row[data-kind=denied]").filter(has_text=first).first
    expect(stale.get_by_role("button", name="Admit anyway")).to_have_count(0)
    engine = sa.create_engine(app.cli.env["DATABASE_URL"], poolclass=sa.NullPool)
    with engine.connect() as conn:
        visits = conn.execute(
            sa.select(Visit.override_reason)
            .join(Member, Member.id == Visit.member_id)
            .where(Member.member_code == "10000023")
        ).scalars()
        assert list(visits) == ["Paid at the desk"]
        trail = conn.execute(sa.select(AuditEvent.kind).where(AuditEvent.subject.like(f"{first}%")))
        assert list(trail.scalars()) == ["admitted_anyway"]
    # Muted in this browser, the next refusal makes no sound here.
    dashboard.click("#refusal-sound")
    expect(dashboard.locator("#refusal-sound")).to_have_attribute("aria-checked", "false")
    wedge(kiosk, "10000033")
    answer(kiosk, "denied", "Please see the front desk")
    on_dashboard(dashboard, "denied", names["10000033"])
    assert dashboard.evaluate("() => window.heard") == ["refusal"]
    dashboard.click("#refusal-sound")  # on again, for the tests after this one
    second.context.close()


def test_double_scan_says_when(kiosk, names) -> None:
    wedge(kiosk, "10000028")
    answer(kiosk, "welcome", f"Welcome, {names['10000028']}!")
    wedge(kiosk, "10000028")
    answer(
        kiosk, "already", re.compile(r"Already checked in at \d\d:\d\d"), "No need to scan again."
    )


@pytest.mark.parametrize(
    ("code", "reason", "feed"),
    [
        ("10000003", "Your membership has expired.", "membership expired"),
        ("10000011", "Your membership is frozen.", "membership frozen"),
        ("99999999", "This card is not recognised.", "unknown card"),
    ],
)
def test_refusals_send_the_member_to_the_desk(kiosk, dashboard, code, reason, feed) -> None:
    wedge(kiosk, code)
    answer(kiosk, "denied", "Please see the front desk", reason)
    on_dashboard(dashboard, "denied", feed)


def test_a_full_gym(browser, app, names) -> None:
    tiny = new_kiosk(browser, app, "Tiny")
    expect(tiny.locator("#kiosk-location")).to_have_text("Tiny")
    expect(tiny.locator("#kiosk-inside")).to_have_text("1 person training now")
    wedge(tiny, "10000035")
    answer(tiny, "denied", "Please see the front desk", "The gym is full right now.")
    tiny.context.close()


def test_odd_input_never_breaks_the_page(kiosk, names) -> None:
    kiosk.keyboard.insert_text("ÄÖÜ 🏋️ \u202e" + "9" * 100)
    kiosk.keyboard.press("Enter")
    answer(kiosk, "denied", "Please see the front desk", "This card is not recognised.")
    assert len(kiosk.input_value("#kiosk-code")) == 0  # the form was reset
    wedge(kiosk, "10000029")
    answer(kiosk, "welcome", f"Welcome, {names['10000029']}!")


def test_a_pin_keypad_follows_for_members_with_a_pin(kiosk, names) -> None:
    wedge(kiosk, "10000038")
    expect(kiosk.locator("#kiosk-pin-prompt")).to_have_text("Enter your PIN")  # no name
    expect(kiosk.locator("#kiosk-code")).to_have_attribute("type", "password")
    keypad(kiosk, "1357")
    answer(kiosk, "denied", "Please see the front desk", "That PIN is not right.")
    wedge(kiosk, "10000038")
    expect(kiosk.locator("#kiosk-pin-prompt")).to_be_visible()
    wedge(kiosk, "10000026")  # someone else's card at the prompt: a new scan, not a PIN
    answer(kiosk, "welcome", f"Welcome, {names['10000026']}!")
    wedge(kiosk, "10000038")
    expect(kiosk.locator("#kiosk-pin-prompt")).to_be_visible()
    keypad(kiosk, "2468")
    answer(kiosk, "welcome", f"Welcome, {names['10000038']}!")


def test_answers_go_back_to_idle(kiosk) -> None:
    expect(kiosk.locator("#kiosk-answer")).to_have_count(0, timeout=6_000)
    expect(kiosk.locator("#kiosk-clock")).to_have_text(re.compile(r"^\d\d:\d\d$"))


def test_guessing_codes_triggers_a_cool_down(browser, app, names) -> None:
    page = new_kiosk(browser, app)
    for n in range(11):
        wedge(page, f"5555000{n:02d}")
        answer(page, "denied", "Please see the front desk")
    wedge(page, "10000030")  # even a valid card waits now
    answer(page, "cooldown", "Please wait a moment", re.compile("Too many unknown cards"))
    page.context.close()


def test_a_revoked_kiosk_returns_to_pairing(browser, app) -> None:
    page = new_kiosk(browser, app)
    kiosk_id = max(k["id"] for k in app.cli.json("kiosk", "list")["kiosks"])
    app.cli("kiosk", "revoke", str(kiosk_id))
    expect(page.get_by_text("This kiosk is not set up")).to_be_visible(timeout=8_000)
    page.reload()
    expect(page.get_by_text("This kiosk is not set up")).to_be_visible(timeout=30_000)
    page.context.close()


def test_a_wrong_pairing_code_is_refused(browser, app) -> None:
    page = browser.new_context(viewport=LANDSCAPE).new_page()
    page.goto(app.url + "/kiosk")
    page.fill("#kiosk-pairing-code", "AAAA-BBBB")
    page.keyboard.press("Enter")
    expect(page.locator("#pairing-error")).to_have_text(
        "That pairing code is not valid or has expired."
    )
    page.context.close()


@pytest.mark.parametrize(
    ("orientation", "viewport"), [("landscape", LANDSCAPE), ("portrait", PORTRAIT)]
)
def test_screenshots_of_every_screen(browser, app, names, orientation, viewport) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = lambda page, name: page.screenshot(path=ARTIFACTS / f"kiosk-{name}-{orientation}.png")  # noqa: E731
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(app.url + "/kiosk")
    expect(page.get_by_text("This kiosk is not set up")).to_be_visible(timeout=30_000)
    shot(page, "pairing")
    page.context.close()
    page = new_kiosk(browser, app, viewport=viewport)
    page.wait_for_timeout(300)
    shot(page, "idle")
    member, pin_member = (
        ("10000036", "10000039") if orientation == "landscape" else ("10000037", "10000040")
    )
    for code, screen in ((member, "welcome"), (member, "already"), ("10000013", "denied")):
        wedge(page, code)
        expect(page.locator(f"#kiosk-answer[data-screen={screen}]")).to_be_visible()
        shot(page, screen)
    page.wait_for_timeout(2_100)  # past the re-scan window
    wedge(page, member)
    expect(page.locator("#kiosk-answer[data-screen=goodbye]")).to_be_visible()
    shot(page, "goodbye")
    wedge(page, pin_member)
    expect(page.locator("#kiosk-pin-prompt")).to_be_visible()
    keypad(page, "24", enter=False)
    shot(page, "pin")
    keypad(page, "68")
    for n in range(11):
        wedge(page, f"7777{n:04d}")
        expect(page.locator("#kiosk-answer[data-screen=denied]")).to_be_visible()
    wedge(page, "7777")
    expect(page.locator("#kiosk-answer[data-screen=cooldown]")).to_be_visible()
    shot(page, "cooldown")
    page.context.close()
