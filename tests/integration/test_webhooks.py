"""Webhooks (services/webhooks.py, webhook_sender.py) on real databases, against a
receiver started by the test: each check-in, check-out and refusal reaches the
integrations that listen where it happened, signed; a receiver that fails is tried again
with backoff; nothing is sent for a revoked key; bad URLs are refused."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import httpx
import pytest
import sqlalchemy as sa

from gym_live.domain import webhooks as rules
from gym_live.domain.checkin import Source
from gym_live.domain.errors import InvalidInput, ScanRefused
from gym_live.models import WebhookDelivery
from gym_live.services import api_keys, checkin, sweep, webhooks
from gym_live.services.deps import Deps
from gym_live.webhook_sender import deliver_due
from tests.helpers.builders import gym, member
from tests.helpers.fakes import FakeClock
from tests.helpers.webhook_receiver import webhook_receiver


@pytest.fixture(autouse=True)
def chain(deps: Deps) -> None:
    gym(deps)
    gym(deps, name="Harbour")
    member(deps, "10000001", "Anna Schmidt")
    member(deps, "10000002", "Ella Expired", valid_until=date(2026, 1, 1))


def listening(deps: Deps, url: str, locations: tuple[str, ...] = ()) -> tuple[int, str]:
    key, _ = api_keys.add_key("Booking app", scopes=("scan",), locations=locations, deps=deps)
    secret = webhooks.set_webhook(key.id, url, deps=deps)
    assert secret is not None and secret.startswith("whsec_")
    return key.id, secret


def send_due(deps: Deps) -> int:
    async def send() -> int:
        async with httpx.AsyncClient(timeout=rules.SEND_TIMEOUT_SECONDS) as client:
            return await deliver_due(deps, client)

    return asyncio.run(send())


def deliveries(deps: Deps) -> list[WebhookDelivery]:
    with deps.engine.connect() as conn:
        return list(conn.execute(sa.select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_a_check_in_reaches_the_webhook_signed_and_the_signature_verifies(
    deps: Deps, clock: FakeClock
) -> None:
    with webhook_receiver() as receiver:
        _, secret = listening(deps, receiver.url)
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
        assert send_due(deps) == 1
    [call] = receiver.calls
    signed, fresh = call.headers["gym-live-signature"], timedelta(minutes=5)
    assert rules.verify(secret, signed, call.body, clock.now, fresh)
    assert not rules.verify("whsec_another", signed, call.body, clock.now, fresh)
    assert not rules.verify(secret, signed, call.body + " ", clock.now, fresh)
    late = clock.now + timedelta(minutes=6)  # a replay, too late
    assert not rules.verify(secret, signed, call.body, late, fresh)
    body = json.loads(call.body)
    assert (body["type"], body["location"]["name"], body["member"]["name"]) == (
        "check_in",
        "Downtown",
        "Anna Schmidt",
    )
    assert (body["source"], body["at"]) == ("kiosk", clock.now.isoformat())
    assert call.headers["gym-live-event"] == "check_in"
    [sent] = deliveries(deps)
    assert (sent.delivered_at, sent.attempts, sent.last_status) == (clock.now, 1, 200)
    assert call.headers["gym-live-delivery"] == str(sent.id)


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try(
    deps: Deps, clock: FakeClock
) -> None:
    with webhook_receiver(500, 503) as receiver:
        listening(deps, receiver.url)
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
        assert send_due(deps) == 1  # 500
        assert send_due(deps) == 0  # not due again yet
        clock.advance(seconds=5)
        assert send_due(deps) == 1  # 503
        clock.advance(seconds=9)
        assert send_due(deps) == 0  # the second wait is 10 s
        clock.advance(seconds=1)
        assert send_due(deps) == 1  # 200
    assert len(receiver.calls) == 3
    assert len({call.body for call in receiver.calls}) == 1  # the same event each time
    assert len({call.headers["gym-live-delivery"] for call in receiver.calls}) == 1
    [sent] = deliveries(deps)
    assert (sent.attempts, sent.last_status, sent.delivered_at) == (3, 200, clock.now)


def test_nothing_is_sent_for_a_revoked_key_not_even_what_was_due(
    deps: Deps, clock: FakeClock
) -> None:
    with webhook_receiver() as receiver:
        key_id, _ = listening(deps, receiver.url)
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
        api_keys.revoke_key(key_id, deps=deps)
        clock.advance(minutes=30)
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)  # out
        assert send_due(deps) == 1  # the one written before the key was revoked
    assert receiver.calls == []
    [given_up] = deliveries(deps)  # and nothing written after
    assert given_up.given_up_at is not None and "revoked" in (given_up.last_error or "")
    with pytest.raises(InvalidInput, match="revoked"):
        webhooks.set_webhook(key_id, receiver.url, deps=deps)


def test_an_integration_hears_only_its_locations_and_refusals_and_auto_check_outs_too(
    deps: Deps, clock: FakeClock
) -> None:
    with webhook_receiver() as everywhere, webhook_receiver() as harbour:
        listening(deps, everywhere.url)
        listening(deps, harbour.url, locations=("Harbour",))
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
        with pytest.raises(ScanRefused):
            checkin.scan("10000002", location="Harbour", source=Source.KIOSK, deps=deps)
        clock.advance(hours=5)  # past the longest stay: the sweep checks Anna out
        sweep.auto_checkout(deps=deps)
        send_due(deps)
    kinds = [(json.loads(c.body)["type"], json.loads(c.body)["reason"]) for c in everywhere.calls]
    assert sorted(kinds) == [("check_in", None), ("check_out", "auto"), ("denied", "expired")]
    assert [json.loads(c.body)["type"] for c in harbour.calls] == ["denied"]


def test_a_receiver_that_is_not_there_is_tried_again_with_the_error_logged(
    deps: Deps, clock: FakeClock
) -> None:
    with webhook_receiver() as receiver:
        gone = receiver.url
    listening(deps, gone)
    checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
    send_due(deps)
    [line] = webhooks.recent_deliveries(deps=deps)
    assert (line.status, line.attempts, line.last_status) == ("retrying", 1, None)
    assert line.last_error and line.integration == "Booking app"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("ftp://example.org/hook", "starts with https://"),
        ("https://", "names a host"),
        ("https://example.org/" + "x" * 500, "at most 500 characters"),
    ],
)
def test_a_bad_url_is_refused_and_changes_nothing(deps: Deps, url: str, says: str) -> None:
    key, _ = api_keys.add_key("Booking app", scopes=("scan",), deps=deps)
    with pytest.raises(InvalidInput, match=says) as refused:
        webhooks.set_webhook(key.id, url, deps=deps)
    assert refused.value.field == rules.URL
    [unchanged] = api_keys.list_keys(deps=deps)
    checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
    assert deliveries(deps) == [] and unchanged.status == "active"


def test_a_claimed_delivery_is_not_claimed_again_until_its_claim_runs_out(
    deps: Deps, clock: FakeClock
) -> None:
    listening(deps, "https://booking.example/hook")
    checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
    [first] = webhooks.claim_due(deps=deps)
    assert webhooks.claim_due(deps=deps) == []  # another sender skips it
    clock.advance(seconds=webhooks.CLAIM.total_seconds())
    [again] = webhooks.claim_due(deps=deps)  # the first sender died without a word
    assert again.id == first.id


def test_the_sweep_forgets_deliveries_done_a_month_ago_and_keeps_those_still_due(
    deps: Deps, clock: FakeClock
) -> None:
    with webhook_receiver() as receiver:
        listening(deps, receiver.url)
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)
        assert send_due(deps) == 1  # delivered
        clock.advance(minutes=30)
        checkin.scan("10000001", location="Downtown", source=Source.KIOSK, deps=deps)  # out
    clock.advance(days=30, seconds=1)  # the check-out's delivery is still to be sent
    assert webhooks.forget_old_deliveries(deps=deps) == 1
    [kept] = deliveries(deps)
    assert (kept.kind, kept.delivered_at, kept.given_up_at) == ("check_out", None, None)
