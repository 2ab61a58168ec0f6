"""Loaded by a bench server whose PYTHONPATH starts with this folder (bench/tabmemory.py).

On SIGUSR1 the server writes a tracemalloc snapshot to $BENCH_SNAPSHOT_DIR/<n>.snapshot;
the first signal starts tracing (with $BENCH_TRACE_FRAMES frames), so the start-up runs at
full speed and every later snapshot holds only what was allocated since, and kept.
"""

from __future__ import annotations

import itertools
import os
import signal
import tracemalloc
from pathlib import Path
from types import FrameType

_numbers = itertools.count()


def _dump(signum: int, frame: FrameType | None) -> None:
    if not tracemalloc.is_tracing():
        tracemalloc.start(int(os.environ.get("BENCH_TRACE_FRAMES", "1")))
    path = Path(os.environ["BENCH_SNAPSHOT_DIR"]) / f"{next(_numbers)}.snapshot"
    tracemalloc.take_snapshot().dump(str(path.with_suffix(".part")))
    path.with_suffix(".part").rename(path)  # the scenario waits for the whole file


if "BENCH_SNAPSHOT_DIR" in os.environ:
    signal.signal(signal.SIGUSR1, _dump)
