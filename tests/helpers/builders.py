"""Small builders and counters for tests on a real database."""

from __future__ import annotations

import sqlalchemy as sa

from gym_live.domain.members import Plan
from gym_live.models import DeniedAttempt, Member, Visit
from gym_live.services.deps import Deps
from gym_live.services.locations import add_location
from gym_live.services.members import add_member
from tests.helpers.fakes import RecordingBus


def gym(deps: Deps, *, capacity: int = 50, name: str = "Downtown") -> None:
    """A location that was there before the test: what the test publishes starts after it."""
    add_location(name, capacity=capacity, timezone="Europe/Berlin", deps=deps)
    if isinstance(deps.bus, RecordingBus):
        deps.bus.events.clear()


def member(deps: Deps, code: str, name: str = "Anna Schmidt", **fields: object) -> None:
    add_member(name, code=code, deps=deps, **fields)


def count(deps: Deps, table: type, *where: sa.ColumnElement[bool]) -> int:
    with deps.engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count()).select_from(table).where(*where)
        ).scalar_one()


def open_visits(deps: Deps) -> int:
    return count(deps, Visit, Visit.checked_out_at.is_(None))


def snapshot_counts(deps: Deps) -> tuple[int, int, int, int]:
    return (count(deps, Member), count(deps, Visit), open_visits(deps), count(deps, DeniedAttempt))


def on_a_pass(deps: Deps, code: str, visits: int, name: str = "Pia Pass") -> None:
    """A visits-only member whose pass has `visits` left."""
    add_member(name, code=code, plan=Plan.VISITS, deps=deps)
    with deps.engine.begin() as conn:
        conn.execute(sa.update(Member).where(Member.member_code == code).values(visits_left=visits))


def visits_left(deps: Deps, code: str) -> int | None:
    with deps.engine.connect() as conn:
        query = sa.select(Member.visits_left).where(Member.member_code == code)
        return conn.execute(query).scalar_one()
