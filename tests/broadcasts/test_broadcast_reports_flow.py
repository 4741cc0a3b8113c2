"""The broadcasts in the staff tools through the messenger, in both flavors: the «📣 پیام‌های
همگانی» section of an admin's /stats, the «subscribers» and «broadcasts» exports (admins only)
and the outbox backlog on /health. The data is described in `report_seed`."""

from __future__ import annotations

import pytest
from pydantic_settings import BaseSettings

from bot.settings import BroadcastSettings
from services.roles import Role
from tests.broadcasts.report_seed import seed_broadcast_reports
from tests.conftest import Harness
from tests.staff.staff_seed import export_csv


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    # No campaign notices while the test reads the figures (the seeded campaign is active).
    return {"broadcast": BroadcastSettings(scanner_interval=3600)}


def _plain(text: str) -> str:
    return text.replace("\u2068", "").replace("\u2069", "")


async def test_an_admins_stats_show_the_broadcasts(hamdel: Harness) -> None:
    async with hamdel.db() as session:
        await seed_broadcast_reports(session, hamdel.app.profile.platform.value)
    admin = hamdel.admin
    await admin.send("/stats")
    text = _plain((await admin.next_message())["text"])
    section = text[text.index("📣 پیام‌های همگانی") :].split("\n\n")[0]
    assert section.splitlines()[1:] == [
        "امروز: ۲ پیام همگانی — رسیده ۴، ناموفق ۱، مسدودکرده ۱؛ لغو اشتراک ۲ نفر",
        "این هفته: ۳ پیام همگانی — رسیده ۶، ناموفق ۲، مسدودکرده ۱؛ لغو اشتراک ۳ نفر",
        "این ماه: ۴ پیام همگانی — رسیده ۷، ناموفق ۲، مسدودکرده ۱؛ لغو اشتراک ۴ نفر",
        "لغو اشتراک این ماه: ۳ نفر همهٔ خبرها (/stop یا 🔕)، ۲ نفر یک موضوع",
        # the admin, who has used the bot now, has the default topics too
        "مشترکان اکنون — پویش‌های تازه: ۱، پویش‌هایی که به آن‌ها کمک کرده‌اند: ۴، خبرهای استان: ۴، فراخوان داوطلبان: ۱",
        "در دسترس پیام‌های همگانی: ۶ نفر — همهٔ خبرها را لغو کرده: ۲، ربات را مسدود کرده: ۱",
        "صف ارسال: ۲ پیام در انتظار — در حال ارسال یا متوقف: ۱، زمان‌بندی‌شده: ۱",
    ]
    await admin.send("/health")
    report = _plain((await admin.next_message())["text"])
    assert "• پیام‌های همگانی در صف ارسال: ۲" in report


async def test_subscribers_and_broadcasts_exports_are_for_admins(hamdel: Harness) -> None:
    manager = hamdel.user(first_name="مدیر پویش")
    async with hamdel.db() as session:
        seeded = await seed_broadcast_reports(session, hamdel.app.profile.platform.value)
    await hamdel.grant(manager, Role.CAMPAIGN_MANAGER)
    await manager.send("/export")
    await manager.wait_until(lambda u: u.last_text == "📁 از کدام داده خروجی می‌خواهید؟")
    assert "مشترکان خبرها" not in manager.buttons() and "پیام‌های همگانی" not in manager.buttons()
    answer = await manager.press_data("exp:ds:subscribers", manager.last)  # a forged press
    assert answer["show_alert"] is True

    admin = hamdel.admin
    caption, rows = await export_csv(admin, "مشترکان خبرها")
    # the seeded eight, the campaign manager and the admin, who have talked to the bot
    assert caption == "📁 مشترکان خبرها — ۱۰ ردیف — همهٔ زمان‌ها"
    assert rows[0][:6] == ["شمارهٔ کاربر", "پیام‌رسان", "زبان", "استان", "موضوع‌ها", "وضعیت"]
    by_user = {row[0]: row for row in rows[1:]}
    platform = "تلگرام" if hamdel.app.profile.platform.value == "telegram" else "بله"
    stopped = by_user[str(seeded.users["u3"].id)]
    assert stopped[1:7] == [platform, "فارسی", "", "", "فعال", "1405/09/09 10:30"]
    assert by_user[str(seeded.users["u5"].id)][5] == "ربات را مسدود کرده"
    assert all(str(person) not in str(rows) for person in (admin.id, manager.id, 7001))  # no messenger ids

    caption, rows = await export_csv(admin, "پیام‌های همگانی")
    assert caption == "📁 پیام‌های همگانی — ۶ ردیف — همهٔ زمان‌ها"
    assert [row[2] for row in rows[1:]] == ["مدیر", "مدیر پویش", "خودکار", "مدیر", "مدیر", "مدیر"]
    assert rows[4][9:] == ["5", "3", "1", "1", "0", "0", "0", "1"]  # b1: to everyone, today
    entries = await hamdel.audit("export.%")
    assert [(e.action, e.actor_id, e.allowed) for e in entries] == [
        ("export.subscribers", manager.id, False),
        ("export.subscribers", admin.id, True),
        ("export.broadcasts", admin.id, True),
    ]
