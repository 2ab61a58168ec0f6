"""The operator CLI run as operators run it: a process, its output and its exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys


class Cli:
    def __init__(self, database_url: str) -> None:
        self.env = {**os.environ, "DATABASE_URL": database_url, "GYM_TIMEZONE": "Europe/Berlin"}

    def __call__(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "gym_live", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,  # never a terminal: nothing waits for a prompt
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert (done.returncode == 0) is ok, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
        return done

    def pin(self, code: str, pin: str) -> None:
        """Set a PIN the way a script would: on stdin, never on the command line."""
        done = subprocess.run(
            [sys.executable, "-m", "gym_live", "member", "set-pin", code],
            env=self.env,
            input=pin + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr

    def json(self, *args: str, ok: bool = True) -> dict:
        data = json.loads(self(*args, "--json", ok=ok).stdout)
        assert data["ok"] is ok
        return data
