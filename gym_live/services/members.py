"""Members: enrol, list, and read the snapshot the check-in rules work with."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gym_live.adapters import member_search
from gym_live.adapters.cards import render_card
from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.hashing import hash_secret
from gym_live.adapters.photos import Photo, square_jpegs
from gym_live.domain.audit import AuditKind
from gym_live.domain.days import optional_day
from gym_live.domain.errors import Conflict, InvalidInput, NotFound
from gym_live.domain.member_list import (
    MEMBERS_PAGE_SIZE,
    MemberFilter,
    MemberSort,
    clean_search,
)
from gym_live.domain.members import (
    CODE,
    PLAN,
    VALID_UNTIL,
    MemberSnapshot,
    MemberStatus,
    Plan,
    normalize_code,
    normalize_email,
    normalize_phone,
    search_terms,
    validate_end_date,
    validate_full_name,
    validate_pin,
)
from gym_live.domain.memberships import PASS_UNTIL, PASS_VISITS, pass_added
from gym_live.models import Location, Member, Visit
from gym_live.services import audit
from gym_live.services.deps import Deps

GENERATED_CODE_DIGITS = 8
COUNTED_UP_TO = 1_000
# More matches than this, and a page is found sooner in the list's order than by the index
# (measured at 50,000 members: bench/README.md, "members").
MANY_MATCHES = 200


def add_member(
    full_name: str,
    *,
    code: str | None = None,
    valid_until: date | None = None,
    status: str = MemberStatus.ACTIVE.value,
    email: str | None = None,
    phone: str | None = None,
    pin: str | None = None,
    plan: Plan = Plan.TIME,
    pass_until: date | None = None,
    photo: Photo | None = None,
    by: int | None = None,
    deps: Deps,
) -> MemberSnapshot:
    """Enrol a member on time (until `valid_until`, or with no end) or on a pass of
    PASS_VISITS visits (until `pass_until`, or with no expiry), with their photo if one
    was taken; without a code, a free numeric one is generated for the card. The audit
    trail records who enrolled them, with what."""
    name = validate_full_name(full_name)
    email, phone = normalize_email(email or ""), normalize_phone(phone or "")
    pin_hash = hash_secret(validate_pin(pin)) if pin else None
    try:
        member_status = MemberStatus(status)
    except ValueError:
        choices = ", ".join(s.value for s in MemberStatus)
        raise InvalidInput(f"Status must be one of: {choices}.") from None
    stored = deps.photos().saved(photo) if photo else contextlib.nullcontext(None)
    with stored as photo_name, write_session(deps.engine) as session:
        member_code = normalize_code(code, field=CODE) if code else _free_code(session)
        if _by_code(session, member_code) is not None:
            raise Conflict(f"Card number {member_code} is already taken.", field=CODE)
        member = Member(
            member_code=member_code,
            full_name=name,
            status=member_status.value,
            valid_until=valid_until,
            email=email,
            phone=phone,
            pin_hash=pin_hash,
            plan=plan.value,
            visits_left=PASS_VISITS if plan is Plan.VISITS else None,
            pass_until=pass_until if plan is Plan.VISITS else None,
            photo=photo_name,
            created_at=deps.clock(),
        )
        session.add(member)
        details = [f"card {member_code}", _membership_text(valid_until, plan, pass_until)]
        details += [value for value in (email, phone) if value] + ["PIN"] * bool(pin_hash)
        details += ["photo"] * bool(photo_name)
        audit.record(
            session, AuditKind.MEMBER_ADDED, name, by=by, at=deps.clock(), detail=", ".join(details)
        )
        try:
            session.commit()
        except IntegrityError:  # the same card number, enrolled at this moment elsewhere
            raise Conflict(f"Card number {member_code} is already taken.", field=CODE) from None
        return to_snapshot(member)


def _membership_text(valid_until: date | None, plan: Plan, pass_until: date | None) -> str:
    if plan is Plan.VISITS:
        return f"{PASS_VISITS} visits" + (f" until {pass_until}" if pass_until else "")
    return f"until {valid_until}" if valid_until else "no end"


def enrol(
    full_name: str,
    *,
    code: str,
    plan: str,
    valid_until: str,
    pass_until: str,
    email: str,
    phone: str,
    pin: str,
    photo: Photo | None = None,
    by: int | None,
    deps: Deps,
) -> MemberSnapshot:
    """The new-member form, as typed: on time, ending today or later (or never), or on a
    pass, whose last day (if any) is today or later; the photo as `photo_to_enrol` made it."""
    today = deps.today()
    try:
        chosen = Plan(plan or Plan.TIME.value)
    except ValueError:
        raise InvalidInput("Choose time or a visit pass.", field=PLAN) from None
    until = validate_end_date(optional_day(valid_until, field=VALID_UNTIL), today)
    pass_last = optional_day(pass_until, field=PASS_UNTIL)
    if chosen is Plan.VISITS:  # the pass's rules, as when the desk sells one
        until, (_, pass_last) = None, pass_added(None, None, pass_last, today)
    return add_member(
        full_name,
        code=code.strip() or None,
        valid_until=until,
        email=email,
        phone=phone,
        pin=pin.strip() or None,
        plan=chosen,
        pass_until=pass_last,
        photo=photo,
        by=by,
        deps=deps,
    )


def photo_to_enrol(upload: bytes) -> Photo:
    """A photo chosen on the new-member form, checked and made square at once (the desk
    sees it, or why not, before the member exists); stored when they are enrolled.

    Raises:
        InvalidInput: not an image, or too large.
    """
    return square_jpegs(upload)


def list_members(*, deps: Deps, limit: int = 1000) -> list[MemberSnapshot]:
    with read_session(deps.engine) as session:
        rows = session.exec(select(Member).order_by(Member.full_name).limit(limit)).all()
        return [to_snapshot(row) for row in rows]


def find_by_code(session: Session, code: str) -> Member | None:
    return _by_code(session, code)


def to_snapshot(member: Member) -> MemberSnapshot:
    return MemberSnapshot(
        id=str(member.id),
        code=member.member_code,
        full_name=member.full_name,
        status=MemberStatus(member.status),
        valid_until=member.valid_until,
        has_pin=member.pin_hash is not None,
        frozen_until=member.frozen_until,
        plan=Plan(member.plan),
        visits_left=member.visits_left,
        pass_until=member.pass_until,
    )


def _by_code(session: Session, code: str) -> Member | None:
    return session.exec(_BY_CODE, params={"code": code}).first()


# Built once: every scan looks a card up (see checkin's statements).
_BY_CODE = select(Member).where(Member.member_code == sa.bindparam("code"))


def _free_code(session: Session) -> str:
    for _ in range(20):
        candidate = _random_code()
        if _by_code(session, candidate) is None:
            return candidate
    raise Conflict("Could not find a free member code; try again.")


def new_code(taken: set[str]) -> str:
    """A card number that is none of `taken` (an import's: every member's and the file's)."""
    while (candidate := _random_code()) in taken:
        pass
    return candidate


def _random_code() -> str:
    return str(secrets.randbelow(9 * 10 ** (GENERATED_CODE_DIGITS - 1)) + 10**7)


def search_members(text: str, *, deps: Deps, limit: int = 8) -> list[MemberListing]:
    """The desk's quick search: the first members of the list whose name, card number,
    email or phone match.

    Raises:
        InvalidInput: text longer than a name or with control characters.
    """
    cleaned = clean_search(text)
    if not cleaned:
        return []
    return find_members(MemberFilter(text=cleaned), deps=deps).members[:limit]


@dataclass(frozen=True)
class MemberListing:
    """A member as the members list shows them."""

    code: str
    full_name: str
    email: str | None
    phone: str | None
    status: MemberStatus
    valid_until: date | None
    last_visit_at: datetime | None
    inside: bool


@dataclass(frozen=True)
class MemberPage:
    """A page of the list; `total` is exact up to COUNTED_UP_TO, else COUNTED_UP_TO + 1."""

    members: list[MemberListing]
    page: int
    total: int

    @property
    def counted_all(self) -> bool:
        return self.total <= COUNTED_UP_TO

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // MEMBERS_PAGE_SIZE))


def find_members(wanted: MemberFilter, *, deps: Deps) -> MemberPage:
    """One page of the members list, and how many members match in all.

    The count comes first and tells how to find the page: among many matches by walking
    the list's order (a page comes soon), among few from the search index.
    """
    today = deps.today()
    terms, dialect = search_terms(wanted.text), deps.engine.dialect.name
    counted = _conditions(wanted, today, member_search.counting(terms, dialect))
    # Counted up to COUNTED_UP_TO + 1: past that, "more than 1,000" says enough, and a
    # broad search stops counting early.
    matching = sa.select(Member.id).where(*counted).limit(COUNTED_UP_TO + 1).subquery()
    inside = sa.exists().where(Visit.member_id == Member.id, Visit.checked_out_at.is_(None))
    with read_session(deps.engine) as session:
        total = session.scalar(sa.select(sa.func.count()).select_from(matching)) or 0
        many = total > MANY_MATCHES
        if many:
            member_search.walk_the_order(session)
        found = member_search.finding(terms, dialect, many=many)
        page = (
            sa.select(Member, inside.label("inside"))
            .where(*_conditions(wanted, today, found))
            .order_by(*_order(wanted))
            .limit(MEMBERS_PAGE_SIZE)
            .offset((wanted.page - 1) * MEMBERS_PAGE_SIZE)
        )
        rows = session.execute(page).all()
    return MemberPage([listing(row, bool(is_in)) for row, is_in in rows], wanted.page, total)


def _conditions(
    wanted: MemberFilter, today: date, found: sa.ColumnElement[bool]
) -> list[sa.ColumnElement[bool]]:
    """The filter's conditions; `found` is how its text is looked for (if it has any)."""
    conditions = [found] if wanted.text else []
    if wanted.status is not None:
        conditions.append(Member.status == wanted.status.value)
    first, last = wanted.expiry_bounds(today)
    if first is not None:
        conditions.append(Member.valid_until >= first)
    if last is not None:
        conditions.append(Member.valid_until <= last)
    if wanted.inside_only:
        # Location is always set: naming it keeps SQLite (without ANALYZE's statistics) from
        # scanning the every-visit index, which holds member and check-out, for the open
        # visits that a partial index holds (50 ms against 2 ms at 200,000 visits).
        inside_now = sa.select(Visit.member_id).where(
            Visit.checked_out_at.is_(None), Visit.location_id.is_not(None)
        )
        conditions.append(Member.id.in_(inside_now))
    return conditions


def _order(wanted: MemberFilter) -> list[sa.ColumnElement[object]]:
    """The chosen order (members without a date last, either way), then by name."""
    column = {
        MemberSort.NAME: Member.search_key,
        MemberSort.VALID_UNTIL: Member.valid_until,
        MemberSort.LAST_VISIT: Member.last_visit_at,
    }[wanted.sort]
    ordered = column.desc() if wanted.descending else column.asc()
    if wanted.sort is not MemberSort.NAME:  # (NULLS LAST on a name would stop index use)
        ordered = ordered.nulls_last()
    return [ordered, Member.search_key, Member.member_code]


def listing(member: Member, inside: bool) -> MemberListing:
    return MemberListing(
        member.member_code,
        member.full_name,
        member.email,
        member.phone,
        MemberStatus(member.status),
        member.valid_until,
        member.last_visit_at,
        inside,
    )


def member_card(code: str, *, deps: Deps) -> bytes:
    """A printable card (PNG) for the member with this code."""
    with read_session(deps.engine) as session:
        member = _by_code(session, normalize_code(code))
        if member is None:
            raise NotFound(f"No member with code {code.strip()[:40]!r}.")
        location = session.exec(select(Location).order_by(Location.id)).first()
        return render_card(to_snapshot(member), location.name if location else "gym_live")
