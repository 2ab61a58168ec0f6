"""API keys: what an integration (a turnstile, a booking app) may do, and where.

A key is a long random secret shown once; only its SHA-256 is stored (domain.tokens). Its
scopes say which endpoints it may call, and its locations where it may scan (none: all).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gym_live.domain.errors import InvalidInput, NotAllowed

NAME_LENGTH = 80
# Keys begin with this, so a leaked one is recognisable in logs and by secret scanners.
KEY_PREFIX = "gl_"
# A key's use is written at most this often (a turnstile scans many times a minute).
LAST_USED_EVERY_SECONDS = 60
NAME, SCOPE = "name", "scope"
# A retried request with the same Idempotency-Key within this long gets the first answer.
IDEMPOTENCY_HOURS = 24
IDEMPOTENCY_KEY_LENGTH = 255


class Scope(StrEnum):
    SCAN = "scan"
    EXPORT = "export"


@dataclass(frozen=True)
class ApiKeyInfo:
    """A key as admins see it; never its secret."""

    id: int
    name: str
    scopes: tuple[Scope, ...]
    locations: tuple[str, ...]  # names; empty: every location
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    webhook_url: str | None = None  # where its integration hears of check-ins, if anywhere

    @property
    def status(self) -> str:
        return "revoked" if self.revoked_at else "active"


def require_location(key: ApiKeyInfo, location: str) -> None:
    """A key limited to some locations is used (to scan, to export) only there."""
    if key.locations and " ".join(location.split()) not in key.locations:
        raise NotAllowed(f"This API key is not for {location!r}.", field="location")


def export_locations(key: ApiKeyInfo | None, location: str | None) -> tuple[str, ...]:
    """The locations a file of visits covers (empty: every one): the one asked for, if
    the key is for it, else every location the key is for."""
    if location is not None:
        if key is not None:
            require_location(key, location)
        return (" ".join(location.split()),)
    return key.locations if key is not None else ()


def require_every_location(key: ApiKeyInfo) -> None:
    """Every member's details are not a location's: a key limited to some cannot export
    them."""
    if key.locations:
        raise NotAllowed("This API key is limited to some locations; members are not.")


def idempotency_key(raw: str | None) -> str | None:
    """The header's value, if sent: printable ASCII, at most IDEMPOTENCY_KEY_LENGTH."""
    if raw is None:
        return None
    if not 0 < len(raw) <= IDEMPOTENCY_KEY_LENGTH or not raw.isascii() or not raw.isprintable():
        raise InvalidInput(
            f"Idempotency-Key is 1 to {IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.",
            field="Idempotency-Key",
        )
    return raw


def key_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput("Give the key a name, e.g. 'Front turnstile'.", field=NAME)
    if len(name) > NAME_LENGTH:
        raise InvalidInput(f"A key's name has at most {NAME_LENGTH} characters.", field=NAME)
    return name


def parse_scopes(raw: Iterable[str]) -> tuple[Scope, ...]:
    """The scopes named, each once, in a stable order; at least one."""
    names = {part.strip().lower() for part in raw if part.strip()}
    known = {scope.value for scope in Scope}
    if unknown := sorted(names - known):
        allowed = ", ".join(sorted(known))
        raise InvalidInput(f"Unknown scope {unknown[0]!r}: use {allowed}.", field=SCOPE)
    if not names:
        raise InvalidInput("A key needs at least one scope: scan or export.", field=SCOPE)
    return tuple(scope for scope in Scope if scope.value in names)


def stored_scopes(scopes: Iterable[Scope]) -> str:
    return ",".join(scope.value for scope in scopes)


def read_scopes(stored: str) -> tuple[Scope, ...]:
    return tuple(Scope(part) for part in stored.split(",") if part)
