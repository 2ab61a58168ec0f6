"""Names people type: spaces tidied, bounded, no control characters."""

from __future__ import annotations

import unicodedata

from gym_live.domain.errors import InvalidInput


def tidy_name(
    raw: str, *, what: str, max_length: int, missing: str, field: str | None = None
) -> str:
    """`raw` with runs of white space as one space; InvalidInput (about `field` of a form)
    naming `what` is wrong."""
    name = " ".join(raw.split())
    if not name:
        raise InvalidInput(missing, field=field)
    if len(name) > max_length:
        raise InvalidInput(f"{what} has at most {max_length} characters.", field=field)
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise InvalidInput(f"{what} cannot contain control characters.", field=field)
    return name
