"""Moving a gym onto gym_live: a CSV file of members, read and checked row by row before
anything is written (services.member_import writes the good rows)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date

from gym_live.domain.days import optional_day
from gym_live.domain.errors import InvalidInput
from gym_live.domain.members import (
    MAX_MEMBERSHIP_YEARS,
    VALID_UNTIL,
    normalize_code,
    normalize_email,
    normalize_phone,
    validate_full_name,
)
from gym_live.domain.memberships import MAX_VISITS_LEFT

MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
# Longer than any row of these six columns can honestly be.
MAX_LINE_CHARACTERS = 4_096
# The columns, and the headings each is known by (case, spaces and "-" do not matter).
NAME, EMAIL, PHONE, VALID, CODE, VISITS = (
    "name",
    "email",
    "phone",
    "valid_until",
    "code",
    "pass_visits",
)
HEADINGS = {
    NAME: ("name", "full_name", "member"),
    EMAIL: ("email", "e_mail", "mail"),
    PHONE: ("phone", "telephone", "mobile"),
    VALID: ("valid_until", "valid", "end", "ends", "membership_ends"),
    CODE: ("code", "card", "card_number", "member_code", "number"),
    VISITS: ("pass_visits", "visits", "pass"),
}
# A spreadsheet runs a cell that starts with one of these as a formula (a name typed as
# `=HYPERLINK(...)` would be a link on the owner's screen).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMNS_IN_WORDS = "name, email, phone, valid_until (YYYY-MM-DD), code, pass_visits"


@dataclass(frozen=True)
class ImportRow:
    """One member line of the file, as read, and what is wrong with it (nothing: it may
    be imported)."""

    line: int
    full_name: str
    code: str | None = None
    email: str | None = None
    phone: str | None = None
    valid_until: date | None = None
    pass_visits: int | None = None
    problems: tuple[str, ...] = ()


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark is dropped), else Windows-1252, which
    spreadsheet programs write.

    Raises:
        InvalidInput: empty, too large, or in neither encoding.
    """
    if not data.strip():
        raise InvalidInput("The file is empty.")
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidInput("A member file is at most 20 MB.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InvalidInput("The file is neither UTF-8 nor Windows-1252 text.") from None


def read_rows(text: str, today: date) -> list[ImportRow]:
    """Every member line, checked: the first line names the columns (comma, semicolon or
    tab between them); a card number or email twice in the file is a problem on the
    second line.

    Raises:
        InvalidInput: no name column, a line too long, or more than MAX_IMPORT_ROWS.
    """
    first_line = text.split("\n", 1)[0]
    if len(first_line) > MAX_LINE_CHARACTERS:
        raise InvalidInput("Line 1 is too long to be a member file's headings.")
    delimiter = max(";,\t", key=first_line.count)
    lines = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headings = next(lines)
        columns = _columns(headings)
        rows = []
        for number, cells in enumerate(lines, start=2):
            if len(rows) >= MAX_IMPORT_ROWS:
                raise InvalidInput(f"A member file has at most {MAX_IMPORT_ROWS:,} members.")
            if sum(map(len, cells)) > MAX_LINE_CHARACTERS:
                raise InvalidInput(f"Line {number} is too long to be a member.")
            if any(cell.strip() for cell in cells):
                rows.append(_row(number, cells, columns, today))
    except csv.Error:
        raise InvalidInput("The file is not CSV (a field is too long or unclosed).") from None
    return _with_repeats(rows)


def _columns(headings: list[str]) -> dict[str, int]:
    known = {alias: column for column, aliases in HEADINGS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, heading in enumerate(headings):
        key = "_".join(heading.strip().lower().replace("-", " ").split())
        if key in known and known[key] not in found:
            found[known[key]] = index
    if NAME not in found:
        raise InvalidInput(f"The first line names the columns: {COLUMNS_IN_WORDS}.")
    return found


def _row(number: int, cells: list[str], columns: dict[str, int], today: date) -> ImportRow:
    def cell(column: str) -> str:
        index = columns.get(column)
        return _unquoted(cells[index].strip()) if index is not None and index < len(cells) else ""

    problems: list[str] = []

    def checked(read, raw: str):  # noqa: ANN001  (a value, or None with a problem)
        try:
            return read(raw)
        except InvalidInput as exc:
            problems.append(exc.message)
            return None

    name = checked(validate_full_name, cell(NAME))
    code = checked(normalize_code, cell(CODE)) if cell(CODE) else None
    email = checked(normalize_email, cell(EMAIL))
    phone = checked(normalize_phone, cell(PHONE))
    until = checked(lambda raw: _end_date(raw, today), cell(VALID))
    visits = checked(_visits, cell(VISITS))
    return ImportRow(
        number, name or cell(NAME)[:80], code, email, phone, until, visits, tuple(problems)
    )


def _unquoted(cell: str) -> str:
    """A cell as typed: the ' that an export (domain.member_export) or a spreadsheet put
    before a would-be formula is not part of it."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def _end_date(raw: str, today: date) -> date | None:
    """A membership moving over may have ended already; one more than ten years ahead is
    a typo."""
    until = optional_day(raw, field=VALID_UNTIL)
    if until is not None and until.year > today.year + MAX_MEMBERSHIP_YEARS:
        raise InvalidInput(f"A membership runs at most {MAX_MEMBERSHIP_YEARS} years ahead.")
    return until


def _visits(raw: str) -> int | None:
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= MAX_VISITS_LEFT:
        raise InvalidInput(f"Pass visits are a whole number from 0 to {MAX_VISITS_LEFT}.")
    return int(raw)


def _with_repeats(rows: list[ImportRow]) -> list[ImportRow]:
    """A card number or email already on an earlier line is a problem of the later one."""
    first_seen: dict[tuple[str, str], int] = {}
    checked = []
    for row in rows:
        repeats = []
        for what, value in (("card number", row.code), ("email", row.email)):
            if value is None:
                continue
            earlier = first_seen.setdefault((what, value), row.line)
            if earlier != row.line:
                repeats.append(f"The {what} {value} is on line {earlier} too.")
        checked.append(_add(row, repeats) if repeats else row)
    return checked


def _add(row: ImportRow, problems: list[str]) -> ImportRow:
    return replace(row, problems=(*row.problems, *problems))
