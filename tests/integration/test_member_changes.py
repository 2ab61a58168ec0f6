"""Changes to a member from the desk, on real databases: each in one transaction, in the
audit trail with before and after, safe with two desks at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Action, Source
from gym_live.domain.errors import (
    Conflict,
    GymLiveError,
    InvalidInput,
    MembershipFrozen,
    NotFound,
)
from gym_live.domain.events import EventKind
from gym_live.domain.member_list import MemberFilter
from gym_live.domain.member_status import FROZEN_UNTIL, REASON, StatusChange
from gym_live.domain.members import (
    CODE,
    EMAIL,
    NAME,
    PHONE,
    MemberSnapshot,
    MemberStatus,
    extended_until,
)
from gym_live.models import AuditEvent
from gym_live.services import checkin, member_changes, members
from gym_live.services.deps import Deps
from tests.helpers.builders import open_visits
from tests.helpers.fakes import FakeClock


def names(deps: Deps, text: str) -> list[str]:
    found = members.find_members(MemberFilter(text=text), deps=deps).members
    return [listing.full_name for listing in found]


def test_extending_a_membership_moves_its_end_and_says_so_in_the_audit_trail(
    club: Deps, clock: FakeClock
) -> None:
    today = clock.now.date()
    anna = member_changes.extend("10000001", 1, by=None, deps=club)  # ends in 30 days: from then
    assert anna.valid_until == extended_until(today + timedelta(days=30), today, 1)
    fred = member_changes.extend("10000003", 3, deps=club)  # expired 10 days ago: from today
    assert fred.valid_until == extended_until(today, today, 3)
    with pytest.raises(InvalidInput, match="no end date"):
        member_changes.extend("10000004", 1, deps=club)  # Zoe's membership has no end
    with pytest.raises(NotFound):
        member_changes.extend("99999999", 1, deps=club)
    with club.engine.connect() as conn:
        details = (
            conn.execute(sa.select(AuditEvent.detail).where(AuditEvent.kind == "member_extended"))
            .scalars()
            .all()
        )
    assert sorted(details) == sorted(
        [
            f"{today + timedelta(days=30)} → {anna.valid_until} (+1 month)",
            f"{today - timedelta(days=10)} → {fred.valid_until} (+3 months)",
        ]
    )


def test_two_desks_extending_at_once_extend_twice(club: Deps, clock: FakeClock) -> None:
    today = clock.now.date()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: member_changes.extend("10000002", 1, deps=club), range(2)))
    once = extended_until(today + timedelta(days=5), today, 1)
    [jose] = members.find_members(MemberFilter(text="10000002"), deps=club).members
    assert jose.valid_until == extended_until(once, today, 1)


def trail(deps: Deps, kind: str) -> list[tuple[str, str]]:
    with deps.engine.connect() as conn:
        rows = conn.execute(
            sa.select(AuditEvent.subject, AuditEvent.detail)
            .where(AuditEvent.kind == kind)
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def edit(deps: Deps, code: str = "10000001", **typed: str) -> MemberSnapshot:
    fields = {"full_name": "Anna Schmidt", "new_code": code, "email": "", "phone": ""}
    return member_changes.edit_details(code, **(fields | typed), deps=deps)


def test_editing_details_changes_what_the_member_is_found_by_and_records_before_and_after(
    club: Deps,
) -> None:
    before = len(club.bus.events)
    edited = edit(
        club, full_name="Anna  Weber", new_code="ab-2001", email="ANNA@web.de ", phone="0049 171 5"
    )
    assert (edited.full_name, edited.code) == ("Anna Weber", "AB-2001")
    assert names(club, "weber") == ["Anna Weber"] and names(club, "schmidt") == []
    assert names(club, "web.de") == ["Anna Weber"] and names(club, "10000001") == []
    [(subject, detail)] = trail(club, "member_edited")
    assert subject == "Anna Weber"
    assert detail == (
        "name: Anna Schmidt → Anna Weber; card: 10000001 → AB-2001; "
        "email: anna.schmidt@example.com → anna@web.de; phone: +49301234567 → +491715"
    )
    # Anna is inside: every dashboard re-reads its rows to show her new name and card.
    [event] = club.bus.events[before:]
    assert (event.kind, event.member_name) == (EventKind.MEMBER_CHANGED, "Anna Weber")
    assert checkin.check_out("AB-2001", source=Source.STAFF, deps=club).member.code == "AB-2001"


def test_bad_or_clashing_details_change_nothing_and_name_the_field(club: Deps) -> None:
    for typed, field, said in (
        ({"full_name": " "}, NAME, "needs a name"),
        ({"new_code": "1"}, CODE, "member code"),
        ({"new_code": "10000002"}, CODE, "already another member's"),
        ({"email": "anna@"}, EMAIL, "not an email"),
        ({"phone": "12"}, PHONE, "6 to 15 digits"),
        ({}, None, "Nothing to save"),
    ):
        typed_email = {"email": "anna.schmidt@example.com", "phone": "+49 30 1234567"}
        with pytest.raises(GymLiveError, match=said) as refused:
            edit(club, **(typed_email | typed))
        assert refused.value.field == field
    assert names(club, "10000001") == ["Anna Schmidt"] and trail(club, "member_edited") == []
    with pytest.raises(NotFound):
        edit(club, code="99999999")


def test_a_member_frozen_while_inside_stays_inside_and_is_refused_next_time(
    club: Deps, clock: FakeClock
) -> None:
    member_changes.change_status(
        "10000001", StatusChange.FREEZE, reason=" Knee surgery", until="", deps=club
    )
    assert open_visits(club) == 1  # Anna, inside when frozen, stays inside
    checkin.check_out("10000001", source=Source.STAFF, deps=club)
    clock.advance(minutes=10)
    with pytest.raises(MembershipFrozen):
        checkin.scan("10000001", source=Source.KIOSK, deps=club)
    with pytest.raises(Conflict, match="already frozen"):
        member_changes.change_status("10000001", StatusChange.FREEZE, reason="x", deps=club)
    member_changes.change_status("10000001", StatusChange.UNFREEZE, deps=club)
    assert checkin.scan("10000001", source=Source.KIOSK, deps=club).action is Action.CHECK_IN
    assert [detail for _, detail in trail(club, "member_frozen")] == [
        "active → frozen (Knee surgery)"
    ]
    assert trail(club, "member_unfrozen") == [("Anna Schmidt", "frozen (Knee surgery) → active")]


def test_a_freeze_with_a_last_day_ends_by_itself(club: Deps, clock: FakeClock) -> None:
    today = clock.now.date()
    last_day = today + timedelta(days=2)
    frozen = member_changes.change_status(
        "10000002", StatusChange.FREEZE, reason="Travel", until=last_day.isoformat(), deps=club
    )
    assert frozen.status is MemberStatus.FROZEN and frozen.frozen_until == last_day
    assert member_changes.unfreeze_ended(deps=club) == 0  # not over yet
    clock.advance(days=2)
    with pytest.raises(MembershipFrozen, match=f"until {last_day}"):
        checkin.scan("10000002", source=Source.KIOSK, deps=club)
    clock.advance(days=1)
    # Over: the door lets José in before the sweep writes it, and the sweep writes it once.
    assert checkin.scan("10000002", source=Source.KIOSK, deps=club).action is Action.CHECK_IN
    assert member_changes.unfreeze_ended(deps=club) == 1
    assert member_changes.unfreeze_ended(deps=club) == 0
    assert trail(club, "member_unfrozen") == [("José Ölmez", f"the freeze ended on {last_day}")]
    [jose] = members.find_members(MemberFilter(text="10000002"), deps=club).members
    assert jose.status is MemberStatus.ACTIVE


def test_a_freeze_needs_a_reason_and_a_day_to_come(club: Deps, clock: FakeClock) -> None:
    yesterday = (clock.now.date() - timedelta(days=1)).isoformat()
    for typed, field in (
        ({"reason": ""}, REASON),
        ({"reason": "Travel", "until": yesterday}, FROZEN_UNTIL),
        ({"reason": "Travel", "until": "next week"}, FROZEN_UNTIL),
    ):
        with pytest.raises(InvalidInput) as refused:
            member_changes.change_status("10000001", StatusChange.FREEZE, deps=club, **typed)
        assert refused.value.field == field
    assert trail(club, "member_frozen") == []


def test_cancelled_and_reactivated(club: Deps, clock: FakeClock) -> None:
    member_changes.change_status("10000003", StatusChange.CANCEL, deps=club)  # Fred, frozen
    with pytest.raises(Conflict, match="already cancelled"):
        member_changes.change_status("10000003", StatusChange.CANCEL, deps=club)
    member_changes.change_status("10000003", StatusChange.REACTIVATE, deps=club)
    assert trail(club, "member_cancelled") == [("Fred Frozen", "frozen → cancelled")]
    assert trail(club, "member_reactivated") == [("Fred Frozen", "cancelled → active")]


def test_two_desks_freezing_at_once_freeze_once(club: Deps) -> None:
    def freeze(_: int) -> str:
        try:
            member_changes.change_status("10000004", StatusChange.FREEZE, reason="Ill", deps=club)
        except Conflict as exc:
            return exc.message
        return "frozen"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(freeze, range(2)))
    assert outcomes == ["This membership is already frozen.", "frozen"]
    assert len(trail(club, "member_frozen")) == 1


def test_a_pin_is_set_replaced_and_removed_and_never_written_down(club: Deps) -> None:
    member_changes.set_pin("10000004", "2468", deps=club)
    member_changes.set_pin("10000004", "1357", deps=club)
    assert member_changes.set_pin("10000004", None, deps=club).has_pin is False
    with pytest.raises(Conflict, match="no PIN to remove"):
        member_changes.set_pin("10000004", None, deps=club)
    assert trail(club, "pin_set") == [("Zoe Never", "new"), ("Zoe Never", "replaced")]
    assert trail(club, "pin_removed") == [("Zoe Never", "")]
    with club.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).where(AuditEvent.detail.contains("2468"))
            ).scalar_one()
            == 0
        )
