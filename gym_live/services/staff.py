"""Staff accounts: add, list, change a password, deactivate; the first admin of a new gym.

Changing a password or deactivating an account ends that account's sessions at once.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.common_passwords import common_passwords
from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.hashing import hash_secret
from gym_live.domain.errors import Conflict, InvalidInput, LastAdmin, NotFound
from gym_live.domain.staff import (
    Role,
    StaffMember,
    normalize_username,
    validate_display_name,
    validate_password,
)
from gym_live.models import Staff, StaffSession
from gym_live.services.deps import Deps

FIRST_ADMIN = "admin"


def add_staff(
    username: str,
    *,
    role: str,
    password: str,
    display_name: str | None = None,
    deps: Deps,
) -> StaffMember:
    """Create an account; the password must meet the policy (domain.staff)."""
    name = normalize_username(username)
    staff_role = _role(role)
    shown_as = validate_display_name(display_name if display_name is not None else name)
    password_hash = hash_secret(
        validate_password(password, username=name, common=common_passwords())
    )
    with write_session(deps.engine) as session:
        if by_username(session, name) is not None:
            raise Conflict(f"The username {name!r} is already taken.")
        row = Staff(
            username=name,
            display_name=shown_as,
            role=staff_role.value,
            password_hash=password_hash,
            created_at=deps.clock(),
        )
        session.add(row)
        session.commit()
        return to_member(row)


def list_staff(*, deps: Deps) -> list[StaffMember]:
    with read_session(deps.engine) as session:
        return [to_member(row) for row in session.exec(select(Staff).order_by(Staff.username))]


def set_password(username: str, password: str, *, deps: Deps) -> StaffMember:
    """A new password; every session of the account ends (sign in again everywhere)."""
    name = normalize_username(username)
    password_hash = hash_secret(
        validate_password(password, username=name, common=common_passwords())
    )
    with write_session(deps.engine) as session:
        row = _existing(session, name)
        row.password_hash = password_hash
        end_sessions(session, row, deps)
        session.commit()
        return to_member(row)


def set_active(username: str, active: bool, *, deps: Deps) -> StaffMember:
    """Deactivate (ending every session) or reactivate an account.

    The last active admin can never be deactivated: there would be no one left to manage
    the gym's accounts. Two admins deactivating each other at once: one of them wins.
    """
    with write_session(deps.engine) as session:
        row = _existing(session, normalize_username(username))
        if not active and row.role == Role.ADMIN and row.active:
            _keep_an_admin(session, row)
        row.active = active
        if not active:
            end_sessions(session, row, deps)
        session.commit()
        return to_member(row)


def create_first_admin(*, deps: Deps) -> str | None:
    """On a gym with no staff yet, the account `admin` with a random password (returned once);
    None when accounts exist. There is no default password anywhere."""
    password = secrets.token_urlsafe(12)
    with write_session(deps.engine) as session:
        if session.scalar(sa.select(sa.func.count()).select_from(Staff)):
            return None
        session.add(
            Staff(
                username=FIRST_ADMIN,
                display_name="Administrator",
                role=Role.ADMIN.value,
                password_hash=hash_secret(password),
                created_at=deps.clock(),
            )
        )
        session.commit()
    return password


def end_sessions(session: Session, row: Staff, deps: Deps) -> int:
    """End every open session of an account, inside the caller's transaction."""
    ended = session.execute(
        sa.update(StaffSession)
        .where(StaffSession.staff_id == row.id, StaffSession.ended_at.is_(None))
        .values(ended_at=deps.clock())
    )
    return ended.rowcount


def to_member(row: Staff) -> StaffMember:
    assert row.id is not None
    return StaffMember(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
        last_sign_in_at=row.last_sign_in_at,
    )


def by_username(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def _existing(session: Session, username: str) -> Staff:
    row = by_username(session, username)
    if row is None:
        raise NotFound(f"No staff account named {username!r}.")
    return row


def _keep_an_admin(session: Session, leaving: Staff) -> None:
    """Refuse to leave the gym without an active admin.

    Every active admin's row is held until commit (PostgreSQL; SQLite's writers take turns),
    so two admins deactivating each other at once are decided one after the other.
    """
    admins = session.exec(
        select(Staff.id)
        .where(Staff.role == Role.ADMIN.value, Staff.active.is_(True))
        .with_for_update()
    ).all()
    if not set(admins) - {leaving.id}:
        raise LastAdmin("This is the last active admin: make another admin first.")


def _role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        raise InvalidInput(f"A role is one of: {choices}.") from None
