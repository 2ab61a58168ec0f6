"""Every visit of a period as CSV lines (`/api/v1/visits.csv`): who came, where, when, for
how long, how they left, and who at the desk let them in (or out, or in anyway)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from gym_live.domain.csv_cells import as_text, csv_lines, minute_cell
from gym_live.domain.days import optional_day
from gym_live.domain.errors import InvalidInput

HEADINGS = (
    "visit",
    "member_code",
    "name",
    "location",
    "checked_in",
    "checked_out",
    "stay_minutes",
    "checkout_reason",
    "source",
    "checked_in_by",
    "checked_out_by",
    "override_reason",
)
# The query's fields an error can be about.
FIRST_DAY, LAST_DAY = "from", "to"
# The days a period may name: any a gym has been open, with room for a zone's midnight.
EARLIEST, LATEST = date(1900, 1, 1), date(9999, 12, 30)


@dataclass(frozen=True)
class ExportedVisit:
    id: int
    checked_in_at: datetime
    checked_out_at: datetime | None
    checkout_reason: str | None
    source: str
    override_reason: str | None
    member_code: str
    full_name: str
    location: str
    timezone: str  # the location's: times are written as its clocks showed them
    checked_in_by: str | None
    checked_out_by: str | None


@dataclass(frozen=True)
class Period:
    """Whole days, both included, in the gym's zone; None: no bound on that side."""

    first: date | None
    last: date | None

    def bounds(self, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
        """Check-ins from the first day's midnight up to (not at) the midnight after the
        last day, in `zone`."""
        start = datetime.combine(self.first, time(), zone) if self.first else None
        end = datetime.combine(self.last + timedelta(days=1), time(), zone) if self.last else None
        return start, end

    def label(self) -> str:
        first = self.first.isoformat() if self.first else "the first visit"
        last = self.last.isoformat() if self.last else "today"
        return f"visits from {first} to {last}"


def period(first_day: str | None, last_day: str | None) -> Period:
    """The days typed (YYYY-MM-DD, or none), checked: InvalidInput about the wrong one."""
    first = optional_day(first_day or "", field=FIRST_DAY)
    last = optional_day(last_day or "", field=LAST_DAY)
    for day, field in ((first, FIRST_DAY), (last, LAST_DAY)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise InvalidInput(f"A day from {EARLIEST} to {LATEST}, please.", field=field)
    if first and last and last < first:
        raise InvalidInput("The last day comes before the first.", field=LAST_DAY)
    return Period(first, last)


def heading_line() -> str:
    return csv_lines([HEADINGS])


def visit_lines(visits: Iterable[ExportedVisit]) -> str:
    """CSV lines of these visits; a visit still open has no check-out and no stay."""
    return csv_lines(
        [
            str(v.id),
            as_text(v.member_code),
            as_text(v.full_name),
            as_text(v.location),
            minute_cell(v.checked_in_at, ZoneInfo(v.timezone)),
            minute_cell(v.checked_out_at, ZoneInfo(v.timezone)),
            _stay_minutes(v),
            v.checkout_reason or "",
            v.source,
            as_text(v.checked_in_by or ""),
            as_text(v.checked_out_by or ""),
            as_text(v.override_reason or ""),
        ]
        for v in visits
    )


def _stay_minutes(visit: ExportedVisit) -> str:
    if visit.checked_out_at is None:
        return ""
    return str(int((visit.checked_out_at - visit.checked_in_at).total_seconds() // 60))
