"""`python -m bot deliver`: a process that only sends broadcasts. It sends a confirmed broadcast
to everyone within the platform's limit, stops cleanly on SIGTERM, and never imports the chat's
handlers, the FAQ, the console or the charts (it is the delivery worker of issue 19, goal 5)."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.broadcast import FIRST_USER, ROOT, delivered, prepare
from messenger import LocalMessenger

RECIPIENTS = 60


@pytest.fixture
def database_file(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "deliver.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


async def test_deliver_sends_a_broadcast_and_stops_on_sigterm(database_file: str, tmp_path: Path) -> None:
    await prepare(database_file, "telegram", RECIPIENTS)
    messenger = LocalMessenger(flavor="telegram", token="1000000:SANDBOX-local-messenger", strict=True)
    await messenger.start()
    try:
        for i in range(RECIPIENTS):
            messenger.user(user_id=FIRST_USER + i, first_name="نیکوکار")
        messenger.set_rate_limit(global_per_sec=30, per_chat_per_sec=1)
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith(("BROADCAST_", "REDIS_"))
        }
        environment.update(
            BOT_TOKEN="1000000:SANDBOX-local-messenger",
            BOT_API_BASE=messenger.base_url,
            PLATFORM="telegram",
            DATABASE_URL=database_file,
            BROADCAST_TELEGRAM_RATE="30",
            PYTHONPATH=str(ROOT),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "deliver",
            cwd=str(tmp_path),  # no .env of the checkout
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            async with asyncio.timeout(60):
                while len(delivered(messenger)) < RECIPIENTS:
                    assert process.returncode is None
                    await asyncio.sleep(0.1)
        finally:
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _, errors = await process.communicate()
        assert process.returncode == 0, errors.decode()[-2000:]
        counts = delivered(messenger)
        assert set(counts) == set(range(FIRST_USER, FIRST_USER + RECIPIENTS))
        assert all(copies == 1 for copies in counts.values())
        assert messenger.rate_limited_count == 0 and not messenger.violations
    finally:
        await messenger.stop()


def test_the_delivery_worker_imports_no_handlers_faq_console_or_charts() -> None:
    code = (
        "import sys, inspect\n"
        "import bot.delivery_worker as worker\n"
        "from aiogram import Bot\n"
        "from bot.broadcast_delivery import AiogramProgressSink, AiogramSender\n"
        "from bot.i18n import I18n\n"
        "from bot.platform import profile_for\n"
        "from bot.session import PlatformSession\n"
        "from jobs.broadcasts import delivery_config\n"
        "from models.db import create_engine, create_sessionmaker, is_sqlite\n"
        "from services.delivery import DeliveryEngine\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=str(ROOT), capture_output=True, text=True, check=True
    ).stdout.split()
    loaded = set(output)
    unwanted = {"handlers", "console", "services.faq", "services.charts", "matplotlib", "bot.app", "jinja2"}
    assert not loaded & unwanted
    assert not [name for name in loaded if name.startswith(("handlers.", "console.", "matplotlib."))]
