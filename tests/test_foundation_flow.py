"""The foundation through the real bot: entry, navigation, language, cancel, fallbacks, groups,
errors, membership, webhook — in both flavors, against the local messenger."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import pytest
from sqlalchemy import select

from models import User
from tests.conftest import Harness


async def test_start_welcomes_by_name_with_the_menu(hamdel: Harness) -> None:
    user = hamdel.user(first_name="مریم")
    await user.send("/start")
    reply = await user.next_message()
    assert reply["text"].startswith("سلام مریم، به «همدل» خوش آمدید")
    assert "🌐 زبان / Language" in user.buttons()
    async with hamdel.db() as session:
        stored = await session.scalar(select(User).where(User.user_id == user.id))
    assert stored is not None
    assert stored.language == "fa"
    assert stored.platform == hamdel.app.profile.platform.value
    assert stored.is_blocked is False


async def test_help_lists_the_commands_in_persian(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/help")
    reply = await user.next_message()
    assert "راهنمای همدل" in reply["text"]
    assert "/language — تغییر زبان" in reply["text"]
    assert "/cancel — لغو کار جاری" in reply["text"]


async def test_language_switch_is_stored_and_used(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/language")
    await user.next_message()
    answer = await user.press("English")
    assert answer is not None
    assert await hamdel.screen(user) == "The conversation is now in English."
    async with hamdel.db() as session:
        assert await session.scalar(select(User.language).where(User.user_id == user.id)) == "en"
    await user.send("/start")
    assert (await user.next_message())["text"].startswith("Hello سارا, welcome to Hamdel")
    await user.send("/language")
    await user.next_message()
    await user.press("فارسی")
    assert await hamdel.screen(user) == "زبان گفت‌وگو فارسی شد."


async def test_cancel_with_nothing_to_cancel(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/cancel")
    assert (await user.next_message())["text"] == "کاری در جریان نبود که لغو شود."


async def test_unknown_command_gets_help_and_menu(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/foo")
    reply = await user.next_message()
    assert reply["text"] == "دستور /foo را نمی‌شناسم. از منوی زیر انتخاب کنید یا /help را بزنید."
    assert user.buttons()


async def test_media_where_text_was_expected(hamdel: Harness) -> None:
    user = hamdel.user()
    for send in (user.send_sticker, user.send_voice, user.send_location, user.share_contact):
        await send()
        reply = await user.next_message()
        assert reply["text"] == "این نوع پیام را نمی‌توانم بخوانم. لطفاً متن بنویسید یا از منو انتخاب کنید."


async def test_edited_message_gets_a_short_reply(hamdel: Harness) -> None:
    user = hamdel.user()
    sent = await user.send("/help")
    await user.next_message()
    await user.edit(sent, "/start")
    assert (await user.next_message())["text"].startswith("ویرایش پیام‌های قبلی را دنبال نمی‌کنم")


async def test_forged_and_stale_buttons_are_answered(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    for data in ("zzz:forged", "lang:xx:yy", "menu", "\u200c"):
        answer = await user.press_data(data)
        assert answer["text"] == "این دکمه دیگر معتبر نیست. لطفاً از منوی تازه انتخاب کنید."
    await hamdel.settle()


async def test_forged_numbers_in_buttons_are_stale_not_errors(
    hamdel: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Ids past the databases' 64-bit integers, and digits `int` refuses (« ² »), are a stale
    button, not a failed query."""
    caplog.set_level(logging.ERROR, logger="hamdel.errors")
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    big = "9" * 25
    for data in (
        f"dnc:{big}",
        f"dnr:{big}",
        f"faqf:{big}:1",
        f"ask:{big}:",
        f"mt:view:{big}::1",
        f"mt:write:{big}::1",
        f"bcc:{big}",
        f"uns:{big}",
    ):
        answer = await user.press_data(data)
        assert answer["text"] == "این دکمه دیگر معتبر نیست. لطفاً از منوی تازه انتخاب کنید.", data
    answer = await user.press_data("mt:list:0:²:1")  # a page offset: read as the first page
    assert answer["text"] is None
    assert "درخواست" in await hamdel.screen(user)
    await hamdel.settle()
    assert not caplog.records, [record.getMessage() for record in caplog.records]


async def test_a_button_that_fails_is_answered_with_the_apology(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    hamdel.messenger.fail_next("sendMessage", status=400, description="Bad Request: injected")
    if hamdel.app.profile.can_edit_keyboards:
        hamdel.messenger.fail_next("editMessageText", status=400, description="Bad Request: injected")
    answer = await user.press("🌐 زبان / Language")
    assert answer["text"] == "مشکلی پیش آمد؛ لطفاً دوباره تلاش کنید."
    assert answer["show_alert"] is True
    await hamdel.settle()


async def test_forged_language_code_falls_back_to_persian(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/language")
    await user.next_message()
    await user.press_data("lang:de")
    assert await hamdel.screen(user) == "زبان گفت‌وگو فارسی شد."


async def test_groups_stay_quiet_unless_addressed(hamdel: Harness) -> None:
    member = hamdel.user()
    group = hamdel.messenger.group(
        chat_id=-1_002_000_000_002, title="گروه محله", members={member.id: "member"}
    )
    await group.send(from_user=member, text="سلام به همه")
    await hamdel.settle()
    assert group.messages == []
    await group.send(from_user=member, text="@hamdel_bot کمک می‌خواهم")
    reply = await group.next_message()
    assert reply["text"] == "برای گفت‌وگو با همدل لطفاً در پیام خصوصی بنویسید: @hamdel_bot"


async def test_staff_chat_chatter_is_not_answered(hamdel: Harness) -> None:
    await hamdel.staff_chat.send(from_user=hamdel.operator, text="صبح بخیر همکاران")
    await hamdel.settle()
    assert hamdel.staff_chat.messages == []


async def test_an_error_becomes_an_apology_not_silence(hamdel: Harness) -> None:
    user = hamdel.user()
    hamdel.messenger.fail_next("sendMessage", status=400, description="Bad Request: injected", times=1)
    await user.send("/help")
    reply = await user.next_message()
    assert reply["text"].startswith("متأسفیم، مشکلی پیش آمد")


async def test_commands_are_registered_per_language(hamdel: Harness) -> None:
    await hamdel.settle()
    default = {c["command"]: c["description"] for c in hamdel.messenger.commands()}
    assert default["start"] == "شروع و منوی اصلی"
    if hamdel.app.profile.commands_per_language:
        english = {c["command"]: c["description"] for c in hamdel.messenger.commands(language_code="en")}
        assert english["start"] == "Start and main menu"


async def test_concurrent_users_are_all_answered(hamdel: Harness) -> None:
    users = [hamdel.user() for _ in range(25)]
    await asyncio.gather(*(u.send("/start") for u in users))
    replies = await asyncio.gather(*(u.next_message(timeout=15) for u in users))
    assert all(r["text"].startswith("سلام سارا") for r in replies)
    async with hamdel.db() as session:
        ids = set(await session.scalars(select(User.user_id)))
    assert {u.id for u in users} <= ids


async def test_block_and_unblock_mark_the_user(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    await user.block()
    await hamdel.settle()
    async with hamdel.db() as session:
        blocked = await session.scalar(select(User.is_blocked).where(User.user_id == user.id))
    # Telegram says so with my_chat_member; Bale says nothing until a send fails.
    assert blocked is hamdel.app.profile.chat_member_updates
    await user.unblock()
    await user.send("/start")
    await user.next_message()
    async with hamdel.db() as session:
        assert await session.scalar(select(User.is_blocked).where(User.user_id == user.id)) is False


async def test_webhook_serves_the_same_bot(hamdel_webhook: Harness) -> None:
    user = hamdel_webhook.user()
    await user.send("/start")
    assert (await user.next_message())["text"].startswith("سلام سارا")
    hook = hamdel_webhook.messenger.calls("setWebhook")[-1].params
    assert hook["url"].endswith(hamdel_webhook.app.webhook_path())
    assert len(hamdel_webhook.app.webhook_path().rsplit("/", 1)[-1]) == 32
    if hamdel_webhook.app.profile.webhook_secret_header:
        assert hook["secret_token"] == "test-secret"
        async with aiohttp.ClientSession() as client:
            response = await client.post(
                hook["url"], json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            )
            assert response.status == 401
    else:
        assert "secret_token" not in hook
    async with aiohttp.ClientSession() as client:
        wrong_path = hook["url"].rsplit("/", 1)[0] + "/guess"
        response = await client.post(wrong_path, json={"update_id": 1})
        assert response.status == 404


async def test_a_press_is_answered_in_the_webhooks_reply_where_the_platform_runs_it(
    hamdel_webhook: Harness,
) -> None:
    """Telegram runs a Bot API call returned in the webhook's HTTP answer: the press's answer goes
    there, not as a request of its own; Bale does not document it, so it gets a request."""
    user = hamdel_webhook.user()
    await user.send("/language")
    await user.next_message()
    await user.press("English")
    await hamdel_webhook.settle()
    (answer,) = hamdel_webhook.messenger.calls("answerCallbackQuery")
    expected = "webhook-reply" if hamdel_webhook.app.profile.webhook_replies else "http"
    assert answer.via == expected
    assert (hamdel_webhook.app.profile.platform == "telegram") is hamdel_webhook.app.profile.webhook_replies


async def test_an_unknown_message_shape_gets_a_short_reply(hamdel: Harness) -> None:
    user = hamdel.user()
    # A message whose only content is a field this bot (and aiogram) has never heard of.
    user._post(user.info, {"hologram": {"id": "h1", "depth": 3}})
    reply = await user.next_message()
    assert reply["text"] == "این نوع پیام را نمی‌توانم بخوانم. لطفاً متن بنویسید یا از منو انتخاب کنید."


async def test_photo_with_an_empty_caption(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send_photo(caption="")
    reply = await user.next_message()
    assert reply["text"] == "این نوع پیام را نمی‌توانم بخوانم. لطفاً متن بنویسید یا از منو انتخاب کنید."


async def test_very_long_text_gets_a_short_reply(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("ب" * 4096)
    reply = await user.next_message()
    assert len(reply["text"]) < 200
    assert "خیلی طولانی" in reply["text"]


async def test_cancel_leaves_a_flow_and_removes_its_keyboard(hamdel: Harness) -> None:
    from aiogram.fsm.storage.base import StorageKey

    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    await hamdel.settle()  # /start's own state is committed after its last message
    key = StorageKey(bot_id=hamdel.app.bot.id, chat_id=user.id, user_id=user.id)
    await hamdel.app.dispatcher.storage.set_state(key, "Volunteer:mobile")
    await user.send("/cancel")
    done = await user.next_message()
    assert done["text"] == "کار جاری لغو شد. هر وقت خواستید از منو دوباره شروع کنید."
    menu = await user.next_message()
    removal = [c for c in hamdel.messenger.calls("sendMessage") if c.params.get("text") == done["text"]]
    assert removal[-1].params["reply_markup"] == {"remove_keyboard": True}
    assert user.reply_keyboard == []
    assert menu["text"] == "منوی اصلی همدل — چه کاری برایتان انجام دهم؟"
    assert await hamdel.app.dispatcher.storage.get_state(key) is None


async def test_staff_chat_replies_and_stale_buttons(hamdel: Harness) -> None:
    staff = hamdel.staff_chat
    await staff.send(from_user=hamdel.operator, text="@hamdel_bot سلام")
    await hamdel.settle()
    assert staff.messages == []  # never "write to me privately" in the working group's chat
    answer = await staff.press_data(hamdel.operator, "zzz:stale")
    assert answer["text"] == "این دکمه دیگر معتبر نیست. لطفاً از منوی تازه انتخاب کنید."
