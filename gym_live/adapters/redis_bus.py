"""Redis pub/sub event bus: one publish per event, every instance's relay receives it.

The instance that publishes an event hears it at once, in process, and ignores its echo
from Redis: its own dashboards never wait for Redis, and go on updating without it.
Publishing never waits for Redis either: an event is handed to this process's publisher thread
and the check-in that published it answers at once, whether Redis is quick, down or hung
(`kill -STOP`: connections open, nothing answers). Subscribing watches Redis with a ping
when the channel is quiet, so a hung Redis is noticed like a dead one: the relay is told
to re-read everything, and told again once it is subscribed anew.

Redis numbers each location's events as it publishes them (one Lua script: increment,
then publish), so a listener hears every location's stream as 1, 2, 3... A gap, a repeat
or a step back (Redis restarted) is counted and logged; the event that shows it is applied
as every event is, by re-reading its location from the database, so what was missed is
read back before anything newer is shown.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator

import redis
import redis.asyncio as aioredis

from gym_live.adapters import metrics
from gym_live.adapters.bus import MemoryBus
from gym_live.domain.events import GymEvent, StreamPositions

CHANNEL = "gym_live:events"
# Publish an event (ARGV[2], a JSON object) with its place in its location's (ARGV[1])
# stream added, counted in the hash KEYS[1], on the channel KEYS[2]. One script, so the
# numbers are in the channel's own order whichever instances publish.
SEQUENCED_PUBLISH = """
local seq = redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('PUBLISH', KEYS[2], string.sub(ARGV[2], 1, -2) .. ',"seq":' .. seq .. '}')
return seq
"""
RECONNECT_DELAY_SECONDS = 1.0
# Events waiting for the publisher past this many are dropped (and counted): with Redis
# away that long, the other instances' reconcile re-reads what they missed.
PUBLISH_BACKLOG = 10_000
# At most this many waiting events go to Redis in one round trip.
PUBLISH_BATCH = 500
# A command to Redis that has not answered in this long has failed.
REDIS_TIMEOUT_SECONDS = 2.0
# A quiet subscription pings Redis this often, and counts it lost after PING_LOST silence.
PING_EVERY_SECONDS = 1.0
PING_LOST_SECONDS = 3.0
# The ids of this process's last events, whose echo from Redis is ignored.
OWN_EVENT_IDS = 10_000
logger = logging.getLogger(__name__)


class RedisLost(ConnectionError):
    """Redis took a connection but stopped answering on it."""


class RedisBus:
    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self._url = url
        self._channel = channel
        self._sequences = f"{channel}:seq"
        self._outbox: queue.Queue[GymEvent] = queue.Queue(PUBLISH_BACKLOG)
        self._publisher: threading.Thread | None = None
        self._lock = threading.Lock()
        self._local = MemoryBus()
        self._own_ids: OrderedDict[str, None] = OrderedDict()
        self.dropped = 0  # events that found the backlog full
        self.failed = 0  # events Redis did not take
        self.delayed = False  # other instances' events may be missed now (Redis away)

    def publish(self, event: GymEvent) -> None:
        """Deliver a committed event in process, and hand it to the publisher thread for
        the other instances; returns at once, never raises."""
        with self._lock:
            self._own_ids[event.id] = None
            if len(self._own_ids) > OWN_EVENT_IDS:
                self._own_ids.popitem(last=False)
        self._local.publish(event)
        self._start_publisher()
        try:
            self._outbox.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            if self.dropped == 1 or self.dropped % PUBLISH_BACKLOG == 0:
                logger.warning(
                    "Redis is not taking events: %d dropped so far; "
                    "the other instances re-read them at their next reconcile",
                    self.dropped,
                )

    def flush(self, timeout: float) -> bool:
        """Wait until every event handed over has been sent to Redis (or given up on);
        False if that took longer than `timeout` seconds. For short-lived processes (the
        CLI), before they exit."""
        done = self._outbox.all_tasks_done
        with done:
            return done.wait_for(lambda: self._outbox.unfinished_tasks == 0, timeout)

    def _start_publisher(self) -> None:
        if self._publisher is None:
            with self._lock:
                if self._publisher is None:
                    self._publisher = threading.Thread(
                        target=self._publish_forever, name="gym_live-publisher", daemon=True
                    )
                    self._publisher.start()

    def _publish_forever(self) -> None:
        client = redis.Redis.from_url(
            self._url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
        while True:
            batch = [self._outbox.get()]
            while len(batch) < PUBLISH_BATCH:
                try:
                    batch.append(self._outbox.get_nowait())
                except queue.Empty:
                    break
            try:
                pipeline = client.pipeline(transaction=False)
                for event in batch:
                    pipeline.eval(
                        SEQUENCED_PUBLISH,
                        2,
                        self._sequences,
                        self._channel,
                        event.location_id,
                        event.to_json(),
                    )
                pipeline.execute()
            except redis.RedisError as exc:
                self.failed += len(batch)
                logger.warning(
                    "could not publish %d event(s) to Redis (%s); "
                    "the other instances re-read them at their next reconcile",
                    len(batch),
                    _one_line(exc),
                )
            finally:
                for _ in batch:
                    self._outbox.task_done()

    async def subscribe(self) -> AsyncIterator[GymEvent | None]:
        """Yield this process's events and the other instances' (from Redis), forever.

        None, once when the Redis subscription is lost and once when it is back, means
        events may have been missed: re-read everything.
        """
        merged: asyncio.Queue[GymEvent | BaseException | None] = asyncio.Queue()

        async def pump(source: AsyncIterator[GymEvent | None]) -> None:
            try:
                async for event in source:
                    merged.put_nowait(event)
            except Exception as exc:  # the subscriber hears of it, not a lost task
                merged.put_nowait(exc)

        pumps = [
            asyncio.create_task(pump(self._local.subscribe())),
            asyncio.create_task(pump(self._from_redis())),
        ]
        try:
            while True:
                item = await merged.get()
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            for task in pumps:
                task.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)

    def _is_own(self, event: GymEvent | None) -> bool:
        """Whether this process published the event (and heard it already, in process)."""
        if event is None:
            return False
        with self._lock:
            own = event.id in self._own_ids
            self._own_ids.pop(event.id, None)
        return own

    async def _from_redis(self) -> AsyncIterator[GymEvent | None]:
        while True:
            client = aioredis.Redis.from_url(
                self._url, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
            )
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    heard = StreamPositions()
                    async for message in _listen(pubsub):
                        if message["type"] == "subscribe":
                            self.delayed = False
                            yield None
                        elif message["type"] == "message":
                            event = _decode(message["data"])
                            if event is not None and event.seq is not None:
                                _check_place(heard, event)
                            if not self._is_own(event):
                                yield event
            except (redis.RedisError, OSError) as exc:
                if not self.delayed:
                    logger.warning(
                        "cannot hear the Redis event bus (%s); retrying every %g s",
                        _one_line(exc),
                        RECONNECT_DELAY_SECONDS,
                    )
                    self.delayed = True
                    yield None
                await asyncio.sleep(RECONNECT_DELAY_SECONDS)
            finally:
                await client.aclose()


async def _listen(pubsub: aioredis.client.PubSub) -> AsyncIterator[dict]:
    """The subscription's messages; a ping when it is quiet tells a hung Redis from a
    quiet channel (RedisLost)."""
    heard = time.monotonic()
    while True:
        message = await pubsub.get_message(timeout=PING_EVERY_SECONDS)
        now = time.monotonic()
        if message is not None:
            heard = now
            yield message
        elif now - heard > PING_LOST_SECONDS:
            raise RedisLost(f"no answer in {PING_LOST_SECONDS:.0f} s")
        else:
            await pubsub.ping()


def _check_place(heard: StreamPositions, event: GymEvent) -> None:
    """Count and log a break in the event's location stream (its own echo counts too: an
    instance's own events hold their places in the stream)."""
    assert event.seq is not None
    broken = heard.hear(event.location_id, event.seq)
    if broken is not None:
        metrics.SEQUENCE_BREAKS.labels(kind=broken.value).inc()
        logger.warning(
            "event %d of location %d on the bus is a %s; re-reading the location",
            event.seq,
            event.location_id,
            broken.value,
        )


def _one_line(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0]


def _decode(data: bytes) -> GymEvent | None:
    try:
        return GymEvent.from_json(data)
    except (ValueError, TypeError, KeyError):
        logger.warning("ignored a malformed event on the bus")
        return None
