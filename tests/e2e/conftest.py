"""The app in production mode on a free port with its own database, and a real chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.integration.test_cli import Cli
from tests.servers import free_port, wait_until

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP_START_TIMEOUT = 420


class AppServer:
    """`reflex run --env prod` on a demo database; can be stopped and started again."""

    def __init__(self, workdir: Path, **settings: str) -> None:
        self.cli = Cli(f"sqlite:///{workdir / 'app.db'}")
        self.cli("migrate")
        self.cli("seed-demo")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "reflex.log"
        self.env = {
            **self.cli.env,
            **settings,
            "PATH": f"{PROJECT_ROOT / '.tools/node_modules/.bin'}{os.pathsep}{os.environ['PATH']}",
            "REFLEX_USE_NPM": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "0",
        }
        self._proc: subprocess.Popen | None = None
        self._log: IO[str] | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "a")  # noqa: SIM115  (closed in stop)
        reflex = Path(sys.executable).with_name("reflex")
        port = str(self.port)
        self._proc = subprocess.Popen(
            [str(reflex), "run", "--env", "prod", "--frontend-port", port, "--backend-port", port],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_until(self._started, timeout=APP_START_TIMEOUT, what="the app")
        except RuntimeError:
            self.stop()
            pytest.fail(f"the app did not start:\n{self.log_path.read_text()[-4000:]}")

    def stop(self) -> None:
        """Stop reflex and the server processes it started (one process group)."""
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGTERM)
                try:
                    self._proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _started(self) -> bool:
        assert self._proc is not None
        if self._proc.poll() is not None:
            raise RuntimeError(f"reflex run exited with {self._proc.returncode}")
        return _answers(self.url + "/ping") and _answers(self.url)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_app(
    workdir: Path, prepare: Callable[[Cli], object] | None = None, **settings: str
) -> Iterator[AppServer]:
    """The demo app; `prepare` runs CLI commands on its database before it starts."""
    server = AppServer(workdir, **settings)
    if prepare is not None:
        prepare(server.cli)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()
