"""Every member as CSV lines (`/members/export.csv`): the columns an import reads under the
same headings (domain.member_import), then what only gym_live knows about the member."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from gym_live.domain.csv_cells import as_text, csv_lines, day_cell, minute_cell
from gym_live.domain.member_import import (
    CODE,
    EMAIL,
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


def heading_line() -> str:
    return csv_lines([HEADINGS])


def member_lines(members: Iterable[ExportedMember], zone: tzinfo) -> str:
    """CSV lines of these members; times are the gym's (`zone`), to the minute."""
    return csv_lines(
        [
            as_text(m.code),
            as_text(m.full_name),
            as_text(m.email or ""),
            as_text(m.phone or ""),
            day_cell(m.valid_until),
            "" if m.visits_left is None else str(m.visits_left),
            m.status,
            m.plan,
            day_cell(m.pass_until),
            day_cell(m.frozen_until),
            as_text(m.freeze_reason or ""),
            minute_cell(m.last_visit_at, zone),
            minute_cell(m.joined_at, zone),
        ]
        for m in members
    )
