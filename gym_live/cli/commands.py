"""What each operator command does: call a service, return its JSON shape and a line of text."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable

from gym_live import schemas
from gym_live.adapters.backup import back_up
from gym_live.adapters.migrations import upgrade_to_head
from gym_live.domain.checkin import CheckinResult, Source
from gym_live.domain.errors import Conflict, InvalidInput
from gym_live.domain.kiosks import PAIRING_TTL
from gym_live.domain.members import pin_rule
from gym_live.services import (
    demo,
    kiosks,
    locations,
    member_changes,
    members,
    reports,
    stats,
    sweep,
)
from gym_live.services.deps import Deps

# What a command returns: its JSON keys, and the "text" printed without --json.
Output = dict[str, object]


def migrate(args: argparse.Namespace, deps: Deps) -> Output:
    upgrade_to_head(deps.settings.database_url)
    return {"text": "Database is at the newest schema."}


def backup(args: argparse.Namespace, deps: Deps) -> Output:
    size = back_up(deps.settings.database_url, args.out)
    text = f"Backed up to {args.out} ({size:,} bytes)."
    return {"file": str(args.out), "bytes": size, "text": text}


def seed(args: argparse.Namespace, deps: Deps) -> Output:
    try:
        counts = demo.seed_demo(members=args.members, deps=deps)
    except Conflict as exc:
        if args.if_empty:
            return {"seeded": False, "text": "Database has data; demo not loaded."}
        raise exc
    return {"seeded": True, **counts, "text": f"Demo loaded: {counts}"}


def reports_recount(args: argparse.Namespace, deps: Deps) -> Output:
    forgotten = reports.forget_kept_days(deps=deps)
    text = (
        f"{forgotten:,} kept report days and today's kept peaks forgotten: "
        "they are counted again from the visits."
    )
    return {"forgotten": forgotten, "text": text}


def location_add(args: argparse.Namespace, deps: Deps) -> Output:
    made = locations.add_location(
        args.name, capacity=args.capacity, timezone=args.timezone, deps=deps
    )
    return {
        "location": schemas.location(made),
        "text": f"Location {made.name} added (id {made.id}).",
    }


def location_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = locations.list_locations(deps=deps)
    text = "\n".join(f"{r.name}\t{r.inside_now}/{r.capacity}\t{r.timezone}" for r in rows)
    return {"locations": [schemas.location(r) for r in rows], "text": text or "No locations."}


def member_add(args: argparse.Namespace, deps: Deps) -> Output:
    made = members.add_member(
        args.name, code=args.code, valid_until=args.valid_until, status=args.status, deps=deps
    )
    return {"member": schemas.member(made), "text": made.code}


def member_set_pin(args: argparse.Namespace, deps: Deps) -> Output:
    pin = None if args.remove else _read_pin()
    done = member_changes.set_pin(args.code, pin, deps=deps)
    return {
        "member": schemas.member(done),
        "text": f"PIN {'removed' if pin is None else 'set'} for {done.full_name}.",
    }


def member_card(args: argparse.Namespace, deps: Deps) -> Output:
    png = members.member_card(args.code, deps=deps)
    try:
        args.out.write_bytes(png)
    except OSError as exc:
        raise InvalidInput(f"Cannot write {args.out}: {exc.strerror}.") from None
    return {"path": str(args.out), "bytes": len(png), "text": f"Card written to {args.out}."}


def _read_pin() -> str:
    """Ask twice at a terminal; read one line from a pipe. Never from argv (shell history)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    pin = getpass.getpass(f"New PIN ({pin_rule()}): ")
    if getpass.getpass("Repeat it: ") != pin:
        raise InvalidInput("The two PINs differ.")
    return pin


def member_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = members.list_members(deps=deps, limit=args.limit)
    text = "\n".join(f"{m.code}\t{m.full_name}\t{m.status}\t{m.valid_until or '-'}" for m in rows)
    return {"members": [schemas.member(m) for m in rows], "text": text or "No members."}


def visit_command(operation: Callable[..., CheckinResult]) -> Callable[..., Output]:
    def run(args: argparse.Namespace, deps: Deps) -> Output:
        done = operation(args.code, location=args.location, source=Source.CLI, deps=deps)
        stay = f" after {done.stay_seconds // 60} min" if done.stay_seconds is not None else ""
        text = f"{done.action.value.replace('_', ' ')}: {done.member.full_name}{stay}"
        return {**schemas.visit(done), "text": text}

    return run


def kiosk_add(args: argparse.Namespace, deps: Deps) -> Output:
    made, code = kiosks.add_kiosk(args.location, name=args.name, deps=deps)
    valid = int(PAIRING_TTL.total_seconds() // 60)
    text = f"{made.name} (id {made.id}) at {made.location_name}: pairing code {code}"
    return {
        "kiosk": schemas.kiosk(made),
        "pairing_code": code,
        "text": f"{text}, valid {valid} min",
    }


def kiosk_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = kiosks.list_kiosks(deps=deps)
    text = "\n".join(f"{k.id}\t{k.name}\t{k.location_name}\t{k.status}" for k in rows)
    return {"kiosks": [schemas.kiosk(k) for k in rows], "text": text or "No kiosks."}


def kiosk_revoke(args: argparse.Namespace, deps: Deps) -> Output:
    done = kiosks.revoke(args.id, deps=deps)
    return {"kiosk": schemas.kiosk(done), "text": f"{done.name} (id {done.id}) revoked."}


def show_stats(args: argparse.Namespace, deps: Deps) -> Output:
    location, numbers = stats.location_stats(args.location, deps=deps)
    text = "\n".join(f"{key}: {value}" for key, value in numbers.to_dict().items())
    return {**schemas.stats(location.name, numbers), "text": f"{location.name}\n{text}"}


def run_sweep(args: argparse.Namespace, deps: Deps) -> Output:
    closed = sweep.auto_checkout(deps=deps)
    return {"closed": len(closed), "text": f"Auto checked out {len(closed)} visit(s)."}
