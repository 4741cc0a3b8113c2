"""`python -m bot deliver`: a process that only sends broadcasts. It sends a confirmed broadcast
to everyone within the platform's limit, stops cleanly on SIGTERM, and never imports the chat's
handlers, the FAQ, the console or the charts (it is the delivery worker of issue 19, goal 5)."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from benchmarks.broadcast import FIRST_USER, ROOT, delivered, prepare
from messenger import LocalMessenger
from models.broadcasts import Broadcast
from models.db import create_engine
from services.persian import to_fa_digits

RECIPIENTS = 60
AUTHOR = 42


@pytest.fixture
def database_file(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "deliver.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


def start_deliver(
    messenger: LocalMessenger, database_file: str, tmp_path: Path
) -> Coroutine[Any, Any, asyncio.subprocess.Process]:
    """`python -m bot deliver` for the messenger's flavor, at 30 messages a second."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("BROADCAST_", "REDIS_"))
    }
    environment.update(
        BOT_TOKEN="1000000:SANDBOX-local-messenger",
        BOT_API_BASE=messenger.base_url,
        PLATFORM=messenger.flavor,
        DATABASE_URL=database_file,
        BROADCAST_TELEGRAM_RATE="30",
        BROADCAST_BALE_RATE="30",
        BROADCAST_PROGRESS_INTERVAL="1",
        PYTHONPATH=str(ROOT),
    )
    return asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "deliver",
        cwd=str(tmp_path),  # no .env of the checkout
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM: the worker ends cleanly (exit code 0)."""
    process.send_signal(signal.SIGTERM)
    async with asyncio.timeout(30):
        _, errors = await process.communicate()
    assert process.returncode == 0, errors.decode()[-2000:]


async def test_deliver_sends_a_broadcast_and_stops_on_sigterm(database_file: str, tmp_path: Path) -> None:
    await prepare(database_file, "telegram", RECIPIENTS)
    messenger = LocalMessenger(flavor="telegram", token="1000000:SANDBOX-local-messenger", strict=True)
    await messenger.start()
    try:
        for i in range(RECIPIENTS):
            messenger.user(user_id=FIRST_USER + i, first_name="نیکوکار")
        messenger.set_rate_limit(global_per_sec=30, per_chat_per_sec=1)
        process = await start_deliver(messenger, database_file, tmp_path)
        try:
            async with asyncio.timeout(60):
                while len(delivered(messenger)) < RECIPIENTS:
                    assert process.returncode is None
                    await asyncio.sleep(0.1)
        finally:
            await stop(process)
        counts = delivered(messenger)
        assert set(counts) == set(range(FIRST_USER, FIRST_USER + RECIPIENTS))
        assert all(copies == 1 for copies in counts.values())
        assert messenger.rate_limited_count == 0 and not messenger.violations
    finally:
        await messenger.stop()


@pytest.mark.parametrize("flavor", ["telegram", "bale"])
async def test_deliver_maps_answers_and_reports_progress_to_the_author(
    database_file: str, tmp_path: Path, flavor: str
) -> None:
    """The worker's sender and progress messages in each flavor (aiogram's types built on first
    use there, bot/aiogram_import.py): a 429 is waited out, a user who blocked the bot is
    counted as such, and the author's progress message ends as the one report, with no buttons
    left (on Bale the separate control message is deleted)."""
    recipients = 6
    broadcast_id = await prepare(database_file, flavor, recipients)
    engine = create_engine(database_file)
    async with engine.begin() as connection:
        await connection.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id)
            .values(author_id=AUTHOR, author_language="fa")
        )
    await engine.dispose()
    messenger = LocalMessenger(flavor=flavor, token="1000000:SANDBOX-local-messenger", strict=True)  # type: ignore[arg-type]
    await messenger.start()
    try:
        author = messenger.user(AUTHOR, "نویسنده")
        users = [messenger.user(user_id=FIRST_USER + i, first_name="نیکوکار") for i in range(recipients)]
        await users[-1].block()
        messenger.fail_next("sendMessage", status=429, retry_after=1)
        process = await start_deliver(messenger, database_file, tmp_path)
        try:
            await author.wait_until(
                lambda u: any("تمام شد" in str(m.get("text")) for m in u.messages), timeout=60
            )
        finally:
            await stop(process)
        shown = [m for m in author.messages if not m.get("deleted")]
        assert [m["text"] for m in shown] == [
            f"✅ ارسال پیام همگانی #{to_fa_digits(broadcast_id)} تمام شد.\n"
            "فرستاده: ۵ · مسدودکرده: ۱ · ناموفق: ۰ · کنار گذاشته: ۰\n"
            "لغو اشتراک با دکمهٔ زیر این پیام: ۰"
        ]
        assert not author.buttons(shown[0])
        assert [len(user.messages) for user in users] == [1] * (recipients - 1) + [0]
        # The 429 may meet a recipient or the author's progress message: each is sent again.
        refused = [call for call in messenger.calls("sendMessage") if not call.ok]
        assert sorted(call.status for call in refused) == [403, 429]
        assert not messenger.violations
    finally:
        await messenger.stop()


def test_the_delivery_worker_imports_no_handlers_faq_console_or_charts() -> None:
    """...and builds only a few of aiogram's types (bot/aiogram_import.py)."""
    code = (
        "import sys, json\n"
        "import bot.__main__\n"  # as `python -m bot deliver` starts
        "import bot.delivery_worker as worker\n"
        "worker.import_aiogram_for_sending()\n"
        "from aiogram import Bot, types\n"
        "from bot.broadcast_delivery import AiogramProgressSink, AiogramSender\n"
        "from bot.i18n import I18n\n"
        "from bot.platform import profile_for\n"
        "from bot.session import PlatformSession\n"
        "from jobs.broadcasts import delivery_config\n"
        "from models.db import create_engine, create_sessionmaker, is_sqlite\n"
        "from services.delivery import DeliveryEngine\n"
        "models = [getattr(types, name) for name in types.__all__ if hasattr(getattr(types, name), 'model_fields')]\n"
        "built = [model.__name__ for model in models if model.__pydantic_complete__]\n"
        "print(json.dumps({'modules': sorted(sys.modules), 'built': built, 'types': len(models)}))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=str(ROOT), capture_output=True, text=True, check=True
    ).stdout
    report = json.loads(output)
    loaded = set(report["modules"])
    unwanted = {"handlers", "console", "services.faq", "services.charts", "matplotlib", "bot.app", "jinja2"}
    assert not loaded & unwanted
    assert not [name for name in loaded if name.startswith(("handlers.", "console.", "matplotlib."))]
    assert "Update" not in report["built"] and len(report["built"]) < report["types"] // 10, report["built"]
