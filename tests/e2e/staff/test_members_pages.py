"""/members in a real browser, as the front desk uses it: search as you type, filters,
sorting, pages, and names that are long or look like HTML shown as typed."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from gym_live.domain.checkin import Source
from gym_live.domain.errors import MembershipFrozen
from gym_live.domain.member_list import MEMBERS_PAGE_SIZE, MemberFilter, MemberSort
from gym_live.domain.members import extended_until
from gym_live.models import AuditEvent, Member, Staff
from gym_live.services import checkin, member_changes, members
from gym_live.services.deps import Deps
from tests.helpers.app import ARTIFACTS, STAFF_USER, AppServer
from tests.helpers.dashboard_page import sign_in, toast

pytestmark = pytest.mark.e2e
# What test_the_desk_edits_freezes_and_protects_a_member... does, as the audit trail has it.
CHANGES_MADE = (
    *("member_edited", "member_frozen", "member_unfrozen", "pin_set", "pin_removed"),
    *("member_cancelled", "member_reactivated", "member_edited"),
)
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


def test_the_front_desk_finds_a_member_as_it_types(desk: Page, app_deps: Deps) -> None:
    everyone = members.find_members(MemberFilter(), deps=app_deps).total  # the demo's, and more
    expect(desk.locator("#members-count")).to_contain_text(f"{everyone} members")
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


def test_filters_sorting_and_pages(desk: Page, app_deps: Deps) -> None:
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
    # Latest first: whoever came in last (a test before this one may have checked someone in).
    latest = members.find_members(
        MemberFilter(sort=MemberSort.LAST_VISIT, descending=True), deps=app_deps
    ).members[0]
    expect(rows(desk).first).to_have_attribute("data-member", latest.code)
    desk.click("#sort-name")
    expect(desk.locator("#members-count")).to_contain_text("Page 1 of 2")
    desk.click("#members-next")
    expect(desk.locator("#members-count")).to_contain_text("Page 2 of 2")
    everyone = members.find_members(MemberFilter(), deps=app_deps).total
    expect(rows(desk)).to_have_count(everyone - MEMBERS_PAGE_SIZE)
    expect(desk.locator("#members-next")).to_be_disabled()


def test_a_long_name_wraps_and_the_tables_keep_their_width(desk: Page, app_deps: Deps) -> None:
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
    # Inside, on the dashboard: the row's Check out button stays on screen.
    downtown = app_deps.settings.demo_location  # the desk's location (others were added)
    checkin.check_in("77000000", location=downtown, source=Source.CLI, deps=app_deps)
    desk.click("#nav-dashboard")
    row = desk.locator(".gl-inside-row").filter(has_text=LONG_NAME[:40])
    expect(row).to_be_visible(timeout=15_000)  # told by the reconcile (every 5 s)
    button = row.get_by_role("button", name="Check out").bounding_box()
    assert button is not None and button["x"] + button["width"] <= 1280
    expect(desk.locator(".gl-feed-row").filter(has_text=LONG_NAME[:40]).first).to_be_visible()
    desk.screenshot(path=ARTIFACTS / "dashboard-long-name.png")
    checkin.check_out("77000000", location=downtown, source=Source.CLI, deps=app_deps)
    desk.click("#nav-members")


def choose_file(page: Page, button: str, name: str, data: bytes) -> None:
    with page.expect_file_chooser() as chosen:
        page.click(button)
    chosen.value.set_files(files=[{"name": name, "mimeType": "image/png", "buffer": data}])


def png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_the_desk_enrols_a_member_and_prints_the_card(
    desk: Page, app: AppServer, app_deps: Deps
) -> None:
    stored_before = set(app.photo_dir.glob("*"))
    desk.click("#new-member")
    expect(desk).to_have_url(re.compile("/members/new$"))
    desk.fill("#field-full_name", "Noor Haddad")
    desk.fill("#field-email", "noor@")
    desk.fill("#field-phone", "+49 170 5550123")
    choose_file(desk, "#new-choose-photo", "notes.png", b"not an image")
    expect(desk.locator("#error-photo")).to_contain_text("That file is not a photo")
    expect(desk.locator("#new-no-photo")).to_be_visible()
    choose_file(desk, "#new-choose-photo", "noor.png", png((640, 800)))
    expect(desk.locator("#error-photo")).to_have_count(0)
    preview = desk.locator("#new-photo")
    expect(preview).to_be_visible()
    desk.wait_for_function("() => document.querySelector('#new-photo').naturalWidth > 0")
    assert preview.evaluate("img => img.naturalWidth") == 96  # square, as it will be kept
    desk.click("#enrol-member")
    expect(desk.locator("#error-email")).to_contain_text("not an email address")
    expect(preview).to_be_visible()  # the photo stays with the form; nothing is stored
    assert members.find_members(MemberFilter(text="noor"), deps=app_deps).members == []
    assert set(app.photo_dir.glob("*")) == stored_before
    desk.fill("#field-email", "Noor@Example.org")
    desk.click("#enrol-member")
    toast(desk, re.compile(r"Noor Haddad enrolled: card \d{8}"))
    card = desk.locator("#member-card")
    expect(card).to_be_visible()
    assert card.evaluate("img => img.naturalWidth") == 1011  # the 300 dpi card itself
    href = desk.locator("#download-card").get_attribute("href")
    assert href is not None and href.startswith("data:image/png;base64,")
    desk.emulate_media(media="print")  # printed, the card alone, at ID-1 size
    box = card.bounding_box()
    assert box is not None and abs(box["width"] - 85.6 / 25.4 * 96) < 2
    desk.emulate_media(media="screen")
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=ARTIFACTS / "member-enrolled.png")
    [noor] = members.find_members(MemberFilter(text="noor"), deps=app_deps).members
    assert (noor.email, noor.phone) == ("noor@example.org", "+491705550123")
    with app_deps.engine.connect() as conn:
        row = conn.execute(
            sa.select(AuditEvent.kind, AuditEvent.detail, Staff.username)
            .join(Staff, Staff.id == AuditEvent.actor_id)
            .where(AuditEvent.subject == "Noor Haddad")
        ).one()
    assert row.kind == "member_added" and row.username == STAFF_USER
    assert noor.code in row.detail and "noor@example.org" in row.detail
    with app_deps.engine.connect() as conn:
        photo = conn.execute(sa.select(Member.photo).where(Member.member_code == noor.code))
        stored = photo.scalar_one()
    assert {path.name for path in set(app.photo_dir.glob("*")) - stored_before} == {
        f"{stored}.jpg",
        f"{stored}-thumb.jpg",
    }
    desk.click("#enrol-another")
    expect(desk.locator("#field-full_name")).to_have_value("")
    expect(desk.locator("#new-no-photo")).to_be_visible()  # not the next member's photo
    desk.click("#back-to-members")
    expect(desk).to_have_url(re.compile("/members$"))


def test_a_member_s_page_shows_their_record_and_card(
    desk: Page, app: AppServer, app_deps: Deps
) -> None:
    with pytest.raises(MembershipFrozen):  # a refusal at the desk, for the record
        checkin.check_in(
            "10000001", location=app_deps.settings.demo_location, source=Source.STAFF, deps=app_deps
        )
    desk.goto(app.url + "/members")
    desk.fill("#field-search", "10000001")
    expect(rows(desk)).to_have_count(1)
    rows(desk).first.get_by_role("link", name="Anna Schmidt").click()
    expect(desk).to_have_url(re.compile("/members/10000001$"))
    expect(desk.get_by_role("heading", name="Anna Schmidt")).to_be_visible()
    details = desk.locator("#member-details")
    expect(details).to_contain_text("Frozen")
    expect(details).to_contain_text("10000001")
    expect(desk.locator("#denials-table")).to_contain_text("membership frozen")
    expect(desk.locator("#member-card")).to_be_visible()
    [anna] = members.find_members(MemberFilter(text="10000001"), deps=app_deps).members
    assert anna.valid_until is not None
    later = extended_until(anna.valid_until, anna.valid_until, 1)
    desk.get_by_role("button", name="Extend by 1 month").click()
    toast(desk, f"Anna Schmidt's membership now ends on {later.day} {later:%b %Y}.")
    expect(details).to_contain_text(f"{later.day} {later:%b %Y}")
    ARTIFACTS.mkdir(exist_ok=True)
    desk.screenshot(path=ARTIFACTS / "member-page.png", full_page=True)
    inside = members.find_members(MemberFilter(inside_only=True), deps=app_deps).members[0]
    desk.goto(f"{app.url}/members/{inside.code}")
    expect(desk.locator("#visits-table tbody tr")).to_have_count(1)
    expect(desk.locator("#visits-table")).to_contain_text("inside now")
    expect(desk.locator("#no-denials")).to_be_visible()
    desk.goto(app.url + "/members/99999999")
    expect(desk.locator("#member-missing")).to_contain_text("No member has card number 99999999")
    desk.goto(app.url + "/members")


def test_the_desk_edits_freezes_and_protects_a_member_and_the_dashboard_follows(
    desk: Page, app: AppServer, app_deps: Deps
) -> None:
    members.add_member("Pat Doe", code="77000009", deps=app_deps)
    where = app_deps.settings.demo_location
    checkin.check_in("77000009", location=where, source=Source.STAFF, deps=app_deps)
    dashboard = desk.context.new_page()  # the same desk's dashboard, in another tab
    dashboard.goto(app.url + "/")
    expect(dashboard.locator("#inside-table")).to_contain_text("Pat Doe", timeout=15_000)
    desk.goto(app.url + "/members/77000009")
    details = desk.locator("#member-details")
    expect(details).to_contain_text("Inside")

    # Details: a bad email is named beside its field and saves nothing; a new name is
    # saved and reaches the open dashboard's "who is inside" list.
    desk.click("#edit-details")
    desk.fill("#field-email", "pat@")
    desk.click("#save-details")
    expect(desk.locator("#error-email")).to_contain_text("not an email")
    desk.fill("#field-email", "pat@example.org")
    desk.fill("#field-full_name", "Pat Doe-Okafor")
    desk.click("#save-details")
    toast(desk, "Pat Doe-Okafor's details are saved.")
    expect(desk.get_by_role("heading", name="Pat Doe-Okafor")).to_be_visible()
    expect(details).to_contain_text("pat@example.org")
    expect(dashboard.locator("#inside-table")).to_contain_text("Pat Doe-Okafor")

    # Frozen while inside: still inside, with the reason and the last day on the page.
    desk.click("#freeze")
    desk.click("#confirm-freeze")
    expect(desk.locator("#error-reason")).to_contain_text("Say why")
    desk.fill("#field-reason", "Travel")
    desk.screenshot(path=ARTIFACTS / "member-freeze.png")
    desk.fill("#field-frozen_until", "2099-01-01")
    desk.click("#confirm-freeze")
    expect(desk.locator("#error-frozen_until")).to_contain_text("within a year")
    desk.fill("#field-frozen_until", "")
    desk.click("#confirm-freeze")
    toast(desk, "Pat Doe-Okafor's membership is frozen.")
    expect(desk.locator("#freeze-line")).to_have_text("until unfrozen · Travel")
    expect(details).to_contain_text("Inside")
    desk.click("#unfreeze")
    toast(desk, "Pat Doe-Okafor's membership is active again.")
    expect(desk.locator("#freeze")).to_be_visible()

    # The PIN: the rule beside the field; then set, and removed.
    desk.click("#set-pin")
    desk.fill("#field-pin", "12")
    desk.click("#save-pin")
    expect(desk.locator("#error-pin")).to_have_text("A PIN is 4 to 6 digits.")
    desk.fill("#field-pin", "2468")
    desk.click("#save-pin")
    toast(desk, "Pat's new PIN is set")
    expect(desk.locator("#remove-pin")).to_be_visible()
    desk.click("#remove-pin")
    toast(desk, "Pat no longer needs a PIN at the door.")
    expect(desk.locator("#remove-pin")).to_have_count(0)

    # Cancelled after a confirmation, and reactivated.
    desk.click("#cancel-membership")
    desk.click("#confirm-cancel")
    toast(desk, "Pat Doe-Okafor's membership is cancelled.")
    expect(details).to_contain_text("Cancelled")
    desk.click("#reactivate")
    expect(desk.locator("#freeze")).to_be_visible()

    # A lost card: a new number, and the page moves to the member's new address.
    desk.click("#edit-details")
    desk.fill("#field-code", "77000019")
    desk.click("#save-details")
    expect(desk).to_have_url(re.compile("/members/77000019$"))
    expect(details).to_contain_text("77000019")
    with app_deps.engine.connect() as conn:
        kinds = conn.execute(
            sa.select(AuditEvent.kind).where(AuditEvent.subject == "Pat Doe-Okafor")
        ).scalars()
        assert sorted(kinds) == sorted(CHANGES_MADE)
    checkin.check_out("77000019", location=where, source=Source.STAFF, deps=app_deps)
    dashboard.close()
    desk.goto(app.url + "/members")


def test_the_desk_enrols_a_member_on_a_visit_pass_and_sells_another(
    desk: Page, app: AppServer
) -> None:
    desk.goto(app.url + "/members/new")
    desk.fill("#field-full_name", "Vera Visits")
    desk.fill("#field-code", "77000020")
    expect(desk.locator("#field-valid_until")).to_be_visible()
    desk.get_by_role("radio", name="10-visit pass").click()
    expect(desk.locator("#field-valid_until")).to_have_count(0)  # the pass's own date instead
    desk.fill("#field-pass_until", "2020-01-01")
    desk.click("#enrol-member")
    expect(desk.locator("#error-pass_until")).to_contain_text("has passed")
    expect(desk.locator("#field-full_name")).to_have_value("Vera Visits")  # nothing lost
    desk.fill("#field-pass_until", "")
    desk.click("#enrol-member")
    expect(desk.locator("#enrolled")).to_have_text("Vera Visits is enrolled")
    desk.goto(app.url + "/members/77000020")
    expect(desk.locator("#visits-only")).to_be_visible()
    expect(desk.locator("#pass-line")).to_have_text("10 visits left · no expiry")
    desk.click("#add-pass")
    desk.click("#confirm-pass")
    toast(desk, "Vera Visits now has 20 visits on the pass.")
    expect(desk.locator("#pass-line")).to_have_text("20 visits left · no expiry")
    desk.goto(app.url + "/members")


def test_a_photo_is_uploaded_and_shown_to_signed_in_staff_only(
    desk: Page, app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    members.add_member("Photo Person", code="77000030", deps=app_deps)
    where = app_deps.settings.demo_location
    checkin.check_in("77000030", location=where, source=Source.STAFF, deps=app_deps)
    desk.goto(app.url + "/members/77000030")
    expect(desk.locator("h1")).to_have_text("Photo Person")  # loaded: its buttons work now
    expect(desk.locator("#member-no-photo")).to_be_visible()
    choose_file(desk, "#member-choose-photo", "notes.png", b"not an image")  # a click opens it
    toast(desk, "That file is not a photo")
    choose = desk.locator("#member-choose-photo")
    choose.focus()
    expect(choose).to_be_focused()  # as a keyboard user who tabbed to it
    with desk.expect_file_chooser() as pressed:  # and Enter opens the chooser too
        choose.press("Enter")  # (focused again, should a re-render have taken the focus)
    pressed.value.set_files(
        files=[{"name": "face.png", "mimeType": "image/png", "buffer": png((900, 700))}]
    )
    toast(desk, "Photo Person's photo is saved.")
    photo = desk.locator("#member-photo")
    expect(photo).to_be_visible()
    desk.wait_for_function("() => document.querySelector('#member-photo').naturalWidth > 0")
    assert photo.evaluate("img => img.naturalWidth") == 512
    # The dashboard's who-is-inside list shows the thumbnail beside the name.
    dashboard = desk.context.new_page()
    dashboard.goto(app.url + "/")
    row = dashboard.locator(".gl-inside-row").filter(has_text="Photo Person")
    expect(row.locator("img.gl-photo")).to_be_visible(timeout=15_000)
    src = row.locator("img.gl-photo").get_attribute("src")
    assert src is not None and src.endswith("-thumb.jpg")
    dashboard.wait_for_function(
        "() => [...document.querySelectorAll('.gl-inside-row img')].some(i => i.naturalWidth)"
    )
    assert row.locator("img.gl-photo").evaluate("img => img.naturalWidth") == 96
    dashboard.screenshot(path=ARTIFACTS / "dashboard-photo.png")
    desk.screenshot(path=ARTIFACTS / "member-photo.png")
    # Signed in, the photo comes; from a browser that is not, it does not.
    assert desk.context.request.get(app.url + src).status == 200
    stranger = browser.new_context()
    refused = stranger.request.get(app.url + src)
    assert (
        refused.status == 403 and refused.body() != desk.context.request.get(app.url + src).body()
    )
    stranger.close()
    desk.click("#member-remove-photo")
    toast(desk, "Photo Person's photo is removed.")
    expect(desk.locator("#member-no-photo")).to_be_visible()
    assert desk.context.request.get(app.url + src).status == 404
    name = src.rsplit("/", 1)[1].removesuffix("-thumb.jpg")
    assert list(app.photo_dir.glob(name + "*")) == []  # both files are gone
    checkin.check_out("77000030", location=where, source=Source.STAFF, deps=app_deps)
    dashboard.close()
    desk.goto(app.url + "/members")


def test_a_freeze_with_a_last_day_ends_by_itself_when_the_day_has_passed(
    desk: Page, app: AppServer, app_deps: Deps
) -> None:
    members.add_member("Frida Frost", code="77000040", deps=app_deps)
    desk.goto(app.url + "/members/77000040")
    expect(desk.locator("h1")).to_have_text("Frida Frost")
    desk.click("#freeze")
    desk.fill("#field-reason", "Travel")
    today = app_deps.today()
    desk.fill("#field-frozen_until", today.isoformat())
    desk.click("#confirm-freeze")
    expect(desk.locator("#freeze-line")).to_have_text(f"until {today.day} {today:%b %Y} · Travel")
    where = app_deps.settings.demo_location
    with pytest.raises(MembershipFrozen):
        checkin.check_in("77000040", location=where, source=Source.STAFF, deps=app_deps)
    # Time passes: the last day is now yesterday. The door lets her in before the sweep
    # writes it, and the sweep then writes it.
    with app_deps.engine.begin() as conn:
        conn.execute(
            sa.update(Member)
            .where(Member.member_code == "77000040")
            .values(frozen_until=today - timedelta(days=1))
        )
    checkin.check_in("77000040", location=where, source=Source.STAFF, deps=app_deps)
    member_changes.unfreeze_ended(deps=app_deps)  # (the app's own sweep may come first)
    with app_deps.engine.connect() as conn:
        ended = conn.execute(
            sa.select(AuditEvent.detail).where(
                AuditEvent.subject == "Frida Frost", AuditEvent.kind == "member_unfrozen"
            )
        ).scalars()
        assert list(ended) == [f"the freeze ended on {today - timedelta(days=1)}"]
    desk.reload()
    expect(desk.locator("#member-details")).to_contain_text("Active")
    expect(desk.locator("#freeze")).to_be_visible()
    checkin.check_out("77000040", location=where, source=Source.STAFF, deps=app_deps)
    desk.goto(app.url + "/members")
