"""Auto check-out: close visits that outstayed the maximum, safely from many instances at once."""

from __future__ import annotations

from gym_live.adapters import visit_queries
from gym_live.adapters.db import write_session
from gym_live.domain.checkin import CheckoutReason, OpenVisit, auto_checkout_time, overdue_before
from gym_live.domain.events import GymEvent
from gym_live.services import webhooks
from gym_live.services.deps import Deps
from gym_live.services.visits import close_visit

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
            overdue = visit_queries.overdue(session, overdue_before(now, max_stay), BATCH_SIZE)
            batch = []
            for visit, member_name, location_name in overdue:
                assert visit.id is not None
                closed = close_visit(
                    session,
                    OpenVisit(visit.id, visit.location_id, visit.checked_in_at),
                    at=auto_checkout_time(visit.checked_in_at, max_stay),
                    reason=CheckoutReason.AUTO,
                    member_id=str(visit.member_id),
                    member_name=member_name,
                    location_name=location_name,
                )
                if closed is not None:
                    batch.append(closed)
            webhooks.enqueue(session, batch, deps)
            session.commit()
        for event in batch:
            deps.bus.publish(event)
        events.extend(batch)
        if len(overdue) < BATCH_SIZE:
            return events
