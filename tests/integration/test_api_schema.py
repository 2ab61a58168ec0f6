"""Schemathesis against the API's own OpenAPI schema (gym_live/api.py), on real databases:
generated calls, valid and not, with a valid key, with none, and with made-up ones, get
no 5xx and no answer outside the schema (status, headers, body)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from gym_live import api
from gym_live.live.hub import LiveHub
from gym_live.services import api_keys
from gym_live.services.deps import Deps
from tests.helpers.builders import gym, member

EXAMPLES_PER_OPERATION = 60
# A schema-valid card or location may still be unknown: a 422 naming the field, as the
# API promises, is the right answer, not a rejected valid request. Every other check runs.
NOT_CHECKED = [positive_data_acceptance]


@pytest.fixture(autouse=True)
def app_on_a_test_database(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> None:
    deps = replace(deps, settings=replace(deps.settings, api_rate=1e6))  # no 429 from speed
    gym(deps)
    member(deps, "10000001", "Anna Schmidt")
    hub = LiveHub(deps)
    asyncio.run(hub.refresh())
    monkeypatch.setattr(api, "get_hub", lambda: hub)
    monkeypatch.setattr(api, "app_deps", lambda: deps)
    api._limits.cache_clear()


@pytest.fixture
def full_key(deps: Deps) -> dict[str, str]:
    _, secret = api_keys.add_key("Fuzzer", scopes=("scan", "export"), deps=deps)
    return {"Authorization": f"Bearer {secret}"}


schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.api)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_call_gets_a_5xx_or_an_answer_outside_the_schema(case, full_key) -> None:
    # A case that leaves the key out on purpose (a negative one) is sent without it.
    key = {} if schema.is_security_param_negated(case) else full_key
    case.call_and_validate(headers=key, excluded_checks=NOT_CHECKED)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION // 3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_calls_with_whatever_key_they_make_up_get_no_5xx_either(case) -> None:
    case.call_and_validate(excluded_checks=NOT_CHECKED)
