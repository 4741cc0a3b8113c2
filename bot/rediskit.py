"""Redis for several workers: one client per process, and per-user event isolation whose locks
a dead worker cannot hold for long.

aiogram's `RedisEventIsolation` takes a lock with a fixed 60 s timeout: a worker killed inside a
handler would keep that user waiting a minute. `LeasedRedisIsolation` takes the lock for
WORKER_LEASE_SECONDS and extends it every third of that while the update runs, so a live
handler keeps its lock as long as it needs and a dead worker's lock lapses within one lease.

Within one process the updates waiting for a user's lock queue on an asyncio lock first (in
arrival order), so only the first of them polls Redis (every 20 ms) for the shared lock: 30
updates of one user at once take ~60 Redis commands instead of ~400, and run in order.

`HeldChatRedisStorage` keeps the state and data of the chat whose lock an update holds: they are
read in the round trip that takes the lock and written in the one that releases it (or before a
Bot API request the update makes first).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections.abc import AsyncGenerator, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from datetime import timedelta
from typing import Any, cast

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseEventIsolation, KeyBuilder, StateType, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from bot.storage import pending_state_writes
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
    """The state and data of the chat whose lock this update holds: as stored (read with the
    lock) and as this update changed them (written with the lock's release)."""

    __slots__ = ("data", "data_changed", "key", "keys", "loaded", "state", "state_changed")

    def __init__(self, key: StorageKey, keys: tuple[str, str] | None = None) -> None:
        self.key: StorageKey | None = key
        self.keys = keys  # the Redis keys of its state and data (with a HeldChatRedisStorage)
        self.loaded = False
        self.state: str | None = None
        self.data: str | None = None  # the JSON text: each read decodes a fresh copy
        self.state_changed = False
        self.data_changed = False

    def stored(self, state: bytes | str | None, data: bytes | str | None) -> None:
        """What Redis holds, read; what this update changed already stays."""
        if not self.state_changed:
            self.state = state.decode() if isinstance(state, bytes) else state
        if not self.data_changed:
            self.data = data.decode() if isinstance(data, bytes) else data
        self.loaded = True


_HELD: ContextVar[_HeldChat | None] = ContextVar("hamdel_held_chat", default=None)


class HeldChatRedisStorage(RedisStorage):
    """aiogram's Redis storage (same keys, values and TTLs) that, for the chat an update holds
    the lock of (`LeasedRedisIsolation`), reads the state and the data with the lock (one round
    trip for both) and writes what the update changed with its release (one round trip again),
    or before a Bot API request if one comes first (`bot.storage.pending_state_writes`), keeping
    them in between; deleting what is not there is not sent. aiogram's asked Redis for
    the state, again for the data at each read, wrote at each change and deleted both at each
    `clear()`: ~5.6 commands an update, each a round trip (`python -m benchmarks.profile_mix
    --postgres`). Safe because no one else reads or writes that chat's state while the lock is
    held; any other chat is read and written as aiogram does."""

    def _held(self, key: StorageKey) -> _HeldChat | None:
        held = _HELD.get()
        return held if held is not None and held.key == key else None

    def keys_of(self, key: StorageKey) -> tuple[str, str]:
        """The Redis keys of a chat's state and data."""
        return self.key_builder.build(key, "state"), self.key_builder.build(key, "data")

    async def _loaded(self, held: _HeldChat) -> _HeldChat:
        if not held.loaded and held.key is not None:
            held.stored(*await self.redis.mget(*self.keys_of(held.key)))
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
        if held is None:
            await super().set_state(key, value)
        elif not (held.loaded and value is None and held.state is None):  # else nothing to delete
            held.state, held.state_changed = value, True

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        held = self._held(key)
        if held is None or not isinstance(data, dict):
            await super().set_data(key, data)  # aiogram's own check of the data's type included
        elif not (held.loaded and not data and held.data is None):  # else nothing to delete
            held.data, held.data_changed = (self.json_dumps(data) if data else None), True

    def writes_of(self, held: _HeldChat) -> list[str]:
        """What the update changed, as `_RELEASE_AND_WRITE`'s arguments: per part an operation
        ("" nothing, "del", "set"), the value and its TTL in milliseconds ("0": none)."""
        writes: list[str] = []
        for changed, value, ttl in (
            (held.state_changed, held.state, self.state_ttl),
            (held.data_changed, held.data, self.data_ttl),
        ):
            if not changed:
                writes += ["", "", "0"]
            elif value is None:
                writes += ["del", "", "0"]
            else:
                writes += ["set", value, str(_milliseconds(ttl))]
        return writes


def _milliseconds(ttl: Any) -> int:
    """aiogram's TTL (seconds, or a timedelta; None: none) in milliseconds (0: none)."""
    if ttl is None:
        return 0
    seconds = ttl.total_seconds() if isinstance(ttl, timedelta) else float(ttl)
    return max(int(seconds * 1000), 1)


def _writes_lua(first_key: int, first_argument: int) -> str:
    """Lua writing the chat's state and data (KEYS from `first_key`) as `writes_of` gives them
    (ARGV from `first_argument`: per part an operation, "" nothing, "del" or "set", the value
    and its TTL in ms, "0": none)."""
    return f"""
for part = 0, 1 do
    local key, at = KEYS[{first_key} + part], {first_argument} + part * 3
    local operation, value, ttl = ARGV[at], ARGV[at + 1], ARGV[at + 2]
    if operation == "del" then
        redis.call("del", key)
    elseif operation == "set" then
        if ttl == "0" then
            redis.call("set", key, value)
        else
            redis.call("set", key, value, "px", ttl)
        end
    end
end
"""


# KEYS: the lock, the chat's state, its data. ARGV: the lock's token, then the writes. They are
# made whoever holds the lock now (as a write made during the update would have been); 1 when
# this update still held it and it was released, 0 when it had lapsed.
_RELEASE_AND_WRITE = (
    _writes_lua(2, 2)
    + """
if redis.call("get", KEYS[1]) == ARGV[1] then
    redis.call("del", KEYS[1])
    return 1
end
return 0
"""
)

# KEYS: the lock, the chat's state, its data. ARGV: the lock's token, the lease in ms. The lock
# taken (SET NX PX) and the chat read with it: {1, state, data}; {0} when another holds it.
_ACQUIRE_AND_READ = """
if redis.call("set", KEYS[1], ARGV[1], "nx", "px", ARGV[2]) then
    return {1, redis.call("get", KEYS[2]), redis.call("get", KEYS[3])}
end
return {0}
"""

# KEYS: the chat's state, its data. ARGV: the writes.
_WRITE = _writes_lua(1, 1) + "return 1\n"

# KEYS: the lock. ARGV: its token, the lease in ms. 1 when extended, 0 when it had lapsed.
_EXTEND = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0
"""


class _LocalQueue:
    """This process's updates of one user: they take turns before one of them asks Redis."""

    __slots__ = ("lock", "waiting")

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.waiting = 0


class LeasedRedisIsolation(BaseEventIsolation):
    """Per-chat locks across workers, each a Redis key with a token, set for the lease and
    renewed every third of it while the update runs. With `storage` (the dispatcher's), the
    chat's state and data are read in the same round trip that takes the lock, and what the
    update changed is written in the one that releases it."""

    def __init__(
        self,
        redis: Redis,
        key_builder: KeyBuilder,
        lease_seconds: float,
        storage: HeldChatRedisStorage | None = None,
    ) -> None:
        self.redis = redis
        self.key_builder = key_builder
        self.lease = max(lease_seconds, 0.5)
        self._lease_ms = int(self.lease * 1000)
        self.storage = storage
        self._queues: dict[str, _LocalQueue] = {}
        # Each a script: one command (redis-py's pipeline of two cost more CPU than the two).
        self._acquire_and_read = redis.register_script(_ACQUIRE_AND_READ)
        self._write = redis.register_script(_WRITE)
        self._release_and_write = redis.register_script(_RELEASE_AND_WRITE)
        self._extend = redis.register_script(_EXTEND)

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        name = self.key_builder.build(key, "lock")
        queue = self._queues.get(name)
        if queue is None:
            queue = self._queues[name] = _LocalQueue()
        queue.waiting += 1
        try:
            async with queue.lock:
                # HeldChatRedisStorage: read and written with the lock, its keys built once.
                chat = _HeldChat(key, None if self.storage is None else self.storage.keys_of(key))
                async with self._shared(name, chat):
                    token = _HELD.set(chat)
                    writes = pending_state_writes.set(
                        None if self.storage is None else functools.partial(self._write_now, chat)
                    )
                    try:
                        yield None
                    finally:
                        pending_state_writes.reset(writes)
                        _HELD.reset(token)
                        chat.key = None  # a task the update started keeps the variable: not its use
        finally:
            queue.waiting -= 1
            if not queue.waiting:
                del self._queues[name]

    @asynccontextmanager
    async def _shared(self, name: str, chat: _HeldChat) -> AsyncGenerator[None, None]:
        """The lock across processes (Redis), renewed while held."""
        token = uuid.uuid4().hex
        await self._acquire(name, token, chat)
        renewal = _Renewal(self, name, token)
        try:
            yield None
        finally:
            await renewal.stop()
            await self._release(name, token, chat)

    async def _acquire(self, name: str, token: str, chat: _HeldChat) -> None:
        """Wait for the lock (polling every 20 ms); the chat's state and data come with it."""
        lease = self._lease_ms
        storage = self.storage
        while True:
            if storage is None:
                taken = await self.redis.set(name, token, nx=True, px=lease)
            else:
                assert chat.keys is not None
                answer = await self._acquire_and_read(keys=[name, *chat.keys], args=[token, lease])
                taken = answer[0] == 1
                if taken:
                    chat.stored(answer[1], answer[2])  # read with the lock: nobody changes it now
            if taken:
                return
            await asyncio.sleep(0.02)

    async def _write_now(self, chat: _HeldChat) -> None:
        """What the update changed so far, written before the lock's release: before a Bot API
        request (`bot.storage.pending_state_writes`). A write that fails raises (the request is
        not made) and is made again with the release."""
        storage = self.storage
        if storage is None or chat.key is None or not (chat.state_changed or chat.data_changed):
            return  # nothing to write, or the lock is released (a task the update started sends)
        state, data = chat.state, chat.data
        assert chat.keys is not None
        await self._write(keys=list(chat.keys), args=storage.writes_of(chat))
        # Written, unless the update changed them again meanwhile (sends gathered at once).
        chat.state_changed = chat.state_changed and chat.state != state
        chat.data_changed = chat.data_changed and chat.data != data

    async def _release(self, name: str, token: str, chat: _HeldChat) -> None:
        """Release the lock, writing what the update changed. Writes that fail raise (the update
        fails and is retried: as a write made during it would have); a release alone that fails
        is logged (the lock lapses by itself)."""
        storage = self.storage
        writes = ["", "", "0"] * 2
        parts = [name, name]
        if storage is not None:
            writes = storage.writes_of(chat)
            assert chat.keys is not None
            parts = list(chat.keys)
        try:
            released = await self._release_and_write(keys=[name, *parts], args=[token, *writes])
        except Exception as error:
            if chat.state_changed or chat.data_changed:
                raise
            logger.warning("could not release per-user lock %s: %r", name, error)
            return
        if not released:
            logger.warning("per-user lock %s had lapsed before the update finished", name)

    async def _renew(self, name: str, token: str) -> bool:
        """Extend the held lock by a lease; whether it may be extended again."""
        try:
            extended = await self._extend(keys=[name], args=[token, self._lease_ms])
        except Exception as error:
            logger.warning("could not extend a per-user lock: %r", error)
            return False
        if not extended:
            logger.warning("could not extend per-user lock %s: it had lapsed", name)
        return bool(extended)

    async def close(self) -> None:
        return None


class _Renewal:
    """A held lock extended every third of its lease, from a timer: most updates end long before
    the first extension, and a timer costs them less than a task started and cancelled each."""

    __slots__ = ("handle", "isolation", "name", "task", "token")

    def __init__(self, isolation: LeasedRedisIsolation, name: str, token: str) -> None:
        self.isolation, self.name, self.token = isolation, name, token
        self.task: asyncio.Future[None] | None = None
        self.handle: asyncio.TimerHandle | None = None
        self._schedule()

    def _schedule(self) -> None:
        self.handle = asyncio.get_running_loop().call_later(self.isolation.lease / 3, self._due)

    def _due(self) -> None:
        self.handle = None
        self.task = asyncio.ensure_future(self._extend())

    async def _extend(self) -> None:
        if await self.isolation._renew(self.name, self.token):
            self._schedule()

    async def stop(self) -> None:
        if self.task is not None:
            await cancel_and_wait([self.task])
        if self.handle is not None:
            self.handle.cancel()
