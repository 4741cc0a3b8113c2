"""bot/aiogram_import.py: aiogram imported with its types built on first use (as the delivery
worker and the chat's processes import it) reads the Bot API's answers and writes its requests
exactly as aiogram imported as usual, and really leaves unbuilt the types a process does not
meet; a chat worker has built at start everything a usual conversation meets.

Each side runs in a fresh interpreter: this test process itself imports aiogram the chat's way
(tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

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


USUAL = "import json\nfrom tests.test_aiogram_import import samples\nprint(json.dumps(samples()))\n"


def _run(script: str) -> Any:
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=str(ROOT), capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output)


def test_types_built_on_first_use_read_and_write_as_aiogram_does() -> None:
    lazy = _run(LAZY)
    # If aiogram stops building its types at the end of its import, this has nothing to skip:
    # bot/aiogram_import.py can go.
    assert lazy["at_import"] == [], "aiogram built types at import despite bot/aiogram_import.py"
    assert lazy["samples"] == _run(USUAL)
    # Only what was met got built (the answers' Message inside `Response[Message]`).
    assert lazy["after"] == ["InlineKeyboardButton", "InlineKeyboardMarkup"]


GROUP = {  # getChat's answer for the working group's chat
    "id": -100,
    "type": "group",
    "title": "کارگروه",
    "accent_color_id": 0,
    "max_reaction_count": 11,
    "accepted_gift_types": {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    },
}


def conversation() -> None:
    """What a usual conversation makes aiogram read and write: updates with a command, a button
    tap, a reply-keyboard text, a payment's check and its success; menus with both kinds of
    keyboard, an edited message, a toast, an invoice, the payment's answer, a chat's details."""
    from aiogram import methods
    from aiogram.types import (
        InlineKeyboardButton,
        InlineKeyboardMarkup,
        KeyboardButton,
        LabeledPrice,
        ReplyKeyboardMarkup,
        ReplyKeyboardRemove,
        Update,
    )

    from bot.session import response_type

    person = {"id": 7001, "is_bot": False, "first_name": "سارا", "language_code": "fa"}
    chat = {"id": 7001, "type": "private", "first_name": "سارا"}
    message = {"message_id": 9, "date": 1_700_000_000, "chat": chat, "from": person, "text": "/start"}
    paid = {
        **message,
        "text": None,
        "successful_payment": {
            "currency": "XTR",
            "total_amount": 100,
            "invoice_payload": "d:1",
            "telegram_payment_charge_id": "c",
            "provider_payment_charge_id": "p",
        },
    }
    for update in (
        {"update_id": 1, "message": message},
        {"update_id": 2, "message": {**message, "text": "💝 کمک"}},
        {
            "update_id": 3,
            "callback_query": {
                "id": "q",
                "from": person,
                "chat_instance": "i",
                "data": "m:1",
                "message": SENT,
            },
        },
        {
            "update_id": 4,
            "pre_checkout_query": {
                "id": "c",
                "from": person,
                "currency": "XTR",
                "total_amount": 100,
                "invoice_payload": "d:1",
            },
        },
        {"update_id": 5, "message": paid},
    ):
        Update.model_validate(update)
    inline = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="💝", callback_data="m:1")]])
    reply = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="💝 کمک")]], resize_keyboard=True)
    calls: list[Any] = [
        methods.SendMessage(chat_id=7001, text="سلام", reply_markup=inline),
        methods.SendMessage(chat_id=7001, text="سلام", reply_markup=reply),
        methods.SendMessage(chat_id=7001, text="سلام", reply_markup=ReplyKeyboardRemove()),
        methods.EditMessageText(chat_id=7001, message_id=9, text="سلام", reply_markup=inline),
        methods.EditMessageReplyMarkup(chat_id=7001, message_id=9, reply_markup=inline),
        methods.AnswerCallbackQuery(callback_query_id="q", text="✓"),
        methods.DeleteMessage(chat_id=7001, message_id=9),
        methods.SendInvoice(
            chat_id=7001,
            title="کمک",
            description="کمک",
            payload="d:1",
            currency="XTR",
            prices=[LabeledPrice(label="کمک", amount=100)],
        ),
        methods.AnswerPreCheckoutQuery(pre_checkout_query_id="c", ok=True),
        methods.SendChatAction(chat_id=7001, action="typing"),
        methods.GetChat(chat_id=-100),
    ]
    for call in calls:
        returning = call.__returning__
        result = True if returning is bool else GROUP if call.__api_method__ == "getChat" else SENT
        response_type(returning).model_validate({"ok": True, "result": result})


CHAT = (
    "import json\n"
    "from pydantic._internal import _model_construction as construction\n"
    "from bot.aiogram_import import import_aiogram_for_the_chat\n"
    "import_aiogram_for_the_chat()\n"
    "import bot.app, handlers\n"
    "built = []\n"
    "original = construction.complete_model_class\n"
    "def counting(cls, *args, **kwargs):\n"
    "    built.append(cls.__qualname__)\n"
    "    return original(cls, *args, **kwargs)\n"
    "construction.complete_model_class = counting\n"
    "from tests.test_aiogram_import import conversation\n"
    "conversation()\n"
    "print(json.dumps(built))\n"
)


def test_a_chat_worker_has_built_at_start_what_a_conversation_meets() -> None:
    """Else the first person to meet a type waits while it is built (a fifth of a second for an
    answer holding a `Message`), and the worker's memory grows after its start."""
    assert _run(CHAT) == []


def test_every_object_keeps_the_bot_it_came_from_as_aiogram_binds_it() -> None:
    """bind_bot_in_one_step: each object of an update, of an answer read back and of a request
    built in code keeps its bot (or None) exactly as aiogram's own `model_post_init` set it; an
    object stays frozen and can be rebound; a class with a private attribute of its own keeps
    pydantic's path (this test process imported aiogram the chat's way: tests/conftest.py)."""
    from aiogram import Bot
    from aiogram.client.context_controller import BotContextController
    from aiogram.methods.base import Response
    from aiogram.types import InlineKeyboardButton, Message, TelegramObject, Update
    from pydantic import PrivateAttr, ValidationError

    from bot.aiogram_import import _bind_bot

    bot, other = Bot("1000000:SANDBOX-local-messenger"), Bot("1000001:SANDBOX-local-messenger")
    update = Update.model_validate({"update_id": 9, "message": SENT}, context={"bot": bot})
    message = update.message
    assert message is not None and message.reply_to_message is not None and message.reply_markup is not None
    bound = [
        update,
        message,
        message.chat,
        message.from_user,
        message.reply_to_message,
        message.reply_to_message.chat,
        *(message.entities or []),
        *(message.photo or []),
        message.reply_markup,
        message.reply_markup.inline_keyboard[0][0],
    ]
    assert all(item.bot is bot and item.__pydantic_private__ == {"_bot": bot} for item in bound)
    answer = Response[Message].model_validate({"ok": True, "result": SENT}, context={"bot": bot}).result
    assert answer is not None and answer.bot is bot and answer.chat.bot is bot
    button = InlineKeyboardButton(text="⏸", callback_data="bcx:1:pause")
    assert button.bot is None and button.__pydantic_private__ == {"_bot": None}
    assert button.as_(other).bot is other
    with pytest.raises(ValidationError):
        message.chat.id = 5  # still frozen

    class WithOwnPrivate(TelegramObject):
        note: str
        _seen: int = PrivateAttr(default=3)

    probe = WithOwnPrivate.model_validate({"note": "x"}, context={"bot": bot})
    assert probe.bot is bot and probe._seen == 3
    assert WithOwnPrivate.model_post_init is not _bind_bot

    pending: list[type[Any]] = [BotContextController]
    fast = slow = 0
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if model is not WithOwnPrivate and not model.__module__.startswith("tests."):
            fast += model.model_post_init is _bind_bot
            slow += model.model_post_init is not _bind_bot
    assert fast > 600 and slow == 0


def test_types_are_built_without_unset_removal_while_nothing_passes_unset() -> None:
    """_types_without_unset_removal drops aiogram's `remove_unset` validator from the types: right
    only while no model meets aiogram's `UNSET` sentinel. No field of a type or method defaults
    to it, and neither aiogram's `Bot` nor Hamdel's code passes it."""
    import ast
    import inspect

    import aiogram.client.bot
    from aiogram.methods.base import TelegramMethod
    from aiogram.types import CallbackQuery, Message, Update
    from aiogram.types.base import UNSET_TYPE, TelegramObject

    from bot.aiogram_import import _subclasses, build_now

    def names(source: str) -> set[str]:
        tree = ast.parse(source)
        used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        return used | {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
        }

    assert "UNSET" not in names(inspect.getsource(aiogram.client.bot))
    for folder in ("bot", "handlers", "services", "jobs", "console", "messenger"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "UNSET" not in names(path.read_text(encoding="utf-8")), path
    for model in [*_subclasses(TelegramObject), *_subclasses(TelegramMethod)]:
        for name, field in model.model_fields.items():
            assert not isinstance(field.default, UNSET_TYPE), (model, name)
    build_now(CallbackQuery)  # built on first use, after the start
    for built in (Update, Message, CallbackQuery):
        assert built.__pydantic_complete__ and "remove_unset" not in repr(built.__pydantic_core_schema__)
