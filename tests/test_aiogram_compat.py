"""aiogram's private API that Hamdel relies on (bot/aiogram_compat.py) is still there and still
behaves as the wrappers expect. An aiogram upgrade that changes one fails here, naming it."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp.payload import Payload

from bot import aiogram_compat
from bot.aiogram_compat import (
    HookedDispatcher,
    builder_rows,
    detach_router,
    json_request_payload,
    observer_filters,
    polling_update_tasks,
    run_filter_on_loop,
    webhook_response_body,
)
from bot.ui import InlineKeyboardBuilder
from messenger import LocalMessenger

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:TEST"


def test_the_private_api_hamdel_uses_is_as_expected() -> None:
    found = aiogram_compat.problems()
    assert found == [], "aiogram changed what bot/aiogram_compat.py relies on:\n" + "\n".join(found)


def test_no_other_module_touches_aiogram_private_names() -> None:
    names = "|".join(name.lstrip("_") for _, name, _ in aiogram_compat.PRIVATE_API if name.startswith("_"))
    pattern = re.compile(rf"\._(?:{names})\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for folder in ("bot", "handlers", "services", "models")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "aiogram_compat.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


async def test_polling_hooks_see_every_update_before_it_is_processed() -> None:
    messenger = LocalMessenger(flavor="telegram", token=TOKEN)
    await messenger.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(messenger.base_url)))
    seen: list[int] = []
    processed: list[int] = []
    release = asyncio.Event()

    class Recording(HookedDispatcher):
        async def on_polled_update(self, update: Update) -> None:
            seen.append(update.update_id)

        async def process_polled_update(
            self, bot: Bot, update: Update, call_answer: bool = True, **kwargs: Any
        ) -> bool:
            assert update.update_id in seen, "processed before the polling hook saw it"
            processed.append(update.update_id)
            return await super().process_polled_update(bot, update, call_answer, **kwargs)

    dispatcher = Recording()

    @dispatcher.message()
    async def answer(message: Message) -> None:
        await release.wait()
        await message.answer("pong")

    polling = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        user = messenger.user(1001, "سارا")
        await user.send("ping")
        for _ in range(500):
            if polling_update_tasks(dispatcher):
                break
            await asyncio.sleep(0.01)
        assert len(polling_update_tasks(dispatcher)) == 1, "the polling loop's update task is not visible"
        release.set()
        await user.wait_until(lambda u: u.last_text == "pong")
        assert seen == processed == [messenger.updates[0]["update_id"]]
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(polling, timeout=10)
        await bot.session.close()
        await messenger.stop()


async def test_a_plain_filter_runs_on_the_event_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    router = Router()
    router.message.filter(lambda message: message == "ok")
    (item,) = observer_filters(router.message)
    assert isinstance(item, FilterObject) and not item.awaitable

    async def no_thread(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("aiogram ran the filter in a worker thread")

    monkeypatch.setattr(asyncio, "to_thread", no_thread)
    assert run_filter_on_loop(item) is True
    assert run_filter_on_loop(item) is False  # idempotent
    assert await item.call("ok") is True
    assert await item.call("no") is False


def test_builder_rows_share_the_buttons() -> None:
    button = InlineKeyboardButton(text="۱", callback_data="one")
    builder = InlineKeyboardBuilder()
    builder.add(button, InlineKeyboardButton(text="۲", callback_data="two"))
    builder.adjust(1)
    rows = builder_rows(builder)
    assert [[b.text for b in row] for row in rows] == [["۱"], ["۲"]]
    assert rows[0][0] is button
    assert builder.as_markup().inline_keyboard[0][0].callback_data == "one"


def test_a_detached_router_can_be_mounted_again() -> None:
    child, first, second = Router(name="child"), Router(name="first"), Router(name="second")
    first.include_router(child)
    detach_router(child)
    assert child.parent_router is None and first.sub_routers == []
    second.include_router(child)
    assert child.parent_router is second
    detach_router(Router())  # a router without a parent: nothing to do


async def test_webhook_response_body() -> None:
    bot = Bot(TOKEN)
    try:
        handler = SimpleRequestHandler(HookedDispatcher(), bot)
        empty = webhook_response_body(handler, bot, None)
        call = webhook_response_body(handler, bot, SendMessage(chat_id=1, text="سلام"))
        assert isinstance(empty, Payload) and isinstance(call, Payload)
        assert empty.size == 2  # "{}"
        assert call.size != 2
    finally:
        await bot.session.close()


async def test_json_request_payload() -> None:
    bot = Bot(TOKEN, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        payload = json_request_payload(bot.session, bot, SendMessage(chat_id=1, text="سلام"))
        assert payload is not None and payload.content_type == "application/json"
        assert json.loads(payload.decode()) == {"chat_id": 1, "text": "سلام", "parse_mode": "HTML"}
        upload = SendDocument(chat_id=1, document=BufferedInputFile(b"x", "a.txt"))
        assert json_request_payload(bot.session, bot, upload) is None  # aiogram's multipart form
    finally:
        await bot.session.close()


async def _propagation_trace() -> list[Any]:
    """What every middleware, filter and handler of a small router tree sees of four updates."""
    from aiogram import Dispatcher, F
    from aiogram.dispatcher.event.bases import UNHANDLED, SkipHandler

    seen: list[Any] = []

    def middleware(name: str) -> Any:
        async def call(handler: Any, event: Any, data: dict[str, Any]) -> Any:
            seen.append(
                (
                    name,
                    getattr(data.get("event_router"), "name", None),
                    sorted(key for key in data if key.startswith("x_")),
                )
            )
            data[f"x_{name}"] = True
            result = await handler(event, data)
            seen.append((f"{name} after", result))
            return result

        return call

    dispatcher = Dispatcher(name="root")
    scope, first, second, third = (
        Router(name="scope"),
        Router(name="first"),
        Router(name="second"),
        Router(name="third"),
    )
    dispatcher.include_router(scope)
    scope.include_routers(first, second)
    second.include_router(third)
    dispatcher.update.outer_middleware(middleware("update outer"))
    scope.message.outer_middleware(middleware("scope outer"))
    scope.message.middleware(middleware("scope inner"))
    third.message.outer_middleware(middleware("third outer"))
    third.message.middleware(middleware("third inner"))
    first.message.filter(F.text.startswith("/first"))

    @first.message()
    async def on_first(message: Message, event_router: Router, **data: Any) -> str:
        seen.append(("first", event_router.name, sorted(key for key in data if key.startswith("x_"))))
        return "first"

    @second.message(F.text == "/skip")
    async def skipped(message: Message) -> None:
        seen.append(("second skips",))
        raise SkipHandler

    @third.message(F.text.startswith("/"))
    async def on_third(message: Message, event_router: Router, **data: Any) -> str:
        seen.append(("third", event_router.name, sorted(key for key in data if key.startswith("x_"))))
        return "third"

    bot = Bot(TOKEN)
    chat = {"id": 1, "type": "private"}
    for number, text in enumerate(("/first", "/third", "/skip", "plain")):
        update = Update.model_validate(
            {"update_id": number, "message": {"message_id": number, "date": 0, "chat": chat, "text": text}},
            context={"bot": bot},
        )
        result = await dispatcher.feed_update(bot, update)
        seen.append(("result", "unhandled" if result is UNHANDLED else result))
    await bot.session.close()
    return seen


async def test_lightened_propagation_sees_what_aiogram_s_own_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """lighten_event_propagation: the same middlewares, filters and handlers run in the same order
    with the same data (event_router, what outer and inner middlewares added), SkipHandler and
    unhandled updates included, as with aiogram's own propagation."""
    monkeypatch.setattr(Router, "propagate_event", aiogram_compat._AIOGRAM_PROPAGATE_EVENT)
    monkeypatch.setattr(Router, "_propagate_event", aiogram_compat._AIOGRAM_PROPAGATE_WITHIN)
    monkeypatch.setattr(
        aiogram_compat.MiddlewareManager,
        "wrap_middlewares",
        staticmethod(aiogram_compat._AIOGRAM_WRAP_MIDDLEWARES),
    )
    aiogram_s_own = await _propagation_trace()
    aiogram_compat.lighten_event_propagation()
    assert Router.propagate_event is aiogram_compat._propagate_event
    assert Router._propagate_event is aiogram_compat._propagate_within
    assert await _propagation_trace() == aiogram_s_own
    assert (
        "third",
        "third",
        ["x_scope inner", "x_scope outer", "x_third inner", "x_third outer", "x_update outer"],
    ) in aiogram_s_own
    assert ("result", "unhandled") in aiogram_s_own and ("second skips",) in aiogram_s_own


def test_an_update_s_type_is_aiogram_s_and_the_update_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """lighten_event_propagation: `Update.event_type` names the same type as aiogram's own, and
    reading it no longer keeps the update alive in aiogram's cache (128 updates and their
    messages in a worker's memory)."""
    import gc

    user = {"id": 7, "is_bot": False, "first_name": "ناهید"}
    message = {"message_id": 1, "date": 0, "chat": {"id": 7, "type": "private"}, "text": "سلام"}
    payloads: list[dict[str, Any]] = [
        {"message": message},
        {"edited_message": message},
        {"callback_query": {"id": "1", "from": user, "chat_instance": "c", "data": "d"}},
        {"pre_checkout_query": {"id": "2", "from": user, "currency": "XTR", "total_amount": 1, "invoice_payload": "p"}},
        {"my_chat_member": {
            "chat": {"id": 7, "type": "private"}, "from": user, "date": 0,
            "old_chat_member": {"status": "member", "user": user},
            "new_chat_member": {"status": "kicked", "user": user, "until_date": 0},
        }},
    ]  # fmt: skip
    monkeypatch.setattr(Update, "event_type", aiogram_compat._AIOGRAM_EVENT_TYPE)
    aiogram_s_own = [Update.model_validate({"update_id": n, **p}).event_type for n, p in enumerate(payloads)]
    assert aiogram_s_own == [
        "message",
        "edited_message",
        "callback_query",
        "pre_checkout_query",
        "my_chat_member",
    ]
    aiogram_compat.lighten_event_propagation()
    gc.collect()
    before = sum(isinstance(o, Update) for o in gc.get_objects())
    assert [
        Update.model_validate({"update_id": n, **p}).event_type for n, p in enumerate(payloads)
    ] == aiogram_s_own
    gc.collect()
    assert sum(isinstance(o, Update) for o in gc.get_objects()) == before
