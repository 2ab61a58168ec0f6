"""API keys' rules (domain/api_keys.py), the per-key rate limit (domain/rate_limit.py), and
the public occupancy's levels and "usual" moments (domain/occupancy.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from gym_live.domain.api_keys import (
    ApiKeyInfo,
    Scope,
    idempotency_key,
    key_name,
    parse_scopes,
    read_scopes,
    require_location,
    stored_scopes,
)
from gym_live.domain.errors import InvalidInput, NotAllowed
from gym_live.domain.occupancy import busy_level, usual_moments
from gym_live.domain.rate_limit import RateLimits, TokenBucket


def test_scopes_are_read_once_each_in_a_stable_order_and_round_trip() -> None:
    assert parse_scopes(["export", " SCAN ", "scan"]) == (Scope.SCAN, Scope.EXPORT)
    assert read_scopes(stored_scopes((Scope.SCAN, Scope.EXPORT))) == (Scope.SCAN, Scope.EXPORT)


@pytest.mark.parametrize(("raw", "words"), [([], "at least one"), (["admin"], "'admin'")])
def test_no_scope_or_an_unknown_one_is_refused(raw: list[str], words: str) -> None:
    with pytest.raises(InvalidInput, match=words) as refused:
        parse_scopes(raw)
    assert refused.value.field == "scope"


def test_a_name_is_trimmed_and_bounded() -> None:
    assert key_name("  Front   turnstile ") == "Front turnstile"
    for bad in ("   ", "x" * 81):
        with pytest.raises(InvalidInput):
            key_name(bad)


def test_an_idempotency_key_is_printable_ascii_of_at_most_255() -> None:
    assert idempotency_key(None) is None
    assert idempotency_key("a" * 255) == "a" * 255
    for bad in ("", "a" * 256, "ключ", "new\nline"):
        with pytest.raises(InvalidInput):
            idempotency_key(bad)


def test_a_key_with_locations_scans_only_there() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    anywhere = ApiKeyInfo(1, "A", (Scope.SCAN,), (), at, None, None)
    harbour = ApiKeyInfo(2, "H", (Scope.SCAN,), ("Harbour",), at, None, None)
    require_location(anywhere, "Downtown")
    require_location(harbour, " Harbour ")
    with pytest.raises(NotAllowed):
        require_location(harbour, "Downtown")


def test_a_bucket_allows_its_burst_then_its_rate() -> None:
    bucket = TokenBucket(rate=2.0, burst=4.0)
    assert [bucket.take(10.0) for _ in range(4)] == [0.0] * 4
    assert bucket.take(10.0) == pytest.approx(0.5)  # half a second to the next token
    assert bucket.take(10.5) == 0.0
    assert bucket.take(100.0) == 0.0 and bucket.tokens == pytest.approx(3.0)  # capped


def test_each_key_has_its_own_bucket() -> None:
    limits = RateLimits(rate=1.0)
    assert [limits.wait(1, 0.0) for _ in range(2)] == [0.0, 0.0]
    assert limits.wait(1, 0.0) > 0 and limits.wait(2, 0.0) == 0.0


@pytest.mark.parametrize(
    ("inside", "level"),
    [(0, "quiet"), (3, "quiet"), (3.5, "moderate"), (7, "busy"), (10, "full"), (12, "full")],
)
def test_busy_levels_by_share_of_capacity(inside: float, level: str) -> None:
    assert busy_level(inside, 10) == level


def test_the_usual_asks_for_the_same_wall_clock_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Wednesday 2026-04-01, 18:05 in Berlin (summer time); four weeks back is winter time.
    now = datetime(2026, 4, 1, 16, 5, tzinfo=UTC)
    moments = usual_moments(now, berlin)
    assert len(moments) == 8
    assert {m.astimezone(berlin).strftime("%a %H:%M") for m in moments} == {"Wed 18:30"}
    assert moments[0] == datetime(2026, 3, 25, 17, 30, tzinfo=UTC)  # summer: UTC+2
    assert moments[-1] == datetime(2026, 2, 4, 17, 30, tzinfo=UTC)  # winter: UTC+1
