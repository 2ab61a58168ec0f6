"""Members: enrol, list, and read the snapshot the check-in rules work with."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.cards import render_card
from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.hashing import hash_secret
from gym_live.domain.errors import Conflict, InvalidInput, NotFound
from gym_live.domain.members import (
    MemberSnapshot,
    MemberStatus,
    normalize_code,
    validate_full_name,
    validate_pin,
)
from gym_live.models import Location, Member
from gym_live.services.deps import Deps

GENERATED_CODE_DIGITS = 8
MAX_SEARCH_LENGTH = 64
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
    try:
        member_status = MemberStatus(status)
    except ValueError:
        choices = ", ".join(s.value for s in MemberStatus)
        raise InvalidInput(f"Status must be one of: {choices}.") from None
    with write_session(deps.engine) as session:
        member_code = normalize_code(code) if code is not None else _free_code(session)
        if _by_code(session, member_code) is not None:
            raise Conflict(f"Member code {member_code} is already taken.")
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
    """Members whose card number starts with, or whose name contains, the text.

    Raises:
        InvalidInput: text longer than a name or with control characters.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return []
    if len(cleaned) > MAX_SEARCH_LENGTH:
        raise InvalidInput(f"Search for at most {MAX_SEARCH_LENGTH} characters.")
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidInput("Search text cannot contain control characters.")
    code = cleaned.upper()
    name_like = "%" + _LIKE_SPECIAL.sub(r"\\\g<0>", cleaned.lower()) + "%"
    query = (
        select(Member)
        .where(
            sa.or_(
                sa.and_(Member.member_code >= code, Member.member_code < code + "\uffff"),
                sa.func.lower(Member.full_name).like(name_like, escape="\\"),
            )
        )
        .order_by(Member.full_name, Member.member_code)
        .limit(limit)
    )
    with read_session(deps.engine) as session:
        return [to_snapshot(row) for row in session.exec(query)]


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
