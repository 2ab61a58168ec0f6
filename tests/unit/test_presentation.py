"""What the dashboard shows: times, stays and feed rows in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from gym_live.domain.feed import FEED_SIZE, FeedItem, FeedKind, newest
from gym_live.domain.kiosks import OFFLINE_AFTER
from gym_live.presentation import (
    NO_STAY,
    denial_line,
    feed_row,
    hours_minutes,
    kiosk_row,
    stay_text,
    visit_line,
)
from gym_live.services.kiosks import KioskInfo
from gym_live.services.member_record import DenialLine, VisitLine

AT = datetime(2026, 1, 14, 9, tzinfo=UTC)


def test_hours_minutes_and_stays() -> None:
    assert [hours_minutes(m) for m in (None, 0, 9.6, 75.0, 601)] == [
        NO_STAY,
        "0:00",
        "0:09",
        "1:15",
        "10:01",
    ]
    assert [stay_text(s) for s in (0, 540, 3600, 4320)] == [
        "0 min",
        "9 min",
        "1 h 0 min",
        "1 h 12 min",
    ]


def test_feed_rows_say_what_happened() -> None:
    out = feed_row(FeedItem("out-1", FeedKind.CHECK_OUT, "Anna", "Downtown", AT, stay_seconds=4320))
    assert (out["action"], out["detail"], out["kind"]) == ("Checked out", "1 h 12 min", "check_out")
    denied = feed_row(FeedItem("denied-2", FeedKind.DENIED, None, "Downtown", AT, reason="expired"))
    assert (denied["name"], denied["action"], denied["detail"]) == (
        "Unknown card",
        "Denied",
        "membership expired",
    )
    auto = feed_row(FeedItem("out-3", FeedKind.AUTO_OUT, "Ben", "Harbour", AT, stay_seconds=14400))
    assert (auto["action"], auto["detail"], auto["location"]) == (
        "Auto check-out",
        "4 h 0 min",
        "Harbour",
    )
    assert (
        feed_row(FeedItem("in-4", FeedKind.CHECK_IN, "Cleo", "Downtown", AT))["at"]
        == AT.isoformat()
    )
    by_desk = FeedItem("in-5", FeedKind.CHECK_IN, "Dana", "Downtown", AT, by="Maria")
    assert feed_row(by_desk)["detail"] == "by Maria"
    out_by_desk = FeedItem(
        "out-6", FeedKind.CHECK_OUT, "Dana", "Downtown", AT, stay_seconds=540, by="Maria"
    )
    assert feed_row(out_by_desk)["detail"] == "9 min · by Maria"


def test_newest_keeps_the_latest_twenty_newest_first() -> None:
    items = [
        FeedItem(f"in-{i}", FeedKind.CHECK_IN, f"M{i}", "Downtown", AT + timedelta(minutes=i))
        for i in range(30)
    ]
    kept = newest(items[::-1])
    assert len(kept) == FEED_SIZE
    assert [item.key for item in kept] == [f"in-{i}" for i in range(29, 9, -1)]


def test_a_kiosk_is_online_until_its_heartbeat_is_twice_overdue() -> None:
    def presence(status: str, seen: datetime | None) -> str:
        return kiosk_row(KioskInfo(1, "Door", 1, "Downtown", status, AT, seen), AT)["presence"]

    just_online = AT - OFFLINE_AFTER + timedelta(seconds=1)
    assert presence("paired", AT - timedelta(seconds=59)) == "online"
    assert presence("paired", just_online) == "online"
    assert presence("paired", AT - OFFLINE_AFTER) == "offline"
    assert presence("paired", None) == "never"
    # Only a paired kiosk can be online: a revoked one's last visit is history (its time).
    assert presence("revoked", AT) == presence("waiting", None) == ""
    row = kiosk_row(KioskInfo(1, "Door", 1, "Downtown", "paired", AT, AT - OFFLINE_AFTER), AT)
    assert row["last_seen"] == (AT - OFFLINE_AFTER).isoformat()


def test_a_member_s_history_is_in_each_location_s_own_time() -> None:
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    out = late + timedelta(minutes=50)
    line = visit_line(VisitLine(late, out, "Mitte", "Europe/Berlin", "kiosk", None, None, None))
    assert (line["in"], line["stay"]) == ("2 Dec 2026, 00:30", "50 min")
    refused = denial_line(DenialLine(late, "Queens", "America/New_York", "expired", None))
    assert refused["at"] == "1 Dec 2026, 18:30"
