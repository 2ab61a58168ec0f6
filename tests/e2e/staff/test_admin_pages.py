"""The staff header and the admin pages in a real browser: what each role is shown, what an
admin does to accounts, and a deactivated account's open dashboard leaving for /login."""

from __future__ import annotations

import contextlib
import csv
import http.server
import io
import json
import re
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from gym_live.domain.errors import SignInFailed
from gym_live.domain.webhooks import verify
from gym_live.models import Member
from gym_live.services import sessions, staff
from gym_live.services.deps import Deps
from gym_live.states.guard import ADMINS_ONLY
from tests.helpers.app import ADMIN_NAME, ADMIN_PASSWORD, ADMIN_USER, ARTIFACTS, AppServer
from tests.helpers.axe import blocking_violations
from tests.helpers.builders import count
from tests.helpers.dashboard_page import sign_in, toast
from tests.helpers.webhook_receiver import webhook_receiver

pytestmark = pytest.mark.e2e
ADMIN_PAGES = ("staff", "kiosks", "locations", "integrations", "audit")
PASSWORD = "a long password for tests"
# Each staff page the header links, and what it shows once its data has arrived (each holds
# at least one row of the demo's: the dashboard's "inside", the report's period, a location).
LOADED = {
    "/": "#inside-table tbody tr",
    "/members": "#members-table tbody tr",
    "/reports": "#report-scope:has-text('\u2013')",  # the period, first \u2013 last day
    "/staff": "#staff-table tbody tr",
    "/kiosks": "#field-location:has-text('Downtown')",
    "/locations": "#locations-table tbody tr",
    "/integrations": "[data-widget]",
    "/audit": "#audit-table tbody tr",
}


@contextlib.contextmanager
def serving_page(html: str) -> Iterator[str]:
    """A website of its own on 127.0.0.1 (another origin than the app's port), serving one
    page: a local one, as Chromium frames a local server only from a local page."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def as_admin(browser: Browser, app: AppServer, path: str = "/", **context: object) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    sign_in(page, app, ADMIN_USER, ADMIN_PASSWORD)
    if path != "/":
        page.click(f"#nav-{path.strip('/')}")  # through the header, as staff do
        expect(page).to_have_url(re.compile(f"{path}$"))
    return page


def row(page: Page, username: str):
    return page.locator(f'tr[data-username="{username}"]')


def test_the_front_desk_is_shown_only_the_dashboard_and_turned_back_from_admin_pages(
    app: AppServer, browser: Browser
) -> None:
    page = browser.new_context().new_page()
    sign_in(page, app)
    expect(page.locator("#nav-dashboard")).to_be_visible()
    for name in ADMIN_PAGES:
        expect(page.locator(f"#nav-{name}")).to_have_count(0)
        page.goto(f"{app.url}/{name}")
        toast(page, ADMINS_ONLY)
        expect(page).to_have_url(re.compile(r"/$"))
    assert ADMIN_NAME not in page.content()
    page.goto(f"{app.url}/members/import")  # the member import is an admin's too
    toast(page, ADMINS_ONLY)
    expect(page).to_have_url(re.compile(r"/$"))
    page.context.close()


def test_an_admin_imports_members_from_a_csv_file_after_a_preview(
    app: AppServer, browser: Browser
) -> None:
    page = as_admin(browser, app, "/members")
    page.click("#import-link")
    expect(page).to_have_url(re.compile("/members/import$"))
    csv = (
        "\ufeffName;E-Mail;Valid until;Card\r\n"
        "Imre Import;imre@example.org;2027-03-31;I-5001\r\n"
        "<script>alert(1)</script> Ida;ida@example.org;;\r\n"
        "Bad Date;bad@example.org;31.03.2027;\r\n"
        "Anna Again;;;10000001\r\n"  # the demo's Anna: already a member
    ).encode()
    with page.expect_file_chooser() as chosen:
        page.click("#choose-csv")
    chosen.value.set_files(files=[{"name": "club.csv", "mimeType": "text/csv", "buffer": csv}])
    counts = page.locator("#import-counts")
    expect(counts).to_have_text("2 new · 1 already members · 1 refused")
    problems = page.locator("#import-problems tbody tr")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text("YYYY-MM-DD")
    expect(problems.first).to_contain_text("Bad Date")
    page.screenshot(path=ARTIFACTS / "member-import-preview.png", full_page=True)
    page.click("#import-members")
    toast(page, "2 members imported.")
    expect(counts).to_have_text("2 imported · 1 already members · 1 refused")
    # The same file again adds nobody.
    with page.expect_file_chooser() as again:
        page.click("#choose-csv")
    again.value.set_files(files=[{"name": "club.csv", "mimeType": "text/csv", "buffer": csv}])
    expect(counts).to_have_text("0 new · 3 already members · 1 refused")
    expect(page.locator("#import-members")).to_have_count(0)
    page.goto(app.url + "/members")
    page.fill("#field-search", "ida@example")
    expect(page.locator("#members-table tbody tr")).to_have_count(1)
    expect(page.locator("#members-table")).to_contain_text("<script>alert(1)</script> Ida")
    page.context.close()


def test_an_admin_exports_every_member_and_the_front_desk_cannot(
    app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    page = as_admin(browser, app, "/members", accept_downloads=True)
    with page.expect_download() as downloading:
        page.click("#export-link")
    download = downloading.value
    assert re.fullmatch(r"members-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == count(app_deps, Member)  # every member, the demo's and the tests'
    anna = next(line for line in lines if line["code"] == "10000001")
    with app_deps.engine.connect() as conn:
        stored = conn.execute(
            sa.select(Member.full_name, Member.status).where(Member.member_code == "10000001")
        ).one()
    assert (anna["name"], anna["status"]) == tuple(stored)
    expect(page).to_have_url(re.compile("/members$"))  # the page stays where it was
    page.context.close()
    desk = browser.new_context().new_page()
    sign_in(desk, app)
    desk.goto(app.url + "/members")
    expect(desk.locator("#new-member")).to_be_visible()
    expect(desk.locator("#export-link")).to_have_count(0)
    refused = desk.context.request.get(app.url + "/members/export.csv")
    assert refused.status == 403 and "Anna" not in refused.text()
    desk.context.close()


def test_an_admin_adds_an_account_and_hands_over_its_password_shown_once(
    app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    page = as_admin(browser, app, "/staff")
    expect(row(page, ADMIN_USER)).to_contain_text(ADMIN_NAME)
    page.fill("#field-username", "Tom")
    page.fill("#field-display_name", "Tom <b>Baker</b>")  # text, never HTML
    page.click("#add-staff")
    password = page.locator("#issued-password").inner_text(timeout=10_000)
    member, _ = sessions.sign_in("tom", password, deps=app_deps)
    assert member.display_name == "Tom <b>Baker</b>" and member.role.value == "front_desk"
    page.click("#issued-done")
    expect(page.locator("#issued-password")).to_have_count(0)
    expect(row(page, "tom")).to_contain_text("Tom <b>Baker</b>")
    page.fill("#field-username", "TOM")
    page.fill("#field-display_name", "Another Tom")
    page.click("#add-staff")
    expect(page.locator("#error-username")).to_have_text("The username 'tom' is already taken.")
    page.fill("#field-username", "x")
    page.click("#add-staff")
    expect(page.locator("#error-username")).to_have_text("A username has 3 to 40 characters.")
    assert [m.username for m in staff.list_staff(deps=app_deps)].count("tom") == 1
    page.context.close()


def test_a_handed_over_password_is_replaced_before_anything_else(
    app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    _, handed = staff.add_with_temporary_password(
        "newbie", role="front_desk", display_name="New Person", deps=app_deps
    )
    page = browser.new_context().new_page()
    page.goto(app.url + "/login")
    page.fill("#login-username", "newbie")
    page.fill("#login-password", handed)
    page.click("#login-submit")
    expect(page).to_have_url(re.compile(r"/password$"), timeout=15_000)
    page.goto(app.url + "/")  # nothing else until then
    expect(page).to_have_url(re.compile(r"/password$"), timeout=15_000)
    assert blocking_violations(page) == []
    page.fill("#field-current_password", handed)
    page.fill("#field-password", "my very own password")
    page.fill("#field-repeated_password", "my very own passwort")
    page.click("#change-password")
    expect(page.locator("#error-repeated_password")).to_have_text("The two new passwords differ.")
    page.screenshot(path=ARTIFACTS / "password.png")
    page.fill("#field-repeated_password", "my very own password")
    page.click("#change-password")
    toast(page, "Your new password is set.")
    expect(page.locator("#stat-inside-now")).to_be_visible(timeout=15_000)
    expect(page).to_have_url(re.compile(r"/$"))
    assert not sessions.sign_in("newbie", "my very own password", deps=app_deps)[
        0
    ].must_change_password
    page.context.close()


def test_deactivating_an_account_sends_its_open_dashboard_to_the_sign_in_page(
    app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    staff.add_staff("ana", role="front_desk", password=PASSWORD, display_name="Ana", deps=app_deps)
    desk = browser.new_context().new_page()
    sign_in(desk, app, "ana", PASSWORD)
    admin = as_admin(browser, app, "/staff")
    row(admin, "ana").get_by_role("combobox").click()
    admin.get_by_role("option", name="Admin").click()
    toast(admin, "Ana is now admin.")
    row(admin, "ana").get_by_role("combobox").click()
    admin.get_by_role("option", name="Front desk").click()
    toast(admin, "Ana is now front desk.")
    row(admin, "ana").get_by_role("button", name="Deactivate").click()
    clicked = time.monotonic()
    expect(desk).to_have_url(re.compile(r"/login$"), timeout=5_000)
    print(
        f"deactivated dashboard reached /login {time.monotonic() - clicked:.2f} s after the click"
    )
    toast(admin, "Ana deactivated.")
    expect(row(admin, "ana")).to_contain_text("Deactivated")
    row(admin, "ana").get_by_role("button", name="Reactivate").click()
    expect(row(admin, "ana")).to_contain_text("Active")
    admin.context.close()
    desk.context.close()


def test_the_last_admin_cannot_deactivate_themselves(app: AppServer, browser: Browser) -> None:
    page = as_admin(browser, app, "/staff")
    row(page, ADMIN_USER).get_by_role("button", name="Deactivate").click()
    toast(page, f"{ADMIN_NAME} is the last active admin: make another admin first.")
    expect(row(page, ADMIN_USER)).to_contain_text("Active")
    page.context.close()


def test_a_location_added_or_changed_reaches_open_dashboards_at_once(
    app: AppServer, browser: Browser
) -> None:
    desk = browser.new_context().new_page()
    sign_in(desk, app)
    capacity = desk.inner_text("#stat-capacity")
    page = as_admin(browser, app, "/locations")
    # The page has loaded (its form is made anew then, which would drop what was typed).
    expect(page.locator('tr[data-location="Downtown"]')).to_be_visible()
    page.fill("#field-name", "Harbour")
    page.fill("#field-capacity", "lots")
    page.fill("#field-timezone", "Mars/Olympus")
    page.click("#save-location")
    expect(page.locator("#error-capacity")).to_have_text("Capacity is a whole number of people.")
    page.fill("#field-capacity", "40")
    page.click("#save-location")
    expect(page.locator("#error-timezone")).to_contain_text("'Mars/Olympus' is not a time zone")
    page.fill("#field-timezone", "Europe/Lisbon")
    page.click("#save-location")
    toast(page, "Harbour added.")
    expect(page.locator('tr[data-location="Harbour"]')).to_contain_text("Europe/Lisbon")
    expect(desk.locator("#location-picker")).to_contain_text("Downtown")  # a picker appears
    page.get_by_role("button", name="Edit Downtown").click()
    expect(page.locator("#field-name")).to_have_value("Downtown")
    expect(page.locator("#field-capacity")).not_to_have_value("")
    page.fill("#field-capacity", "61")
    page.click("#save-location")
    toast(page, "Downtown saved.")
    expect(desk.locator("#stat-capacity")).to_contain_text("of 61")
    page.get_by_role("button", name="Edit Downtown").click()
    expect(page.locator("#field-capacity")).to_have_value("61")  # the form for Downtown
    page.fill("#field-capacity", capacity.rsplit(" ", 1)[-1])  # as the other tests expect it
    page.click("#save-location")
    toast(page, "Downtown saved.")
    expect(desk.locator("#stat-capacity")).to_have_text(capacity)
    page.context.close()
    desk.context.close()


def test_a_new_kiosk_pairs_by_scanning_its_qr_code_and_is_revoked_from_the_page(
    app: AppServer, browser: Browser
) -> None:
    page = as_admin(browser, app, "/kiosks")
    page.fill("#field-name", "Front door")
    page.click("#add-kiosk")
    code = page.locator("#pairing-code").inner_text(timeout=10_000)
    expect(page.locator("#pairing-qr")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "kiosks-pairing.png")
    picture = Image.open(io.BytesIO(page.locator("#pairing-qr").screenshot()))
    [scanned] = zxingcpp.read_barcodes(picture)  # what the tablet's camera reads
    assert scanned.text == f"{app.url}/kiosk?pair={code}"
    page.click("#pairing-done")
    expect(page.locator('tr[data-kiosk="Front door"]')).to_contain_text("Waiting to pair")
    tablet = browser.new_context().new_page()
    tablet.goto(scanned.text)
    expect(tablet.locator("#kiosk-code")).to_be_visible(timeout=15_000)  # paired: scanning
    row = page.locator('tr[data-kiosk="Front door"]')
    # The open list refreshes itself every 5 s: paired, and its page open now.
    expect(row).to_contain_text("Paired", timeout=10_000)
    expect(row).to_contain_text("Online")
    page.screenshot(path=ARTIFACTS / "kiosks-online.png")
    row.get_by_role("button", name="Revoke Front door").click()
    toast(page, "Front door revoked")
    expect(row).to_contain_text("Revoked")
    expect(tablet.get_by_text("This kiosk is not set up")).to_be_visible(timeout=15_000)
    tablet.goto(scanned.text)  # the code worked once
    expect(tablet.get_by_text("This kiosk is not set up")).to_be_visible(timeout=15_000)
    expect(tablet.locator("#pairing-error")).to_contain_text("not valid")
    tablet.context.close()
    page.context.close()


def test_an_api_key_is_shown_once_used_by_its_integration_and_revoked_from_the_page(
    app: AppServer, browser: Browser
) -> None:
    page = as_admin(browser, app, "/integrations")
    page.fill("#field-name", "The <b>books</b>")
    page.click("#add-key")  # no scope ticked
    expect(page.locator("#error-scope")).to_have_text(
        "A key needs at least one scope: scan or export."
    )
    page.fill("#field-name", "The <b>books</b>")
    page.get_by_label("Export files").check()
    page.click("#add-key")
    secret = page.locator("#new-key").inner_text(timeout=10_000)
    assert secret.startswith("gl_") and len(secret) > 30
    page.screenshot(path=ARTIFACTS / "integrations-new-key.png")
    page.click("#new-key-done")
    expect(page.locator("#new-key")).to_have_count(0)  # shown once: gone from the page
    line = page.locator('tr[data-key="The <b>books</b>"]')  # the name, as text
    expect(line).to_contain_text("Export files")
    expect(line).to_contain_text("Every location")
    expect(line).to_contain_text("never")
    assert secret not in page.content()
    books = {"Authorization": f"Bearer {secret}"}
    empty = httpx.get(f"{app.url}/api/v1/visits.csv?from=2100-01-01", headers=books)
    assert empty.status_code == 200 and empty.text.startswith("\ufeffvisit,member_code")
    page.reload()
    expect(line).not_to_contain_text("never")  # its last use
    page.screenshot(path=ARTIFACTS / "integrations.png")
    line.get_by_role("button", name="Revoke the key of The <b>books</b>").click()
    toast(page, "The key of The <b>books</b> is revoked")
    expect(line).to_contain_text("Revoked")
    assert httpx.get(f"{app.url}/api/v1/members.csv", headers=books).status_code == 401
    page.context.close()


def test_an_integration_s_webhook_hears_a_refusal_signed_and_the_log_shows_it(
    app: AppServer, browser: Browser
) -> None:
    page = as_admin(browser, app, "/integrations")
    with webhook_receiver() as receiver:
        page.fill("#field-name", "Booking app")
        page.get_by_label("Scan at doors").check()
        page.fill("#field-webhook_url", "ftp://nowhere")
        page.click("#add-key")
        expect(page.locator("#error-webhook_url")).to_contain_text("starts with https://")
        expect(page.locator('tr[data-key="Booking app"]')).to_have_count(0)  # nothing made
        page.fill("#field-name", "Booking app")
        page.get_by_label("Scan at doors").check()
        page.fill("#field-webhook_url", receiver.url)
        page.click("#add-key")
        secret = page.locator("#new-key").inner_text(timeout=10_000)
        signing = page.locator("#new-signing-secret").inner_text()
        page.click("#new-key-done")
        expect(page.locator('tr[data-key="Booking app"]')).to_contain_text(receiver.url)
        refused = httpx.post(
            f"{app.url}/api/v1/scans",
            json={"member_code": "99999999", "location": "Downtown"},
            headers={"Authorization": f"Bearer {secret}"},
        )
        assert refused.json()["reason"] == "unknown_code"
        log = page.locator("#deliveries-table tbody tr").first
        expect(log).to_have_attribute("data-status", "delivered", timeout=15_000)
        expect(log).to_contain_text("Refused")
        page.screenshot(path=ARTIFACTS / "integrations-webhook.png", full_page=True)
        [call] = receiver.calls
    assert json.loads(call.body)["reason"] == "unknown_code"
    assert verify(
        signing,
        call.headers["gym-live-signature"],
        call.body,
        datetime.now(UTC),
        timedelta(minutes=5),
    )
    page.get_by_role("button", name="Set the webhook of Booking app").click()
    expect(page.locator("#field-edit-webhook_url")).to_have_value(receiver.url)
    page.fill("#field-edit-webhook_url", "")
    page.click("#save-webhook")
    toast(page, "The webhook of Booking app is removed.")
    expect(page.locator('tr[data-key="Booking app"]')).not_to_contain_text(receiver.url)
    page.context.close()


def test_a_website_frames_the_location_s_widget_and_it_follows_a_check_in(
    app: AppServer, browser: Browser
) -> None:
    admin = as_admin(browser, app, "/integrations")
    snippet = admin.locator('[data-widget="Downtown"] code').inner_text(timeout=10_000)
    assert snippet.startswith(f'<iframe src="{app.url}/widget/1" title="How busy is Downtown"')
    admin.context.close()
    website = browser.new_context().new_page()  # another site's page, with the snippet pasted
    html = f"<!doctype html><title>Our gym</title><main><h1>Our gym</h1>{snippet}</main>"
    with serving_page(html) as home:
        website.goto(home)
        framed = website.frame_locator("iframe")
        inside = framed.locator("#inside")
        expect(inside).to_contain_text(" of 60 inside", timeout=15_000)
        before = int(inside.inner_text().split()[0])
        app.cli.json("checkin", "10000029", "--location", "Downtown")  # other tests add places
        try:  # the widget asks again every 5 s and writes what changed
            expect(inside).to_have_text(f"{before + 1} of 60 inside", timeout=12_000)
            expect(framed.locator("#level")).to_have_attribute(
                "data-level", re.compile("quiet|moderate|busy|full")
            )
            website.screenshot(path=ARTIFACTS / "widget-framed.png")
        finally:
            app.cli.json("checkout", "10000029", "--location", "Downtown")
    website.context.close()


def test_the_audit_trail_shows_who_did_what_filtered_by_person_and_kind(
    app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    staff.add_staff("audited", role="front_desk", password=PASSWORD, by=None, deps=app_deps)
    with pytest.raises(SignInFailed):
        sessions.sign_in("audited", "not the password", deps=app_deps)
    page = as_admin(browser, app, "/audit")
    table = page.locator("#audit-table")
    expect(table.locator("tr[data-kind=sign_in_ok]").first).to_contain_text(ADMIN_NAME)
    expect(table.locator("tr[data-kind=sign_in_failed]").first).to_contain_text("audited")
    page.click("#field-person")
    page.get_by_role("option", name=ADMIN_NAME).click()
    page.click("#field-kind")
    page.get_by_role("option", name="Signed in", exact=True).click()
    page.click("#audit-apply")
    expect(table.locator("tbody tr:not([data-kind=sign_in_ok])")).to_have_count(0)
    expect(table.locator("tbody tr").first).to_contain_text("Signed in")
    assert set(table.locator("tbody tr td:nth-child(2)").all_inner_texts()) == {ADMIN_NAME}
    page.fill("#field-since", "2030-01-02")
    page.fill("#field-until", "2030-01-01")
    page.click("#audit-apply")
    expect(page.locator("#error-until")).to_have_text("The last day is before the first.")
    page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_passes_axe_and_is_photographed(
    app: AppServer, browser: Browser, scheme: str
) -> None:
    page = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    tab = page.new_page()
    refused = []  # what the Content-Security-Policy blocked, said on the console
    tab.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    tab.goto(app.url + "/kiosk")
    expect(tab.get_by_role("heading").first).to_be_visible(timeout=15_000)
    found = {"/kiosk": blocking_violations(tab)}
    tab.goto(app.url + "/api/docs")  # the API's reference, served without Reflex
    expect(tab.get_by_role("heading", name="gym_live API v1")).to_be_visible()
    found["/api/docs"] = blocking_violations(tab)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"api-docs-{scheme}.png")
    # The website widget: its policy allows no script but its own, so axe needs a pass.
    widget = browser.new_context(color_scheme=scheme, bypass_csp=True).new_page()
    widget.goto(app.url + "/widget/1")
    expect(widget.locator("#inside")).to_be_visible()
    found["/widget/1"] = blocking_violations(widget)
    widget.screenshot(path=ARTIFACTS / f"widget-{scheme}.png")
    widget.context.close()
    tab.goto(app.url + "/login")
    expect(tab.locator("#login-submit")).to_be_visible(timeout=15_000)
    found["/login"] = blocking_violations(tab)
    sign_in(tab, app, ADMIN_USER, ADMIN_PASSWORD)
    # At 1280 px an admin's header, with every link, is one line: its last control beside
    # its first link.
    first = tab.locator("#nav-dashboard").bounding_box()
    last = tab.get_by_role("button", name="Switch light or dark").bounding_box()
    assert first and last and abs(first["y"] - last["y"]) < first["height"], (first, last)
    for path, loaded in LOADED.items():
        if path != "/":
            tab.click(f"#nav-{path.strip('/')}")
            expect(tab.locator(f"#nav-{path.strip('/')}")).to_have_attribute("aria-current", "page")
        expect(tab.locator(loaded).first).to_be_visible()  # the page's data has arrived
        found[path] = blocking_violations(tab)
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=ARTIFACTS / f"{path.strip('/') or 'dashboard'}-{scheme}.png")
    tab.click("#nav-members")
    tab.click("#new-member")  # the one staff page the header does not link
    expect(tab.locator("#enrol-member")).to_be_visible()
    found["/members/new"] = blocking_violations(tab)
    tab.screenshot(path=ARTIFACTS / f"new-member-{scheme}.png")
    tab.click("#back-to-members")
    tab.click("#import-link")  # the members' import, an admin's
    expect(tab.locator("#choose-csv")).to_be_visible()
    found["/members/import"] = blocking_violations(tab)
    tab.click("#back-to-members")
    first_member = tab.locator("#members-table tbody tr a").first
    code = first_member.get_attribute("href").rsplit("/", 1)[-1]
    first_member.click()  # a member's own page
    expect(tab.locator("#member-details")).to_contain_text(code)
    found["/members/[code]"] = blocking_violations(tab)
    tab.screenshot(path=ARTIFACTS / f"member-{scheme}.png", full_page=True)
    tab.click("#edit-details")  # a change's dialog, over the page
    expect(tab.locator("#save-details")).to_be_visible()
    found["/members/[code], editing"] = blocking_violations(tab)
    tab.screenshot(path=ARTIFACTS / f"member-edit-{scheme}.png")
    tab.keyboard.press("Escape")
    assert {path: seen for path, seen in found.items() if seen} == {}
    assert refused == []
    page.close()


def test_the_pages_read_their_address_through_no_deprecated_reflex_api(
    app: AppServer, browser: Browser
) -> None:
    """Each page that reads its address (the dashboard's location, a member's card number,
    the kiosk's pairing code, the pairing QR's origin) does so without Reflex's warning
    (`RouterData.page` is gone in Reflex 1.0), and reads it right."""
    page = as_admin(browser, app, "/kiosks")
    page.fill("#field-name", "Side door")
    page.click("#add-kiosk")
    expect(page.locator("#pairing-code")).to_be_visible(timeout=10_000)
    page.click("#pairing-done")
    page.goto(app.url + "/?location=Downtown")
    expect(page.locator("#location-name")).to_have_text("Downtown")
    page.goto(app.url + "/members/10000001")
    expect(page.locator("#member-details")).to_contain_text("10000001")
    page.goto(app.url + "/kiosk?pair=NOPE-NOPE")
    expect(page.locator("#pairing-error")).to_contain_text("not valid", timeout=15_000)
    page.context.close()
    deprecated = [line for line in app.log_path.read_text().splitlines() if "deprecated" in line]
    assert not deprecated
