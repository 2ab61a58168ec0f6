"""One error family for the whole app, and the reason codes it carries.

States, the CLI and (later) the API turn these into words for a person: `gym_live.wording`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class Reason(StrEnum):
    """Why something did not happen: a stable code for machines (the database, JSON, logs)."""

    ERROR = "error"
    CONFIG = "config"
    DATABASE = "database"
    INVALID_INPUT = "invalid_input"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    # A check-in refused; recorded as a denied attempt.
    INVALID_CODE = "invalid_code"
    UNKNOWN_CODE = "unknown_code"
    CANCELLED = "cancelled"
    FROZEN = "frozen"
    EXPIRED = "expired"
    NO_VISITS_LEFT = "no_visits_left"
    FULL = "full"
    WRONG_PIN = "wrong_pin"
    # Nothing changes, and nothing is recorded.
    PIN_REQUIRED = "pin_required"
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_CHECKED_OUT = "already_checked_out"
    NOT_CHECKED_IN = "not_checked_in"
    # Door kiosks.
    KIOSK_NOT_PAIRED = "kiosk_not_paired"
    COOLDOWN = "cooldown"
    # Staff accounts.
    WEAK_PASSWORD = "weak_password"
    SIGN_IN_FAILED = "sign_in_failed"
    ACCOUNT_LOCKED = "account_locked"
    ACCOUNT_INACTIVE = "account_inactive"
    NOT_SIGNED_IN = "not_signed_in"
    LAST_ADMIN = "last_admin"
    # The REST API.
    INVALID_API_KEY = "invalid_api_key"
    NOT_ALLOWED = "not_allowed"
    RATE_LIMITED = "rate_limited"
    NOT_READY = "not_ready"


# Refusals that look like someone guessing card numbers or PINs (a kiosk then pauses).
GUESSES = (Reason.UNKNOWN_CODE, Reason.INVALID_CODE, Reason.WRONG_PIN)


class GymLiveError(Exception):
    """Root of every expected failure: a stable `code` for machines, a `message` for people,
    and, for bad input, the `field` of the form it is about (shown beside that field)."""

    code = Reason.ERROR

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConfigError(GymLiveError):
    code = Reason.CONFIG


class SchemaMismatch(ConfigError):
    """The database's schema is not the one this code was written for (an instance then
    refuses to start)."""


class InvalidInput(GymLiveError):
    code = Reason.INVALID_INPUT


class NotFound(GymLiveError):
    code = Reason.NOT_FOUND


class Conflict(GymLiveError):
    code = Reason.CONFLICT


class ScanRefused(GymLiveError):
    """A check-in refused for a reason that is recorded as a denied attempt."""


class InvalidCode(ScanRefused):
    code = Reason.INVALID_CODE


class UnknownCode(ScanRefused):
    code = Reason.UNKNOWN_CODE


class MembershipCancelled(ScanRefused):
    code = Reason.CANCELLED


class MembershipFrozen(ScanRefused):
    code = Reason.FROZEN


class MembershipExpired(ScanRefused):
    code = Reason.EXPIRED


class NoVisitsLeft(ScanRefused):
    code = Reason.NO_VISITS_LEFT


class LocationFull(ScanRefused):
    code = Reason.FULL


class WrongPin(ScanRefused):
    code = Reason.WRONG_PIN


class PinRequired(GymLiveError):
    """The member protects check-ins with a PIN and none was given: ask for it."""

    code = Reason.PIN_REQUIRED


class AlreadyCheckedIn(GymLiveError):
    """A repeated scan (or a staff check-in) of someone already inside: nothing changes."""

    code = Reason.ALREADY_CHECKED_IN

    def __init__(self, message: str, *, since: datetime) -> None:
        super().__init__(message)
        self.since = since


class AlreadyCheckedOut(GymLiveError):
    """A scan right after a check-out (a scanner's double read): nothing changes."""

    code = Reason.ALREADY_CHECKED_OUT


class NotCheckedIn(GymLiveError):
    code = Reason.NOT_CHECKED_IN


class KioskNotPaired(GymLiveError):
    """The tablet holds no device token of a paired, unrevoked kiosk: it shows pairing."""

    code = Reason.KIOSK_NOT_PAIRED


class KioskCoolingDown(GymLiveError):
    """Too many guesses at this kiosk lately: it refuses scans until `until`."""

    code = Reason.COOLDOWN

    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class WeakPassword(InvalidInput):
    """A new password breaks the policy (length, the username, the common-password list)."""

    code = Reason.WEAK_PASSWORD


class SignInFailed(GymLiveError):
    """Unknown username or wrong password: one message for both, so neither is revealed."""

    code = Reason.SIGN_IN_FAILED


class AccountLocked(GymLiveError):
    """Too many failed sign-ins for this username lately; refused until `until`."""

    code = Reason.ACCOUNT_LOCKED

    def __init__(self, message: str, *, until: datetime) -> None:
        super().__init__(message)
        self.until = until


class AccountInactive(GymLiveError):
    code = Reason.ACCOUNT_INACTIVE


class NotSignedIn(GymLiveError):
    """No session, or one that expired or was ended: sign in (again)."""

    code = Reason.NOT_SIGNED_IN


class LastAdmin(Conflict):
    """The last active admin cannot be deactivated or made front desk."""

    code = Reason.LAST_ADMIN


class InvalidApiKey(GymLiveError):
    """No key, an unknown one, or a revoked one (HTTP 401)."""

    code = Reason.INVALID_API_KEY


class NotAllowed(GymLiveError):
    """A valid key asked for what its scopes or locations do not cover (HTTP 403)."""

    code = Reason.NOT_ALLOWED


class RateLimited(GymLiveError):
    """A key called faster than its rate (HTTP 429): it may call again in `retry_after` s."""

    code = Reason.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotReady(GymLiveError):
    """This instance cannot answer yet (its live views are still loading): HTTP 503."""

    code = Reason.NOT_READY
