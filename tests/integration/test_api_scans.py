"""`POST /api/v1/scans` (gym_live/api.py) on real databases: the kiosk's decision for a key's
integration, and nothing changed for a call without a valid key, beyond its scopes or
locations, or with a malformed body."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa
from fastapi.routing import APIRoute
from starlette.testclient import TestClient

from gym_live import api
from gym_live.domain.checkin import Source
from gym_live.domain.events import EventKind
from gym_live.models import ApiKey, AuditEvent, DeniedAttempt, Visit
from gym_live.services import api_keys, api_scans, member_changes
from gym_live.services.deps import Deps
from tests.helpers.builders import count, gym, member, open_visits
from tests.helpers.fakes import FakeClock

SCANS = "/api/v1/scans"
CODE = "10000001"


@pytest.fixture
def client(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setattr(api, "app_deps", lambda: deps)
    api._limits.cache_clear()  # each test's keys start with full buckets
    gym(deps)
    gym(deps, name="Harbour")
    member(deps, CODE, "Anna Schmidt")
    return TestClient(api.api)


def key(deps: Deps, *scopes: str, locations: tuple[str, ...] = ()) -> dict[str, str]:
    _, secret = api_keys.add_key(
        "Turnstile", scopes=scopes or ("scan",), locations=locations, deps=deps
    )
    return {"Authorization": f"Bearer {secret}"}


def scan(
    client: TestClient,
    headers: dict[str, str],
    code: str = CODE,
    where: str = "Downtown",
    retry_as: str | None = None,
):
    if retry_as is not None:
        headers = headers | {"Idempotency-Key": retry_as}
    return client.post(SCANS, json={"member_code": code, "location": where}, headers=headers)


def test_a_scan_checks_in_then_out_and_tells_the_dashboards(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    turnstile = key(deps)
    answer = scan(client, turnstile)
    assert answer.status_code == 200
    assert answer.json() == {
        "ok": True,
        "action": "check_in",
        "reason": None,
        "message": "Welcome, Anna!",
        "first_name": "Anna",
        "visits_left": None,
        "inside_now": 1,
    }
    again = scan(client, turnstile)  # the same card within the re-scan window
    assert again.json()["ok"] is False and again.json()["reason"] == "already_checked_in"
    assert open_visits(deps) == 1
    clock.advance(minutes=30)
    out = scan(client, turnstile).json()
    assert (out["ok"], out["action"], out["inside_now"]) == (True, "check_out", 0)
    assert count(deps, Visit, Visit.source == Source.API.value) == 1
    kinds = [(event.kind, event.source) for event in deps.bus.events]
    assert kinds == [(EventKind.CHECK_IN, "api"), (EventKind.CHECK_OUT, "api")]


def test_a_refusal_is_the_doors_answer_and_is_recorded(client: TestClient, deps: Deps) -> None:
    member(deps, "10000002", "Ben Expired", valid_until=date(2020, 1, 31))
    answer = scan(client, key(deps), code="10000002")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["ok"], body["action"], body["reason"]) == (False, None, "expired")
    assert body["message"] and body["first_name"] is None  # no name for a refused card
    assert count(deps, DeniedAttempt, DeniedAttempt.reason == "expired") == 1
    assert open_visits(deps) == 0


def test_a_member_with_a_pin_is_not_let_in_by_a_card_alone(client: TestClient, deps: Deps) -> None:
    member_changes.set_pin(CODE, "2468", deps=deps)
    body = scan(client, key(deps)).json()
    assert (body["ok"], body["reason"]) == (False, "pin_required")
    assert open_visits(deps) == 0 and count(deps, DeniedAttempt) == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer gl_not-a-key"}, {"Authorization": "Basic dXNlcjpwdw=="}],
    ids=["none", "unknown", "not-bearer"],
)
def test_without_a_valid_key_nothing_happens(
    client: TestClient, deps: Deps, headers: dict[str, str]
) -> None:
    answer = scan(client, headers)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"
    assert answer.json()["reason"] == "invalid_api_key"
    assert open_visits(deps) == 0 and count(deps, DeniedAttempt) == 0


def test_a_revoked_key_stops_working_at_once(client: TestClient, deps: Deps) -> None:
    turnstile = key(deps)
    [made] = api_keys.list_keys(deps=deps)
    api_keys.revoke_key(made.id, deps=deps)
    assert scan(client, turnstile).status_code == 401
    assert open_visits(deps) == 0


def test_a_key_scans_only_with_its_scope_and_at_its_locations(
    client: TestClient, deps: Deps
) -> None:
    exporter = scan(client, key(deps, "export"))
    assert exporter.status_code == 403 and exporter.json()["reason"] == "not_allowed"
    harbour_only = key(deps, locations=("Harbour",))
    elsewhere = scan(client, harbour_only, where="Downtown")
    assert elsewhere.status_code == 403 and "Downtown" in elsewhere.json()["detail"]
    assert open_visits(deps) == 0
    assert scan(client, harbour_only, where="Harbour").json()["action"] == "check_in"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"location": "Downtown"}, "member_code"),
        ({"member_code": "", "location": "Downtown"}, "member_code"),
        ({"member_code": "1" * 65, "location": "Downtown"}, "member_code"),
        ({"member_code": 10000001, "location": "Downtown"}, "member_code"),
        ({"member_code": CODE}, "location"),
        ({"member_code": CODE, "location": "Nowhere"}, "location"),
    ],
    ids=["no-code", "empty-code", "long-code", "number-code", "no-location", "unknown-location"],
)
def test_bad_input_is_a_422_naming_the_field_and_changes_nothing(
    client: TestClient, deps: Deps, body: dict[str, object], field: str
) -> None:
    answer = client.post(SCANS, json=body, headers=key(deps))
    assert answer.status_code == 422
    assert any(problem["loc"][-1] == field for problem in answer.json()["detail"])
    assert open_visits(deps) == 0 and count(deps, DeniedAttempt) == 0


def test_a_keys_use_is_written_at_most_once_a_minute(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    turnstile = key(deps)
    scan(client, turnstile)
    first = api_keys.list_keys(deps=deps)[0].last_used_at
    assert first == clock.now
    clock.advance(seconds=30)
    scan(client, turnstile, code="nobody")
    assert api_keys.list_keys(deps=deps)[0].last_used_at == first
    clock.advance(seconds=31)
    scan(client, turnstile, code="nobody")
    assert api_keys.list_keys(deps=deps)[0].last_used_at == clock.now


def test_only_a_hash_is_stored_and_adding_and_revoking_are_audited(
    client: TestClient, deps: Deps
) -> None:
    secret = key(deps)["Authorization"].removeprefix("Bearer ")
    assert secret.startswith("gl_") and len(secret) > 40
    with deps.engine.connect() as conn:
        stored = conn.execute(sa.select(ApiKey.key_hash, ApiKey.scopes)).one()
    assert secret not in stored.key_hash and stored.scopes == "scan"
    [made] = api_keys.list_keys(deps=deps)
    api_keys.revoke_key(made.id, deps=deps)
    api_keys.revoke_key(made.id, deps=deps)  # twice: recorded once
    kinds = [e.kind for e in _audit(deps) if e.kind.startswith("api_key")]
    assert kinds == ["api_key_added", "api_key_revoked"]


def test_a_caller_without_a_key_gets_401_before_any_validation(client: TestClient) -> None:
    answer = client.post(SCANS, json={"member_code": ""})
    assert answer.status_code == 401 and "member_code" not in answer.text


def test_every_route_but_the_public_ones_refuses_a_call_without_a_key(
    client: TestClient,
) -> None:
    routes = [route for route in api.api.routes if isinstance(route, APIRoute)]
    assert routes, "the API has routes"
    for route in routes:
        if route.path in api.PUBLIC_PATHS:
            continue
        path = re.sub(r"{[^}]+}", "1", route.path)
        for method in route.methods:
            answer = client.request(method, path, json={})
            assert answer.status_code == 401, (method, route.path, answer.status_code)


def test_the_schema_documents_the_scan_and_its_key(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"][SCANS]["post"]
    assert {"200", "401", "403", "422"} <= set(operation["responses"])
    assert operation["security"] == [{"HTTPBearer": []}]


def _audit(deps: Deps) -> list[AuditEvent]:
    with deps.engine.connect() as conn:
        return list(conn.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).all())


def test_a_retry_with_the_same_idempotency_key_gets_the_first_answer_and_never_toggles(
    client: TestClient, deps: Deps, clock: FakeClock
) -> None:
    turnstile = key(deps)
    first = scan(client, turnstile, retry_as="door-1-0001")
    clock.advance(minutes=30)  # past the re-scan window: a new scan would check out
    again = scan(client, turnstile, retry_as="door-1-0001")
    assert again.json() == first.json() and first.json()["action"] == "check_in"
    assert again.headers[api.REPLAYED_HEADER] == "true"
    assert api.REPLAYED_HEADER not in first.headers
    assert open_visits(deps) == 1 and len(deps.bus.events) == 1
    other = scan(client, turnstile, retry_as="door-1-0002")  # a new request
    assert other.json()["action"] == "check_out" and open_visits(deps) == 0
    clock.advance(hours=25)  # a day on, the first key is forgotten
    assert api_scans.forget_old_requests(deps=deps) == 2
    later = scan(client, turnstile, retry_as="door-1-0001")
    assert api.REPLAYED_HEADER not in later.headers and later.json()["action"] == "check_in"


def test_a_refusal_is_replayed_too_and_logged_once(client: TestClient, deps: Deps) -> None:
    turnstile = key(deps)
    answers = [scan(client, turnstile, code="99999999", retry_as="r-1").json() for _ in range(3)]
    assert answers[0]["reason"] == "unknown_code" and answers.count(answers[0]) == 3
    assert count(deps, DeniedAttempt) == 1


def test_concurrent_retries_with_one_idempotency_key_make_one_visit(
    client: TestClient, deps: Deps
) -> None:
    turnstile = key(deps)
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda _: scan(client, turnstile, retry_as="burst").json(), range(8))
        )
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0]["action"] == "check_in"
    assert count(deps, Visit) == 1 and len(deps.bus.events) == 1


def test_idempotency_keys_are_per_api_key(client: TestClient, deps: Deps) -> None:
    member(deps, "10000002", "Ben Other")
    scan(client, key(deps), retry_as="same")
    theirs = scan(client, key(deps), code="10000002", retry_as="same").json()
    assert theirs["first_name"] == "Ben" and open_visits(deps) == 2


@pytest.mark.parametrize(
    "value", [b"x" * 256, "ключ".encode(), b"tab\there"], ids=["long", "not-ascii", "tab"]
)
def test_a_malformed_idempotency_key_is_a_422_naming_the_header(
    client: TestClient, deps: Deps, value: bytes
) -> None:
    answer = client.post(
        SCANS,
        json={"member_code": CODE, "location": "Downtown"},
        headers=key(deps) | {"Idempotency-Key": value},
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["header", "Idempotency-Key"]
    assert open_visits(deps) == 0


def test_a_key_that_calls_too_fast_gets_429_with_retry_after(
    client: TestClient, deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = replace(deps, settings=replace(deps.settings, api_rate=1.0))
    monkeypatch.setattr(api, "app_deps", lambda: slow)
    turnstile = key(slow)
    codes = [scan(client, turnstile, code="99999999").status_code for _ in range(3)]
    assert codes == [200, 200, 429]  # a burst of two, then one a second
    limited = scan(client, turnstile, code="99999999")
    assert limited.headers["retry-after"] == "1" and limited.json()["reason"] == "rate_limited"
    assert count(deps, DeniedAttempt) == 2  # the limited calls did nothing


@pytest.mark.parametrize(
    "body",
    [
        {"member_code": "10000001", "location": "Down\u0000town"},
        {"member_code": "1000\u00000001", "location": "Downtown"},
        {"member_code": "10000001", "location": "\udbb2\udd53"},
    ],
)
def test_a_nul_or_a_lone_surrogate_is_bad_input_never_a_database_error(
    client: TestClient, deps: Deps, body: dict[str, str]
) -> None:
    """PostgreSQL refuses NUL in text: such a request is answered as bad input (found by
    schemathesis), and changes nothing."""
    sent = json.dumps(body)  # with \\u escapes, as schemathesis sent it
    headers = key(deps) | {"Content-Type": "application/json"}
    answer = client.post("/api/v1/scans", content=sent, headers=headers)
    assert answer.status_code < 500, answer.text
    assert count(deps, Visit) == 0
