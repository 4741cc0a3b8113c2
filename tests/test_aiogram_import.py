"""bot/aiogram_import.py: aiogram imported with its types built on first use (as the delivery
worker imports it) reads the Bot API's answers and writes its requests exactly as aiogram
imported as usual, and really leaves unbuilt the types a process does not meet."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from benchmarks.broadcast import ROOT

SENT = {
    "message_id": 5,
    "date": 1_700_000_000,
    "chat": {"id": 1001, "type": "private", "first_name": "سارا"},
    "from": {"id": 7000001, "is_bot": True, "first_name": "Hamdel"},
    "text": "سلام",
    "entities": [{"type": "bold", "offset": 0, "length": 4}],
    "reply_markup": {"inline_keyboard": [[{"text": "🔕", "callback_data": "uns:7"}]]},
    "reply_to_message": {"message_id": 4, "date": 0, "chat": {"id": 1001, "type": "private"}},
    "photo": [{"file_id": "p", "file_unique_id": "u", "width": 90, "height": 90}],
}
REFUSED = {
    "ok": False,
    "error_code": 429,
    "description": "Too Many Requests",
    "parameters": {"retry_after": 3},
}


def samples() -> list[Any]:
    """The delivery worker's requests as aiogram sends them (each field as it goes on the wire)
    and the answers as aiogram reads them."""
    from aiogram import Bot
    from aiogram.methods import DeleteMessage, EditMessageText, SendMessage, SendPhoto
    from aiogram.methods.base import Response
    from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message

    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="⏸", callback_data="bcx:1:pause")],
            [InlineKeyboardButton(text="🔗", url="https://behzisti.ir")],
        ]
    )
    requests = [
        SendMessage(chat_id=1001, text="سلام", reply_markup=keyboard, allow_paid_broadcast=True),
        SendPhoto(chat_id=1001, photo="file-id", caption="سلام", reply_markup=keyboard),
        EditMessageText(chat_id=1001, message_id=5, text="سلام", reply_markup=keyboard),
        DeleteMessage(chat_id=1001, message_id=5),
    ]
    answers = [
        Response[Message].model_validate({"ok": True, "result": SENT}),
        Response[Message | bool].model_validate({"ok": True, "result": True}),
        Response[Message].model_validate(REFUSED),
    ]
    bot = Bot("1000000:SANDBOX-local-messenger")
    sent = [
        {
            key: bot.session.prepare_value(value, bot=bot, files={})
            for key, value in request.model_dump().items()
        }
        for request in requests
    ]
    return [*sent, *(answer.model_dump(mode="json") for answer in answers)]


LAZY = (
    "import json\n"
    "from bot.aiogram_import import import_aiogram_with_types_on_demand\n"
    "import_aiogram_with_types_on_demand()\n"
    "import aiogram.types as types\n"
    "from pydantic import BaseModel\n"
    "def built():\n"
    "    return sorted(name for name in types.__all__ if isinstance(getattr(types, name), type)\n"
    "                  and issubclass(getattr(types, name), BaseModel) and getattr(types, name).__pydantic_complete__)\n"
    "at_import = built()\n"
    "from tests.test_aiogram_import import samples\n"
    "print(json.dumps({'samples': samples(), 'at_import': at_import, 'after': built()}))\n"
)


def test_types_built_on_first_use_read_and_write_as_aiogram_does() -> None:
    output = subprocess.run(
        [sys.executable, "-c", LAZY], cwd=str(ROOT), capture_output=True, text=True, check=True
    ).stdout
    lazy = json.loads(output)
    # If aiogram stops building its types at the end of its import, this has nothing to skip:
    # bot/aiogram_import.py can go.
    assert lazy["at_import"] == [], "aiogram built types at import despite bot/aiogram_import.py"
    assert lazy["samples"] == json.loads(json.dumps(samples()))
    # Only what was met got built (the answers' Message inside `Response[Message]`).
    assert lazy["after"] == ["InlineKeyboardButton", "InlineKeyboardMarkup"]
