"""API keys: added by admins (CLI, later the integrations page), checked on every API call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from gym_live.adapters.db import read_session, write_session
from gym_live.domain import api_keys as rules
from gym_live.domain.api_keys import ApiKeyInfo, Scope
from gym_live.domain.audit import AuditKind
from gym_live.domain.errors import InvalidApiKey, NotAllowed, NotFound
from gym_live.domain.tokens import new_token, secret_hash
from gym_live.models import ApiKey, ApiKeyLocation, Location
from gym_live.services import audit, webhooks
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location

_LAST_USED_EVERY = timedelta(seconds=rules.LAST_USED_EVERY_SECONDS)


def add_key(
    name: str,
    *,
    scopes: Iterable[str],
    locations: Iterable[str] = (),
    by: int | None = None,
    deps: Deps,
) -> tuple[ApiKeyInfo, str]:
    """A new key; returns it and its secret, which is shown this once and never stored."""
    clean_name, chosen = rules.key_name(name), rules.parse_scopes(scopes)
    secret = rules.KEY_PREFIX + new_token()
    with write_session(deps.engine) as session:
        places = {place.id: place for place in (resolve_location(session, n) for n in locations)}
        key = ApiKey(
            name=clean_name,
            key_hash=secret_hash(secret),
            scopes=rules.stored_scopes(chosen),
            created_at=deps.clock(),
            created_by=by,
        )
        session.add(key)
        session.flush()
        session.add_all(ApiKeyLocation(api_key_id=key.id, location_id=at) for at in places)
        detail = f"{rules.stored_scopes(chosen)} · {_where(p.name for p in places.values())}"
        audit.record(
            session, AuditKind.API_KEY_ADDED, key.name, by=by, at=deps.clock(), detail=detail
        )
        session.commit()
        return _info(session, key), secret


def list_keys(*, deps: Deps) -> list[ApiKeyInfo]:
    with read_session(deps.engine) as session:
        return [_info(session, key) for key in session.exec(select(ApiKey).order_by(ApiKey.id))]


def revoke_key(key_id: int, *, by: int | None = None, deps: Deps) -> ApiKeyInfo:
    """The key stops working at once; revoking it again changes nothing."""
    with write_session(deps.engine) as session:
        key = session.get(ApiKey, key_id)
        if key is None:
            raise NotFound(f"No API key with id {key_id}.")
        if key.revoked_at is None:
            key.revoked_at = deps.clock()
            session.add(key)
            audit.record(session, AuditKind.API_KEY_REVOKED, key.name, by=by, at=deps.clock())
            session.commit()
            webhooks.listeners_changed(deps)
        return _info(session, key)


def authorize(secret: str | None, scope: Scope, *, deps: Deps) -> ApiKeyInfo:
    """The key presented, if it is active and covers this scope (its locations are the
    caller's to check, with `rules.require_location`, once it knows where).

    Its last use is written at most once a minute, so a busy turnstile costs no write per
    scan.
    """
    if not secret:
        raise InvalidApiKey("Send an API key: Authorization: Bearer <key>.")
    with read_session(deps.engine) as session:
        key = session.exec(select(ApiKey).where(ApiKey.key_hash == secret_hash(secret))).first()
        if key is None or key.revoked_at is not None:
            raise InvalidApiKey("This API key is unknown or revoked.")
        info = _info(session, key)
    if scope not in info.scopes:
        raise NotAllowed(f"This API key may not {scope.value}: ask an admin for that scope.")
    now = deps.clock()
    if info.last_used_at is None or now - info.last_used_at >= _LAST_USED_EVERY:
        _note_use(info.id, now, deps)
    return info


def _note_use(key_id: int, now: datetime, deps: Deps) -> None:
    with write_session(deps.engine) as session:
        session.execute(sa.update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))
        session.commit()


def _info(session: Session, key: ApiKey) -> ApiKeyInfo:
    assert key.id is not None
    names = session.scalars(
        sa.select(Location.name)
        .join(ApiKeyLocation, ApiKeyLocation.location_id == Location.id)
        .where(ApiKeyLocation.api_key_id == key.id)
        .order_by(Location.name)
    ).all()
    return ApiKeyInfo(
        key.id,
        key.name,
        rules.read_scopes(key.scopes),
        tuple(names),
        key.created_at,
        key.last_used_at,
        key.revoked_at,
        key.webhook_url,
    )


def _where(names: Iterable[str]) -> str:
    listed = ", ".join(sorted(names))
    return listed or "every location"
