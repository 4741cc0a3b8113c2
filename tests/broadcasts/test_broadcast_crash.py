"""A delivery worker killed with SIGKILL in the middle of a broadcast, against the messenger
enforcing a rate limit, then started again: everybody gets the message, nobody whose send was
confirmed gets it twice, and the duplicates (sends in flight at the kill) stay within the
stated bound. On Bale the sender is made faster than the messenger's limit: it meets 429s,
pauses, and still delivers each message once. (The workers use the benchmark's aiogram-free sender to start fast; the
aiogram sender is exercised by the conversation tests and the benchmark.)"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from benchmarks.broadcast import (
    FIRST_USER,
    confirmed_chats,
    delivered,
    last_report,
    prepare,
    spawn,
    worker_command,
)
from messenger import LocalMessenger
from models.broadcasts import OutboxItem, OutboxStatus
from models.db import create_engine

RECIPIENTS = 240
RATE = 240


async def outbox_chats(database_url: str, status: OutboxStatus) -> set[int]:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(select(OutboxItem.chat_id).where(OutboxItem.status == status.value))
        chats = {int(chat) for (chat,) in rows.all()}
    await engine.dispose()
    return chats


async def statuses(database_url: str) -> dict[str, int]:
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(select(OutboxItem.status, func.count()).group_by(OutboxItem.status))
        counts = {status: int(count) for status, count in rows.all()}
    await engine.dispose()
    return counts


@pytest.fixture
def database_file(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "crash.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


@pytest.mark.parametrize(
    ("platform", "limit"),
    [
        ("telegram", RATE),  # the sender keeps to the platform's limit
        ("bale", RATE // 2),  # Bale publishes no limit: the sender is too fast and meets 429s
    ],
)
async def test_kill_9_in_the_middle_and_restart(database_file: str, platform: str, limit: int) -> None:
    await prepare(database_file, platform, RECIPIENTS)
    messenger = LocalMessenger(flavor=platform, token="1000000:SANDBOX-local-messenger", strict=True)  # type: ignore[arg-type]
    await messenger.start()
    try:
        for i in range(RECIPIENTS):
            messenger.user(user_id=FIRST_USER + i, first_name="نیکوکار")
        messenger.set_rate_limit(global_per_sec=limit, per_chat_per_sec=1)
        command = worker_command(
            database_file, messenger.base_url, platform=platform, rate=RATE, max_in_flight=16, sender="raw"
        )
        first = await spawn(command)
        for _ in range(1500):  # until about 40 % have it
            if sum(delivered(messenger).values()) >= RECIPIENTS * 0.4 or first.returncode is not None:
                break
            await asyncio.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        await first.wait()
        assert first.returncode == -signal.SIGKILL
        confirmed = await confirmed_chats(database_file)
        in_flight = await outbox_chats(database_file, OutboxStatus.SENDING)
        assert confirmed and len(confirmed) < RECIPIENTS

        second = await spawn(command)
        report = await asyncio.wait_for(last_report(second), timeout=60)
        counts = delivered(messenger)
        assert set(counts) == set(range(FIRST_USER, FIRST_USER + RECIPIENTS))  # everybody got it
        assert not [chat for chat in confirmed if counts[chat] > 1]  # no confirmed send repeated
        duplicates = {chat for chat, copies in counts.items() if copies > 1}
        assert duplicates <= in_flight  # only sends in flight at the kill
        assert len(duplicates) <= report["duplicate_bound"]
        assert report["recovered"] == len(in_flight)
        assert await statuses(database_file) == {"sent": RECIPIENTS}
        assert not messenger.violations
        if limit < RATE:
            assert messenger.rate_limited_count > 0 and report["rate_limited"] > 0
    finally:
        await messenger.stop()
