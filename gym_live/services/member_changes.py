"""Changes to one member from the desk: details, status (freeze, unfreeze, cancel,
reactivate), the membership's end, a visit pass, the door PIN, the photo.

Each is one transaction on the member's locked row (two desks at once apply one after the
other, each seeing the other's result), recorded in the audit trail with the values before
and after, and announced after commit when it changes what the dashboards show.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gym_live.adapters.db import write_session
from gym_live.adapters.hashing import hash_secret
from gym_live.adapters.photos import square_jpegs
from gym_live.domain.audit import AuditKind
from gym_live.domain.days import optional_day
from gym_live.domain.errors import Conflict, InvalidInput, NotFound
from gym_live.domain.events import EVERY_LOCATION, EventKind, GymEvent
from gym_live.domain.member_status import (
    FROZEN_UNTIL,
    StatusChange,
    changed_status,
    freeze_last_day,
    freeze_reason,
)
from gym_live.domain.members import (
    CODE,
    MemberSnapshot,
    MemberStatus,
    Plan,
    extended_until,
    normalize_code,
    normalize_email,
    normalize_phone,
    printable_code,
    validate_full_name,
    validate_pin,
)
from gym_live.domain.memberships import PASS_UNTIL, pass_added
from gym_live.models import Member
from gym_live.services import audit
from gym_live.services.deps import Deps
from gym_live.services.members import to_snapshot

# A change: applied to the locked row, it returns the audit trail's detail (before → after).
_Change = Callable[[Member], str]
_STATUS_KINDS = {
    StatusChange.FREEZE: AuditKind.MEMBER_FROZEN,
    StatusChange.UNFREEZE: AuditKind.MEMBER_UNFROZEN,
    StatusChange.CANCEL: AuditKind.MEMBER_CANCELLED,
    StatusChange.REACTIVATE: AuditKind.MEMBER_REACTIVATED,
}


def edit_details(
    code: str,
    *,
    full_name: str,
    new_code: str,
    email: str,
    phone: str,
    by: int | None = None,
    deps: Deps,
) -> MemberSnapshot:
    """Name, card number (a lost card replaced), email and phone, as typed in the form.

    Raises:
        InvalidInput: a field is wrong (named), or nothing differs from what is stored.
        Conflict: the new card number is another member's.
    """
    wanted = {
        "full_name": validate_full_name(full_name),
        "member_code": normalize_code(new_code, field=CODE),
        "email": normalize_email(email),
        "phone": normalize_phone(phone),
    }

    def edit(member: Member) -> str:
        changes = [
            f"{_LABELS[name]}: {getattr(member, name) or '—'} → {value or '—'}"
            for name, value in wanted.items()
            if getattr(member, name) != value
        ]
        if not changes:
            raise InvalidInput("Nothing to save: the details are as they were.")
        for name, value in wanted.items():
            setattr(member, name, value)
        return "; ".join(changes)

    taken = f"Card number {wanted['member_code']} is already another member's."
    return _change(code, AuditKind.MEMBER_EDITED, edit, by=by, deps=deps, taken=taken)


_LABELS = {"full_name": "name", "member_code": "card", "email": "email", "phone": "phone"}


def change_status(
    code: str,
    change: StatusChange,
    *,
    reason: str = "",
    until: str = "",
    by: int | None = None,
    deps: Deps,
) -> MemberSnapshot:
    """Freeze (a reason is required; `until`, YYYY-MM-DD, is the freeze's optional last
    day), unfreeze, cancel or reactivate. A member frozen or cancelled while inside stays
    inside: the rule applies at their next check-in.

    Raises:
        InvalidInput: a reason missing, or a last day that is not one (named).
        Conflict: the change does not apply to the status now (say, frozen twice).
    """
    today = deps.today()
    if change is StatusChange.FREEZE:
        why = freeze_reason(reason)
        last_day = freeze_last_day(optional_day(until, field=FROZEN_UNTIL), today)

    def apply(member: Member) -> str:
        before = _status_text(member)
        member.status = changed_status(MemberStatus(member.status), change).value
        member.freeze_reason, member.frozen_until = (
            (why, last_day) if change is StatusChange.FREEZE else (None, None)
        )
        return f"{before} → {_status_text(member)}"

    return _change(code, _STATUS_KINDS[change], apply, by=by, deps=deps)


def extend(code: str, months: int, *, by: int | None = None, deps: Deps) -> MemberSnapshot:
    """Extend a membership by 1, 3 or 12 months (domain.members.extended_until). Two desks
    extending at once extend twice."""
    today = deps.today()

    def apply(member: Member) -> str:
        before = member.valid_until
        if member.plan == Plan.VISITS.value:  # a visits-only member starts on time today
            before, member.plan = None, Plan.TIME.value
            member.valid_until = extended_until(today, today, months)
        else:
            member.valid_until = extended_until(before, today, months)
        added = f"+{months} month{'s' * (months != 1)}"
        return f"{before or 'visits only'} → {member.valid_until} ({added})"

    return _change(code, AuditKind.MEMBER_EXTENDED, apply, by=by, deps=deps)


def add_pass(code: str, *, until: str = "", by: int | None = None, deps: Deps) -> MemberSnapshot:
    """Sell a pass of PASS_VISITS visits, with an optional last day (YYYY-MM-DD), added to
    what is left of the member's pass (domain.memberships.pass_added)."""
    today = deps.today()
    last_day = optional_day(until, field=PASS_UNTIL)

    def apply(member: Member) -> str:
        before = _pass_text(member)
        member.visits_left, member.pass_until = pass_added(
            member.visits_left, member.pass_until, last_day, today
        )
        return f"{before} → {_pass_text(member)}"

    return _change(code, AuditKind.PASS_ADDED, apply, by=by, deps=deps)


def _pass_text(member: Member) -> str:
    if member.visits_left is None:
        return "no pass"
    last = f" until {member.pass_until}" if member.pass_until else ""
    return f"{member.visits_left} visit{'s' * (member.visits_left != 1)}{last}"


def set_pin(code: str, pin: str | None, *, by: int | None = None, deps: Deps) -> MemberSnapshot:
    """Protect a member's check-ins with a PIN (stored as an argon2 hash, never in the
    trail), replace it, or remove it (None)."""
    pin_hash = hash_secret(validate_pin(pin)) if pin is not None else None

    def apply(member: Member) -> str:
        if pin_hash is None and member.pin_hash is None:
            raise Conflict("This member has no PIN to remove.")
        replaced = member.pin_hash is not None
        member.pin_hash = pin_hash
        return "" if pin_hash is None else ("replaced" if replaced else "new")

    kind = AuditKind.PIN_SET if pin_hash else AuditKind.PIN_REMOVED
    return _change(code, kind, apply, by=by, deps=deps)


def set_photo(code: str, upload: bytes, *, by: int | None = None, deps: Deps) -> MemberSnapshot:
    """The member's photo, from an uploaded JPEG, PNG or WebP (adapters.photos); a photo
    it replaces is deleted once the change is committed.

    Raises:
        InvalidInput: not an image, or too large; nothing is stored.
    """
    photo = square_jpegs(upload)  # decoded before the transaction: it takes a while
    store = deps.photos()
    replaced: list[str] = []
    with store.saved(photo) as name:

        def apply(member: Member) -> str:
            if member.photo:
                replaced.append(member.photo)
            member.photo = name
            return "replaced" if replaced else "new"

        changed = _change(code, AuditKind.PHOTO_SET, apply, by=by, deps=deps)
    for old in replaced:
        store.delete(old)
    return changed


def remove_photo(code: str, *, by: int | None = None, deps: Deps) -> MemberSnapshot:
    removed: list[str] = []

    def apply(member: Member) -> str:
        if not member.photo:
            raise Conflict("This member has no photo to remove.")
        removed.append(member.photo)
        member.photo = None
        return ""

    changed = _change(code, AuditKind.PHOTO_REMOVED, apply, by=by, deps=deps)
    deps.photos().delete(removed[0])
    return changed


def unfreeze_ended(*, deps: Deps) -> int:
    """Unfreeze the memberships whose freeze's last day has passed (the sweep calls this;
    the check-in already treats them as active). Safe from many instances at once: each
    member is unfrozen, and recorded, once."""
    today = deps.today()
    with write_session(deps.engine) as session:
        ended = session.exec(
            select(Member.id, Member.full_name, Member.frozen_until).where(
                Member.status == MemberStatus.FROZEN.value, Member.frozen_until < today
            )
        ).all()
        unfrozen = 0
        for member_id, name, last_day in ended:
            if _unfreeze_if_still_frozen(session, member_id, last_day):
                detail = f"the freeze ended on {last_day}"
                audit.record(
                    session,
                    AuditKind.MEMBER_UNFROZEN,
                    name,
                    by=None,
                    at=deps.clock(),
                    detail=detail,
                )
                unfrozen += 1
        session.commit()
    return unfrozen


def _unfreeze_if_still_frozen(session: Session, member_id: object, last_day: date) -> bool:
    done = session.execute(
        sa.update(Member)
        .where(
            Member.id == member_id,
            Member.status == MemberStatus.FROZEN.value,
            Member.frozen_until == last_day,
        )
        .values(status=MemberStatus.ACTIVE.value, freeze_reason=None, frozen_until=None)
    )
    return done.rowcount == 1


def _shown(member: Member) -> tuple[str, str, str | None]:
    """What the dashboards show of a member."""
    return member.full_name, member.member_code, member.photo


def _status_text(member: Member) -> str:
    if member.status != MemberStatus.FROZEN.value:
        return member.status
    last = f" until {member.frozen_until}" if member.frozen_until else ""
    why = f" ({member.freeze_reason})" if member.freeze_reason else ""
    return f"frozen{last}{why}"


def _change(
    code: str,
    kind: AuditKind,
    change: _Change,
    *,
    by: int | None,
    deps: Deps,
    taken: str = "",
) -> MemberSnapshot:
    """Apply `change` to the member's locked row and record it, in one transaction; a
    change of what the dashboards show (a name, a card number, a photo) is announced after
    commit."""
    with write_session(deps.engine) as session:
        member = session.exec(
            select(Member).where(Member.member_code == normalize_code(code)).with_for_update()
        ).first()
        if member is None:
            raise NotFound(f"No member has card number {printable_code(code.strip())}.")
        shown_before = _shown(member)
        detail = change(member)
        session.add(member)
        audit.record(session, kind, member.full_name, by=by, at=deps.clock(), detail=detail)
        try:
            session.commit()
        except IntegrityError:  # the card number, given to another member at this moment
            raise Conflict(
                taken or "That change clashed with another; try again.", field=CODE
            ) from None
        changed, shown_after = to_snapshot(member), _shown(member)
    if shown_after != shown_before:
        deps.bus.publish(
            GymEvent(
                kind=EventKind.MEMBER_CHANGED,
                location_id=EVERY_LOCATION,
                location_name="",
                at=deps.clock(),
                member_id=changed.id,
                member_name=changed.full_name,
            )
        )
    return changed
