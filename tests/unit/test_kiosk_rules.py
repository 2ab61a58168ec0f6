"""Pairing codes, device-token hashing and the guessing cool-down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gym_live.domain import kiosks as rules
from gym_live.domain.errors import InvalidInput
from gym_live.domain.tokens import secret_hash

NOW = datetime(2026, 1, 14, 9, tzinfo=UTC)


def test_pairing_codes_are_readable_and_typed_back_in_any_form() -> None:
    code = rules.new_pairing_code()
    assert len(code) == 9 and code[4] == "-"
    assert not set(code) & set("01OIL")
    compact = code.replace("-", "")
    assert rules.normalize_pairing_code(f" {code.lower()} ") == compact
    assert rules.normalize_pairing_code(code[:4] + " " + code[5:]) == compact


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD-EFG0", "ABCD-EFGH-J", "😀😀😀😀-😀😀😀😀"])
def test_bad_pairing_codes_are_refused(typed: str) -> None:
    with pytest.raises(InvalidInput, match="not valid or has expired"):
        rules.normalize_pairing_code(typed)


def test_tokens_are_long_random_and_stored_only_as_hashes() -> None:
    token = rules.new_device_token()
    assert len(token) >= 43 and token != rules.new_device_token()
    digest = secret_hash(token)
    assert len(digest) == 64 and token not in digest and digest == secret_hash(token)


def seconds_ago(*ages: float) -> list[datetime]:
    return [NOW - timedelta(seconds=age) for age in ages]


def test_ten_unknown_codes_a_minute_are_tolerated() -> None:
    assert rules.cooldown_until(seconds_ago(*range(0, 50, 5)), NOW) is None


def test_the_eleventh_within_a_minute_starts_thirty_seconds_of_cool_down() -> None:
    scans = seconds_ago(*range(0, 55, 5))  # 11 scans within 50 s
    assert rules.cooldown_until(scans, NOW) == NOW + timedelta(seconds=30)
    assert rules.cooldown_until(scans, NOW + timedelta(seconds=29)) is not None
    assert rules.cooldown_until(scans, NOW + timedelta(seconds=30)) is None


def test_eleven_spread_over_more_than_a_minute_are_tolerated() -> None:
    assert rules.cooldown_until(seconds_ago(*range(0, 77, 7)), NOW) is None
