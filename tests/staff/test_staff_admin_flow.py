"""/admin, roles, the audit log and /health through the messenger."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot import lasterror
from handlers.admin import AdminMenu, RoleAction
from models import AuditEntry, StaffRole
from services import health
from services.audit import record
from services.roles import Role
from services.staff_reports import StaffReports
from tests.conftest import ADMIN_ID, Harness


async def test_admin_menu_shows_what_the_role_allows(hamdel: Harness) -> None:
    await hamdel.admin.send("/admin")
    menu = await hamdel.admin.next_message()
    assert menu["text"].startswith("ابزارهای کارکنان همدل\nنقش شما: مدیر")
    assert hamdel.admin.buttons(menu) == [
        "📣 پویش‌ها",
        "📢 پیام همگانی",
        "📥 ورود وضعیت پرونده‌ها",
        "📊 آمار",
        "📁 خروجی",
        "🧾 گزارش کارها",
        "👥 نقش‌ها",
        "🩺 وضعیت سامانه",
        "🖥 کنسول وب",
    ]
    await hamdel.admin.press("🩺 وضعیت سامانه")
    assert "🩺 وضعیت همدل" in await hamdel.screen(hamdel.admin)
    await hamdel.admin.press("↩️ منوی کارکنان")
    assert (await hamdel.screen(hamdel.admin)).startswith("ابزارهای کارکنان همدل")


async def test_broadcast_and_status_import_from_the_menu(hamdel: Harness) -> None:
    """Both were reachable only by typing /broadcast and /import_statuses."""
    admin = hamdel.admin
    await admin.send("/admin")
    await admin.next_message()
    await admin.press("📢 پیام همگانی")
    assert (await hamdel.screen(admin)).startswith("📣 پیام همگانی")
    await admin.press("✍️ پیام تازه")
    assert "متن فارسی" in await hamdel.screen(admin)
    await admin.press("✖️ انصراف")
    await hamdel.settle()
    admin.skip_to_end()
    await admin.send("/admin")
    await admin.next_message()
    await admin.press("📥 ورود وضعیت پرونده‌ها")
    assert (await hamdel.screen(admin)).startswith("📥 فایل CSV وضعیت پرونده‌ها را بفرستید")
    csv = "کد پیگیری,کد ملی,وضعیت,توضیح,تاریخ\nHM-2001,0012345679,در حال بررسی,,1404/07/28\n"
    await admin.send_document(filename="list.txt", data=csv.encode(), mime_type="text/plain")
    assert (await admin.next_message())["text"].startswith("📥 نتیجه ورود فایل «list.txt»")
    # A campaign manager sees the broadcast but not the import; a forged import button is refused.
    manager = hamdel.user(first_name="مدیر پویش")
    await hamdel.grant(manager, Role.CAMPAIGN_MANAGER)
    await manager.send("/admin")
    menu = await manager.next_message()
    assert "📢 پیام همگانی" in manager.buttons(menu) and "📥 ورود وضعیت پرونده‌ها" not in manager.buttons(menu)
    refused = await manager.press_data(AdminMenu(section="statuses").pack(), message=menu)
    assert refused["text"] == "این کار فقط برای کارکنان مجاز است."


async def test_grant_by_buttons_and_revoke(hamdel: Harness) -> None:
    admin = hamdel.admin
    person = hamdel.user(first_name="رضا")
    await person.send("/start")
    await person.next_message()
    await admin.send("/roles")
    roles_screen = await admin.next_message()
    assert "• ۹۰۰۰۰۱ — مدیر (از تنظیمات سامانه)" in roles_screen["text"]
    await admin.press("➕ دادن نقش")
    assert "شناسهٔ عددی کاربر" in (await admin.next_message())["text"]
    await admin.send("رضا")
    assert (await admin.next_message())["text"].startswith("این شناسهٔ کاربری معتبر نیست")
    await admin.send(str(person.id).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")))  # Persian digits
    pick = await admin.next_message()
    assert (
        pick["text"]
        == f"چه نقشی به کاربر {str(person.id).translate(str.maketrans('0123456789', '۰۱۲۳۴۵۶۷۸۹'))} داده شود؟"
    )
    await admin.press("مدیر پویش")
    assert (await hamdel.screen(admin)).startswith("✅ نقش «مدیر پویش» به کاربر")
    assert (await person.next_message())["text"].startswith("نقش «مدیر پویش» در همدل به شما داده شد")
    # pressing the same button again grants nothing twice
    again = await admin.press_data(
        RoleAction(action="pick", user_id=person.id, role="campaign_manager").pack(), message=pick
    )
    assert again is not None
    assert "از پیش نقش «مدیر پویش» را دارد" in await hamdel.screen(admin)
    await person.send("/admin")
    assert hamdel.app.i18n.text("fa", "admin-role-campaign-manager") in (await person.next_message())["text"]
    # revoke from the list, with confirmation
    await admin.press("↩️ فهرست نقش‌ها")
    await hamdel.screen(admin)
    await admin.press("✖️ گرفتن نقش مدیر پویش")
    assert "گرفته شود؟" in await hamdel.screen(admin)
    await admin.press("✅ بله، گرفته شود")
    assert "گرفته شد" in await hamdel.screen(admin)
    await person.send("/stats")
    assert (await person.next_message())["text"] == "این کار فقط برای کارکنان مجاز است."
    async with hamdel.db() as session:
        assert list(await session.scalars(select(StaffRole))) == []
        entries = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.actor_id == ADMIN_ID).order_by(AuditEntry.id)
            )
        )
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("role.grant", {"roles": []}, {"roles": ["campaign_manager"]}),
        ("role.revoke", {"roles": ["campaign_manager"]}, {"roles": []}),
    ]


def persian(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


async def test_grant_and_revoke_commands(hamdel: Harness) -> None:
    admin = hamdel.admin
    person = hamdel.user(first_name="رضا")
    await person.send("/start")
    await person.next_message()
    await admin.send("/grant")
    assert (await admin.next_message())["text"].startswith("شیوهٔ نوشتن: /grant شناسه نقش")
    await admin.send(f"/grant {persian(person.id)} operator")
    assert (await admin.next_message())[
        "text"
    ] == f"✅ نقش «کارشناس کارگروه» به کاربر {persian(person.id)} داده شد."
    await admin.send(f"/revoke {ADMIN_ID} admin")
    assert (await admin.next_message())["text"] == "نمی‌توانید نقش مدیری را از خودتان بگیرید."
    await admin.send(f"/revoke {person.id} admin")
    assert (await admin.next_message())["text"] == f"کاربر {persian(person.id)} نقش «مدیر» را ندارد."
    await admin.send(f"/revoke {person.id} operator")
    assert (await admin.next_message())[
        "text"
    ] == f"نقش «کارشناس کارگروه» از کاربر {persian(person.id)} گرفته شد."


async def test_grant_refuses_unknown_ids_and_confirms_admin(hamdel: Harness) -> None:
    """Defect 9: `/grant 999999 admin` gave a role to an id that never used the bot, silently."""
    admin = hamdel.admin
    await admin.send("/grant 999999 admin")
    refused = (await admin.next_message())["text"]
    assert refused.startswith("کاربر ۹۹۹۹۹۹ تا حالا از این ربات استفاده نکرده است؛ نقشی داده نشد")
    assert "/start" in refused and "/id" in refused
    # The same through the buttons: the typed id is refused at once, and another may be sent.
    await admin.send("/roles")
    await admin.next_message()
    await admin.press("➕ دادن نقش")
    await admin.next_message()
    await admin.send("۹۹۹۹۹۹")
    assert (await admin.next_message())["text"].startswith("کاربر ۹۹۹۹۹۹ تا حالا از این ربات")
    # A real person finds their own id and sends it.
    person = hamdel.user(first_name="رضا")
    await person.send("/start")
    await person.next_message()
    await person.send("/id")
    shown = (await person.next_message())["text"]
    assert f"شناسهٔ شما در این ربات: {persian(person.id)}" in shown
    await person.send("/language")
    assert f"شناسهٔ شما در این ربات: {persian(person.id)}" in (await person.next_message())["text"]
    await admin.send(persian(person.id))
    pick = await admin.next_message()
    assert pick["text"].startswith("چه نقشی به کاربر")
    await admin.press("مدیر", message=pick)
    question = await hamdel.screen(admin)
    assert question.startswith(f"کاربر {persian(person.id)} مدیر شود؟")
    assert admin.buttons() == ["بله", "خیر"]
    await admin.press("خیر")
    assert "نقش‌های کارکنان" in await hamdel.screen(admin)
    await admin.send(f"/grant {person.id} admin")
    assert (await admin.next_message())["text"].startswith(f"کاربر {persian(person.id)} مدیر شود؟")
    await admin.press("بله")
    assert (await hamdel.screen(admin)).startswith(f"✅ نقش «مدیر» به کاربر {persian(person.id)} داده شد.")
    assert (await person.next_message())["text"].startswith("نقش «مدیر» در همدل به شما داده شد")
    async with hamdel.db() as session:
        granted = [(r.user_id, r.role) for r in await session.scalars(select(StaffRole))]
        entries = list(await session.scalars(select(AuditEntry).where(AuditEntry.action.like("role.%"))))
    assert granted == [(person.id, "admin")]
    assert [(e.target, e.after) for e in entries] == [
        (f"user:{person.id}", {"roles": ["admin", "campaign_manager", "operator"]})
    ]


async def test_id_and_language_screen_in_english(hamdel: Harness) -> None:
    user = hamdel.user()
    await user.send("/language")
    await user.next_message()
    await user.press("English")
    await hamdel.screen(user)
    await user.send("/id")
    assert f"Your id in this bot: {user.id}" in (await user.next_message())["text"]


async def test_audit_log_is_paged_and_filtered_by_person(hamdel: Harness) -> None:
    platform = hamdel.app.profile.platform.value
    async with hamdel.db() as session:
        for number in range(11):
            await record(
                session,
                platform=platform,
                actor_id=111,
                action="campaign.edit",
                target=f"campaign:{number}",
                before={"goal_rials": number},
                after={"goal_rials": number + 1},
            )
        await record(session, platform=platform, actor_id=222, action="message:/stats", allowed=False)
    admin = hamdel.admin
    await admin.send("/audit")
    first = (await admin.next_message())["text"]
    assert first.startswith("🧾 گزارش کارهای کارکنان\nصفحهٔ ۱ از ۲ — ۱۲ مورد")
    assert "⛔" in first and "کاربر ۲۲۲: پیام «/stats»" in first
    assert "✅" in first and "ویرایش پویش (پویش ۱۰)" in first and "مبلغ هدف: " in first
    await admin.press("بعدی ›")
    second = await hamdel.screen(admin)
    assert "صفحهٔ ۲ از ۲" in second and "(پویش ۰)" in second
    await admin.press("🔎 کارهای یک نفر")
    await hamdel.settle()
    admin.skip_to_end()
    await admin.send("۲۲۲")
    only = (await admin.next_message())["text"]
    assert only.startswith("🧾 گزارش کارهای کاربر ۲۲۲\nصفحهٔ ۱ از ۱ — ۱ مورد")
    await admin.send("/audit ۱۱۱")
    assert "— ۱۱ مورد" in (await admin.next_message())["text"]
    await admin.send("/audit کسی")
    assert (await admin.next_message())["text"] == "شناسه باید عدد باشد، مثلاً ۱۲۳۴۵۶۷۸."


async def _seed_audit(hamdel: Harness) -> None:
    """Entries as the features record them (the actions and fields of the issue's screenshot)."""
    platform = hamdel.app.profile.platform.value
    async with hamdel.db() as session:
        await record(
            session,
            platform=platform,
            actor_id=0,
            action="role.grant",
            target="user:12345",
            before={"roles": []},
            after={"roles": ["admin", "campaign_manager", "operator"]},
            note="command line (root@vm)",
        )
        await record(
            session,
            platform=platform,
            actor_id=ADMIN_ID,
            action="broadcast.schedule",
            target="broadcast:7",
            after={"segment": "all:", "recipients": 1200, "scheduled_at": "2026-12-02T17:21:00+00:00"},
        )
        await record(
            session,
            platform=platform,
            actor_id=ADMIN_ID,
            action="broadcast.send",
            target="broadcast:8",
            after={"segment": "all:", "recipients": 3, "scheduled_at": None},
        )
        await record(session, platform=platform, actor_id=ADMIN_ID, action="faq-answer", target="faq_query:3")
        await record(
            session,
            platform=platform,
            actor_id=ADMIN_ID,
            action="campaign.edit",
            target="campaign:2",
            before={"goal_rials": 10_000_000, "ends_at": "2026-12-20T20:30:00+00:00"},
            after={"goal_rials": 20_000_000, "ends_at": "2027-01-19T20:30:00+00:00"},
        )
        await record(
            session,
            platform=platform,
            actor_id=ADMIN_ID,
            action="export.donations",
            after={"rows": 2, "format": "csv", "start": None, "end": None, "campaign_id": None},
        )


async def test_audit_screen_speaks_persian_and_english(hamdel: Harness) -> None:
    """/audit showed `broadcast.schedule`, `faq-answer`, `roles: [] → ['admin']`, ISO dates,
    `None`, «؛» in English and `command line (root@vm)`."""
    await _seed_audit(hamdel)
    admin = hamdel.admin
    await admin.send("/audit")
    fa = (await admin.next_message())["text"]
    for label in (
        "خط فرمان: دادن نقش (کاربر ۱۲۳۴۵)",
        "نقش‌ها: — → مدیر، مدیر پویش، کارشناس کارگروه",
        "زمان‌بندی پیام همگانی (پیام همگانی ۷)",
        "زمان ارسال: ۱۱ آذر ۱۴۰۵، ساعت ۲۰:۵۱",
        "شمار گیرندگان: ۱٬۲۰۰",
        "مخاطبان: همهٔ کاربران",
        "زمان ارسال: —",
        "پاسخ به پرسش کاربر (پرسش ۳)",
        "مبلغ هدف: ۱٬۰۰۰٬۰۰۰ تومان → ۲٬۰۰۰٬۰۰۰ تومان",
        "پایان: ۳۰ آذر ۱۴۰۵، ساعت ۰۰:۰۰ → ۳۰ دی ۱۴۰۵، ساعت ۰۰:۰۰",
        "خروجی «کمک‌های مالی»",
    ):
        assert label in fa, (label, fa)
    await admin.send("/language")
    await admin.next_message()
    await admin.press("English")
    await hamdel.screen(admin)
    await admin.send("/audit")
    en = (await admin.next_message())["text"]
    for label in (
        "command line: role granted (user 12345)",
        "roles: — → administrator, campaign manager, working-group operator",
        "broadcast scheduled (broadcast 7)",
        "sending time: 11 Azar 1405, 20:51",
        "sending time: —",
        "question answered (question 3)",
        "goal: 1,000,000 toman → 2,000,000 toman",
    ):
        assert label in en, (label, en)
    for text in (fa, en):
        for raw in (
            "broadcast.",
            "faq-answer",
            "roles: [",
            "scheduled_at",
            "None",
            "2026-",
            "root@",
            "['",
            "_id",
            "all:",
        ):
            assert raw not in text, (raw, text)
    assert "؛" not in en and not any("۰" <= ch <= "۹" for ch in en)


async def test_health_reports_database_backlogs_and_the_last_error(hamdel: Harness) -> None:
    async def outbox(session: object) -> int:
        return 42

    async def broken(session: object) -> int:
        raise RuntimeError("queue table missing")

    declared = StaffReports(
        backlogs=(
            health.BacklogProbe("test_outbox", "admin-menu-export", outbox),
            health.BacklogProbe("test_broken", "admin-menu-audit", broken),
        )
    )
    declared_by_features = hamdel.app.reports
    hamdel.app.reports = declared_by_features + declared
    lasterror.install().clear()
    try:
        await hamdel.admin.send("/health")
        report = (await hamdel.admin.next_message())["text"]
        assert report.startswith("🩺 وضعیت همدل\nنسخه: ")
        platform = "تلگرام" if hamdel.app.profile.platform.value == "telegram" else "بله"
        assert f"پیام‌رسان: {platform} — دریافت پیوسته (polling)" in report
        assert "پایگاه داده: ✅ در دسترس (" + hamdel.app.engine.dialect.name in report
        assert "• 📁 خروجی: ۴۲" in report and "• 🧾 گزارش کارها: ❌ خوانده نشد" in report
        assert "آخرین خطا: خطایی از زمان راه‌اندازی ثبت نشده ✅" in report
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("hamdel.test").exception("payment callback failed for order 7")
        await hamdel.admin.send("/health")
        report = (await hamdel.admin.next_message())["text"]
        assert "hamdel.test: ValueError: payment callback failed for order 7" in report
        # The features declare their own backlogs too (the outbox, open tickets).
        assert "• پیام‌های همگانی در صف ارسال: " in report and "• درخواست‌های باز: " in report
    finally:
        hamdel.app.reports = declared_by_features
        lasterror.install().clear()
