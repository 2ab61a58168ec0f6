"""The public occupancy endpoints (gym_live/api.py): people inside from the live views, the
usual for this weekday and hour from the last 8 weeks, no key and no member data."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from gym_live import api
from gym_live.domain.checkin import Source
from gym_live.live.hub import LiveHub
from gym_live.models import Member, Visit
from gym_live.services import checkin, occupancy
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def hub(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> LiveHub:
    gym(deps, capacity=10)
    member(deps, "10000001", "Anna Schmidt")
    live = LiveHub(deps)
    monkeypatch.setattr(api, "get_hub", lambda: live)
    monkeypatch.setattr(api, "app_deps", lambda: deps)
    monkeypatch.setattr(occupancy, "_usual_by_quarter", {})
    return live


def past_visits(deps: Deps, local_day: datetime, spans: list[tuple[str, str]]) -> None:
    """Closed visits at Downtown on a past day, each from and to a local "HH:MM"."""
    with Session(deps.engine) as session:
        anna = session.exec(select(Member)).first()
        assert anna is not None
        for start, end in spans:
            at = [
                datetime.combine(local_day.date(), datetime.strptime(t, "%H:%M").time(), BERLIN)
                for t in (start, end)
            ]
            session.add(
                Visit(
                    member_id=anna.id if isinstance(anna.id, uuid.UUID) else uuid.UUID(anna.id),
                    location_id=1,
                    checked_in_at=at[0],
                    checked_out_at=at[1],
                    checkout_reason="member",
                    source="kiosk",
                )
            )
        session.commit()


def test_the_usual_is_the_average_inside_at_this_hours_middle_on_the_same_weekday(
    deps: Deps, hub: LiveHub, clock: FakeClock
) -> None:
    # Now: Wednesday 2026-01-14, 10:00 in Berlin; the usual asks for 10:30 on 8 Wednesdays.
    today = clock.now.astimezone(BERLIN)
    for week in range(1, 9):
        spans = [("10:10", "10:50")] * week + [("10:00", "10:29"), ("10:31", "11:00")]
        past_visits(deps, today - timedelta(weeks=week), spans)
    past_visits(deps, today - timedelta(weeks=9), [("10:00", "11:00")] * 9)  # too long ago
    past_visits(deps, today - timedelta(days=1), [("10:00", "11:00")] * 9)  # another weekday
    checkin.scan("10000001", source=Source.KIOSK, deps=deps)  # one person inside now
    asyncio.run(hub.refresh())
    answer = TestClient(api.api).get("/api/v1/locations/1/occupancy")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=1"  # a proxy may keep it
    assert answer.json() == {
        "id": 1,
        "name": "Downtown",
        "capacity": 10,
        "inside_now": 1,
        "level": "quiet",
        "usual_inside": 4.5,  # (1 + 2 + ... + 8) / 8
        "usual_level": "moderate",
    }


def test_the_list_is_public_and_names_no_member(deps: Deps, hub: LiveHub) -> None:
    gym(deps, name="Harbour", capacity=2)
    checkin.scan("10000001", location="Harbour", source=Source.KIOSK, deps=deps)
    asyncio.run(hub.refresh())
    answer = TestClient(api.api).get("/api/v1/locations")
    assert answer.status_code == 200 and "Anna" not in answer.text
    assert answer.headers["cache-control"] == "public, max-age=1"
    listed = {row["name"]: (row["inside_now"], row["level"]) for row in answer.json()}
    assert listed == {"Downtown": (0, "quiet"), "Harbour": (1, "moderate")}


def test_the_usual_is_counted_once_a_quarter_hour(
    deps: Deps, hub: LiveHub, clock: FakeClock
) -> None:
    asyncio.run(hub.refresh())
    client = TestClient(api.api)
    assert client.get("/api/v1/locations/1/occupancy").json()["usual_inside"] == 0
    past_visits(deps, clock.now.astimezone(BERLIN) - timedelta(weeks=1), [("10:00", "11:00")] * 8)
    assert client.get("/api/v1/locations/1/occupancy").json()["usual_inside"] == 0  # kept
    clock.advance(minutes=15)
    assert client.get("/api/v1/locations/1/occupancy").json()["usual_inside"] == 1.0


def test_an_unknown_location_is_404_and_a_loading_instance_503(hub: LiveHub) -> None:
    client = TestClient(api.api)
    loading = client.get("/api/v1/locations")
    assert loading.status_code == 503 and loading.headers["retry-after"] == "1"
    asyncio.run(hub.refresh())
    missing = client.get("/api/v1/locations/99/occupancy")
    assert missing.status_code == 404 and missing.json()["reason"] == "not_found"
    assert client.get("/api/v1/locations/abc/occupancy").status_code == 422
