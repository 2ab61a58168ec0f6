"""Auto check-out: close visits that outstayed the maximum, safely from many instances at once."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from gym_live.adapters.db import write_session
from gym_live.domain.checkin import CheckoutReason, auto_checkout_time, overdue_before
from gym_live.domain.events import EventKind, GymEvent
from gym_live.models import Location, Member, Visit
from gym_live.services.deps import Deps

BATCH_SIZE = 500


def auto_checkout(*, deps: Deps) -> list[GymEvent]:
    """Close every overdue visit and publish one check-out event per visit closed here.

    Each close is conditional on the visit still being open, so two instances sweeping at
    the same moment close each visit once and announce it once.
    """
    now, max_stay = deps.clock(), deps.settings.max_stay
    events: list[GymEvent] = []
    while True:
        with write_session(deps.engine) as session:
            overdue = session.exec(
                select(Visit, Member.full_name, Location.name)
                .join(Member, Member.id == Visit.member_id)
                .join(Location, Location.id == Visit.location_id)
                .where(
                    Visit.checked_out_at.is_(None),
                    Visit.checked_in_at < overdue_before(now, max_stay),
                )
                .order_by(Visit.checked_in_at)
                .limit(BATCH_SIZE)
            ).all()
            batch = []
            for visit, member_name, location_name in overdue:
                out_at = auto_checkout_time(visit.checked_in_at, max_stay)
                closed = session.execute(
                    sa.update(Visit)
                    .where(Visit.id == visit.id, Visit.checked_out_at.is_(None))
                    .values(checked_out_at=out_at, checkout_reason=CheckoutReason.AUTO.value)
                )
                if closed.rowcount == 1:
                    batch.append(
                        GymEvent(
                            kind=EventKind.CHECK_OUT,
                            location_id=visit.location_id,
                            location_name=location_name,
                            at=out_at,
                            member_id=str(visit.member_id),
                            member_name=member_name,
                            visit_id=visit.id,
                            stay_seconds=int(max_stay.total_seconds()),
                            reason=CheckoutReason.AUTO.value,
                        )
                    )
            session.commit()
        for event in batch:
            deps.bus.publish(event)
        events.extend(batch)
        if len(overdue) < BATCH_SIZE:
            return events
