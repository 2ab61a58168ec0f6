"""Operator commands. Exit 0 on success, 1 with a one-line reason on refusal or failure."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from gym_live.cli.commands import Output
from gym_live.cli.parser import build_parser
from gym_live.domain.errors import GymLiveError, Reason
from gym_live.services.deps import app_deps

# How long a command waits, before it exits, for its events to reach the event bus.
FLUSH_SECONDS = 5.0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser(__doc__).parse_args(argv)
    try:
        result = _run(args)
    except GymLiveError as exc:
        return _fail(args, exc.code, exc.message)
    except SQLAlchemyError as exc:
        reason = str(exc.orig if getattr(exc, "orig", None) else exc).splitlines()[0]
        return _fail(args, Reason.DATABASE, f"Database error: {reason}")
    text = result.pop("text", "")
    print(json.dumps({"ok": True, **result}, default=str) if getattr(args, "json", False) else text)
    return 0


def _run(args: argparse.Namespace) -> Output:
    deps = app_deps()
    try:
        return args.run(args, deps)
    finally:  # what committed reaches the open dashboards before the process ends
        deps.bus.flush(FLUSH_SECONDS)


def _fail(args: argparse.Namespace, reason: str, message: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"ok": False, "reason": reason, "message": message}))
    print(f"error: {message}", file=sys.stderr)
    return 1
