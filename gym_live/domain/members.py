"""Member values and the rules for member codes."""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from gym_live.domain.errors import InvalidCode, InvalidInput, PinRequired, WrongPin
from gym_live.domain.text import tidy_name

MAX_CODE_LENGTH = 32
MIN_CODE_LENGTH = 4
# What a denied-attempt record keeps of an invalid code: enough to recognise it, never a payload.
STORED_CODE_LENGTH = 40
_CODE_PATTERN = re.compile(r"[A-Z0-9-]+")
NAME_LENGTH = 120
# A name's search key can be longer than the name ("ß" is "ss"); this bounds it.
SEARCH_KEY_LENGTH = 3 * NAME_LENGTH
EMAIL_LENGTH = 254
_EMAIL_LOCAL = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-][a-z0-9.!#$%&'*+/=?^_`{|}~-]{0,63}")
_DOMAIN_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
PHONE_LENGTH = 40
PHONE_DIGITS = range(6, 16)  # E.164 numbers have at most 15
# Fewer digits than this match too many phone numbers to be worth looking for.
MIN_PHONE_SEARCH_DIGITS = 3
# Name, card, email and phone keys, one line each: 360 + 32 + at most 3 x 254 + 40 + 3.
SEARCH_TEXT_LENGTH = 1200
_PHONE = re.compile(r"\+?[0-9 ()./-]+")
MAX_MEMBERSHIP_YEARS = 10
# What the desk extends a membership by, in months.
EXTENSIONS = (1, 3, 12)
# The member form's fields an error can be about.
NAME, CODE, EMAIL, PHONE, PLAN, VALID_UNTIL, PIN = (
    "full_name",
    "code",
    "email",
    "phone",
    "plan",
    "valid_until",
    "pin",
)


class MemberStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    CANCELLED = "cancelled"


class Plan(StrEnum):
    """What a member's check-ins run on: time (until valid_until, or no end), or visits
    only (a pass). A time member may hold a pass too, for after the time runs out."""

    TIME = "time"
    VISITS = "visits"


@dataclass(frozen=True)
class MemberSnapshot:
    """What the check-in rules need to know about a member."""

    id: str
    code: str
    full_name: str
    status: MemberStatus
    valid_until: date | None
    has_pin: bool = False
    frozen_until: date | None = None  # a freeze's last day (None: until unfrozen)
    plan: Plan = Plan.TIME
    visits_left: int | None = None  # on the visit pass (None: no pass)
    pass_until: date | None = None  # the pass's last day (None: no expiry)

    @property
    def first_name(self) -> str:
        return first_name(self.full_name)


def first_name(full_name: str) -> str:
    """What the door calls a member: the first word of their name."""
    return full_name.split()[0] if full_name.split() else full_name


def normalize_code(raw: str, *, field: str | None = None) -> str:
    """Return the canonical form of a typed or scanned member code.

    Raises:
        InvalidCode: empty, too long, or with characters no card carries.
    """
    code = raw.strip().upper()
    if not code:
        raise InvalidCode("No member code was entered.", field=field)
    if len(code) > MAX_CODE_LENGTH:
        raise InvalidCode(f"A member code has at most {MAX_CODE_LENGTH} characters.", field=field)
    if len(code) < MIN_CODE_LENGTH or not _CODE_PATTERN.fullmatch(code):
        raise InvalidCode(
            "That is not a member code: use the digits and letters on the card.", field=field
        )
    return code


def printable_code(raw: str) -> str:
    """A safe, short rendering of whatever was scanned, for the denied-attempt log."""
    visible = "".join(
        ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else "?" for ch in raw
    )
    return visible[:STORED_CODE_LENGTH]


def validate_full_name(raw: str) -> str:
    """Return a trimmed member name, or raise InvalidInput with the reason."""
    return tidy_name(
        raw,
        what="A member name",
        max_length=NAME_LENGTH,
        missing="A member needs a name.",
        field=NAME,
    )


def validate_end_date(until: date | None, today: date) -> date | None:
    """A new membership's last day: today or later, at most MAX_MEMBERSHIP_YEARS ahead (to
    the end of that year); None for a membership with no end."""
    if until is None:
        return None
    if until < today:
        raise InvalidInput(
            "That day has passed: a new membership ends today or later.", field=VALID_UNTIL
        )
    if until.year > today.year + MAX_MEMBERSHIP_YEARS:
        raise InvalidInput(
            f"A membership runs at most {MAX_MEMBERSHIP_YEARS} years ahead.", field=VALID_UNTIL
        )
    return until


def extended_until(current: date | None, today: date, months: int) -> date:
    """A membership extended by `months`, from the later of today and its current end (a
    lapsed membership restarts today); the day of the month is kept where the month has it
    (31 January + 1 month is 28 or 29 February)."""
    if months not in EXTENSIONS:
        choices = ", ".join(str(n) for n in EXTENSIONS)
        raise InvalidInput(f"A membership is extended by {choices} months.", field=VALID_UNTIL)
    if current is None:
        raise InvalidInput("This membership has no end date to extend.", field=VALID_UNTIL)
    start = max(current, today)
    years, month = divmod(start.month - 1 + months, 12)
    year = start.year + years
    last_day = calendar.monthrange(year, month + 1)[1]
    return start.replace(year=year, month=month + 1, day=min(start.day, last_day))


def search_key(text: str) -> str:
    """What a name is found by: without case or accents, so "jose" finds "José" and "Ölmez"
    sorts with the O's, on SQLite as on PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def search_text(full_name: str, code: str, email: str | None, phone: str | None) -> str:
    """Everything a member is found by, one line each (no search can span two): name and
    email by their search keys, the card number, the phone's digits."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return "\n".join((search_key(full_name), code.casefold(), search_key(email or ""), digits))


def search_terms(text: str) -> tuple[str, ...]:
    """What typed search text looks for in search_text: its search key, and, when it is
    written like a phone number, its digits (so "030 123" finds 030123...)."""
    key = search_key(text)
    digits = "".join(ch for ch in text if ch.isdigit())
    like_a_phone = _PHONE.fullmatch(text.strip()) and len(digits) >= MIN_PHONE_SEARCH_DIGITS
    return (key, digits) if like_a_phone and digits != key else (key,)


def normalize_email(raw: str) -> str | None:
    """An email address in lower case, or None when none was typed; InvalidInput otherwise."""
    email = raw.strip().lower()
    if not email:
        return None
    if len(email) > EMAIL_LENGTH:
        raise InvalidInput(f"An email address has at most {EMAIL_LENGTH} characters.", field=EMAIL)
    local, at, domain = email.rpartition("@")
    dots_ok = ".." not in local and not local.endswith(".")
    if not (at and _EMAIL_LOCAL.fullmatch(local) and dots_ok and _is_domain(domain)):
        raise InvalidInput("That is not an email address (like name@example.com).", field=EMAIL)
    return email


def _is_domain(domain: str) -> bool:
    try:
        ascii_domain = domain.encode("idna").decode("ascii")  # müller.de is xn--mller-kva.de
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    return len(labels) > 1 and all(_DOMAIN_LABEL.fullmatch(label) for label in labels)


def normalize_phone(raw: str) -> str | None:
    """A phone number as digits, with a leading + when international (00 becomes +), or
    None when none was typed; InvalidInput otherwise."""
    typed = raw.strip()
    if not typed:
        return None
    if len(typed) > PHONE_LENGTH or not _PHONE.fullmatch(typed):
        raise InvalidInput(
            "A phone number uses digits, spaces and + - ( ) only (like +49 30 1234567).",
            field=PHONE,
        )
    digits = "".join(ch for ch in typed if ch.isdigit())
    international = typed.startswith("+") or digits.startswith("00")
    digits = digits[2:] if digits.startswith("00") else digits
    if len(digits) not in PHONE_DIGITS:
        raise InvalidInput(
            f"A phone number has {PHONE_DIGITS.start} to {PHONE_DIGITS.stop - 1} digits.",
            field=PHONE,
        )
    return "+" * international + digits


# Shorter than any card number, so a card scanned at a PIN prompt is never taken for a PIN.
PIN_LENGTHS = range(4, 7)


def validate_pin(pin: str) -> str:
    """A PIN is 4 to 6 digits; raise InvalidInput otherwise."""
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        raise InvalidInput("A PIN is 4 to 6 digits.", field=PIN)
    return pin


def looks_like_pin(typed: str) -> bool:
    return typed.isascii() and typed.isdigit() and len(typed) in PIN_LENGTHS


def pin_rule() -> str:
    """The PIN rule in words, for whoever is asked to choose one."""
    return f"{PIN_LENGTHS.start}-{PIN_LENGTHS.stop - 1} digits"


def require_pin(member: MemberSnapshot, typed: str | None, matches: Callable[[str], bool]) -> None:
    """Members who set a PIN are let in only with it (checking out needs none).

    `matches` checks a typed PIN against the member's stored hash; it is called only when
    the member has a PIN and one was typed (a slow hash costs only then).

    Raises:
        PinRequired: the member has a PIN and none was typed: ask for it.
        WrongPin: the typed PIN is not the member's.
    """
    if not member.has_pin:
        return
    if typed is None:
        raise PinRequired("Enter your PIN.")
    if not matches(typed):
        raise WrongPin("That PIN is not right.")
