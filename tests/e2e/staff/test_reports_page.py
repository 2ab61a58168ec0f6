"""`/reports` in a real browser, for the front desk: the figures the service counts, the
heatmap and the chart drawn (photographed light and dark), each table's CSV the same as the
table, and a wrong period said beside its field."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from gym_live.domain.reports import ReportPeriod
from gym_live.models import Location, Member, Visit
from gym_live.services import reports
from gym_live.services.deps import Deps
from tests.helpers.app import ARTIFACTS, AppServer
from tests.helpers.dashboard_page import sign_in

pytestmark = pytest.mark.e2e


def three_weeks_of_evenings(deps: Deps, today: date) -> None:
    """Four demo members come at 17:00, 17:20, 17:40 and 18:00 (UTC) every day for three
    weeks before today, each for an hour, one of them let in anyway."""
    with deps.engine.begin() as conn:
        ids = list(conn.execute(sa.select(Member.id).order_by(Member.member_code).limit(4)))
        downtown = conn.execute(sa.select(Location.id).where(Location.name == "Downtown"))
        location_id = downtown.scalar_one()
        rows = []
        for back in range(1, 22):
            evening = datetime.combine(today - timedelta(days=back), time(17), UTC)
            for n, (member_id,) in enumerate(ids):
                began = evening + timedelta(minutes=20 * n)
                rows.append(
                    {
                        "member_id": member_id,
                        "location_id": location_id,
                        "checked_in_at": began,
                        "checked_out_at": began + timedelta(hours=1),
                        "checkout_reason": "member",
                        "source": ("kiosk", "staff", "api", "kiosk")[n],
                    }
                )
        conn.execute(sa.insert(Visit.__table__), rows)
    reports.forget_kept_days(deps=deps)  # history written behind the app's back


def table_rows(page: Page, table: str) -> list[list[str]]:
    body = page.locator(f"#table-{table} tbody tr")
    return [row.locator("td").all_inner_texts() for row in body.all()]


def downloaded(page: Page, button: str) -> list[list[str]]:
    with page.expect_download() as download:
        page.click(button)
    return list(csv.reader(io.StringIO(download.value.path().read_text())))


def open_reports(browser: Browser, app: AppServer, scheme: str) -> Page:
    page = browser.new_context(
        color_scheme=scheme, viewport={"width": 1280, "height": 900}, accept_downloads=True
    ).new_page()
    sign_in(page, app)  # the front desk: reports are for every staff member
    page.click("#nav-reports")
    expect(page.locator("#report-scope")).to_contain_text("Every location")  # the last 30 days
    return page


def test_the_period_at_a_glance_as_counted_and_each_table_as_its_csv(
    app: AppServer, app_deps: Deps, browser: Browser
) -> None:
    today = datetime.now(UTC).date()
    three_weeks_of_evenings(app_deps, today)
    page = open_reports(browser, app, "light")
    period = ReportPeriod(today - timedelta(days=27), today - timedelta(days=1))
    page.fill("#field-from", period.first.isoformat())
    page.fill("#field-to", period.last.isoformat())
    page.click("#report-apply")
    counted = reports.report(period, None, deps=app_deps)
    expect(page.locator("#report-scope")).to_contain_text(f"{period.last:%-d %b %Y}")
    expect(page.locator("#report-visits")).to_have_text(f"{counted.visits:,}")
    assert counted.visits >= 21 * 4
    expect(page.locator("#report-average-stay")).to_have_text(
        f"{counted.stays.average_minutes:.1f}"
    )
    cells = page.locator("#busiest-hours td[data-people]")
    expect(cells).to_have_count(7 * 24)
    shown = [
        float(value) for value in cells.evaluate_all("cells => cells.map(c => c.dataset.people)")
    ]
    assert shown == [round(value, 1) for hours in counted.busiest for value in hours]
    assert max(shown) > 0 and page.locator("#busiest-hours td.gl-heat-5").count() >= 1
    expect(page.locator("#report-per-day .recharts-line-curve")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "reports-light.png", full_page=True)

    for table in ("sources", "busiest", "per-day", "stays"):
        sent = downloaded(page, f"#csv-{table}")
        heading = page.locator(f"#report-{table} th").all_inner_texts()
        if table == "busiest":
            on_page = [
                [row.locator("th").inner_text(), *row.locator("td").all_inner_texts()]
                for row in page.locator("#busiest-hours tbody tr").all()
            ]
            assert sent[1:] == on_page
            continue
        if table == "per-day":  # a chart on the page; its CSV is the days counted
            assert sent[1:] == [[d.isoformat(), str(n)] for d, n in counted.per_day]
        else:
            assert sent[0] == heading
            assert sent[1:] == table_rows(page, table)

    page.fill("#field-from", (today + timedelta(days=3)).isoformat())
    page.fill("#field-to", "")
    page.click("#report-apply")
    expect(page.locator("#error-from")).to_contain_text("has not come yet")
    expect(page.locator("#report-visits")).to_have_text(f"{counted.visits:,}")  # unchanged
    page.context.close()


def test_the_report_in_the_dark(app: AppServer, browser: Browser) -> None:
    page = open_reports(browser, app, "dark")
    expect(page.locator("#busiest-hours td[data-people]")).to_have_count(7 * 24)
    page.click("#field-location")
    page.get_by_role("option", name="Downtown").click()
    page.click("#report-apply")
    expect(page.locator("#report-scope")).to_contain_text("Downtown")
    page.wait_for_timeout(500)  # the chart's lines are drawn
    page.screenshot(path=ARTIFACTS / "reports-dark.png", full_page=True)
    page.context.close()
