"""An admin adds and changes locations, on real databases: validation naming its field, the
audit line, and the event that makes every instance's dashboards follow."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import GymLiveError, NotFound
from gym_live.domain.events import EventKind
from gym_live.models import AuditEvent, Location
from gym_live.services import locations
from gym_live.services.deps import Deps
from tests.helpers.builders import count


def test_a_location_is_added_and_changed_with_an_audit_line_and_an_event_each(
    deps: Deps,
) -> None:
    made = locations.add_location(
        "  Down   town ", capacity="60", timezone="Europe/Berlin", deps=deps
    )
    assert (made.name, made.capacity) == ("Down town", 60)
    changed = locations.change_location(
        made.id, name="Downtown", capacity=" 75 ", timezone="America/New_York", by=None, deps=deps
    )
    assert (changed.name, changed.capacity, changed.timezone) == (
        "Downtown",
        75,
        "America/New_York",
    )
    locations.change_location(  # the same values again: nothing changes, nothing is said
        made.id, name="Downtown", capacity=75, timezone="America/New_York", deps=deps
    )
    assert [(e.kind, e.location_id, e.location_name) for e in deps.bus.events] == [
        (EventKind.LOCATION_CHANGED, made.id, "Down town"),
        (EventKind.LOCATION_CHANGED, made.id, "Downtown"),
    ]
    with deps.engine.connect() as conn:
        lines = conn.execute(
            sa.select(AuditEvent.kind, AuditEvent.subject, AuditEvent.detail).order_by(
                AuditEvent.id
            )
        ).all()
    assert [tuple(line) for line in lines] == [
        (AuditKind.LOCATION_ADDED, "Down town", "capacity 60, Europe/Berlin"),
        (AuditKind.LOCATION_CHANGED, "Downtown", "was Down town, capacity 60, Europe/Berlin"),
    ]


@pytest.mark.parametrize(
    ("name", "capacity", "timezone", "field", "message"),
    [
        ("", "60", "UTC", "name", "needs 1 to 80 characters"),
        ("x" * 10_000, "60", "UTC", "name", "needs 1 to 80 characters"),
        ("Uptown", "sixty", "UTC", "capacity", "whole number"),
        ("Uptown", "", "UTC", "capacity", "whole number"),
        ("Uptown", "0", "UTC", "capacity", "between 1 and 100000"),
        ("Uptown", "-5", "UTC", "capacity", "between 1 and 100000"),
        ("Uptown", "10" * 50, "UTC", "capacity", "between 1 and 100000"),
        ("Uptown", "60", "Mars/Olympus", "timezone", "not a time zone"),
        ("Uptown", "60", "", "timezone", "not a time zone"),
        ("Uptown", "60", "../../etc/passwd", "timezone", "not a time zone"),
        ("Downtown", "60", "UTC", "name", "already exists"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(
    deps: Deps, name: str, capacity: str, timezone: str, field: str, message: str
) -> None:
    made = locations.add_location("Downtown", capacity=60, timezone="UTC", deps=deps)
    other = locations.add_location("Harbour", capacity=30, timezone="UTC", deps=deps)
    for attempt in (
        lambda: locations.add_location(name, capacity=capacity, timezone=timezone, deps=deps),
        lambda: locations.change_location(
            other.id, name=name, capacity=capacity, timezone=timezone, deps=deps
        ),
    ):
        with pytest.raises(GymLiveError, match=message) as bad:
            attempt()
        assert bad.value.field == field
    assert count(deps, Location) == 2 and len(deps.bus.events) == 2
    assert locations.list_locations(deps=deps)[0] == made
    with pytest.raises(NotFound):
        locations.change_location(999, name="X", capacity=1, timezone="UTC", deps=deps)
