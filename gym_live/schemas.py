"""The JSON shapes gym_live gives machines: the CLI's `--json` output, and the REST API's next.

Each function turns one domain or service value into a dict of JSON types. The keys are the
README's documented ones ("Operator CLI") and are stable: add keys, never rename them.
"""

from __future__ import annotations

from dataclasses import asdict

from gym_live.domain.api_keys import ApiKeyInfo
from gym_live.domain.checkin import CheckinResult, LocationSnapshot
from gym_live.domain.members import MemberSnapshot
from gym_live.domain.staff import StaffMember
from gym_live.domain.stats import Stats
from gym_live.services.kiosks import KioskInfo

Json = dict[str, object]


def member(snapshot: MemberSnapshot) -> Json:
    return {
        "id": snapshot.id,
        "code": snapshot.code,
        "name": snapshot.full_name,
        "status": snapshot.status.value,
        "valid_until": snapshot.valid_until.isoformat() if snapshot.valid_until else None,
        "has_pin": snapshot.has_pin,
    }


def location(snapshot: LocationSnapshot) -> Json:
    """A location as listed: with its time zone."""
    return asdict(snapshot)


def location_summary(snapshot: LocationSnapshot) -> Json:
    """A location as a scan's answer names it: where, and how full it is now."""
    return {
        "id": snapshot.id,
        "name": snapshot.name,
        "inside_now": snapshot.inside_now,
        "capacity": snapshot.capacity,
    }


def visit(done: CheckinResult) -> Json:
    """The answer to a scan, a check-in or a check-out."""
    return {
        "action": done.action.value,
        "member": member(done.member),
        "location": location_summary(done.location),
        "visit": {
            "id": done.visit_id,
            "checked_in_at": done.checked_in_at.isoformat(),
            "checked_out_at": done.checked_out_at.isoformat() if done.checked_out_at else None,
            "stay_seconds": done.stay_seconds,
        },
    }


def kiosk(info: KioskInfo) -> Json:
    """A kiosk; its times keep the text form the CLI has always printed (`str` of the time)."""
    data = asdict(info)
    for name in ("paired_at", "last_seen_at"):
        data[name] = str(data[name]) if data[name] else None
    return data


def api_key(info: ApiKeyInfo) -> Json:
    """An API key as admins see it: never its secret or its hash."""
    return {
        "id": info.id,
        "name": info.name,
        "scopes": [scope.value for scope in info.scopes],
        "locations": list(info.locations),
        "status": info.status,
        "created_at": info.created_at.isoformat(),
        "last_used_at": info.last_used_at.isoformat() if info.last_used_at else None,
        "revoked_at": info.revoked_at.isoformat() if info.revoked_at else None,
        "webhook_url": info.webhook_url,
    }


def stats(location_name: str, numbers: Stats) -> Json:
    return {"location": location_name, **numbers.to_dict()}


def staff(member: StaffMember) -> Json:
    """A staff account: never its password hash or sessions."""
    return {
        "id": member.id,
        "username": member.username,
        "name": member.display_name,
        "role": member.role.value,
        "active": member.active,
        "created_at": member.created_at.isoformat(),
        "last_sign_in_at": member.last_sign_in_at.isoformat() if member.last_sign_in_at else None,
    }
