"""`/api/v1/visits.csv` and `/api/v1/members.csv` (gym_live/api.py) on real databases: every
visit of the period once, in check-in order, with who, where, how long and who let them in;
for an export key or a signed-in admin only, within a key's locations, recorded in the
audit trail; bad input answered 4xx naming the field."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gym_live import api, staff_files
from gym_live.domain.checkin import Source
from gym_live.domain.member_export import HEADINGS as MEMBER_HEADINGS
from gym_live.domain.visit_export import HEADINGS, period
from gym_live.models import AuditEvent, DeniedAttempt
from gym_live.services import api_keys, checkin, overrides, sessions, visit_export
from gym_live.services import staff as staff_accounts
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock

VISITS = "/api/v1/visits.csv"
MEMBERS = "/api/v1/members.csv"
PASSWORD = "a long staff password"


@pytest.fixture
def client(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(api, "app_deps", lambda: deps)
    monkeypatch.setattr(staff_files, "app_deps", lambda: deps)
    api._limits.cache_clear()
    gym(deps)
    gym(deps, name="Harbour")
    member(deps, "10000001", '=HYPERLINK("http://evil")')
    member(deps, "10000002", "José Ölmez")
    member(deps, "10000003", "Ella Expired", valid_until=date(2026, 1, 1))
    return TestClient(api.api)


def key(deps: Deps, *scopes: str, locations: tuple[str, ...] = ()) -> dict[str, str]:
    _, secret = api_keys.add_key(
        "Books", scopes=scopes or ("export",), locations=locations, deps=deps
    )
    return {"Authorization": f"Bearer {secret}"}


def rows(answer, headings: tuple[str, ...] = HEADINGS) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["cache-control"] == "no-store"
    assert answer.text.startswith("\ufeff")  # spreadsheets then read it as UTF-8
    reader = csv.DictReader(io.StringIO(answer.text[1:]))
    assert tuple(reader.fieldnames or ()) == headings
    return list(reader)


def a_day_of_visits(deps: Deps, clock: FakeClock) -> int:
    """On 14 January (Berlin, UTC+1): a scan in and out at Downtown, a desk check-in at
    Harbour by maria (still inside), and Ella, refused, admitted anyway by maria."""
    maria = staff_accounts.add_staff("maria", role="front_desk", password=PASSWORD, deps=deps).id
    checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)  # 10:00
    clock.advance(minutes=95)
    checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)  # 11:35
    checkin.check_in("10000002", location="Harbour", source=Source.STAFF, by=maria, deps=deps)
    clock.advance(minutes=5)
    with pytest.raises(Exception, match="expired"):
        checkin.scan("10000003", location="Downtown", source=Source.KIOSK, deps=deps)
    with deps.engine.connect() as conn:
        denial = conn.execute(sa.select(sa.func.max(DeniedAttempt.id))).scalar_one()
    overrides.admit_anyway(denial, "Paid at the desk", by=maria, deps=deps)  # 11:40
    return maria


def test_an_export_key_gets_every_visit_with_who_where_and_how_long(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    a_day_of_visits(deps, clock)
    anna, jose, ella = rows(client.get(VISITS, headers=key(deps)))
    assert anna == {
        "visit": anna["visit"],
        "member_code": "10000001",
        "name": '\'=HYPERLINK("http://evil")',  # text, never a formula
        "location": "Downtown",
        "checked_in": "2026-01-14 10:00",  # the location's clock (Berlin)
        "checked_out": "2026-01-14 11:35",
        "stay_minutes": "95",
        "checkout_reason": "member",
        "source": "kiosk",
        "checked_in_by": "",
        "checked_out_by": "",
        "override_reason": "",
    }
    assert (jose["name"], jose["location"], jose["source"], jose["checked_in_by"]) == (
        "José Ölmez",
        "Harbour",
        "staff",
        "maria",
    )
    assert (jose["checked_out"], jose["stay_minutes"]) == ("", "")  # still inside
    assert (ella["name"], ella["override_reason"], ella["checked_in"]) == (
        "Ella Expired",
        "Paid at the desk",
        "2026-01-14 11:40",
    )
    with deps.engine.connect() as conn:
        [(subject, detail)] = conn.execute(
            sa.select(AuditEvent.subject, AuditEvent.detail).where(
                AuditEvent.kind == "visits_exported"
            )
        ).all()
    assert subject == "visits from the first visit to today"
    assert detail == "every location; API key 'Books'"


def test_the_period_is_whole_days_of_the_gym_s_clock(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    clock.now = clock.now.replace(hour=22, minute=30)  # 23:30 in Berlin, 14 January
    checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
    clock.advance(hours=1)  # 00:30 on the 15th
    checkin.scan("10000002", location="Downtown", source=Source.KIOSK, deps=deps)
    books = key(deps)
    on_the_14th = rows(
        client.get(VISITS, params={"from": "2026-01-14", "to": "2026-01-14"}, headers=books)
    )
    on_the_15th = rows(client.get(VISITS, params={"from": "2026-01-15"}, headers=books))
    until_the_13th = rows(client.get(VISITS, params={"to": "2026-01-13"}, headers=books))
    assert [r["member_code"] for r in on_the_14th] == ["10000001"]
    assert [r["member_code"] for r in on_the_15th] == ["10000002"]
    assert until_the_13th == []


def test_pages_cover_every_visit_once_in_check_in_order_even_at_the_same_moment(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    for number in range(4, 9):
        member(deps, f"1000000{number}", f"Member {number}")
    for number in range(4, 9):  # five check-ins at the very same moment
        checkin.scan(f"1000000{number}", location="Downtown", source=Source.KIOSK, deps=deps)
    clock.advance(minutes=1)
    checkin.scan("10000001", location="Harbour", source=Source.KIOSK, deps=deps)
    query, _ = visit_export.start_export(period(None, None), [], by=None, deps=deps)
    codes, after, pages = [], None, 0
    while True:
        lines, after = visit_export.next_lines(query, after, deps=deps, page=2)
        codes += [row[1] for row in csv.reader(io.StringIO(lines))]
        pages += 1
        if after is None:
            break
    assert sorted(codes[:5]) == [f"1000000{n}" for n in range(4, 9)]
    # 3 full pages, and a 4th, empty, to learn that the third was the last
    assert len(set(codes)) == 6 and codes[5] == "10000001" and pages == 4


def test_a_key_for_some_locations_exports_only_theirs(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    a_day_of_visits(deps, clock)
    harbour = key(deps, locations=("Harbour",))
    assert [r["location"] for r in rows(client.get(VISITS, headers=harbour))] == ["Harbour"]
    asked = rows(client.get(VISITS, params={"location": "Harbour"}, headers=harbour))
    assert [r["member_code"] for r in asked] == ["10000002"]
    elsewhere = client.get(VISITS, params={"location": "Downtown"}, headers=harbour)
    assert elsewhere.status_code == 403 and "not for 'Downtown'" in elsewhere.json()["detail"]
    members = client.get(MEMBERS, headers=harbour)
    assert members.status_code == 403 and "limited to some locations" in members.json()["detail"]
    everywhere = rows(client.get(VISITS, params={"location": "Downtown"}, headers=key(deps)))
    assert [r["member_code"] for r in everywhere] == ["10000001", "10000003"]


@pytest.mark.parametrize(
    ("params", "field", "says"),
    [
        ({"from": "2026-13-01"}, "from", "YYYY-MM-DD"),
        ({"to": "yesterday"}, "to", "pattern"),
        ({"from": "2026-02-01", "to": "2026-01-31"}, "to", "before the first"),
        ({"to": "9999-12-31"}, "to", "A day from 1900-01-01 to 9999-12-30"),  # no overflow
        ({"from": "0001-01-01"}, "from", "A day from 1900-01-01"),
        ({"location": "Nowhere"}, "location", "no location called 'Nowhere'"),
        ({"location": "Down\x00town"}, "location", "no location called 'Down\\x00town'"),
        ({"location": ""}, "location", "at least 1 character"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_nothing_is_exported(
    client: TestClient, deps: Deps, params: dict[str, str], field: str, says: str
) -> None:
    answer = client.get(VISITS, params=params, headers=key(deps))
    assert answer.status_code == 422
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["query", field] and says in problem["msg"]
    with deps.engine.connect() as conn:
        exports = conn.execute(
            sa.select(sa.func.count()).where(AuditEvent.kind == "visits_exported")
        ).scalar_one()
    assert exports == 0


def test_only_an_export_key_or_a_signed_in_admin_may_export(client: TestClient, deps: Deps) -> None:
    for path in (VISITS, MEMBERS):
        nobody = client.get(path)
        assert nobody.status_code == 401 and nobody.headers["www-authenticate"] == "Bearer"
        scanner = client.get(path, headers=key(deps, "scan"))
        assert scanner.status_code == 403 and "may not export" in scanner.json()["detail"]
    revoked_key = key(deps)
    api_keys.revoke_key(api_keys.list_keys(deps=deps)[-1].id, deps=deps)
    assert client.get(VISITS, headers=revoked_key).status_code == 401
    for username, role in (("desk", "front_desk"), ("boss", "admin")):
        staff_accounts.add_staff(username, role=role, password=PASSWORD, deps=deps)
        client.cookies.set(
            staff_files.FILES_COOKIE, sessions.sign_in(username, PASSWORD, deps=deps)[1]
        )
        desk_or_boss = client.get(MEMBERS)
        if role == "front_desk":
            assert (
                desk_or_boss.status_code == 403 and "Only an admin" in desk_or_boss.json()["detail"]
            )
        else:
            assert [r["name"] for r in rows(desk_or_boss, MEMBER_HEADINGS)] == [
                '\'=HYPERLINK("http://evil")',
                "José Ölmez",
                "Ella Expired",
            ]
    with deps.engine.connect() as conn:
        kinds = conn.execute(sa.select(AuditEvent.kind, AuditEvent.actor_id)).all()
    assert [kind for kind, actor in kinds if kind.endswith("_exported")] == ["members_exported"]


def test_an_export_key_gets_every_member_and_it_is_recorded_as_the_key_s(
    client: TestClient, deps: Deps
) -> None:
    members = rows(client.get(MEMBERS, headers=key(deps)), MEMBER_HEADINGS)
    assert [(m["code"], m["name"]) for m in members] == [
        ("10000001", '\'=HYPERLINK("http://evil")'),
        ("10000002", "José Ölmez"),
        ("10000003", "Ella Expired"),
    ]
    with deps.engine.connect() as conn:
        [(actor, detail)] = conn.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.detail).where(
                AuditEvent.kind == "members_exported"
            )
        ).all()
    assert (actor, detail) == (None, "API key 'Books'")
