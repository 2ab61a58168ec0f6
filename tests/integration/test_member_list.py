"""The members list on real databases: search by any contact detail, filters, order, pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.domain.checkin import Source
from gym_live.domain.errors import Conflict, GymLiveError, InvalidInput
from gym_live.domain.member_list import MEMBERS_PAGE_SIZE, MemberFilter, MemberSort, Validity
from gym_live.domain.members import (
    CODE,
    EMAIL,
    NAME,
    PHONE,
    PIN,
    VALID_UNTIL,
    MemberStatus,
)
from gym_live.models import AuditEvent, Member
from gym_live.services import checkin, members
from gym_live.services.deps import Deps
from tests.helpers.builders import count, member
from tests.helpers.fakes import FakeClock


def names(deps: Deps, **wanted: object) -> list[str]:
    page = members.find_members(MemberFilter(**wanted), deps=deps)  # type: ignore[arg-type]
    return [listing.full_name for listing in page.members]


def test_a_search_finds_members_by_name_card_email_or_phone(club: Deps) -> None:
    assert names(club, text="jose") == names(club, text="ÖLMEZ") == ["José Ölmez"]
    assert names(club, text="schmidt@example") == ["Anna Schmidt"]  # stored lower case
    assert names(club, text="30 1234") == ["Anna Schmidt"]  # phone digits, however spaced
    assert len(names(club, text="1000000")) == 5  # card numbers
    assert names(club, text="0000002") == ["José Ölmez"]  # any part of them
    assert names(club, text="100%") == names(club, text="_") == []  # literal, not patterns
    assert names(club, text="' OR 1=1 --") == []


def test_filters_narrow_the_list(club: Deps) -> None:
    assert names(club, status=MemberStatus.FROZEN) == ["Fred Frozen"]
    assert names(club, validity=Validity.EXPIRING) == ["José Ölmez"]
    assert names(club, validity=Validity.EXPIRED) == ["Ben Okafor", "Fred Frozen"]
    assert names(club, inside_only=True) == ["Anna Schmidt"]
    assert names(club, inside_only=True, status=MemberStatus.FROZEN) == []


def test_the_list_sorts_by_name_end_date_or_last_visit_undated_last(
    club: Deps, clock: FakeClock
) -> None:
    assert names(club) == ["Anna Schmidt", "Ben Okafor", "Fred Frozen", "José Ölmez", "Zoe Never"]
    assert names(club, descending=True)[0] == "Zoe Never"
    by_end = names(club, sort=MemberSort.VALID_UNTIL)
    assert by_end == ["Fred Frozen", "Ben Okafor", "José Ölmez", "Anna Schmidt", "Zoe Never"]
    assert names(club, sort=MemberSort.VALID_UNTIL, descending=True)[:2] == [
        "Anna Schmidt",
        "José Ölmez",
    ]
    latest = names(club, sort=MemberSort.LAST_VISIT, descending=True)
    assert latest[:2] == ["Anna Schmidt", "José Ölmez"]  # then the three who never came
    assert names(club, sort=MemberSort.LAST_VISIT)[:2] == ["José Ölmez", "Anna Schmidt"]
    [anna] = members.find_members(MemberFilter(text="anna"), deps=club).members
    assert anna.inside and anna.last_visit_at == clock.now  # written by the check-in
    assert (anna.email, anna.phone) == ("anna.schmidt@example.com", "+49301234567")


def test_the_list_comes_a_page_at_a_time_with_the_total(club: Deps) -> None:
    for i in range(MEMBERS_PAGE_SIZE + 5):
        member(club, f"2000{i:04d}", f"Bulk {i:02d}")
    first = members.find_members(MemberFilter(), deps=club)
    last = members.find_members(MemberFilter(page=2), deps=club)
    assert (first.total, first.pages, len(first.members)) == (35, 2, MEMBERS_PAGE_SIZE)
    assert len(last.members) == 10
    codes = {m.code for m in first.members} | {m.code for m in last.members}
    assert len(codes) == 35  # every member once, none on both pages
    assert members.find_members(MemberFilter(page=9), deps=club).members == []


def test_a_new_member_s_contact_details_are_checked_and_a_taken_code_named(club: Deps) -> None:
    with pytest.raises(InvalidInput, match="not an email address"):
        members.add_member("Evelyn Quist", email="eve@", deps=club)
    with pytest.raises(InvalidInput, match="6 to 15 digits"):
        members.add_member("Evelyn Quist", phone="123", deps=club)
    with pytest.raises(InvalidInput, match="direction-changing"):
        members.add_member("Quist\u202etsiuQ", deps=club)
    with pytest.raises(Conflict, match="already taken") as taken:
        members.add_member("Evelyn Quist", code="10000001", deps=club)
    assert taken.value.field == CODE
    assert names(club, text="quist") == []  # nothing was saved


def test_the_search_index_follows_every_change_of_what_a_member_is_found_by(
    club: Deps, clock: FakeClock
) -> None:
    with Session(club.engine) as session:
        anna = session.exec(select(Member).where(Member.member_code == "10000001")).one()
        anna.full_name, anna.email = "Anna Quist-Berg", "aqb@example.org"
        session.add(anna)
        session.commit()
    assert names(club, text="quist-berg") == names(club, text="aqb@example") == ["Anna Quist-Berg"]
    assert names(club, text="schmidt") == []  # the old name and email are gone
    clock.advance(minutes=60)
    checkin.scan("10000001", source=Source.KIOSK, deps=club)  # a check-out: no name change
    assert names(club, text="quist") == ["Anna Quist-Berg"]
    with Session(club.engine) as session:
        session.delete(session.exec(select(Member).where(Member.member_code == "10000004")).one())
        session.commit()
    assert names(club, text="zoe") == []


def test_short_and_odd_search_text_is_looked_for_literally(club: Deps) -> None:
    assert names(club, text="zo") == ["Zoe Never"]  # shorter than a trigram: a scan
    assert names(club, text='"') == names(club, text='"anna') == []  # no query syntax
    assert names(club, text="anna OR ben") == []  # words, not operators
    assert names(club, text="NEAR(anna ben)") == []


def enrol(deps: Deps, **typed: str):
    form = {"code": "", "plan": "", "valid_until": "", "pass_until": "", "email": "", "phone": ""}
    form = {**form, "pin": "", **typed}
    return members.enrol(form.pop("full_name", "Evelyn Quist"), by=None, deps=deps, **form)


@pytest.mark.parametrize(
    ("typed", "field", "says"),
    [
        ({"full_name": "  "}, NAME, "needs a name"),
        ({"full_name": "x" * 10_000}, NAME, "at most 120"),
        ({"code": "12"}, CODE, "not a member code"),
        ({"code": "10000001"}, CODE, "already taken"),
        ({"email": "eve@@example.com"}, EMAIL, "not an email address"),
        ({"phone": "call me"}, PHONE, "digits"),
        ({"valid_until": "2026-02-30"}, VALID_UNTIL, "YYYY-MM-DD"),
        ({"valid_until": "2026-01-13"}, VALID_UNTIL, "has passed"),  # the day before today
        ({"valid_until": "2037-01-01"}, VALID_UNTIL, "at most 10 years"),
        ({"pin": "12a4"}, PIN, "4 to 6 digits"),
    ],
)
def test_the_new_member_form_names_the_field_that_is_wrong_and_saves_nothing(
    club: Deps, typed: dict[str, str], field: str, says: str
) -> None:
    before = count(club, Member), count(club, AuditEvent)
    with pytest.raises(GymLiveError, match=says) as refused:
        enrol(club, **typed)
    assert refused.value.field == field
    assert (count(club, Member), count(club, AuditEvent)) == before


def test_an_enrolled_member_is_in_the_audit_trail_with_what_they_were_given(
    club: Deps, clock: FakeClock
) -> None:
    until = (clock.now.date() + timedelta(days=30)).isoformat()
    made = enrol(
        club, full_name="Noor Haddad", valid_until=until, email="Noor@Example.org", pin="2468"
    )
    assert made.code.isdigit() and len(made.code) == 8 and made.has_pin
    with club.engine.connect() as conn:
        stored = conn.execute(sa.select(Member.pin_hash).where(Member.member_code == made.code))
        assert "2468" not in stored.scalar_one()
        line = conn.execute(sa.select(AuditEvent).where(AuditEvent.subject == "Noor Haddad")).one()
    assert (line.kind, line.subject) == ("member_added", "Noor Haddad")
    assert line.detail == f"card {made.code}, until {until}, noor@example.org, PIN"
    assert enrol(club, full_name="Open Ended", code="ab-77").valid_until is None
