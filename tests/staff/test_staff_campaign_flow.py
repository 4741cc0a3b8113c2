"""Campaign management through the messenger: guided creation with validation and preview, editing,
activating, pausing and closing — as an admin and as a granted campaign manager."""

from __future__ import annotations

from sqlalchemy import select

from bot.broadcast_views import CampaignCallback
from handlers.campaign_admin import CampaignAdmin
from models import AuditEntry, Campaign
from services import regions
from services.roles import Role, grant
from tests.conftest import Harness


async def _answer(user, text: str) -> str:  # type: ignore[no-untyped-def]
    await user.send(text)
    return str((await user.next_message())["text"])


async def test_create_a_campaign_step_by_step(hamdel: Harness) -> None:
    admin = hamdel.admin
    await admin.send("/new_campaign")
    assert (await admin.next_message())["text"].startswith("مرحلهٔ ۱ از ۱۰\nعنوان فارسی پویش")
    assert (await _answer(admin, "ی")) == "عنوان خیلی کوتاه است؛ دست‌کم ۳ نویسه بنویسید."
    await admin.send_sticker()
    assert (await admin.next_message())["text"] == "لطفاً پاسخ را به صورت متن بنویسید."
    assert "عنوان انگلیسی" in await _answer(admin, "يلداي مهرباني")  # Arabic ي is normalised
    assert "توضیح فارسی" in await _answer(admin, "Yalda of Kindness")
    assert "توضیح انگلیسی" in await _answer(admin, "جهیزیه برای زوج‌های تحت پوشش بهزیستی")
    assert "موضوع پویش" in await _answer(admin, "Dowry kits for couples under the organisation's coverage")
    assert (await _answer(admin, "جهیزیه")) == "لطفاً یکی از دکمه‌های بالا را انتخاب کنید."
    await admin.press("جهیزیه")
    assert "پویش برای کجاست" in await hamdel.screen(admin)
    await admin.press("بعدی ›")  # the shared region picker: Fars is on its second page
    await admin.press("فارس")
    assert "استان فارس: کل استان یا یک شهرستان" in await hamdel.screen(admin)
    await admin.press("بعدی ›")  # counties are paged too: Shiraz is on the second page
    await admin.press("شیراز")
    assert "مبلغ هدف" in await hamdel.screen(admin)
    assert (await _answer(admin, "۰")) == "مبلغ هدف باید بیشتر از صفر باشد."
    assert "مبلغ را نفهمیدم" in await _answer(admin, "خیلی زیاد")
    assert "تاریخ شروع" in await _answer(admin, "۵۰۰ میلیون")
    assert "تاریخ را نفهمیدم" in await _answer(admin, "اول دی")
    assert "تقویم خورشیدی وجود ندارد" in await _answer(admin, "۱۴۰۵/۰۷/۳۱")
    assert "تاریخ پایان" in await _answer(admin, "۱۴۰۵/۰۹/۱۵")
    assert (await _answer(admin, "۱۴۰۵/۰۹/۱۰")) == "تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد."
    assert "تصویر" in await _answer(admin, "۳۰ دی ۱۴۰۵")
    await admin.send("متن به جای عکس")
    assert (await admin.next_message())[
        "text"
    ] == "لطفاً تصویر را به صورت عکس بفرستید یا «بدون تصویر» را بزنید."
    await admin.send_photo()
    await admin.wait_until(lambda u: u.last_text.startswith("پیش‌نمایش پویش"))
    photo, preview = admin.messages[-2], admin.messages[-1]
    assert "photo" in photo and photo.get("caption") == "یلدای مهربانی"
    text = preview["text"]
    assert text.startswith("پیش‌نمایش پویش")
    for part in (
        "عنوان: یلدای مهربانی",
        "موضوع: جهیزیه",
        "منطقه: فارس، شیراز",
        "هدف: ۵۰۰٬۰۰۰٬۰۰۰ تومان",
        "از ۱۵ آذر ۱۴۰۵ تا ۳۰ دی ۱۴۰۵",
        "تصویر: دارد",
    ):
        assert part in text, part
    # Fix one part from the preview, then save.
    await admin.press("✏️ اصلاح یک بخش")
    await admin.press("مبلغ هدف")
    await hamdel.settle()
    assert "مبلغ هدف را به تومان" in admin.last_text
    admin.skip_to_end()
    await admin.send("200,000,000")
    await admin.wait_until(
        lambda u: "هدف: ۲۰۰٬۰۰۰٬۰۰۰ تومان" in u.last_text
    )  # the preview again, after its photo
    await admin.press("✅ ذخیره (پیش‌نویس)")
    saved = await hamdel.screen(admin)
    assert saved.startswith("✅ پویش به صورت پیش‌نویس ذخیره شد")
    assert "پیش‌نویس" in saved and "جمع‌شده: ۰ تومان (۰٪ هدف) از ۰ کمک" in saved
    async with hamdel.db() as session:
        campaign = await session.scalar(select(Campaign))
        assert campaign is not None
        assert (
            campaign.title_fa,
            campaign.purpose,
            campaign.scope,
            campaign.province_id,
            campaign.county_id,
        ) == ("یلدای مهربانی", "dowry", "county", "07", "0707")
        assert campaign.goal_rials == 2_000_000_000 and campaign.status == "draft" and campaign.image_file_id
        created = await session.scalar(select(AuditEntry).where(AuditEntry.action == "campaign.create"))
        assert (
            created is not None
            and created.actor_id == admin.id
            and created.after["goal_rials"] == 2_000_000_000
        )  # type: ignore[index]
    # Saving twice (a double press) creates nothing more.
    answer = await admin.press_data(CampaignAdmin(action="save").pack(), message=admin.last)
    assert (
        answer.get("text")
        == "این دکمه از پیامی قدیمی است و دیگر کار نمی‌کند؛ از دکمه‌های آخرین پیام استفاده کنید (یا /admin را بزنید)."
    )
    async with hamdel.db() as session:
        assert len(list(await session.scalars(select(Campaign)))) == 1


async def test_back_at_every_step_and_the_typed_text_is_kept(hamdel: Harness) -> None:
    """Back goes one step back (earlier answers kept; answering again carries on where the person
    was), and titles keep what was typed: «تهیهٔ», «مسئول» (the hamza marks were stripped)."""
    admin = hamdel.admin
    await admin.send("/new_campaign")
    first = await admin.next_message()
    assert "→ بازگشت" not in admin.buttons(first)  # nothing before the first step
    assert "مرحلهٔ ۲ از ۱۰" in await _answer(admin, "تهیهٔ جهیزیه")
    assert "مرحلهٔ ۳ از ۱۰" in await _answer(admin, "Dowry kits")
    await admin.press("→ بازگشت")
    assert (await hamdel.screen(admin)).startswith("مرحلهٔ ۲ از ۱۰\nعنوان انگلیسی")
    assert "مرحلهٔ ۳ از ۱۰" in await _answer(admin, "Dowry kits for couples")
    assert "مرحلهٔ ۴ از ۱۰" in await _answer(admin, "یاری به زوج‌های جوان برای تهیهٔ جهیزیه با نظر مسئولان")
    assert "مرحلهٔ ۵ از ۱۰" in await _answer(admin, "Helping young couples with a dowry kit")
    await admin.press("جهیزیه")
    assert "مرحلهٔ ۶ از ۱۰" in await hamdel.screen(admin)
    await admin.press("بعدی ›")
    await admin.press("فارس")
    assert "استان فارس" in await hamdel.screen(admin)
    await admin.press("→ بازگشت")  # from the counties back to the provinces (the same step)
    assert "پویش برای کجاست" in await hamdel.screen(admin)
    await admin.press("→ بازگشت")
    assert "مرحلهٔ ۵ از ۱۰" in await hamdel.screen(admin)
    await admin.press("مسکن")
    assert "مرحلهٔ ۶ از ۱۰" in await hamdel.screen(admin)
    await admin.press("🇮🇷 سراسری")
    assert "مرحلهٔ ۷ از ۱۰" in await hamdel.screen(admin)
    assert "مرحلهٔ ۸ از ۱۰" in await _answer(admin, "۵۰۰ میلیون")
    await admin.press("→ بازگشت")
    assert "مرحلهٔ ۷ از ۱۰" in await hamdel.screen(admin)
    # An older step's Back (from a message above) does not move the flow.
    old_back = next(m for m in admin.messages if "مرحلهٔ ۳ از ۱۰" in str(m.get("text")))
    answer = await admin.press("→ بازگشت", message=old_back)
    assert "دوباره شروع" not in str(answer.get("text")) and "آخرین پیام" in str(answer.get("text"))
    assert "مرحلهٔ ۸ از ۱۰" in await _answer(admin, "۶۰۰ میلیون")
    assert "مرحلهٔ ۹ از ۱۰" in await _answer(admin, "۱۴۰۵/۰۹/۱۵")
    assert "مرحلهٔ ۱۰ از ۱۰" in await _answer(admin, "۱۴۰۵/۱۰/۳۰")
    await admin.press("بدون تصویر")
    preview = await hamdel.screen(admin)
    assert "عنوان: تهیهٔ جهیزیه" in preview and "موضوع: مسکن" in preview and "۶۰۰٬۰۰۰٬۰۰۰ تومان" in preview
    # The donors' card in the preview is the one /campaigns shows.
    assert "👀 نیکوکاران پویش را این‌طور می‌بینند:\n\n📣 تهیهٔ جهیزیه\n" in preview
    assert "💰 ۰ تومان از ۶۰۰٬۰۰۰٬۰۰۰ تومان\n👥 ۰ نیکوکار · ⏳" in preview
    await admin.press("✅ ذخیره (پیش‌نویس)")
    await hamdel.settle()
    async with hamdel.db() as session:
        campaign = await session.scalar(select(Campaign))
        assert campaign is not None
        assert campaign.title_fa == "تهیهٔ جهیزیه"
        assert campaign.description_fa == "یاری به زوج‌های جوان برای تهیهٔ جهیزیه با نظر مسئولان"
        assert (campaign.title_en, campaign.purpose, campaign.goal_rials) == (
            "Dowry kits for couples",
            "housing",
            6_000_000_000,
        )


async def _campaign(hamdel: Harness, status: str = "draft") -> int:
    async with hamdel.db() as session:
        campaign = Campaign(
            title_fa="سلام محله",
            title_en="Hello Neighbourhood",
            description_fa="کمک به خانواده‌های محله",
            description_en="Help for the neighbourhood",
            purpose="living",
            goal_rials=1_000_000_000,
            starts_at=hamdel.clock.now(),
            ends_at=hamdel.clock.now().replace(year=2027),
            status=status,
        )
        session.add(campaign)
        await session.flush()
        return campaign.id


async def test_one_campaign_card_everywhere(hamdel: Harness) -> None:
    """/campaigns and a broadcast's campaign button showed two different cards."""
    campaign_id = await _campaign(hamdel, status="active")
    user = hamdel.user()
    await user.send("/campaigns")
    listed = str((await user.next_message())["text"])
    assert listed.startswith("📣 سلام محله\nکمک به خانواده‌های محله\n")
    assert listed.endswith("\nپویش ۱ از ۱")
    await user.press_data(CampaignCallback(id=campaign_id).pack())  # the button under a broadcast
    from_broadcast = str((await user.next_message())["text"])
    assert listed == from_broadcast + "\nپویش ۱ از ۱"
    assert user.buttons()[0] == "💝 کمک به این پویش"


async def test_a_campaign_manager_edits_activates_pauses_and_closes(hamdel: Harness) -> None:
    campaign_id = await _campaign(hamdel)
    manager = hamdel.user(first_name="مدیر پویش")
    async with hamdel.db() as session:
        await grant(
            session,
            platform=hamdel.app.profile.platform.value,
            user_id=manager.id,
            role=Role.CAMPAIGN_MANAGER,
            granted_by=hamdel.admin.id,
        )
    await manager.send("/campaigns_admin")
    await manager.next_message()
    await manager.press("📝 پیش‌نویس · سلام محله")
    card = await hamdel.screen(manager)
    assert "📣 پویش شمارهٔ" in card and "منطقه: 🇮🇷 سراسری" in card
    # edit the end date: invalid, before the start, then good
    await manager.press("✏️ ویرایش")
    await manager.press("تاریخ پایان")
    await hamdel.settle()
    manager.skip_to_end()
    assert (await _answer(manager, "۱۴۰۵/۰۹/۰۱")) == "تاریخ پایان نمی‌تواند پیش از تاریخ شروع باشد."
    edited = await _answer(manager, "۱۴۰۵/۱۲/۲۹")
    assert edited.startswith("✅ تغییر ذخیره شد.") and "تا ۲۹ اسفند ۱۴۰۵" in edited
    # region: a province
    await manager.press("✏️ ویرایش")
    await manager.press("منطقه")
    await manager.press("تهران")
    await manager.press("کل استان")
    assert "منطقه: تهران" in await hamdel.screen(manager)
    await manager.press("▶️ فعال کردن")
    assert (await hamdel.screen(manager)).startswith("▶️ پویش فعال شد")
    # the same button again (a replay) changes nothing and says so
    answer = await manager.press_data(
        CampaignAdmin(action="activate", id=campaign_id).pack(), message=manager.last
    )
    assert answer.get("text") == "این پویش همین حالا فعال است."
    await manager.press("⏸ توقف موقت")
    assert (await hamdel.screen(manager)).startswith("⏸ پویش موقتاً متوقف شد")
    await manager.press("⏹ بستن پویش")
    assert "کمک تازه‌ای برای آن پذیرفته نمی‌شود و دوباره باز نمی‌شود" in await hamdel.screen(manager)
    await manager.press("⏹ بله، بسته شود")
    closed = await hamdel.screen(manager)
    assert closed.startswith("⏹ پویش بسته شد") and "⏹ بسته" in closed
    assert "✏️ ویرایش" not in manager.buttons() and "▶️ فعال کردن" not in manager.buttons()
    answer = await manager.press_data(
        CampaignAdmin(action="field", id=campaign_id, field="goal").pack(), message=manager.last
    )
    assert answer.get("text") == "این پویش بسته شده و دیگر تغییر نمی‌کند."
    answer = await manager.press_data(
        CampaignAdmin(action="edit", id=campaign_id).pack(), message=manager.last
    )
    assert answer.get("text") == "این پویش بسته شده و دیگر تغییر نمی‌کند."
    async with hamdel.db() as session:
        campaign = await session.get(Campaign, campaign_id)
        assert campaign is not None and campaign.status == "closed" and campaign.province_id == "23"
        actions = [
            e.action
            for e in await session.scalars(
                select(AuditEntry).where(AuditEntry.actor_id == manager.id).order_by(AuditEntry.id)
            )
        ]
    assert actions == [
        "campaign.edit",
        "campaign.edit",
        "campaign.activate",
        "campaign.pause",
        "campaign.close",
    ]


async def test_english_staff_see_english(hamdel: Harness) -> None:
    from services.users import get_user

    await _campaign(hamdel, status="active")
    admin = hamdel.admin
    await admin.send("/start")
    await admin.next_message()
    async with hamdel.db() as session:
        record = await get_user(session, platform=hamdel.app.profile.platform.value, user_id=admin.id)
        assert record is not None
        record.language = "en"
    hamdel.app.users.forget(admin.id)
    await admin.send("/campaigns_admin")
    assert (await admin.next_message())["text"].startswith("📣 Campaigns")
    await admin.press("🟢 Active · Hello Neighbourhood")
    card = await hamdel.screen(admin)
    assert "Campaign #" in card and "Region: 🇮🇷 Nationwide" in card and "Goal: 100,000,000 toman" in card


async def test_a_command_in_the_middle_of_a_flow_is_not_taken_as_an_answer(hamdel: Harness) -> None:
    """A command leaves the flow (issue: every command ends every flow); at its first step nothing
    was typed yet, so nothing is said about it, and the next text is no title."""
    admin = hamdel.admin
    await admin.send("/new_campaign")
    await admin.next_message()
    await admin.send("/stats")
    assert (await admin.next_message())["text"].startswith("📊 آمار همدل")
    assert "عنوان انگلیسی" not in await _answer(admin, "ضیافت همدلی")
    await admin.send("/cancel")
    assert (await admin.next_message())["text"] == "کاری در جریان نبود که لغو شود."
    async with hamdel.db() as session:
        assert await session.scalar(select(Campaign)) is None


async def test_the_region_step_takes_typed_names(hamdel: Harness) -> None:
    """As in every other flow's region picker: a town lands on its county, «خراسان» asks which
    of the three, a province opens its counties, and a name nobody knows is said so."""
    admin = hamdel.admin
    await admin.send("/new_campaign")
    await admin.next_message()
    for answer in ("یلدای مهربانی", "Yalda of Kindness", "شرح فارسی پویش", "English description"):
        await _answer(admin, answer)
    await admin.press("جهیزیه")
    assert "پویش برای کجاست" in await hamdel.screen(admin)
    assert "نشناختم" in await _answer(admin, "ژژژژ ژژژ")
    await admin.send("خراسان")
    await admin.wait_until(lambda u: "کدام یک" in u.last_text)
    assert {"خراسان رضوی", "خراسان شمالی", "خراسان جنوبی"} <= set(admin.buttons())
    await admin.send("فارس")
    await admin.wait_until(lambda u: "استان فارس: کل استان یا یک شهرستان" in u.last_text)
    assert "کل استان" in admin.buttons()
    admin.skip_to_end()
    assert "مبلغ هدف" in await _answer(admin, "مشهد")
    mashhad = regions.match_region("مشهد").county
    assert mashhad is not None
    data = await admin_state_draft(hamdel)
    assert (data["province_id"], data["county_id"]) == (mashhad.province_id, mashhad.id)


async def admin_state_draft(hamdel: Harness) -> dict[str, object]:
    from aiogram.fsm.storage.base import StorageKey

    key = StorageKey(bot_id=hamdel.app.bot.id, chat_id=hamdel.admin.id, user_id=hamdel.admin.id)
    draft = (await hamdel.app.dispatcher.storage.get_data(key))["draft"]
    return dict(draft)
