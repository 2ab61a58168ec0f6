"""The staff pages' tests share one app (one server start for them all): the demo data, the
front desk account and an admin. Package-scoped, so it stops before the other modules start
servers of their own (on the same build of the pages)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gym_live.adapters.bus import MemoryBus
from gym_live.adapters.db import build_engine
from gym_live.services.deps import Deps
from gym_live.settings import Settings
from tests.helpers.app import ADMIN_NAME, ADMIN_PASSWORD, ADMIN_USER, AppServer, running_app


@pytest.fixture(scope="package")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """The demo app with the front desk account and an admin (ADMIN_USER)."""

    def add_admin(cli) -> None:
        cli.env["GYM_STAFF_PASSWORD"] = ADMIN_PASSWORD
        cli("staff", "add", ADMIN_USER, "--role", "admin", "--name", ADMIN_NAME)

    with running_app(tmp_path_factory.mktemp("shared"), add_admin) as server:
        yield server


@pytest.fixture(scope="package")
def app_deps(app: AppServer) -> Deps:
    """The app's own database, for what a browser cannot see: sessions, rows, counts."""
    url = app.cli.env["DATABASE_URL"]
    settings = Settings(database_url=url, timezone="Europe/Berlin")
    return Deps(engine=build_engine(url, pooled=False), bus=MemoryBus(), settings=settings)
