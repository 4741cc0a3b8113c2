"""Strict validation, faults, the rate limiter and raw Bot API semantics."""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

import aiohttp
import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from messenger import LocalMessenger
from messenger.spec import SpecNotFoundError
from tests.messenger.harness import TOKEN, Harness


async def raw(
    m: LocalMessenger, method: str, body: Any = None, *, form: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    """A request aiogram would never produce."""
    url = f"{m.base_url}/bot{TOKEN}/{method}"
    async with aiohttp.ClientSession() as s:
        if form is not None:
            resp = await s.post(url, data=form)
        else:
            resp = await s.post(url, json=body if body is not None else {})
        async with resp:
            return resp.status, await resp.json()


def take_violations(m: LocalMessenger) -> list[str]:
    out = list(m.violations)
    m.violations.clear()
    return out


# -- strict violations ------------------------------------------------------------------


async def test_unknown_missing_and_wrong_type(m: LocalMessenger) -> None:
    u = m.user(1001, "سارا")
    status, body = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x", "bogus": 1})
    assert status == 400 and body["ok"] is False and "bogus" in body["description"]
    assert any("unknown parameter 'bogus'" in v for v in take_violations(m))

    status, body = await raw(m, "sendMessage", {"text": "x"})
    assert status == 400
    assert any("required parameter 'chat_id' is missing" in v for v in take_violations(m))

    status, _ = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x", "disable_notification": "maybe"})
    assert status == 400
    assert any("disable_notification: expected Boolean" in v for v in take_violations(m))

    # multipart/urlencoded strings are coerced: "123" -> Integer, "true" -> Boolean
    status, body = await raw(
        m, "sendMessage", form={"chat_id": str(u.id), "text": "ok", "disable_notification": "true"}
    )
    assert status == 200, body
    assert m.calls("sendMessage")[-1].params["chat_id"] == u.id
    assert m.calls("sendMessage")[-1].params["disable_notification"] is True

    # nested objects are checked field by field
    markup = {"inline_keyboard": [[{"text": "a", "callback_data": 5}]]}
    status, _ = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x", "reply_markup": markup})
    assert status == 400
    assert any("inline_keyboard[0][0].callback_data: expected String" in v for v in take_violations(m))

    prices = json.dumps([{"label": "x", "amount": "lots"}])
    status, _ = await raw(
        m,
        "sendInvoice",
        form={
            "chat_id": str(u.id),
            "title": "t",
            "description": "d",
            "payload": "p",
            "currency": "IRR",
            "prices": prices,
            "provider_token": "T",
        },
    )
    assert status == 400
    assert any("prices[0].amount: expected Integer" in v for v in take_violations(m))

    status, body = await raw(m, "noSuchMethod", {})
    assert status == 404 and body["description"] == "Not Found"
    assert any("unknown method 'noSuchMethod'" in v for v in take_violations(m))

    status, _ = await raw(m, "sendMessage", {"chat_id": u.id, "text": "   "})
    assert status == 400
    assert any("message text is empty" in v for v in take_violations(m))
    assert u.messages == [m.calls("sendMessage")[3].result | {"deleted": False}]


async def test_aiogram_only_param_is_a_warning(m: LocalMessenger) -> None:
    u = m.user(1001, "سارا")
    first = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x"})
    status, _ = await raw(
        m,
        "sendMessage",
        {"chat_id": u.id, "text": "y", "reply_to_message_id": first[1]["result"]["message_id"]},
    )
    assert status == 200
    assert m.violations == []
    if m.flavor == "telegram":
        assert any("reply_to_message_id" in w and "aiogram" in w for w in m.warnings)
    else:  # Bale documents reply_to_message_id
        assert not any("reply_to_message_id" in w for w in m.warnings)
    assert u.last["reply_to_message"]["text"] == "x"


async def test_violations_through_aiogram(polling: Harness) -> None:
    m, bot = polling.m, polling.bot
    u = m.user(1001, "سارا")

    with pytest.raises(TelegramBadRequest, match="too long"):
        await bot.send_message(u.id, "ب" * 4097)
    assert any("message is too long" in v for v in take_violations(m))
    await bot.send_message(u.id, "ب" * 4096)  # the limit itself is fine

    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(u.id, "AgACAgQAAxkBAAI-unknown", caption="c" * 1025)
    assert any("caption is too long" in v for v in take_violations(m))

    kb = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="د" * 33)]])
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(u.id, "x", reply_markup=kb)
    assert any("66 bytes" in v for v in take_violations(m))

    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(u.id, "<b>نام: <کاربر>", parse_mode="HTML")
    assert any("can't parse entities" in v for v in take_violations(m))
    with pytest.raises(TelegramBadRequest, match="reserved"):
        await bot.send_message(u.id, "مبلغ: ۱۰۰.۰۰۰ تومان!", parse_mode="MarkdownV2")
    take_violations(m)
    ok = await bot.send_message(u.id, "<b>مبلغ</b> &lt;۱۰۰&gt;", parse_mode="HTML")
    assert ok.text == "مبلغ <۱۰۰>"
    assert ok.entities and ok.entities[0].type == "bold" and ok.entities[0].length == 4

    if m.flavor == "bale":
        with pytest.raises(TelegramBadRequest, match="Telegram-only"):
            await bot.send_message(u.id, "x", protect_content=True)
        assert any("'protect_content' is Telegram-only" in v for v in take_violations(m))
        with pytest.raises(TelegramNotFound):
            await bot.create_forum_topic(-100123, "x")
        assert any("does not exist on Bale" in v for v in take_violations(m))
        with pytest.raises(TelegramBadRequest, match="IRR"):
            await bot.send_invoice(
                u.id, "t", "d", "p", currency="USD", prices=[{"label": "a", "amount": 1}], provider_token="W"
            )  # type: ignore[list-item]
        take_violations(m)
    else:
        with pytest.raises(TelegramBadRequest, match="PAYMENT_PROVIDER_INVALID"):
            await bot.send_invoice(u.id, "t", "d", "p", currency="USD", prices=[{"label": "a", "amount": 1}])  # type: ignore[list-item]
        take_violations(m)
    await m.settle()


async def test_bad_reply_markup(m: LocalMessenger) -> None:
    u = m.user(1001, "سارا")
    cases = [
        ({"inline_keyboard": [[{"text": "فقط متن"}]]}, "text buttons are unallowed"),
        ({"inline_keyboard": [{"text": "a", "callback_data": "b"}]}, "reply_markup"),
        ({"keyboard": "بله"}, "reply_markup"),
        ({"something": True}, "reply_markup"),
        ({"inline_keyboard": [[{"text": "", "callback_data": "b"}]]}, "button text is empty"),
    ]
    for markup, expected in cases:
        status, _ = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x", "reply_markup": markup})
        assert status == 400, markup
        found = take_violations(m)
        assert any(expected in v for v in found), (markup, found)
    # python-telegram-bot's models are the independent parser
    status, _ = await raw(
        m,
        "sendMessage",
        {
            "chat_id": u.id,
            "text": "x",
            "reply_markup": {"keyboard": [[{"text": "بله"}, {"text": "خیر"}]], "resize_keyboard": True},
        },
    )
    assert status == 200
    assert u.reply_keyboard == ["بله", "خیر"]
    status, _ = await raw(
        m, "sendMessage", {"chat_id": u.id, "text": "x", "reply_markup": {"remove_keyboard": True}}
    )
    assert status == 200 and u.reply_keyboard == []


async def test_unanswered_callback(flavor: str) -> None:
    m = LocalMessenger(flavor=flavor, token=TOKEN, callback_timeout=0.2)  # type: ignore[arg-type]
    await m.start()
    try:
        from tests.messenger.harness import BotState, make_bot, make_dispatcher

        bot = make_bot(m)
        dp = make_dispatcher(flavor, BotState())
        task = asyncio.create_task(dp.start_polling(bot, handle_signals=False))
        u = m.user(1001, "سارا")
        await u.send("/start")
        await u.next_message()
        with pytest.raises(TimeoutError, match="no answer"):
            await u.press("بی‌پاسخ", timeout=0.4)
        assert any("not answered within 0.2 s" in v for v in m.violations)
        m.violations.clear()
        # stop() reports queries still pending
        m.callback_timeout = 60
        with pytest.raises(TimeoutError):
            await u.press("بی‌پاسخ", timeout=0.1)
        await dp.stop_polling()
        await task
    finally:
        await m.stop()
    assert any("was never answered" in v for v in m.violations)


async def test_pre_checkout_answered_too_late(flavor: str) -> None:
    m = LocalMessenger(flavor=flavor, token=TOKEN, pre_checkout_timeout=0.1)  # type: ignore[arg-type]
    await m.start()
    try:
        u = m.user(1001, "سارا")
        currency, token = ("IRR", "WALLET-TEST-1111111111111111") if flavor == "bale" else ("XTR", "")
        status, body = await raw(
            m,
            "sendInvoice",
            {
                "chat_id": u.id,
                "title": "t",
                "description": "d",
                "payload": "p",
                "currency": currency,
                "prices": [{"label": "a", "amount": 10}],
                "provider_token": token,
            },
        )
        assert status == 200, body
        pay = asyncio.create_task(u.pay(timeout=1))
        await asyncio.sleep(0.3)
        qid = m.updates[-1]["pre_checkout_query"]["id"]
        status, _ = await raw(m, "answerPreCheckoutQuery", {"pre_checkout_query_id": qid, "ok": True})
        assert status == 400
        with pytest.raises(TimeoutError):
            await pay
        assert any("pre_checkout_query" in v and "not answered within 0.1 s" in v for v in m.violations)
        m.violations.clear()
    finally:
        await m.stop()


# -- faults -----------------------------------------------------------------------------


async def test_faults(polling: Harness) -> None:
    m, bot = polling.m, polling.bot
    u = m.user(1001, "سارا")

    m.fail_next("sendMessage", status=429, retry_after=2)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(u.id, "x")
    assert info.value.retry_after == 2

    for status in (500, 502):
        m.fail_next("sendMessage", status=status)
        with pytest.raises(TelegramServerError):
            await bot.send_message(u.id, "x")

    m.fail_next("sendMessage", status=403)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(u.id, "x")

    m.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(u.id, "x")

    m.fail_next("*", status=502, times=2)
    with pytest.raises(TelegramServerError):
        await bot.send_chat_action(u.id, "typing")
    with pytest.raises(TelegramServerError):
        await bot.send_message(u.id, "x")
    assert u.messages == []  # failed requests have no effect

    m.delay_next("sendMessage", seconds=0.3)
    t0 = time.monotonic()
    await bot.send_message(u.id, "کند")
    assert time.monotonic() - t0 >= 0.3
    assert u.last_text == "کند"
    assert [r.status for r in m.calls("sendMessage")] == [429, 500, 502, 403, 400, 502, 200]
    await m.settle()


async def test_rate_limit(polling: Harness) -> None:
    m, bot = polling.m, polling.bot
    u, v = m.user(1001, "سارا"), m.user(1002, "علی")
    m.set_rate_limit(global_per_sec=3, per_chat_per_sec=1)
    await bot.send_message(u.id, "1")
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(u.id, "2")
    assert info.value.retry_after == 1
    await bot.send_message(v.id, "1")
    w = m.user(1003, "مینا")
    await bot.send_message(w.id, "1")
    x = m.user(1004, "نیما")
    with pytest.raises(TelegramRetryAfter):  # global limit
        await bot.send_message(x.id, "1")
    await bot.send_chat_action(u.id, "typing")  # not a message
    assert m.rate_limited_count == 2
    m.set_rate_limit(None, None)
    await bot.send_message(u.id, "3")
    await m.settle()


async def test_settle_waits_for_slow_bot(polling: Harness) -> None:
    m = polling.m
    u = m.user(1001, "سارا")
    m.delay_next("sendMessage", seconds=0.3)
    await u.send("سلام")
    await m.settle()
    assert u.last_text == "echo: سلام"


# -- raw getUpdates semantics -----------------------------------------------------------


async def test_get_updates_semantics(m: LocalMessenger) -> None:
    u = m.user(1001, "سارا")
    status, body = await raw(m, "getUpdates", {"timeout": 0})
    assert status == 200 and body["result"] == []

    # long poll returns early when an update arrives
    t0 = time.monotonic()
    poll = asyncio.create_task(raw(m, "getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.05)
    await u.send("اول")
    status, body = await poll
    assert time.monotonic() - t0 < 2
    assert [x["message"]["text"] for x in body["result"]] == ["اول"]
    first_id = body["result"][0]["update_id"]

    # not confirmed -> delivered again; offset confirms
    await u.send("دوم")
    status, body = await raw(m, "getUpdates", {"limit": 1})
    assert [x["update_id"] for x in body["result"]] == [first_id]
    status, body = await raw(m, "getUpdates", {"offset": first_id + 1})
    assert [x["message"]["text"] for x in body["result"]] == ["دوم"]
    status, body = await raw(m, "getUpdates", {"offset": first_id + 2, "timeout": 0})
    assert body["result"] == []
    assert m.pending_updates == 0

    # timeout honoured
    t0 = time.monotonic()
    status, body = await raw(m, "getUpdates", {"offset": first_id + 2, "timeout": 1})
    assert body["result"] == [] and 0.9 <= time.monotonic() - t0 < 3

    # a second poller terminates the first
    first = asyncio.create_task(raw(m, "getUpdates", {"timeout": 5}))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(raw(m, "getUpdates", {"timeout": 5}))
    status, body = await first
    assert status == 409 and "terminated by other getUpdates" in body["description"]
    await u.send("سوم")
    status, body = await second
    assert [x["message"]["text"] for x in body["result"]] == ["سوم"]

    # allowed_updates filters what is queued next
    await raw(
        m,
        "getUpdates",
        {"offset": body["result"][0]["update_id"] + 1, "allowed_updates": ["callback_query"], "timeout": 0},
    )
    await u.send("دیده نمی‌شود")
    assert m.pending_updates == 0 and m.dropped_updates[-1]["message"]["text"] == "دیده نمی‌شود"

    # webhook set -> getUpdates conflicts; deleteWebhook restores polling
    status, _ = await raw(m, "setWebhook", {"url": "http://127.0.0.1:9/none"})
    assert status == 200
    status, body = await raw(m, "getUpdates", {})
    assert status == 409
    status, _ = await raw(m, "deleteWebhook", {"drop_pending_updates": True})
    status, body = await raw(m, "getWebhookInfo")
    assert body["result"]["url"] == ""


async def test_files_download_route(m: LocalMessenger) -> None:
    u = m.user(1001, "سارا")
    msg = await u.send_document(filename="گزارش.csv", data="ستون\n۱\n".encode(), mime_type="text/csv")
    status, body = await raw(m, "getFile", {"file_id": msg["document"]["file_id"]})
    assert status == 200
    path = body["result"]["file_path"]
    async with aiohttp.ClientSession() as s, s.get(f"{m.base_url}/file/bot{TOKEN}/{path}") as resp:
        assert resp.status == 200
        assert (await resp.read()).decode() == "ستون\n۱\n"
    status, _ = await raw(m, "sendDocument", {"chat_id": u.id, "document": msg["document"]["file_id"]})
    assert status == 200 and u.last["document"]["file_id"] == msg["document"]["file_id"]
    status, body = await raw(m, "sendPhoto", {"chat_id": u.id, "photo": "no-such-file"})
    assert status == 400 and "wrong file identifier" in body["description"]


async def test_chat_not_found_and_not_modified_are_warnings(m: LocalMessenger) -> None:
    u = m.user(1001, "سارا")
    status, body = await raw(m, "sendMessage", {"chat_id": 999, "text": "x"})
    assert status == 400 and body["description"] == "Bad Request: chat not found"
    status, body = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x"})
    mid = body["result"]["message_id"]
    status, body = await raw(m, "editMessageText", {"chat_id": u.id, "message_id": mid, "text": "x"})
    assert status == 400 and "message is not modified" in body["description"]
    status, body = await raw(m, "deleteMessage", {"chat_id": u.id, "message_id": mid})
    assert status == 200 and u.last["deleted"] is True
    assert m.violations == []
    assert any("chat not found" in w for w in m.warnings)


async def test_non_strict_mode_only_warns(flavor: str) -> None:
    m = LocalMessenger(flavor=flavor, token=TOKEN, strict=False)  # type: ignore[arg-type]
    await m.start()
    try:
        u = m.user(1001, "سارا")
        status, _ = await raw(m, "sendMessage", {"chat_id": u.id, "text": "x", "bogus": 1})
        assert status == 200
        status, _ = await raw(m, "sendMessage", {"chat_id": u.id, "text": ""})
        assert status == 400  # Telegram itself refuses it
        assert m.violations == []
        assert any("bogus" in w for w in m.warnings)
    finally:
        await m.stop()


def test_missing_spec_is_an_error(flavor: str) -> None:
    """Strict checks never quietly weaken: without its spec the messenger refuses to start."""
    with pytest.raises(SpecNotFoundError, match=re.escape("/nonexistent/api.min.json")):
        LocalMessenger(flavor=flavor, token=TOKEN, spec_path="/nonexistent/api.min.json")  # type: ignore[arg-type]


def test_strict_without_python_telegram_bot_is_an_error(monkeypatch: pytest.MonkeyPatch, flavor: str) -> None:
    import messenger.server

    monkeypatch.setattr(messenger.server, "ptb_available", lambda: False)
    with pytest.raises(RuntimeError, match="python-telegram-bot is not installed"):
        LocalMessenger(flavor=flavor, token=TOKEN, strict=True)  # type: ignore[arg-type]
    relaxed = LocalMessenger(flavor=flavor, token=TOKEN, strict=False)  # type: ignore[arg-type]
    assert any("python-telegram-bot" in w for w in relaxed.warnings)


async def test_wrong_token(m: LocalMessenger) -> None:
    async with aiohttp.ClientSession() as s, s.post(f"{m.base_url}/bot1:WRONG/getMe") as resp:
        assert resp.status == 401
    assert take_violations(m) == ["getMe: request with a wrong bot token"]


async def test_outputs_match_the_spec(polling: Harness) -> None:
    """Everything the messenger produced is a valid Update by the spec (aiogram-only fields allowed)."""
    from messenger.spec import Validator

    m = polling.m
    if m.flavor == "bale":
        pytest.skip("Bale shapes deliberately differ (no is_bot)")
    assert m.spec is not None
    u = m.user(1001, "سارا")
    await u.send("/start")
    await u.next_message()
    await u.press("کمک")
    await u.send("/invoice")
    await u.next_message()
    await u.pay()
    await u.send_document()
    await u.block()
    await u.unblock()
    await m.settle()
    validator = Validator(m.spec)
    for upd in m.updates:
        _, problems = validator._check_value(upd, ("Update",), "update", top=False)
        hard = [p.message for p in problems if not p.warning_only]
        assert hard == [], (upd, hard)
