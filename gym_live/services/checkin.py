"""Check-in and check-out: one transaction each, retried on a lost race, announced on the bus
only after commit. What an attempt does inside its transaction: services.checkin_steps."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from gym_live.adapters import metrics, visit_queries
from gym_live.adapters.db import deadlocked, write_session
from gym_live.domain.checkin import CheckinResult, OpenVisit, Source
from gym_live.domain.errors import Conflict, ScanRefused
from gym_live.domain.events import GymEvent
from gym_live.domain.members import MemberSnapshot
from gym_live.models import Location
from gym_live.services import checkin_steps as steps
from gym_live.services import webhooks
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location

# A lost race (another scan of the same card committed first) is retried with fresh facts.
MAX_ATTEMPTS = 5


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
    change before the scan is recorded, and the scan costs one transaction. An API call's
    `enter` claims its idempotency key there, and its `answered` stores the answer.
    """

    pin: str | None = None
    enter: Callable[[Session, datetime], Entrance] | None = None
    # Called with the outcome (a result, or the refusal) just before it commits, so what a
    # caller records of it (an API's answer to a retried request) commits with it.
    answered: Callable[[Session, CheckinResult | ScanRefused], None] | None = None


def scan(
    code: str,
    *,
    location: str | None = None,
    source: Source,
    door: Door | None = None,
    deps: Deps,
) -> CheckinResult:
    """A card at the door: check in, or out when already inside (the kiosk toggle)."""
    return _run(code, location, source, deps, steps.scan_step, door)


def check_in(
    code: str,
    *,
    location: str | None = None,
    source: Source,
    by: int | None = None,
    deps: Deps,
) -> CheckinResult:
    """An explicit check-in (staff, CLI): the door's rules, but never a toggle."""
    return _run(code, location, source, deps, steps.check_in_step, by=by)


def check_out(
    code: str,
    *,
    location: str | None = None,
    source: Source,
    by: int | None = None,
    deps: Deps,
) -> CheckinResult:
    """An explicit check-out, wherever the member is; never refused for the membership."""
    return _run(code, location, source, deps, steps.check_out_step, by=by)


def admit(
    code: str, denial_id: int, *, location: str, override: str, by: int | None, deps: Deps
) -> CheckinResult:
    """Check in, anyway, a member the door refused at `location` (services.overrides)."""
    step = functools.partial(steps.admit_step, denial_id)
    return _run(code, location, Source.STAFF, deps, step, by=by, override=override)


_Step = Callable[[steps.Txn, MemberSnapshot, OpenVisit | None], CheckinResult]


def _run(
    code: str,
    location: str | None,
    source: Source,
    deps: Deps,
    step: _Step,
    door: Door | None = None,
    by: int | None = None,
    override: str | None = None,
) -> CheckinResult:
    door = door or Door()
    assert door.enter is None or location is None, "a door that enters finds its own location"
    for _ in range(MAX_ATTEMPTS):
        try:
            with write_session(deps.engine) as session:
                now = deps.clock()
                entrance = _entrance(session, location, door, now)
                txn = steps.Txn(
                    session,
                    entrance.location,
                    entrance.kiosk_id,
                    deps,
                    source,
                    now,
                    [],
                    door.pin,
                    by,
                    override,
                )
                member: MemberSnapshot | None = None  # unknown until the code is looked up
                try:
                    member = steps.find_member(txn, code)
                    result = step(txn, member, visit_queries.open_visit(session, member.id))
                except ScanRefused as refusal:
                    steps.record_denial(txn, code, member, refusal)
                    _before_commit(door, txn, refusal)
                    session.commit()
                    _publish(deps, txn.events)
                    raise
                _before_commit(door, txn, result)
                session.commit()
            _publish(deps, txn.events)
            return result
        except (IntegrityError, steps.LostRace):
            continue
        except OperationalError as error:
            # A check-in that moves a member from another location also writes that
            # location's kept peak (services.peaks): two such at once, or one beside the
            # sweep, may each hold the row the other needs. PostgreSQL ends one; it is
            # tried again.
            if not deadlocked(error):
                raise
    raise Conflict("The card was scanned many times at once; please try again.")


def _entrance(session: Session, location: str | None, door: Door, now: datetime) -> Entrance:
    if door.enter is not None:
        return door.enter(session, now)
    return Entrance(resolve_location(session, location, lock=True))


def _before_commit(door: Door, txn: steps.Txn, outcome: CheckinResult | ScanRefused) -> None:
    """What commits with the outcome: the door's record of its answer, the webhooks'
    deliveries of its events."""
    if door.answered is not None:
        door.answered(txn.session, outcome)
    webhooks.enqueue(txn.session, txn.events, txn.deps)


def _publish(deps: Deps, events: list[GymEvent]) -> None:
    for event in events:
        metrics.count_scan(event)
        deps.bus.publish(event)
