"""What the door makes of typed input, the PIN rule, and reason codes in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from gym_live import wording
from gym_live.domain import errors
from gym_live.domain.errors import PinRequired, Reason, ScanRefused, WrongPin
from gym_live.domain.kiosks import read_kiosk_input
from gym_live.domain.members import MemberSnapshot, MemberStatus, pin_rule, require_pin

ANNA = MemberSnapshot("id-1", "10000001", "Anna Schmidt", MemberStatus.ACTIVE, date(2027, 1, 1))


def test_at_a_pin_prompt_pin_shaped_input_is_the_pin_and_a_card_is_a_new_scan() -> None:
    assert read_kiosk_input("2468", "10000001") == ("10000001", "2468")
    assert read_kiosk_input("10000002", "10000001") == ("10000002", None)
    assert read_kiosk_input("2468", "") == ("2468", None)  # no prompt: just a (short) code


def test_the_pin_is_asked_for_checked_and_only_when_the_member_has_one() -> None:
    checked: list[str] = []

    def matches(typed: str) -> bool:
        checked.append(typed)
        return typed == "2468"

    require_pin(ANNA, None, matches)  # no PIN set: nothing asked, nothing hashed
    with_pin = replace(ANNA, has_pin=True)
    with pytest.raises(PinRequired):
        require_pin(with_pin, None, matches)
    with pytest.raises(WrongPin):
        require_pin(with_pin, "1357", matches)
    require_pin(with_pin, "2468", matches)
    assert checked == ["1357", "2468"]


def test_the_pin_rule_in_words_is_the_rule() -> None:
    assert pin_rule() == "4-6 digits"


def _refusals() -> list[type[ScanRefused]]:
    found = [
        cls
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, ScanRefused) and cls is not ScanRefused
    ]
    assert found
    return found


def test_every_refusal_at_the_door_has_words_for_the_member() -> None:
    for refusal in _refusals():
        assert isinstance(refusal.code, Reason)
        assert wording.for_members(refusal.code), f"no words for members for {refusal.code}"


def test_denials_read_as_words_for_staff_and_unknown_codes_as_they_are() -> None:
    assert wording.for_staff(Reason.EXPIRED) == "membership expired"
    assert wording.for_staff("expired") == "membership expired"  # as read back from the database
    assert wording.for_staff("something_new") == "something_new"
    assert wording.for_staff(None) == ""


def test_the_cool_down_is_explained_with_its_real_length() -> None:
    assert f"{wording.COOLDOWN_SECONDS} seconds" in wording.COOLDOWN_DETAIL
    assert wording.COOLDOWN_SECONDS == 30
