"""Today's numbers with the day's settled quarter hours kept (services.stats) equal the
numbers counted by hand from all of the day's visits, at every step of a seeded day on
each database: a stay across midnight, check-outs, the sweep's auto check-outs, quarters
settling as the clock goes on. A check-in that commits late, within the grace, is counted,
and so is a visit added behind the app's back into a settled quarter; a stay changed by
hand shows after `reports recount`, or by itself once the kept part is counted again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from gym_live.domain.checkin import CheckoutReason, Source
from gym_live.domain.stats import COUNTED_STAYS, day_window
from gym_live.models import Location, Member, Visit
from gym_live.services import checkin, reports, sweep
from gym_live.services.deps import Deps
from gym_live.services.stats import SETTLE_GRACE, SETTLED_FOR, location_stats
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock
from tests.helpers.stats import BERLIN

BERLIN_EVENING = datetime(2026, 1, 13, 21, 0, tzinfo=UTC)  # 22:00 in Berlin, the 13th
CODES = [f"5000{n:04d}" for n in range(24)]


def counted(deps: Deps) -> dict[str, object]:
    """Check-ins per local hour and the average counted stay today, from every visit."""
    with deps.engine.connect() as conn:
        visits = conn.execute(
            sa.select(Visit.checked_in_at, Visit.checked_out_at, Visit.checkout_reason)
            .join(Location, Location.id == Visit.location_id)
            .where(Location.name == "Downtown")
        ).all()
    window = day_window(deps.clock(), BERLIN)
    today = lambda moment: moment is not None and window.start <= moment < window.end  # noqa: E731
    hourly = [0] * 24
    for arrived, _, _ in visits:
        if today(arrived):
            hourly[arrived.astimezone(BERLIN).hour] += 1
    stays = [
        (left - arrived).total_seconds() / 60
        for arrived, left, why in visits
        if today(left) and why in COUNTED_STAYS
    ]
    return {"hourly": hourly, "avg": round(sum(stays) / len(stays), 1) if stays else None}


def shown(deps: Deps) -> dict[str, object]:
    stats = location_stats("Downtown", deps=deps)[1]
    assert stats.checkins_today == sum(stats.hourly_checkins)
    return {"hourly": list(stats.hourly_checkins), "avg": stats.avg_stay_minutes}


def agrees(deps: Deps) -> dict[str, object]:
    numbers = counted(deps)
    assert shown(deps) == numbers, deps.clock()
    return numbers


def written_behind_the_app(deps: Deps, code: str, arrived: datetime, left: datetime) -> None:
    """A visit the app did not write (an import, a hand-made fix in SQL)."""
    with deps.engine.begin() as conn:
        member_id = conn.execute(sa.select(Member.id).where(Member.member_code == code)).scalar()
        location_id = conn.execute(sa.select(Location.id)).scalar()
        conn.execute(
            sa.insert(Visit).values(
                member_id=member_id,
                location_id=location_id,
                checked_in_at=arrived,
                checked_out_at=left,
                checkout_reason=CheckoutReason.STAFF.value,
                source=Source.STAFF.value,
            )
        )


def test_the_kept_quarters_and_the_recent_ones_add_up_to_the_day(
    deps: Deps, clock: FakeClock
) -> None:
    clock.now = BERLIN_EVENING
    gym(deps)
    for code in CODES:
        member(deps, code, f"Member {code}")

    def scan(n: int) -> None:
        checkin.scan(CODES[n], source=Source.KIOSK, deps=deps)

    for n in (0, 1, 2):  # 22:00 on the 13th
        scan(n)
    agrees(deps)
    clock.now = datetime(2026, 1, 13, 23, 30, tzinfo=UTC)  # 00:30 in Berlin, the 14th
    scan(2)  # out: a stay across midnight, counted today
    assert agrees(deps)["avg"] == 150.0
    clock.now = datetime(2026, 1, 14, 6, 0, tzinfo=UTC)  # 07:00
    for n in range(3, 20):  # a morning of scans, 7 minutes apart: quarters settle between
        scan(n)
        clock.advance(minutes=7)
        if n % 3 == 0:
            scan(n)  # a short visit: out again
        agrees(deps)
    clock.advance(minutes=30)
    assert sweep.auto_checkout(deps=deps)  # members 0 and 1 overstayed: not counted stays
    numbers = agrees(deps)
    assert sum(numbers["hourly"]) == 17  # type: ignore[arg-type]
    clock.advance(hours=20)  # the next day: nothing kept from yesterday
    assert agrees(deps) == {"hourly": [0] * 24, "avg": None}


def test_a_late_commit_and_a_visit_added_by_hand_are_counted_and_a_hand_edit_after_a_recount(
    deps: Deps, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 1, 14, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    gym(deps)
    for code in CODES[:4]:
        member(deps, code, f"Member {code}")
    checkin.scan(CODES[0], source=Source.KIOSK, deps=deps)
    agrees(deps)  # 00:00-09:45 is settled and kept now
    # Stamped within the grace before now, committed after the look: still counted.
    late = clock.now - SETTLE_GRACE + timedelta(seconds=1)
    written_behind_the_app(deps, CODES[1], late, clock.now)
    agrees(deps)
    # Added into a settled quarter behind the app's back: a newer id, noticed at once.
    written_behind_the_app(deps, CODES[2], clock.now - timedelta(hours=3), clock.now)
    agrees(deps)
    # A stay changed by hand in SQL: `reports recount` counts it again...
    changed_by_hand(deps, CODES[2], left=clock.now - timedelta(hours=2))
    assert shown(deps) != counted(deps)
    reports.forget_kept_days(deps=deps)
    agrees(deps)
    # ...or, on an instance that did not run it, the kept part counted again after a while.
    changed_by_hand(deps, CODES[2], left=clock.now - timedelta(hours=1))
    clock.advance(seconds=SETTLED_FOR.total_seconds() + 1)
    agrees(deps)


def changed_by_hand(deps: Deps, code: str, *, left: datetime) -> None:
    with deps.engine.begin() as conn:
        member_id = conn.execute(sa.select(Member.id).where(Member.member_code == code)).scalar()
        conn.execute(
            sa.update(Visit).where(Visit.member_id == member_id).values(checked_out_at=left)
        )
