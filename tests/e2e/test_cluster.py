"""The cluster as `make cluster` runs it (devtools/cluster.py): nginx in front of two
instances, one PostgreSQL, one Redis, all real processes on free ports, proven through
the faults a gym will meet: Redis dying, an instance killed with `kill -9`.

Door scans go through nginx as a kiosk's would, each from a tab of its own, so nginx
spreads them over both instances. A scan counts as shown when its kiosk got the answer
screen; none of those may be missing from the database, and none may make two visits.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from devtools.cluster import Cluster, running_cluster
from devtools.servers import PROJECT_ROOT, ProdServer, app_environment, free_port, wait_until
from gym_live.adapters.migrations import check_schema
from gym_live.components.kiosk import OFFLINE
from tests.helpers.app import ARTIFACTS, STAFF_NAME, STAFF_PASSWORD, STAFF_USER, Through
from tests.helpers.axe import blocking_violations
from tests.helpers.cli import Cli
from tests.helpers.dashboard_page import sign_in
from tests.helpers.databases import fresh_postgres_database
from tests.helpers.kiosk_page import new_kiosk, wedge
from tests.helpers.kiosk_socket import kiosk_tab

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
DELAYED = "Live updates delayed \u2014 showing numbers every 5 s"
DONE = ("welcome", "goodbye")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    workdir = tmp_path_factory.mktemp("cluster")
    if os.geteuid() == 0:  # PostgreSQL runs as its own account (devtools.servers)
        workdir.chmod(0o755)
    # A card may be scanned again after a second, so the doors can stream scans.
    with running_cluster(workdir, GYM_TIMEZONE="Europe/Berlin", GYM_RESCAN_WINDOW="1") as cluster:
        cli = Cli(cluster.database_url)
        cli.env["GYM_STAFF_PASSWORD"] = STAFF_PASSWORD
        cli("staff", "add", STAFF_USER, "--role", "front_desk", "--name", STAFF_NAME)
        yield cluster


@pytest.fixture(scope="module")
def cli(cluster: Cluster) -> Cli:
    return Cli(cluster.database_url)


@pytest.fixture(scope="module")
def active_members(cli: Cli) -> list[str]:
    """The demo's members whom the door lets in (active, and not past their last day)."""
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    return [
        member["code"]
        for member in cli.json("member", "list")["members"]
        if member["status"] == "active" and (member["valid_until"] or today) >= today
    ]


def _device_token(cli: Cli, through: Through) -> str:
    """A kiosk paired at Downtown: the token its tablet keeps."""
    code = cli.json("kiosk", "add", "--location", "Downtown")["pairing_code"]
    with kiosk_tab(through) as kiosk:
        kiosk.send("pair", form={"pairing_code": code})
        assert kiosk.until(lambda delta: "paired" in delta)["paired"] is True
        return kiosk.state["device_token"]


def _instance_of(cluster: Cluster, page_opened) -> ProdServer:
    """The instance whose open dashboards rose by one when `page_opened()` ran."""
    before = [_open_dashboards(i) for i in cluster.instances]
    page_opened()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for instance, count in zip(cluster.instances, before, strict=True):
            if _open_dashboards(instance) > count:
                return instance
        time.sleep(0.1)
    raise AssertionError("no instance took the dashboard's socket")


def _open_dashboards(instance: ProdServer) -> float:
    return _metric(instance, "gym_live_open_dashboards")


def _metric(instance: ProdServer, name: str) -> float:
    """A gauge's value in the instance's own /metrics."""
    with urllib.request.urlopen(instance.url + "/metrics", timeout=5) as answer:
        for line in answer.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
    raise AssertionError(f"/metrics has no {name}")


def _dashboards_on_both(cluster: Cluster, browser: Browser, cli: Cli) -> dict[int, Page]:
    """Signed-in dashboards through nginx, until each instance holds one (by instance port)."""
    through, pages = Through(cluster.nginx.url, cli), {}
    for _ in range(12):
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        instance = _instance_of(cluster, lambda page=page: sign_in(page, through))
        if instance.port in pages:
            page.close()
        else:
            pages[instance.port] = page
        if len(pages) == 2:
            return pages
    raise AssertionError("nginx sent 12 tabs to one instance: the tabs' hash is not spreading")


def _inside(page: Page) -> int:
    return int(page.locator("#stat-inside-now").inner_text())


def test_a_check_in_at_either_instance_reaches_browsers_on_both_through_nginx(
    cluster: Cluster, browser: Browser, cli: Cli, active_members: list[str]
) -> None:
    pages = _dashboards_on_both(cluster, browser, cli)
    for instance, member in zip(cluster.instances, active_members[:2], strict=True):
        shown = {port: _inside(page) for port, page in pages.items()}
        token = _device_token(cli, Through(instance.url, cli))
        with kiosk_tab(Through(instance.url, cli), stored_token=token) as kiosk:
            kiosk.send("scan", form={"code": member})
            screen = kiosk.until(lambda delta: "screen" in delta)["screen"]
        step = {"welcome": 1, "goodbye": -1}[screen]
        for port, page in pages.items():
            expect(page.locator("#stat-inside-now")).to_have_text(str(shown[port] + step))
    # A normal reconnect (nginx restarted: every socket drops) lands each tab on the
    # instance that holds its state, and the tabs go on updating.
    held = [_open_dashboards(instance) for instance in cluster.instances]
    cluster.nginx.stop()
    wait_until(
        lambda: not any(_open_dashboards(i) for i in cluster.instances),
        timeout=30,
        what="every tab cut off",
    )
    cluster.nginx.start()
    wait_until(
        lambda: [_open_dashboards(i) for i in cluster.instances] == held,
        timeout=30,
        what="every tab back on its own instance",
    )
    for page in pages.values():  # back to the numbers of now, not those they opened with
        _converged(page, cli)
    shown = {port: _inside(page) for port, page in pages.items()}
    with kiosk_tab(Through(cluster.instances[0].url, cli), stored_token=token) as kiosk:
        kiosk.send("scan", form={"code": active_members[0]})
        screen = kiosk.until(lambda delta: "screen" in delta)["screen"]
    step = {"welcome": 1, "goodbye": -1}[screen]
    for port, page in pages.items():
        expect(page.locator("#stat-inside-now")).to_have_text(str(shown[port] + step))
    for page in pages.values():
        page.close()


def test_nginx_keeps_the_public_occupancy_a_second_then_asks_again(
    cluster: Cluster, cli: Cli
) -> None:
    """A website's visitors reach an instance once a second per address, and see a
    check-in within a second or two."""
    address = cluster.nginx.url + "/api/v1/locations/1/occupancy"

    def ask() -> tuple[str, dict]:
        with urllib.request.urlopen(address, timeout=5) as answer:
            assert answer.headers["Cache-Control"] == "public, max-age=1"
            return answer.headers["X-Cache-Status"], json.loads(answer.read())

    time.sleep(1.2)  # what an earlier test had kept is stale now
    _, first = ask()
    kept, again = ask()
    assert (kept, again) == ("HIT", first)
    operator = Cli(cluster.database_url)  # one that tells the instances, through Redis
    operator.env["REDIS_URL"] = cluster.env["REDIS_URL"]
    member = cli.json("member", "add", "--name", "Cache Probe")["member"]["code"]  # not inside
    operator("checkin", member, "--location", "Downtown")
    seen: list[tuple[str, int, int]] = []

    def shows_the_database() -> bool:
        """The kept answer agrees with the database again (which has the check-in; the
        sweep may have checked someone else out meanwhile, so not simply one more)."""
        status, now = ask()
        [truth] = [
            p["inside_now"] for p in cli.json("location", "list")["locations"] if p["id"] == 1
        ]
        seen.append((status, now["inside_now"], truth))
        return now["inside_now"] == truth

    try:
        try:
            wait_until(shows_the_database, timeout=4, what="the check-in, kept by nginx")
        except RuntimeError:
            raise AssertionError(f"(cache status, served, database) each try: {seen}") from None
        assert seen[-1][1] >= 1  # the probe, at least
    finally:
        operator("checkout", member, "--location", "Downtown")


def test_a_hundred_scans_of_one_card_across_both_instances_never_open_two_visits(
    cluster: Cluster, cli: Cli, active_members: list[str]
) -> None:
    member = next(code for code in active_members if not _open_visits(cluster, code))
    earlier = len(_visits(cluster, [member])[member])
    tokens = [_device_token(cli, Through(i.url, cli)) for i in cluster.instances]
    answers: list[str] = []
    ready = threading.Barrier(20)

    def door(instance: ProdServer, token: str) -> None:
        with kiosk_tab(Through(instance.url, cli), stored_token=token) as kiosk:
            ready.wait()
            for _ in range(5):
                kiosk.send("scan", form={"code": member})
                answers.append(kiosk.until(lambda delta: "screen" in delta)["screen"])

    doors = [
        threading.Thread(target=door, args=(instance, token))
        for instance, token in zip(cluster.instances, tokens, strict=True)
        for _ in range(10)
    ]
    for thread in doors:
        thread.start()
    for thread in doors:
        thread.join(120)
    assert len(answers) == 100
    # Each answer is what the database did: a card scanned again within the re-scan window
    # (1 s) is "already"; after it, the visit closes (and may open again). However long the
    # hundred took, no two visits overlap and each welcome and goodbye is one row's doing.
    visits = _visits(cluster, [member])[member][earlier:]
    assert answers.count("welcome") == len(visits) >= 1, (sorted(answers), visits)
    assert answers.count("goodbye") == sum(1 for _, out in visits if out is not None)
    assert answers.count("already") == 100 - answers.count("welcome") - answers.count("goodbye")
    _never_inside_twice(member, visits)


@dataclass
class Doors:
    """Kiosks scanning through nginx, every `gap` seconds, each scan from a fresh tab, so
    nginx spreads them over the instances and a dead instance's share moves over."""

    through: Through
    token: str
    members: list[str]
    gap: float = 0.15
    shown: dict[str, list[str]] = field(default_factory=dict)  # member -> screens shown
    unanswered: int = 0
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Doors:
        self._thread = threading.Thread(target=self._scan_until_stopped)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(60)

    def scans_shown(self) -> int:
        return sum(len(screens) for screens in self.shown.values())

    def _scan_until_stopped(self) -> None:
        turn = 0
        while not self._stop.is_set():
            member = self.members[turn % len(self.members)]
            turn += 1
            try:
                with kiosk_tab(self.through, stored_token=self.token) as kiosk:
                    kiosk.send("scan", form={"code": member})
                    screen = kiosk.until(lambda delta: "screen" in delta, timeout=5)["screen"]
            except Exception as exc:  # the instance died under it: not shown, so not counted
                self.unanswered += 1
                self.failures.append(f"{time.monotonic():.1f} {type(exc).__name__}: {exc}"[:200])
            else:
                self.shown.setdefault(member, []).append(screen)
            time.sleep(self.gap)


def _visits(cluster: Cluster, codes: list[str]) -> dict[str, list[tuple]]:
    engine = sa.create_engine(cluster.database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT m.member_code, v.checked_in_at, v.checked_out_at FROM visit v "
                "JOIN member m ON m.id = v.member_id WHERE m.member_code = ANY(:codes) "
                "ORDER BY v.checked_in_at"
            ),
            {"codes": codes},
        ).all()
    visits: dict[str, list[tuple]] = {code: [] for code in codes}
    for code, checked_in, checked_out in rows:
        visits[code].append((checked_in, checked_out))
    return visits


def _open_visits(cluster: Cluster, code: str) -> list[tuple]:
    return [visit for visit in _visits(cluster, [code])[code] if visit[1] is None]


def _assert_nothing_lost_or_doubled(cluster: Cluster, doors: Doors, since: dict) -> None:
    """Every check-in and check-out a kiosk showed is in the database (beyond what was
    there before the stream), and no member was ever inside twice at once."""
    after = _visits(cluster, doors.members)
    for code, screens in doors.shown.items():
        new_ins = len(after[code]) - len(since[code])
        new_outs = sum(1 for v in after[code] if v[1] is not None) - sum(
            1 for v in since[code] if v[1] is not None
        )
        assert new_ins >= screens.count("welcome"), (code, screens, after[code])
        assert new_outs >= screens.count("goodbye"), (code, screens, after[code])
        _never_inside_twice(code, after[code])


def _never_inside_twice(code: str, visits: list[tuple]) -> None:
    """Each visit (in order of arrival) ended before the next began: at most one is open."""
    for (_, left), (next_arrived, _) in itertools.pairwise(visits):
        assert left is not None and left <= next_arrived, f"{code} was inside twice: {visits}"


def _record(fault: str, doors: Doors) -> None:
    """What a stream through a fault came to, for the closing notes (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    figures = ARTIFACTS / "cluster-faults.json"
    seen = json.loads(figures.read_text()) if figures.exists() else {}
    seen[fault] = {
        "scans_shown": doors.scans_shown(),
        "unanswered": doors.unanswered,
        "failures": doors.failures,
    }
    figures.write_text(json.dumps(seen, indent=1))


def _converged(page: Page, cli: Cli) -> None:
    """The dashboard shows what the database says, within 5 s."""
    stats = cli.json("stats")
    expect(page.locator("#stat-inside-now")).to_have_text(str(stats["inside_now"]), timeout=5000)
    expect(page.locator("#stat-checkins-today")).to_have_text(
        str(stats["checkins_today"]), timeout=5000
    )


def test_a_hung_redis_does_not_slow_the_door(
    cluster: Cluster, cli: Cli, active_members: list[str]
) -> None:
    """Redis stopped with SIGSTOP (connections open, nothing answers): the door answers as
    ever. The answer times are written to test-artifacts/ (figures, not a timed assertion)."""
    instance = cluster.instances[0]
    token = _device_token(cli, Through(instance.url, cli))
    times: dict[str, list[float]] = {"redis_up": [], "redis_hung": []}
    cluster.redis.hang()
    try:
        phases = {"redis_hung": active_members[18:21], "redis_up": active_members[21:24]}
        for phase, members in phases.items():
            if phase == "redis_up":
                cluster.redis.wake()
            with kiosk_tab(Through(instance.url, cli), stored_token=token) as kiosk:
                for member in members:
                    began = time.perf_counter()
                    kiosk.send("scan", form={"code": member})
                    screen = kiosk.until(lambda delta: "screen" in delta)["screen"]
                    times[phase].append(round((time.perf_counter() - began) * 1000, 1))
                    assert screen in DONE, (phase, member, screen)
    finally:
        cluster.redis.wake()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "cluster-door-answer-ms.json").write_text(json.dumps(times, indent=1))
    print(f"door answers with Redis hung / up, ms: {times}")


def test_redis_killed_during_scans_loses_nothing_and_everything_converges(
    cluster: Cluster, browser: Browser, cli: Cli, active_members: list[str]
) -> None:
    pages = _dashboards_on_both(cluster, browser, cli)
    token = _device_token(cli, Through(cluster.nginx.url, cli))
    members = active_members[2:10]
    since = _visits(cluster, members)
    with Doors(Through(cluster.nginx.url, cli), token, members) as doors:
        time.sleep(2)
        cluster.redis.stop()
        for page in pages.values():  # both say so in words, while scans go on
            expect(page.locator("#relay-notice")).to_have_text(DELAYED, timeout=10_000)
        shown_while_down = doors.scans_shown()
        time.sleep(4)
        assert doors.scans_shown() > shown_while_down, "the doors stopped with Redis"
        ARTIFACTS.mkdir(exist_ok=True)
        delayed = next(iter(pages.values()))
        delayed.screenshot(path=ARTIFACTS / "cluster-redis-down.png")
        assert blocking_violations(delayed) == []
        cluster.redis.start()
        for page in pages.values():
            expect(page.locator("#relay-notice")).to_have_count(0, timeout=10_000)
        time.sleep(2)
    for page in pages.values():
        _converged(page, cli)
        page.close()
    assert doors.scans_shown() >= 20 and doors.unanswered == 0
    _assert_nothing_lost_or_doubled(cluster, doors, since)
    _record("redis_killed", doors)


def test_a_deploy_restarts_an_instance_mid_stream_and_nothing_is_lost(
    cluster: Cluster, browser: Browser, cli: Cli, active_members: list[str]
) -> None:
    """SIGTERM (what a deploy sends): the instance closes its sockets, whose tabs move to
    the other; it comes back, and the stream never stopped."""
    pages = _dashboards_on_both(cluster, browser, cli)
    through = Through(cluster.nginx.url, cli)
    members = active_members[2:10]
    since = _visits(cluster, members)
    with Doors(through, _device_token(cli, through), members) as doors:
        time.sleep(2)
        cluster.instances[1].stop()
        time.sleep(3)
        cluster.instances[1].start()
        time.sleep(2)
    for page in pages.values():
        _converged(page, cli)
        page.close()
    assert doors.scans_shown() >= 20
    _assert_nothing_lost_or_doubled(cluster, doors, since)
    _record("deploy", doors)


def test_an_instance_killed_mid_stream_loses_no_scan_and_its_tabs_recover(
    cluster: Cluster, browser: Browser, cli: Cli, active_members: list[str]
) -> None:
    pages = _dashboards_on_both(cluster, browser, cli)
    through = Through(cluster.nginx.url, cli)
    kiosk_page = new_kiosk(browser, through)
    victim = _instance_of_kiosk(cluster, kiosk_page)
    members = active_members[10:18]
    since = _visits(cluster, members)
    with Doors(through, _device_token(cli, through), members) as doors:
        time.sleep(2)
        os.kill(victim.pid, signal.SIGKILL)
        time.sleep(8)
    for page in pages.values():  # the victim's tab too, now through the other instance
        _converged(page, cli)
    # The kiosk that was on it scans again, after at most a "Reconnecting" screen.
    expect(kiosk_page.locator("#kiosk-offline")).to_have_count(0, timeout=15_000)
    member = next(code for code in active_members[24:] if not _open_visits(cluster, code))
    wedge(kiosk_page, member)
    expect(kiosk_page.locator("#kiosk-answer")).to_have_attribute("data-screen", "welcome")
    assert len(_open_visits(cluster, member)) == 1
    assert doors.scans_shown() >= 20
    _assert_nothing_lost_or_doubled(cluster, doors, since)
    _record("instance_killed", doors)
    for page in [*pages.values(), kiosk_page]:
        page.close()


def _instance_of_kiosk(cluster: Cluster, page: Page) -> ProdServer:
    """The instance whose /metrics counts the kiosk page's socket."""
    for instance in cluster.instances:
        if _metric(instance, "gym_live_open_kiosks") == 1:
            return instance
    raise AssertionError(f"no instance holds the kiosk page's socket ({page.url})")


def test_the_kiosk_says_offline_in_its_own_words_and_clears_by_itself(
    cluster: Cluster, browser: Browser, cli: Cli
) -> None:
    """Both instances gone, then one back: the kiosk's own screen, never Reflex's toast."""
    page = new_kiosk(browser, Through(cluster.nginx.url, cli))
    for scheme in ("dark", "light"):  # the paired scan screen, keypad and all, first
        page.emulate_media(color_scheme=scheme)
        assert blocking_violations(page) == [], scheme
    for instance in cluster.instances:
        instance.stop()
    expect(page.locator("#kiosk-offline-title")).to_have_text(OFFLINE, timeout=30_000)
    assert page.locator("[data-sonner-toast]:visible").count() == 0
    for scheme in ("dark", "light"):
        page.emulate_media(color_scheme=scheme)
        assert blocking_violations(page) == [], scheme
    page.screenshot(path=ARTIFACTS / "cluster-kiosk-offline.png")
    cluster.instances[0].start()
    expect(page.locator("#kiosk-offline")).to_have_count(0, timeout=30_000)
    expect(page.locator("#kiosk-code")).to_be_visible()
    page.close()


def test_two_instances_started_at_once_on_an_empty_database_migrate_once_and_serve(
    postgres_base_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """As two containers of the Dockerfile start: `migrate && serve`, both at once."""
    database_url = fresh_postgres_database(postgres_base_url)
    workdir = tmp_path_factory.mktemp("together")
    env = app_environment(database_url, GYM_PHOTO_DIR=str(workdir / "photos"))
    ports = free_port(), free_port()
    command = "{python} -m gym_live migrate && exec {python} -m gym_live.serve --port {port}"
    starts = [
        subprocess.Popen(
            ["sh", "-c", command.format(python=sys.executable, port=port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=(workdir / f"{port}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for port in ports:
            wait_until(lambda port=port: _ready(port), timeout=120, what=f"instance on {port}")
    finally:
        for started in starts:
            os.killpg(started.pid, signal.SIGTERM)
            started.wait(30)
    for port in ports:
        log = (workdir / f"{port}.log").read_text()
        assert "Database is at the newest schema." in log and "Traceback" not in log, log
    engine = sa.create_engine(database_url, poolclass=sa.NullPool)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    check_schema(database_url)


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False
