"""Many clients at the same moment: each on its own connection and thread, released together."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from gym_live.adapters.db import build_engine
from gym_live.domain.errors import GymLiveError
from gym_live.services.deps import Deps


def on_own_connection(deps: Deps) -> Deps:
    """A dependency set whose engine opens a new connection per use, as separate clients do."""
    return replace(deps, engine=build_engine(deps.settings.database_url, pooled=False))


def all_at_once(works: list[Callable[[], object]]) -> list[object]:
    """Run each callable on its own thread, released together; errors are returned."""
    barrier = threading.Barrier(len(works))

    def run(work: Callable[[], object]) -> object:
        barrier.wait()
        try:
            return work()
        except GymLiveError as exc:
            return exc

    with ThreadPoolExecutor(len(works)) as pool:
        return list(pool.map(run, works))
