"""Staff accounts: usernames, roles, the password policy, sign-in lockout and session lifetime."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from gym_live.domain.errors import InvalidInput, WeakPassword
from gym_live.domain.limits import burst_pause_until
from gym_live.domain.text import tidy_name

# The form fields an error can be about.
USERNAME, DISPLAY_NAME, PASSWORD, ROLE = "username", "display_name", "password", "role"
CURRENT_PASSWORD, REPEATED_PASSWORD = "current_password", "repeated_password"
USERNAME_LENGTHS = range(3, 41)
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]*")
DISPLAY_NAME_LENGTH = 80
MIN_PASSWORD_LENGTH = 10
# Hashing a longer one would cost the server for nothing; no person types more.
MAX_PASSWORD_LENGTH = 256
# 5 failed sign-ins for a username within the window lock it for LOCKOUT.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
# A session's sliding expiry is written at most this often (not on every event).
SESSION_RENEW_EVERY = timedelta(minutes=1)


class Role(StrEnum):
    ADMIN = "admin"
    FRONT_DESK = "front_desk"


class SignInOutcome(StrEnum):
    OK = "ok"
    FAILED = "failed"
    LOCKED = "locked"


@dataclass(frozen=True)
class StaffMember:
    """A staff account as the app may show it: never its password hash."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    must_change_password: bool = False


def normalize_username(raw: str) -> str:
    """The canonical (lower-case) username; raise InvalidInput saying what is wrong."""
    name = raw.strip().casefold()
    if not name:
        raise InvalidInput("Enter a username.", field=USERNAME)
    if len(name) not in USERNAME_LENGTHS:
        raise InvalidInput(
            f"A username has {USERNAME_LENGTHS.start} to {USERNAME_LENGTHS.stop - 1} characters.",
            field=USERNAME,
        )
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(
            "A username uses letters a-z, digits, '.', '_' and '-', and starts with a letter "
            "or digit.",
            field=USERNAME,
        )
    return name


def parse_role(raw: str) -> Role:
    try:
        return Role(raw)
    except ValueError:
        choices = ", ".join(role.value for role in Role)
        raise InvalidInput(f"A role is one of: {choices}.", field=ROLE) from None


def validate_display_name(raw: str) -> str:
    return tidy_name(
        raw,
        what="A name",
        max_length=DISPLAY_NAME_LENGTH,
        missing="Enter the name staff see.",
        field=DISPLAY_NAME,
    )


def validate_password(password: str, *, username: str, common: frozenset[str]) -> str:
    """Raise WeakPassword naming the rule a new password breaks; return it unchanged."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            f"A password has at least {MIN_PASSWORD_LENGTH} characters.", field=PASSWORD
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"A password has at most {MAX_PASSWORD_LENGTH} characters.", field=PASSWORD
        )
    if any(unicodedata.category(ch) == "Cc" for ch in password):
        raise WeakPassword("A password cannot contain control characters.", field=PASSWORD)
    folded = password.casefold()
    if folded == username.casefold():
        raise WeakPassword("A password cannot be the username.", field=PASSWORD)
    if folded in common:
        raise WeakPassword(
            "That password is one of the most common ones; choose another.", field=PASSWORD
        )
    return password


def locked_until(failures: list[datetime], now: datetime) -> datetime | None:
    """When LOCKOUT_FAILURES failed sign-ins came within LOCKOUT_WINDOW, the username is
    locked for LOCKOUT from the last of them; None when it is not locked now.

    `failures` are the failed attempts since the username's last successful sign-in.
    """
    return burst_pause_until(
        failures, now, count=LOCKOUT_FAILURES, window=LOCKOUT_WINDOW, pause=LOCKOUT
    )


def session_expiry(now: datetime) -> datetime:
    """A session lives SESSION_TTL from its last use (a sliding expiry)."""
    return now + SESSION_TTL


def session_needs_renewal(expires_at: datetime, now: datetime) -> bool:
    """True when the stored expiry is more than SESSION_RENEW_EVERY behind a fresh one."""
    return session_expiry(now) - expires_at >= SESSION_RENEW_EVERY
