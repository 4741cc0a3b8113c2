"""A real aiogram bot against the local messenger: polling and webhook, both flavors."""

from __future__ import annotations

import asyncio

import pytest

from messenger import LocalMessenger
from tests.messenger.harness import Harness, webhook_bot


async def _conversation(h: Harness) -> None:
    m = h.m
    u = m.user(1001, "سارا", language_code="fa")
    sent = await u.send("/start")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    greeting = await u.next_message()
    assert greeting["text"].startswith("سلام")
    assert u.buttons() == ["کمک", "پرداخت کمک", "بی‌پاسخ"]

    await u.send("متن آزاد")
    echo = await u.next_message()
    assert echo["text"] == "echo: متن آزاد"
    assert echo["chat"]["id"] == u.id
    assert echo["message_id"] > sent["message_id"]

    answer = await u.press("کمک")
    assert answer["text"] == "راهنما"
    assert answer["show_alert"] is False
    await u.wait_until(lambda uu: uu.messages[0]["text"] == "راهنمای همدل")
    assert u.buttons(u.messages[0]) == ["کمک", "پرداخت کمک", "بی‌پاسخ"]

    await m.settle()
    assert m.commands() == [{"command": "start", "description": "شروع"}]
    assert m.commands("en") == [{"command": "start", "description": "start"}]
    assert m.commands("de") == m.commands()


async def test_polling_conversation(polling: Harness) -> None:
    await _conversation(polling)
    m = polling.m
    assert m.calls("getUpdates")
    if m.flavor == "bale":
        # Bale users carry no is_bot: the bot normalised before parsing
        first = next(u for u in m.updates if "message" in u)
        assert "is_bot" not in first["message"]["from"]


async def test_webhook_conversation(webhook: Harness) -> None:
    await _conversation(webhook)
    m = webhook.m
    info = await webhook.bot.get_webhook_info()
    assert info.url.startswith("http://127.0.0.1:")
    assert info.pending_update_count == 0
    if m.flavor == "telegram":
        assert m.calls("setWebhook")[0].params["secret_token"]
    else:
        assert "secret_token" not in m.calls("setWebhook")[0].params


async def test_webhook_reply_method(m: LocalMessenger) -> None:
    """A method returned in the webhook response body is executed (as Telegram does)."""
    async with webhook_bot(m, background=False):
        u = m.user(1002, "علی")
        await u.send("/reply")
        msg = await u.next_message()
        assert msg["text"] == "from webhook reply"
        assert m.calls("sendMessage")[-1].via == "webhook-reply"
        await m.settle()


async def test_webhook_retries_and_secret(m: LocalMessenger) -> None:
    from aiohttp import web

    seen: list[tuple[int, str | None]] = []

    async def handler(request: web.Request) -> web.Response:
        body = await request.json()
        seen.append((body["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return web.Response(status=500 if len(seen) < 3 else 200)

    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        params = {"url": f"http://127.0.0.1:{port}/hook"}
        if m.flavor == "telegram":
            params["secret_token"] = "s3cret"
        status, _ = await m.call("setWebhook", params)
        assert status == 200
        u = m.user(1003, "مریم")
        await u.send("سلام")
        await m.settle()
        assert len(seen) == 3
        assert {uid for uid, _ in seen} == {1}
        expected = "s3cret" if m.flavor == "telegram" else None
        assert {s for _, s in seen} == {expected}
        # getUpdates is refused while a webhook is set
        status, body = await m.call("getUpdates", {})
        assert status == 409 and "webhook is active" in body["description"]
        status, body = await m.call("getWebhookInfo", {})
        assert body["result"]["last_error_message"].startswith("Wrong response from the webhook: 500")
    finally:
        await runner.cleanup()


async def test_concurrent_users(polling: Harness) -> None:
    m = polling.m
    users = [m.user(2000 + i, f"کاربر {i}") for i in range(40)]
    await asyncio.gather(*(u.send(f"پیام {u.id}") for u in users))
    replies = await asyncio.gather(*(u.next_message() for u in users))
    for u, r in zip(users, replies, strict=True):
        assert r["text"] == f"echo: پیام {u.id}"
    await m.settle()
    assert m.pending_updates == 0


async def test_payment_flow(polling: Harness) -> None:
    m = polling.m
    u = m.user(1004, "رضا")
    await u.send("/invoice")
    inv = await u.next_message()
    expected_currency = "IRR" if m.flavor == "bale" else "XTR"
    assert inv["invoice"]["currency"] == expected_currency
    res = await u.pay()
    assert res["ok"] is True
    sp = res["payment_message"]["successful_payment"]
    assert sp["invoice_payload"] == "donation-1"
    if m.flavor == "bale":
        assert "provider_payment_charge_id" not in sp
        status, body = await m.call(
            "inquireTransaction", {"transaction_id": sp["telegram_payment_charge_id"]}
        )
        assert status == 200 and body["result"]["status"] == "paid"
    else:
        assert sp["provider_payment_charge_id"]
    paid = await u.next_message()
    assert paid["text"] == f"paid {inv['invoice']['total_amount']} {expected_currency}"

    # the same invoice paid twice gets a different charge id
    res2 = await u.pay()
    assert (
        res2["payment_message"]["successful_payment"]["telegram_payment_charge_id"]
        != sp["telegram_payment_charge_id"]
    )
    await u.next_message()

    # a replayed successful_payment must be recognised by the bot
    await u.resend_payment(res)
    dup = await u.next_message()
    assert dup["text"] == "تکراری"

    await u.send("/invoice bad")
    await u.next_message()
    refused = await u.pay()
    assert refused == {"ok": False, "error_message": "ظرفیت تکمیل است", "payment_message": None}
    await m.settle()


async def test_files_up_and_down(polling: Harness) -> None:
    m = polling.m
    u = m.user(1005, "نرگس")
    up = await u.send_document(filename="list.csv", data=b"a,b\n1,2\n", mime_type="text/csv", caption="فهرست")
    assert up["document"]["file_name"] == "list.csv"
    size = await u.next_message()
    assert size["text"] == "size=8"
    back = await u.next_message()
    assert back["caption"] == "برگشت"
    assert back["document"]["file_name"] == "back.csv"
    assert u.download(back["document"]["file_id"]) == b"A,B\n1,2\n"

    await u.send("/photo")
    first = await u.next_message()
    second = await u.next_message()
    assert first["caption"] == "عکس"
    assert second["photo"][-1]["file_id"] == first["photo"][-1]["file_id"]
    assert u.download(first["photo"][-1]["file_id"]) == b"\x89PNG fake photo"

    note = await u.send("یادداشت")
    await u.next_message()
    await u.reply(note, "/copy")
    copied = await u.next_message()
    assert copied["text"] == "یادداشت"

    await u.send_photo(caption="عکس من")
    assert (await u.next_message())["text"] == "got photo"
    await u.send_sticker()
    assert (await u.next_message())["text"] == "got sticker"
    await u.send_voice()
    assert (await u.next_message())["text"] == "got voice"
    await u.send_location(35.7, 51.4)
    assert (await u.next_message())["text"] == "got location"
    await u.share_contact()
    assert (await u.next_message())["text"] == "got contact"
    await m.settle()


async def test_edit_and_reply(polling: Harness) -> None:
    m = polling.m
    u = m.user(1006, "حسین")
    msg = await u.send("اول")
    await u.next_message()
    await u.edit(msg, "دوم")
    assert (await u.next_message())["text"] == "edited: دوم"
    assert m.updates[-1]["edited_message"]["text"] == "دوم"
    await u.reply(msg, "پاسخ")
    assert (await u.next_message())["text"] == "echo: پاسخ"
    assert m.updates[-1]["message"]["reply_to_message"]["message_id"] == msg["message_id"]
    await m.settle()


async def test_block_unblock(polling: Harness) -> None:
    from aiogram.exceptions import TelegramForbiddenError

    m, bot = polling.m, polling.bot
    u = m.user(1007, "زهرا")
    await u.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(u.id, "خبر")
    await u.unblock()
    await bot.send_message(u.id, "خبر")
    await m.settle()
    if m.flavor == "telegram":
        assert polling.state.member_events == [("member", "kicked"), ("kicked", "member")]
    else:
        assert polling.state.member_events == []
        assert not any("my_chat_member" in up for up in m.updates)


async def test_group_and_topics(polling: Harness) -> None:
    m, bot = polling.m, polling.bot
    u = m.user(1008, "کاوه")
    admin = m.user(2002, "مدیر")
    forum = m.flavor == "telegram"
    g = m.group(
        chat_id=-100555, title="کارگروه خیرین", forum=forum, members={1008: "member", 2002: "administrator"}
    )
    await g.send(from_user=u, text="سلام گروه")
    reply = await g.next_message()
    assert reply["text"] == "echo: سلام گروه"
    assert reply["chat"]["type"] == ("supergroup" if forum else "group")
    admins = await bot.get_chat_administrators(g.chat_id)
    assert {a.user.id for a in admins} == {admin.id, m.bot_id}
    member = await bot.get_chat_member(g.chat_id, u.id)
    assert member.status == "member"
    await g.send_document(from_user=u, filename="x.csv", data=b"1")
    assert (await g.next_message())["text"] == "size=1"
    await g.next_message()
    if forum:
        topic = await bot.create_forum_topic(g.chat_id, "درخواست ۱")
        assert g.topics[0]["name"] == "درخواست ۱"
        await bot.send_message(g.chat_id, "در تاپیک", message_thread_id=topic.message_thread_id)
        msg = await g.next_message()
        while msg.get("forum_topic_created"):
            msg = await g.next_message()
        assert msg["message_thread_id"] == topic.message_thread_id
        await g.send(from_user=u, text="پاسخ در تاپیک", message_thread_id=topic.message_thread_id)
        assert (await g.next_message())["message_thread_id"] == topic.message_thread_id
    await u.send("/start")
    await u.next_message()
    await g.send(from_user=u, text="/start")
    await g.next_message()
    await g.press(u, "کمک")
    await m.settle()


async def test_duplicate_update(polling: Harness) -> None:
    m = polling.m
    u = m.user(1009, "پری")
    m.duplicate_next_update()
    await u.send("دوبار")
    first = await u.next_message()
    second = await u.next_message()
    assert first["text"] == second["text"] == "echo: دوبار"
    await m.settle()
    ids = polling.state.update_ids
    assert len(ids) == 2 and ids[0] == ids[1]


async def test_forged_callback(polling: Harness) -> None:
    m = polling.m
    u = m.user(1010, "بهار")
    await u.send("/start")
    greeting = await u.next_message()
    ans = await u.press_data("forged:123", message=greeting)
    assert ans == {"text": "این دکمه منقضی شده است", "show_alert": True, "url": None, "cache_time": None}
    with pytest.raises(AssertionError, match="کمک"):
        await u.press("دکمه‌ای که نیست")
    # substring match
    ans = await u.press("پرداخت")
    assert ans["text"] is None
    assert (await u.next_message())["text"] == "use /invoice"
    await m.settle()


async def test_webhook_duplicate_delivery(webhook: Harness) -> None:
    m = webhook.m
    u = m.user(1011, "یاس")
    m.duplicate_next_update()
    await u.send("دوبار")
    assert (await u.next_message())["text"] == "echo: دوبار"
    assert (await u.next_message())["text"] == "echo: دوبار"
    await m.settle()
    ids = webhook.state.update_ids
    assert len(ids) == 2 and ids[0] == ids[1]


async def test_bale_rejects_webhook_secret() -> None:
    from tests.messenger.harness import TOKEN

    m = LocalMessenger(flavor="bale", token=TOKEN)
    await m.start()
    try:
        status, body = await m.call("setWebhook", {"url": "https://example.invalid/x", "secret_token": "abc"})
        assert status == 400 and "Telegram-only" in body["description"]
        assert m.violations == [
            "setWebhook: parameter 'secret_token' is Telegram-only (Bale has no such parameter)"
        ]
        m.violations.clear()
        status, body = await m.call("getMe", {})
        assert status == 200 and "is_bot" not in body["result"]
    finally:
        await m.stop()
