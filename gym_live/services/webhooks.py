"""Webhooks: an admin sets an integration's URL; every check-in, check-out and refusal at
its locations is written as a delivery in the change's own transaction (so nothing that
commits goes unsent, and nothing that rolls back is sent); a sender claims what is due,
sends it, and records the answer, retrying with backoff."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from gym_live.adapters.db import read_session, write_session
from gym_live.domain import webhooks as rules
from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import InvalidInput, NotFound
from gym_live.domain.events import EVERY_LOCATION, GymEvent
from gym_live.domain.tokens import new_token
from gym_live.models import PENDING_DELIVERY, ApiKey, ApiKeyLocation, WebhookDelivery
from gym_live.services import audit
from gym_live.services.deps import Deps

# Who listens where is read again after this long: a webhook set on another instance is
# heard within it (one set here, at once).
SUBSCRIBERS_SECONDS = 5.0
# A sender holds what it claimed this long; if it dies sending, another sends it after.
CLAIM = timedelta(seconds=60)
CLAIMED_AT_ONCE = 50
KEPT = timedelta(days=30)  # the delivery log's memory
# Per database: (read at, {location id, or EVERY_LOCATION: the keys listening there}).
_subscribers: dict[str, tuple[float, dict[int, tuple[int, ...]]]] = {}


def set_webhook(key_id: int, url: str, *, by: int | None = None, deps: Deps) -> str | None:
    """Point the key's integration at `url` ("" removes it). Returns the signing secret
    when one is made (the first URL, or one after a removal): shown once."""
    clean = rules.webhook_url(url)
    made = None
    with write_session(deps.engine) as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            raise NotFound(f"No API key with id {key_id}.")
        if key.revoked_at is not None:
            raise InvalidInput("This key is revoked: add a new one.", field=rules.URL)
        if clean is not None and key.webhook_secret is None:
            made = key.webhook_secret = rules.SECRET_PREFIX + new_token()
        key.webhook_url = clean
        if clean is None:
            key.webhook_secret = None
        session.add(key)
        detail = clean or "removed"
        audit.record(
            session, AuditKind.WEBHOOK_SET, key.name, by=by, at=deps.clock(), detail=detail
        )
        session.commit()
    listeners_changed(deps)
    return made


def listeners_changed(deps: Deps) -> None:
    """A webhook was set or removed, or a key revoked: read who listens again."""
    _subscribers.pop(deps.settings.database_url, None)


def enqueue(session: Session, events: Sequence[GymEvent], deps: Deps) -> None:
    """Inside the transaction that commits `events`: a delivery for each integration that
    listens where each happened. Costs nothing more while no webhook is set."""
    sent = [event for event in events if event.kind in rules.SENT_KINDS]
    if not sent:
        return
    listening = _listening(session, deps)
    if not listening:
        return
    now = deps.clock()
    everywhere = listening.get(EVERY_LOCATION, ())
    for event in sent:
        for key_id in (*listening.get(event.location_id, ()), *everywhere):
            session.add(
                WebhookDelivery(
                    api_key_id=key_id,
                    event_id=event.id,
                    kind=event.kind.value,
                    payload=rules.payload(event),
                    created_at=now,
                    next_attempt_at=now,
                )
            )


def _listening(session: Session, deps: Deps) -> dict[int, tuple[int, ...]]:
    cached = _subscribers.get(deps.settings.database_url)
    if cached is not None and time.monotonic() - cached[0] < SUBSCRIBERS_SECONDS:
        return cached[1]
    rows = session.execute(
        sa.select(ApiKey.id, ApiKeyLocation.location_id)
        .outerjoin(ApiKeyLocation, ApiKeyLocation.api_key_id == ApiKey.id)
        .where(ApiKey.webhook_url.is_not(None), ApiKey.revoked_at.is_(None))
    ).all()
    listening: dict[int, list[int]] = {}
    for key_id, location_id in rows:
        listening.setdefault(location_id or EVERY_LOCATION, []).append(key_id)
    frozen = {where: tuple(keys) for where, keys in listening.items()}
    _subscribers[deps.settings.database_url] = (time.monotonic(), frozen)
    return frozen


@dataclass(frozen=True)
class Due:
    """A delivery claimed for sending; no url: its key was revoked or its webhook removed
    since, so it is not sent."""

    id: int
    url: str | None
    secret: str | None
    kind: str
    body: str
    attempts: int


@dataclass(frozen=True)
class Answer:
    """How a try went: the receiver's status, or why there was none."""

    status: int | None = None
    error: str | None = None

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def claim_due(*, deps: Deps, limit: int = CLAIMED_AT_ONCE) -> list[Due]:
    """What is due now, held for this sender (another skips it) until CLAIM runs out.

    A read first: most looks find nothing, and on SQLite a write would take the writers'
    lock from the check-ins every second for nothing.
    """
    now = deps.clock()
    due = (
        sa.select(WebhookDelivery.id)
        .where(PENDING_DELIVERY, WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    with read_session(deps.engine) as session:
        if session.scalar(due) is None:
            return []
    with write_session(deps.engine) as session:
        ids = session.scalars(due.with_for_update(skip_locked=True)).all()
        if not ids:
            return []
        session.execute(
            sa.update(WebhookDelivery)
            .where(WebhookDelivery.id.in_(ids))
            .values(next_attempt_at=now + CLAIM)
        )
        rows = session.execute(
            sa.select(
                WebhookDelivery.id,
                sa.case((ApiKey.revoked_at.is_(None), ApiKey.webhook_url)),
                ApiKey.webhook_secret,
                WebhookDelivery.kind,
                WebhookDelivery.payload,
                WebhookDelivery.attempts,
            )
            .join(ApiKey, ApiKey.id == WebhookDelivery.api_key_id)
            .where(WebhookDelivery.id.in_(ids))
            .order_by(WebhookDelivery.id)
        ).all()
        session.commit()
    return [Due(*row) for row in rows]


def record(due: Due, answer: Answer | None, *, deps: Deps) -> None:
    """The try's outcome (None: not sent, its key revoked): delivered, due again after
    the backoff, or given up."""
    now, attempts = deps.clock(), due.attempts + (answer is not None)
    values: dict[str, object] = {"attempts": attempts}
    if answer is None:
        values |= {"given_up_at": now, "last_error": "not sent: the key was revoked"}
    else:
        values |= {"last_status": answer.status, "last_error": answer.error}
        wait = rules.retry_after(attempts)
        if answer.delivered:
            values["delivered_at"] = now
        elif wait is None:
            values["given_up_at"] = now
        else:
            values["next_attempt_at"] = now + wait
    with write_session(deps.engine) as session:
        session.execute(
            sa.update(WebhookDelivery).where(WebhookDelivery.id == due.id).values(**values)
        )
        session.commit()


@dataclass(frozen=True)
class DeliveryLine:
    """A line of the delivery log."""

    id: int
    integration: str
    kind: str
    created_at: datetime
    attempts: int
    delivered_at: datetime | None
    given_up_at: datetime | None
    last_status: int | None
    last_error: str | None

    @property
    def status(self) -> str:
        if self.delivered_at:
            return "delivered"
        if self.given_up_at:
            return "given_up"
        return "retrying" if self.attempts else "waiting"


def recent_deliveries(*, limit: int = 20, deps: Deps) -> list[DeliveryLine]:
    """The newest deliveries of every integration."""
    with read_session(deps.engine) as session:
        rows = session.execute(
            sa.select(
                WebhookDelivery.id,
                ApiKey.name,
                WebhookDelivery.kind,
                WebhookDelivery.created_at,
                WebhookDelivery.attempts,
                WebhookDelivery.delivered_at,
                WebhookDelivery.given_up_at,
                WebhookDelivery.last_status,
                WebhookDelivery.last_error,
            )
            .join(ApiKey, ApiKey.id == WebhookDelivery.api_key_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        ).all()
    return [DeliveryLine(*row) for row in rows]


def forget_old_deliveries(*, deps: Deps) -> int:
    """Deliveries done (sent or given up) more than KEPT ago leave the log (the sweep)."""
    with write_session(deps.engine) as session:
        gone = session.execute(
            sa.delete(WebhookDelivery).where(
                sa.or_(
                    WebhookDelivery.delivered_at.is_not(None),
                    WebhookDelivery.given_up_at.is_not(None),
                ),
                WebhookDelivery.created_at < deps.clock() - KEPT,
            )
        )
        session.commit()
        return gone.rowcount
