"""The audit trail read back on real databases: every kind of line, newest first, filtered by
person, kind and day, in pages."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gym_live.domain.audit import AUDIT_PAGE_SIZE, AuditFilter, AuditKind, parse_filter
from gym_live.domain.checkin import Source
from gym_live.domain.errors import InvalidInput, SignInFailed
from gym_live.services import audit, checkin, locations, sessions, staff
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")
GOOD = "a long password"


def kinds(entries: list[audit.AuditEntry]) -> list[tuple[AuditKind, str | None, str]]:
    return [(entry.kind, entry.actor, entry.subject) for entry in entries]


def test_every_kind_of_line_comes_back_newest_first_with_who_did_it(
    deps: Deps, clock: FakeClock
) -> None:
    gym(deps)
    clock.advance(minutes=1)
    member(deps, "10000001", "Anna Schmidt")
    clock.advance(minutes=1)
    boss = staff.add_staff("boss", role="admin", password=GOOD, display_name="Boss", deps=deps)
    clock.advance(minutes=1)
    staff.add_staff(
        "ana", role="front_desk", password=GOOD, display_name="Ana", by=boss.id, deps=deps
    )
    clock.advance(minutes=1)
    with pytest.raises(SignInFailed):
        sessions.sign_in("ana", "not her password", deps=deps)
    clock.advance(minutes=1)
    ana, _ = sessions.sign_in("ana", GOOD, deps=deps)
    clock.advance(minutes=1)
    checkin.check_in("10000001", source=Source.STAFF, by=ana.id, deps=deps)
    clock.advance(minutes=1)
    checkin.check_out("10000001", source=Source.STAFF, by=ana.id, deps=deps)
    clock.advance(minutes=1)
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)  # a kiosk: not in the trail
    clock.advance(minutes=1)
    locations.add_location("Harbour", capacity=10, timezone="UTC", by=boss.id, deps=deps)
    entries, more = audit.trail(AuditFilter(), deps=deps)
    assert kinds(entries) == [
        (AuditKind.LOCATION_ADDED, "Boss", "Harbour"),
        (AuditKind.DESK_CHECK_OUT, "Ana", "Anna Schmidt"),
        (AuditKind.DESK_CHECK_IN, "Ana", "Anna Schmidt"),
        (AuditKind.SIGN_IN_OK, "Ana", "ana"),
        (AuditKind.SIGN_IN_FAILED, "Ana", "ana"),
        (AuditKind.STAFF_ADDED, "Boss", "ana"),
        (AuditKind.STAFF_ADDED, None, "boss"),  # the command line
        (AuditKind.MEMBER_ADDED, None, "Anna Schmidt"),
        (AuditKind.LOCATION_ADDED, None, "Downtown"),
    ]
    assert not more and entries[1].detail == "Downtown"
    assert all(entry.at.tzinfo is not None for entry in entries)
    by_ana, _ = audit.trail(AuditFilter(person="ana"), deps=deps)
    assert {entry.actor for entry in by_ana} == {"Ana"} and len(by_ana) == 4
    check_ins, _ = audit.trail(AuditFilter(kind=AuditKind.DESK_CHECK_IN), deps=deps)
    assert kinds(check_ins) == [(AuditKind.DESK_CHECK_IN, "Ana", "Anna Schmidt")]
    assert audit.trail(AuditFilter(person="nobody"), deps=deps) == ([], False)


def test_days_are_the_gyms_and_pages_hold_fifty(deps: Deps, clock: FakeClock) -> None:
    clock.now = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March, 00:30 in Berlin
    for n in range(AUDIT_PAGE_SIZE + 3):
        with pytest.raises(SignInFailed):
            sessions.sign_in(f"user{n:03d}", GOOD, deps=deps)
        clock.advance(seconds=1)
    first, more = audit.trail(AuditFilter(), deps=deps)
    assert len(first) == AUDIT_PAGE_SIZE and more
    assert first[0].subject == f"user{AUDIT_PAGE_SIZE + 2:03d}"
    rest, more = audit.trail(AuditFilter(), page=1, deps=deps)
    assert [entry.subject for entry in rest] == ["user002", "user001", "user000"] and not more
    on_the_2nd = parse_filter(
        person="", kind="", since="2026-03-02", until="2026-03-02", zone=BERLIN
    )
    assert len(audit.trail(on_the_2nd, deps=deps)[0]) == AUDIT_PAGE_SIZE
    on_the_1st = parse_filter(
        person="", kind="", since="2026-03-01", until="2026-03-01", zone=BERLIN
    )
    assert audit.trail(on_the_1st, deps=deps) == ([], False)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "everything"}, "kind"),
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-13-01"}, "until"),
        ({"since": "2026-03-02", "until": "2026-03-01"}, "until"),
        ({"person": "ma\x00ria"}, "person"),  # PostgreSQL would refuse to look it up
    ],
)
def test_a_bad_filter_names_its_field(fields: dict[str, str], field: str) -> None:
    form = {"person": "", "kind": "", "since": "", "until": ""} | fields
    with pytest.raises(InvalidInput) as bad:
        parse_filter(**form, zone=BERLIN)
    assert bad.value.field == field
