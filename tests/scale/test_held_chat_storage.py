"""bot.rediskit.HeldChatRedisStorage with LeasedRedisIsolation: while an update holds a chat's
lock, the chat's state and data are read in the round trip that takes the lock and kept; what the
update changes is written in the round trip that releases it, or before a Bot API request (same
keys, values and TTLs as aiogram's storage); deleting what is not there is not sent; any other
chat, and anything after the lock is released, is read from and written to Redis each time."""

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
from redis.asyncio.connection import AbstractConnection

from bot.rediskit import HeldChatRedisStorage, LeasedRedisIsolation, create_redis
from bot.storage import pending_state_writes
from tests.conftest import TEST_REDIS_URL

pytestmark = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")

CHAT = StorageKey(bot_id=1, chat_id=7, user_id=7)
OTHER = StorageKey(bot_id=1, chat_id=8, user_id=8)
WARM = StorageKey(bot_id=1, chat_id=9, user_id=9)
TTL = 3600


class Counted:
    """The Redis commands sent through a client's connections, by name, and the round trips."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sent: Counter[str] = Counter()
        self.trips = 0
        pack_command = AbstractConnection.pack_command  # pipelines' pack_commands calls it too
        send = AbstractConnection.send_packed_command

        def one(connection: AbstractConnection, *args: Any) -> Any:
            self.sent[_name(args[0])] += 1
            return pack_command(connection, *args)

        async def sent(connection: AbstractConnection, *args: Any, **options: Any) -> Any:
            self.trips += 1
            return await send(connection, *args, **options)

        monkeypatch.setattr(AbstractConnection, "pack_command", one)
        monkeypatch.setattr(AbstractConnection, "send_packed_command", sent)

    def take(self) -> tuple[int, dict[str, int]]:
        """(round trips, commands by name) since the last take."""
        taken = (self.trips, dict(self.sent))
        self.sent.clear()
        self.trips = 0
        return taken


def _name(command: Any) -> str:
    return (command.decode() if isinstance(command, bytes) else str(command)).upper()


@pytest.fixture
async def parts(redis_prefix: str) -> AsyncIterator[tuple[Redis, HeldChatRedisStorage, RedisStorage, Any]]:
    redis = create_redis(TEST_REDIS_URL)
    prefix = f"{redis_prefix}:{uuid.uuid4().hex[:8]}"
    keys = DefaultKeyBuilder(prefix=f"{prefix}:fsm")
    storage = HeldChatRedisStorage(redis, key_builder=keys, state_ttl=TTL, data_ttl=TTL)
    aiogram_s = RedisStorage(redis, key_builder=keys, state_ttl=TTL, data_ttl=TTL)
    isolation = LeasedRedisIsolation(redis, keys, lease_seconds=5, storage=storage)
    async with isolation.lock(WARM):  # the scripts loaded: each is one EVALSHA from now on
        await storage.set_state(WARM, "Warm:up")
        write_now = pending_state_writes.get()
        assert write_now is not None
        await write_now()
        await storage.set_state(WARM, None)
    try:
        yield redis, storage, aiogram_s, isolation
    finally:
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()


async def test_an_update_reads_its_chat_with_the_lock_and_writes_it_with_the_release(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    redis, storage, aiogram_s, isolation = parts
    await aiogram_s.set_state(CHAT, "Flow:first")
    await aiogram_s.set_data(CHAT, {"amount": 5})
    counted = Counted(monkeypatch)
    async with isolation.lock(CHAT):
        assert counted.take() == (1, {"EVALSHA": 1})  # the lock and the chat at once
        assert await storage.get_state(CHAT) == "Flow:first"
        data = await storage.get_data(CHAT)
        assert data == {"amount": 5}
        data["amount"] = 6  # a copy: what is kept does not change
        assert await storage.get_data(CHAT) == {"amount": 5}
        await storage.set_state(CHAT, "Flow:second")
        await storage.update_data(CHAT, {"note": "x"})
        assert await storage.get_state(CHAT) == "Flow:second"
        assert await storage.get_data(CHAT) == {"amount": 5, "note": "x"}
        assert counted.take() == (0, {})
    assert counted.take() == (1, {"EVALSHA": 1})  # the writes and the release
    assert await aiogram_s.get_state(CHAT) == "Flow:second"
    assert await aiogram_s.get_data(CHAT) == {"amount": 5, "note": "x"}
    for part in ("state", "data"):
        assert 0 < await redis.ttl(storage.key_builder.build(CHAT, part)) <= TTL
    assert not await redis.exists(storage.key_builder.build(CHAT, "lock"))
    async with isolation.lock(CHAT):
        await storage.set_state(CHAT, None)
        await storage.set_data(CHAT, {})
    # What aiogram's storage reads: both deleted.
    assert not await redis.exists(*storage.keys_of(CHAT))
    counted.take()
    async with isolation.lock(CHAT):
        await storage.set_state(CHAT, None)  # a second clear(): nothing left to delete
        await storage.set_data(CHAT, {})
        assert not chat_changed()
    assert counted.take() == (2, {"EVALSHA": 2})  # taken with the chat; released
    async with isolation.lock(CHAT):
        await storage.set_state(CHAT, "Flow:third")  # not read first
        await storage.set_data(CHAT, {"amount": 7})
    assert await aiogram_s.get_state(CHAT) == "Flow:third"
    assert await aiogram_s.get_data(CHAT) == {"amount": 7}


def chat_changed() -> bool:
    from bot.rediskit import _HELD

    held = _HELD.get()
    return held is not None and (held.state_changed or held.data_changed)


async def test_what_the_update_changed_is_written_before_a_bot_api_request(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """bot.middlewares.CommitBeforeSend awaits `pending_state_writes` before each request: what
    a person is shown is stored before they can act on it, whoever reads it."""
    _redis, storage, aiogram_s, isolation = parts
    counted = Counted(monkeypatch)
    async with isolation.lock(CHAT):
        counted.take()
        write_now = pending_state_writes.get()
        assert write_now is not None
        await write_now()  # nothing changed: nothing sent
        assert counted.take() == (0, {})
        await storage.set_state(CHAT, "Flow:shown")
        await storage.set_data(CHAT, {"amount": 9})
        await write_now()
        assert counted.take() == (1, {"EVALSHA": 1})  # both in one script
        assert await aiogram_s.get_state(CHAT) == "Flow:shown"
        assert await aiogram_s.get_data(CHAT) == {"amount": 9}
        counted.take()
    assert counted.take() == (1, {"EVALSHA": 1})
    assert pending_state_writes.get() is None
    assert await aiogram_s.get_state(CHAT) == "Flow:shown"


async def test_a_task_of_the_update_that_sends_after_the_release_writes_nothing(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any],
) -> None:
    """A task the update started keeps its context: a request it makes once the lock is released
    must not write the update's state again over what the chat's next update stored."""
    _redis, storage, aiogram_s, isolation = parts
    go = asyncio.Event()

    async def sends_later() -> None:
        await go.wait()
        write_now = pending_state_writes.get()
        assert write_now is not None
        await write_now()

    async with isolation.lock(CHAT):
        await storage.set_state(CHAT, "Flow:this-update")
        task = asyncio.create_task(sends_later())
    await aiogram_s.set_state(CHAT, "Flow:the-next-update")
    go.set()
    await task
    assert await aiogram_s.get_state(CHAT) == "Flow:the-next-update"


async def test_other_chats_and_released_locks_use_redis_each_time(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _redis, storage, aiogram_s, isolation = parts
    counted = Counted(monkeypatch)
    assert await storage.get_state(CHAT) is None and await storage.get_state(CHAT) is None
    assert counted.take() == (2, {"GET": 2})  # no lock held: as aiogram's storage
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
        assert counted.take() == (2, {"SET": 1, "GET": 1})
        task = asyncio.create_task(after_the_update())  # inherits the update's context
        await started.wait()
    await aiogram_s.set_state(CHAT, "Flow:by-the-next-update")
    release.set()
    assert await task == "Flow:by-the-next-update"


async def test_writes_that_fail_with_the_release_fail_the_update(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Redis goes away during the update: the writes made at the release fail, and so does the
    update (the inbox retries it), as a write made during the update would have; a release with
    nothing to write only logs (the lock lapses by itself)."""
    redis, storage, aiogram_s, isolation = parts
    await aiogram_s.set_state(CHAT, "Flow:first")

    async def fails(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionError("redis went away")

    with pytest.raises(ConnectionError):
        async with isolation.lock(CHAT):
            await storage.set_state(CHAT, "Flow:second")
            monkeypatch.setattr(isolation, "_release_and_write", fails)
    async with isolation.lock(OTHER):
        assert await storage.get_state(OTHER) is None
    monkeypatch.undo()
    assert await aiogram_s.get_state(CHAT) == "Flow:first"
    await redis.delete(storage.key_builder.build(CHAT, "lock"))  # lapsed meanwhile
    async with isolation.lock(CHAT):
        assert await storage.get_state(CHAT) == "Flow:first"


async def test_writes_go_to_redis_even_when_the_lock_had_lapsed(
    parts: tuple[Redis, HeldChatRedisStorage, RedisStorage, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """The event loop stalled past the lease: the update's changes are written all the same (as
    they were when written during it), and the lapse is logged."""
    redis, storage, aiogram_s, isolation = parts
    async with isolation.lock(CHAT):
        await storage.set_state(CHAT, "Flow:second")
        await redis.set(storage.key_builder.build(CHAT, "lock"), "another-worker")
    assert await aiogram_s.get_state(CHAT) == "Flow:second"
    assert await redis.get(storage.key_builder.build(CHAT, "lock")) == b"another-worker"
    assert "had lapsed" in caplog.text
