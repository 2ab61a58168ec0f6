"""Importing a member file on real databases: a preview first, then the good rows in one
transaction; the same file again adds nobody (matched on card number, then email)."""

from __future__ import annotations

import sqlalchemy as sa

from gym_live.domain.checkin import Action, Source
from gym_live.domain.member_list import MemberFilter
from gym_live.domain.members import Plan
from gym_live.models import AuditEvent, Member
from gym_live.services import checkin, member_import, members
from gym_live.services.deps import Deps
from tests.helpers.builders import count, gym, member

FILE = (
    b"name;email;phone;valid_until;code;pass_visits\n"
    b"Anna Schmidt;anna@example.org;;2027-01-31;10000001;\n"  # already a member (card)
    b"Anne Other;JOSE@example.org;;;;\n"  # already a member (email)
    b"Pia Pass;pia@example.org;+49 170 1234567;;;10\n"  # new, visits only
    b"Tom Time;tom@example.org;;2027-06-30;T-2001;\n"  # new, on time
    b"No Date;;;31.12.2026;;\n"  # refused
)


def test_a_preview_says_what_each_row_would_do_and_writes_nothing(deps: Deps) -> None:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "José Ölmez", email="jose@example.org")
    seen = member_import.preview(FILE, deps=deps)
    assert (seen.new, seen.already, seen.refused) == (2, 2, 1)
    assert [line.already for line in seen.lines[:2]] == ["10000001", "10000002"]
    assert "YYYY-MM-DD" in seen.lines[4].row.problems[0]
    assert count(deps, Member) == 2


def test_the_good_rows_are_imported_once_and_found_and_scan_at_the_door(deps: Deps) -> None:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "José Ölmez", email="jose@example.org")
    done = member_import.import_members(FILE, by=None, deps=deps)
    assert (done.new, done.already, done.refused) == (2, 2, 1)
    [pia] = members.find_members(MemberFilter(text="pia pass"), deps=deps).members
    assert pia.phone == "+491701234567" and len(pia.code) == 8  # a card number made for her
    [tom] = members.find_members(MemberFilter(text="t-2001"), deps=deps).members
    assert str(tom.valid_until) == "2027-06-30"
    came = checkin.scan(pia.code, source=Source.KIOSK, deps=deps)
    assert came.action is Action.CHECK_IN and came.visits_left == 9
    with deps.engine.connect() as conn:
        plan = conn.execute(sa.select(Member.plan).where(Member.member_code == pia.code))
        assert plan.scalar_one() == Plan.VISITS.value
        trail = conn.execute(
            sa.select(AuditEvent.detail).where(AuditEvent.kind == "members_imported")
        ).scalars()
        assert list(trail) == ["2 added, 2 already members, 1 refused"]
    again = member_import.import_members(FILE, by=None, deps=deps)  # the same file, rerun
    assert (again.new, again.already) == (0, 4) and count(deps, Member) == 4


def test_twenty_thousand_rows_are_imported_in_one_go(deps: Deps) -> None:
    gym(deps)
    lines = ["name,email,valid_until"] + [
        f"Member {n},m{n}@example.org,2027-01-01" for n in range(20_000)
    ]
    done = member_import.import_members("\n".join(lines).encode(), by=None, deps=deps)
    assert done.new == 20_000 and count(deps, Member) == 20_000
    found = members.find_members(MemberFilter(text="m19999@example"), deps=deps).members
    assert [listing.full_name for listing in found] == ["Member 19999"]
