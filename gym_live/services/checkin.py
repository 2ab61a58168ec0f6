"""Check-in and check-out: one transaction each, announced on the bus only after commit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from gym_live.adapters.db import write_session
from gym_live.adapters.hashing import verify_secret
from gym_live.domain import checkin as rules
from gym_live.domain.checkin import (
    Action,
    CheckoutReason,
    LocationSnapshot,
    OpenVisit,
    Source,
)
from gym_live.domain.errors import (
    Conflict,
    PinRequired,
    ScanRefused,
    UnknownCode,
    WrongPin,
)
from gym_live.domain.events import EventKind, GymEvent
from gym_live.domain.members import MemberSnapshot, normalize_code, printable_code
from gym_live.models import DeniedAttempt, Location, Member, Visit
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location, snapshot
from gym_live.services.members import find_by_code, to_snapshot

# A lost race (another scan of the same card committed first) is retried with fresh facts.
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class CheckinResult:
    action: Action
    member: MemberSnapshot
    location: LocationSnapshot
    visit_id: int
    checked_in_at: datetime
    checked_out_at: datetime | None = None
    stay_seconds: int | None = None
    # For a check-in: the member's visits since the 1st of the month, this one included.
    visits_this_month: int | None = None


@dataclass(frozen=True)
class Entrance:
    """Where a scan happens, as established inside its transaction."""

    location: Location
    kiosk_id: int | None = None  # for the refusal log


@dataclass(frozen=True)
class Door:
    """Who is scanning: the PIN typed, if any, and how the door finds its location.

    `enter` runs first inside the scan's transaction and holds the location's row until
    commit. A kiosk's `enter` checks its token and its recent guesses there, so neither can
    change before the scan is recorded, and the scan costs one transaction.
    """

    pin: str | None = None
    enter: Callable[[Session, datetime], Entrance] | None = None


class _LostRace(Exception):
    """Another transaction closed the visit between our read and our write."""


@dataclass
class _Txn:
    """The facts one attempt works on, and the events it will publish after commit."""

    session: Session
    location: Location
    kiosk_id: int | None
    deps: Deps
    source: Source
    now: datetime
    events: list[GymEvent]
    door: Door


def scan(
    code: str,
    *,
    location: str | None = None,
    source: Source,
    door: Door | None = None,
    deps: Deps,
) -> CheckinResult:
    """A card at the door: check in, or out when already inside (the kiosk toggle)."""
    return _run(code, location, source, deps, _scan, door)


def check_in(
    code: str, *, location: str | None = None, source: Source, deps: Deps
) -> CheckinResult:
    """An explicit check-in (staff, CLI): the door's rules, but never a toggle."""
    return _run(code, location, source, deps, _check_in)


def check_out(
    code: str, *, location: str | None = None, source: Source, deps: Deps
) -> CheckinResult:
    """An explicit check-out, wherever the member is; never refused for the membership."""
    return _run(code, location, source, deps, _check_out)


_Step = Callable[[_Txn, MemberSnapshot, OpenVisit | None], CheckinResult]


def _run(
    code: str,
    location: str | None,
    source: Source,
    deps: Deps,
    step: _Step,
    door: Door | None = None,
) -> CheckinResult:
    door = door or Door()
    assert door.enter is None or location is None, "a door that enters finds its own location"
    for _ in range(MAX_ATTEMPTS):
        try:
            with write_session(deps.engine) as session:
                now = deps.clock()
                entrance = _entrance(session, location, door, now)
                txn = _Txn(
                    session, entrance.location, entrance.kiosk_id, deps, source, now, [], door
                )
                member: MemberSnapshot | None = None  # unknown until the code is looked up
                try:
                    member = _member(txn, code)
                    result = step(txn, member, _open_visit(session, member.id))
                except ScanRefused as refusal:
                    _record_denial(txn, code, member, refusal)
                    session.commit()
                    _publish(deps, txn.events)
                    raise
                session.commit()
            _publish(deps, txn.events)
            return result
        except (IntegrityError, _LostRace):
            continue
    raise Conflict("The card was scanned many times at once; please try again.")


def _entrance(session: Session, location: str | None, door: Door, now: datetime) -> Entrance:
    if door.enter is not None:
        return door.enter(session, now)
    return Entrance(resolve_location(session, location, lock=True))


def _scan(txn: _Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    facts = rules.ScanFacts(
        member=member,
        location=snapshot(txn.session, txn.location),
        open_visit=visit,
        last_checkout_at=_last_checkout(txn.session, member.id),
        now=txn.now,
        rescan_window=txn.deps.settings.rescan_window,
    )
    if rules.decide_scan(facts) is Action.CHECK_OUT:
        assert visit is not None
        return _close(txn, member, visit, CheckoutReason.MEMBER)
    if member.has_pin:
        _check_pin(txn, member)
    return _open(txn, member, visit)


def _check_pin(txn: _Txn, member: MemberSnapshot) -> None:
    """Members who set a PIN are let in only with it (checking out needs none)."""
    if txn.door.pin is None:
        raise PinRequired("Enter your PIN.")
    row = txn.session.get(Member, uuid.UUID(member.id))
    if row is None or row.pin_hash is None or not verify_secret(txn.door.pin, row.pin_hash):
        raise WrongPin("That PIN is not right.")


def _check_in(txn: _Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    rules.decide_staff_check_in(member, snapshot(txn.session, txn.location), visit, txn.now)
    return _open(txn, member, visit)


def _check_out(txn: _Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
    open_visit = rules.require_open_visit(member, visit)
    reason = CheckoutReason.MEMBER if txn.source is Source.KIOSK else CheckoutReason.STAFF
    return _close(txn, member, open_visit, reason)


def _open(txn: _Txn, member: MemberSnapshot, visit: OpenVisit | None) -> CheckinResult:
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
    )
    txn.session.add(row)
    txn.session.flush()  # the partial unique index speaks here if another scan won the race
    assert row.id is not None
    txn.events.append(_event(txn, EventKind.CHECK_IN, member, visit_id=row.id))
    return CheckinResult(
        Action.CHECK_IN,
        member,
        snapshot(txn.session, txn.location),
        row.id,
        row.checked_in_at,
        visits_this_month=_visits_this_month(txn, member),
    )


def _close(
    txn: _Txn,
    member: MemberSnapshot,
    visit: OpenVisit,
    reason: CheckoutReason,
    at: datetime | None = None,
) -> CheckinResult:
    out_at = max(at or txn.now, visit.checked_in_at)  # another instance's clock may run ahead
    closed = txn.session.execute(
        sa.update(Visit)
        .where(Visit.id == visit.id, Visit.checked_out_at.is_(None))
        .values(checked_out_at=out_at, checkout_reason=reason.value)
    )
    if closed.rowcount != 1:
        raise _LostRace
    stay = int((out_at - visit.checked_in_at).total_seconds())
    location = txn.session.get(Location, visit.location_id)
    assert location is not None
    txn.events.append(
        _event(
            txn,
            EventKind.CHECK_OUT,
            member,
            visit_id=visit.id,
            stay_seconds=stay,
            reason=reason.value,
            location=location,
            at=out_at,
        )
    )
    return CheckinResult(
        Action.CHECK_OUT,
        member,
        snapshot(txn.session, location),
        visit.id,
        visit.checked_in_at,
        out_at,
        stay,
    )


def _member(txn: _Txn, raw_code: str) -> MemberSnapshot:
    row = find_by_code(txn.session, normalize_code(raw_code))
    if row is None:
        raise UnknownCode("This card is not known here.")
    return to_snapshot(row)


def _open_visit(session: Session, member_id: str) -> OpenVisit | None:
    row = session.execute(_OPEN_VISIT, {"member_id": uuid.UUID(member_id)}).first()
    return OpenVisit(*row) if row else None


def _last_checkout(session: Session, member_id: str) -> datetime | None:
    return session.scalar(_LAST_CHECKOUT, {"member_id": uuid.UUID(member_id)})


def _visits_this_month(txn: _Txn, member: MemberSnapshot) -> int:
    """Visits the member began since the 1st of this month, in the location's time zone."""
    local = txn.now.astimezone(txn.location.zone_info)
    month_start = datetime.combine(local.date().replace(day=1), time.min, local.tzinfo)
    params = {"member_id": uuid.UUID(member.id), "since": month_start}
    return int(txn.session.scalar(_VISITS_SINCE, params) or 0)


# The scan's statements, built once with bound parameters: a scan runs under the location's
# lock, and building a statement costs SQLAlchemy more than SQLite takes to run it.
_MEMBER = sa.bindparam("member_id")
_OPEN_VISIT = sa.select(Visit.id, Visit.location_id, Visit.checked_in_at).where(
    Visit.member_id == _MEMBER, Visit.checked_out_at.is_(None)
)
_LAST_CHECKOUT = sa.select(sa.func.max(Visit.checked_out_at)).where(Visit.member_id == _MEMBER)
_VISITS_SINCE = sa.select(sa.func.count()).where(
    Visit.member_id == _MEMBER, Visit.checked_in_at >= sa.bindparam("since")
)


def _record_denial(
    txn: _Txn, raw_code: str, member: MemberSnapshot | None, refusal: ScanRefused
) -> None:
    txn.session.add(
        DeniedAttempt(
            code_tried=printable_code(raw_code),
            location_id=txn.location.id,
            member_id=uuid.UUID(member.id) if member else None,
            kiosk_id=txn.kiosk_id,
            reason=refusal.code,
            at=txn.now,
        )
    )
    txn.events.append(
        _event(
            txn,
            EventKind.DENIED,
            member,
            reason=refusal.code,
        )
    )


def _event(
    txn: _Txn,
    kind: EventKind,
    member: MemberSnapshot | None,
    *,
    location: Location | None = None,
    at: datetime | None = None,
    **fields,
) -> GymEvent:
    where = location or txn.location
    assert where.id is not None
    return GymEvent(
        kind=kind,
        location_id=where.id,
        location_name=where.name,
        at=at or txn.now,
        member_id=member.id if member else None,
        member_name=member.full_name if member else None,
        source=txn.source.value,
        **fields,
    )


def _publish(deps: Deps, events: list[GymEvent]) -> None:
    for event in events:
        deps.bus.publish(event)
