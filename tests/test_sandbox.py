"""The sandbox: a person's chat in the terminal, driven line by line, and the README command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import DatabaseSettings, TelegramSettings, load_settings
from messenger.sandbox import open_sandbox

ROOT = Path(__file__).resolve().parent.parent


async def test_sandbox_chat_with_numbered_buttons(tmp_path: Path, flavor: str) -> None:
    settings = load_settings(
        telegram=TelegramSettings(platform=flavor),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/sandbox.db"),
    )
    shown: list[str] = []
    async with open_sandbox(settings, shown.append) as sandbox:
        await sandbox.handle("/start")
        welcome = "\n".join(shown)
        assert "سلام سارا، به «همدل» خوش آمدید" in welcome
        assert "[1] " in welcome
        labels = sandbox.donor.buttons()
        await sandbox.handle(f":{labels.index('🌐 زبان / Language') + 1}")
        await sandbox.handle(f":{sandbox.donor.buttons().index('English') + 1}")
        assert "The conversation is now in English." in "\n".join(shown)
        await sandbox.handle(":99")
        assert "— no button 99" in "\n".join(shown)
        await sandbox.handle(":sticker")
        assert "I can't read this kind of message" in shown[-1]
        await sandbox.handle(":admin")
        await sandbox.handle("/help")
        assert "── همدل → مدیر ──" in "\n".join(shown)
        assert await sandbox.handle(":quit") is False


def test_python_m_bot_without_token_opens_the_sandbox(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL", "REDIS_URL"}}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env,
        input="/start\n:quit\n",
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 0, result.stderr
    assert "Hamdel sandbox" in result.stdout
    assert "به «همدل» خوش آمدید" in result.stdout
    assert (tmp_path / "var" / "hamdel.db").exists()
    assert "Traceback" not in result.stderr
