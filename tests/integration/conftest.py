"""A small club for the members' tests: five members, one inside, one who came and went."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gym_live.domain.checkin import Source
from gym_live.services import checkin
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock


@pytest.fixture
def club(deps: Deps, clock: FakeClock) -> Deps:
    today = clock.now.date()
    gym(deps)
    member(
        deps,
        "10000001",
        "Anna Schmidt",
        valid_until=today + timedelta(days=30),
        email=" Anna.Schmidt@Example.com",
        phone="+49 30 1234567",
    )
    member(deps, "10000002", "José Ölmez", valid_until=today + timedelta(days=5))
    member(deps, "10000003", "Fred Frozen", status="frozen", valid_until=today - timedelta(days=10))
    member(deps, "10000004", "Zoe Never")
    member(deps, "10000005", "Ben Okafor", status="cancelled", valid_until=today - timedelta(1))
    checkin.scan("10000002", source=Source.KIOSK, deps=deps)  # José came and went
    clock.advance(minutes=90)
    checkin.scan("10000002", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=5)
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)  # Anna is inside
    return deps
