"""Kiosk enrolment and abuse rules: pairing codes, device tokens, the guessing cool-down."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from gym_live.domain.errors import InvalidInput
from gym_live.domain.limits import burst_pause_until
from gym_live.domain.members import looks_like_pin
from gym_live.domain.tokens import new_token

PAIRING_TTL = timedelta(minutes=10)
# Unambiguous when read aloud or typed on a tablet: no 0/O, 1/I/L.
_PAIRING_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAIRING_CODE_LENGTH = 8
UNKNOWN_LIMIT = 10
UNKNOWN_WINDOW = timedelta(minutes=1)
COOLDOWN = timedelta(seconds=30)
# An open kiosk page is marked seen this often; one not seen for twice as long is offline.
SEEN_EVERY = timedelta(minutes=1)
OFFLINE_AFTER = 2 * SEEN_EVERY


def new_pairing_code() -> str:
    """A one-time code staff read off the CLI and type on the tablet, e.g. K7QH-M3PX."""
    raw = "".join(secrets.choice(_PAIRING_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalize_pairing_code(typed: str) -> str:
    """Accepts any case, spaces and dashes; raises InvalidInput for anything else."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != PAIRING_CODE_LENGTH or any(ch not in _PAIRING_ALPHABET for ch in code):
        raise InvalidInput("That pairing code is not valid or has expired.")
    return code


def new_device_token() -> str:
    """The long random secret a paired kiosk keeps."""
    return new_token()


def cooldown_until(unknown_scans: list[datetime], now: datetime) -> datetime | None:
    """When more than UNKNOWN_LIMIT unknown codes came within a minute, the kiosk pauses.

    The pause lasts COOLDOWN from the scan that went over the limit; None when not paused.
    """
    return burst_pause_until(
        unknown_scans, now, count=UNKNOWN_LIMIT + 1, window=UNKNOWN_WINDOW, pause=COOLDOWN
    )


def is_online(last_seen_at: datetime | None, now: datetime) -> bool:
    """Whether a kiosk's page was open within the last heartbeat or so."""
    return last_seen_at is not None and now - last_seen_at < OFFLINE_AFTER


def read_kiosk_input(typed: str, pending_code: str) -> tuple[str, str | None]:
    """What was typed or scanned at the kiosk: a card code, and the PIN for it if any.

    While a PIN is asked for (`pending_code`, the card scanned before), PIN-shaped input is
    that card's PIN; anything else (the next member's card) is a new scan.
    """
    if pending_code and looks_like_pin(typed):
        return pending_code, typed
    return typed, None
