"""Broadcasts through the local messenger, in both flavors: the composer, languages, segments,
opt-out, blocked users, 429s, scheduling, bad input and the progress controls."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import func, select

from bot.messenger import MessengerUser
from bot.settings import BroadcastSettings
from models.broadcasts import Broadcast, BroadcastStatus, OutboxItem, OutboxStatus, Subscription
from models.staff import AuditEntry
from models.user import User

if TYPE_CHECKING:
    from tests.conftest import Harness

FAST = BroadcastSettings(
    telegram_rate=200,
    bale_rate=200,
    per_chat_rate=20,
    poll_interval=0.05,
    progress_interval=1,
    scanner_interval=3600,
    claim_lease=5,
    backoff_base=0.05,
    retry_after_fallback=1,
    max_in_flight=2,
)


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    return {"broadcast": FAST}


async def started(hamdel: Harness, language: str = "fa", **kwargs: Any) -> MessengerUser:
    """A user who has talked to the bot (so the bot knows them), in their language."""
    user = hamdel.user(language_code=language, **kwargs)
    await user.send("/start")
    await user.next_message()
    if language == "en":
        await user.send("/language")
        await user.next_message()
        await user.press("English")
        await user.wait_until(lambda u: "now in English" in u.last_text)
        user.skip_to_end()
    return user


def buttons(user: MessengerUser, message: dict[str, Any] | None = None) -> list[str]:
    if message is None and user.last is None:
        return []
    return user.buttons(message)


def texts(user: MessengerUser) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in user.messages]


async def open_composer(admin: MessengerUser) -> None:
    admin.skip_to_end()
    await admin.send("/broadcast")
    await admin.wait_until(lambda u: "✍️ پیام تازه" in buttons(u))
    await admin.press("✍️ پیام تازه")


async def compose(
    hamdel: Harness,
    *,
    fa: str = "سلام، پویش یلدای مهربانی آغاز شد.",
    en: str | None = "Hello, the Yalda campaign has started.",
    segment: tuple[str, ...] = ("👥 همهٔ کاربران",),
    photo: bool = False,
) -> None:
    """The admin writes a broadcast up to the summary (preview and count)."""
    admin = hamdel.admin
    await open_composer(admin)
    await admin.wait_until(lambda u: "متن فارسی" in u.last_text)
    if photo:
        await admin.send_photo(caption=fa)
    else:
        await admin.send(fa)
    await admin.wait_until(lambda u: "متن انگلیسی" in u.last_text)
    if en is None:
        await admin.press("⏭ بدون متن انگلیسی")
    else:
        await admin.send(en)
    if not photo:
        await admin.wait_until(lambda u: "عکس" in u.last_text)
        await admin.press("⏭ بدون عکس")
    await admin.wait_until(lambda u: "دکمه" in u.last_text)
    await admin.press("⏭ بدون دکمه")
    await admin.wait_until(lambda u: "چه کسانی" in u.last_text)
    for choice in segment:
        await admin.press(choice)
    await admin.wait_until(lambda u: "آمادهٔ ارسال" in u.last_text or "گیرنده‌ای نیست" in u.last_text)


async def test_composer_sends_each_user_their_language(hamdel: Harness) -> None:
    sara = await started(hamdel, "fa")
    john = await started(hamdel, "en", first_name="John")
    await compose(hamdel)
    admin = hamdel.admin
    summary = admin.last_text
    assert "گیرندگان: ۳ نفر" in summary  # sara, john and the admin, who used the bot too
    assert any("پیش‌نمایش برای کاربران فارسی‌زبان" in text for text in texts(admin))
    assert any(
        text == "Hello, the Yalda campaign has started." for text in texts(admin)
    )  # the English preview
    await admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: "یلدای مهربانی" in u.last_text)
    await john.wait_until(lambda u: "Yalda campaign" in u.last_text)
    assert "🔕 لغو اشتراک" in sara.buttons()
    assert "🔕 Unsubscribe" in john.buttons()
    await admin.wait_until(lambda u: any("تمام شد" in text for text in texts(u)), timeout=10)
    async with hamdel.db() as s:
        broadcast = (await s.scalars(select(Broadcast))).one()
        assert broadcast.status == BroadcastStatus.DONE.value
        statuses = (await s.scalars(select(OutboxItem.status))).all()
        assert statuses.count(OutboxStatus.SENT.value) == 3
        assert await s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "broadcast.send")
        )
    # Exactly one copy each.
    assert sum("یلدای مهربانی" in text for text in texts(sara)) == 1


async def test_english_readers_get_persian_without_english_text(hamdel: Harness) -> None:
    john = await started(hamdel, "en", first_name="John")
    await compose(hamdel, en=None)
    assert "متن انگلیسی: ندارد" in hamdel.admin.last_text
    await hamdel.admin.press("🚀 ارسال اکنون")
    await john.wait_until(lambda u: "یلدای مهربانی" in u.last_text)


async def test_segment_language_and_empty_segment(hamdel: Harness) -> None:
    sara = await started(hamdel, "fa")
    await compose(hamdel, segment=("🌐 یک زبان", "انگلیسی‌زبان"))
    admin = hamdel.admin
    assert "هیچ گیرنده‌ای نیست" in admin.last_text
    assert "🚀 ارسال اکنون" not in admin.buttons()
    await admin.press("👥 تغییر مخاطبان")
    await admin.wait_until(lambda u: "چه کسانی" in u.last_text)
    await admin.press("🌐 یک زبان")
    await admin.press("فارسی‌زبان")
    await admin.wait_until(lambda u: "آمادهٔ ارسال" in u.last_text)
    assert "گیرندگان: ۲ نفر" in admin.last_text
    await admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: "یلدای مهربانی" in u.last_text)


async def test_non_staff_cannot_broadcast(hamdel: Harness) -> None:
    sara = await started(hamdel)
    await sara.send("/broadcast")
    reply = await sara.next_message()
    assert "فقط برای کارکنان" in reply["text"]
    async with hamdel.db() as s:
        assert await s.scalar(select(func.count()).select_from(Broadcast)) == 0


async def test_send_pressed_twice_sends_once(hamdel: Harness) -> None:
    sara = await started(hamdel)
    await compose(hamdel)
    admin = hamdel.admin
    summary = admin.last
    await admin.press("🚀 ارسال اکنون", message=summary)
    second = (
        await admin.press("🚀 ارسال اکنون", message=summary)
        if "🚀 ارسال اکنون" in admin.buttons(summary)
        else None
    )
    await sara.wait_until(lambda u: "یلدای مهربانی" in u.last_text)
    await hamdel.settle()
    if second is not None:
        assert "پیش‌تر فرستاده" in (second.get("text") or "")
    async with hamdel.db() as s:
        assert await s.scalar(select(func.count()).select_from(Broadcast)) == 1
    assert sum("یلدای مهربانی" in text for text in texts(sara)) == 1


async def test_same_content_twice_asks_before_sending_again(hamdel: Harness) -> None:
    sara = await started(hamdel)
    await compose(hamdel)
    await hamdel.admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: "یلدای مهربانی" in u.last_text)
    await hamdel.admin.wait_until(lambda u: "تمام شد" in u.last_text, timeout=10)
    await compose(hamdel)
    admin = hamdel.admin
    await admin.press("🚀 ارسال اکنون")
    await admin.wait_until(lambda u: "همین متن و همین مخاطبان" in u.last_text)
    await admin.press("🗑 دور انداختن پیش‌نویس")
    await admin.wait_until(lambda u: "دور انداخته" in u.last_text)
    await hamdel.settle()
    assert sum("یلدای مهربانی" in text for text in texts(sara)) == 1


async def test_bad_input_in_the_composer(hamdel: Harness) -> None:
    admin = hamdel.admin
    await open_composer(admin)
    await admin.wait_until(lambda u: "متن فارسی" in u.last_text)
    await admin.send_sticker()
    await admin.wait_until(lambda u: "فقط متن" in u.last_text)
    await admin.send("   ")
    await admin.wait_until(lambda u: "پیام خالی" in u.last_text)
    await admin.send("ا" * 4200)
    await admin.wait_until(lambda u: "حد مجاز" in u.last_text)
    assert "۴٬۰۹۶" in admin.last_text
    await admin.send("متن درست")
    await admin.wait_until(lambda u: "متن انگلیسی" in u.last_text)
    await admin.press("⏭ بدون متن انگلیسی")
    await admin.wait_until(lambda u: "عکس" in u.last_text)
    await admin.send("این عکس نیست")
    await admin.wait_until(lambda u: "لطفاً عکس بفرستید" in u.last_text)
    await admin.press("⏭ بدون عکس")
    await admin.wait_until(lambda u: "دکمه" in u.last_text)
    await admin.press("🔗 پیوند به یک نشانی")
    await admin.wait_until(lambda u: "نشانی پیوند" in u.last_text)
    await admin.send("javascript:alert(1)")
    await admin.wait_until(lambda u: "معتبر نیست" in u.last_text)
    await admin.send("behzisti.ir/campaigns")
    await admin.wait_until(lambda u: "چه کسانی" in u.last_text)
    async with hamdel.db() as s:
        draft = (await s.scalars(select(Broadcast))).one()
        assert draft.button_url == "https://behzisti.ir/campaigns"
    # A forged control button and a stale composer button: short answers, nothing breaks.
    answer = await admin.press_data("bcx:999:pause")
    assert answer.get("text")


async def test_caption_limit_with_a_photo(hamdel: Harness) -> None:
    admin = hamdel.admin
    await open_composer(admin)
    await admin.wait_until(lambda u: "متن فارسی" in u.last_text)
    await admin.send("ب" * 1500)
    await admin.wait_until(lambda u: "متن انگلیسی" in u.last_text)
    await admin.press("⏭ بدون متن انگلیسی")
    await admin.wait_until(lambda u: "عکس" in u.last_text)
    await admin.send_photo()
    await admin.wait_until(lambda u: "توضیح عکس بلند" in u.last_text)


async def test_photo_and_campaign_button_reach_users(hamdel: Harness) -> None:
    from tests.broadcasts.broadcast_helpers import add_campaign

    sara = await started(hamdel)
    async with hamdel.db() as s:
        campaign = await add_campaign(s, hamdel.clock.now(), title="یلدای مهربانی")
    admin = hamdel.admin
    await open_composer(admin)
    await admin.wait_until(lambda u: "متن فارسی" in u.last_text)
    await admin.send_photo(caption="شب یلدا کنار نیازمندان باشیم")
    await admin.wait_until(lambda u: "متن انگلیسی" in u.last_text)
    await admin.press("⏭ بدون متن انگلیسی")
    await admin.wait_until(lambda u: "دکمه" in u.last_text)  # the photo step is skipped
    await admin.press("💝 پیوند به یک پویش")
    await admin.press("یلدای مهربانی")
    await admin.wait_until(lambda u: "چه کسانی" in u.last_text)
    await admin.press("👥 همهٔ کاربران")
    await admin.wait_until(lambda u: "آمادهٔ ارسال" in u.last_text)
    await admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: "کنار نیازمندان" in u.last_text)
    assert sara.last is not None and sara.last.get("photo")
    assert sara.buttons() == ["💝 کمک به «یلدای مهربانی»", "🔕 لغو اشتراک"]
    await sara.press("💝 کمک به «یلدای مهربانی»")
    await sara.wait_until(lambda u: "جمع‌شده" in u.last_text)
    assert "۰ تومان" in sara.last_text
    assert campaign.id


async def test_unsubscribe_button_and_stop(hamdel: Harness) -> None:
    sara = await started(hamdel)
    reza = await started(hamdel, first_name="رضا")
    await compose(hamdel, fa="خبر اول")
    await hamdel.admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: u.last_text == "خبر اول")
    await reza.wait_until(lambda u: u.last_text == "خبر اول")
    answer = await sara.press("🔕 لغو اشتراک")
    assert answer.get("text") == "اشتراک شما لغو شد."
    await sara.wait_until(lambda u: "دیگر هیچ پیام" in u.last_text)
    assert "🔔 دریافت دوبارهٔ خبرها" in sara.buttons()
    await reza.send("/stop")
    await reza.wait_until(lambda u: "دیگر هیچ پیام" in u.last_text and "/subscriptions" in u.last_text)
    await reza.send("/stop")
    await reza.wait_until(lambda u: "پیش‌تر برایتان لغو شده" in u.last_text)
    async with hamdel.db() as s:
        stopped = (await s.scalars(select(Subscription).where(Subscription.stopped_at.is_not(None)))).all()
        assert len(stopped) == 2
        assert {row.stopped_by_broadcast for row in stopped} == {None, 1}
    await hamdel.admin.wait_until(lambda u: any("تمام شد" in text for text in texts(u)), timeout=10)
    await compose(hamdel, fa="خبر دوم")
    assert "گیرندگان: ۱ نفر" in hamdel.admin.last_text  # only the admin is left
    # Reza comes back with the button: he gets news again.
    await reza.press("🔔 دریافت دوبارهٔ خبرها")
    await reza.wait_until(lambda u: "خوش برگشتید" in u.last_text)
    await hamdel.admin.press("👥 تغییر مخاطبان")
    await hamdel.admin.press("👥 همهٔ کاربران")
    await hamdel.admin.wait_until(lambda u: "گیرندگان: ۲ نفر" in u.last_text)
    await hamdel.admin.press("🚀 ارسال اکنون")
    await reza.wait_until(lambda u: u.last_text == "خبر دوم")
    await hamdel.settle()
    assert "خبر دوم" not in texts(sara)


async def test_blocked_user_is_marked_inactive_and_skipped(hamdel: Harness) -> None:
    sara = await started(hamdel)
    gone = await started(hamdel, first_name="رفته")
    await gone.block()
    await hamdel.settle()
    async with hamdel.db() as s:
        # On Bale there is no my_chat_member: the bot learns it from the 403 on send.
        # On Telegram the update marked the user already; forget it to exercise the 403 path too.
        await s.execute(User.__table__.update().where(User.user_id == gone.id).values(is_blocked=False))
    await compose(hamdel, fa="خبر برای همه")
    await hamdel.admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: u.last_text == "خبر برای همه")
    await hamdel.admin.wait_until(lambda u: any("تمام شد" in text for text in texts(u)), timeout=10)
    async with hamdel.db() as s:
        user = await s.scalar(select(User).where(User.user_id == gone.id))
        assert user is not None and user.is_blocked
        row = await s.scalar(select(OutboxItem).where(OutboxItem.user_id == user.id))
        assert row is not None and row.status == OutboxStatus.BLOCKED.value
    finished = next(text for text in texts(hamdel.admin) if "تمام شد" in text)
    assert "مسدودکرده: ۱" in finished
    # Unblocking and writing again makes the user reachable (the user upsert clears the flag).
    await gone.unblock()
    await gone.send("/start")
    await gone.next_message()
    await compose(hamdel, fa="خبر بعدی")
    assert "گیرندگان: ۳ نفر" in hamdel.admin.last_text


async def test_429_pauses_and_everyone_gets_one_copy(hamdel: Harness) -> None:
    users = [await started(hamdel, first_name=f"user{i}") for i in range(6)]
    await compose(hamdel, fa="پیام با محدودیت", photo=True)
    # The broadcast goes out as photos: the next two get 429 (retry after 1 s).
    hamdel.messenger.fail_next("sendPhoto", status=429, retry_after=1, times=2)
    await hamdel.admin.press("🚀 ارسال اکنون")
    for user in users:
        await user.wait_until(lambda u: u.last_text == "پیام با محدودیت", timeout=15)
    await hamdel.admin.wait_until(lambda u: any("تمام شد" in text for text in texts(u)), timeout=10)
    for user in users:
        assert texts(user).count("پیام با محدودیت") == 1
    photos = [
        call
        for call in hamdel.messenger.calls("sendPhoto")
        if call.params.get("caption") == "پیام با محدودیت"
    ]
    assert len(photos) == 7 + 2 + 1  # each recipient once, the two refused sends again, the preview
    async with hamdel.db() as s:
        sent = await s.scalar(
            select(func.count()).select_from(OutboxItem).where(OutboxItem.status == OutboxStatus.SENT.value)
        )
        assert sent == 7


async def test_progress_controls_pause_resume_cancel(hamdel: Harness) -> None:
    users = [await started(hamdel, first_name=f"user{i}") for i in range(5)]
    await compose(hamdel, fa="پیام آهسته", photo=True)
    hamdel.messenger.delay_next("sendPhoto", seconds=0.5, times=20)
    admin = hamdel.admin
    await admin.press("🚀 ارسال اکنون")
    await hamdel.messenger.wait_for_request(
        lambda r: r.method == "sendPhoto" and str(r.params.get("chat_id")) != str(admin.id)
    )
    await admin.wait_until(lambda u: any("⏸ توقف موقت" in buttons(u, m) for m in u.messages))
    pause = next(m for m in reversed(admin.messages) if "⏸ توقف موقت" in buttons(admin, m))
    await admin.press("⏸ توقف موقت", message=pause)
    await admin.wait_until(lambda u: any("▶️ ادامه" in buttons(u, m) for m in u.messages))
    async with hamdel.db() as s:
        broadcast = (await s.scalars(select(Broadcast))).one()
        assert broadcast.status == BroadcastStatus.PAUSED.value
    await hamdel.settle()
    async with hamdel.db() as s:
        paused_at = await s.scalar(
            select(func.count()).select_from(OutboxItem).where(OutboxItem.status == OutboxStatus.SENT.value)
        )
    assert paused_at is not None and paused_at < 6
    resume = next(m for m in reversed(admin.messages) if "▶️ ادامه" in buttons(admin, m))
    await admin.press("▶️ ادامه", message=resume)
    await admin.wait_until(lambda u: any("✖️ لغو ارسال" in buttons(u, m) for m in u.messages))
    cancel = next(m for m in reversed(admin.messages) if "✖️ لغو ارسال" in buttons(admin, m))
    await admin.press("✖️ لغو ارسال", message=cancel)
    await admin.wait_until(lambda u: "بله، لغو کن" in buttons(u))
    await admin.press("بله، لغو کن")
    await admin.wait_until(lambda u: any("لغو شد" in t or "تمام شد" in t for t in texts(u)), timeout=10)
    await hamdel.settle()
    for user in users:
        assert texts(user).count("پیام آهسته") <= 1
    for _ in range(100):  # sends in flight at the cancel are recorded when they answer
        async with hamdel.db() as s:
            broadcast = (await s.scalars(select(Broadcast))).one()
            statuses = (await s.scalars(select(OutboxItem.status))).all()
        if OutboxStatus.SENDING.value not in statuses:
            break
        await asyncio.sleep(0.05)
    if broadcast.status == BroadcastStatus.CANCELLED.value:
        assert OutboxStatus.PENDING.value not in statuses and OutboxStatus.SENDING.value not in statuses
        delivered = sum("پیام آهسته" in text for user in users for text in texts(user))
        assert delivered == statuses.count(OutboxStatus.SENT.value) - (1 if admin_got_it(admin) else 0)


def admin_got_it(admin: MessengerUser) -> bool:
    """Beyond the preview (which follows its header), the admin's own copy as a recipient."""
    copies = [m for m in admin.messages if (m.get("caption") or m.get("text")) == "پیام آهسته"]
    return len(copies) > 1


async def test_schedule_in_jalali(hamdel: Harness) -> None:
    sara = await started(hamdel)
    await compose(hamdel, fa="پیام زمان‌بندی‌شده")
    admin = hamdel.admin
    await admin.press("🗓 ارسال در زمانی دیگر")
    await admin.wait_until(lambda u: "تقویم شمسی" in u.last_text)
    await admin.send("فردا")
    await admin.wait_until(lambda u: "نفهمیدم" in u.last_text)
    await admin.send("۱۴۰۵/۱۲/۳۱ ۱۰:۰۰")  # 1405 is not a leap year
    await admin.wait_until(lambda u: "چنین تاریخی" in u.last_text)
    await admin.send("۱۴۰۵/۰۹/۰۸ ۱۰:۰۰")  # yesterday (the test clock is 9 Azar 1405)
    await admin.wait_until(lambda u: "گذشته است" in u.last_text)
    await admin.send("۱۴۰۵/۰۹/۰۹ ساعت ۱۴:۳۰")
    await admin.wait_until(lambda u: "فرستاده شود؟" in u.last_text)
    assert "۹ آذر ۱۴۰۵، ساعت ۱۴:۳۰" in admin.last_text
    await admin.press("✅ تأیید")
    await admin.wait_until(lambda u: "زمان‌بندی شد" in u.last_text)
    async with hamdel.db() as s:
        broadcast = (await s.scalars(select(Broadcast))).one()
        assert broadcast.status == BroadcastStatus.SCHEDULED.value
    await hamdel.settle()
    assert "پیام زمان‌بندی‌شده" not in texts(sara)
    hamdel.clock.advance(hours=3, minutes=1)
    await sara.wait_until(lambda u: u.last_text == "پیام زمان‌بندی‌شده", timeout=10)


async def test_recent_list_shows_status(hamdel: Harness) -> None:
    sara = await started(hamdel)
    await compose(hamdel, fa="خبر فهرست")
    await hamdel.admin.press("🚀 ارسال اکنون")
    await sara.wait_until(lambda u: u.last_text == "خبر فهرست")
    admin = hamdel.admin
    await admin.wait_until(lambda u: any("تمام شد" in text for text in texts(u)), timeout=10)
    admin.skip_to_end()
    await admin.send("/broadcast")
    await admin.wait_until(lambda u: "📋 پیام‌های اخیر" in buttons(u))
    await admin.press("📋 پیام‌های اخیر")
    await admin.wait_until(lambda u: any("تمام‌شده" in b for b in buttons(u)))
    label = next(b for b in admin.buttons() if "تمام‌شده" in b)
    await admin.press(label)
    await admin.wait_until(lambda u: "تمام شد" in u.last_text)


async def test_settings_screen_topics_and_province(hamdel: Harness) -> None:
    sara = await started(hamdel)
    await sara.press("🔔 اطلاع‌رسانی‌ها")
    await sara.wait_until(lambda u: "اطلاع‌رسانی‌های همدل" in u.last_text)
    assert "⬜️ پویش‌های تازه" in sara.buttons()
    assert "✅ خبر پویش‌هایی که به آن‌ها کمک کرده‌ام" in sara.buttons()
    answer = await sara.press("⬜️ پویش‌های تازه")
    assert answer.get("text") == "«پویش‌های تازه» روشن شد."
    await sara.wait_until(lambda u: "✅ پویش‌های تازه" in buttons(u))
    await sara.press("📍 انتخاب استان")
    await sara.wait_until(lambda u: "استان‌تان" in u.last_text)
    await sara.send("اصفهان")
    await sara.wait_until(lambda u: "«اصفهان» ثبت شد" in u.last_text)
    assert "📍 استان: اصفهان" in sara.buttons()
    await sara.press("📍 استان: اصفهان")
    await sara.wait_until(lambda u: "تهران" in buttons(u))
    await sara.press("تهران")
    await sara.wait_until(lambda u: "«تهران» ثبت شد" in u.last_text)
    async with hamdel.db() as s:
        row = (await s.scalars(select(Subscription))).one()
        assert row.new_campaigns and row.province_id == "23"
    await sara.press("🔕 لغو همهٔ اطلاع‌رسانی‌ها")
    await sara.wait_until(lambda u: "دیگر هیچ پیام" in u.last_text)
    forged = await sara.press_data("sub:t:nonsense")
    assert forged.get("text")


async def test_province_segment_includes_donors_to_the_province(hamdel: Harness) -> None:
    from tests.broadcasts.broadcast_helpers import add_campaign, add_donation, db_user

    chose = await started(hamdel, first_name="انتخاب")
    gave = await started(hamdel, first_name="کمک")
    other = await started(hamdel, first_name="دیگر")
    await chose.press("🔔 اطلاع‌رسانی‌ها")
    await chose.wait_until(lambda u: "📍 انتخاب استان" in buttons(u))
    await chose.press("📍 انتخاب استان")
    await chose.wait_until(lambda u: "اصفهان" in buttons(u))
    await chose.press("اصفهان")
    await chose.wait_until(lambda u: "ثبت شد" in u.last_text)
    async with hamdel.db() as s:
        campaign = await add_campaign(s, hamdel.clock.now())
        await add_donation(s, await db_user(s, gave.id), campaign, 1_000_000, province_id="10")
    await compose(hamdel, fa="خبر اصفهان", segment=("📍 یک استان", "اصفهان"))
    assert "گیرندگان: ۲ نفر" in hamdel.admin.last_text
    await hamdel.admin.press("🚀 ارسال اکنون")
    await chose.wait_until(lambda u: u.last_text == "خبر اصفهان")
    await gave.wait_until(lambda u: u.last_text == "خبر اصفهان")
    await hamdel.settle()
    assert "خبر اصفهان" not in texts(other)
