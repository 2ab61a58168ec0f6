"""Scenario `exports`: `/api/v1/visits.csv` from the real server (production mode, SQLite,
50,000 members), with 100 k and then 1 M visits in the database: the server's memory
before, at its peak while sending (the process tree's RSS from /proc, every 20 ms), the
time and the MiB sent. A file sent a page at a time peaks at the same memory whatever its
size; one built whole would grow with it (about 150 bytes a visit).
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import aiohttp

from bench.harness import (
    HISTORY,
    BenchApp,
    add_history,
    gym,
    process_tree,
    rss_kib,
    running_chain,
    write_result,
)

SIZES = (HISTORY, 1_000_000)  # visits in the database, all of them exported
SAMPLE_EVERY = 0.02
CHUNK_BYTES = 1 << 16


class _PeakRss(threading.Thread):
    """The largest RSS of the server's process tree (summed), and of its largest process,
    seen while running."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.tree_kib, self.process_kib = pid, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sizes = [rss_kib(pid) for pid in process_tree(self.pid)]
            self.tree_kib = max(self.tree_kib, sum(sizes))
            self.process_kib = max(self.process_kib, max(sizes, default=0))
            self.done.wait(SAMPLE_EVERY)


async def _download(url: str, key: str) -> tuple[int, int]:
    """The file's bytes and lines, read as it comes and dropped."""
    sent = lines = 0
    headers = {"Authorization": f"Bearer {key}"}
    timeout = aiohttp.ClientTimeout(total=None)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers) as answer,
    ):
        assert answer.status == 200, (answer.status, await answer.text())
        async for chunk in answer.content.iter_chunked(CHUNK_BYTES):
            sent, lines = sent + len(chunk), lines + chunk.count(b"\n")
    return sent, lines


def _exported(app: BenchApp, key: str, visits: int) -> dict[str, Any]:
    url = f"{app.url}/api/v1/visits.csv"
    asyncio.run(_download(f"{url}?from=2100-01-01", key))  # warm: the route, the engine
    time.sleep(1)
    before = app.server_rss()
    peak = _PeakRss(app.pid)
    peak.start()
    began = time.perf_counter()
    sent, lines = asyncio.run(_download(url, key))
    took = time.perf_counter() - began
    peak.done.set()
    peak.join()
    after = app.server_rss()
    row = {
        "visits": visits,
        "lines": lines - 1,  # the headings
        "mib_sent": round(sent / 2**20, 1),
        "seconds": round(took, 1),
        "visits_per_second": round((lines - 1) / took),
        "tree_rss_before_mib": before["total_mib"],
        "tree_rss_peak_mib": round(peak.tree_kib / 1024, 1),
        "tree_rss_after_mib": after["total_mib"],
        "largest_process_peak_mib": round(peak.process_kib / 1024, 1),
    }
    print(
        f"  {visits:>9,} visits: {row['mib_sent']} MiB in {took:.1f} s "
        f"({row['visits_per_second']:,} visits/s); server RSS {row['tree_rss_before_mib']} MiB "
        f"before, peak {row['tree_rss_peak_mib']} MiB, after {row['tree_rss_after_mib']} MiB",
        flush=True,
    )
    return row


def exports() -> list[dict[str, Any]]:
    print(f"exports: visits.csv of {[f'{n:,}' for n in SIZES]} visits, the server's memory")
    rows = []
    with running_chain("exports") as app:
        key = gym(app.database_url, "apikey", "add", "bench books", "--scope", "export")["key"]
        have = HISTORY
        for size in SIZES:
            add_history(app.database_url, size - have, first_visit=have)
            have = size
            # Downtown's day so far is in the file too (seeded by running_chain).
            rows.append(_exported(app, key, size))
    print(f"  -> {write_result('exports', {'results': rows})}")
    return rows
