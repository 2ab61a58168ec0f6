"""The members list: which members a search and its filters show, in which order, a page
at a time."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from gym_live.domain.errors import InvalidInput
from gym_live.domain.members import MemberStatus

MEMBERS_PAGE_SIZE = 25
EXPIRING_WITHIN = timedelta(days=14)
MAX_SEARCH_LENGTH = 64
# The list form's fields an error can be about.
SEARCH, STATUS, VALIDITY, SORT = "search", "status", "validity", "sort"
_Choice = TypeVar("_Choice", bound=StrEnum)


class Validity(StrEnum):
    EXPIRED = "expired"
    EXPIRING = "expiring"  # within EXPIRING_WITHIN, today included


class MemberSort(StrEnum):
    NAME = "name"
    VALID_UNTIL = "valid_until"
    LAST_VISIT = "last_visit"


@dataclass(frozen=True)
class MemberFilter:
    """Members whose name, card number, email or phone match `text`, narrowed by status,
    validity and being inside now."""

    text: str = ""
    status: MemberStatus | None = None
    validity: Validity | None = None
    inside_only: bool = False
    sort: MemberSort = MemberSort.NAME
    descending: bool = False
    page: int = 1

    def expiry_bounds(self, today: date) -> tuple[date | None, date | None]:
        """The valid-until dates the validity filter keeps: (first, last), inclusive."""
        if self.validity is Validity.EXPIRED:
            return None, today - timedelta(days=1)
        if self.validity is Validity.EXPIRING:
            return today, today + EXPIRING_WITHIN
        return None, None


def validity(until: date | None, today: date) -> Validity | None:
    """Whether a membership has ended, or ends within EXPIRING_WITHIN; None otherwise."""
    if until is None:
        return None
    if until < today:
        return Validity.EXPIRED
    return Validity.EXPIRING if until <= today + EXPIRING_WITHIN else None


def clean_search(text: str) -> str:
    """Search text with its spaces tidied; InvalidInput when too long or with control
    characters (the search box can send anything)."""
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_SEARCH_LENGTH:
        raise InvalidInput(f"Search for at most {MAX_SEARCH_LENGTH} characters.", field=SEARCH)
    if any(unicodedata.category(ch) == "Cc" for ch in cleaned):
        raise InvalidInput("Search text cannot contain control characters.", field=SEARCH)
    return cleaned


def parse_member_filter(
    *,
    text: str = "",
    status: str = "",
    validity: str = "",
    inside_only: bool = False,
    sort: str = MemberSort.NAME.value,
    descending: bool = False,
    page: int = 1,
) -> MemberFilter:
    """The list form's values; InvalidInput naming the field that is wrong. Empty
    values do not filter."""
    return MemberFilter(
        text=clean_search(text),
        status=_choice(MemberStatus, status, STATUS),
        validity=_choice(Validity, validity, VALIDITY),
        inside_only=bool(inside_only),
        sort=_choice(MemberSort, sort, SORT) or MemberSort.NAME,
        descending=bool(descending),
        page=max(1, page),
    )


def _choice(kind: type[_Choice], raw: str, field: str) -> _Choice | None:
    if not raw:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise InvalidInput("Choose one from the list.", field=field) from None
