"""Staff sign-in and sessions: server-side rows behind a random token the browser keeps.

Every attempt is recorded, by the username typed. The slow password hash is checked outside
any write transaction, so a sign-in never holds up a check-in at the door.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.db import read_session, write_session
from gym_live.adapters.hashing import hash_secret, needs_rehash, verify_nothing, verify_secret
from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import (
    AccountInactive,
    AccountLocked,
    InvalidInput,
    NotFound,
    NotSignedIn,
    SignInFailed,
)
from gym_live.domain.staff import (
    CURRENT_PASSWORD,
    LOCKOUT,
    LOCKOUT_WINDOW,
    MAX_PASSWORD_LENGTH,
    REPEATED_PASSWORD,
    SignInOutcome,
    StaffMember,
    locked_until,
    normalize_username,
    session_expiry,
    session_needs_renewal,
)
from gym_live.domain.tokens import new_token, secret_hash
from gym_live.models import SignInAttempt, Staff, StaffSession
from gym_live.services import audit
from gym_live.services.deps import Deps
from gym_live.services.staff import by_username, end_sessions, set_password, to_member

NO_MATCH = "That username and password do not match."


def sign_in(username: str, password: str, *, deps: Deps) -> tuple[StaffMember, str]:
    """Check a username and password; a new session and its token (shown to no one else).

    Raises:
        InvalidInput: nothing typed, or a username no account could have (not recorded).
        AccountLocked: too many failed attempts for this username lately.
        SignInFailed: unknown username or wrong password (one message for both).
        AccountInactive: the right password for a deactivated account.
    """
    name = normalize_username(username)
    if not password:
        raise InvalidInput("Enter your password.")
    with read_session(deps.engine) as session:
        locked = _lock(session, name, deps.clock())
        row = by_username(session, name)
        account_id, stored_hash = (row.id, row.password_hash) if row else (None, None)
    if locked is not None:  # refused before the costly hash check
        _record_alone(deps, name, account_id, SignInOutcome.LOCKED)
        raise locked
    if stored_hash is None or len(password) > MAX_PASSWORD_LENGTH:
        verify_nothing(password[:MAX_PASSWORD_LENGTH])  # as long as a real check takes
        matches = False
    else:
        matches = verify_secret(password, stored_hash)
    with write_session(deps.engine) as session:
        now = deps.clock()
        locked = _lock(session, name, now)  # attempts made meanwhile count too
        if locked is not None:
            _record(session, name, account_id, SignInOutcome.LOCKED, now)
            session.commit()
            raise locked
        row = session.get(Staff, account_id) if matches else None
        if row is None:
            _record(session, name, account_id, SignInOutcome.FAILED, now)
            session.commit()
            raise SignInFailed(NO_MATCH)
        if not row.active:
            _record(session, name, account_id, SignInOutcome.FAILED, now)
            session.commit()
            raise AccountInactive("This account is deactivated. Ask an admin to reactivate it.")
        if needs_rehash(row.password_hash):
            row.password_hash = hash_secret(password)
        row.last_sign_in_at = now
        token = new_token()
        session.add(
            StaffSession(
                staff_id=account_id,
                token_hash=secret_hash(token),
                created_at=now,
                expires_at=session_expiry(now),
            )
        )
        _record(session, name, account_id, SignInOutcome.OK, now)
        session.commit()
        return to_member(row), token


def authenticate(token: str, *, deps: Deps) -> StaffMember:
    """The active staff member whose live session this token is; its expiry slides.

    Raises:
        NotSignedIn: no such session, or it expired, was ended, or its account deactivated.
    """
    if not token or len(token) > 200:
        raise NotSignedIn("Please sign in.")
    now = deps.clock()
    digest = secret_hash(token)
    with read_session(deps.engine) as session:
        found = session.exec(_LIVE_SESSION, params={"token_hash": digest, "now": now}).first()
        if found is None:
            raise NotSignedIn("Your session has ended. Please sign in again.")
        staff, expires_at = to_member(found[0]), found[1]
    if session_needs_renewal(expires_at, now):
        with write_session(deps.engine) as session:
            session.execute(
                sa.update(StaffSession)
                .where(StaffSession.token_hash == digest, StaffSession.ended_at.is_(None))
                .values(expires_at=session_expiry(now))
            )
            session.commit()
    return staff


def still_live(digests: set[str], *, deps: Deps) -> set[str]:
    """Which of these token hashes are sessions still live now (one query for them all)."""
    if not digests:
        return set()
    with read_session(deps.engine) as session:
        live = _live_sessions(sa.select(StaffSession.token_hash), deps.clock())
        return set(session.scalars(live.where(StaffSession.token_hash.in_(digests))))


def change_own_password(
    token: str, current: str, new: str, repeated: str, *, deps: Deps
) -> StaffMember:
    """The signed-in member chooses their own password (at the first sign-in after an admin
    handed one over, or any time). Their other sessions end; this one stays.

    Raises:
        NotSignedIn: the session is not live. InvalidInput / WeakPassword naming the field:
        the current password is wrong, the two new ones differ, or the policy refuses it.
    """
    member = authenticate(token, deps=deps)
    with read_session(deps.engine) as session:
        stored_hash = session.get(Staff, member.id).password_hash  # type: ignore[union-attr]
    if not verify_secret(current[:MAX_PASSWORD_LENGTH], stored_hash):
        raise InvalidInput("That is not your current password.", field=CURRENT_PASSWORD)
    if new != repeated:
        raise InvalidInput("The two new passwords differ.", field=REPEATED_PASSWORD)
    return set_password(
        member.username, new, by=member.id, keep_session=secret_hash(token), deps=deps
    )


def sign_out(token: str, *, deps: Deps) -> None:
    """End this session (in every tab that holds its token)."""
    with write_session(deps.engine) as session:
        session.execute(
            sa.update(StaffSession)
            .where(StaffSession.token_hash == secret_hash(token), StaffSession.ended_at.is_(None))
            .values(ended_at=deps.clock())
        )
        session.commit()


def sign_out_everywhere(username: str, *, by: int | None = None, deps: Deps) -> int:
    """End every session of an account; how many were open."""
    with write_session(deps.engine) as session:
        row = by_username(session, normalize_username(username))
        if row is None:
            raise NotFound(f"No staff account named {username!r}.")
        ended = end_sessions(session, row, deps)
        audit.record(
            session,
            AuditKind.SIGNED_OUT_EVERYWHERE,
            row.username,
            by=by,
            at=deps.clock(),
            detail=f"{ended} session{'s' * (ended != 1)}",
        )
        session.commit()
        return ended


def _lock(session: Session, username: str, now: datetime) -> AccountLocked | None:
    """The refusal for a username locked now by its failed attempts since its last success."""
    last_ok = session.scalar(_LAST_OK, {"username": username})
    oldest_that_counts = now - LOCKOUT_WINDOW - LOCKOUT  # a lock it began would be over
    since = max(last_ok, oldest_that_counts) if last_ok else oldest_that_counts
    failures = list(session.scalars(_FAILURES_SINCE, {"username": username, "since": since}))
    until = locked_until(failures, now)
    if until is None:
        return None
    minutes = max(1, round((until - now).total_seconds() / 60))
    return AccountLocked(
        f"Too many failed sign-ins: this account is locked for {minutes} more "
        f"minute{'s' * (minutes != 1)}. Try again then, or ask an admin.",
        until=until,
    )


def _record_alone(deps: Deps, username: str, staff_id: int | None, outcome: SignInOutcome) -> None:
    with write_session(deps.engine) as session:
        _record(session, username, staff_id, outcome, deps.clock())
        session.commit()


def _record(
    session: Session, username: str, staff_id: int | None, outcome: SignInOutcome, at: datetime
) -> None:
    session.add(SignInAttempt(username=username, staff_id=staff_id, outcome=outcome.value, at=at))


_USERNAME = sa.bindparam("username")
_LAST_OK = sa.select(sa.func.max(SignInAttempt.at)).where(
    SignInAttempt.username == _USERNAME, SignInAttempt.outcome == SignInOutcome.OK.value
)
_FAILURES_SINCE = sa.select(SignInAttempt.at).where(
    SignInAttempt.username == _USERNAME,
    SignInAttempt.outcome == SignInOutcome.FAILED.value,
    SignInAttempt.at > sa.bindparam("since"),
)


def _live_sessions(query: sa.Select, now: datetime | sa.BindParameter[datetime]) -> sa.Select:
    """`query` narrowed to sessions live at `now` (a datetime, or a bound parameter):
    not ended, not expired, of an active account."""
    return query.join(Staff, Staff.id == StaffSession.staff_id).where(
        StaffSession.ended_at.is_(None),
        StaffSession.expires_at > now,
        Staff.active.is_(True),
    )


_LIVE_SESSION = _live_sessions(select(Staff, StaffSession.expires_at), sa.bindparam("now")).where(
    StaffSession.token_hash == sa.bindparam("token_hash")
)
