"""What one check-in or check-out attempt does inside its transaction (see services.checkin).

Each step reads the facts, lets the domain decide, writes, and collects the events to
publish after commit. A step that finds it lost a race raises LostRace, and the attempt
is retried with fresh facts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime, time

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters import visit_queries
from gym_live.adapters.hashing import verify_secret
from gym_live.domain import checkin as rules
from gym_live.domain import memberships
from gym_live.domain.audit import AuditKind
from gym_live.domain.checkin import Action, CheckinResult, CheckoutReason, OpenVisit, Source
from gym_live.domain.errors import AlreadyCheckedIn, Conflict, ScanRefused, UnknownCode
from gym_live.domain.events import EventKind, GymEvent
from gym_live.domain.members import MemberSnapshot, normalize_code, printable_code, require_pin
from gym_live.models import DeniedAttempt, Location, Member, Visit
from gym_live.services import audit, peaks
from gym_live.services.deps import Deps
from gym_live.services.locations import snapshot
from gym_live.services.members import find_by_code, to_snapshot
from gym_live.services.visits import close_visit


class LostRace(Exception):
    """Another transaction closed the visit between our read and our write."""


@dataclass
class Txn:
    """The facts one attempt works on, and the events it will publish after commit."""

    session: Session
    location: Location
    kiosk_id: int | None
    deps: Deps
    source: Source
    now: datetime
    events: list[GymEvent]
    pin: str | None = None  # typed at the door, if any
    by: int | None = None  # the staff account at the desk, if any
    override: str | None = None  # why the desk admits a refused member anyway


def scan_step(txn: Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    facts = rules.ScanFacts(
        member=member,
        location=snapshot(txn.session, txn.location),
        open_visit=visit,
        last_checkout_at=visit_queries.last_checkout(txn.session, member.id),
        now=txn.now,
        rescan_window=txn.deps.settings.rescan_window,
    )
    if rules.decide_scan(facts) is Action.CHECK_OUT:
        assert visit is not None
        return _close(txn, member, visit, CheckoutReason.MEMBER)
    require_pin(member, txn.pin, lambda typed: _pin_matches(txn.session, member, typed))
    return _open(txn, member, visit)


def _pin_matches(session: Session, member: MemberSnapshot, typed: str) -> bool:
    row = session.get(Member, uuid.UUID(member.id))  # loaded with the scan: no query
    return row is not None and row.pin_hash is not None and verify_secret(typed, row.pin_hash)


def check_in_step(txn: Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    rules.decide_staff_check_in(member, snapshot(txn.session, txn.location), visit, txn.now)
    return _open(txn, member, visit)


def admit_step(
    denial_id: int, txn: Txn, member: MemberSnapshot, visit: OpenVisit | None
) -> CheckinResult:
    """Check in, anyway, a member the door refused (the refusal row locked and marked, so
    two desks admit once); neither the membership nor the room is asked."""
    denial = txn.session.get(DeniedAttempt, denial_id, with_for_update=True)
    assert denial is not None and denial.member_id == uuid.UUID(member.id)
    if denial.admitted_visit_id is not None:
        raise Conflict(f"{member.full_name} was already admitted anyway.")
    where = txn.location
    if visit is not None and visit.location_id == where.id:
        since = rules.local_time(visit.checked_in_at, where.zone_info)
        raise AlreadyCheckedIn(
            f"{member.full_name} is already checked in (since {since}).", since=visit.checked_in_at
        )
    done = _open(txn, member, visit)
    marked = txn.session.execute(
        sa.update(DeniedAttempt)
        .where(DeniedAttempt.id == denial_id, DeniedAttempt.admitted_visit_id.is_(None))
        .values(admitted_visit_id=done.visit_id)
    )
    if marked.rowcount != 1:
        raise LostRace
    txn.events[-1] = replace(txn.events[-1], admitted_at_kiosk=denial.kiosk_id)
    detail = f"{denial.reason} · {txn.override} · {where.name}"
    audit.record(
        txn.session,
        AuditKind.ADMITTED_ANYWAY,
        member.full_name,
        by=txn.by,
        at=txn.now,
        detail=detail,
    )
    return done


def check_out_step(txn: Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    open_visit = rules.require_open_visit(member, visit)
    reason = CheckoutReason.MEMBER if txn.source is Source.KIOSK else CheckoutReason.STAFF
    return _close(txn, member, open_visit, reason)


def _open(txn: Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    """Check in here; a visit left open at another location is closed first (auto)."""
    if visit is not None:
        moved_out = min(
            txn.now,
            rules.auto_checkout_time(visit.checked_in_at, txn.deps.settings.max_stay),
        )
        _close(txn, member, visit, CheckoutReason.AUTO, at=moved_out)
    row = Visit(
        member_id=uuid.UUID(member.id),
        location_id=txn.location.id,
        checked_in_at=txn.now,
        source=txn.source.value,
        checked_in_by=txn.by,
        override_reason=txn.override,
    )
    txn.session.add(row)
    txn.session.flush()  # the partial unique index speaks here if another scan won the race
    assert row.id is not None
    today = txn.now.astimezone(txn.location.zone_info).date()
    # Admitted anyway, a member takes no visit off the pass (they may have none left).
    on_pass = txn.override is None and memberships.uses_a_visit(member, today)
    if not visit_queries.note_visit_began(txn.session, member.id, txn.now, on_pass=on_pass):
        raise LostRace  # the pass's last visit went to another scan: decide again
    txn.events.append(_event(txn, EventKind.CHECK_IN, member, visit_id=row.id))
    after = snapshot(txn.session, txn.location)
    peaks.note_arrival(txn.session, txn.location, txn.now, after.inside_now)
    return CheckinResult(
        Action.CHECK_IN,
        member,
        after,
        row.id,
        row.checked_in_at,
        visits_this_month=_visits_this_month(txn, member),
        visits_left=(member.visits_left or 0) - 1 if on_pass else None,
        ends_on=memberships.ends_soon(member, today),
    )


def _close(
    txn: Txn,
    member: MemberSnapshot,
    visit: OpenVisit,
    reason: CheckoutReason,
    at: datetime | None = None,
) -> CheckinResult:
    location = txn.session.get(Location, visit.location_id)
    assert location is not None
    closed = close_visit(
        txn.session,
        visit,
        at=at or txn.now,
        reason=reason,
        member_id=member.id,
        member_name=member.full_name,
        location_name=location.name,
        source=txn.source.value,
        by=None if reason is CheckoutReason.AUTO else txn.by,
    )
    if closed is None:
        raise LostRace
    txn.events.append(closed)
    return CheckinResult(
        Action.CHECK_OUT,
        member,
        snapshot(txn.session, location),
        visit.id,
        visit.checked_in_at,
        closed.at,
        closed.stay_seconds,
    )


def find_member(txn: Txn, raw_code: str) -> MemberSnapshot:
    row = find_by_code(txn.session, normalize_code(raw_code))
    if row is None:
        raise UnknownCode("This card is not known here.")
    return to_snapshot(row)


def _visits_this_month(txn: Txn, member: MemberSnapshot) -> int:
    """Visits the member began since the 1st of this month, in the location's time zone."""
    local = txn.now.astimezone(txn.location.zone_info)
    month_start = datetime.combine(local.date().replace(day=1), time.min, local.tzinfo)
    return visit_queries.visits_since(txn.session, member.id, month_start)


def record_denial(
    txn: Txn, raw_code: str, member: MemberSnapshot | None, refusal: ScanRefused
) -> None:
    txn.session.add(
        DeniedAttempt(
            code_tried=printable_code(raw_code),
            location_id=txn.location.id,
            member_id=uuid.UUID(member.id) if member else None,
            kiosk_id=txn.kiosk_id,
            reason=refusal.code.value,
            at=txn.now,
        )
    )
    txn.events.append(_event(txn, EventKind.DENIED, member, reason=refusal.code.value))


def _event(txn: Txn, kind: EventKind, member: MemberSnapshot | None, **fields) -> GymEvent:
    """A check-in or a denial here and now (check-outs are described by close_visit)."""
    where = txn.location
    assert where.id is not None
    return GymEvent(
        kind=kind,
        location_id=where.id,
        location_name=where.name,
        at=txn.now,
        member_id=member.id if member else None,
        member_name=member.full_name if member else None,
        source=txn.source.value,
        **fields,
    )
