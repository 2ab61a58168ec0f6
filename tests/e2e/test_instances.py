"""Two instances on one PostgreSQL and one Redis, as behind a load balancer.

Both serve one build of the pages, and each page opens its socket on the instance that
served it. A kiosk connected to one instance checks a member in; the dashboards served by
both show it, either way round. Reconciling is slowed to ten minutes on both, so only the
Redis event bus can carry the check-in across within the few seconds the test waits.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from gym_live import frontend
from tests.helpers.app import ARTIFACTS, AppServer, running_app
from tests.helpers.dashboard_page import sign_in
from tests.helpers.databases import fresh_postgres_database
from tests.helpers.kiosk_socket import kiosk_tab

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
MEMBERS = ("10000024", "10000025")  # active and not inside in the demo


@pytest.fixture(scope="module")
def instances(
    tmp_path_factory: pytest.TempPathFactory, postgres_base_url: str, redis_url: str
) -> Iterator[tuple[AppServer, AppServer]]:
    database_url = fresh_postgres_database(postgres_base_url)
    settings = {"REDIS_URL": redis_url, "GYM_RECONCILE_INTERVAL": "600"}
    first_dir, second_dir = (tmp_path_factory.mktemp(name) for name in ("first", "second"))
    with (
        running_app(first_dir, database_url=database_url, **settings) as first,
        running_app(second_dir, database_url=database_url, **settings) as second,
    ):
        yield first, second


def test_a_check_in_at_either_instance_reaches_the_dashboards_on_both(
    instances: tuple[AppServer, AppServer], browser: Browser
) -> None:
    # The first to start built the pages, unless a build of this code was there already.
    assert frontend.BUILDING not in instances[1].log_path.read_text()
    pages = [_dashboard(browser, server) for server in instances]
    for kiosk_server, member, name in zip(instances, MEMBERS, ("first", "second"), strict=True):
        shown = [int(page.locator("#stat-inside-now").inner_text()) for page in pages]
        _check_in_at_a_kiosk(kiosk_server, member)
        member_name = _name(kiosk_server, member)
        for page, inside in zip(pages, shown, strict=True):
            expect(page.locator("#stat-inside-now")).to_have_text(str(inside + 1))
            expect(page.locator(".gl-feed-row[data-kind=check_in]").first).to_contain_text(
                member_name
            )
        ARTIFACTS.mkdir(exist_ok=True)
        pages[1].screenshot(path=ARTIFACTS / f"instances-after-{name}-kiosk.png")
    for page in pages:
        page.close()


def _dashboard(browser: Browser, server: AppServer) -> Page:
    """A signed-in dashboard whose one socket is on the instance that served the page."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))  # a bound builtin is refused
    sign_in(page, server)
    page.locator("#stat-inside-now").inner_text()  # shown once the socket is up
    assert [s.url.split("/")[2] for s in sockets] == [f"127.0.0.1:{server.port}"]
    return page


def _check_in_at_a_kiosk(server: AppServer, member: str) -> None:
    """A paired kiosk's socket (socket.io client) on this instance scans the member in."""
    pairing_code = server.cli.json("kiosk", "add", "--location", "Downtown")["pairing_code"]
    with kiosk_tab(server) as kiosk:
        kiosk.send("pair", form={"pairing_code": pairing_code})
        assert kiosk.until(lambda delta: "paired" in delta)["paired"] is True
        kiosk.send("scan", form={"code": member})
        assert kiosk.until(lambda delta: "screen" in delta)["screen"] == "welcome"


def _name(server: AppServer, code: str) -> str:
    members = server.cli.json("member", "list")["members"]
    return next(member["name"] for member in members if member["code"] == code)
