"""The sandbox: a person's chat in the terminal, driven line by line, and the README command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.settings import DatabaseSettings, Settings, TelegramSettings, load_settings
from messenger.sandbox import DONOR_ID, open_sandbox
from messenger.spec import UploadedFile

ROOT = Path(__file__).resolve().parent.parent


def _settings(tmp_path: Path, flavor: str) -> Settings:
    return load_settings(
        telegram=TelegramSettings(platform=flavor),
        database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/sandbox.db"),
    )


async def test_sandbox_chat_with_numbered_buttons(tmp_path: Path, flavor: str) -> None:
    settings = _settings(tmp_path, flavor)
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


async def test_a_restarted_sandbox_never_reuses_ids(tmp_path: Path, flavor: str) -> None:
    """The database outlives the sandbox: message and update ids go on from the last run (a
    reused update id would be dropped as a duplicate, a reused message id bind a staff reply to
    an older card)."""
    settings = _settings(tmp_path, flavor)
    async with open_sandbox(settings, [].append) as sandbox:
        await sandbox.handle("/start")
        first_ids = [int(message["message_id"]) for message in sandbox.donor.all_messages]
        last_update = max(update["update_id"] for update in sandbox.messenger.updates)
    assert (tmp_path / "sandbox-sandbox" / "messenger.json").is_file()
    shown: list[str] = []
    async with open_sandbox(settings, shown.append) as sandbox:
        await sandbox.handle("/start")
        assert "سلام سارا، به «همدل» خوش آمدید" in "\n".join(shown)  # not dropped as a duplicate
        again = [int(message["message_id"]) for message in sandbox.donor.all_messages]
        assert min(again) > max(first_ids)
        assert min(update["update_id"] for update in sandbox.messenger.updates) > last_update


async def test_a_new_sandbox_adds_the_sample_campaigns_and_says_so(tmp_path: Path, flavor: str) -> None:
    shown: list[str] = []
    async with open_sandbox(_settings(tmp_path, flavor), shown.append) as sandbox:
        assert "sample campaigns were added" in shown[0] and "ایران همدل" in shown[0]
        await sandbox.handle("/donate")
        assert "📣 ایران همدل" in sandbox.donor.buttons()
    shown.clear()
    async with open_sandbox(_settings(tmp_path, flavor), shown.append):
        assert not any("sample campaigns" in line for line in shown)  # once, for a new database


async def test_reply_keyboards_are_numbered_and_pressed(tmp_path: Path, flavor: str) -> None:
    """A reply keyboard is shown numbered under the message that set it; `:N` presses its button
    (the text is sent, a contact button shares the contact) while it is the newest with buttons."""
    shown: list[str] = []
    keyboard = {"keyboard": [[{"text": "📱 ارسال شماره", "request_contact": True}], [{"text": "انصراف"}]]}
    async with open_sandbox(_settings(tmp_path, flavor), shown.append) as sandbox:

        def mine() -> list[dict[str, Any]]:
            return [m for m in sandbox.donor.all_messages if m.get("from", {}).get("id") == DONOR_ID]

        for press in (":1", ":2"):
            status, _ = await sandbox.messenger.call(
                "sendMessage", {"chat_id": DONOR_ID, "text": "شماره؟", "reply_markup": keyboard}
            )
            assert status == 200
            await sandbox.refresh(wait=0)
            assert shown[-1].endswith("شماره؟\n⌨ [1] 📱 ارسال شماره   [2] انصراف")
            await sandbox.handle(press)
            if press == ":1":
                assert mine()[-1]["contact"]["user_id"] == DONOR_ID
            else:
                assert mine()[-1].get("text") == "انصراف"
            sent = int(mine()[-1]["message_id"])  # the bot's answer comes before the next keyboard
            await sandbox.donor.wait_until(lambda u, sent=sent: int(u.last["message_id"]) > sent, timeout=30)
            await sandbox.refresh(wait=0)


async def test_photos_and_documents_are_saved_and_their_path_shown(tmp_path: Path, flavor: str) -> None:
    shown: list[str] = []
    async with open_sandbox(_settings(tmp_path, flavor), shown.append) as sandbox:
        png = b"\x89PNG\r\n\x1a\n" + b"chart" * 10
        await sandbox.messenger.call(
            "sendPhoto",
            {"chat_id": DONOR_ID, "caption": "نمودار"},
            {"photo": UploadedFile(png, "c.png", "image/png")},
        )
        await sandbox.messenger.call(
            "sendDocument",
            {"chat_id": DONOR_ID},
            {"document": UploadedFile("کد,مبلغ\n".encode(), "کمک‌ها.csv", "text/csv")},
        )
        await sandbox.refresh(wait=0)
        files = sandbox.folder / "files"
        photo = next(files.glob("*photo.png"))
        document = next(files.glob("*کمک‌ها.csv"))
        assert photo.read_bytes() == png and document.read_text(encoding="utf-8") == "کد,مبلغ\n"
        transcript = "\n".join(shown)
        assert f"[🖼 تصویر → {photo}]" in transcript and f"[📎 کمک‌ها.csv → {document}]" in transcript
        await sandbox.refresh(wait=0)
        assert sorted(files.iterdir()) == sorted([photo, document])  # saved once


@pytest.mark.slow  # starts `python -m bot` in a terminal
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
    assert result.stdout.count("Hamdel sandbox") == 1  # the start-up notice, once
    assert "به «همدل» خوش آمدید" in result.stdout
    assert (tmp_path / "var" / "hamdel.db").exists()
    assert "Traceback" not in result.stderr
    # The log goes to a file named once at the start, not into the chat.
    log = Path("var") / "hamdel-sandbox" / "bot.log"
    assert result.stdout.count(f"Log: {log}") == 1
    assert "Start polling" in (tmp_path / log).read_text(encoding="utf-8")
    assert "Start polling" not in result.stdout + result.stderr
    assert " INFO " not in result.stdout + result.stderr
