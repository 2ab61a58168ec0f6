"""Hostile or broken codes: refused with a message, nothing but a denied attempt written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Source
from gym_live.domain.errors import ScanRefused
from gym_live.domain.members import STORED_CODE_LENGTH
from gym_live.models import DeniedAttempt
from gym_live.services import checkin
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member, snapshot_counts

BAD_CODES = [
    "",
    "   ",
    "x" * 10_000,
    "Ünïcødé-✓-🏋️",
    "1000\x000001",
    "\x00",
    "' OR 1=1 --",
    "10000001; DROP TABLE visit;--",
    "\u202e10000001",
    "99999999",
]


@pytest.mark.parametrize("operation", [checkin.scan, checkin.check_in, checkin.check_out])
def test_bad_codes_are_refused_and_change_nothing_but_the_log(deps: Deps, operation) -> None:
    gym(deps)
    member(deps, "10000001")
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    members, visits, open_, denied = snapshot_counts(deps)
    for code in BAD_CODES:
        with pytest.raises(ScanRefused) as refused:
            operation(code, source=Source.KIOSK, deps=deps)
        assert refused.value.message and "\n" not in refused.value.message
    assert snapshot_counts(deps) == (members, visits, open_, denied + len(BAD_CODES))
    with deps.engine.connect() as conn:
        logged = conn.execute(sa.select(DeniedAttempt.code_tried, DeniedAttempt.reason)).all()
    assert all(len(code) <= STORED_CODE_LENGTH and "\x00" not in code for code, _ in logged)
    assert {reason for _, reason in logged} == {"invalid_code", "unknown_code"}
