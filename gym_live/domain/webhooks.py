"""Webhooks: an integration's own URL hears of every check-in, check-out and refusal at its
locations, signed so it can tell the call is ours, retried until it answers 2xx.

The signature is Stripe's scheme: `Gym-Live-Signature: t=<unix seconds>,v1=<hex>`, where
v1 is HMAC-SHA256 of `<t>.<body>` with the integration's signing secret. A receiver
recomputes it, compares in constant time, and refuses an old `t` (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from gym_live.domain.errors import InvalidInput
from gym_live.domain.events import EventKind, GymEvent

URL_LENGTH = 500
URL = "webhook_url"  # the form's field
SIGNATURE_HEADER, EVENT_HEADER, DELIVERY_HEADER = (
    "Gym-Live-Signature",
    "Gym-Live-Event",
    "Gym-Live-Delivery",
)
SECRET_PREFIX = "whsec_"
# What is sent: the door's events, never a location's or a member's edits.
SENT_KINDS = frozenset({EventKind.CHECK_IN, EventKind.CHECK_OUT, EventKind.DENIED})
# Retries wait 5 s, 10 s, 20 s … up to an hour between tries; after MAX_ATTEMPTS, it stops.
FIRST_RETRY, LONGEST_WAIT = timedelta(seconds=5), timedelta(hours=1)
MAX_ATTEMPTS = 12
# A receiver that has not answered in this long has failed this try.
SEND_TIMEOUT_SECONDS = 5.0
ERROR_LENGTH = 200


def webhook_url(raw: str) -> str | None:
    """The URL typed (None: no webhook): http or https, with a host."""
    url = raw.strip()
    if not url:
        return None
    parts = urlsplit(url)
    if len(url) > URL_LENGTH:
        raise InvalidInput(f"A webhook URL has at most {URL_LENGTH} characters.", field=URL)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "A webhook URL starts with https:// (or http://) and names a host.", field=URL
        )
    return url


def retry_after(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failed try (None: give up)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def payload(event: GymEvent) -> str:
    """The body sent for an event: what happened, where, when, to whom."""
    body: dict[str, Any] = {
        "id": event.id,
        "type": event.kind.value,
        "at": event.at.isoformat(),
        "location": {"id": event.location_id, "name": event.location_name},
        "member": {"id": event.member_id, "name": event.member_name} if event.member_id else None,
        "visit_id": event.visit_id,
        "stay_seconds": event.stay_seconds,
        "reason": event.reason,
        "source": event.source,
    }
    return json.dumps(body, separators=(",", ":"))


def signature(secret: str, at: datetime, body: str) -> str:
    """The signature header's value for a body sent at `at`."""
    stamp = int(at.timestamp())
    return f"t={stamp},v1={_digest(secret, stamp, body)}"


def verify(secret: str, header: str, body: str, now: datetime, tolerance: timedelta) -> bool:
    """What a receiver does: the signature is ours, and fresh."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    fresh = abs(now.timestamp() - stamp) <= tolerance.total_seconds()
    return fresh and hmac.compare_digest(_digest(secret, stamp, body), fields.get("v1", ""))


def _digest(secret: str, stamp: int, body: str) -> str:
    return hmac.new(secret.encode(), f"{stamp}.{body}".encode(), hashlib.sha256).hexdigest()
