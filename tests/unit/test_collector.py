"""The full collection on a clock frees what the rare young collections never reach."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref

from gym_live.collector import collect_full_garbage


class _Node:
    """A socket's protocol object and the exception that closed it refer to each other."""

    partner: _Node | None = None


def test_cycles_in_the_oldest_generation_are_freed_by_the_clock() -> None:
    async def left_in_a_cycle() -> bool:
        first, second = _Node(), _Node()
        first.partner, second.partner = second, first
        gone = weakref.ref(first)
        gc.collect()  # both survive into the oldest generation, as a long-open socket's do
        del first, second
        collecting = asyncio.create_task(collect_full_garbage(every=0.01))
        try:
            for _ in range(200):
                await asyncio.sleep(0.01)
                if gone() is None:
                    return False
            return True
        finally:
            collecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await collecting

    gc.disable()  # no automatic collection: only the clock's may free the cycle
    try:
        assert not asyncio.run(left_in_a_cycle())
    finally:
        gc.enable()
