"""Two instances on one PostgreSQL and one Redis, as behind a load balancer.

A kiosk connected to the first instance checks a member in; a dashboard served by the
second shows it. Reconciling is slowed to ten minutes on both, so only the Redis event
bus can carry the check-in across within the few seconds the test waits.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, WebSocket, expect

from tests.helpers.app import ARTIFACTS, AppServer, running_app
from tests.helpers.dashboard_page import sign_in
from tests.helpers.databases import fresh_postgres_database
from tests.helpers.kiosk_socket import kiosk_tab

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
MEMBER = "10000024"  # active and not inside in the demo


@pytest.fixture(scope="module")
def instances(
    tmp_path_factory: pytest.TempPathFactory, postgres_base_url: str, redis_url: str
) -> Iterator[tuple[AppServer, AppServer]]:
    database_url = fresh_postgres_database(postgres_base_url)
    settings = {"REDIS_URL": redis_url, "GYM_RECONCILE_INTERVAL": "600"}
    first_dir, second_dir = (tmp_path_factory.mktemp(name) for name in ("first", "second"))
    # One after the other: each builds the pages for its own port in the same folder, so
    # the pages served are the second's and a browser's socket goes to the second.
    with (
        running_app(first_dir, database_url=database_url, **settings) as first,
        running_app(second_dir, database_url=database_url, **settings) as second,
    ):
        yield first, second


def test_a_check_in_at_one_instance_reaches_a_dashboard_on_the_other(
    instances: tuple[AppServer, AppServer], browser: Browser
) -> None:
    first, second = instances
    members = first.cli.json("member", "list")["members"]
    name = next(member["name"] for member in members if member["code"] == MEMBER)
    pairing_code = first.cli.json("kiosk", "add", "--location", "Downtown")["pairing_code"]
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))  # a bound builtin is refused
    sign_in(page, second)
    inside = int(page.locator("#stat-inside-now").inner_text())  # shown once the socket's up
    assert [s.url.split("/")[2] for s in sockets] == [f"127.0.0.1:{second.port}"]

    with kiosk_tab(first) as kiosk:  # a socket.io client on the first instance's /_event
        kiosk.send("pair", form={"pairing_code": pairing_code})
        assert kiosk.until(lambda delta: "paired" in delta)["paired"] is True
        kiosk.send("scan", form={"code": MEMBER})
        assert kiosk.until(lambda delta: "screen" in delta)["screen"] == "welcome"

    expect(page.locator("#stat-inside-now")).to_have_text(str(inside + 1))
    expect(page.locator(".gl-feed-row[data-kind=check_in]").first).to_contain_text(name)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "instances-second-dashboard.png")
    page.close()
