"""The reports page's tables as text, the same rows on the page and in each table's CSV
(so a spreadsheet shows exactly the numbers the owner saw), and the heatmap's cells."""

from __future__ import annotations

import math
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from gym_live import wording
from gym_live.domain.checkin import Source
from gym_live.domain.csv_cells import as_text, minute_cell
from gym_live.domain.errors import Reason
from gym_live.domain.reports import HOURS, WEEKDAYS, MemberLine, Report

Rows = list[list[str]]
HOUR_NAMES = tuple(f"{hour:02d}:00" for hour in range(HOURS))
HEADINGS: dict[str, tuple[str, ...]] = {
    "per_day": ("Day", "Visits"),
    "busiest": ("Weekday", *HOUR_NAMES),
    "stays": ("Finished stays", "Average stay (minutes)", "Median stay (minutes)"),
    "sources": ("Checked in at", "Visits"),
    "denied": ("Refused because", "Attempts"),
    "overrides": ("Let in anyway by", "Visits"),
    "at_risk": ("Card", "Name", "Last visit"),
    "expiring": ("Card", "Name", "Membership ends"),
}
# The tables the page shows as tables; the visits per day and the busiest hours it draws
# (their rows go only into their CSVs, not to the browser).
SHOWN = ("stays", "sources", "denied", "overrides", "at_risk", "expiring")
# How many shades the heatmap has above "nobody" (assets/gym_live.css: .gl-heat-1 … -5).
HEAT_LEVELS = 5
DAILY_UP_TO = 92  # days: a longer period's chart has a point a week
DAY_LABELS = 8  # about as many as fit under the chart
NEVER = "never"
NONE_YET = "\u2013"


def tables(report: Report, zone: ZoneInfo) -> dict[str, Rows]:
    """Every table of the report, its cells as text."""
    stays = report.stays
    return {
        "per_day": [[day.isoformat(), str(count)] for day, count in report.per_day],
        "busiest": [
            [weekday, *(_people(value) for value in hours)]
            for weekday, hours in zip(WEEKDAYS, report.busiest, strict=True)
        ],
        "stays": [
            [str(stays.count), _minutes(stays.average_minutes), _minutes(stays.median_minutes)]
        ],
        "sources": [
            [wording.SOURCES[source], str(report.by_source.get(source.value, 0))]
            for source in Source
        ],
        "denied": [
            [wording.FOR_STAFF.get(Reason(reason), reason).capitalize(), str(count)]
            for reason, count in _most_first(report.denied)
        ],
        "overrides": [[as_text(name), str(count)] for name, count in _most_first(report.overrides)],
        "at_risk": [at_risk_row(line, zone) for line in report.at_risk],
        "expiring": [
            [line.member_code, as_text(line.name), line.on.isoformat() if line.on else ""]
            for line in report.expiring
        ],
    }


def at_risk_row(line: MemberLine, zone: ZoneInfo) -> list[str]:
    return [line.member_code, as_text(line.name), minute_cell(line.at, zone) or NEVER]


def heat_cells(report: Report) -> list[dict[str, object]]:
    """The heatmap: a row per weekday, a cell per hour with its shade (0: nobody, up to
    HEAT_LEVELS at the busiest hour) and what a screen reader says of it."""
    busiest = max((max(hours) for hours in report.busiest), default=0.0)
    return [
        {
            "weekday": weekday,
            "cells": [
                {
                    "people": _people(value),
                    "level": str(math.ceil(value / busiest * HEAT_LEVELS) if busiest else 0),
                    "label": f"{weekday} {HOUR_NAMES[hour]}: {_people(value)} inside on average",
                }
                for hour, value in enumerate(hours)
            ],
        }
        for weekday, hours in zip(WEEKDAYS, report.busiest, strict=True)
    ]


def chart_days(report: Report) -> tuple[str, list[dict[str, str | int]]]:
    """The visits chart's title and points: a point a day, or for a period longer than
    DAILY_UP_TO days a point a week (from its Monday), which a year's chart can show (and a
    browser draws in a tenth of the time of 366 points)."""
    if len(report.per_day) <= DAILY_UP_TO:
        days = [{"day": day.isoformat(), "visits": count} for day, count in report.per_day]
        return "Visits per day", days
    weeks: dict[date, int] = {}
    for day, count in report.per_day:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + count
    points = [{"day": monday.isoformat(), "visits": count} for monday, count in weeks.items()]
    return "Visits per week (from Monday; the CSV has every day)", points


def tick_step(points: list[dict[str, str | int]]) -> int:
    """Every how many points the visits chart names one, about DAY_LABELS in all: a fixed
    step, as recharts otherwise measures every label to choose (366 took most of a
    second in the browser)."""
    return len(points) // DAY_LABELS


def summary(report: Report) -> dict[str, str]:
    return {
        "visits": f"{report.visits:,}",
        "average_stay": _minutes(report.stays.average_minutes),
        "median_stay": _minutes(report.stays.median_minutes),
        "denied": f"{sum(report.denied.values()):,}",
        "at_risk": f"{report.at_risk_total:,}",
        "period": f"{report.period.first:%-d %b %Y} \u2013 {report.period.last:%-d %b %Y}",
        "where": report.location or wording.EVERY_LOCATION,
    }


def _people(value: float) -> str:
    return f"{value:.1f}"


def _minutes(value: float | None) -> str:
    return NONE_YET if value is None else f"{value:.1f}"


def _most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def csv_name(table: str, first: str, last: str) -> str:
    return f"{table.replace('_', '-')}-{first}-{last}.csv"
