"""`make cluster` (`python -m devtools.cluster`): the production setup on this machine.

A throwaway PostgreSQL and Redis, the pages built once, two gym_live instances serving that
one build, and nginx in front on http://localhost:8080 with deploy/nginx.conf.template.
Demo data; the first admin's password is printed once. Ctrl-C stops everything it started.
The cluster tests start the same thing on free ports (tests/e2e/cluster/).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from devtools.servers import (
    PROJECT_ROOT,
    ProdServer,
    RedisProcess,
    accepts,
    app_environment,
    free_port,
    postgres_server,
    redis_process,
    wait_until,
)

NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf.template"
# Where make cluster listens, and its instances behind nginx.
PUBLIC_PORT, INSTANCE_PORTS = 8080, (3001, 3002)
# What the process around nginx's site configuration needs, in a folder of its own.
NGINX_MAIN = """\
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
    include {prefix}/gym_live.conf;
}}
"""


class Nginx:
    """Debian's nginx in the foreground, with the site configuration from deploy/."""

    def __init__(self, workdir: Path, port: int, upstreams: Sequence[str]) -> None:
        self.port, self.url = port, f"http://127.0.0.1:{port}"
        self.prefix = workdir / "nginx"
        self._upstreams = upstreams
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise RuntimeError("nginx is not installed (make cluster and make test install it)")
        self._write_config()
        self._proc = subprocess.Popen(
            [binary, "-p", str(self.prefix), "-c", str(self.prefix / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: accepts(self.port), timeout=15, what="nginx")

    @property
    def pid(self) -> int:
        """The master process (its workers are its children)."""
        assert self._proc is not None, "nginx is not running"
        return self._proc.pid

    def stop(self) -> None:
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)
            self._proc.wait(10)
            self._proc = None

    def _write_config(self) -> None:
        a, b = self._upstreams
        site = fill_template(
            NGINX_TEMPLATE.read_text(),
            GYM_INSTANCE_A=a,
            GYM_INSTANCE_B=b,
            GYM_LISTEN=f"127.0.0.1:{self.port}",
            GYM_CACHE_DIR=str(self.prefix / "cache"),
        )
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "temp" / name).mkdir(parents=True, exist_ok=True)
        (self.prefix / "gym_live.conf").write_text(site)
        main = NGINX_MAIN.format(prefix=self.prefix) + "daemon off;\n"
        if os.geteuid() == 0:  # its workers would run as nobody, who cannot reach a temp folder
            main = "user root;\n" + main
        (self.prefix / "nginx.conf").write_text(main)


def fill_template(text: str, **values: str) -> str:
    """`${GYM_...}` replaced, as the nginx image's envsubst does; nginx's own `$names` stay.

    Raises:
        KeyError: the template names a value not given.
    """
    return re.sub(r"\$\{(GYM_[A-Z_]+)\}", lambda found: values[found[1]], text)


@dataclass
class Cluster:
    database_url: str
    redis: RedisProcess
    instances: tuple[ProdServer, ProdServer]
    nginx: Nginx
    env: dict[str, str]

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(self.env, *args)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m gym_live ...` with this environment, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "gym_live", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


@contextlib.contextmanager
def running_cluster(
    workdir: Path,
    *,
    public_port: int | None = None,
    instance_ports: tuple[int, int] | None = None,
    log: IO[str] | None = None,
    **settings: str,
) -> Iterator[Cluster]:
    """Everything up, migrated once and seeded with the demo; stopped on leaving, whatever
    state it was left in (an instance killed, Redis stopped)."""
    say = (lambda text: print(text, file=log, flush=True)) if log else (lambda text: None)
    with postgres_server() as server_url, redis_process() as redis:
        database_url = _new_database(server_url, "gym_live")
        env = app_environment(
            database_url,
            REDIS_URL=redis.url,
            GYM_PHOTO_DIR=str(workdir / "photos"),
            **settings,
        )
        say("gym_live cluster: PostgreSQL and Redis are up; migrating and seeding the demo")
        run_cli(env, "migrate")
        run_cli(env, "seed-demo", "--if-empty")
        say("gym_live cluster: building the pages once for both instances")
        subprocess.run(
            [sys.executable, "-m", "gym_live.serve", "--build-only"],
            env=env,
            cwd=PROJECT_ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        ports = instance_ports or (free_port(), free_port())
        instances = (
            ProdServer(env, workdir / "instance-1.log", port=ports[0]),
            ProdServer(env, workdir / "instance-2.log", port=ports[1]),
        )
        upstreams = [f"127.0.0.1:{instance.port}" for instance in instances]
        nginx = Nginx(workdir, public_port or free_port(), upstreams)
        try:
            _start_together(instances)
            nginx.start()
            yield Cluster(database_url, redis, instances, nginx, env)
        finally:
            nginx.stop()
            for instance in instances:
                instance.stop()


def _new_database(server_url: str, name: str) -> str:
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return server_url.rsplit("/", 1)[0] + f"/{name}"


def _start_together(instances: Sequence[ProdServer]) -> None:
    """Start every instance at once, as a deploy does; raise the first one's failure."""
    failures: list[BaseException] = []

    def start(instance: ProdServer) -> None:
        try:
            instance.start()
        except BaseException as exc:  # re-raised below, in the caller's thread
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(instance,)) for instance in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]


def _interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make cluster", description=__doc__)
    parser.add_argument("--port", type=int, default=PUBLIC_PORT, help="nginx's (the public) port")
    parser.add_argument(
        "--instance-ports", type=int, nargs=2, default=INSTANCE_PORTS, metavar=("A", "B")
    )
    args = parser.parse_args(argv)
    public = f"http://localhost:{args.port}"
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C, or `kill`: stop and clean up
        signal.signal(signum, _interrupted)
    with tempfile.TemporaryDirectory(prefix="gym_live_cluster_") as tmp:
        workdir = Path(tmp)
        if os.geteuid() == 0:  # PostgreSQL runs as its own account (devtools.servers)
            workdir.chmod(0o755)
        try:
            with running_cluster(
                workdir,
                public_port=args.port,
                instance_ports=tuple(args.instance_ports),
                log=sys.stdout,
            ) as cluster:
                admin = cluster.cli("staff", "first-admin", "--url", public)
                print(admin.stdout.strip(), flush=True)
                a, b = (instance.url for instance in cluster.instances)
                print(
                    f"gym_live cluster: {public} (nginx) -> {a} and {b}; "
                    f"Redis {cluster.redis.url}; PostgreSQL {cluster.database_url}\n"
                    f"logs in {workdir}. Ctrl-C stops everything.",
                    flush=True,
                )
                stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            print("gym_live cluster: stopped; nothing left running.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
