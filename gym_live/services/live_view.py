"""Everything a dashboard shows for a location, read from the database (the truth)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.db import read_session
from gym_live.domain.checkin import CheckoutReason
from gym_live.domain.feed import DENIED_KEY, FEED_SIZE, FeedItem, FeedKind, newest
from gym_live.domain.overrides import ADMITTABLE
from gym_live.domain.stats import Stats
from gym_live.models import DeniedAttempt, Location, Member, Staff, Visit
from gym_live.services.deps import Deps
from gym_live.services.stats import stats_for


@dataclass(frozen=True)
class InsideNow:
    member_code: str
    member_name: str
    since: datetime
    photo: str | None = None  # the member's stored photo name


@dataclass(frozen=True)
class LocationView:
    location_id: int
    location_name: str
    timezone: str
    # None for the part that was not read (see load_views).
    stats: Stats | None
    feed: list[FeedItem] | None
    inside: list[InsideNow] | None


def load_views(
    *, deps: Deps, location_id: int | None = None, numbers: bool = True, rows: bool = True
) -> dict[int, LocationView]:
    """The view of one location, or of all, as the database has it now.

    Its two parts can be read apart, so that a change's numbers go out before its feed
    and "who is inside" rows have been read.
    """
    now = deps.clock()
    with read_session(deps.engine) as session:
        query = select(Location).order_by(Location.id)
        if location_id is not None:
            query = query.where(Location.id == location_id)
        return {
            loc.id: _view(session, loc, now, numbers=numbers, rows=rows)
            for loc in session.exec(query)
            if loc.id
        }


def _view(
    session: Session, location: Location, now: datetime, *, numbers: bool, rows: bool
) -> LocationView:
    assert location.id is not None
    return LocationView(
        location_id=location.id,
        location_name=location.name,
        timezone=location.timezone,
        stats=stats_for(session, location, now) if numbers else None,
        feed=_feed(session, location) if rows else None,
        inside=_inside(session, location.id) if rows else None,
    )


def _inside(session: Session, location_id: int) -> list[InsideNow]:
    rows = session.execute(_INSIDE, {"location_id": location_id})
    return [InsideNow(code, name, since, photo) for code, name, since, photo in rows]


def _feed(session: Session, location: Location) -> list[FeedItem]:
    """The newest check-ins, check-outs and refusals, each read through its own index."""
    here, name = {"location_id": location.id}, location.name
    items = [
        FeedItem(f"in-{id_}", FeedKind.CHECK_IN, who, name, at, by=by, photo=photo, override=why)
        for id_, who, at, by, photo, why in session.execute(_ARRIVALS, here)
    ]
    items += [
        FeedItem(
            f"out-{id_}",
            FeedKind.AUTO_OUT if reason == CheckoutReason.AUTO else FeedKind.CHECK_OUT,
            who,
            name,
            out,
            stay_seconds=int((out - arrived).total_seconds()),
            reason=reason,
            by=by,
            photo=photo,
        )
        for id_, who, out, arrived, reason, by, photo in session.execute(_DEPARTURES, here)
    ]
    items += [
        FeedItem(
            f"{DENIED_KEY}{id_}",
            FeedKind.DENIED,
            who,
            name,
            at,
            reason=reason,
            photo=photo,
            admittable=who is not None and admitted is None and reason in ADMITTABLE,
            at_kiosk=kiosk is not None,
        )
        for id_, who, at, reason, photo, admitted, kiosk in session.execute(_REFUSALS, here)
    ]
    return newest(items)


# The rows' statements, built once with the location as a bound parameter: building a
# statement costs SQLAlchemy more than SQLite takes to run it.
_LOCATION = sa.bindparam("location_id")
_PERSON = sa.select(Member.full_name).where(Member.id == Visit.member_id).scalar_subquery()
_PHOTO = sa.select(Member.photo).where(Member.id == Visit.member_id).scalar_subquery()
_IN_BY = sa.select(Staff.display_name).where(Staff.id == Visit.checked_in_by).scalar_subquery()
_OUT_BY = sa.select(Staff.display_name).where(Staff.id == Visit.checked_out_by).scalar_subquery()
_INSIDE = (
    sa.select(Member.member_code, Member.full_name, Visit.checked_in_at, Member.photo)
    .join(Member, Member.id == Visit.member_id)
    .where(Visit.location_id == _LOCATION, Visit.checked_out_at.is_(None))
    # The id too: only the open visits' index (ix_visit_open_location, whose entries end
    # with the row id) gives this order, so SQLite reads the few open visits, never the
    # location's whole history through ix_visit_location_in (125 ms at 400,000 visits).
    .order_by(Visit.checked_in_at.desc(), Visit.id.desc())
)
_ARRIVALS = (
    sa.select(Visit.id, _PERSON, Visit.checked_in_at, _IN_BY, _PHOTO, Visit.override_reason)
    .where(Visit.location_id == _LOCATION)
    .order_by(Visit.checked_in_at.desc())
    .limit(FEED_SIZE)
)
_DEPARTURES = (
    sa.select(
        Visit.id,
        _PERSON,
        Visit.checked_out_at,
        Visit.checked_in_at,
        Visit.checkout_reason,
        _OUT_BY,
        _PHOTO,
    )
    .where(Visit.location_id == _LOCATION, Visit.checked_out_at.is_not(None))
    .order_by(Visit.checked_out_at.desc())
    .limit(FEED_SIZE)
)
_REFUSALS = (
    sa.select(
        DeniedAttempt.id,
        Member.full_name,
        DeniedAttempt.at,
        DeniedAttempt.reason,
        Member.photo,
        DeniedAttempt.admitted_visit_id,
        DeniedAttempt.kiosk_id,
    )
    .outerjoin(Member, Member.id == DeniedAttempt.member_id)
    .where(DeniedAttempt.location_id == _LOCATION)
    .order_by(DeniedAttempt.at.desc())
    .limit(FEED_SIZE)
)
