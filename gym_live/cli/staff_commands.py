"""Staff account and API key commands. Passwords come from GYM_STAFF_PASSWORD or a terminal
prompt (asked twice), never from the command line, where shell history and `ps` would keep
them; an API key's secret is printed once, when it is made."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from gym_live import schemas
from gym_live.cli.commands import Output
from gym_live.domain.errors import InvalidInput
from gym_live.services import api_keys, staff
from gym_live.services.deps import Deps

PASSWORD_VARIABLE = "GYM_STAFF_PASSWORD"


def add(args: argparse.Namespace, deps: Deps) -> Output:
    made = staff.add_staff(
        args.username, role=args.role, password=_read_password(), display_name=args.name, deps=deps
    )
    return {"staff": schemas.staff(made), "text": f"{made.username} ({made.role}) added."}


def listing(args: argparse.Namespace, deps: Deps) -> Output:
    rows = staff.list_staff(deps=deps)
    text = "\n".join(
        f"{m.username}\t{m.display_name}\t{m.role}\t{'active' if m.active else 'deactivated'}"
        for m in rows
    )
    return {"staff": [schemas.staff(m) for m in rows], "text": text or "No staff accounts."}


def passwd(args: argparse.Namespace, deps: Deps) -> Output:
    done = staff.set_password(args.username, _read_password(), deps=deps)
    return {"staff": schemas.staff(done), "text": f"Password changed; {done.username} signed out."}


def deactivate(args: argparse.Namespace, deps: Deps) -> Output:
    done = staff.set_active(args.username, False, deps=deps)
    return {"staff": schemas.staff(done), "text": f"{done.username} deactivated and signed out."}


def reactivate(args: argparse.Namespace, deps: Deps) -> Output:
    done = staff.set_active(args.username, True, deps=deps)
    return {"staff": schemas.staff(done), "text": f"{done.username} can sign in again."}


def first_admin(args: argparse.Namespace, deps: Deps) -> Output:
    """What `make run` calls: the first account of a new gym, its password shown this once."""
    password = staff.create_first_admin(deps=deps)
    if password is None:
        return {"created": False, "text": f"gym_live: sign in at {args.url}"}
    rule = "=" * 64
    text = "\n".join(
        [
            rule,
            "  gym_live: the first staff account was created (shown only now).",
            f"    username: {staff.FIRST_ADMIN}",
            f"    password: {password}",
            f"  Open {args.url} and sign in; change the password with",
            f"  `python -m gym_live staff passwd {staff.FIRST_ADMIN}`.",
            rule,
        ]
    )
    return {"created": True, "username": staff.FIRST_ADMIN, "password": password, "text": text}


def apikey_add(args: argparse.Namespace, deps: Deps) -> Output:
    made, secret = api_keys.add_key(
        args.name, scopes=args.scope, locations=args.location or (), deps=deps
    )
    where = ", ".join(made.locations) or "every location"
    scopes = ", ".join(scope.value for scope in made.scopes)
    text = (
        f"API key {made.id} ({made.name}): {scopes} at {where}.\n"
        f"{secret}\n(shown only now: give it to the integration, it cannot be read again)"
    )
    return {"api_key": schemas.api_key(made), "key": secret, "text": text}


def apikey_list(args: argparse.Namespace, deps: Deps) -> Output:
    rows = api_keys.list_keys(deps=deps)
    text = "\n".join(
        f"{k.id}\t{k.name}\t{','.join(k.scopes)}\t{','.join(k.locations) or 'every location'}"
        f"\t{k.status}\tlast used {k.last_used_at or 'never'}"
        for k in rows
    )
    return {"api_keys": [schemas.api_key(k) for k in rows], "text": text or "No API keys."}


def apikey_revoke(args: argparse.Namespace, deps: Deps) -> Output:
    done = api_keys.revoke_key(args.id, deps=deps)
    return {"api_key": schemas.api_key(done), "text": f"API key {done.id} ({done.name}) revoked."}


def _read_password() -> str:
    if password := os.environ.get(PASSWORD_VARIABLE):
        return password
    if not sys.stdin.isatty():
        raise InvalidInput(f"Set {PASSWORD_VARIABLE}, or run this at a terminal to be asked.")
    password = getpass.getpass("New password (at least 10 characters): ")
    if getpass.getpass("Repeat it: ") != password:
        raise InvalidInput("The two passwords differ.")
    return password
