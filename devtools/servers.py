"""Throwaway Redis and PostgreSQL servers on free ports, and the production app server on one:
what the tests and the benchmarks start (neither imports the other)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(ready: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not become ready within {timeout:.0f} s")


def accepts(port: int) -> bool:
    """Whether something listens on this local port."""
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


class RedisProcess:
    """A redis-server with nothing on disk, on a port of its own that it keeps across
    restarts, so clients reconnect to the same URL; it can be stopped, restarted, hung
    (`kill -STOP`: connections open, nothing answers) and woken."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        args = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._proc = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL)
        wait_until(lambda: accepts(self.port), timeout=15, what="redis-server")

    def stop(self) -> None:
        if self._proc is not None:
            self.wake()
            self._proc.terminate()
            self._proc.wait(10)
            self._proc = None

    def hang(self) -> None:
        assert self._proc is not None, "redis-server is not running"
        self._proc.send_signal(signal.SIGSTOP)

    def wake(self) -> None:
        if self._proc is not None:
            self._proc.send_signal(signal.SIGCONT)


@contextlib.contextmanager
def redis_process() -> Iterator[RedisProcess]:
    """A running RedisProcess, stopped at the end whatever state it was left in."""
    server = RedisProcess()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server with nothing on disk; yields its URL."""
    with redis_process() as server:
        yield server.url


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name)]
    if not found[-1]:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (make test installs it)")
    return found[-1]


def _as_postgres_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root (CI), run it as the postgres account."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL cluster made with initdb in a temp folder; yields a superuser URL."""
    root = Path(tempfile.mkdtemp(prefix="gym_live_pg_"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    run = lambda args: subprocess.run(  # noqa: E731
        _as_postgres_user(args), check=True, capture_output=True, cwd=root
    )
    try:
        run([_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            [
                _pg_bin("pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(root / "log"),
                "-w",
                "start",
            ]
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            run([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
        shutil.rmtree(root, ignore_errors=True)


PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Debian's chromium as root on a machine with no internet (see the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP_START_TIMEOUT = 420.0


def app_environment(database_url: str, **settings: str) -> dict[str, str]:
    """What `make run` sets up: the app's database, settings and the Node 22 from .tools."""
    tools = PROJECT_ROOT / ".tools/node_modules/.bin"
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        **settings,
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "0",
    }


class ProdServer:
    """The production server (`python -m gym_live.serve`) on a port (a free one unless
    given), in its own process group; restartable."""

    def __init__(self, env: dict[str, str], log_path: Path, port: int | None = None) -> None:
        self.env, self.log_path = env, log_path
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None

    @property
    def pid(self) -> int:
        assert self._proc is not None, "the server is not running"
        return self._proc.pid

    def start(self) -> float:
        """Start, and wait until the page and /ping answer; returns the seconds it took.

        Raises:
            RuntimeError: the server exited or did not answer in time (with the log's tail).
        """
        began = time.monotonic()
        self._log = open(self.log_path, "a")  # noqa: SIM115  (closed in stop)
        port = str(self.port)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "gym_live.serve", "--host", "127.0.0.1", "--port", port],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until(self._started, timeout=APP_START_TIMEOUT, what="the app")
        except RuntimeError as exc:
            self.stop()
            raise RuntimeError(f"{exc}:\n{self.log_path.read_text()[-4000:]}") from None
        return time.monotonic() - began

    def stop(self) -> None:
        """Stop the server and anything it started (its own process group)."""
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)
                try:
                    self._proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(self._proc.pid, signal.SIGKILL)
                    self._proc.wait(10)
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _started(self) -> bool:
        assert self._proc is not None
        if self._proc.poll() is not None:
            raise RuntimeError(f"the server exited with {self._proc.returncode}")
        return _answers_http(self.url + "/ping") and _answers_http(self.url + "/")


def _answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
