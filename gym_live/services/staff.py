"""Staff accounts: add, list, change a password or a role, deactivate; the first admin.

Changing a password or deactivating an account ends that account's sessions at once. Each
change is written to the audit trail with who made it (`by`: a staff id; None is the
command line), in the same transaction.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.common_passwords import common_passwords
from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.hashing import hash_secret
from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import Conflict, LastAdmin, NotFound
from gym_live.domain.staff import (
    USERNAME,
    Role,
    StaffMember,
    normalize_username,
    parse_role,
    validate_display_name,
    validate_password,
)
from gym_live.models import Staff, StaffSession
from gym_live.services import audit
from gym_live.services.deps import Deps

FIRST_ADMIN = "admin"


def add_staff(
    username: str,
    *,
    role: str,
    password: str,
    display_name: str | None = None,
    by: int | None = None,
    handed_over: bool = False,
    deps: Deps,
) -> StaffMember:
    """Create an account; the password must meet the policy (domain.staff). A password
    `handed_over` by an admin must be replaced by its owner's own at the first sign-in."""
    name = normalize_username(username)
    staff_role = parse_role(role)
    shown_as = validate_display_name(display_name if display_name is not None else name)
    password_hash = hash_secret(
        validate_password(password, username=name, common=common_passwords())
    )
    with write_session(deps.engine) as session:
        if by_username(session, name) is not None:
            raise Conflict(f"The username {name!r} is already taken.", field=USERNAME)
        row = Staff(
            username=name,
            display_name=shown_as,
            role=staff_role.value,
            password_hash=password_hash,
            created_at=deps.clock(),
            must_change_password=handed_over,
        )
        session.add(row)
        _audit(session, AuditKind.STAFF_ADDED, row, by, deps, detail=staff_role.value)
        session.commit()
        return to_member(row)


def add_with_temporary_password(
    username: str, *, role: str, display_name: str, by: int | None = None, deps: Deps
) -> tuple[StaffMember, str]:
    """An account with a random password, returned once for the admin to hand over."""
    password = temporary_password()
    member = add_staff(
        username,
        role=role,
        password=password,
        display_name=display_name,
        by=by,
        handed_over=True,
        deps=deps,
    )
    return member, password


def list_staff(*, deps: Deps) -> list[StaffMember]:
    with read_session(deps.engine) as session:
        return [to_member(row) for row in session.exec(select(Staff).order_by(Staff.username))]


def set_password(
    username: str,
    password: str,
    *,
    by: int | None = None,
    handed_over: bool = False,
    keep_session: str | None = None,
    deps: Deps,
) -> StaffMember:
    """A new password; every session of the account ends (sign in again everywhere) but
    `keep_session` (the token hash of the tab that changed its own password)."""
    name = normalize_username(username)
    password_hash = hash_secret(
        validate_password(password, username=name, common=common_passwords())
    )
    with write_session(deps.engine) as session:
        row = _existing(session, name)
        row.password_hash, row.must_change_password = password_hash, handed_over
        end_sessions(session, row, deps, keep=keep_session)
        _audit(session, AuditKind.PASSWORD_CHANGED, row, by, deps)
        session.commit()
        return to_member(row)


def reset_password(username: str, *, by: int | None = None, deps: Deps) -> tuple[StaffMember, str]:
    """A new random password for an account, returned once for the admin to hand over."""
    password = temporary_password()
    return set_password(username, password, by=by, handed_over=True, deps=deps), password


def temporary_password() -> str:
    """16 random characters (96 bits): shown once, typed once."""
    return secrets.token_urlsafe(12)


def set_role(username: str, role: str, *, by: int | None = None, deps: Deps) -> StaffMember:
    """Make an account an admin or front desk; the last active admin cannot be demoted."""
    new_role = parse_role(role)
    with write_session(deps.engine) as session:
        row = _existing(session, normalize_username(username))
        if row.role == new_role:
            return to_member(row)
        if row.role == Role.ADMIN and row.active:
            _keep_an_admin(session, row)
        row.role = new_role.value
        _audit(session, AuditKind.ROLE_CHANGED, row, by, deps, detail=new_role.value)
        session.commit()
        return to_member(row)


def set_active(username: str, active: bool, *, by: int | None = None, deps: Deps) -> StaffMember:
    """Deactivate (ending every session) or reactivate an account.

    The last active admin can never be deactivated: there would be no one left to manage
    the gym's accounts. Two admins deactivating each other at once: one of them wins.
    """
    with write_session(deps.engine) as session:
        row = _existing(session, normalize_username(username))
        if row.active == active:
            return to_member(row)
        if not active and row.role == Role.ADMIN:
            _keep_an_admin(session, row)
        row.active = active
        if not active:
            end_sessions(session, row, deps)
        kind = AuditKind.STAFF_REACTIVATED if active else AuditKind.STAFF_DEACTIVATED
        _audit(session, kind, row, by, deps)
        session.commit()
        return to_member(row)


def create_first_admin(*, deps: Deps) -> str | None:
    """On a gym with no staff yet, the account `admin` with a random password (returned once);
    None when accounts exist. There is no default password anywhere."""
    password = temporary_password()
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


def end_sessions(session: Session, row: Staff, deps: Deps, keep: str | None = None) -> int:
    """End every open session of an account (but the one whose token hash is `keep`),
    inside the caller's transaction."""
    ended = session.execute(
        sa.update(StaffSession)
        .where(
            StaffSession.staff_id == row.id,
            StaffSession.ended_at.is_(None),
            StaffSession.token_hash != (keep or ""),
        )
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
        must_change_password=row.must_change_password,
    )


def by_username(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def _existing(session: Session, username: str) -> Staff:
    row = by_username(session, username)
    if row is None:
        raise NotFound(f"No staff account named {username!r}.")
    return row


def _audit(
    session: Session,
    kind: AuditKind,
    row: Staff,
    by: int | None,
    deps: Deps,
    detail: str = "",
) -> None:
    audit.record(session, kind, row.username, by=by, at=deps.clock(), detail=detail)


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
        raise LastAdmin(
            f"{leaving.display_name} is the last active admin: make another admin first."
        )
