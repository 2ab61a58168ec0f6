"""A deterministic demo gym: one location, members in every state, some visits today."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from gym_live.adapters.db import write_session
from gym_live.domain.checkin import CheckoutReason, Source
from gym_live.domain.errors import Conflict, InvalidInput
from gym_live.domain.member_status import FREEZE_REASONS
from gym_live.domain.members import MemberStatus, Plan
from gym_live.domain.stats import day_window
from gym_live.models import Location, Member, Visit
from gym_live.services.deps import Deps

FIRST_CODE = 10000001
DEMO_CAPACITY = 60
_FIRST = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elif",
    "Farid",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kemal",
    "Lena",
    "Marco",
    "Nora",
    "Omar",
    "Paula",
    "Quentin",
    "Rosa",
    "Sven",
    "Tara",
]
_LAST = [
    "Schmidt",
    "Okafor",
    "Rossi",
    "Novak",
    "Yilmaz",
    "Haddad",
    "Larsen",
    "Moreau",
    "Silva",
    "Weber",
    "Kowalski",
    "Tanaka",
]


DEMO_FREEZE_REASON = FREEZE_REASONS[0]
# Every 10th+7 member comes on a visit pass, with this many visits left.
DEMO_PASS_MEMBERS, DEMO_VISITS_LEFT = 7, 7


def demo_code(index: int) -> str:
    """Demo member i (0-based) carries card number 10000001 + i."""
    return str(FIRST_CODE + index)


def demo_status(index: int, today: date) -> tuple[MemberStatus, date]:
    """Every 10th member is frozen, every 10th+1 cancelled, every 10th+2 expired, and every
    10th+5 ends within two weeks (the members list's "expiring" filter); every 10th+7 is
    on a visit pass instead (seed_demo)."""
    status = {0: MemberStatus.FROZEN, 1: MemberStatus.CANCELLED}.get(
        index % 10, MemberStatus.ACTIVE
    )
    days = {2: -3, 5: 9}.get(index % 10, 365)
    return status, today + timedelta(days=days)


def seed_demo(*, members: int = 40, deps: Deps) -> dict[str, int]:
    """Fill an empty database; refuse to touch one that already has data."""
    if not 10 <= members <= 100_000:
        raise InvalidInput("--members must be between 10 and 100000.")
    now = deps.clock()
    with write_session(deps.engine) as session:
        if session.scalar(sa.select(sa.func.count()).select_from(Location)):
            raise Conflict("The database already has data; the demo only seeds an empty one.")
        location = Location(
            name=deps.settings.demo_location,
            capacity=DEMO_CAPACITY,
            timezone=deps.settings.timezone,
        )
        session.add(location)
        session.flush()
        window = day_window(now, location.zone_info)
        rows = []
        for i in range(members):
            status, valid_until = demo_status(i, window.day)
            on_a_pass = i % 10 == DEMO_PASS_MEMBERS
            rows.append(
                Member(
                    id=uuid.UUID(int=i + 1),
                    member_code=demo_code(i),
                    full_name=f"{_FIRST[i % len(_FIRST)]} {_LAST[(i * 7) % len(_LAST)]}",
                    status=status.value,
                    freeze_reason=DEMO_FREEZE_REASON if status is MemberStatus.FROZEN else None,
                    valid_until=None if on_a_pass else valid_until,
                    plan=(Plan.VISITS if on_a_pass else Plan.TIME).value,
                    visits_left=DEMO_VISITS_LEFT if on_a_pass else None,
                    created_at=now,
                )
            )
        session.add_all(rows)
        visits = _todays_visits(rows, location.id, window.start, now)
        session.add_all(visits)
        session.commit()
    return {"locations": 1, "members": members, "visits": len(visits)}


def _todays_visits(
    members: list[Member], location_id: int | None, day_start: datetime, now: datetime
) -> list[Visit]:
    """Active members: eight finished a workout earlier today, six are training now (each
    member's last visit is set to theirs)."""
    active = [m for i, m in enumerate(members) if i % 10 >= 3][:14]
    elapsed = now - day_start
    visits = []
    for n, member in enumerate(active):
        if n < 8:  # spread over the day so far, each 40 to 110 minutes long
            arrived = day_start + elapsed * (n + 1) / 12
            left = arrived + min(timedelta(minutes=40 + 10 * n), (now - arrived) * 0.8)
        else:  # arrived within the last hour and a half, after the eight above
            # (just after midnight the day so far is short: they share its last 30 %)
            arrived = now - min(timedelta(minutes=15 * (n - 7)), elapsed * (n - 7) / 20)
            left = None
        member.last_visit_at = arrived
        visits.append(
            Visit(
                member_id=member.id,
                location_id=location_id,
                checked_in_at=arrived,
                checked_out_at=left,
                checkout_reason=CheckoutReason.MEMBER.value if left else None,
                source=Source.KIOSK.value,
            )
        )
    return visits
