"""Sends the webhooks' deliveries while the app runs: each instance claims what is due (a
delivery is claimed by one instance at a time), posts it signed, and records the answer."""

from __future__ import annotations

import asyncio
import logging

import httpx

from gym_live.domain import webhooks as rules
from gym_live.services import webhooks
from gym_live.services.deps import Deps

logger = logging.getLogger(__name__)
# How often an instance looks for deliveries due, when the last look found few.
POLL_SECONDS = 1.0


async def deliver_forever(deps: Deps) -> None:
    async with httpx.AsyncClient(timeout=rules.SEND_TIMEOUT_SECONDS) as client:
        while True:
            try:
                sent = await deliver_due(deps, client)
            except Exception:  # the database away, say: try again next round
                logger.exception("webhook deliveries failed; retrying")
                sent = 0
            if sent < webhooks.CLAIMED_AT_ONCE:
                await asyncio.sleep(POLL_SECONDS)


async def deliver_due(deps: Deps, client: httpx.AsyncClient) -> int:
    """Send what is due now, at once; returns how many were claimed."""
    due = await asyncio.to_thread(webhooks.claim_due, deps=deps)
    answers = await asyncio.gather(*(_send(client, one, deps) for one in due))
    for one, answer in zip(due, answers, strict=True):
        await asyncio.to_thread(webhooks.record, one, answer, deps=deps)
    return len(due)


async def _send(client: httpx.AsyncClient, due: webhooks.Due, deps: Deps) -> webhooks.Answer | None:
    if due.url is None or due.secret is None:
        return None  # its key was revoked, or its webhook removed: nothing is sent
    headers = {
        "content-type": "application/json",
        rules.SIGNATURE_HEADER: rules.signature(due.secret, deps.clock(), due.body),
        rules.EVENT_HEADER: due.kind,
        rules.DELIVERY_HEADER: str(due.id),
    }
    try:
        answer = await client.post(due.url, content=due.body, headers=headers)
    except httpx.HTTPError as failed:
        reason = str(failed) or type(failed).__name__
        return webhooks.Answer(error=reason[: rules.ERROR_LENGTH])
    return webhooks.Answer(status=answer.status_code)
