"""The production setup as `make cluster` runs it: nginx in front of two instances, one
PostgreSQL, one Redis. 500 dashboards and 16 door kiosks connect through nginx, which hashes
each tab to an instance as it would a browser's, and the doors scan at rising rates (the
throughput scenario's steps, bench/load.py). Each step also says where the machine's CPU
went, per scan: the instances, PostgreSQL, Redis, nginx, and this bench's own clients,
which share the same cores.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import load
from bench.harness import HISTORY, BenchApp, cpu_seconds, process_tree, serving, write_result
from devtools.cluster import Nginx
from devtools.servers import free_port, postgres_server, redis_process

CLUSTER_DASHBOARDS = 500
CLUSTER_RATES = (40, 80, 120, 160, 200, 240)


@dataclass
class ThroughNginx:
    """What the throughput steps need of an app, with nginx's address as its own."""

    url: str
    app: BenchApp

    @property
    def staff_token(self) -> str:
        return self.app.staff_token

    @property
    def database_url(self) -> str:
        return self.app.database_url

    def pairing_code(self) -> str:
        return self.app.pairing_code()


def cluster(
    rates: Iterable[float] = CLUSTER_RATES, dashboards: int = CLUSTER_DASHBOARDS
) -> dict[str, Any]:
    rates = tuple(rates)
    print(
        f"cluster: nginx, 2 instances, PostgreSQL + Redis; {dashboards} dashboards and "
        f"{load.THROUGHPUT_KIOSKS} kiosks through nginx, rates {list(rates)} scans/s"
    )
    with (
        tempfile.TemporaryDirectory(prefix="gym_bench_cluster_") as tmp,
        postgres_server() as database_url,
        redis_process() as redis,
        serving(database_url, Path(tmp), HISTORY, {"REDIS_URL": redis.url}, 2) as apps,
    ):
        nginx = Nginx(Path(tmp), free_port(), [f"127.0.0.1:{app.port}" for app in apps])
        nginx.start()
        postmaster, redis_pid = _listening(_port_of(database_url)), _listening(redis.port)
        try:
            parts: dict[str, Callable[[], list[int]]] = {
                "instances": lambda: [pid for app in apps for pid in process_tree(app.pid)],
                "postgresql": lambda: process_tree(postmaster),
                "redis": lambda: [redis_pid],
                "nginx": lambda: process_tree(nginx.pid),
                "bench clients": lambda: [os.getpid()],
            }
            result = asyncio.run(
                load.throughput_on(
                    ThroughNginx(nginx.url, apps[0]),
                    rates,
                    dashboards=dashboards,
                    meter=lambda: {part: cpu_seconds(pids()) for part, pids in parts.items()},
                )
            )
        finally:
            nginx.stop()
    for step in [*result["steps"], result["as_fast_as_possible"]]:
        if step:
            costs = ", ".join(f"{part} {ms}" for part, ms in step["cpu_ms_per_scan"].items())
            print(f"  CPU ms per scan at {step['rate'] or 'flat out'}: {costs}")
    result["dashboards"] = dashboards
    print(f"  -> {write_result(f'cluster-{dashboards}', result)}")
    return result


def _port_of(database_url: str) -> int:
    return int(database_url.rsplit(":", 1)[1].split("/", 1)[0])


def _listening(port: int) -> int:
    """The process listening on 127.0.0.1:`port` (read from /proc, as `ss -p` does)."""
    wanted = f"0100007F:{port:04X}"
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        columns = line.split()
        if columns[1] == wanted and columns[3] == "0A":  # LISTEN
            inodes.add(f"socket:[{columns[9]}]")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (entry / "fd").iterdir()):
                return int(entry.name)
        except OSError:
            continue
    raise RuntimeError(f"nothing listens on port {port}")
