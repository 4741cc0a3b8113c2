"""PostgreSQL and Redis failing under a running bot (PostgreSQL + Redis only).

- PostgreSQL connections terminated (pg_terminate_backend: the shared server is not restarted,
  other engineers use it): between updates the pool replaces the closed ones; in the middle of an
  update the update is released and retried, answered once, with no apology.
- Redis unavailable: the bot refuses the updates it cannot run (webhook 503, the inbox retries
  them with backoff), says so in one log line, reports it on /healthz, does not crash — and
  answers every one of them, once, when Redis is back. It does not fall back to local state:
  conversation state and per-user locks must be the same for every worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import text

from bot.observability import check_health
from bot.settings import RedisSettings, ScaleSettings
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, Harness
from tests.scale.scalekit import eventually, held_lock, inbox_rows, texts

WELCOME = "به «همدل» خوش آمدید"
HELP = "راهنمای همدل"

pytestmark = pytest.mark.skipif(
    not (TEST_DATABASE_URL and TEST_REDIS_URL), reason="needs TEST_DATABASE_URL and TEST_REDIS_URL"
)


@pytest.fixture(params=["postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(params=["telegram"])
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


class TcpProxy:
    """A TCP proxy in front of Redis that can be cut (connections dropped, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.server: asyncio.Server | None = None
        self.port = 0
        self.up = True
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers |= {writer, up_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.writers -= {writer, up_writer}

    def cut(self) -> None:
        self.up = False
        for writer in list(self.writers):
            writer.close()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


@pytest.fixture
async def redis_proxy() -> AsyncIterator[TcpProxy]:
    from sqlalchemy.engine import make_url

    assert TEST_REDIS_URL
    url = make_url(TEST_REDIS_URL.replace("redis://", "postgresql://"))  # only to split host/port
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 6379)
    await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.stop()


@pytest.fixture
def overrides(redis_proxy: TcpProxy, redis_prefix: str) -> dict[str, BaseSettings]:
    assert TEST_REDIS_URL
    database = TEST_REDIS_URL.rsplit("/", 1)[-1] if TEST_REDIS_URL.count("/") > 2 else "0"
    return {
        "redis": RedisSettings(
            redis_url=f"redis://127.0.0.1:{redis_proxy.port}/{database}", redis_key_prefix=redis_prefix
        ),
        "scale": ScaleSettings(worker_lease_seconds=1),
    }


async def _done(hamdel: Harness) -> bool:
    return {row.status for row in await inbox_rows(hamdel.app)} == {"done"}


async def _terminate_bot_connections(hamdel: Harness, waiting_only: bool = False) -> int:
    """pg_terminate_backend every connection to this run's database but the one asking."""
    condition = "AND wait_event_type = 'Lock'" if waiting_only else ""
    async with held_lock(hamdel.settings.database.database_url, "SELECT 1") as connection:
        result = await connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                f"WHERE datname = current_database() AND pid <> pg_backend_pid() {condition}"
            )
        )
        return int(result.scalar_one())


async def test_postgres_connections_terminated_between_and_during_updates(hamdel_webhook: Harness) -> None:
    user = hamdel_webhook.user()
    await user.send("/start")
    await user.next_message()
    await hamdel_webhook.settle()
    # Between updates: every pooled connection is killed; the next checkout sees it closed.
    assert await _terminate_bot_connections(hamdel_webhook) >= 1
    await user.send("/help")
    assert HELP in (await user.next_message())["text"]
    # During an update: the bot's connection dies while it waits for a lock.
    newcomer = hamdel_webhook.user()
    async with held_lock(hamdel_webhook.settings.database.database_url, "LOCK TABLE users IN EXCLUSIVE MODE"):
        await newcomer.send("/start")

        async def bot_waits_on_the_lock() -> bool:
            async with held_lock(hamdel_webhook.settings.database.database_url, "SELECT 1") as c:
                found = await c.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock'"
                    )
                )
                return bool(found.scalar_one())

        await eventually(bot_waits_on_the_lock, within=10)
        assert await _terminate_bot_connections(hamdel_webhook, waiting_only=True) >= 1
    reply = await newcomer.next_message(timeout=10)
    assert WELCOME in reply["text"]
    await hamdel_webhook.settle()
    assert texts(newcomer) == [reply["text"]]  # once, and no apology
    await eventually(lambda: _done(hamdel_webhook))


async def test_redis_unavailable_updates_wait_and_are_answered_once_it_is_back(
    hamdel_webhook: Harness, redis_proxy: TcpProxy, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="hamdel")
    user = hamdel_webhook.user()
    await user.send("/start")
    await user.next_message()
    await hamdel_webhook.settle()

    redis_proxy.cut()
    await user.send("/help")
    other = hamdel_webhook.user()
    await other.send("/start")
    await hamdel_webhook.messenger.settle(timeout=15)  # the messenger tried, got 503s, gave up for now
    healthy, report = await check_health(hamdel_webhook.app)
    assert not healthy
    assert report["redis"].startswith("unreachable")
    assert report["database"] == "ok"
    assert len(texts(user)) == 1  # nothing answered while Redis is away, nothing apologised
    assert texts(other) == []
    unavailable = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert 1 <= len(unavailable) <= 2, [r.getMessage() for r in caplog.records]
    assert all(r.name.startswith("hamdel") for r in unavailable)

    redis_proxy.restore()
    # No redelivery comes (the messenger gave up): the inbox retries them itself.
    assert HELP in (await user.next_message(timeout=15))["text"]
    assert WELCOME in (await other.next_message(timeout=15))["text"]
    await hamdel_webhook.settle()
    assert len(texts(user)) == 2
    assert len(texts(other)) == 1
    await eventually(lambda: _done(hamdel_webhook))
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    healthy, _ = await check_health(hamdel_webhook.app)
    assert healthy
