"""The built pages: made once per version of the code, then served by every instance.

The build does not depend on the port or the host (the pages open their socket on their own
origin: same_origin.py), so one build in `.web/build/client` serves any number of instances
started from this checkout or image. It is remade only when what it is made from changed
(the app's code, its assets, the frontend packages' lock, the Reflex version), and instances
that start together take turns: the first builds, the others find the build current.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
WEB_DIR = PROJECT_ROOT / ".web"
PAGES_DIR = WEB_DIR / "build" / "client"
# Written beside the pages once they are built: what they were built from.
STAMP = WEB_DIR / "build" / "gym_live-source.sha256"
# What the pages are made from, relative to the project root.
SOURCES = ("gym_live", "assets", "reflex.lock", "rxconfig.py")
BUILDING = "gym_live: building the pages for this version of the code (once)"
SOURCE_SUFFIXES = {".py", ".css", ".js", ".json", ".svg", ".png", ".ico", ".woff2"}


def source_digest() -> str:
    """A digest of every file the build is made from, and of the Reflex version."""
    digest = hashlib.sha256(importlib.metadata.version("reflex").encode())
    for path in sorted(_source_files()):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _source_files() -> Iterator[Path]:
    for name in SOURCES:
        root = PROJECT_ROOT / name
        candidates = root.rglob("*") if root.is_dir() else [root]
        yield from (
            path
            for path in candidates
            if path.is_file() and path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
        )


def is_current(digest: str | None = None) -> bool:
    """Whether the built pages exist and were made from this code (its `digest`, when the
    caller has it already)."""
    if not (PAGES_DIR.is_dir() and STAMP.is_file()):
        return False
    return STAMP.read_text() == (digest or source_digest())


def ensure_built() -> bool:
    """Build the pages unless a current build exists; True when this call built them.

    Holds a lock on the checkout while it checks and builds, so instances that start at
    once build only once and never serve a half-written build.
    """
    WEB_DIR.mkdir(exist_ok=True)
    with open(WEB_DIR / "gym_live-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        digest = source_digest()
        if is_current(digest):
            return False
        STAMP.unlink(missing_ok=True)
        print(BUILDING, flush=True)
        _export()
        STAMP.write_text(digest)
        return True


def _export() -> None:
    reflex = Path(sys.executable).with_name("reflex")
    subprocess.run(
        # warning: Reflex's own hints (`reflex run`, `uv run ...`) do not apply here.
        [
            str(reflex),
            "export",
            "--frontend-only",
            "--no-zip",
            "--env",
            "prod",
            "--loglevel",
            "warning",
        ],
        cwd=PROJECT_ROOT,
        env=os.environ,
        check=True,
    )
