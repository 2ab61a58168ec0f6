"""Turns a location's live view into what its dashboard shows: texts, times, rows; and the
rows of the admin pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from gym_live import wording
from gym_live.domain.api_keys import ApiKeyInfo
from gym_live.domain.audit import AuditEntry
from gym_live.domain.checkin import CheckinResult, LocationSnapshot
from gym_live.domain.errors import GymLiveError
from gym_live.domain.feed import DENIED_KEY, FeedItem, FeedKind
from gym_live.domain.kiosks import is_online
from gym_live.domain.member_list import validity
from gym_live.domain.members import MemberSnapshot
from gym_live.domain.staff import StaffMember
from gym_live.services.kiosks import KioskInfo
from gym_live.services.live_view import InsideNow, LocationView
from gym_live.services.member_record import DenialLine, VisitLine
from gym_live.services.members import MemberListing
from gym_live.services.webhooks import DeliveryLine
from gym_live.staff_files import photo_url

DashboardValues = dict[str, Any]
# The rows of a dashboard: read and sent after its numbers, which are smaller and cheaper.
ROW_VALUES = ("feed", "inside")
# What the hub adds to every view: when it last changed, every location's name, and what
# the dashboard says while live updates are delayed ("" while they are not).
UPDATED_AT, LOCATIONS, RELAY_NOTICE = "updated_at", "locations", "relay_notice"
NO_STAY = "\u2013"  # an en dash: no completed visit today yet


def welcome_title(first_name: str) -> str:
    """What the door says to a member it lets in (the kiosk, the REST API)."""
    return f"Welcome, {first_name}!"


def goodbye_title(first_name: str) -> str:
    """What the door says to a member on the way out (the kiosk adds the stay)."""
    return f"Goodbye, {first_name}"


def welcome_detail(done: CheckinResult) -> str:
    """The kiosk's line under "Welcome, Anna!": what the check-in ran on (the visits left on
    the pass, or the membership's end), when that ends within a week, and the month's
    visits. "Friday" is read in the location's time zone."""
    today = done.checked_in_at.astimezone(done.location.zone).date()
    if done.visits_left is not None:
        left = done.visits_left
        parts = [f"{left} visit{'s' * (left != 1)} left" if left else "The last visit on your pass"]
    elif done.member.valid_until is not None:
        parts = [f"Membership valid until {day_text(done.member.valid_until)}"]
    else:
        parts = ["Membership active"]
    if done.ends_on is not None:
        what = "pass" if done.visits_left is not None else "membership"
        parts.append(f"Your {what} ends {_day_name(done.ends_on, today)}")
    visits = done.visits_this_month or 0
    parts.append(f"{visits} visit{'s' * (visits != 1)} this month")
    return " \u00b7 ".join(parts)


def _day_name(day: date, today: date) -> str:
    """today, tomorrow, or "on Friday" (within the week ahead)."""
    return {0: "today", 1: "tomorrow"}.get((day - today).days, f"on {day:%A}")


def hours_minutes(minutes: float | None) -> str:
    """75.0 -> '1:15'."""
    if minutes is None:
        return NO_STAY
    whole = int(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


def stay_text(seconds: int) -> str:
    """4320 -> '1 h 12 min'; 540 -> '9 min'."""
    hours, minutes = divmod(seconds // 60, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def feed_row(item: FeedItem) -> dict[str, str]:
    if item.kind is FeedKind.DENIED:
        detail = wording.for_staff(item.reason)
    elif item.stay_seconds is not None:
        detail = stay_text(item.stay_seconds)
    else:
        detail = ""
    if item.by:
        by = f"admitted by {item.by} · {item.override}" if item.override else f"by {item.by}"
        detail = f"{detail} · {by}" if detail else by
    return {
        "id": item.key,
        "kind": item.kind.value,
        "name": item.member_name or wording.UNKNOWN_PERSON,
        "action": wording.FEED_ACTIONS[item.kind],
        "detail": detail,
        "location": item.location_name,
        "at": item.at.isoformat(),
        "photo": photo_url(item.photo),
        # A refusal the desk may still overrule: its denied attempt's id ("" otherwise).
        "admit": item.key.removeprefix(DENIED_KEY) if item.admittable else "",
        "from_kiosk": "yes" if item.at_kiosk else "",
    }


def inside_row(row: InsideNow, zone: ZoneInfo) -> dict[str, str]:
    return {
        "code": row.member_code,
        "name": row.member_name,
        "search": f"{row.member_name} {row.member_code}".lower(),
        "since": row.since.astimezone(zone).strftime("%H:%M"),
        "since_iso": row.since.isoformat(),
        "photo": photo_url(row.photo),
    }


def relay_notice(delayed: bool, reconcile_every: timedelta) -> str:
    """What dashboards say while this instance does not hear the event bus: they then show
    what the reconcile reads, every `reconcile_every`."""
    if not delayed:
        return ""
    every = f"{reconcile_every.total_seconds():g} s"
    return f"Live updates delayed \u2014 showing numbers every {every}"


def dashboard_values(view: LocationView) -> DashboardValues:
    """The page state's vars for one location, by name: the numbers, the rows, or both.

    Applied to the dashboard's state by name (`states.live.LiveState`), so every key must be
    one of its vars: `tests/unit/test_dashboard_values.py` checks that they are.
    """
    values: DashboardValues = {}
    if (stats := view.stats) is not None:
        values |= {
            "location_name": view.location_name,
            "inside_now": stats.inside_now,
            "checkins_today": stats.checkins_today,
            "avg_stay": hours_minutes(stats.avg_stay_minutes),
            "peak_today": stats.peak_today,
            "capacity": stats.capacity,
            "capacity_used_pct": stats.capacity_used_pct,
            "hourly": [
                {"hour": f"{hour:02d}", "checkins": count}
                for hour, count in enumerate(stats.hourly_checkins)
            ],
        }
    if view.feed is not None and view.inside is not None:
        zone = ZoneInfo(view.timezone)
        values |= {
            "feed": [feed_row(item) for item in view.feed],
            "inside": [inside_row(row, zone) for row in view.inside],
        }
    return values


def staff_row(member: StaffMember) -> dict[str, str]:
    """A row of /staff; times as ISO text, shown in the browser's own time zone."""
    return {
        "username": member.username,
        "name": member.display_name,
        "role": member.role.value,
        "active": "yes" if member.active else "",
        "last_sign_in": member.last_sign_in_at.isoformat() if member.last_sign_in_at else "",
    }


def location_row(location: LocationSnapshot) -> dict[str, str]:
    return {
        "id": str(location.id),
        "name": location.name,
        "capacity": str(location.capacity),
        "timezone": location.timezone,
        "inside_now": str(location.inside_now),
    }


def audit_row(entry: AuditEntry) -> dict[str, str]:
    return {
        "at": entry.at.isoformat(),
        "kind": entry.kind.value,
        "what": wording.AUDIT_KINDS[entry.kind],
        "who": entry.actor or wording.NO_ACCOUNT,
        "subject": entry.subject,
        "detail": entry.detail,
    }


def kiosk_row(kiosk: KioskInfo, now: datetime) -> dict[str, str]:
    """A kiosk's line; `presence` is online, offline (since `last_seen`) or never (opened)."""
    seen = kiosk.last_seen_at
    presence = "never" if seen is None else "online" if is_online(seen, now) else "offline"
    return {
        "id": str(kiosk.id),
        "name": kiosk.name,
        "location": kiosk.location_name,
        "status": kiosk.status,
        "paired_at": _iso(kiosk.paired_at),
        "presence": presence if kiosk.status == "paired" else "",
        "last_seen": _iso(seen),
    }


def api_key_row(key: ApiKeyInfo) -> dict[str, str]:
    """An integration's line on /integrations: never its key."""
    return {
        "id": str(key.id),
        "name": key.name,
        "scopes": " · ".join(wording.SCOPES[scope] for scope in key.scopes),
        "locations": ", ".join(key.locations) or wording.EVERY_LOCATION,
        "status": key.status,
        "created_at": _iso(key.created_at),
        "last_used": _iso(key.last_used_at),
        "webhook_url": key.webhook_url or "",
    }


def delivery_row(line: DeliveryLine) -> dict[str, str]:
    """A line of /integrations' webhook delivery log."""
    answer = str(line.last_status) if line.last_status is not None else line.last_error or ""
    return {
        "id": str(line.id),
        "at": _iso(line.created_at),
        "integration": line.integration,
        "event": wording.WEBHOOK_EVENTS.get(line.kind, line.kind),
        "status": line.status,
        "attempts": str(line.attempts),
        "answer": answer,
    }


def _iso(at: datetime | None) -> str:
    return at.isoformat() if at else ""


def day_text(day: date | None) -> str:
    """A day as staff read it: 5 Dec 2026 (empty for none)."""
    return f"{day.day} {day:%b %Y}" if day else ""


def member_line(member: MemberListing, today: date) -> dict[str, str]:
    """A line of the members list; `validity` marks an expired or soon ending membership."""
    until = member.valid_until
    marked = validity(until, today)
    return {
        "code": member.code,
        "name": member.full_name,
        "email": member.email or "",
        "phone": member.phone or "",
        "status": member.status.value,
        "valid_until": day_text(until),
        "validity": marked.value if marked else "",
        "last_visit": _iso(member.last_visit_at),
        "inside": "yes" if member.inside else "",
    }


def membership_line(rules: MemberSnapshot, freeze_reason: str | None) -> dict[str, str]:
    """A member page's plan, pass and freeze, as its details show them."""
    left = rules.visits_left
    return {
        "plan": rules.plan.value,
        "pass": "" if left is None else f"{left} visit{'s' * (left != 1)} left",
        "pass_until": day_text(rules.pass_until),
        "freeze_reason": freeze_reason or "",
        "frozen_until": day_text(rules.frozen_until),
    }


def visit_line(visit: VisitLine) -> dict[str, str]:
    """A line of a member's visit history: when, where, how long, and who let them in."""
    out = visit.checked_out_at
    stay = stay_text(int((out - visit.checked_in_at).total_seconds())) if out else "inside now"
    admitted = wording.SOURCES.get(visit.source, visit.source)
    if visit.checked_in_by:
        admitted = f"{admitted} · by {visit.checked_in_by}"
    if visit.override_reason:
        admitted = f"{admitted} · admitted anyway: {visit.override_reason}"
    return {
        "in": local_time(visit.checked_in_at, visit.zone),
        "location": visit.location,
        "stay": stay + (" (closed by the sweep)" if visit.checkout_reason == "auto" else ""),
        "admitted": admitted,
    }


def denial_line(denial: DenialLine) -> dict[str, str]:
    return {
        "at": local_time(denial.at, denial.zone),
        "location": denial.location,
        "reason": wording.for_staff(denial.reason),
        "where": denial.kiosk or wording.SOURCES["staff"],
    }


def local_time(at: datetime, zone: str) -> str:
    """A moment as the location's clock showed it ("1 Dec 2026, 18:05"), wherever the
    browser that shows it is."""
    local = at.astimezone(ZoneInfo(zone))
    return f"{local.day} {local:%b %Y, %H:%M}"


def field_errors(exc: GymLiveError, fields: tuple[str, ...]) -> dict[str, str]:
    """A form's errors: the message beside its field; one about no field goes under "form"."""
    return {exc.field if exc.field in fields else "form": exc.message}
