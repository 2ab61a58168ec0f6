"""The demo gym at any hour: the six training now came in after the eight who have left."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gym_live.models import Visit
from gym_live.services import demo, stats
from gym_live.services.deps import Deps


@pytest.mark.parametrize("utc", ["2026-12-01T23:20", "2026-12-02T03:00", "2026-12-02T14:00"])
def test_the_demo_day_holds_together_at_any_hour(deps: Deps, utc: str) -> None:
    """Europe/Berlin: 00:20 (just after midnight), 04:00 and 15:00."""
    now = datetime.fromisoformat(utc).replace(tzinfo=UTC)
    deps = replace(deps, clock=lambda: now)
    demo.seed_demo(deps=deps)
    with deps.engine.connect() as conn:
        visits = conn.execute(sa.select(Visit.checked_in_at, Visit.checked_out_at)).all()
    left = [_utc(v.checked_in_at) for v in visits if v.checked_out_at is not None]
    inside = [_utc(v.checked_in_at) for v in visits if v.checked_out_at is None]
    assert (len(left), len(inside)) == (8, 6)
    assert max(left) < min(inside) <= max(inside) < now
    _, today = stats.location_stats(deps=deps)
    assert today.inside_now == 6 and today.checkins_today == 14


def _utc(at: datetime) -> datetime:
    """SQLite gives the stored UTC time back without its zone."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at
