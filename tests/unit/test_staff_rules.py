"""Usernames, the password policy, the sign-in lockout and a session's sliding life."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gym_live.domain.errors import InvalidInput, WeakPassword
from gym_live.domain.limits import RateLimit, burst_pause_until
from gym_live.domain.staff import (
    LOCKOUT,
    SESSION_TTL,
    locked_until,
    normalize_username,
    session_expiry,
    session_needs_renewal,
    validate_display_name,
    validate_password,
)

NOW = datetime(2026, 1, 14, 9, tzinfo=UTC)
COMMON = frozenset({"password123"})


def minutes_ago(*minutes: float) -> list[datetime]:
    return [NOW - timedelta(minutes=m) for m in minutes]


def test_usernames_are_compared_lower_case_and_kept_simple() -> None:
    assert normalize_username("  Maria.Lopez ") == "maria.lopez"
    for bad in ("", "  ", "ab", "a" * 41, "-maria", "maria lopez", "mária", "ma\nria"):
        with pytest.raises(InvalidInput):
            normalize_username(bad)


def test_display_names_are_tidied_and_bounded() -> None:
    assert validate_display_name("  Maria   Lopez ") == "Maria Lopez"
    for bad in ("", "x" * 81, "Maria\x1b[31m"):
        with pytest.raises(InvalidInput):
            validate_display_name(bad)


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("nine char", "at least 10"),
        ("z" * 257, "at most 256"),
        ("MARIA.LOPEZ", "the username"),
        ("Password123", "most common"),
        ("tab\tinside it", "control"),
    ],
)
def test_weak_passwords_are_refused_with_the_rule_they_break(password: str, rule: str) -> None:
    with pytest.raises(WeakPassword, match=rule):
        validate_password(password, username="maria.lopez", common=COMMON)


def test_a_good_password_is_kept_exactly() -> None:
    assert validate_password(" spaces count too ", username="maria", common=COMMON) == (
        " spaces count too "
    )


def test_five_failures_within_fifteen_minutes_lock_for_fifteen_from_the_last() -> None:
    assert locked_until(minutes_ago(4, 3, 2, 1), NOW) is None  # four are not enough
    burst = minutes_ago(14, 10, 6, 3, 1)
    assert locked_until(burst, NOW) == NOW - timedelta(minutes=1) + LOCKOUT
    assert locked_until(burst, NOW + timedelta(minutes=14)) is None
    assert locked_until(minutes_ago(40, 30, 20, 10, 1), NOW) is None  # spread out: no lock


def test_a_burst_pause_needs_the_whole_count_inside_the_window() -> None:
    window, pause = timedelta(minutes=1), timedelta(seconds=30)
    times = [NOW - timedelta(seconds=s) for s in (50, 40, 30)]
    just_before = NOW - timedelta(seconds=1)
    assert burst_pause_until(times, just_before, count=3, window=window, pause=pause) == NOW
    assert burst_pause_until(times, NOW, count=3, window=window, pause=pause) is None  # over
    assert burst_pause_until(times, just_before, count=4, window=window, pause=pause) is None


def test_a_session_slides_but_is_written_at_most_once_a_minute() -> None:
    assert session_expiry(NOW) == NOW + SESSION_TTL
    fresh = session_expiry(NOW)
    assert not session_needs_renewal(fresh, NOW + timedelta(seconds=59))
    assert session_needs_renewal(fresh, NOW + timedelta(minutes=1))


def test_a_rate_limit_allows_the_count_per_window_for_each_key() -> None:
    limit = RateLimit(3, 10.0, keys=2)
    assert [limit.allow("desk", t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert limit.allow("other desk", 3)  # each key has its own window
    assert limit.allow("desk", 10.0)  # the first action has left the window
    assert not limit.allow("desk", 10.5)
    limit.allow("third", 11)  # a third key: the least recent one is forgotten
    assert limit.allow("other desk", 11) and limit.allow("other desk", 11)
