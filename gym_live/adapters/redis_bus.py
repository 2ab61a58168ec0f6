"""Redis pub/sub event bus: one publish per event, every instance's relay receives it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import redis
import redis.asyncio as aioredis

from gym_live.domain.events import GymEvent

CHANNEL = "gym_live:events"
RECONNECT_DELAY_SECONDS = 1.0
logger = logging.getLogger(__name__)


class RedisBus:
    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        self._url = url
        self._channel = channel
        self._client: redis.Redis | None = None

    def publish(self, event: GymEvent) -> None:
        """Publish after commit; if Redis is down, other instances catch up by reconciling."""
        if self._client is None:
            self._client = redis.Redis.from_url(self._url, socket_timeout=2)
        try:
            self._client.publish(self._channel, event.to_json())
        except redis.RedisError:
            logger.exception("could not publish event %s; views will resync", event.id)

    async def subscribe(self) -> AsyncIterator[GymEvent | None]:
        """Yield events forever; after a lost connection, yield None once so views resync."""
        while True:
            client = aioredis.Redis.from_url(self._url)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self._channel)
                    async for message in pubsub.listen():
                        yield _decode(message["data"])
            except (redis.RedisError, OSError):
                logger.warning("lost the Redis event bus; reconnecting")
                yield None
                await asyncio.sleep(RECONNECT_DELAY_SECONDS)
            finally:
                await client.aclose()


def _decode(data: bytes) -> GymEvent | None:
    try:
        return GymEvent.from_json(data)
    except (ValueError, TypeError, KeyError):
        logger.warning("ignored a malformed event on the bus")
        return None
