"""A scan sent through the REST API: the kiosk's decision, and, when the call carries an
Idempotency-Key, its answer stored in the scan's own transaction, so a retry within a day
gets the first answer instead of a second scan (which would check the member out)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import write_session
from gym_live.domain.api_keys import IDEMPOTENCY_HOURS, ApiKeyInfo
from gym_live.domain.checkin import CheckinResult, Source
from gym_live.domain.errors import ScanRefused
from gym_live.models import ApiRequest
from gym_live.services import checkin
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location

REMEMBERED = timedelta(hours=IDEMPOTENCY_HOURS)
Outcome = CheckinResult | ScanRefused


class Replayed(Exception):
    """This key sent this Idempotency-Key before: `answer` is what it was told then."""

    def __init__(self, answer: str) -> None:
        super().__init__("replayed")
        self.answer = answer


def scan(
    code: str,
    location: str,
    *,
    key: ApiKeyInfo,
    idempotency_key: str | None,
    answer_of: Callable[[Outcome], str],
    deps: Deps,
) -> CheckinResult:
    """Check in, or out; raises ScanRefused as the kiosk would, or Replayed."""
    door = checkin.Door()
    if idempotency_key is not None:
        door = checkin.Door(
            enter=lambda session, now: _claim(session, location, key.id, idempotency_key, now),
            answered=lambda session, outcome: _remember(
                session, key.id, idempotency_key, answer_of(outcome), deps.clock()
            ),
        )
        location_name: str | None = None  # the door's `enter` finds it
    else:
        location_name = location
    return checkin.scan(code, location=location_name, source=Source.API, door=door, deps=deps)


def forget_old_requests(*, deps: Deps) -> int:
    """Answers older than a day are no longer replayed: delete them (the sweep calls this)."""
    with write_session(deps.engine) as session:
        gone = session.execute(
            sa.delete(ApiRequest).where(ApiRequest.created_at < deps.clock() - REMEMBERED)
        )
        session.commit()
        return gone.rowcount


def _claim(
    session: Session, location: str, key_id: int, idempotency_key: str, now: datetime
) -> checkin.Entrance:
    """Inside the scan's transaction, after its location's row is locked: a request with
    this key already answered raises Replayed (a concurrent one waited for it on the lock)."""
    where = resolve_location(session, location, lock=True)
    seen = session.get(ApiRequest, (key_id, idempotency_key))
    if seen is not None:
        if now - seen.created_at < REMEMBERED:
            raise Replayed(seen.answer)
        session.delete(seen)
        session.flush()
    return checkin.Entrance(where)


def _remember(
    session: Session, key_id: int, idempotency_key: str, answer: str, now: datetime
) -> None:
    session.add(
        ApiRequest(
            api_key_id=key_id, idempotency_key=idempotency_key, created_at=now, answer=answer
        )
    )
