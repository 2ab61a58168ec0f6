"""The app under measurement: a seeded chain on a temp database, served as in production.

Why not tests/e2e/conftest.py's AppServer: it seeds the 40-member demo and reports failures
through pytest; a benchmark needs a chain-sized database and plain exceptions. Both subclass
devtools.servers.ProdServer, so the app is started the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from devtools.servers import (
    PROJECT_ROOT,
    ProdServer,
    app_environment,
    postgres_server,
    redis_server,
)
from gym_live.adapters.bus import MemoryBus
from gym_live.adapters.db import build_engine
from gym_live.domain.members import search_text
from gym_live.models import Location, Member, Visit
from gym_live.services import sessions, staff
from gym_live.services.deps import Deps
from gym_live.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
TICKS = os.sysconf("SC_CLK_TCK")
MEMBERS = 50_000
FIRST_CODE = 20_000_001
# Capacity high enough that the gym is never "full" during a run.
LOCATIONS = (("Downtown", 2_000), ("Harbour", 2_000), ("Airport", 2_000))
CHUNK = 20_000
# The live chain's past and today, at the dashboards' location.
HISTORY = 100_000
TODAY_VISITS, TODAY_INSIDE = 200, 25


def member_code(index: int) -> str:
    """Bench member i (0-based) carries card number 20000001 + i."""
    return str(FIRST_CODE + index)


# The card a single-kiosk scenario toggles; nothing else in the bench touches it.
KIOSK_CARD = member_code(100)
BENCH_STAFF, BENCH_PASSWORD = "bench", "bench front desk password"


def inside_after(screen: str | None) -> int:
    """People at Downtown after a scan of KIOSK_CARD answered with `screen`: the card
    toggles the day's TODAY_INSIDE and one more."""
    return TODAY_INSIDE + (screen == "welcome")


def raise_open_files(wanted: int = 16_384) -> int:
    """Hundreds of sockets in one process need more descriptors than the default 1,024."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _cli(database_url: str, *args: str) -> str:
    """Run the operator CLI as an operator would; raise with its output on failure."""
    done = subprocess.run(
        [sys.executable, "-m", "gym_live", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT_ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"gym_live {' '.join(args)} failed: {done.stdout} {done.stderr}")
    return done.stdout


def gym(database_url: str, *args: str) -> dict[str, Any]:
    """A CLI command's --json answer."""
    return json.loads(_cli(database_url, *args, "--json"))


def migrate(database_url: str) -> None:
    _cli(database_url, "migrate")


def seed_chain(database_url: str, *, members: int = MEMBERS) -> dict[str, int]:
    """3 locations and `members` active members, by SQLAlchemy core bulk inserts (seconds)."""
    engine = build_engine(database_url, pooled=False)
    now = datetime.now(UTC)
    valid_until = date.today() + timedelta(days=730)
    try:
        with engine.begin() as conn:
            conn.execute(
                sa.insert(Location.__table__),
                [{"name": name, "capacity": cap, "timezone": "UTC"} for name, cap in LOCATIONS],
            )
            for start in range(0, members, CHUNK):
                conn.execute(
                    sa.insert(Member.__table__),
                    [
                        {
                            "id": uuid.UUID(int=i + 1),
                            "member_code": member_code(i),
                            "full_name": f"Bench Member {i:05d}",
                            "search_key": f"bench member {i:05d}",
                            "search_text": search_text(
                                f"Bench Member {i:05d}", member_code(i), None, None
                            ),
                            "status": "active",
                            "valid_until": valid_until,
                            "created_at": now,
                        }
                        for i in range(start, min(start + CHUNK, members))
                    ],
                )
    finally:
        engine.dispose()
    return {"locations": len(LOCATIONS), "members": members}


def add_history(
    database_url: str, count: int, *, first_visit: int = 0, members: int = MEMBERS
) -> None:
    """`count` closed visits spread over the past three years, never today.

    Deterministic (visit k is a function of k) so that 10k, 100k and 1M build on each other.
    """
    engine = build_engine(database_url, pooled=False)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    span = 3 * 365 * 24 * 3600
    try:
        with engine.begin() as conn:
            for start in range(first_visit, first_visit + count, CHUNK):
                rows = []
                for k in range(start, min(start + CHUNK, first_visit + count)):
                    # A large odd stride scatters visits over the three years.
                    back = 86_400 + (k * 2_654_435_761) % span
                    began = today - timedelta(seconds=back)
                    rows.append(
                        {
                            "member_id": uuid.UUID(int=k % members + 1),
                            "location_id": k % len(LOCATIONS) + 1,
                            "checked_in_at": began,
                            "checked_out_at": began + timedelta(minutes=30 + k % 90),
                            "checkout_reason": "member",
                            "source": "kiosk",
                        }
                    )
                conn.execute(sa.insert(Visit.__table__), rows)
    finally:
        engine.dispose()


def process_tree(root: int) -> list[int]:
    """`root` and every process below it, read from /proc (the server is one process; any
    child it started counts too)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time of these processes, and of their children that ended."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in fields[11:15])
    return total / TICKS


def rss_kib(pid: int) -> int:
    return _kib(f"/proc/{pid}/status", "VmRSS:")


def pss_kib(pid: int) -> int:
    """Proportional set size: pages shared with other processes (libraries) counted once
    across them, so the server's figure does not depend on what else is running."""
    return _kib(f"/proc/{pid}/smaps_rollup", "Pss:")


def _kib(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:120]
    except OSError:
        return ""


class BenchApp(ProdServer):
    """The app in production mode on a seeded temp database (devtools.servers.ProdServer)."""

    def __init__(
        self, database_url: str, settings: dict[str, str], log_path: Path, staff_token: str
    ) -> None:
        self.database_url = database_url
        # A signed-in front desk session: every simulated and real dashboard uses it.
        self.staff_token = staff_token
        super().__init__(app_environment(database_url, **settings), log_path)

    def server_rss(self) -> dict[str, Any]:
        """Memory of the whole process tree (RSS summed, and PSS), and of each process (MiB)."""
        pids = sorted(process_tree(self.pid))
        rss, pss = {pid: rss_kib(pid) for pid in pids}, {pid: pss_kib(pid) for pid in pids}
        return {
            "total_mib": round(sum(rss.values()) / 1024, 1),
            "pss_total_mib": round(sum(pss.values()) / 1024, 1),
            "processes": [
                {
                    "pid": pid,
                    "rss_mib": round(rss[pid] / 1024, 1),
                    "pss_mib": round(pss[pid] / 1024, 1),
                    "cmd": command_line(pid),
                }
                for pid in pids
            ],
        }

    def pairing_code(self, location: str = "Downtown") -> str:
        return gym(self.database_url, "kiosk", "add", "--location", location)["pairing_code"]


def staff_session(database_url: str) -> str:
    """A front-desk account on the bench database, signed in: the token a browser keeps."""
    deps = Deps(
        engine=build_engine(database_url, pooled=False),
        bus=MemoryBus(),
        settings=Settings(database_url=database_url),
    )
    staff.add_staff(BENCH_STAFF, role="front_desk", password=BENCH_PASSWORD, deps=deps)
    return sessions.sign_in(BENCH_STAFF, BENCH_PASSWORD, deps=deps)[1]


# The rescan window is a guard against double reads; the bench toggles one card quickly.
BENCH_SETTINGS = {"GYM_RESCAN_WINDOW": "0.001", "GYM_TIMEZONE": "UTC"}


@contextlib.contextmanager
def running_chain(
    name: str, *, history: int = HISTORY, settings: dict[str, str] | None = None
) -> Iterator[BenchApp]:
    """A migrated, seeded chain served in production mode, removed afterwards.

    Downtown (the dashboards' location) has a day's traffic so far, with people inside,
    so each broadcast carries a realistic feed and "who is inside" list.
    """
    with (
        tempfile.TemporaryDirectory(prefix=f"gym_bench_{name}_") as tmp,
        bench_database(Path(tmp)) as (database_url, bus),
        serving(database_url, Path(tmp), history, {**bus, **(settings or {})}) as (app,),
    ):
        yield app


@contextlib.contextmanager
def bench_database(folder: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """SQLite in `folder` (the embedded default), or with BENCH_POSTGRES=1 the production
    setup: a throwaway PostgreSQL, and a throwaway Redis as the event bus."""
    if os.environ.get("BENCH_POSTGRES") != "1":
        yield f"sqlite:///{folder / 'bench.db'}", {}
        return
    with postgres_server() as database_url, redis_server() as redis_url:
        yield database_url, {"REDIS_URL": redis_url}


@contextlib.contextmanager
def running_instances(count: int) -> Iterator[tuple[BenchApp, ...]]:
    """The production setup: `count` instances on one throwaway PostgreSQL, sharing a
    throwaway Redis as their event bus."""
    with (
        tempfile.TemporaryDirectory(prefix="gym_bench_instances_") as tmp,
        postgres_server() as database_url,
        redis_server() as redis_url,
        serving(database_url, Path(tmp), 0, {"REDIS_URL": redis_url}, count) as apps,
    ):
        yield apps


def seed(database_url: str, history: int = HISTORY) -> None:
    """Migrate, then the chain, `history` past visits, and Downtown's day so far."""
    migrate(database_url)
    seed_chain(database_url)
    if history:
        add_history(database_url, history)
    add_today(database_url, TODAY_VISITS, still_inside=TODAY_INSIDE, first_member=40_000)


@contextlib.contextmanager
def serving(
    database_url: str, logs: Path, history: int, settings: dict[str, str], count: int = 1
) -> Iterator[tuple[BenchApp, ...]]:
    """The seeded chain on this database, served by `count` instances started one by one
    (the first builds the pages unless a build of this code exists; all serve that build)."""
    seed(database_url, history)
    env = {**BENCH_SETTINGS, **settings}
    token = staff_session(database_url)
    apps = tuple(BenchApp(database_url, env, logs / f"server{n}.log", token) for n in range(count))
    try:
        for app in apps:
            started = app.start()
            print(f"  app up on {app.url} in {started:.1f} s", flush=True)
        yield apps
    finally:
        for app in apps:
            app.stop()


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    mem_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "ram_gib": round(mem_kib / 1024 / 1024, 1),
        "python": sys.version.split()[0],
    }


def write_result(scenario: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{scenario}.json"
    payload = {"scenario": scenario, "at": datetime.now(UTC).isoformat(), "machine": machine()}
    path.write_text(json.dumps({**payload, **data}, indent=2) + "\n")
    return path


def add_today(database_url: str, count: int, *, still_inside: int, first_member: int) -> None:
    """Today's traffic at the first location: `count` visits, the last `still_inside` open.

    Members from `first_member` on, so the cards the kiosks toggle stay untouched.
    """
    engine = build_engine(database_url, pooled=False)
    now = datetime.now(UTC)
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    # Check-ins spread over the day so far, ending before now even just after midnight.
    usable = max((now - midnight) - timedelta(minutes=2), (now - midnight) / 2)
    rows = []
    for n in range(count):
        began = midnight + usable * (n / max(count, 1))
        is_open = n >= count - still_inside
        left = None if is_open else min(began + timedelta(minutes=20 + n % 70), now)
        rows.append(
            {
                "member_id": uuid.UUID(int=first_member + n + 1),
                "location_id": 1,
                "checked_in_at": began,
                "checked_out_at": left,
                "checkout_reason": None if is_open else "member",
                "source": "kiosk",
            }
        )
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(Visit.__table__), rows)
    finally:
        engine.dispose()
