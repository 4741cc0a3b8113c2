"""Every worker follows a change to shared data (the FAQ, the dowry-kit rulebook): the worker that
made it announces it over Redis pub/sub when Redis is configured; every worker also looks again
after each quiet interval, so a change made elsewhere (or an announcement lost) shows within
seconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redis.asyncio import Redis

POLL_SECONDS = 2.0  # without Redis
REDIS_POLL_SECONDS = 5.0  # with Redis: a look even when no announcement came


async def announce(redis: Redis | None, channel: str, what: str, logger: logging.Logger) -> None:
    """Tell the other workers that `what` changed (nothing to do without Redis: they poll)."""
    if redis is None:
        return
    try:
        await redis.publish(channel, "changed")
    except Exception:
        logger.warning("%s change not announced over Redis; workers will poll", what, exc_info=True)


async def follow(
    redis: Redis | None,
    channel: str,
    stopping: asyncio.Event,
    refresh: Callable[[], Awaitable[object]],
    what: str,
    logger: logging.Logger,
) -> None:
    """Until ``stopping``: wait for an announcement (or the poll's interval), then ``refresh``."""
    pubsub = None
    if redis is not None:
        try:
            pubsub = redis.pubsub()
            await pubsub.subscribe(channel)
        except Exception:
            logger.warning("no Redis pub/sub for %s changes; polling", what, exc_info=True)
            pubsub = None
    try:
        while not stopping.is_set():
            if pubsub is not None:
                try:
                    await pubsub.get_message(ignore_subscribe_messages=True, timeout=REDIS_POLL_SECONDS)
                except Exception:
                    logger.warning("Redis pub/sub failed; polling", exc_info=True)
                    pubsub = None
            else:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(POLL_SECONDS):
                        await stopping.wait()
            if not stopping.is_set():
                await refresh()
    finally:
        if pubsub is not None:
            await pubsub.aclose()
