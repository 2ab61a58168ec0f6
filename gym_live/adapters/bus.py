"""The event bus: services publish committed events, every instance's live view subscribes.

`create_bus` picks the implementation, like Reflex's token manager: in-process by default,
Redis pub/sub when REDIS_URL is set (so that several instances see every event).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Protocol

from gym_live.domain.events import GymEvent

# A slow subscriber loses events past this many (it then resyncs from the database).
SUBSCRIBER_QUEUE_SIZE = 10_000


class EventBus(Protocol):
    # Whether events from other processes may be missed now (views then go by the reconcile).
    delayed: bool
    # Events that never left this process: the backlog was full, or the bus refused them.
    dropped: int
    failed: int

    def publish(self, event: GymEvent) -> None:
        """Announce a committed event; never blocks on, or raises for, anyone's trouble."""

    def flush(self, timeout: float) -> bool:
        """Wait up to `timeout` s for published events to leave; True if they have."""

    def subscribe(self) -> AsyncIterator[GymEvent | None]:
        """Yield events as they come; None means events may have been lost (resync)."""


class MemoryBus:
    """In-process bus: publishing is thread-safe, subscribers live on event loops."""

    # Nothing between publisher and subscriber can fail.
    delayed, dropped, failed = False, 0, 0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = []

    def publish(self, event: GymEvent) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(_offer, queue, event)

    def flush(self, timeout: float) -> bool:
        return True  # already queued on each subscriber's loop

    async def subscribe(self) -> AsyncIterator[GymEvent | None]:
        queue: asyncio.Queue[GymEvent | None] = asyncio.Queue(SUBSCRIBER_QUEUE_SIZE)
        entry = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.append(entry)
        try:
            while True:
                yield await queue.get()
        finally:
            with self._lock:
                self._subscribers.remove(entry)


def _offer(queue: asyncio.Queue[GymEvent | None], event: GymEvent) -> None:
    """Queue an event; when full, drop the backlog and ask the subscriber to resync."""
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:
        while not queue.empty():
            queue.get_nowait()
        queue.put_nowait(None)


def create_bus(redis_url: str | None) -> EventBus:
    """The bus for this process's settings."""
    if redis_url:
        from gym_live.adapters.redis_bus import RedisBus

        return RedisBus(redis_url)
    return MemoryBus()
