"""bot.rediskit.HeldChatRedisStorage: while an update holds a chat's lock, the chat's state and
data are read from Redis once (one MGET) and kept; writes reach Redis as aiogram's storage makes
them (same keys, values and TTLs); deleting what is not there sends nothing; any other chat, and
anything after the lock is released, is read from Redis each time."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from bot.rediskit import HeldChatRedisStorage, LeasedRedisIsolation, create_redis
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")

CHAT = StorageKey(bot_id=1, chat_id=7, user_id=7)
OTHER = StorageKey(bot_id=1, chat_id=8, user_id=8)
TTL = 3600


class Counted:
    """The Redis commands a storage sends, by name."""

    def __init__(self, redis: Redis, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: Counter[str] = Counter()
        original = redis.execute_command

        async def execute_command(*args: Any, **options: Any) -> Any:
            self.sent[str(args[0]).upper()] += 1
            return await original(*args, **options)

        monkeypatch.setattr(redis, "execute_command", execute_command)

    def take(self) -> dict[str, int]:
        sent = dict(self.sent)
        self.sent.clear()
        return sent


@pytest.fixture
async def parts(redis_prefix: str) -> AsyncIterator[tuple[Redis, HeldChatRedisStorage, RedisStorage, Any]]:
    redis = create_redis(TEST_REDIS_URL)
    prefix = f"{redis_prefix}:{uuid.uuid4().hex[:8]}"
    keys = DefaultKeyBuilder(prefix=f"{prefix}:fsm")
    storage = HeldChatRedisStorage(redis, key_builder=keys, state_ttl=TTL, data_ttl=TTL)
    aiogram_s = RedisStorage(redis, key_builder=keys, state_ttl=TTL, data_ttl=TTL)
    isolation = LeasedRedisIsolation(redis, keys, lease_seconds=5)
    try:
        yield redis, storage, aiogram_s, isolation
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()


async def test_an_update_reads_its_chat_once_and_writes_through(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    redis, storage, aiogram_s, isolation = parts
    await aiogram_s.set_state(CHAT, "Flow:first")
    await aiogram_s.set_data(CHAT, {"amount": 5})
    counted = Counted(redis, monkeypatch)
    async with isolation.lock(CHAT):
        counted.take()  # the lock's own commands
        assert await storage.get_state(CHAT) == "Flow:first"
        data = await storage.get_data(CHAT)
        assert data == {"amount": 5}
        data["amount"] = 6  # a copy: what is kept does not change
        assert await storage.get_data(CHAT) == {"amount": 5}
        assert counted.take() == {"MGET": 1}
        await storage.set_state(CHAT, "Flow:second")
        await storage.update_data(CHAT, {"note": "x"})
        assert counted.take() == {"SET": 2}
        assert await storage.get_state(CHAT) == "Flow:second"
        assert await storage.get_data(CHAT) == {"amount": 5, "note": "x"}
        await storage.set_state(CHAT, None)
        await storage.set_data(CHAT, {})
        await storage.set_state(CHAT, None)  # a second clear(): nothing left to delete
        await storage.set_data(CHAT, {})
        assert counted.take() == {"DEL": 2}
    # What aiogram's storage reads, with the TTLs it sets.
    assert await aiogram_s.get_state(CHAT) is None and await aiogram_s.get_data(CHAT) == {}
    async with isolation.lock(CHAT):
        await storage.set_state(CHAT, "Flow:third")
        await storage.set_data(CHAT, {"amount": 7})
    assert await aiogram_s.get_state(CHAT) == "Flow:third"
    assert await aiogram_s.get_data(CHAT) == {"amount": 7}
    for part in ("state", "data"):
        assert 0 < await redis.ttl(storage.key_builder.build(CHAT, part)) <= TTL


async def test_other_chats_and_released_locks_read_redis_each_time(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    redis, storage, aiogram_s, isolation = parts
    counted = Counted(redis, monkeypatch)
    assert await storage.get_state(CHAT) is None and await storage.get_state(CHAT) is None
    assert counted.take() == {"GET": 2}  # no lock held: as aiogram's storage
    started = asyncio.Event()
    release = asyncio.Event()

    async def after_the_update() -> str | None:
        started.set()
        await release.wait()
        return await storage.get_state(CHAT)

    async with isolation.lock(CHAT):
        counted.take()  # the lock's own commands
        assert await storage.get_state(CHAT) is None
        await storage.set_state(OTHER, "Other:step")  # another chat: straight to Redis
        assert await storage.get_state(OTHER) == "Other:step"
        assert counted.take() == {"MGET": 1, "SET": 1, "GET": 1}
        task = asyncio.create_task(after_the_update())  # inherits the update's context
        await started.wait()
    await aiogram_s.set_state(CHAT, "Flow:by-the-next-update")
    release.set()
    assert await task == "Flow:by-the-next-update"


async def test_a_failed_write_is_read_again(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    redis, storage, aiogram_s, isolation = parts
    await aiogram_s.set_state(CHAT, "Flow:first")
    original = redis.set

    async def fails(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("redis went away")

    async with isolation.lock(CHAT):
        assert await storage.get_state(CHAT) == "Flow:first"
        monkeypatch.setattr(redis, "set", fails)
        with pytest.raises(ConnectionError):
            await storage.set_state(CHAT, "Flow:second")
        monkeypatch.setattr(redis, "set", original)
        await aiogram_s.set_state(CHAT, "Flow:written-meanwhile")
        assert await storage.get_state(CHAT) == "Flow:written-meanwhile"
