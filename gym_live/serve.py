"""`python -m gym_live.serve [--host H] [--port P] [--build-only]`: the pages, then the server.

Why not `reflex run --env prod`: it stays alive beside the server as its parent (about 100
MiB that serve nothing), and its server, granian, holds about 150 KiB per open websocket.
This builds the pages unless a build of this code exists (frontend.py: one build serves every
port and instance), then replaces itself with one uvicorn process that serves the pages and
the websocket on that port: at 1,000 open dashboards that is the whole server
(bench/README.md). One process per instance; more instances share Redis behind a load
balancer. `--build-only` builds and exits: an image, or a cluster, builds once before its
instances start.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from gym_live.adapters.migrations import check_schema
from gym_live.domain.errors import SchemaMismatch
from gym_live.frontend import WEB_DIR, ensure_built
from gym_live.reflex_compat import SERVER_ENV
from gym_live.settings import get_settings

APP_FACTORY = "gym_live.asgi:app"
GRACEFUL_SECONDS = 10


def server_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        APP_FACTORY,
        "--host",
        host,
        "--port",
        str(port),
        "--ws",
        "websockets-sansio",
        "--lifespan",
        "on",
        "--log-level",
        "warning",
        "--no-access-log",
        # On SIGTERM: stop taking sockets, close the open ones (code 1012: their tabs
        # reconnect, through the load balancer, to another instance), and give the events
        # in flight this long to finish.
        "--timeout-graceful-shutdown",
        str(GRACEFUL_SECONDS),
    ]


def server_env(port: int) -> dict[str, str]:
    """What `reflex run --env prod` sets for its server: production mode, the built pages
    mounted beside the API, and no second compile."""
    return {
        **os.environ,
        "REFLEX_FRONTEND_PORT": str(port),
        "REFLEX_BACKEND_PORT": str(port),
        "REFLEX_WEB_WORKDIR": str(WEB_DIR),
        "REFLEX_ENV_MODE": "prod",
        **SERVER_ENV,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gym_live.serve", description=__doc__)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument(
        "--build-only", action="store_true", help="build the pages if needed, then exit"
    )
    args = parser.parse_args(argv)
    if args.build_only:
        print("gym_live: pages " + ("built" if ensure_built() else "already built"), flush=True)
        return
    try:  # before anything is built or served: one line, not a traceback per request
        check_schema(get_settings().database_url)
    except SchemaMismatch as exc:
        raise SystemExit(f"gym_live: {exc.message}") from None
    ensure_built()
    shown_host = "localhost" if args.host in ("0.0.0.0", "::") else args.host
    print(f"gym_live: serving on http://{shown_host}:{args.port} (Ctrl-C stops it)", flush=True)
    command = server_command(args.host, args.port)
    os.execve(command[0], command, server_env(args.port))


if __name__ == "__main__":
    main()
