"""Members: enrol, list, and read the snapshot the check-in rules work with."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.cards import render_card
from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.hashing import hash_secret
from gym_live.domain.errors import Conflict, InvalidInput, NotFound
from gym_live.domain.member_list import (
    MEMBERS_PAGE_SIZE,
    MemberFilter,
    MemberSort,
    clean_search,
)
from gym_live.domain.members import (
    CODE,
    MemberSnapshot,
    MemberStatus,
    normalize_code,
    normalize_email,
    normalize_phone,
    search_key,
    validate_full_name,
    validate_pin,
)
from gym_live.models import Location, Member, Visit
from gym_live.services.deps import Deps

GENERATED_CODE_DIGITS = 8
# Fewer digits than this match too many phone numbers to be worth looking for.
MIN_PHONE_SEARCH_DIGITS = 3
_LIKE_SPECIAL = re.compile(r"[\\%_]")


def add_member(
    full_name: str,
    *,
    code: str | None = None,
    valid_until: date | None = None,
    status: str = MemberStatus.ACTIVE.value,
    email: str | None = None,
    phone: str | None = None,
    deps: Deps,
) -> MemberSnapshot:
    """Enrol a member; without a code, a free numeric one is generated for the card."""
    name = validate_full_name(full_name)
    email, phone = normalize_email(email or ""), normalize_phone(phone or "")
    try:
        member_status = MemberStatus(status)
    except ValueError:
        choices = ", ".join(s.value for s in MemberStatus)
        raise InvalidInput(f"Status must be one of: {choices}.") from None
    with write_session(deps.engine) as session:
        member_code = normalize_code(code) if code is not None else _free_code(session)
        if _by_code(session, member_code) is not None:
            raise Conflict(f"Member code {member_code} is already taken.", field=CODE)
        member = Member(
            member_code=member_code,
            full_name=name,
            status=member_status.value,
            valid_until=valid_until,
            email=email,
            phone=phone,
            created_at=deps.clock(),
        )
        session.add(member)
        session.commit()
        return to_snapshot(member)


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
    )


def _by_code(session: Session, code: str) -> Member | None:
    return session.exec(_BY_CODE, params={"code": code}).first()


# Built once: every scan looks a card up (see checkin's statements).
_BY_CODE = select(Member).where(Member.member_code == sa.bindparam("code"))


def _free_code(session: Session) -> str:
    for _ in range(20):
        candidate = str(secrets.randbelow(9 * 10 ** (GENERATED_CODE_DIGITS - 1)) + 10**7)
        if _by_code(session, candidate) is None:
            return candidate
    raise Conflict("Could not find a free member code; try again.")


def search_members(text: str, *, deps: Deps, limit: int = 8) -> list[MemberSnapshot]:
    """The desk's quick search: members whose card number, name, email or phone match.

    Raises:
        InvalidInput: text longer than a name or with control characters.
    """
    cleaned = clean_search(text)
    if not cleaned:
        return []
    query = (
        select(Member)
        .where(_matching(cleaned))
        .order_by(Member.search_key, Member.member_code)
        .limit(limit)
    )
    with read_session(deps.engine) as session:
        return [to_snapshot(row) for row in session.exec(query)]


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
    members: list[MemberListing]
    page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // MEMBERS_PAGE_SIZE))


def find_members(wanted: MemberFilter, *, deps: Deps) -> MemberPage:
    """One page of the members list, and how many members match in all."""
    today = deps.clock().astimezone(deps.settings.zone).date()
    conditions = _conditions(wanted, today)
    inside = sa.exists().where(Visit.member_id == Member.id, Visit.checked_out_at.is_(None))
    page = (
        sa.select(Member, inside.label("inside"))
        .where(*conditions)
        .order_by(*_order(wanted))
        .limit(MEMBERS_PAGE_SIZE)
        .offset((wanted.page - 1) * MEMBERS_PAGE_SIZE)
    )
    counted = sa.select(sa.func.count()).select_from(Member).where(*conditions)
    with read_session(deps.engine) as session:
        total = session.scalar(counted) or 0
        rows = session.execute(page).all()
    return MemberPage([_listing(row, bool(is_in)) for row, is_in in rows], wanted.page, total)


def _conditions(wanted: MemberFilter, today: date) -> list[sa.ColumnElement[bool]]:
    conditions = [_matching(wanted.text)] if wanted.text else []
    if wanted.status is not None:
        conditions.append(Member.status == wanted.status.value)
    first, last = wanted.expiry_bounds(today)
    if first is not None:
        conditions.append(Member.valid_until >= first)
    if last is not None:
        conditions.append(Member.valid_until <= last)
    if wanted.inside_only:
        inside_now = sa.select(Visit.member_id).where(Visit.checked_out_at.is_(None))
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


def _matching(text: str) -> sa.ColumnElement[bool]:
    """Card number from its start; name (without case or accents), email or phone digits
    anywhere in them."""
    code = text.upper()
    anywhere = [
        _contains(Member.search_key, search_key(text)),
        _contains(Member.email, text.lower()),
    ]
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= MIN_PHONE_SEARCH_DIGITS:
        anywhere.append(_contains(Member.phone, digits))
    return sa.or_(
        sa.and_(Member.member_code >= code, Member.member_code < code + "\uffff"), *anywhere
    )


def _contains(column: sa.ColumnElement[str | None], text: str) -> sa.ColumnElement[bool]:
    return column.like("%" + _LIKE_SPECIAL.sub(r"\\\g<0>", text) + "%", escape="\\")


def _listing(member: Member, inside: bool) -> MemberListing:
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


def set_pin(code: str, pin: str | None, *, deps: Deps) -> MemberSnapshot:
    """Protect a member's check-ins with a PIN (stored as an argon2 hash), or remove it."""
    pin_hash = hash_secret(validate_pin(pin)) if pin is not None else None
    with write_session(deps.engine) as session:
        member = _by_code(session, normalize_code(code))
        if member is None:
            raise NotFound(f"No member with code {code.strip()[:40]!r}.")
        member.pin_hash = pin_hash
        session.add(member)
        session.commit()
        return to_snapshot(member)


def member_card(code: str, *, deps: Deps) -> bytes:
    """A printable card (PNG) for the member with this code."""
    with read_session(deps.engine) as session:
        member = _by_code(session, normalize_code(code))
        if member is None:
            raise NotFound(f"No member with code {code.strip()[:40]!r}.")
        location = session.exec(select(Location).order_by(Location.id)).first()
        return render_card(to_snapshot(member), location.name if location else "gym_live")
