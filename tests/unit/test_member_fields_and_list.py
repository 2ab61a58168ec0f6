"""Member names, emails and phones as people type them, and the members list's filter."""

from __future__ import annotations

from datetime import date

import pytest

from gym_live.domain.errors import InvalidInput
from gym_live.domain.member_list import (
    MAX_SEARCH_LENGTH,
    MemberFilter,
    MemberSort,
    Validity,
    parse_member_filter,
)
from gym_live.domain.members import (
    EMAIL,
    NAME,
    PHONE,
    MemberStatus,
    extended_until,
    normalize_email,
    normalize_phone,
    search_key,
    search_terms,
    search_text,
    validate_full_name,
)
from gym_live.domain.staff import validate_display_name


@pytest.mark.parametrize(
    "hidden",
    ["\u202e", "\u200b", "\u2066", "\u2069", "\u200f", "\ufeff", "\u00ad", "\ue000"],
)
def test_names_with_invisible_or_direction_changing_characters_are_refused(hidden: str) -> None:
    for validate in (validate_full_name, validate_display_name):
        with pytest.raises(InvalidInput, match="invisible or direction-changing") as refused:
            validate(f"Anna{hidden}Schmidt")
    assert refused.value.field is not None


def test_names_in_every_script_are_kept_as_typed() -> None:
    # Persian needs the zero width non-joiner (Mohammad-Reza); emoji families the joiner.
    persian = "\u0645\u062d\u0645\u062f\u200c\u0631\u0636\u0627"
    for name in ("José Ölmez", persian, "Łucja 👩\u200d👩\u200d👧", "<b>Bold</b> & Co"):
        assert validate_full_name(name) == name
    assert validate_full_name("W" * 120) == "W" * 120
    with pytest.raises(InvalidInput, match="at most 120") as refused:
        validate_full_name("W" * 10_000)
    assert refused.value.field == NAME


def test_search_keys_ignore_case_and_accents() -> None:
    assert search_key("José  ÖLMEZ") == "jose olmez"
    assert search_key("Straße") == "strasse"
    assert search_key("\uff26\uff55\uff4c\uff4c") == "full"  # full-width letters


def test_a_member_is_found_by_name_card_email_and_phone_digits_one_line_each() -> None:
    text = search_text("José Ölmez", "AB-1001", "jose@müller.de", "+49 30 1234567")
    assert text.split("\n") == ["jose olmez", "ab-1001", "jose@muller.de", "49301234567"]
    assert search_text("Zoe", "1002", None, None) == "zoe\n1002\n\n"
    assert search_terms("  ÖLMEZ ") == ("olmez",)
    assert search_terms("030 123") == ("030 123", "030123")  # as typed, and as digits
    assert search_terms("1001") == ("1001",)
    assert search_terms("a1b2c3") == search_terms("A1B2C3") == ("a1b2c3",)  # not a phone
    assert search_terms("100%") == ("100%",)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Anna.Schmidt@Example.COM ", "anna.schmidt@example.com"),
        ("a+gym@mail.example.org", "a+gym@mail.example.org"),
        ("", None),
        ("   ", None),
    ],
)
def test_emails_are_lower_cased_and_kept(typed: str, kept: str | None) -> None:
    assert normalize_email(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "anna",
        "anna@",
        "@example.com",
        "anna@example",
        "anna@@example.com",
        "an na@example.com",
        "anna..s@example.com",
        "anna.@example.com",
        "anna@-example.com",
        "<script>@example.com",
        "anna@exa_mple.com",
        "jörg@example.com",  # most mail systems still refuse a non-ASCII local part
        "a" * 250 + "@example.com",
    ],
)
def test_bad_emails_are_refused_beside_the_field(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        normalize_email(typed)
    assert refused.value.field == EMAIL


def test_an_international_domain_is_accepted() -> None:
    assert normalize_email("info@müller.de") == "info@müller.de"


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+49 30 1234567", "+49301234567"),
        ("0049 (30) 123-4567", "+49301234567"),
        ("030 / 123 45 67", "0301234567"),
        ("", None),
    ],
)
def test_phones_are_kept_as_digits_with_a_plus_when_international(
    typed: str, kept: str | None
) -> None:
    assert normalize_phone(typed) == kept


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12345", "6 to 15 digits"),
        ("+1234567890123456", "6 to 15 digits"),
        ("call me", "digits, spaces"),
        ("030 123\u202e4567", "digits, spaces"),
        ("1" * 41, "digits, spaces"),
    ],
)
def test_bad_phones_are_refused_beside_the_field(typed: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says) as refused:
        normalize_phone(typed)
    assert refused.value.field == PHONE


def test_the_list_filter_reads_its_form_and_refuses_what_no_list_offers() -> None:
    wanted = parse_member_filter(
        text="  anna   s ", status="frozen", validity="expiring", sort="last_visit", page=0
    )
    assert wanted == MemberFilter(
        text="anna s",
        status=MemberStatus.FROZEN,
        validity=Validity.EXPIRING,
        sort=MemberSort.LAST_VISIT,
        page=1,
    )
    assert parse_member_filter() == MemberFilter()
    for field, value in (("status", "gone"), ("validity", "soonish"), ("sort", "salary")):
        with pytest.raises(InvalidInput, match="Choose one") as refused:
            parse_member_filter(**{field: value})
        assert refused.value.field == field
    with pytest.raises(InvalidInput, match=f"at most {MAX_SEARCH_LENGTH}"):
        parse_member_filter(text="x" * 10_000)
    with pytest.raises(InvalidInput, match="control characters"):
        parse_member_filter(text="anna\x00")


def test_expiring_means_from_today_to_fourteen_days_ahead_and_expired_before_today() -> None:
    today = date(2026, 12, 1)
    assert MemberFilter(validity=Validity.EXPIRING).expiry_bounds(today) == (
        today,
        date(2026, 12, 15),
    )
    assert MemberFilter(validity=Validity.EXPIRED).expiry_bounds(today) == (
        None,
        date(2026, 11, 30),
    )
    assert MemberFilter().expiry_bounds(today) == (None, None)


def test_a_membership_is_extended_from_the_later_of_today_and_its_end() -> None:
    today = date(2026, 12, 1)
    assert extended_until(date(2027, 1, 31), today, 1) == date(2027, 2, 28)  # no 31 February
    assert extended_until(date(2028, 1, 31), today, 1) == date(2028, 2, 29)
    assert extended_until(date(2026, 11, 20), today, 3) == date(2027, 3, 1)  # lapsed: from today
    assert extended_until(date(2026, 12, 15), today, 12) == date(2027, 12, 15)
    assert extended_until(today, today, 1) == date(2027, 1, 1)
    with pytest.raises(InvalidInput, match="no end date"):
        extended_until(None, today, 1)
    for months in (0, 2, -1, 10_000):
        with pytest.raises(InvalidInput, match="1, 3, 12 months"):
            extended_until(today, today, months)
