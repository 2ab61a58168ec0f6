"""The dashboard's view as read from the database, and the front desk's member search."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gym_live.adapters.db import read_session
from gym_live.domain.checkin import Source
from gym_live.domain.errors import InvalidInput, MembershipFrozen
from gym_live.domain.feed import FEED_SIZE, FeedKind
from gym_live.models import Member
from gym_live.services import checkin, staff, sweep
from gym_live.services.deps import Deps
from gym_live.services.live_view import load_views
from gym_live.services.members import search_members
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock


def test_the_view_has_feed_and_who_is_inside(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "Ben Okafor")
    member(deps, "10000003", "Fred Frozen", status="frozen")
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=1)
    checkin.scan("10000002", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=72)
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=1)
    with pytest.raises(MembershipFrozen):
        checkin.scan("10000003", source=Source.KIOSK, deps=deps)
    clock.advance(hours=4)
    sweep.auto_checkout(deps=deps)

    (view,) = load_views(deps=deps).values()
    kinds = [(item.kind, item.member_name) for item in view.feed]
    assert kinds == [
        (FeedKind.AUTO_OUT, "Ben Okafor"),
        (FeedKind.DENIED, "Fred Frozen"),
        (FeedKind.CHECK_OUT, "Anna Schmidt"),
        (FeedKind.CHECK_IN, "Ben Okafor"),
        (FeedKind.CHECK_IN, "Anna Schmidt"),
    ]
    assert view.feed[2].stay_seconds == 73 * 60 and view.feed[1].reason == "frozen"
    assert view.inside == []


def test_the_feed_says_which_staff_member_acted_at_the_desk(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    gym(deps, name="Harbour")
    maria = staff.add_staff(
        "maria", role="front_desk", password="a long password", display_name="Maria", deps=deps
    )
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "Ben Okafor")
    checkin.check_in("10000001", location="Downtown", source=Source.STAFF, by=maria.id, deps=deps)
    checkin.scan("10000002", location="Downtown", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=30)
    checkin.check_out("10000001", location="Downtown", source=Source.STAFF, by=maria.id, deps=deps)
    checkin.check_in("10000002", location="Harbour", source=Source.STAFF, by=maria.id, deps=deps)
    views = load_views(deps=deps)
    downtown, harbour = (views[key].feed for key in sorted(views))
    assert [(item.kind, item.member_name, item.by) for item in downtown] == [
        (FeedKind.AUTO_OUT, "Ben Okafor", None),  # moved to Harbour: nobody checked him out
        (FeedKind.CHECK_OUT, "Anna Schmidt", "Maria"),
        (FeedKind.CHECK_IN, "Ben Okafor", None),  # at the kiosk
        (FeedKind.CHECK_IN, "Anna Schmidt", "Maria"),
    ]
    assert [(item.kind, item.by) for item in harbour] == [(FeedKind.CHECK_IN, "Maria")]


def test_feed_keeps_twenty_and_inside_lists_open_visits(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    for i in range(25):
        member(deps, f"2000{i:04d}", f"Member {i:02d}")
        checkin.scan(f"2000{i:04d}", source=Source.KIOSK, deps=deps)
        clock.advance(seconds=10)
    (view,) = load_views(deps=deps).values()
    assert len(view.feed) == FEED_SIZE
    assert view.feed[0].member_name == "Member 24" and view.feed[-1].member_name == "Member 05"
    assert [row.member_name for row in view.inside[:2]] == ["Member 24", "Member 23"]
    assert len(view.inside) == 25


def test_search_by_code_prefix_or_name_part(deps: Deps) -> None:
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "Johanna Weber")
    member(deps, "20000001", "Ben 100% Okafor")
    assert [m.full_name for m in search_members("anna", deps=deps)] == [
        "Anna Schmidt",
        "Johanna Weber",
    ]
    assert [m.code for m in search_members("1000000", deps=deps)] == ["10000001", "10000002"]
    assert [m.code for m in search_members("  20000001 ", deps=deps)] == ["20000001"]
    assert [m.full_name for m in search_members("100%", deps=deps)] == ["Ben 100% Okafor"]
    assert search_members("%", deps=deps)[0].full_name == "Ben 100% Okafor"  # a literal %
    assert search_members("_", deps=deps) == []
    assert search_members("   ", deps=deps) == []
    assert search_members("' OR 1=1 --", deps=deps) == []


@pytest.mark.parametrize(("text", "message"), [("x" * 65, "at most 64"), ("a\x00b", "control")])
def test_absurd_searches_are_refused_with_a_reason(deps: Deps, text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        search_members(text, deps=deps)


def test_the_statements_of_one_read_see_the_database_at_one_moment(deps: Deps) -> None:
    # A check-in committing between the feed's and the inside list's statements must not
    # show up in one and not the other.
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    members = sa.select(sa.func.count()).select_from(Member)
    with read_session(deps.engine) as session:
        before = session.scalar(members)
        member(deps, "10000002", "Ben Okafor")  # commits between two statements of the read
        assert session.scalar(members) == before
    with read_session(deps.engine) as session:
        assert session.scalar(members) == before + 1
