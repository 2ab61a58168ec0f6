"""A member's page on real databases: details, visits newest first in pages, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gym_live.domain.checkin import Source
from gym_live.domain.errors import MembershipFrozen, NotFound
from gym_live.services import checkin, kiosks, member_record, staff
from gym_live.services.deps import Deps
from gym_live.services.member_record import HISTORY_PAGE_SIZE
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock


def test_a_member_s_record_has_their_visits_newest_first_and_their_refusals(
    deps: Deps, clock: FakeClock
) -> None:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt", email="anna@example.com")
    member(deps, "10000002", "Ben Other")
    desk = staff.add_staff("maria", role="front_desk", password="a long password", deps=deps)
    for _ in range(HISTORY_PAGE_SIZE + 2):  # 22 kiosk visits of 45 minutes
        checkin.scan("10000001", source=Source.KIOSK, deps=deps)
        clock.advance(minutes=45)
        checkin.scan("10000001", source=Source.KIOSK, deps=deps)
        clock.advance(hours=20)
    checkin.check_in("10000001", source=Source.STAFF, by=desk.id, deps=deps)  # inside now
    checkin.scan("10000002", source=Source.KIOSK, deps=deps)  # another member's visit
    record = member_record.member_record(" 10000001", deps=deps)
    assert record.member.full_name == "Anna Schmidt" and record.member.inside
    assert not record.rules.has_pin
    first = record.visits[0]
    assert (first.checked_out_at, first.source, first.checked_in_by) == (None, "staff", "maria")
    assert len(record.visits) == HISTORY_PAGE_SIZE and record.has_older_visits
    times = [visit.checked_in_at for visit in record.visits]
    assert times == sorted(times, reverse=True)
    older = member_record.member_record("10000001", visits_page=1, deps=deps)
    assert len(older.visits) == 3 and not older.has_older_visits  # 23 in all
    oldest = older.visits[-1]
    assert oldest.checked_out_at - oldest.checked_in_at == timedelta(minutes=45)


def test_refused_check_ins_are_listed_with_where_they_happened(
    deps: Deps, clock: FakeClock
) -> None:
    gym(deps)
    member(deps, "10000003", "Fred Frozen", status="frozen")
    _, code = kiosks.add_kiosk(None, name="Front door", deps=deps)
    _, token = kiosks.pair(code, deps=deps)
    with pytest.raises(MembershipFrozen):
        kiosks.kiosk_scan(token, "10000003", deps=deps)
    clock.advance(minutes=1)
    with pytest.raises(MembershipFrozen):
        checkin.check_in("10000003", source=Source.STAFF, deps=deps)
    record = member_record.member_record("10000003", deps=deps)
    assert [(d.reason, d.kiosk, d.location) for d in record.denials] == [
        ("frozen", None, "Downtown"),
        ("frozen", "Front door", "Downtown"),
    ]
    assert record.visits == [] and not record.has_older_visits


@pytest.mark.parametrize("code", ["99999999", "new", "<script>", "x" * 10_000])
def test_an_unknown_or_odd_card_number_is_not_found(deps: Deps, code: str) -> None:
    gym(deps)
    with pytest.raises(NotFound, match="No member has card number"):
        member_record.member_record(code, deps=deps)
