"""Days as forms send them (an `<input type=date>`: YYYY-MM-DD, or empty)."""

from __future__ import annotations

from datetime import date

from gym_live.domain.errors import InvalidInput


def optional_day(raw: str, *, field: str) -> date | None:
    """The day typed, or None when none was; InvalidInput about `field` otherwise."""
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput("A day is written YYYY-MM-DD.", field=field) from None
