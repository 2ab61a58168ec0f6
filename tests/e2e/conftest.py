"""The app in production mode on a free port with its own database, and a real chromium."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.integration.test_cli import Cli
from tests.servers import free_port, wait_until

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
APP_START_TIMEOUT = 420


@dataclass(frozen=True)
class RunningApp:
    url: str
    cli: Cli
    reconcile_seconds: float


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    database = tmp_path_factory.mktemp("app") / "e2e.db"
    cli = Cli(f"sqlite:///{database}")
    cli("migrate")
    cli("seed-demo")
    port = free_port()
    env = {
        **cli.env,
        "PATH": f"{PROJECT_ROOT / '.tools/node_modules/.bin'}{os.pathsep}{os.environ['PATH']}",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "0",
    }
    log = open(tmp_path_factory.mktemp("logs") / "reflex.log", "w+")  # noqa: SIM115
    reflex = Path(sys.executable).with_name("reflex")
    proc = subprocess.Popen(
        [str(reflex), "run", "--env", "prod", "--frontend-port", str(port),
         "--backend-port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: _started(proc, url), timeout=APP_START_TIMEOUT, what="the app")
        yield RunningApp(url=url, cli=cli, reconcile_seconds=5.0)
    except RuntimeError:
        log.seek(0)
        pytest.fail(f"the app did not start:\n{log.read()[-4000:]}")
    finally:
        _stop(proc)
        log.close()


def _started(proc: subprocess.Popen, url: str) -> bool:
    if proc.poll() is not None:
        raise RuntimeError(f"reflex run exited with {proc.returncode}")
    return _answers(url + "/ping") and _answers(url)


def _stop(proc: subprocess.Popen) -> None:
    """Stop reflex and the server processes it started (one process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
