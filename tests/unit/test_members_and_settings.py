"""Member codes, names and settings: bad input gets a specific message."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gym_live.domain.errors import ConfigError, InvalidCode, InvalidInput
from gym_live.domain.members import (
    MAX_CODE_LENGTH,
    STORED_CODE_LENGTH,
    normalize_code,
    printable_code,
    validate_full_name,
)
from gym_live.settings import DEFAULT_DATABASE_URL, Settings


@pytest.mark.parametrize(("raw", "code"), [(" 10000001\n", "10000001"), ("ab-12", "AB-12")])
def test_codes_are_trimmed_and_upper_cased(raw: str, code: str) -> None:
    assert normalize_code(raw) == code


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "No member code"),
        ("   \t", "No member code"),
        ("1" * (MAX_CODE_LENGTH + 1), "at most 32"),
        ("x" * 10_000, "at most 32"),
        ("' OR 1=1 --", "not a member code"),
        ("1000\x000001", "not a member code"),
        ("ÄÖÜ-1234", "not a member code"),
        ("12", "not a member code"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(InvalidCode, match=message):
        normalize_code(raw)


def test_printable_code_is_short_and_has_no_control_characters() -> None:
    shown = printable_code("ab\x00\x1b[31m" + "z" * 100)
    assert len(shown) == STORED_CODE_LENGTH
    assert shown.startswith("ab??[31m")
    assert all(ch.isprintable() for ch in shown)


def test_names_are_tidied_and_checked() -> None:
    assert validate_full_name("  Anna   Schmidt ") == "Anna Schmidt"
    for bad, message in (("  ", "needs a name"), ("a" * 121, "at most 120"), ("A\x07B", "control")):
        with pytest.raises(InvalidInput, match=message):
            validate_full_name(bad)


def test_settings_defaults_and_overrides() -> None:
    assert Settings.from_env({}) == Settings()
    assert Settings().database_url == DEFAULT_DATABASE_URL
    custom = Settings.from_env(
        {
            "GYM_MAX_STAY": "3h",
            "GYM_RESCAN_WINDOW": "90",
            "GYM_TIMEZONE": "Asia/Tokyo",
            "REDIS_URL": "redis://x:1/0",
            "GYM_RECONCILE_INTERVAL": "2s",
        }
    )
    assert custom.max_stay == timedelta(hours=3)
    assert custom.rescan_window == timedelta(seconds=90)
    assert custom.reconcile_interval == timedelta(seconds=2)
    assert (custom.timezone, custom.redis_url) == ("Asia/Tokyo", "redis://x:1/0")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GYM_TIMEZONE": "Mars/Olympus"}, "GYM_TIMEZONE"),
        ({"GYM_MAX_STAY": "soon"}, "GYM_MAX_STAY"),
        ({"GYM_RESCAN_WINDOW": "-5"}, "GYM_RESCAN_WINDOW"),
    ],
)
def test_bad_settings_are_named(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)
