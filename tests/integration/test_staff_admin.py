"""What an admin does to staff accounts, on real databases: roles, resets, sign-outs, and the
audit line each leaves (with who did it), and the open-tab session check."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import (
    GymLiveError,
    InvalidInput,
    LastAdmin,
    NotFound,
    NotSignedIn,
    SignInFailed,
)
from gym_live.domain.staff import Role
from gym_live.domain.tokens import secret_hash
from gym_live.models import AuditEvent, Staff
from gym_live.services import sessions, staff
from gym_live.services.deps import Deps
from tests.helpers.builders import count
from tests.helpers.concurrency import all_at_once, on_own_connection
from tests.helpers.fakes import FakeClock

GOOD = "correct horse battery"


def account(deps: Deps, username: str, role: str = "admin") -> int:
    return staff.add_staff(username, role=role, password=GOOD, display_name=username, deps=deps).id


def trail(deps: Deps) -> list[tuple[str, int | None, str, str]]:
    with deps.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                AuditEvent.kind, AuditEvent.actor_id, AuditEvent.subject, AuditEvent.detail
            ).order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]


def test_every_admin_action_leaves_one_audit_line_naming_who_did_it(deps: Deps) -> None:
    boss = account(deps, "boss")
    staff.add_staff("ana", role="front_desk", password=GOOD, by=boss, deps=deps)
    staff.set_role("ana", "admin", by=boss, deps=deps)
    staff.set_role("ana", "admin", by=boss, deps=deps)  # no change: no line
    staff.set_active("ana", False, by=boss, deps=deps)
    staff.set_active("ana", False, by=boss, deps=deps)  # no change: no line
    staff.set_active("ana", True, by=boss, deps=deps)
    staff.reset_password("ana", by=boss, deps=deps)
    sessions.sign_out_everywhere("ana", by=boss, deps=deps)
    assert trail(deps) == [
        (AuditKind.STAFF_ADDED, None, "boss", "admin"),
        (AuditKind.STAFF_ADDED, boss, "ana", "front_desk"),
        (AuditKind.ROLE_CHANGED, boss, "ana", "admin"),
        (AuditKind.STAFF_DEACTIVATED, boss, "ana", ""),
        (AuditKind.STAFF_REACTIVATED, boss, "ana", ""),
        (AuditKind.PASSWORD_CHANGED, boss, "ana", ""),
        (AuditKind.SIGNED_OUT_EVERYWHERE, boss, "ana", "0 sessions"),
    ]


def test_the_last_active_admin_cannot_be_made_front_desk(deps: Deps) -> None:
    account(deps, "boss")
    with pytest.raises(LastAdmin, match="last active admin"):
        staff.set_role("boss", "front_desk", deps=deps)
    account(deps, "ana")
    assert staff.set_role("boss", "front_desk", deps=deps).role is Role.FRONT_DESK
    with pytest.raises(LastAdmin):
        staff.set_role("ana", "front_desk", deps=deps)
    with pytest.raises(InvalidInput, match="A role is one of") as bad:
        staff.set_role("boss", "owner", deps=deps)
    assert bad.value.field == "role"


@pytest.mark.timeout(120)
def test_two_admins_demoting_and_deactivating_each_other_at_once_leave_one_admin(
    deps: Deps,
) -> None:
    account(deps, "ana")
    account(deps, "ben")
    results = all_at_once(
        [
            lambda: staff.set_role("ana", "front_desk", deps=on_own_connection(deps)),
            lambda: staff.set_active("ben", False, deps=on_own_connection(deps)),
        ]
    )
    assert sorted(type(result).__name__ for result in results) == ["LastAdmin", "StaffMember"]
    assert count(deps, Staff, Staff.role == "admin", Staff.active.is_(True)) == 1


def test_a_reset_password_is_new_signs_in_once_handed_over_and_ends_old_sessions(
    deps: Deps,
) -> None:
    account(deps, "ana", role="front_desk")
    _, old_token = sessions.sign_in("ana", GOOD, deps=deps)
    member, password = staff.reset_password("ana", deps=deps)
    assert member.username == "ana" and len(password) >= 16 and password != GOOD
    with pytest.raises(NotSignedIn):
        sessions.authenticate(old_token, deps=deps)
    with pytest.raises(SignInFailed):
        sessions.sign_in("ana", GOOD, deps=deps)
    sessions.sign_in("ana", password, deps=deps)
    with pytest.raises(NotFound):
        staff.reset_password("nobody", deps=deps)


def test_a_new_account_gets_a_temporary_password_and_bad_input_names_its_field(
    deps: Deps,
) -> None:
    _, password = staff.add_with_temporary_password(
        "Maria", role="front_desk", display_name="Maria Lopez", deps=deps
    )
    assert sessions.sign_in("maria", password, deps=deps)[0].display_name == "Maria Lopez"
    for username, name, role, field in [
        ("", "Ana", "front_desk", "username"),
        ("a" * 10_000, "Ana", "front_desk", "username"),
        ("ana\x00", "Ana", "front_desk", "username"),
        ("maria", "Ana", "front_desk", "username"),  # taken
        ("ana", "", "front_desk", "display_name"),
        ("ana", "An\x07a", "front_desk", "display_name"),
        ("ana", "Ana", "", "role"),
    ]:
        with pytest.raises(GymLiveError) as bad:
            staff.add_with_temporary_password(username, role=role, display_name=name, deps=deps)
        assert bad.value.field == field, (username, name, role)
    assert count(deps, Staff) == 1


def test_sign_out_everywhere_ends_every_session_of_that_account_only(deps: Deps) -> None:
    account(deps, "ana", role="front_desk")
    account(deps, "ben", role="front_desk")
    tokens = [sessions.sign_in("ana", GOOD, deps=deps)[1] for _ in range(2)]
    _, bens = sessions.sign_in("ben", GOOD, deps=deps)
    assert sessions.sign_out_everywhere("ANA", deps=deps) == 2
    for token in tokens:
        with pytest.raises(NotSignedIn):
            sessions.authenticate(token, deps=deps)
    sessions.authenticate(bens, deps=deps)
    with pytest.raises(NotFound):
        sessions.sign_out_everywhere("nobody", deps=deps)


def test_still_live_answers_for_many_sessions_in_one_query(deps: Deps, clock: FakeClock) -> None:
    account(deps, "ana", role="front_desk")
    account(deps, "ben", role="front_desk")
    signed = [sessions.sign_in(name, GOOD, deps=deps)[1] for name in ("ana", "ana", "ben")]
    live, ended, deactivated = (secret_hash(token) for token in signed)
    sessions.sign_out(signed[1], deps=deps)
    staff.set_active("ben", False, deps=deps)
    assert sessions.still_live({live, ended, deactivated, "0" * 64}, deps=deps) == {live}
    assert sessions.still_live(set(), deps=deps) == set()
    clock.advance(hours=13)
    assert sessions.still_live({live}, deps=deps) == set()


def test_a_handed_over_password_must_be_replaced_by_its_owners_own(deps: Deps) -> None:
    member, handed = staff.add_with_temporary_password(
        "ana", role="front_desk", display_name="Ana", deps=deps
    )
    assert member.must_change_password
    signed_in, token = sessions.sign_in("ana", handed, deps=deps)
    assert signed_in.must_change_password
    _, other_tab = sessions.sign_in("ana", handed, deps=deps)
    for current, new, again, field in [
        ("not it", "a brand new secret", "a brand new secret", "current_password"),
        (handed, "a brand new secret", "a brand new secrer", "repeated_password"),
        (handed, "short", "short", "password"),
        (handed, "ana", "ana", "password"),
    ]:
        with pytest.raises(GymLiveError) as bad:
            sessions.change_own_password(token, current, new, again, deps=deps)
        assert bad.value.field == field
    assert sessions.authenticate(token, deps=deps).must_change_password  # nothing changed
    changed = sessions.change_own_password(
        token, handed, "a brand new secret", "a brand new secret", deps=deps
    )
    assert not changed.must_change_password
    assert sessions.authenticate(token, deps=deps).username == "ana"  # this tab stays
    with pytest.raises(NotSignedIn):
        sessions.authenticate(other_tab, deps=deps)  # the others end
    with pytest.raises(NotSignedIn):
        sessions.change_own_password("", handed, "x" * 12, "x" * 12, deps=deps)
    _, reset = staff.reset_password("ana", deps=deps)
    assert sessions.sign_in("ana", reset, deps=deps)[0].must_change_password
