"""The app in production mode on a free port, with its own database and the CLI on it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from devtools.servers import PROJECT_ROOT, ProdServer, app_environment
from tests.helpers.cli import Cli

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# The front desk account every browser test signs in with.
STAFF_USER, STAFF_NAME, STAFF_PASSWORD = "desk", "Front Desk", "front desk password"


@dataclass
class Through:
    """An address the test helpers open pages and sockets on (a proxy, or one instance),
    and the CLI on the app's database."""

    url: str
    cli: Cli


# The admin of the shared app (tests/e2e/conftest.py).
ADMIN_USER, ADMIN_NAME, ADMIN_PASSWORD = "maria", "Maria Lopez", "maria the admin"


class AppServer(ProdServer):
    """The app in production mode on the demo data, with the CLI on its database: its own
    SQLite file unless given a database (which another instance may share)."""

    def __init__(self, workdir: Path, database_url: str | None = None, **settings: str) -> None:
        self.cli = Cli(database_url or f"sqlite:///{workdir / 'app.db'}")
        self.cli("migrate")
        self.cli("seed-demo", "--if-empty")
        if not any(m["username"] == STAFF_USER for m in self.cli.json("staff", "list")["staff"]):
            self.cli.env["GYM_STAFF_PASSWORD"] = STAFF_PASSWORD
            self.cli("staff", "add", STAFF_USER, "--role", "front_desk", "--name", STAFF_NAME)
        self.photo_dir = workdir / "photos"
        env = app_environment(
            self.cli.env["DATABASE_URL"],
            GYM_TIMEZONE=self.cli.env["GYM_TIMEZONE"],
            **{"GYM_PHOTO_DIR": str(self.photo_dir), **settings},
        )
        super().__init__(env, workdir / "reflex.log")

    def start(self) -> float:
        try:
            return super().start()
        except RuntimeError as exc:
            pytest.fail(f"the app did not start: {exc}")


@contextlib.contextmanager
def running_app(
    workdir: Path,
    prepare: Callable[[Cli], object] | None = None,
    database_url: str | None = None,
    **settings: str,
) -> Iterator[AppServer]:
    """The demo app; `prepare` runs CLI commands on its database before it starts."""
    server = AppServer(workdir, database_url, **settings)
    if prepare is not None:
        prepare(server.cli)
    server.start()
    try:
        yield server
    finally:
        server.stop()
