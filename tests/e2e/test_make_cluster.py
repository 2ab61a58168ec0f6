"""`make cluster` itself (devtools/cluster.py's main, on free ports): it comes up, an admin
signs in through nginx with the password it printed, and SIGTERM leaves nothing running."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from playwright.sync_api import Browser, expect

from devtools.servers import PROJECT_ROOT, accepts, free_port
from tests.helpers.app import Through
from tests.helpers.cli import Cli
from tests.helpers.dashboard_page import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]
UP = "Ctrl-C stops everything."


def test_make_cluster_serves_through_nginx_and_stops_everything_on_sigterm(
    browser: Browser,
) -> None:
    public, *instances = free_port(), free_port(), free_port()
    command = [sys.executable, "-m", "devtools.cluster", "--port", str(public)]
    process = subprocess.Popen(
        [*command, "--instance-ports", *map(str, instances)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 240
        while not any(UP in line for line in lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.5)
        printed = "".join(lines)
        account = re.search(r"username: (\S+)\s+password: (\S+)", printed)
        database = re.search(r"PostgreSQL (\S+)", printed)
        assert account and database, printed
        servers = {int(port) for port in re.findall(r"127\.0\.0\.1:(\d+)", printed)}
        assert len(servers) == 4, printed  # the two instances, Redis, PostgreSQL
        with urllib.request.urlopen(f"http://127.0.0.1:{public}/ready", timeout=10) as ready:
            assert json.loads(ready.read())["ready"] is True
        page = browser.new_page()
        through = Through(f"http://127.0.0.1:{public}", Cli(database[1]))
        sign_in(page, through, *account.groups())
        expect(page.locator("#stat-inside-now")).to_have_text(re.compile(r"^\d+$"))
        page.close()
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(60)
        reader.join(10)
    assert code == 0, "".join(lines)
    assert "nothing left running" in "".join(lines)
    # nginx, both instances, PostgreSQL and Redis all gone
    left = [port for port in {public, *instances} | servers if accepts(port)]
    assert not left, f"still listening: {left}"
