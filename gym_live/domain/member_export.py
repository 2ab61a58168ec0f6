"""Every member as CSV lines (`/members/export.csv`): the columns an import reads under the
same headings (domain.member_import), then what only gym_live knows about the member."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from gym_live.domain.member_import import (
    CODE,
    EMAIL,
    FORMULA_STARTS,
    NAME,
    PHONE,
    VALID,
    VISITS,
)

HEADINGS = (
    CODE,
    NAME,
    EMAIL,
    PHONE,
    VALID,
    VISITS,
    "status",
    "plan",
    "pass_until",
    "frozen_until",
    "freeze_reason",
    "last_visit",
    "joined",
)
# A cell that would start a formula (FORMULA_STARTS) is written with a leading ', which
# spreadsheets hide and an import drops, unless it is only a number, as a phone number is:
# a spreadsheet computes nothing from it.
_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().-]*")


@dataclass(frozen=True)
class ExportedMember:
    code: str
    full_name: str
    email: str | None
    phone: str | None
    valid_until: date | None
    visits_left: int | None
    status: str
    plan: str
    pass_until: date | None
    frozen_until: date | None
    freeze_reason: str | None
    last_visit_at: datetime | None
    joined_at: datetime


def as_text(cell: str) -> str:
    """The cell as a spreadsheet must show it: text, never a formula."""
    if cell.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def heading_line() -> str:
    return _lines([HEADINGS])


def member_lines(members: Iterable[ExportedMember], zone: tzinfo) -> str:
    """CSV lines of these members; times are the gym's (`zone`), to the minute."""
    return _lines(
        [
            as_text(m.code),
            as_text(m.full_name),
            as_text(m.email or ""),
            as_text(m.phone or ""),
            _day(m.valid_until),
            "" if m.visits_left is None else str(m.visits_left),
            m.status,
            m.plan,
            _day(m.pass_until),
            _day(m.frozen_until),
            as_text(m.freeze_reason or ""),
            _time(m.last_visit_at, zone),
            _time(m.joined_at, zone),
        ]
        for m in members
    )


def _lines(rows: Iterable[Iterable[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _day(day: date | None) -> str:
    return day.isoformat() if day else ""


def _time(at: datetime | None, zone: tzinfo) -> str:
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if at else ""
