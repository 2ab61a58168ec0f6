"""Staff accounts, sign-in, lockout and sessions on real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from passlib.context import CryptContext

from gym_live.adapters.hashing import needs_rehash, verify_secret
from gym_live.domain.errors import (
    AccountInactive,
    AccountLocked,
    Conflict,
    InvalidInput,
    LastAdmin,
    NotSignedIn,
    SignInFailed,
    WeakPassword,
)
from gym_live.domain.staff import LOCKOUT_FAILURES, Role
from gym_live.domain.tokens import secret_hash
from gym_live.models import SignInAttempt, Staff, StaffSession
from gym_live.services import sessions, staff
from gym_live.services.deps import Deps
from tests.helpers.builders import count
from tests.helpers.concurrency import all_at_once, on_own_connection
from tests.helpers.fakes import FakeClock

GOOD = "correct horse battery"


def maria(deps: Deps, role: str = "front_desk", username: str = "Maria") -> None:
    staff.add_staff(username, role=role, password=GOOD, display_name="Maria Lopez", deps=deps)


def outcomes(deps: Deps) -> list[str]:
    with deps.engine.connect() as conn:
        rows = conn.execute(sa.select(SignInAttempt.outcome).order_by(SignInAttempt.id))
        return list(rows.scalars())


def test_accounts_are_listed_without_secrets_and_usernames_ignore_case(deps: Deps) -> None:
    maria(deps)
    [listed] = staff.list_staff(deps=deps)
    assert (listed.username, listed.display_name, listed.role, listed.active) == (
        "maria",
        "Maria Lopez",
        Role.FRONT_DESK,
        True,
    )
    assert not hasattr(listed, "password_hash")
    with pytest.raises(Conflict, match="already taken"):
        staff.add_staff("MARIA", role="admin", password="another long one", deps=deps)
    with deps.engine.connect() as conn:
        stored = conn.execute(sa.select(Staff.password_hash)).scalar_one()
    assert GOOD not in stored and stored.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("username", "password", "error", "message"),
    [
        ("", GOOD, InvalidInput, "Enter a username"),
        ("x" * 10_000, GOOD, InvalidInput, "3 to 40 characters"),
        ("ma", GOOD, InvalidInput, "3 to 40 characters"),
        ("mária", GOOD, InvalidInput, "letters a-z"),
        ("ma\x00ria", GOOD, InvalidInput, "letters a-z"),
        ("maria", "short", WeakPassword, "at least 10"),
        ("maria", "y" * 10_000, WeakPassword, "at most 256"),
        ("maria", "MARIA", WeakPassword, "at least 10"),
        ("maria.lopez", "Maria.Lopez", WeakPassword, "be the username"),
        ("maria", "Password123", WeakPassword, "most common"),
        ("maria", "long enough\x07bell", WeakPassword, "control characters"),
    ],
)
def test_bad_usernames_and_passwords_are_refused_and_nothing_is_made(
    deps: Deps, username: str, password: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        staff.add_staff(username, role="front_desk", password=password, deps=deps)
    assert count(deps, Staff) == 0


def test_a_sign_in_makes_a_session_that_is_stored_only_as_a_hash(deps: Deps) -> None:
    maria(deps)
    member, token = sessions.sign_in(" MARIA ", GOOD, deps=deps)
    assert member.username == "maria" and len(token) >= 43
    assert sessions.authenticate(token, deps=deps) == staff.list_staff(deps=deps)[0]
    with deps.engine.connect() as conn:
        [stored] = conn.execute(sa.select(StaffSession.token_hash)).scalars()
    assert stored == secret_hash(token) and token not in stored
    assert outcomes(deps) == ["ok"]


def test_unknown_usernames_and_wrong_passwords_get_the_same_answer_and_a_hash_check(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    maria(deps)
    dummy_checks: list[str] = []
    real = sessions.verify_nothing
    monkeypatch.setattr(sessions, "verify_nothing", lambda pw: (dummy_checks.append(pw), real(pw)))
    answers = []
    for username in ("maria", "nobody"):
        with pytest.raises(SignInFailed) as refused:
            sessions.sign_in(username, "wrong password!", deps=deps)
        answers.append(refused.value.message)
    assert answers[0] == answers[1] == "That username and password do not match."
    assert dummy_checks == ["wrong password!"]  # the unknown username cost a hash check too
    assert outcomes(deps) == ["failed", "failed"]
    assert count(deps, StaffSession) == 0


def test_five_failures_lock_the_username_for_fifteen_minutes(deps: Deps, clock: FakeClock) -> None:
    maria(deps)
    for _ in range(LOCKOUT_FAILURES):
        with pytest.raises(SignInFailed):
            sessions.sign_in("maria", "not my password", deps=deps)
        clock.advance(seconds=10)
    with pytest.raises(AccountLocked, match="locked for 15 more minutes"):
        sessions.sign_in("maria", GOOD, deps=deps)  # even the right password
    clock.advance(minutes=15)
    sessions.sign_in("maria", GOOD, deps=deps)
    assert outcomes(deps) == ["failed"] * LOCKOUT_FAILURES + ["locked", "ok"]


def test_a_hash_made_with_older_parameters_is_replaced_at_sign_in(deps: Deps) -> None:
    maria(deps)
    weaker = CryptContext(schemes=["argon2"], argon2__time_cost=1, argon2__memory_cost=8 * 1024)
    with deps.engine.begin() as conn:
        conn.execute(sa.update(Staff).values(password_hash=weaker.hash(GOOD)))
    sessions.sign_in("maria", GOOD, deps=deps)
    with deps.engine.connect() as conn:
        stored = conn.execute(sa.select(Staff.password_hash)).scalar_one()
    assert not needs_rehash(stored) and verify_secret(GOOD, stored)


def test_sessions_slide_for_twelve_hours_of_use_and_then_end(deps: Deps, clock: FakeClock) -> None:
    maria(deps)
    _, token = sessions.sign_in("maria", GOOD, deps=deps)
    clock.advance(hours=11)
    sessions.authenticate(token, deps=deps)  # used: twelve more hours from now
    clock.advance(hours=11)
    sessions.authenticate(token, deps=deps)
    clock.advance(hours=12, seconds=1)
    with pytest.raises(NotSignedIn):
        sessions.authenticate(token, deps=deps)


def test_signing_out_a_password_change_and_deactivation_end_sessions(deps: Deps) -> None:
    maria(deps)
    _, first = sessions.sign_in("maria", GOOD, deps=deps)
    _, second = sessions.sign_in("maria", GOOD, deps=deps)
    sessions.sign_out(first, deps=deps)
    with pytest.raises(NotSignedIn):
        sessions.authenticate(first, deps=deps)  # a stolen token is worthless after sign-out
    sessions.authenticate(second, deps=deps)
    staff.set_password("maria", "a brand new secret", deps=deps)
    with pytest.raises(NotSignedIn):
        sessions.authenticate(second, deps=deps)
    _, third = sessions.sign_in("maria", "a brand new secret", deps=deps)
    staff.set_active("maria", False, deps=deps)
    with pytest.raises(NotSignedIn):
        sessions.authenticate(third, deps=deps)
    with pytest.raises(AccountInactive, match="deactivated"):
        sessions.sign_in("maria", "a brand new secret", deps=deps)
    staff.set_active("maria", True, deps=deps)
    sessions.sign_in("maria", "a brand new secret", deps=deps)


def test_the_last_active_admin_is_never_deactivated(deps: Deps) -> None:
    maria(deps, role="admin")
    with pytest.raises(LastAdmin):
        staff.set_active("maria", False, deps=deps)
    assert staff.list_staff(deps=deps)[0].active


@pytest.mark.timeout(120)
def test_two_admins_deactivating_each_other_at_once_leave_one_admin(deps: Deps) -> None:
    maria(deps, role="admin", username="ana")
    maria(deps, role="admin", username="ben")
    results = all_at_once(
        [
            lambda name=name: staff.set_active(name, False, deps=on_own_connection(deps))
            for name in ("ana", "ben")
        ]
    )
    assert sorted(type(result).__name__ for result in results) == ["LastAdmin", "StaffMember"]
    assert [m.active for m in staff.list_staff(deps=deps)].count(True) == 1


def test_a_new_gym_gets_one_admin_with_a_random_password_once(deps: Deps) -> None:
    password = staff.create_first_admin(deps=deps)
    assert password is not None and len(password) >= 16
    assert staff.create_first_admin(deps=deps) is None
    member, _ = sessions.sign_in("admin", password, deps=deps)
    assert member.role is Role.ADMIN
    assert staff.create_first_admin(deps=deps) is None
