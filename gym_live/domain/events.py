"""What happened, as published on the event bus after the database committed it."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, field, fields
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
    # Its place in its location's stream on the bus: 1, 2, 3... as the bus relayed them
    # (set by the bus that delivers it; None for an event heard in process).
    seq: int | None = None

    def to_json(self) -> str:
        """The event as published; the bus adds its `seq`."""
        data = asdict(self)
        del data["seq"]
        data["at"] = self.at.isoformat()
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> GymEvent:
        """An event as published by this version or another: fields it does not know (an
        instance a release ahead, in a rolling upgrade) are left out."""
        data = json.loads(raw)
        data["kind"] = EventKind(data["kind"])
        data["at"] = datetime.fromisoformat(data["at"])
        return cls(**{name: data[name] for name in _FIELDS if name in data})


_FIELDS = tuple(spec.name for spec in fields(GymEvent))


class SequenceBreak(StrEnum):
    """How a location's stream, as one listener hears it, went wrong."""

    GAP = "gap"  # events between the last one heard and this one never arrived
    REPEAT = "repeat"  # the same place again: heard twice
    BACKWARD = "backward"  # an earlier place (out of order, or the bus restarted)


class StreamPositions:
    """The last place heard in each location's stream, and what breaks the order.

    One per subscription (a new one re-reads every location anyway). A listener that
    sees a break re-reads that location, so nothing it missed stays missed; it then goes
    on from the new place.
    """

    def __init__(self) -> None:
        self._last: dict[int, int] = {}

    def hear(self, location_id: int, seq: int) -> SequenceBreak | None:
        last = self._last.get(location_id)
        if last is not None and seq == last:
            return SequenceBreak.REPEAT
        self._last[location_id] = seq
        if last is None or seq == last + 1:
            return None
        return SequenceBreak.GAP if seq > last else SequenceBreak.BACKWARD
