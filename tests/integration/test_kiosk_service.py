"""Kiosk enrolment and scanning on real databases."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from gym_live.domain.checkin import Action
from gym_live.domain.errors import (
    InvalidInput,
    KioskCoolingDown,
    KioskNotPaired,
    MembershipFrozen,
    NotFound,
    PinRequired,
    UnknownCode,
    WrongPin,
)
from gym_live.domain.kiosks import SEEN_EVERY, UNKNOWN_LIMIT
from gym_live.models import DeniedAttempt, Kiosk, Member
from gym_live.services import kiosks, member_changes
from gym_live.services.deps import Deps
from tests.helpers.builders import count, gym, member
from tests.helpers.fakes import FakeClock


@pytest.fixture
def paired(deps: Deps) -> str:
    gym(deps)
    gym(deps, name="Harbour")
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "Fred Frozen", status="frozen")
    _, code = kiosks.add_kiosk("Harbour", name="Harbour door", deps=deps)
    _, token = kiosks.pair(code, deps=deps)
    return token


def test_pairing_gives_a_token_whose_hash_alone_is_stored(deps: Deps, paired: str) -> None:
    kiosk = kiosks.authenticate(paired, deps=deps)
    assert (kiosk.name, kiosk.location_name, kiosk.status) == ("Harbour door", "Harbour", "paired")
    with deps.engine.connect() as conn:
        stored = conn.execute(sa.select(Kiosk.token_hash, Kiosk.pairing_code_hash)).one()
    assert stored.token_hash != paired and paired not in stored.token_hash
    assert stored.pairing_code_hash is None  # the code cannot be used again


def test_a_pairing_code_works_once_and_for_ten_minutes(deps: Deps, clock: FakeClock) -> None:
    gym(deps)
    _, code = kiosks.add_kiosk(None, deps=deps)
    _, late = kiosks.add_kiosk(None, deps=deps)
    kiosks.pair(code, deps=deps)
    with pytest.raises(InvalidInput, match="not valid or has expired"):
        kiosks.pair(code, deps=deps)
    clock.advance(minutes=10, seconds=1)
    with pytest.raises(InvalidInput, match="not valid or has expired"):
        kiosks.pair(late, deps=deps)


def test_a_kiosk_is_marked_seen_at_most_twice_a_heartbeat(
    deps: Deps, clock: FakeClock, paired: str
) -> None:
    kiosk = kiosks.authenticate(paired, deps=deps)
    assert kiosk.last_seen_at is None  # paired, but its page has not been opened yet
    first = clock.now
    kiosks.mark_seen([kiosk.id], deps=deps)
    clock.advance(seconds=20)
    kiosks.mark_seen([kiosk.id], deps=deps)  # reconnecting in a loop writes nothing more
    assert kiosks.authenticate(paired, deps=deps).last_seen_at == first
    later = clock.advance(seconds=SEEN_EVERY.total_seconds())
    kiosks.mark_seen([kiosk.id, 999], deps=deps)  # an unknown id changes nothing
    assert kiosks.authenticate(paired, deps=deps).last_seen_at == later
    assert [info.last_seen_at for info in kiosks.list_kiosks(deps=deps)] == [later]


def test_a_kiosk_scans_at_its_own_location_only(deps: Deps, paired: str) -> None:
    answer = kiosks.kiosk_scan(paired, "10000001", deps=deps)
    assert answer.action is Action.CHECK_IN
    assert answer.location.name == "Harbour" and answer.visits_this_month == 1


def test_bad_tokens_and_revoked_kiosks_cannot_scan(deps: Deps, paired: str) -> None:
    for token in ("", "forged", "x" * 10_000, paired[:-1]):
        with pytest.raises(KioskNotPaired):
            kiosks.kiosk_scan(token, "10000001", deps=deps)
    (kiosk,) = kiosks.list_kiosks(deps=deps)
    assert kiosks.active_ids(deps=deps) == {kiosk.id}
    assert kiosks.revoke(kiosk.id, deps=deps).status == "revoked"
    with pytest.raises(KioskNotPaired):
        kiosks.kiosk_scan(paired, "10000001", deps=deps)
    assert kiosks.active_ids(deps=deps) == set()
    with pytest.raises(NotFound):
        kiosks.revoke(999, deps=deps)


def test_refusals_are_logged_against_the_kiosk_and_guessing_pauses_it(
    deps: Deps, clock: FakeClock, paired: str
) -> None:
    with pytest.raises(MembershipFrozen):
        kiosks.kiosk_scan(paired, "10000002", deps=deps)
    for n in range(11):
        with pytest.raises(UnknownCode):
            kiosks.kiosk_scan(paired, f"9999{n:04d}", deps=deps)
        clock.advance(seconds=2)
    with pytest.raises(KioskCoolingDown):
        kiosks.kiosk_scan(paired, "10000001", deps=deps)  # a valid card waits too
    assert count(deps, DeniedAttempt, DeniedAttempt.kiosk_id.is_not(None)) == 12
    clock.advance(seconds=30)
    assert kiosks.kiosk_scan(paired, "10000001", deps=deps).action is Action.CHECK_IN


def test_guesses_sent_at_once_from_many_tabs_still_pause_the_kiosk_at_the_limit(
    deps: Deps, paired: str
) -> None:
    """Thirty unknown codes at the same moment (one stolen token, many tabs): 11 are looked
    up and logged, the rest meet the pause; the count is read inside each scan's lock."""
    start = threading.Barrier(30)

    def guess(n: int) -> str:
        start.wait()
        try:
            kiosks.kiosk_scan(paired, f"9999{n:04d}", deps=deps)
        except UnknownCode:
            return "unknown"
        except KioskCoolingDown:
            return "paused"
        return "let in"

    with ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = Counter(pool.map(guess, range(30)))
    assert outcomes == {"unknown": UNKNOWN_LIMIT + 1, "paused": 30 - UNKNOWN_LIMIT - 1}
    assert count(deps, DeniedAttempt, DeniedAttempt.kiosk_id.is_not(None)) == UNKNOWN_LIMIT + 1


def test_a_member_with_a_pin_needs_it_to_check_in_but_not_out(
    deps: Deps, clock: FakeClock, paired: str
) -> None:
    member_changes.set_pin("10000001", "2468", deps=deps)
    with deps.engine.connect() as conn:
        stored = conn.execute(sa.select(Member.pin_hash)).scalars().all()
    assert all(h is None or (h.startswith("$argon2id$") and "2468" not in h) for h in stored)
    with pytest.raises(PinRequired):
        kiosks.kiosk_scan(paired, "10000001", deps=deps)
    assert count(deps, DeniedAttempt) == 0  # asking for a PIN is not a refusal
    with pytest.raises(WrongPin):
        kiosks.kiosk_scan(paired, "10000001", pin="1357", deps=deps)
    assert count(deps, DeniedAttempt, DeniedAttempt.reason == "wrong_pin") == 1
    entered = kiosks.kiosk_scan(paired, "10000001", pin="2468", deps=deps)
    assert entered.action is Action.CHECK_IN
    clock.advance(minutes=30)
    left = kiosks.kiosk_scan(paired, "10000001", deps=deps)  # no PIN to leave
    assert left.action is Action.CHECK_OUT


def test_pins_are_validated_and_can_be_removed(deps: Deps, paired: str) -> None:
    for bad in ("12", "1234567", "12a4", "١٢٣٤"):
        with pytest.raises(InvalidInput, match="4 to 6 digits"):
            member_changes.set_pin("10000001", bad, deps=deps)
    member_changes.set_pin("10000001", "2468", deps=deps)
    assert not member_changes.set_pin("10000001", None, deps=deps).has_pin
    assert kiosks.kiosk_scan(paired, "10000001", deps=deps).action is Action.CHECK_IN
    with pytest.raises(NotFound):
        member_changes.set_pin("99999999", "2468", deps=deps)
