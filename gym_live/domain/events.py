"""What happened, as published on the event bus after the database committed it."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum


class EventKind(StrEnum):
    CHECK_IN = "check_in"
    CHECK_OUT = "check_out"
    DENIED = "denied"
    # A location's name, capacity or time zone changed, or a location was added.
    LOCATION_CHANGED = "location_changed"
    # A member's name or card number changed: every view re-reads its rows.
    MEMBER_CHANGED = "member_changed"


# The location_id of an event about every location.
EVERY_LOCATION = 0


@dataclass(frozen=True)
class GymEvent:
    """One committed change, carrying everything a live view needs without a query.

    `reason` is the check-out reason (member/staff/auto) or the denial code.
    """

    kind: EventKind
    location_id: int
    location_name: str
    at: datetime
    member_id: str | None = None
    member_name: str | None = None
    visit_id: int | None = None
    stay_seconds: int | None = None
    reason: str | None = None
    source: str | None = None
    # A check-in the desk made anyway after this kiosk refused it: the kiosk shows it.
    admitted_at_kiosk: int | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def to_json(self) -> str:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> GymEvent:
        data = json.loads(raw)
        data["kind"] = EventKind(data["kind"])
        data["at"] = datetime.fromisoformat(data["at"])
        return cls(**data)
