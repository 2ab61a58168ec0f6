"""`/reports`: the figures of a period at one location or all; each table's CSV sends the
rows the page shows (`report_tables`), so the numbers are the same."""

from __future__ import annotations

import asyncio

import reflex as rx

from gym_live import report_tables
from gym_live.domain.csv_cells import csv_lines
from gym_live.domain.errors import GymLiveError
from gym_live.domain.reports import LOCATION, location_choice, report_period
from gym_live.domain.visit_export import FIRST_DAY, LAST_DAY
from gym_live.presentation import field_errors
from gym_live.services import locations, reports
from gym_live.services.deps import app_deps

EVERY = "every"  # the location choice that adds every location up
FIELDS = (FIRST_DAY, LAST_DAY, LOCATION)


class ReportsState(rx.State):
    first: str = ""
    last: str = ""
    location: str = EVERY
    locations: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    summary: dict[str, str] = {}
    chart_title: str = ""
    per_day: list[dict[str, str | int]] = []
    day_ticks: int = 0  # every how many points the chart names one (report_tables)
    heatmap: list[dict[str, str | list[dict[str, str]]]] = []
    tables: dict[str, list[list[str]]] = {}  # those shown as tables (report_tables.SHOWN)
    _csv: dict[str, list[list[str]]] = {}  # every table, the chart's and the heatmap's too

    @rx.event
    async def open_reports_page(self) -> None:
        """The period and location in the address (`?from=&to=&location=`), or the last
        30 days everywhere."""
        places = await asyncio.to_thread(locations.list_locations, deps=app_deps())
        self.locations = [{"id": str(place.id), "name": place.name} for place in places]
        asked = self.router.url.query_parameters
        await self._show({name: asked.get(name, "") for name in FIELDS})

    @rx.event
    async def apply(self, form: dict[str, str]) -> None:
        await self._show({name: str(form.get(name, "")) for name in FIELDS})

    @rx.event
    async def download(self, table: str) -> rx.event.EventSpec | None:
        """One table as CSV (the members at risk: all of them, not only those shown)."""
        if table not in self._csv:
            return None
        if table == "at_risk":
            everyone = await asyncio.to_thread(reports.at_risk_members, deps=app_deps())
            zone = app_deps().settings.zone
            rows = [report_tables.at_risk_row(line, zone) for line in everyone]
        else:
            rows = self._csv[table]
        return rx.download(
            data=csv_lines([report_tables.HEADINGS[table], *rows]),
            filename=report_tables.csv_name(table, self.first, self.last),
        )

    async def _show(self, fields: dict[str, str]) -> None:
        deps = app_deps()
        try:
            period = report_period(fields[FIRST_DAY], fields[LAST_DAY], deps.today())
            location_id = location_choice(fields[LOCATION], every=EVERY)
            report = await asyncio.to_thread(reports.report, period, location_id, deps=deps)
        except GymLiveError as exc:
            self.errors = field_errors(exc, FIELDS)
            return
        self.errors = {}
        self.first, self.last = period.first.isoformat(), period.last.isoformat()
        self.location = EVERY if location_id is None else str(location_id)
        self.summary = report_tables.summary(report)
        self.chart_title, self.per_day = report_tables.chart_days(report)
        self.day_ticks = report_tables.tick_step(self.per_day)
        self.heatmap = report_tables.heat_cells(report)  # type: ignore[assignment]
        self._csv = report_tables.tables(report, deps.settings.zone)
        self.tables = {name: self._csv[name] for name in report_tables.SHOWN}
