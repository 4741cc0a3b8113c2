"""The features in the staff tools through the messenger: /export of volunteers (admins only) and
tickets (operators too), the complaints section of /stats and the tickets backlog on /health."""

from __future__ import annotations

import pytest
from pydantic_settings import BaseSettings

from bot.settings import TicketSettings
from services.roles import Role
from tests.conftest import Harness
from tests.staff.glue_seed import ANONYMOUS_NAME, seed_tickets, seed_volunteers
from tests.staff.staff_seed import csv_rows, export_csv


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    return {"tickets": TicketSettings(sla_hours=12, check_seconds=3600)}


async def test_volunteers_export_is_for_admins_tickets_export_for_operators(hamdel: Harness) -> None:
    async with hamdel.db() as session:
        await seed_volunteers(session)
        made = await seed_tickets(session)
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    operator, admin = hamdel.operator, hamdel.admin
    await operator.send("/export")
    await operator.wait_until(lambda u: u.last_text == "📁 از کدام داده خروجی می‌خواهید؟")
    assert "درخواست‌ها و شکایت‌ها" in operator.buttons() and "داوطلبان" not in operator.buttons()
    # a forged press on the volunteers table is refused (and audited)
    answer = await operator.press_data("exp:ds:volunteers", operator.last)
    assert answer["show_alert"] is True
    caption, rows = await export_csv(operator, "درخواست‌ها و شکایت‌ها")
    assert caption.startswith("📁 درخواست‌ها و شکایت‌ها — ")
    assert rows[0][-1] == "نیکوکار" and len(rows) == 6  # no mobile column for an operator
    cells = "\n".join("\t".join(row) for row in rows)
    assert "0912" not in cells and ANONYMOUS_NAME not in cells
    assert [r[7] for r in rows if r[0] == made["t2"].number] == ["ناشناس"]

    await admin.send("/export")
    await admin.wait_until(lambda u: u.last_text == "📁 از کدام داده خروجی می‌خواهید؟")
    assert {"درخواست‌ها و شکایت‌ها", "داوطلبان"} <= set(admin.buttons())
    await admin.press("داوطلبان")
    await admin.press("همه")
    await admin.press("CSV (اکسل و هر برنامهٔ جدول)")
    await admin.wait_until(lambda u: "document" in (u.last or {}))
    sent = admin.last
    assert sent is not None and sent["caption"] == "📁 داوطلبان — ۲ ردیف — همهٔ زمان‌ها"
    assert sent["document"]["file_name"].startswith("hamdel-volunteers-")
    rows = csv_rows(admin.download(sent["document"]["file_id"]))
    assert rows[0][:4] == ["شناسه", "پیام‌رسان", "زمینه‌های همکاری", "حرفه"]
    assert rows[1][2:4] == ["سلامت، فرهنگی", "پزشک"] and rows[1][14] == "09121234567"
    _, admin_tickets = await export_csv(admin, "درخواست‌ها و شکایت‌ها")
    assert admin_tickets[0][-1] == "تلفن همراه"
    entries = await hamdel.audit("export.%")
    assert [(e.action, e.actor_id, e.allowed) for e in entries] == [
        ("export.volunteers", operator.id, False),
        ("export.tickets", operator.id, True),
        ("export.volunteers", admin.id, True),
        ("export.tickets", admin.id, True),
    ]


async def test_stats_and_health_show_the_tickets(hamdel: Harness) -> None:
    async with hamdel.db() as session:
        await seed_tickets(session)
    admin = hamdel.admin
    await admin.send("/stats")
    text = (await admin.next_message())["text"].replace("\u2068", "").replace("\u2069", "")
    section = text[text.index("📨 درخواست‌ها و شکایت‌ها") :]
    assert section.splitlines()[1:6] == [
        "همه: ۵ — ثبت‌شده: ۱، در حال رسیدگی: ۱، پاسخ‌داده: ۱، بسته: ۲",
        "ثبت‌شده در این ماه: ۴",
        "بی‌پاسخ بیش از ۱۲ ساعت: ۱",  # the configured SLA
        "میانهٔ زمان تا نخستین پاسخ: ۲ ساعت (از ۳ درخواست)",
        "میانهٔ زمان تا بسته شدن: ۱ روز و ۲ ساعت (از ۲ درخواست)",
    ]
    await admin.send("/health")
    report = (await admin.next_message())["text"].replace("\u2068", "").replace("\u2069", "")
    assert "• درخواست‌های باز: ۳" in report and "• درخواست‌های عقب‌افتاده: ۱" in report
