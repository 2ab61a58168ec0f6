"""A member file as gyms export it: commas or semicolons, a byte-order mark, another
encoding; every row checked, and what is wrong said for its line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from gym_live.domain.csv_cells import as_text
from gym_live.domain.errors import InvalidInput
from gym_live.domain.member_export import ExportedMember, heading_line, member_lines
from gym_live.domain.member_import import MAX_LINE_CHARACTERS, decode, read_rows

TODAY = date(2026, 1, 14)


def rows(text: str):
    return read_rows(text, TODAY)


def test_a_spreadsheet_export_is_read_whatever_its_separator_and_encoding() -> None:
    semicolons = (
        "Name;E-Mail;Valid until;Card\r\nJosé Ölmez;JOSE@example.org;2026-12-31;ab-1001\r\n"
    )
    for data in (
        "\ufeff".encode() + semicolons.encode(),  # UTF-8 with a byte-order mark
        semicolons.encode("cp1252"),  # Windows-1252, as Excel writes it
        semicolons.replace(";", "\t").encode(),
        semicolons.replace(";", ",").encode(),
    ):
        [row] = rows(decode(data))
        assert (row.full_name, row.email, row.code) == ("José Ölmez", "jose@example.org", "AB-1001")
        assert row.valid_until == date(2026, 12, 31) and row.problems == ()


def test_each_row_says_what_is_wrong_with_it() -> None:
    text = (
        "name,email,phone,valid_until,code,pass_visits\n"
        ",a@b.de,,,,\n"  # no name
        "Bad Date,,,31.12.2026,,\n"
        "Bad Visits,,,,,-3\n"
        "Huge Visits,,,,,100000\n"
        "Far Ahead,,,2099-01-01,,\n"
        "Bad Mail,not-an-email,,,,\n"
        "Bad Phone,,12,,,\n"
        "Hidden\u202eName,,,,,\n"
        "<b>Bold</b> Tag,,,,,10\n"
        "\n"  # an empty line is skipped
        "Ended Last Year,,,2025-01-31,,\n"
    )
    found = {row.line: row for row in rows(text)}
    said = {line: " ".join(row.problems) for line, row in found.items()}
    assert "needs a name" in said[2] and "YYYY-MM-DD" in said[3]
    assert "0 to 200" in said[4] and "0 to 200" in said[5] and "10 years" in said[6]
    assert "not an email" in said[7] and "digits" in said[8] and "invisible" in said[9]
    assert found[10].problems == () and found[10].full_name == "<b>Bold</b> Tag"  # text
    assert found[10].pass_visits == 10
    assert 11 not in found and found[12].problems == ()  # an ended membership moves over


def test_a_card_number_or_email_twice_is_a_problem_of_the_second_line() -> None:
    text = "name,email,code\nAnna,anna@x.de,1001\nAnne,ANNA@x.de,1002\nAnni,,1001\n"
    [first, second, third] = rows(text)
    assert first.problems == ()
    assert second.problems == ("The email anna@x.de is on line 2 too.",)
    assert third.problems == ("The card number 1001 is on line 2 too.",)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "empty"),
        (b"email,phone\na@b.de,123456\n", "names the columns"),
        (("name\n" + "x" * 1_000_000 + "\n").encode(), "too long"),
        (("x" * (MAX_LINE_CHARACTERS + 1) + "\nAnna\n").encode(), "too long"),
        (b'name\n"never closed\n', None),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data: bytes, said: str | None) -> None:
    if said is None:  # an unclosed quote runs to the end: one (odd) member, not a crash
        assert len(rows(decode(data))) <= 1
        return
    with pytest.raises(InvalidInput, match=said):
        rows(decode(data))


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+cmd|' /C calc'!A0", "'-2+cmd|' /C calc'!A0"),
        ("\t=1", "'\t=1"),
        ("+49 170 1234567", "+49 170 1234567"),  # only a number: nothing to run
        ("-12.5", "-12.5"),
        ("Anna = Anne", "Anna = Anne"),
    ],
)
def test_an_exported_cell_is_text_never_a_formula(cell: str, written: str) -> None:
    assert as_text(cell) == written


def test_exported_lines_read_back_as_the_same_members_in_the_gym_s_time() -> None:
    exported = ExportedMember(
        code="10000001",
        full_name="=1+1 O'Brien",
        email="obrien@example.org",
        phone="+491701234567",
        valid_until=date(2026, 6, 30),
        visits_left=0,
        status="active",
        plan="visits",
        pass_until=None,
        frozen_until=None,
        freeze_reason=None,
        last_visit_at=datetime(2026, 1, 13, 23, 30, tzinfo=UTC),
        joined_at=datetime(2025, 1, 2, 8, 0, tzinfo=UTC),
    )
    text = heading_line() + member_lines([exported], ZoneInfo("Europe/Berlin"))
    assert text.splitlines()[1].endswith(",2026-01-14 00:30,2025-01-02 09:00")
    [row] = rows(text)
    assert (row.full_name, row.code, row.email, row.phone) == (
        "=1+1 O'Brien",
        "10000001",
        "obrien@example.org",
        "+491701234567",
    )
    assert (row.valid_until, row.pass_visits, row.problems) == (date(2026, 6, 30), 0, ())
