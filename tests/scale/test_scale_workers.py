"""Real worker processes (`python -m bot …`) against the local messenger: graceful shutdown on
SIGTERM, kill -9 in the middle of an update, several webhook workers on one port.

These start Python subprocesses (importing aiogram costs ~5 s of CPU each), so there are few of
them and each proves several things at once: four tests, six process starts, ~5-10 s each on an
idle 2-core machine (the kill test on PostgreSQL also waits out one 1 s worker lease).
"""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.webhook import webhook_path
from messenger import LocalMessenger
from messenger.testkit import (
    WorkerSet,
    free_port,
    wait_exit,
    wait_healthy,
    worker_env,
)
from models.db import create_engine, create_sessionmaker
from models.updates import InboxUpdate
from tests.conftest import SANDBOX_TOKEN, TEST_DATABASE_URL, TEST_REDIS_URL
from tests.dbkit import emptied_for_workers
from tests.scale.scalekit import eventually, held_lock, message_update, texts

WELCOME = "به «همدل» خوش آمدید"

# Each test starts one or two `python -m bot` processes: importing aiogram alone costs ~5 s of
# CPU per process, so on a busy 2-core machine a test takes 10-25 s (about 5 s when idle).
pytestmark = pytest.mark.slow


@pytest.fixture
async def messenger_tg() -> AsyncIterator[LocalMessenger]:
    # Webhook deliveries retried a little longer than the default, as a real messenger would.
    m = LocalMessenger(
        flavor="telegram", token=SANDBOX_TOKEN, strict=True, webhook_retries=6, webhook_backoff=0.1
    )
    await m.start()
    try:
        yield m
    finally:
        await m.stop()
    assert not m.violations, "Bot API violations:\n" + "\n".join(m.violations)


async def _rows(database_url: str) -> list[InboxUpdate]:
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id))).all())
    finally:
        await engine.dispose()


async def _owner_pid(database_url: str, update_id: int) -> int | None:
    for row in await _rows(database_url):
        if row.update_id == update_id and row.owner and row.status == "processing":
            return int(row.owner.split(":")[1])
    return None


@pytest.mark.parametrize("mode", ["webhook", "polling"])
async def test_sigterm_stops_taking_updates_finishes_those_in_flight_and_exits(
    messenger_tg: LocalMessenger, tmp_path: Path, mode: str
) -> None:
    port, ops_port = free_port(), free_port()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'hamdel.db'}"
    env = worker_env(
        flavor="telegram",
        api_base=messenger_tg.base_url,
        database_url=database_url,
        port=port,
        webhook=mode == "webhook",
        metrics_port=str(ops_port),
        shutdown_timeout="10",
    )
    workers = WorkerSet(env, tmp_path, port)
    worker = workers.start(0, "run")
    try:
        health = await wait_healthy(ops_port, worker)
        assert (health["database"], health["redis"], health["platform"]) == (
            "ok",
            "not configured",
            "telegram",
        )
        if mode == "polling":
            await messenger_tg.wait_for_request(lambda r: r.method == "getUpdates", timeout=30)
        user = messenger_tg.user(1001, "سارا", "fa")
        messenger_tg.delay_next("sendMessage", seconds=4)  # the reply is on its way when SIGTERM comes
        await user.send("/start")
        await messenger_tg.wait_for_request(lambda r: r.method == "sendMessage", timeout=30)
        worker.process.send_signal(signal.SIGTERM)
        if mode == "webhook":
            # A new delivery while draining is refused with 503: the messenger will deliver it again.
            # (Once the worker has taken the signal: a delivery that comes before is handled.)
            url = f"http://127.0.0.1:{port}{webhook_path('/webhook', SANDBOX_TOKEN, 'test-secret')}"
            async with aiohttp.ClientSession() as client:

                async def draining() -> bool:
                    async with client.get(f"http://127.0.0.1:{ops_port}/healthz") as response:
                        status = json.loads(await response.text())["status"]
                        return response.status == 503 and status == "draining"

                await eventually(draining, within=10)
                async with client.post(
                    url,
                    json=message_update(99, 1002, "/help"),
                    headers={"X-Telegram-Bot-Api-Secret-Token": "test-secret"},
                ) as response:
                    assert response.status == 503
        assert await wait_exit(worker, within=40) == 0, worker.output()
        # The update in flight was finished (its reply delivered) before the process left.
        assert sum(WELCOME in t for t in texts(user)) == 1
        assert [(r.update_id, r.status) for r in await _rows(database_url)] == [(1, "done")]
        assert "stopping: no new updates" in worker.output()
    finally:
        workers.stop_all()


async def test_kill_9_during_a_send_and_restart_loses_nothing(
    messenger_tg: LocalMessenger, tmp_path: Path
) -> None:
    """One SQLite worker dies while its reply is on the wire; nobody redelivers the update (the
    messenger gave up on the dead address). Restarted, the worker finds the update unfinished in
    its inbox and handles it. Stated bound: the reply that was already on the wire may arrive
    as well, so the user sees it at most twice — never zero times."""
    port = free_port()
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'hamdel.db'}"
    messenger_tg.webhook_retries = 1
    env = worker_env(flavor="telegram", api_base=messenger_tg.base_url, database_url=database_url, port=port)
    workers = WorkerSet(env, tmp_path, port)
    worker = workers.start(0, "run")
    try:
        await wait_healthy(port, worker)
        user = messenger_tg.user(1001, "سارا", "fa")
        messenger_tg.delay_next("sendMessage", seconds=1)
        await user.send("/start")
        await messenger_tg.wait_for_request(lambda r: r.method == "sendMessage", timeout=30)
        worker.process.send_signal(signal.SIGKILL)
        await wait_exit(worker, within=5)
        await messenger_tg.settle(timeout=10)  # the messenger retries, fails, gives up
        assert [(r.update_id, r.status) for r in await _rows(database_url)] == [(1, "processing")]
        restarted = workers.start(0, "run")
        await wait_healthy(port, restarted)
        await eventually(lambda: any(WELCOME in t for t in texts(user)), within=10)
        await eventually(
            lambda: _rows_done(database_url),
            within=10,
        )
        assert 1 <= sum(WELCOME in t for t in texts(user)) <= 2
        assert "left unfinished by a previous run" in restarted.output()
    finally:
        workers.stop_all()


async def _rows_done(database_url: str) -> bool:
    return [(r.update_id, r.status) for r in await _rows(database_url)] == [(1, "done")]


@pytest.mark.skipif(
    not (TEST_DATABASE_URL and TEST_REDIS_URL), reason="needs TEST_DATABASE_URL and TEST_REDIS_URL"
)
async def test_kill_9_mid_update_another_worker_takes_it_over(
    messenger_tg: LocalMessenger, tmp_path: Path, postgres_url: str, redis_prefix: str
) -> None:
    """Two webhook workers on one port (SO_REUSEPORT) on PostgreSQL + Redis. The worker holding
    an update is killed before its reply; the messenger's redelivery reaches the other worker,
    which waits out the dead worker's lease (1 s) and handles it: one answer, nothing lost."""
    assert TEST_REDIS_URL
    await emptied_for_workers(postgres_url, TEST_REDIS_URL, redis_prefix)
    port = free_port()
    env = worker_env(
        flavor="telegram",
        api_base=messenger_tg.base_url,
        database_url=postgres_url,
        redis_url=TEST_REDIS_URL,
        redis_prefix=redis_prefix,
        port=port,
        workers=2,
        worker_lease_seconds="1",
    )
    workers = WorkerSet(env, tmp_path, port)
    first, second = workers.start(0), workers.start(1)
    try:
        await messenger_tg.wait_for_request(lambda r: r.method == "setWebhook", timeout=60)
        for worker in (first, second):
            await eventually(lambda w=worker: "webhook on" in w.output(), within=60)  # type: ignore[misc]
        user = messenger_tg.user(1001, "سارا", "fa")
        # The database makes whichever worker takes the update wait, mid-update, before any reply:
        # the new person's row cannot be written (reads of users go on: the update's record reads
        # its sender's language, bot.inbox.SENDER_LANGUAGE).
        async with held_lock(postgres_url, "LOCK TABLE users IN EXCLUSIVE MODE"):
            await user.send("/start")
            pid = None
            for _ in range(200):
                pid = await _owner_pid(postgres_url, 1)
                if pid:
                    break
                await asyncio.sleep(0.05)
            assert pid in (first.pid, second.pid), workers.logs()
            victim = first if pid == first.pid else second
            survivor = second if victim is first else first
            victim.process.send_signal(signal.SIGKILL)
            await wait_exit(victim, within=5)
        reply = await user.next_message(timeout=30)
        assert WELCOME in reply["text"]
        await messenger_tg.settle(timeout=15)
        assert sum(WELCOME in t for t in texts(user)) == 1
        [row] = await _rows(postgres_url)
        assert (row.status, row.attempts) == ("done", 2)
        assert row.owner is None
        # The survivor goes on alone.
        other = messenger_tg.user(1002, "مریم", "fa")
        await other.send("/help")
        assert "راهنمای همدل" in (await other.next_message(timeout=10))["text"]
        assert survivor.process.poll() is None
    finally:
        workers.stop_all()
