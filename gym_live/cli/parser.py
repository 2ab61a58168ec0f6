"""The command line: every command, its arguments and its help."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from gym_live.cli import commands, staff_commands
from gym_live.cli.commands import Output
from gym_live.domain.api_keys import Scope
from gym_live.domain.members import MemberStatus
from gym_live.domain.staff import Role
from gym_live.services import checkin


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a date like 2027-01-31") from None


def build_parser(description: str | None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gym_live", description=description)
    subcommands = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(
        name: str,
        run: Callable[..., Output],
        help_text: str,
        parent: argparse._SubParsersAction = subcommands,
        json_flag: bool = True,
    ):
        sub = parent.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(run=run)
        if json_flag:
            sub.add_argument("--json", action="store_true", help="print one JSON object")
        return sub

    command("migrate", commands.migrate, "apply database migrations", json_flag=False)
    backup = command("backup", commands.backup, "copy the SQLite database, even while the app runs")
    backup.add_argument("--out", type=Path, required=True, help="the backup file to write")
    seed = command(
        "seed-demo", commands.seed, "load deterministic demo data into an empty database"
    )
    seed.add_argument("--members", type=int, default=40)
    seed.add_argument("--if-empty", action="store_true", help="succeed quietly if data exists")

    report = subcommands.add_parser("reports", help="the reports' kept days")
    report_commands = report.add_subparsers(required=True, metavar="ACTION")
    command(
        "recount",
        commands.reports_recount,
        "forget the days the reports keep (after writing old visits behind the app's back)",
        report_commands,
    )

    location = subcommands.add_parser("location", help="manage locations")
    location_commands = location.add_subparsers(required=True, metavar="ACTION")
    add = command("add", commands.location_add, "add a location", location_commands)
    add.add_argument("name")
    add.add_argument("--capacity", type=int, required=True)
    add.add_argument("--timezone", required=True, help="IANA name, e.g. Europe/Berlin")
    command("list", commands.location_list, "list locations", location_commands)

    member = subcommands.add_parser("member", help="manage members")
    member_commands = member.add_subparsers(required=True, metavar="ACTION")
    add = command("add", commands.member_add, "enrol a member (prints the code)", member_commands)
    add.add_argument("--name", required=True)
    add.add_argument("--code", help="card number; generated when omitted")
    add.add_argument("--valid-until", type=_date, help="last day of the membership")
    add.add_argument(
        "--status", default="active", choices=[status.value for status in MemberStatus]
    )
    pin = command(
        "set-pin",
        commands.member_set_pin,
        "set a member's PIN (asked, or read from stdin)",
        member_commands,
    )
    pin.add_argument("code")
    pin.add_argument("--remove", action="store_true", help="remove the PIN instead")
    card = command(
        "card", commands.member_card, "render a printable member card (PNG)", member_commands
    )
    card.add_argument("code")
    card.add_argument("--out", type=Path, required=True, help="where to write the PNG")
    listing = command("list", commands.member_list, "list members", member_commands)
    listing.add_argument("--limit", type=int, default=1000)

    for name, operation, help_text in (
        ("scan", checkin.scan, "a card at the door: check in, or out if inside"),
        ("checkin", checkin.check_in, "check a member in"),
        ("checkout", checkin.check_out, "check a member out"),
    ):
        visit = command(name, commands.visit_command(operation), help_text)
        visit.add_argument("code")
        visit.add_argument("--location", help="location name (default: the only one)")

    kiosk = subcommands.add_parser("kiosk", help="enrol and revoke door kiosks")
    kiosk_commands = kiosk.add_subparsers(required=True, metavar="ACTION")
    add = command(
        "add", commands.kiosk_add, "register a kiosk; prints its pairing code", kiosk_commands
    )
    add.add_argument("--location", help="location name (default: the only one)")
    add.add_argument("--name", help="a name staff recognise, e.g. 'Front door'")
    command("list", commands.kiosk_list, "list kiosks", kiosk_commands)
    revoke = command(
        "revoke", commands.kiosk_revoke, "revoke a kiosk (it must pair again)", kiosk_commands
    )
    revoke.add_argument("id", type=int)

    _staff_commands(command, subcommands)
    _api_key_commands(command, subcommands)

    command("stats", commands.show_stats, "the live numbers of a location").add_argument(
        "--location"
    )
    command("sweep", commands.run_sweep, "auto check-out visits past the maximum stay")
    return parser


def _staff_commands(command: Callable[..., argparse.ArgumentParser], parent: Any) -> None:
    staff = parent.add_parser("staff", help="manage staff accounts")
    actions = staff.add_subparsers(required=True, metavar="ACTION")
    add = command(
        "add",
        staff_commands.add,
        "add a staff account (password asked, or GYM_STAFF_PASSWORD)",
        actions,
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--name", help="the name shown to staff (default: the username)")
    command("list", staff_commands.listing, "list staff accounts", actions)
    for name, run, help_text in (
        ("passwd", staff_commands.passwd, "set a new password (ends the account's sessions)"),
        ("deactivate", staff_commands.deactivate, "stop an account signing in (ends its sessions)"),
        ("reactivate", staff_commands.reactivate, "let a deactivated account sign in again"),
    ):
        command(name, run, help_text, actions).add_argument("username")
    first = command(
        "first-admin", staff_commands.first_admin, "create the first admin of an empty gym", actions
    )
    first.add_argument("--url", default="http://localhost:3000", help="where staff sign in")


def _api_key_commands(command: Callable[..., argparse.ArgumentParser], parent: Any) -> None:
    apikey = parent.add_parser("apikey", help="manage the REST API's keys")
    actions = apikey.add_subparsers(required=True, metavar="ACTION")
    add = command("add", staff_commands.apikey_add, "make a key (its secret printed once)", actions)
    add.add_argument("name", help="who uses it, e.g. 'Front turnstile'")
    add.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=[scope.value for scope in Scope],
        help="what it may do (repeat for both)",
    )
    add.add_argument(
        "--location", action="append", help="where it may scan (repeat; default: everywhere)"
    )
    command("list", staff_commands.apikey_list, "list keys with their last use", actions)
    revoke = command("revoke", staff_commands.apikey_revoke, "stop a key working", actions)
    revoke.add_argument("id", type=int)
