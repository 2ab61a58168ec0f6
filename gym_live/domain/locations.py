"""A location's rules: its name, its capacity and its time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from gym_live.domain.errors import InvalidInput

MAX_CAPACITY = 100_000
NAME_LENGTH = 80
# The form fields an error can be about.
NAME, CAPACITY, TIMEZONE = "name", "capacity", "timezone"


def is_time_zone(name: str) -> bool:
    """True for an IANA time zone name this machine knows (`Europe/Berlin`)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate_location(name: str, capacity: int | str, timezone: str) -> tuple[str, int, str]:
    """The tidy name, the capacity as a number, the zone; InvalidInput naming its field."""
    clean = " ".join(str(name).split())
    if not clean or len(clean) > NAME_LENGTH:
        raise InvalidInput(f"A location name needs 1 to {NAME_LENGTH} characters.", field=NAME)
    try:
        seats = int(str(capacity).strip())
    except ValueError:
        raise InvalidInput("Capacity is a whole number of people.", field=CAPACITY) from None
    if not 0 < seats <= MAX_CAPACITY:
        raise InvalidInput(f"Capacity must be between 1 and {MAX_CAPACITY}.", field=CAPACITY)
    zone = str(timezone).strip()
    if not is_time_zone(zone):
        raise InvalidInput(
            f"{zone!r} is not a time zone: use an IANA name such as Europe/Berlin.",
            field=TIMEZONE,
        )
    return clean, seats, zone
