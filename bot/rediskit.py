"""Redis for several workers: one client per process, and per-user event isolation whose locks
a dead worker cannot hold for long.

aiogram's `RedisEventIsolation` takes a lock with a fixed 60 s timeout: a worker killed inside a
handler would keep that user waiting a minute. `LeasedRedisIsolation` takes the lock for
WORKER_LEASE_SECONDS and extends it every third of that while the update runs, so a live
handler keeps its lock as long as it needs and a dead worker's lock lapses within one lease.

Within one process the updates waiting for a user's lock queue on an asyncio lock first (in
arrival order), so only the first of them polls Redis (every 20 ms) for the shared lock: 30
updates of one user at once take ~60 Redis commands instead of ~400, and run in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import LockError

from services.tasks import cancel_and_wait

logger = logging.getLogger("hamdel.redis")


def create_redis(url: str) -> Redis:
    """A client that fails fast when Redis is away (the inbox retries the update later) instead
    of hanging a handler on long reconnect backoffs."""
    return Redis.from_url(
        url,
        socket_connect_timeout=2,
        socket_timeout=5,
        retry=Retry(ExponentialBackoff(cap=0.1, base=0.02), 1),  # one quick reconnect
        health_check_interval=30,
    )


class _HeldChat:
    """The state and data of the chat whose lock this update holds, once read."""

    __slots__ = ("data", "key", "loaded", "state")

    def __init__(self, key: StorageKey) -> None:
        self.key: StorageKey | None = key
        self.loaded = False
        self.state: str | None = None
        self.data: str | None = None  # the stored JSON text: each read decodes a fresh copy


_HELD: ContextVar[_HeldChat | None] = ContextVar("hamdel_held_chat", default=None)


class HeldChatRedisStorage(RedisStorage):
    """aiogram's Redis storage (same keys, values and TTLs) that reads the state and the data of
    the chat an update holds the lock of (`LeasedRedisIsolation`) once, in one MGET, and keeps
    them for the rest of the update; writes go to Redis as before and update what is kept, and
    deleting what is not there is not sent. aiogram's asked Redis for the state, again for the
    data at each read, and deleted both at each `clear()`: ~5.6 commands an update, each a round
    trip (`python -m benchmarks.profile_mix --postgres`). Safe because no one else writes that
    chat's state while the lock is held; any other chat is read and written as aiogram does."""

    def _held(self, key: StorageKey) -> _HeldChat | None:
        held = _HELD.get()
        return held if held is not None and held.key == key else None

    async def _loaded(self, held: _HeldChat) -> _HeldChat:
        if not held.loaded and held.key is not None:
            state, data = await self.redis.mget(
                self.key_builder.build(held.key, "state"), self.key_builder.build(held.key, "data")
            )
            held.state = state.decode() if isinstance(state, bytes) else state
            held.data = data.decode() if isinstance(data, bytes) else data
            held.loaded = True
        return held

    async def get_state(self, key: StorageKey) -> str | None:
        held = self._held(key)
        if held is None:
            return await super().get_state(key)
        return (await self._loaded(held)).state

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        held = self._held(key)
        if held is None:
            return await super().get_data(key)
        data = (await self._loaded(held)).data
        return {} if data is None else cast(dict[str, Any], self.json_loads(data))  # a fresh dict

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        held = self._held(key)
        value = state.state if isinstance(state, State) else state
        if held is not None and held.loaded and value is None and held.state is None:
            return  # nothing to delete
        try:
            await super().set_state(key, value)
        except BaseException:
            if held is not None:
                held.loaded = False  # what Redis holds now is not known
            raise
        if held is not None:
            held.state = value

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        held = self._held(key)
        if held is not None and held.loaded and isinstance(data, dict) and not data and held.data is None:
            return  # nothing to delete
        try:
            await super().set_data(key, data)
        except BaseException:
            if held is not None:
                held.loaded = False
            raise
        if held is not None:
            held.data = self.json_dumps(data) if data else None


class _LocalQueue:
    """This process's updates of one user: they take turns before one of them asks Redis."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


class LeasedRedisIsolation(BaseEventIsolation):
    def __init__(self, redis: Redis, key_builder: KeyBuilder, lease_seconds: float) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self.lease = max(lease_seconds, 0.5)
        self._queues: dict[str, _LocalQueue] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        name = self.key_builder.build(key, "lock")
        queue = self._queues.get(name)
        if queue is None:
            queue = self._queues[name] = _LocalQueue()
        queue.waiting += 1
        try:
            async with queue.lock, self._shared(name):
                chat = _HeldChat(key)  # HeldChatRedisStorage: read once while the lock is held
                token = _HELD.set(chat)
                try:
                    yield None
                finally:
                    _HELD.reset(token)
                    chat.key = None  # a task the update started keeps the variable: not its use
        finally:
            queue.waiting -= 1
            if not queue.waiting:
                del self._queues[name]

    @asynccontextmanager
    async def _shared(self, name: str) -> AsyncGenerator[None, None]:
        """The lock across processes (Redis), renewed while held."""
        lock = Lock(self.redis, name, timeout=self.lease, sleep=0.02, blocking=True)
        await lock.acquire()
        renewer = asyncio.ensure_future(self._renew(lock))
        try:
            yield None
        finally:
            await cancel_and_wait([renewer])
            try:
                await lock.release()
            except LockError:
                logger.warning("per-user lock %s had lapsed before the update finished", name)
            except Exception as error:  # Redis went away: the lock lapses by itself
                logger.warning("could not release per-user lock %s: %r", name, error)

    async def _renew(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await lock.extend(self.lease, replace_ttl=True)
            except Exception as error:
                logger.warning("could not extend a per-user lock: %r", error)
                return

    async def close(self) -> None:
        return None
