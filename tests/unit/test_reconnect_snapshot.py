"""What a (re)connecting tab is sent (Reflex sends its stored state whole): for a state
fed by broadcasts (states/room_copy.py) the hub's values of now in place of the stored ones,
never members' names; after a sign-out, nothing the staff pages showed."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
import reflex as rx

from gym_live.reflex_compat import FIELD_MARKER
from gym_live.states import kiosk as kiosk_module
from gym_live.states import live as live_module
from gym_live.states.auth import AuthState, forget_signed_out
from gym_live.states.desk import DeskState
from gym_live.states.kiosk import KioskState
from gym_live.states.live import LiveState

VIEW = {
    "location_name": "Downtown",
    "inside_now": 9,
    "checkins_today": 40,
    "feed": [{"name": "Anna Schmidt"}],
    "inside": [{"name": "Anna Schmidt"}],
}


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    hub = SimpleNamespace(views={1: VIEW})
    monkeypatch.setattr(live_module, "get_hub", lambda: hub)
    monkeypatch.setattr(kiosk_module, "get_hub", lambda: hub)
    return hub


def _sent(state: type[rx.State], **stored: object) -> dict[str, object]:
    """The snapshot of `state` a hydrating tab gets, its stored copy holding `stored`."""
    tab = rx.State(_reflex_internal_init=True).substates[state.get_name()]
    for name, value in stored.items():
        setattr(tab, name, value)
    return {
        name.removesuffix(FIELD_MARKER): value
        for name, value in tab.dict()[state.get_full_name()].items()
    }


def test_a_dashboard_is_sent_the_numbers_of_now_and_only_the_rows_it_was_shown(hub) -> None:
    sent = _sent(LiveState, location_id=1, ready=True, inside_now=3, feed=[{"name": "Ben"}])
    assert sent["inside_now"] == 9 and sent["checkins_today"] == 40
    assert sent["feed"] == [{"name": "Ben"}] and sent["inside"] == []


def test_a_dashboard_never_opened_or_of_a_location_unknown_here_keeps_its_stored_copy(
    hub,
) -> None:
    assert _sent(LiveState, location_id=1, inside_now=3)["inside_now"] == 3  # not ready
    assert _sent(LiveState, location_id=2, ready=True, inside_now=3)["inside_now"] == 3


def test_a_kiosk_is_sent_its_locations_head_count_and_nothing_else(hub) -> None:
    sent = _sent(KioskState, paired=True, _location_id=1, inside_now=0)
    assert sent["inside_now"] == 9 and "feed" not in sent
    assert _sent(KioskState, paired=False, _location_id=1)["inside_now"] == 0


def test_a_tab_that_signs_out_keeps_nothing_the_staff_pages_showed(hub) -> None:
    """Reflex sends the stored state whole on the next reconnect, on /login too."""
    root = rx.State(_reflex_internal_init=True)
    auth, live, desk, door = (
        root.substates[state.get_name()] for state in (AuthState, LiveState, DeskState, KioskState)
    )
    auth.staff_name, auth.staff_role, auth._staff_id = "Maria", "front_desk", 7
    live.feed, live.inside, live.ready = [{"name": "Anna"}], [{"name": "Anna"}], True
    desk.refusal_sound = "off"  # this desk's own setting, kept in its browser
    door.device_token = "a paired tablet"
    asyncio.run(forget_signed_out(auth))
    assert (auth.staff_name, auth.staff_role, auth._staff_id) == ("", "", 0)
    assert (live.feed, live.inside, live.ready) == ([], [], False)
    assert desk.refusal_sound == "off" and door.device_token == "a paired tablet"
