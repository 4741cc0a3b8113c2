"""Same code, bigger engines: identical schemas on SQLite and PostgreSQL, conversation state in
Redis with a TTL, per-user locks a dead worker cannot hold for long, and a sending budget N
workers share."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import DefaultKeyBuilder, StorageKey
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

import models
from bot.rediskit import LeasedRedisIsolation, create_redis
from bot.settings import Settings
from messenger import LocalMessenger
from models.db import create_engine
from services.ratelimit import LocalRateLimiter, RedisRateLimiter, acquire
from tests.conftest import SANDBOX_TOKEN, TEST_DATABASE_URL, TEST_REDIS_URL, Harness

needs_postgres = pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL")
needs_redis = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")


# Indexes made for PostgreSQL's planner only (`ddl_if(dialect="postgresql")` in models/).
POSTGRESQL_ONLY_INDEXES = {
    index.name
    for table in models.Base.metadata.tables.values()
    for index in table.indexes
    if index._ddl_if is not None and index._ddl_if.dialect == "postgresql"
}


def _schema(connection: Connection) -> dict[str, Any]:
    """Tables, columns (generic type, length, nullability), primary keys, indexes, unique,
    foreign-key and check constraints — what must be the same on both databases."""
    inspector = inspect(connection)
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        columns = {}
        for column in inspector.get_columns(table):
            kind = column["type"]
            columns[column["name"]] = (
                _generic(kind),
                getattr(kind, "length", None),
                column["nullable"],
            )
        schema[table] = {
            "columns": columns,
            "primary_key": tuple(inspector.get_pk_constraint(table)["constrained_columns"]),
            "indexes": sorted(
                (index["name"], tuple(index["column_names"]), bool(index["unique"]))
                for index in inspector.get_indexes(table)
                if not index.get("duplicates_constraint")  # PostgreSQL's index behind a UNIQUE
                and index["name"] not in POSTGRESQL_ONLY_INDEXES
            ),
            "unique": sorted(
                (u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints(table)
            ),
            "foreign_keys": sorted(
                (
                    fk["name"],
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
            "checks": sorted(check["name"] for check in inspector.get_check_constraints(table)),
        }
    return schema


def _integer_keys(schema: dict[str, Any]) -> None:
    """A one-column integer primary key is INTEGER on SQLite whatever its declared size: only
    INTEGER PRIMARY KEY is the rowid (autoincrement), so BigInteger ids are INTEGER there."""
    for table in schema.values():
        key = table["primary_key"]
        if len(key) == 1:
            kind, length, nullable = table["columns"][key[0]]
            if kind in ("INTEGER", "BIGINT"):
                table["columns"][key[0]] = ("INTEGER KEY", length, nullable)


def _generic(kind: Any) -> str:
    """The type's family, as both databases spell it differently (TIMESTAMP / DATETIME…)."""
    name = type(kind).__name__.upper()
    aliases = {
        "TIMESTAMP": "DATETIME",
        "JSONB": "JSON",
        "DOUBLE_PRECISION": "FLOAT",
        "REAL": "FLOAT",
        "NUMERIC": "NUMERIC",
        "TEXT": "TEXT",
        "BOOLEAN": "BOOLEAN",
    }
    return aliases.get(name, name)


@needs_postgres
async def test_migrations_build_the_same_schema_on_sqlite_and_postgresql(
    sqlite_template: Path, postgres_url: str
) -> None:
    schemas = []
    for url in (f"sqlite+aiosqlite:///{sqlite_template}", postgres_url):
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                schemas.append(await connection.run_sync(_schema))
        finally:
            await engine.dispose()
    sqlite_schema, postgres_schema = schemas
    for schema in schemas:
        _integer_keys(schema)
    assert sqlite_schema.keys() == postgres_schema.keys()
    assert "update_inbox" in sqlite_schema
    for table in sqlite_schema:
        assert sqlite_schema[table] == postgres_schema[table], table


@needs_redis
@pytest.mark.parametrize("backend", ["postgresql"] if TEST_DATABASE_URL else [], indirect=True)
async def test_conversation_state_lives_in_redis_with_a_ttl(hamdel: Harness) -> None:
    storage = hamdel.app.dispatcher.storage
    key = StorageKey(bot_id=hamdel.app.bot.id, chat_id=1001, user_id=1001)
    await storage.set_state(key, "Donate:amount")
    await storage.set_data(key, {"campaign": 3})
    assert hamdel.app.redis is not None
    prefix = hamdel.settings.redis.redis_key_prefix
    redis_keys = [k.decode() async for k in hamdel.app.redis.scan_iter(match=f"{prefix}:fsm:*")]
    assert len(redis_keys) == 2
    ttl = hamdel.settings.redis.fsm_state_ttl_seconds
    for redis_key in redis_keys:
        assert 0 < await hamdel.app.redis.ttl(redis_key) <= ttl
    assert await storage.get_state(key) == "Donate:amount"


@needs_redis
async def test_a_dead_workers_per_user_lock_lapses_within_the_lease(redis_prefix: str) -> None:
    assert TEST_REDIS_URL
    redis = create_redis(TEST_REDIS_URL)
    try:
        keys = DefaultKeyBuilder(prefix=f"{redis_prefix}:fsm")
        isolation = LeasedRedisIsolation(redis, keys, lease_seconds=1.0)
        key = StorageKey(bot_id=1, chat_id=5, user_id=5)
        # A worker took the lock and died: nobody releases it.
        await redis.set(keys.build(key, "lock"), "dead-worker", px=1000)
        started = time.monotonic()
        async with isolation.lock(key):
            waited = time.monotonic() - started
            # A live holder keeps it past the lease by renewing it.
            await asyncio.sleep(1.5)
            assert await redis.pttl(keys.build(key, "lock")) > 0
        assert 0.5 < waited < 5  # it waited for the dead lock to lapse, not for ever
        assert await redis.exists(keys.build(key, "lock")) == 0
    finally:
        await redis.aclose()


@needs_redis
async def test_a_held_lock_is_renewed_until_released_and_not_after(redis_prefix: str) -> None:
    """The renewal (a timer, every third of the lease) extends the lock while it is held and
    stops with its release, whether it was waiting or extending then."""
    assert TEST_REDIS_URL
    redis = create_redis(TEST_REDIS_URL)
    try:
        keys = DefaultKeyBuilder(prefix=f"{redis_prefix}:fsm")
        isolation = LeasedRedisIsolation(redis, keys, lease_seconds=0.5)  # the shortest allowed
        renewals: list[str] = []
        renew = isolation._renew

        async def counted(name: str, token: str) -> bool:
            renewals.append(name)
            return await renew(name, token)

        isolation._renew = counted  # type: ignore[method-assign]
        key = StorageKey(bot_id=1, chat_id=6, user_id=6)
        async with isolation.lock(key):
            await asyncio.sleep(0.6)  # past the lease: held only by its renewals
            assert await redis.pttl(keys.build(key, "lock")) > 0
        held = len(renewals)
        assert held >= 2
        await asyncio.sleep(0.4)
        assert len(renewals) == held and await redis.exists(keys.build(key, "lock")) == 0
    finally:
        await redis.aclose()


@needs_redis
async def test_one_users_waiting_updates_take_turns_in_process_before_asking_redis(redis_prefix: str) -> None:
    """30 updates of one user at once: they run one at a time in arrival order, and only the one
    at the head of the queue polls Redis for the shared lock (before, all 29 waiters polled it
    every 20 ms)."""
    assert TEST_REDIS_URL
    redis = create_redis(TEST_REDIS_URL)
    commands: list[str] = []
    execute = redis.execute_command

    async def counted(*args: Any, **options: Any) -> Any:
        commands.append(str(args[0]))
        return await execute(*args, **options)

    redis.execute_command = counted  # type: ignore[method-assign]
    try:
        isolation = LeasedRedisIsolation(redis, DefaultKeyBuilder(prefix=f"{redis_prefix}:fsm"), 5.0)
        key = StorageKey(bot_id=1, chat_id=6, user_id=6)
        inside, order = 0, []

        async def update(n: int) -> None:
            nonlocal inside
            async with isolation.lock(key):
                inside += 1
                assert inside == 1
                order.append(n)
                await asyncio.sleep(0.03)
                inside -= 1

        await asyncio.gather(*(update(n) for n in range(30)))
        assert order == list(range(30))
        # Each update: one acquire, one release (and no renewal within 30 ms of a 5 s lease);
        # the old way added ~1 poll per waiter per 20 ms (about 400 here).
        assert len(commands) <= 2 * 30 + 5, commands[:10]
        assert not isolation._queues  # nothing kept for a user once their updates are done
    finally:
        redis.execute_command = execute  # type: ignore[method-assign]
        await redis.aclose()


async def _send_through(
    limiters: list[Any], messenger: LocalMessenger, chats: list[int], per_worker: int
) -> None:
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    bot = Bot(SANDBOX_TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(messenger.base_url)))

    async def worker(limiter: Any, offset: int) -> None:
        for n in range(per_worker):
            chat = chats[(offset * per_worker + n) % len(chats)]
            await acquire(limiter, chat)
            await bot.send_message(chat, f"پیام {n}")

    try:
        await asyncio.gather(*(worker(limiter, i) for i, limiter in enumerate(limiters)))
    finally:
        await bot.session.close()


@pytest.mark.parametrize("shared", ["local", "redis"])
async def test_workers_sharing_the_budget_stay_under_the_platform_limits(
    shared: str, redis_prefix: str
) -> None:
    """The messenger enforces 20 messages/s overall and 1/s per chat (429 beyond). Three
    "workers" (three limiter instances, one Redis) send 18 messages, two to each of 9 chats, as
    fast as the budget lets them: no 429."""
    if shared == "redis" and not TEST_REDIS_URL:
        pytest.skip("needs TEST_REDIS_URL")
    messenger = LocalMessenger(flavor="telegram", token=SANDBOX_TOKEN, strict=True)
    await messenger.start()
    chats = [2000 + i for i in range(9)]
    for chat in chats:
        messenger.user(chat, "کاربر", "fa")
    messenger.set_rate_limit(global_per_sec=20, per_chat_per_sec=1)
    # Pacing controls when a request leaves, not when it arrives: on a loaded test machine two
    # requests can arrive closer than they left, so the budget keeps some headroom here.
    rate, per_chat_rate = 16, 0.8
    redis = None
    try:
        if shared == "redis":
            assert TEST_REDIS_URL
            redis = create_redis(TEST_REDIS_URL)
            limiters: list[Any] = [
                RedisRateLimiter(
                    redis,
                    namespace="telegram:1",
                    key_prefix=redis_prefix,
                    rate=rate,
                    per_chat_rate=per_chat_rate,
                )
                for _ in range(3)
            ]
            await _send_through(limiters, messenger, chats, per_worker=6)
        else:
            # One process: one limiter shared by its tasks.
            limiter = LocalRateLimiter(rate, per_chat_rate)
            await _send_through([limiter, limiter, limiter], messenger, chats, per_worker=6)
        assert len(messenger.calls("sendMessage")) == 18
        assert messenger.rate_limited_count == 0
    finally:
        if redis is not None:
            await redis.aclose()
        await messenger.stop()
    assert not messenger.violations


def test_the_app_builds_one_limiter_for_its_backend(settings: Settings) -> None:
    """One sending budget per app, from the BROADCAST_ rates; in Redis (shared by the workers of
    this bot on this platform) when there is Redis."""
    from bot.app import create_app

    app = create_app(settings)
    limiter = app.send_limiter
    assert (
        limiter.rate
        == settings.broadcast.rate_for(settings.platform)
        == (20.0 if settings.platform == "bale" else 30.0)
    )
    if settings.redis.redis_url:
        assert isinstance(limiter, RedisRateLimiter) and limiter.redis is app.redis
        prefix = settings.redis.redis_key_prefix
        assert limiter.prefix == f"{prefix}:ratelimit:{settings.platform.value}:{app.bot.id}"
    else:
        assert isinstance(limiter, LocalRateLimiter)
    asyncio.run(app.close())
