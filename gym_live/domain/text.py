"""Names people type: spaces tidied, bounded, shown exactly as they were typed."""

from __future__ import annotations

import unicodedata

from gym_live.domain.errors import InvalidInput

# Format characters that join letters, as Persian, the Indic scripts and emoji need. Every
# other one (U+200B zero width space, U+202E and U+2066 direction changes, U+FEFF, soft
# hyphens), and private-use characters, make a name display differently from what was
# typed, or hide text in it.
_JOINERS = frozenset("\u200c\u200d")


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
    if any(_hidden(ch) for ch in name):
        raise InvalidInput(
            f"{what} cannot contain invisible or direction-changing characters.", field=field
        )
    return name


def could_be_a_name(raw: str) -> bool:
    """Whether `raw` could name something tidy_name let in. One that cannot (a NUL, a lone
    surrogate, a control character) is never looked up: PostgreSQL refuses NUL in text,
    and a lone surrogate cannot be encoded for either database."""
    return not any(unicodedata.category(ch) in ("Cc", "Cs") or _hidden(ch) for ch in raw)


def _hidden(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Co") and ch not in _JOINERS
