"""`/members/export.csv` on real databases: every member once, a page at a time, for
signed-in admins only, recorded in the audit trail; the file imports back as the same
members."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gym_live import staff_files
from gym_live.domain.checkin import Source
from gym_live.domain.member_export import HEADINGS
from gym_live.domain.member_status import StatusChange
from gym_live.models import AuditEvent
from gym_live.services import checkin, member_changes, member_export, member_import, sessions
from gym_live.services import staff as staff_accounts
from gym_live.services.deps import Deps
from tests.helpers.builders import count, gym, member, on_a_pass

PASSWORD = "a long staff password"


@pytest.fixture
def client(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(staff_files, "app_deps", lambda: deps)
    return TestClient(staff_files.staff_files)


def signed_in(deps: Deps, username: str, role: str) -> str:
    staff_accounts.add_staff(username, role=role, password=PASSWORD, deps=deps)
    return sessions.sign_in(username, PASSWORD, deps=deps)[1]


def exported(response_text: str) -> list[dict[str, str]]:
    assert response_text.startswith("\ufeff")  # spreadsheets then read it as UTF-8
    return list(csv.DictReader(io.StringIO(response_text[1:])))


def test_pages_cover_every_member_once_in_card_order(deps: Deps) -> None:
    for number in range(7):
        member(deps, f"1000{number:04d}", f"Member {number}")
    codes, after, pages = [], None, 0
    while True:
        lines, after = member_export.next_lines(after, deps=deps, page=3)
        codes += [row[0] for row in csv.reader(io.StringIO(lines))]
        pages += 1
        if after is None:
            break
    assert codes == [f"1000{n:04d}" for n in range(7)] and pages == 3


def test_an_admin_downloads_every_member_and_it_is_recorded(deps: Deps, client: TestClient) -> None:
    gym(deps)
    member(deps, "10000001", '=HYPERLINK("http://evil")', email="anna@example.org")
    member(deps, "10000002", "José Ölmez", phone="+49 170 1234567", valid_until=date(2027, 1, 31))
    on_a_pass(deps, "10000003", 4)
    member_changes.change_status("10000002", StatusChange.FREEZE, reason="injury", deps=deps)
    checkin.scan("10000003", source=Source.KIOSK, deps=deps)
    client.cookies.set(staff_files.FILES_COOKIE, signed_in(deps, "maria", "admin"))
    answer = client.get(staff_files.MEMBERS_CSV)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="members-' in answer.headers["content-disposition"]
    rows = exported(answer.text)
    assert list(rows[0]) == list(HEADINGS)
    anna, jose, pia = rows
    assert anna["name"] == '\'=HYPERLINK("http://evil")'  # text, never a formula
    assert (jose["name"], jose["phone"], jose["valid_until"]) == (
        "José Ölmez",
        "+491701234567",
        "2027-01-31",
    )
    assert (jose["status"], jose["freeze_reason"]) == ("frozen", "injury")
    assert (pia["plan"], pia["pass_visits"], pia["last_visit"] != "") == ("visits", "3", True)
    with deps.engine.connect() as conn:
        kinds = conn.execute(sa.select(AuditEvent.kind)).scalars().all()
    assert kinds.count("members_exported") == 1


def test_the_export_imports_back_as_the_same_members(deps: Deps, client: TestClient) -> None:
    member(deps, "10000001", "=1+1 O'Brien", email="obrien@example.org")
    member(deps, "10000002", "Tom Time", valid_until=date(2027, 6, 30))
    client.cookies.set(staff_files.FILES_COOKIE, signed_in(deps, "maria", "admin"))
    data = client.get(staff_files.MEMBERS_CSV).content
    seen = member_import.preview(data, deps=deps)
    assert (seen.new, seen.already, seen.refused) == (0, 2, 0)
    assert [line.row.full_name for line in seen.lines] == ["=1+1 O'Brien", "Tom Time"]
    assert seen.lines[1].row.valid_until == date(2027, 6, 30)


@pytest.mark.parametrize(
    ("who", "said"),
    [
        (None, "Sign in as an admin"),
        ("front_desk", "Only an admin"),
        ("signed out", "Sign in as an admin"),
        ("must change password", "Sign in as an admin"),
    ],
)
def test_nobody_else_gets_the_members(
    deps: Deps, client: TestClient, who: str | None, said: str
) -> None:
    member(deps, "10000001", "Anna Schmidt")
    if who == "front_desk":
        client.cookies.set(staff_files.FILES_COOKIE, signed_in(deps, "fred", "front_desk"))
    elif who == "must change password":  # a handed-over password: only its change first
        _, handed = staff_accounts.add_with_temporary_password(
            "newbie", role="admin", display_name="New Admin", deps=deps
        )
        client.cookies.set(
            staff_files.FILES_COOKIE, sessions.sign_in("newbie", handed, deps=deps)[1]
        )
    elif who == "signed out":
        token = signed_in(deps, "maria", "admin")
        sessions.sign_out(token, deps=deps)
        client.cookies.set(staff_files.FILES_COOKIE, token)
    answer = client.get(staff_files.MEMBERS_CSV)
    assert answer.status_code == 403 and said in answer.text
    assert "Anna" not in answer.text
    assert count(deps, AuditEvent, AuditEvent.kind == "members_exported") == 0
