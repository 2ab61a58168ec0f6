"""A member's record for their page: details, visits (newest first, a page at a time) and
refused check-ins. Read-only; staff only, by the guard."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from gym_live.adapters.db import read_session
from gym_live.domain.errors import InvalidCode, NotFound
from gym_live.domain.members import MemberSnapshot, normalize_code, printable_code
from gym_live.models import DeniedAttempt, Kiosk, Location, Member, Staff, Visit
from gym_live.services.deps import Deps
from gym_live.services.members import MemberListing, find_by_code, listing, to_snapshot

HISTORY_PAGE_SIZE = 20
DENIALS_SHOWN = 20


@dataclass(frozen=True)
class VisitLine:
    checked_in_at: datetime
    checked_out_at: datetime | None
    location: str
    zone: str  # the location's time zone: its times are read in it, as its dashboard shows
    source: str
    checkout_reason: str | None
    checked_in_by: str | None  # the desk account's name, if the desk admitted them
    override_reason: str | None  # why the desk admitted them although the door refused


@dataclass(frozen=True)
class DenialLine:
    at: datetime
    location: str
    zone: str
    reason: str
    kiosk: str | None


@dataclass(frozen=True)
class MemberRecord:
    member: MemberListing
    rules: MemberSnapshot  # what the door's rules see: the plan, the pass, the PIN, a freeze
    freeze_reason: str | None  # while frozen: why
    photo: str | None  # the stored photo's name
    visits: list[VisitLine]
    has_older_visits: bool
    denials: list[DenialLine]


def member_record(code: str, *, visits_page: int = 0, deps: Deps) -> MemberRecord:
    """NotFound when no member has this card number (typed into the address, say)."""
    missing = NotFound(f"No member has card number {printable_code(code.strip())}.")
    try:
        wanted = normalize_code(code)
    except InvalidCode:
        raise missing from None
    with read_session(deps.engine) as session:
        member = find_by_code(session, wanted)
        if member is None:
            raise missing
        inside = session.scalar(_INSIDE, {"member_id": member.id}) is not None
        visits = session.execute(
            _VISITS,
            {
                "member_id": member.id,
                "limit": HISTORY_PAGE_SIZE + 1,
                "offset": visits_page * HISTORY_PAGE_SIZE,
            },
        ).all()
        denials = session.execute(_DENIALS, {"member_id": member.id}).all()
        return MemberRecord(
            listing(member, inside),
            to_snapshot(member),
            member.freeze_reason,
            member.photo,
            [VisitLine(*row) for row in visits[:HISTORY_PAGE_SIZE]],
            len(visits) > HISTORY_PAGE_SIZE,
            [DenialLine(*row) for row in denials],
        )


_MEMBER_ID = sa.bindparam("member_id", type_=Member.__table__.c.id.type)
_INSIDE = sa.select(Visit.id).where(Visit.member_id == _MEMBER_ID, Visit.checked_out_at.is_(None))
_VISITS = (
    sa.select(
        Visit.checked_in_at,
        Visit.checked_out_at,
        Location.name,
        Location.timezone,
        Visit.source,
        Visit.checkout_reason,
        Staff.display_name,
        Visit.override_reason,
    )
    .join(Location, Location.id == Visit.location_id)
    .outerjoin(Staff, Staff.id == Visit.checked_in_by)
    .where(Visit.member_id == _MEMBER_ID)
    .order_by(Visit.checked_in_at.desc(), Visit.id.desc())
    .limit(sa.bindparam("limit"))
    .offset(sa.bindparam("offset"))
)
_DENIALS = (
    sa.select(DeniedAttempt.at, Location.name, Location.timezone, DeniedAttempt.reason, Kiosk.name)
    .join(Location, Location.id == DeniedAttempt.location_id)
    .outerjoin(Kiosk, Kiosk.id == DeniedAttempt.kiosk_id)
    .where(DeniedAttempt.member_id == _MEMBER_ID)
    .order_by(DeniedAttempt.at.desc(), DeniedAttempt.id.desc())
    .limit(DENIALS_SHOWN)
)
