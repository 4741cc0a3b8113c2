"""The volunteer sign-up through the local messenger, in both flavors: what the person sees, and
what the database holds."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bot.widgets.region_picker import RegionPick
from handlers.volunteers import VolCb
from messenger import MessengerUser
from models import User, Volunteer, VolunteerArea
from services import volunteers as service
from tests.conftest import Harness

TEHRAN, SHEMIRANAT = "23", "2304"
ISFAHAN = "10"


def _markup(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str):
        return dict(json.loads(raw))
    return dict(raw or {})


async def _wait_replies(u: MessengerUser, seen: int, replies: int) -> str:
    await u.wait_until(lambda chat: len(chat.messages) >= seen + replies)
    return u.last_text


async def say(hamdel: Harness, u: MessengerUser, text: str, replies: int = 1) -> str:
    """Send a text and wait for the bot's answer (a typed answer always gets new messages)."""
    seen = len(u.messages)
    await u.send(text)
    return await _wait_replies(u, seen, replies)


async def share(hamdel: Harness, u: MessengerUser, phone: str, replies: int = 1, **kwargs: Any) -> str:
    seen = len(u.messages)
    await u.share_contact(phone, **kwargs)
    return await _wait_replies(u, seen, replies)


async def sticker(hamdel: Harness, u: MessengerUser) -> str:
    seen = len(u.messages)
    await u.send_sticker()
    return await _wait_replies(u, seen, 1)


async def press(hamdel: Harness, u: MessengerUser, button: str) -> dict[str, Any]:
    """Press and return the callback answer: the screen is shown before the answer is sent."""
    return await u.press(button)


async def stored(hamdel: Harness, u: MessengerUser) -> Volunteer | None:
    await hamdel.settle()  # the handler's transaction commits after its last request
    async with hamdel.db() as s:
        user = await s.scalar(select(User).where(User.user_id == u.id))
        assert user is not None
        return await service.get_volunteer(s, user.id)


async def registered(hamdel: Harness, u: MessengerUser, **changes: Any) -> None:
    """A person already signed up (the sign-up itself is tested through the chat elsewhere)."""
    await say(hamdel, u, "/start")
    await hamdel.settle()
    draft = service.Draft(
        areas=["health"],
        profession="physician",
        skills_done=True,
        province_id=TEHRAN,
        county_id=SHEMIRANAT,
        availability=["evenings"],
        mobile="09121234567",
        mobile_shared=True,
        consent=True,
    )
    for name, value in changes.items():
        setattr(draft, name, value)
    async with hamdel.db() as s:
        user = await s.scalar(select(User).where(User.user_id == u.id))
        assert user is not None
        await service.save_volunteer(s, user.id, draft, hamdel.clock.now())


async def sign_up(hamdel: Harness, u: MessengerUser) -> None:
    """The shortest honest sign-up: buttons where there are buttons, the contact button."""
    await say(hamdel, u, "/volunteer")
    await press(hamdel, u, "سلامت")
    await press(hamdel, u, "ادامه")
    await press(hamdel, u, "پزشک")
    await press(hamdel, u, "رد شدن")
    await press(hamdel, u, "تهران")
    await press(hamdel, u, "شمیرانات")
    await press(hamdel, u, "عصرها")
    await press(hamdel, u, "ادامه")
    await share(hamdel, u, "+989121234567", replies=2)
    await press(hamdel, u, "موافقم")
    await press(hamdel, u, "تأیید و ثبت")
    assert "انجام شد" in u.last_text


async def test_sign_up_from_the_menu_with_typed_answers_and_the_contact_button(hamdel: Harness) -> None:
    u = hamdel.user()
    await say(hamdel, u, "/start")
    await press(hamdel, u, "🤝 داوطلب شوید")
    assert "شبکهٔ داوطلبان" in u.last_text and "مرحلهٔ ۱ از ۸" in u.last_text
    assert u.buttons()[:5] == ["⬜️ سلامت", "⬜️ توانمندسازی", "⬜️ فرهنگی", "⬜️ عمرانی", "⬜️ فوق\u200cبرنامه"]

    # No area chosen: an alert, and the step stays.
    answer = await press(hamdel, u, "ادامه")
    assert answer["show_alert"] and "دست‌کم یک حوزه" in answer["text"]
    await press(hamdel, u, "سلامت")
    await press(hamdel, u, "عمرانی")
    await press(hamdel, u, "عمرانی")
    await press(hamdel, u, "فرهنگی")
    assert u.buttons()[:3] == ["✅ سلامت", "⬜️ توانمندسازی", "✅ فرهنگی"]
    await press(hamdel, u, "ادامه")
    assert "مرحلهٔ ۲ از ۸" in u.last_text

    # A profession typed (with Arabic letters), matched to the list and its detail kept.
    text = await say(hamdel, u, "روانشناس باليني")
    assert "مرحلهٔ ۳ از ۸" in text
    text = await say(hamdel, u, "مشاوره خانواده،   زبان اشاره")
    assert "مرحلهٔ ۴ از ۸" in text
    # The province and the county typed, with a prefix and typos: matched.
    text = await say(hamdel, u, "استان تهرن")
    assert "مرحلهٔ ۵ از ۸" in text and "استان تهران" in text
    text = await say(hamdel, u, "شمیران")
    assert "مرحلهٔ ۶ از ۸" in text
    answer = await press(hamdel, u, "ادامه")
    assert answer["show_alert"] and "دست‌کم یک زمان" in answer["text"]
    await press(hamdel, u, "عصرها")
    await press(hamdel, u, "شرایط اضطراری")
    await press(hamdel, u, "ادامه")

    # The mobile step: a reply keyboard with the contact button.
    assert "مرحلهٔ ۷ از ۸" in u.last_text
    assert u.reply_keyboard == ["📱 ارسال شمارهٔ من", "→ بازگشت", "✖️ انصراف از ثبت\u200cنام"]
    markups = [_markup(c.params.get("reply_markup")) for c in hamdel.messenger.calls("sendMessage")]
    contact_keyboard = [m for m in markups if "keyboard" in m][-1]
    assert contact_keyboard["keyboard"][0][0]["request_contact"] is True
    await share(hamdel, u, "989121234567", replies=2)
    assert u.reply_keyboard == []  # removed with the confirmation
    assert any("شمارهٔ ۰۹۱۲۱۲۳۴۵۶۷ ثبت شد" in (m.get("text") or "") for m in u.messages)
    assert "رضایت‌نامه" in u.last_text and "لغو عضویت" in u.last_text and "شمارهٔ همراه" in u.last_text

    await press(hamdel, u, "موافقم")
    summary = u.last_text
    assert "حوزه‌ها: سلامت، فرهنگی" in summary
    assert "حرفه: روان‌شناس / مشاور (روانشناس باليني)" in summary
    assert "مهارت‌ها: مشاوره خانواده، زبان اشاره" in summary
    assert "استان / شهرستان: تهران / شمیرانات" in summary
    assert "زمان همکاری: عصرها، شرایط اضطراری و بحران" in summary
    assert "شمارهٔ همراه: ۰۹۱۲۱۲۳۴۵۶۷" in summary
    assert await stored(hamdel, u) is None  # nothing stored before the confirmation

    answer = await press(hamdel, u, "تأیید و ثبت")
    assert answer["text"] == "ثبت شد ✅"
    assert "انجام شد" in u.last_text and "/volunteer" in u.last_text
    volunteer = await stored(hamdel, u)
    assert volunteer is not None
    assert volunteer.area_keys == ["cultural", "health"]  # stored sorted by key
    assert (volunteer.profession, volunteer.profession_text) == ("psychologist", "روانشناس باليني")
    assert volunteer.skills == "مشاوره خانواده، زبان اشاره"
    assert (volunteer.province_id, volunteer.county_id) == (TEHRAN, SHEMIRANAT)
    assert (volunteer.available_evenings, volunteer.available_emergencies, volunteer.available_weekdays) == (
        True,
        True,
        False,
    )
    assert (volunteer.mobile, volunteer.mobile_shared) == ("09121234567", True)
    assert volunteer.consent_version == service.CONSENT_VERSION

    # Pressing the confirmation again (Bale keeps the old message) stores nothing twice.
    if hamdel.app.profile.can_edit_keyboards:
        assert "تأیید و ثبت" not in u.buttons()
    else:
        answer = await u.press("تأیید و ثبت")
        assert answer["show_alert"]
    async with hamdel.db() as s:
        assert await s.scalar(select(func.count(Volunteer.id))) == 1


async def test_back_at_the_middle_steps(hamdel: Harness) -> None:
    """Back goes one step back (what was chosen stays); answering again carries on where the
    person was. The mobile step's Back is a reply-keyboard button; an old Back does nothing."""
    u = hamdel.user()
    await say(hamdel, u, "/volunteer")
    assert "→ بازگشت" not in u.buttons()  # nothing before the first step
    await press(hamdel, u, "سلامت")
    await press(hamdel, u, "ادامه")
    await press(hamdel, u, "پزشک")
    await press(hamdel, u, "رد شدن")
    assert "مرحلهٔ ۴ از ۸" in await hamdel.screen(u)
    await press(hamdel, u, "→ بازگشت")
    assert "مرحلهٔ ۳ از ۸" in await hamdel.screen(u)
    await press(hamdel, u, "→ بازگشت")
    assert "مرحلهٔ ۲ از ۸" in await hamdel.screen(u)
    await press(hamdel, u, "پرستار")
    assert "مرحلهٔ ۴ از ۸" in await hamdel.screen(u)  # skills were answered: straight on
    await press(hamdel, u, "تهران")
    await press(hamdel, u, "شمیرانات")
    await press(hamdel, u, "عصرها")
    await press(hamdel, u, "ادامه")
    assert "مرحلهٔ ۷ از ۸" in u.last_text
    text = await say(hamdel, u, "→ بازگشت", replies=2)
    assert "مرحلهٔ ۶ از ۸" in text and u.reply_keyboard == []
    assert "✅ عصرها" in u.buttons()  # the earlier choice is kept
    # The province step's Back, pressed again from its old message (kept on Bale; on Telegram the
    # message has become a later step, so the old data is pressed).
    answer = await u.press_data(VolCb(a="bk", v="province").pack())
    assert answer["show_alert"] and "آخرین پیام" in answer["text"]
    await press(hamdel, u, "ادامه")
    assert "مرحلهٔ ۷ از ۸" in u.last_text
    await share(hamdel, u, "+989121234567", replies=2)
    await press(hamdel, u, "→ بازگشت")  # from the consent back to the mobile
    await hamdel.settle()
    assert "مرحلهٔ ۷ از ۸" in u.last_text and "۰۹۱۲۱۲۳۴۵۶۷" in u.last_text
    await share(hamdel, u, "+989121234567", replies=2)
    await press(hamdel, u, "موافقم")
    await press(hamdel, u, "تأیید و ثبت")
    volunteer = await stored(hamdel, u)
    assert volunteer is not None
    assert (volunteer.profession, volunteer.province_id, volunteer.available_evenings) == (
        "nurse",
        TEHRAN,
        True,
    )


async def test_bad_input_along_the_way(hamdel: Harness) -> None:
    u = hamdel.user()
    await say(hamdel, u, "/volunteer")
    # Text where buttons are expected: told, and the step shown again.
    text = await say(hamdel, u, "سلامت")
    assert text.startswith("لطفاً از دکمه‌های زیر استفاده کنید") and "مرحلهٔ ۱ از ۸" in text
    # A forged area.
    answer = await u.press_data(VolCb(a="ar", v="politics").pack())
    assert "معتبر نیست" in answer["text"]
    await press(hamdel, u, "توانمندسازی")
    await press(hamdel, u, "ادامه")
    # A button from a step already done (the area toggles) no longer acts.
    answer = await u.press_data(VolCb(a="ar", v="health").pack())
    assert answer["show_alert"] and "معتبر نیست" in answer["text"]
    # A sticker where text was expected.
    assert "به صورت متن" in await sticker(hamdel, u)
    # “Another profession” asks for the text.
    answer = await u.press("حرفهٔ دیگر")
    assert "بنویسید" in answer["text"]
    # A huge text.
    text = await say(hamdel, u, "ب" * 3000)
    assert "۶۴" in text and "کوتاه‌تر" in text
    await say(hamdel, u, "کارشناس تغذیه")
    text = await say(hamdel, u, "م" * 301)
    assert "۳۰۰" in text
    await press(hamdel, u, "رد شدن")
    # An ambiguous province: the candidates as buttons.
    text = await say(hamdel, u, "آذربایجان")
    assert text == "منظورتان کدام است؟"
    assert {"آذربایجان شرقی", "آذربایجان غربی"} <= set(u.buttons())
    text = await say(hamdel, u, "qwertyuiop")
    assert "پیدا نکردم" in text and "بعدی ›" in u.buttons()
    await press(hamdel, u, "بعدی ›")
    assert "صفحهٔ ۲ از ۳" in u.last_text
    await press(hamdel, u, "فارس")
    assert "استان فارس" in u.last_text
    # A county outside the chosen province (forged): refused.
    answer = await u.press_data(RegionPick(flow="vol", kind="c", id=SHEMIRANAT).pack())
    assert answer["show_alert"] and "در استانی که انتخاب کرده‌اید نیست" in answer["text"]
    text = await say(hamdel, u, "zzzz")
    assert "پیدا نکردم" in text and "فارس" in text
    await say(hamdel, u, "شيراز")
    assert "مرحلهٔ ۶ از ۸" in u.last_text
    await press(hamdel, u, "روزهای کاری")
    await press(hamdel, u, "ادامه")
    # The mobile: invalid, someone else's contact, a foreign number, a sticker.
    text = await say(hamdel, u, "09123")
    assert "معتبر نیست" in text
    assert "فقط شمارهٔ خودتان" in await share(hamdel, u, "+989351234567", own=False, first_name="علی")
    assert "شمارهٔ همراه ایران نیست" in await share(hamdel, u, "+14155550100")
    assert "ارسال شمارهٔ من" in await sticker(hamdel, u)
    assert u.reply_keyboard  # still offered
    # Typed in Persian digits with spaces: accepted.
    await say(hamdel, u, "۰۹۱۲ ۳۴۵ ۶۷۸۹", replies=2)
    assert u.reply_keyboard == []
    await press(hamdel, u, "موافقم")
    await press(hamdel, u, "تأیید و ثبت")
    volunteer = await stored(hamdel, u)
    assert volunteer is not None
    assert (volunteer.mobile, volunteer.mobile_shared) == ("09123456789", False)
    assert (volunteer.profession, volunteer.profession_text) == ("other", "کارشناس تغذیه")
    assert (volunteer.province_id, regions_name(volunteer.county_id)) == ("07", "شیراز")
    assert volunteer.skills is None


async def test_cancel_from_the_contact_keyboard(hamdel: Harness) -> None:
    u = hamdel.user()
    await say(hamdel, u, "/volunteer")
    await press(hamdel, u, "سلامت")
    await press(hamdel, u, "ادامه")
    await press(hamdel, u, "پزشک")
    await press(hamdel, u, "رد شدن")
    await press(hamdel, u, "تهران")
    await press(hamdel, u, "تهران")  # the county of the same name
    await press(hamdel, u, "روزهای کاری")
    await press(hamdel, u, "ادامه")
    assert u.reply_keyboard
    await say(hamdel, u, "✖️ انصراف از ثبت\u200cنام", replies=2)
    assert u.reply_keyboard == []
    assert u.last_text.startswith("منوی اصلی")
    assert await stored(hamdel, u) is None
    # The conversation is over: a number typed now is not taken as a mobile.
    await say(hamdel, u, "09121234567")
    assert await stored(hamdel, u) is None


async def test_re_registration_offers_editing_and_edits_are_saved(hamdel: Harness) -> None:
    u = hamdel.user()
    await registered(hamdel, u)
    before = await stored(hamdel, u)
    assert before is not None

    text = await say(hamdel, u, "/volunteer")
    assert "نیازی به ثبت‌نام دوباره نیست" in text and "۹ آذر ۱۴۰۵" in text
    assert "شمارهٔ همراه: ۰۹۱۲۱۲۳۴۵۶۷" in text
    assert u.buttons() == ["✏️ ویرایش", "🗑 لغو عضویت و حذف اطلاعات", "🏠 منوی اصلی"]

    await press(hamdel, u, "ویرایش")
    assert u.last_text == "کدام بخش را می‌خواهید تغییر دهید؟"
    await press(hamdel, u, "استان و شهرستان")
    assert "مرحله" not in u.last_text  # no step numbers while editing
    text = await say(hamdel, u, "اصفهان")
    assert "استان اصفهان" in text
    await say(hamdel, u, "کاشان")
    assert "اصفهان / کاشان" in u.last_text and "ذخیرهٔ تغییرات" in u.buttons()[0]

    await press(hamdel, u, "ویرایش")
    await press(hamdel, u, "حوزه‌ها")
    await press(hamdel, u, "عمرانی")
    await press(hamdel, u, "ادامه")
    assert "حوزه‌ها: سلامت، عمرانی" in u.last_text

    # The mobile: the keyboard offers to keep the current number.
    await press(hamdel, u, "ویرایش")
    await press(hamdel, u, "شمارهٔ همراه")
    assert "↩️ همان شمارهٔ قبلی" in u.reply_keyboard and "۰۹۱۲۱۲۳۴۵۶۷" in u.last_text
    await say(hamdel, u, "↩️ همان شمارهٔ قبلی", replies=2)
    assert u.reply_keyboard == [] and "ذخیرهٔ تغییرات" in u.buttons()[0]

    await press(hamdel, u, "ذخیرهٔ تغییرات")
    assert "تغییرات شما ذخیره شد" in u.last_text
    after = await stored(hamdel, u)
    assert after is not None and after.id == before.id
    assert (after.province_id, after.area_keys, after.mobile) == (
        ISFAHAN,
        ["construction", "health"],
        "09121234567",
    )
    assert regions_name(after.county_id) == "کاشان"
    async with hamdel.db() as s:
        assert await s.scalar(select(func.count(Volunteer.id))) == 1


def regions_name(county_id: str) -> str:
    from services import regions

    return regions.get_county(county_id).name_fa


async def test_withdraw_deletes_everything(hamdel: Harness) -> None:
    u = hamdel.user()
    other = hamdel.user()
    await sign_up(hamdel, u)
    await registered(hamdel, other)
    await say(hamdel, u, "/volunteer")
    await press(hamdel, u, "لغو عضویت")
    assert "برای همیشه پاک می‌شود" in u.last_text
    await press(hamdel, u, "خیر، منصرف شدم")
    assert "نیازی به ثبت‌نام دوباره نیست" in u.last_text
    await press(hamdel, u, "لغو عضویت")
    await press(hamdel, u, "بله، اطلاعاتم پاک شود")
    assert "اطلاعاتتان پاک شد" in u.last_text
    assert await stored(hamdel, u) is None
    async with hamdel.db() as s:
        assert await s.scalar(select(func.count(Volunteer.id))) == 1
        assert await s.scalar(select(func.count()).select_from(VolunteerArea)) == 1
    # The same button again (a stale message, a redelivered press): nothing to delete.
    answer = await u.press_data(VolCb(a="wdy").pack())
    assert "ثبت‌نام نکرده‌اید" in answer["text"]
    # Joining again starts a fresh sign-up.
    await press(hamdel, u, "پیوستن دوباره")
    assert "مرحلهٔ ۱ از ۸" in u.last_text


async def test_english_speaker(hamdel: Harness) -> None:
    u = hamdel.user(first_name="Sam", language_code="en")
    await say(hamdel, u, "/language")
    await press(hamdel, u, "English")
    text = await say(hamdel, u, "/volunteer")
    assert "Step 1 of 8" in text and u.buttons()[0] == "⬜️ Health"
    await press(hamdel, u, "Health")
    await press(hamdel, u, "Continue")
    await say(hamdel, u, "nurse")
    await press(hamdel, u, "Skip")
    text = await say(hamdel, u, "Esfahan")
    assert "Isfahan province" in text
