"""CPython's cycle collector, tuned for an instance holding hundreds of open sockets.

Young objects are collected rarely, so a collection does not pause every dashboard's
updates; and a full collection runs on a clock, so what a closed tab leaves in cycles
(its socket's protocol objects, the exception that ended it, Reflex's event futures) is
freed within FULL_EVERY_SECONDS instead of piling up for as long as the instance runs.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time

logger = logging.getLogger(__name__)
# Young objects are collected every 50,000 net allocations (CPython's default: 700).
THRESHOLDS = (50_000, 20, 100)
# With those thresholds CPython itself almost never runs a full collection: a closed tab's
# cycles (about 100 objects, 20-25 KiB) live in the oldest generation, so the server grew
# by 51 MiB over the last 40 minutes of an hour's soak (bench/README.md, "fifth part").
FULL_EVERY_SECONDS = 60.0
# A full collection longer than this is logged (300 tabs: about 150 ms).
SLOW_FULL_SECONDS = 0.5


def collect_garbage_rarely() -> None:
    """Keep CPython's cycle collector from pausing every open dashboard's updates.

    With the default thresholds and 500 dashboards open, a full collection ran every one
    or two seconds and held the event loop for 65-110 ms each time: the whole tail of the
    fan-out latency. What exists once the app has started (modules, compiled pages) is
    frozen out of collections; the rest is collected less often.
    """
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


async def collect_full_garbage(every: float = FULL_EVERY_SECONDS) -> None:
    """A full collection every `every` seconds, for as long as the app runs."""
    while True:
        await asyncio.sleep(every)
        began = time.perf_counter()
        found = gc.collect()
        took = time.perf_counter() - began
        if took > SLOW_FULL_SECONDS:
            logger.warning("a full garbage collection took %.0f ms (%d freed)", took * 1000, found)
