"""Cells of the CSV files gym_live writes (members, visits): text a spreadsheet shows as
text, never runs as a formula; days as YYYY-MM-DD; times to the minute in a zone."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date, datetime, tzinfo

from gym_live.domain.member_import import FORMULA_STARTS

# A cell that would start a formula (FORMULA_STARTS) is written with a leading ', which
# spreadsheets hide and an import drops, unless it is only a number, as a phone number is:
# a spreadsheet computes nothing from it.
_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().-]*")


def as_text(cell: str) -> str:
    """The cell as a spreadsheet must show it: text, never a formula."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_lines(rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def day_cell(day: date | None) -> str:
    return day.isoformat() if day else ""


def minute_cell(at: datetime | None, zone: tzinfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""
