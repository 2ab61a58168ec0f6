"""Operator commands. Exit 0 on success, 1 with a one-line reason on refusal or failure."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from gym_live import schemas
from gym_live.adapters.migrations import upgrade_to_head
from gym_live.domain.checkin import CheckinResult, Source
from gym_live.domain.errors import Conflict, GymLiveError, InvalidInput, Reason
from gym_live.domain.kiosks import PAIRING_TTL
from gym_live.domain.members import pin_rule
from gym_live.services import checkin, demo, kiosks, locations, members, stats, sweep
from gym_live.services.deps import Deps, app_deps

Output = dict[str, object]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        result = args.run(args, app_deps())
    except GymLiveError as exc:
        return _fail(args, exc.code, exc.message)
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        return _fail(args, Reason.DATABASE, f"Database error: {reason}")
    text = result.pop("text", "")
    print(json.dumps({"ok": True, **result}, default=str) if getattr(args, "json", False) else text)
    return 0


def _fail(args: argparse.Namespace, reason: str, message: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "reason": reason, "message": message}))
    print(f"error: {message}", file=sys.stderr)
    return 1


def _migrate(args: argparse.Namespace, deps: Deps) -> Output:
    upgrade_to_head(deps.settings.database_url)
    return {"text": "Database is at the newest schema."}


def _seed(args: argparse.Namespace, deps: Deps) -> Output:
    try:
        counts = demo.seed_demo(members=args.members, deps=deps)
    except Conflict as exc:
        if args.if_empty:
            return {"seeded": False, "text": "Database has data; demo not loaded."}
        raise exc
    return {"seeded": True, **counts, "text": f"Demo loaded: {counts}"}


def _location_add(args: argparse.Namespace, deps: Deps) -> Output:
    made = locations.add_location(
        args.name, capacity=args.capacity, timezone=args.timezone, deps=deps
    )
    return {
        "location": schemas.location(made),
        "text": f"Location {made.name} added (id {made.id}).",
    }


def _location_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = locations.list_locations(deps=deps)
    text = "\n".join(f"{r.name}\t{r.inside_now}/{r.capacity}\t{r.timezone}" for r in rows)
    return {"locations": [schemas.location(r) for r in rows], "text": text or "No locations."}


def _member_add(args: argparse.Namespace, deps: Deps) -> Output:
    made = members.add_member(
        args.name, code=args.code, valid_until=args.valid_until, status=args.status, deps=deps
    )
    return {"member": schemas.member(made), "text": made.code}


def _member_set_pin(args: argparse.Namespace, deps: Deps) -> Output:
    pin = None if args.remove else _read_pin()
    done = members.set_pin(args.code, pin, deps=deps)
    return {
        "member": schemas.member(done),
        "text": f"PIN {'removed' if pin is None else 'set'} for {done.full_name}.",
    }


def _member_card(args: argparse.Namespace, deps: Deps) -> Output:
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


def _member_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = members.list_members(deps=deps, limit=args.limit)
    text = "\n".join(f"{m.code}\t{m.full_name}\t{m.status}\t{m.valid_until or '-'}" for m in rows)
    return {"members": [schemas.member(m) for m in rows], "text": text or "No members."}


def _visit_command(operation: Callable[..., CheckinResult]) -> Callable[..., Output]:
    def run(args: argparse.Namespace, deps: Deps) -> Output:
        done = operation(args.code, location=args.location, source=Source.CLI, deps=deps)
        stay = f" after {done.stay_seconds // 60} min" if done.stay_seconds is not None else ""
        text = f"{done.action.value.replace('_', ' ')}: {done.member.full_name}{stay}"
        return {**schemas.visit(done), "text": text}

    return run


def _kiosk_add(args: argparse.Namespace, deps: Deps) -> Output:
    made, code = kiosks.add_kiosk(args.location, name=args.name, deps=deps)
    valid = int(PAIRING_TTL.total_seconds() // 60)
    text = f"{made.name} (id {made.id}) at {made.location_name}: pairing code {code}"
    return {
        "kiosk": schemas.kiosk(made),
        "pairing_code": code,
        "text": f"{text}, valid {valid} min",
    }


def _kiosk_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = kiosks.list_kiosks(deps=deps)
    text = "\n".join(f"{k.id}\t{k.name}\t{k.location_name}\t{k.status}" for k in rows)
    return {"kiosks": [schemas.kiosk(k) for k in rows], "text": text or "No kiosks."}


def _kiosk_revoke(args: argparse.Namespace, deps: Deps) -> Output:
    done = kiosks.revoke(args.id, deps=deps)
    return {"kiosk": schemas.kiosk(done), "text": f"{done.name} (id {done.id}) revoked."}


def _stats(args: argparse.Namespace, deps: Deps) -> Output:
    location, numbers = stats.location_stats(args.location, deps=deps)
    text = "\n".join(f"{key}: {value}" for key, value in numbers.to_dict().items())
    return {**schemas.stats(location.name, numbers), "text": f"{location.name}\n{text}"}


def _sweep(args: argparse.Namespace, deps: Deps) -> Output:
    closed = sweep.auto_checkout(deps=deps)
    return {"closed": len(closed), "text": f"Auto checked out {len(closed)} visit(s)."}


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a date like 2027-01-31") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gym_live", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(
        name: str,
        run: Callable[..., Output],
        help_text: str,
        parent: argparse._SubParsersAction = commands,
        json_flag: bool = True,
    ):
        sub = parent.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=run)
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print one JSON object")
        return sub

    command("migrate", _migrate, "apply database migrations", json_flag=False)
    seed = command("seed-demo", _seed, "load deterministic demo data into an empty database")
    seed.add_argument("--members", type=int, default=40)
    seed.add_argument("--if-empty", action="store_true", help="succeed quietly if data exists")

    location = commands.add_parser("location", help="manage locations")
    location_commands = location.add_subparsers(required=True, metavar="ACTION")
    add = command("add", _location_add, "add a location", location_commands)
    add.add_argument("name")
    add.add_argument("--capacity", type=int, required=True)
    add.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/Berlin")
    command("list", _location_list, "list locations", location_commands)

    member = commands.add_parser("member", help="manage members")
    member_commands = member.add_subparsers(required=True, metavar="ACTION")
    add = command("add", _member_add, "enrol a member (prints the code)", member_commands)
    add.add_argument("--name", required=True)
    add.add_argument("--code", help="card number; generated when omitted")
    add.add_argument("--valid-until", type=_date, help="last day of the membership")
    add.add_argument("--status", default="active", choices=["active", "frozen", "cancelled"])
    pin = command(
        "set-pin",
        _member_set_pin,
        "set a member's PIN (asked, or read from stdin)",
        member_commands,
    )
    pin.add_argument("code")
    pin.add_argument("--remove", action="store_true", help="remove the PIN instead")
    card = command("card", _member_card, "render a printable member card (PNG)", member_commands)
    card.add_argument("code")
    card.add_argument("--out", type=Path, required=True, help="where to write the PNG")
    listing = command("list", _member_list, "list members", member_commands)
    listing.add_argument("--limit", type=int, default=1000)

    for name, operation, help_text in (
        ("scan", checkin.scan, "a card at the door: check in, or out if inside"),
        ("checkin", checkin.check_in, "check a member in"),
        ("checkout", checkin.check_out, "check a member out"),
    ):
        visit = command(name, _visit_command(operation), help_text)
        visit.add_argument("code")
        visit.add_argument("--location", help="location name (default: the only one)")

    kiosk = commands.add_parser("kiosk", help="enrol and revoke door kiosks")
    kiosk_commands = kiosk.add_subparsers(required=True, metavar="ACTION")
    add = command("add", _kiosk_add, "register a kiosk; prints its pairing code", kiosk_commands)
    add.add_argument("--location", help="location name (default: the only one)")
    add.add_argument("--name", help="a name staff recognise, e.g. 'Front door'")
    command("list", _kiosk_list, "list kiosks", kiosk_commands)
    revoke = command("revoke", _kiosk_revoke, "revoke a kiosk (it must pair again)", kiosk_commands)
    revoke.add_argument("id", type=int)

    command("stats", _stats, "the live numbers of a location").add_argument("--location")
    command("sweep", _sweep, "auto check-out visits past the maximum stay")
    return parser
