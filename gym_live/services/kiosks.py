"""Kiosks: enrol with a one-time pairing code, scan with a device token, revoke."""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from gym_live.adapters.db import read_session, write_session
from gym_live.domain import kiosks as rules
from gym_live.domain.audit import AuditKind
from gym_live.domain.checkin import CheckinResult, Source
from gym_live.domain.errors import (
    GUESSES,
    InvalidInput,
    KioskCoolingDown,
    KioskNotPaired,
    NotFound,
)
from gym_live.domain.members import first_name
from gym_live.domain.tokens import secret_hash
from gym_live.models import DeniedAttempt, Kiosk, Location, Member, Visit
from gym_live.services import audit, checkin
from gym_live.services.deps import Deps
from gym_live.services.locations import resolve_location


@dataclass(frozen=True)
class KioskInfo:
    id: int
    name: str
    location_id: int
    location_name: str
    status: str  # waiting for pairing / paired / revoked
    paired_at: datetime | None
    last_seen_at: datetime | None


def add_kiosk(
    location: str | None, *, name: str | None = None, by: int | None = None, deps: Deps
) -> tuple[KioskInfo, str]:
    """Register a kiosk for a location; returns it and its pairing code (shown once)."""
    code = rules.new_pairing_code()
    with write_session(deps.engine) as session:
        where = resolve_location(session, location)
        count = session.scalar(sa.select(sa.func.count()).select_from(Kiosk)) or 0
        kiosk = Kiosk(
            name=(name or f"Kiosk {count + 1}")[:80],
            location_id=where.id,
            pairing_code_hash=secret_hash(rules.normalize_pairing_code(code)),
            pairing_expires_at=deps.clock() + rules.PAIRING_TTL,
            created_at=deps.clock(),
        )
        session.add(kiosk)
        _audit(session, AuditKind.KIOSK_ADDED, kiosk, where, by, deps)
        session.commit()
        return _info(kiosk, where), code


def pair(typed_code: str, *, deps: Deps) -> tuple[KioskInfo, str]:
    """Exchange a valid, unexpired pairing code (once) for a device token."""
    digest = secret_hash(rules.normalize_pairing_code(typed_code))
    token = rules.new_device_token()
    now = deps.clock()
    with write_session(deps.engine) as session:
        kiosk = session.exec(
            select(Kiosk)
            .where(
                Kiosk.pairing_code_hash == digest,
                Kiosk.pairing_expires_at > now,
                Kiosk.revoked_at.is_(None),
            )
            .with_for_update()  # two tablets typing one code at once: one wins
        ).first()
        if kiosk is None:
            raise InvalidInput("That pairing code is not valid or has expired.")
        kiosk.pairing_code_hash, kiosk.pairing_expires_at = None, None
        kiosk.token_hash, kiosk.paired_at = secret_hash(token), now
        session.add(kiosk)
        where = _location(session, kiosk)
        _audit(session, AuditKind.KIOSK_PAIRED, kiosk, where, None, deps)  # by the tablet
        session.commit()
        return _info(kiosk, where), token


def authenticate(token: str, *, deps: Deps) -> KioskInfo:
    """The kiosk holding this device token, if it is paired and not revoked."""
    with read_session(deps.engine) as session:
        return _info(*_paired(session, token, _PAIRED))


def kiosk_scan(token: str, code: str, *, pin: str | None = None, deps: Deps) -> CheckinResult:
    """A scan at an enrolled kiosk: its own location only, paused while codes are being guessed."""
    door = checkin.Door(pin=pin, enter=functools.partial(_enter, token))
    return checkin.scan(code, source=Source.KIOSK, door=door, deps=deps)


@dataclass(frozen=True)
class Admitted:
    """A member this kiosk refused whom the desk then admitted anyway."""

    visit_id: int
    first_name: str


# How long after the desk admits a member their kiosk may still welcome them.
ADMITTED_SHOWN_FOR = timedelta(seconds=60)


def admitted_here(token: str, *, deps: Deps) -> Admitted | None:
    """The latest member this kiosk refused and the desk admitted anyway, within the last
    ADMITTED_SHOWN_FOR; only their first name, as the kiosk's own welcome says it."""
    since = deps.clock() - ADMITTED_SHOWN_FOR
    with read_session(deps.engine) as session:
        kiosk, _ = _paired(session, token, _PAIRED)
        row = session.execute(_ADMITTED, {"kiosk_id": kiosk.id, "since": since}).first()
    if row is None:
        return None
    visit_id, name = row
    return Admitted(visit_id, first_name(name))


def _enter(token: str, session: sa.orm.Session, now: datetime) -> checkin.Entrance:
    """Inside the scan's transaction: the kiosk's location, held, unless the kiosk is paused."""
    kiosk, location = _paired(session, token, _PAIRED_AND_HELD)
    assert kiosk.id is not None
    _not_cooling(kiosk.id, session, now)
    return checkin.Entrance(location, kiosk.id)


def _paired(session: sa.orm.Session, token: str, query: sa.Select) -> tuple[Kiosk, Location]:
    if not token or len(token) > 200:
        raise KioskNotPaired("This kiosk is not set up.")
    row = session.execute(query, {"token_hash": secret_hash(token)}).first()
    if row is None:
        raise KioskNotPaired("This kiosk is not set up.")
    kiosk, location = row
    return kiosk, location


def mark_seen(kiosk_ids: Collection[int], *, deps: Deps) -> None:
    """These kiosks' pages are open now. Written at most twice a SEEN_EVERY per kiosk, so
    a tablet that reconnects in a loop costs no more than one that stays."""
    if not kiosk_ids:
        return
    now = deps.clock()
    stale = now - rules.SEEN_EVERY / 2
    with write_session(deps.engine) as session:
        session.execute(
            sa.update(Kiosk)
            .where(
                Kiosk.id.in_(sorted(kiosk_ids)),
                sa.or_(Kiosk.last_seen_at.is_(None), Kiosk.last_seen_at < stale),
            )
            .values(last_seen_at=now)
        )
        session.commit()


def list_kiosks(*, deps: Deps) -> list[KioskInfo]:
    with read_session(deps.engine) as session:
        rows = session.exec(select(Kiosk, Location).join(Location).order_by(Kiosk.id)).all()
        return [_info(kiosk, location) for kiosk, location in rows]


def active_ids(*, deps: Deps) -> set[int]:
    with read_session(deps.engine) as session:
        query = sa.select(Kiosk.id).where(Kiosk.revoked_at.is_(None), Kiosk.token_hash.is_not(None))
        return set(session.scalars(query))


def revoke(kiosk_id: int, *, by: int | None = None, deps: Deps) -> KioskInfo:
    """Revoke a kiosk: its token stops working at once and it shows the pairing screen."""
    with write_session(deps.engine) as session:
        kiosk = session.get(Kiosk, kiosk_id)
        if kiosk is None:
            raise NotFound(f"No kiosk with id {kiosk_id}.")
        where = _location(session, kiosk)
        if kiosk.revoked_at is None:
            kiosk.revoked_at = deps.clock()
            _audit(session, AuditKind.KIOSK_REVOKED, kiosk, where, by, deps)
        kiosk.pairing_code_hash = None
        session.add(kiosk)
        session.commit()
        return _info(kiosk, where)


def _not_cooling(kiosk_id: int, session: sa.orm.Session, now: datetime) -> None:
    """Refuse a paused kiosk's scan, inside the scan's transaction (see checkin.Door)."""
    since = now - rules.UNKNOWN_WINDOW - rules.COOLDOWN
    times = session.scalars(_GUESSES_SINCE, {"kiosk_id": kiosk_id, "since": since}).all()
    until = rules.cooldown_until(list(times), now)
    if until is not None:
        raise KioskCoolingDown("Too many unknown cards.", until=until)


def _audit(
    session: sa.orm.Session,
    kind: AuditKind,
    kiosk: Kiosk,
    where: Location,
    by: int | None,
    deps: Deps,
) -> None:
    audit.record(session, kind, kiosk.name, by=by, at=deps.clock(), detail=where.name)


def _location(session: sa.orm.Session, kiosk: Kiosk) -> Location:
    location = session.get(Location, kiosk.location_id)
    assert location is not None
    return location


def _info(kiosk: Kiosk, location: Location) -> KioskInfo:
    assert kiosk.id is not None and location.id is not None
    status = "revoked" if kiosk.revoked_at else "paired" if kiosk.token_hash else "waiting"
    return KioskInfo(
        kiosk.id,
        kiosk.name,
        location.id,
        location.name,
        status,
        kiosk.paired_at,
        kiosk.last_seen_at,
    )


# A scan's statements, built once (see checkin's).
_PAIRED = (
    sa.select(Kiosk, Location)
    .join(Location, Location.id == Kiosk.location_id)
    .where(Kiosk.token_hash == sa.bindparam("token_hash"), Kiosk.revoked_at.is_(None))
)
# Until commit (PostgreSQL): the location for its capacity, the kiosk so that a scan that
# waited for the lock sees a revocation committed meanwhile (the row is re-checked).
_ADMITTED = (
    sa.select(Visit.id, Member.full_name)
    .join(DeniedAttempt, DeniedAttempt.admitted_visit_id == Visit.id)
    .join(Member, Member.id == Visit.member_id)
    .where(
        DeniedAttempt.kiosk_id == sa.bindparam("kiosk_id"),
        Visit.checked_in_at >= sa.bindparam("since"),
    )
    .order_by(Visit.id.desc())
    .limit(1)
)
_PAIRED_AND_HELD = _PAIRED.with_for_update(of=(Location, Kiosk))
_GUESSES_SINCE = sa.select(DeniedAttempt.at).where(
    DeniedAttempt.kiosk_id == sa.bindparam("kiosk_id"),
    DeniedAttempt.at >= sa.bindparam("since"),
    DeniedAttempt.reason.in_([reason.value for reason in GUESSES]),
)
