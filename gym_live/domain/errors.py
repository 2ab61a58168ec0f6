"""One error family for the whole app; states and the CLI turn these into words for a person."""

from __future__ import annotations

from datetime import datetime


class GymLiveError(Exception):
    """Root of every expected failure: a stable `code` for machines, a `message` for people."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(GymLiveError):
    code = "config"


class InvalidInput(GymLiveError):
    code = "invalid_input"


class NotFound(GymLiveError):
    code = "not_found"


class Conflict(GymLiveError):
    code = "conflict"


class ScanRefused(GymLiveError):
    """A check-in refused for a reason that is recorded as a denied attempt."""


class InvalidCode(ScanRefused):
    code = "invalid_code"


class UnknownCode(ScanRefused):
    code = "unknown_code"


class MembershipCancelled(ScanRefused):
    code = "cancelled"


class MembershipFrozen(ScanRefused):
    code = "frozen"


class MembershipExpired(ScanRefused):
    code = "expired"


class LocationFull(ScanRefused):
    code = "full"


class WrongPin(ScanRefused):
    code = "wrong_pin"


class PinRequired(GymLiveError):
    """The member protects check-ins with a PIN and none was given: ask for it."""

    code = "pin_required"


class AlreadyCheckedIn(GymLiveError):
    """A repeated scan (or a staff check-in) of someone already inside: nothing changes."""

    code = "already_checked_in"

    def __init__(self, message: str, *, since: datetime) -> None:
        super().__init__(message)
        self.since = since


class AlreadyCheckedOut(GymLiveError):
    """A scan right after a check-out (a scanner's double read): nothing changes."""

    code = "already_checked_out"


class NotCheckedIn(GymLiveError):
    code = "not_checked_in"
