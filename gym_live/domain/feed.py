"""The activity feed: what happened at a location, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

FEED_SIZE = 20
# A refusal's key is this and its denied attempt's id.
DENIED_KEY = "denied-"


class FeedKind(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    AUTO_OUT = "auto_out"
    DENIED = "denied"


@dataclass(frozen=True)
class FeedItem:
    """One row of the feed; `key` is stable for the same fact however it was read."""

    key: str
    kind: FeedKind
    member_name: str | None
    location_name: str
    at: datetime
    stay_seconds: int | None = None
    reason: str | None = None
    by: str | None = None  # the staff member who did it at the desk
    photo: str | None = None  # the member's stored photo name, if they have one
    # A check-in the desk made anyway: why. A refusal: whether the desk may still admit
    # the member anyway, and whether a door kiosk refused them.
    override: str | None = None
    admittable: bool = False
    at_kiosk: bool = False


def newest(items: list[FeedItem], size: int = FEED_SIZE) -> list[FeedItem]:
    """The latest `size` items, newest first (ties broken by key, so the order is stable)."""
    return sorted(items, key=lambda item: (item.at, item.key), reverse=True)[:size]
