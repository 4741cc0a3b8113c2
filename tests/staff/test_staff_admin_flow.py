"""/admin, roles, the audit log and /health through the messenger."""

from __future__ import annotations

import logging

from sqlalchemy import select

from bot import lasterror
from handlers.admin import RoleAction
from models import AuditEntry, StaffRole
from services import health
from services.audit import record
from tests.conftest import ADMIN_ID, Harness


async def test_admin_menu_shows_what_the_role_allows(hamdel: Harness) -> None:
    await hamdel.admin.send("/admin")
    menu = await hamdel.admin.next_message()
    assert menu["text"].startswith("ابزارهای کارکنان همدل\nنقش شما: مدیر")
    assert hamdel.admin.buttons(menu) == [
        "📣 پویش‌ها",
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


async def test_grant_and_revoke_commands(hamdel: Harness) -> None:
    admin = hamdel.admin
    await admin.send("/grant")
    assert (await admin.next_message())["text"].startswith("شیوهٔ نوشتن: /grant شناسه نقش")
    await admin.send("/grant ۱۲۳۴۵ operator")
    assert (await admin.next_message())["text"] == "✅ نقش «کارشناس کارگروه» به کاربر ۱۲۳۴۵ داده شد."
    await admin.send(f"/revoke {ADMIN_ID} admin")
    assert (await admin.next_message())["text"] == "نمی‌توانید نقش مدیری را از خودتان بگیرید."
    await admin.send("/revoke 12345 admin")
    assert (await admin.next_message())["text"] == "کاربر ۱۲۳۴۵ نقش «مدیر» را ندارد."
    await admin.send("/revoke 12345 operator")
    assert (await admin.next_message())["text"] == "نقش «کارشناس کارگروه» از کاربر ۱۲۳۴۵ گرفته شد."


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
    assert "✅" in first and "ویرایش پویش (campaign:10)" in first and "goal_rials: 10 → 11" in first
    await admin.press("بعدی ›")
    second = await hamdel.screen(admin)
    assert "صفحهٔ ۲ از ۲" in second and "(campaign:0)" in second
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


async def test_health_reports_database_backlogs_and_the_last_error(hamdel: Harness) -> None:
    async def outbox(session: object) -> int:
        return 42

    async def broken(session: object) -> int:
        raise RuntimeError("queue table missing")

    health.register_backlog("test_outbox", "admin-menu-export", outbox)
    health.register_backlog("test_broken", "admin-menu-audit", broken)
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
    finally:
        health.unregister_backlog("test_outbox")
        health.unregister_backlog("test_broken")
        lasterror.install().clear()
