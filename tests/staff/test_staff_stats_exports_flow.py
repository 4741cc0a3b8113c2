"""/stats (message and chart photos) and /export (CSV and XLSX documents) through the messenger."""

from __future__ import annotations

import csv
import io

from PIL import Image
from sqlalchemy import select

from models import AuditEntry
from services.roles import Role
from tests.conftest import Harness
from tests.staff.staff_seed import seed_known


async def test_stats_message_and_charts(hamdel: Harness) -> None:
    async with hamdel.db() as session:
        await seed_known(session)
    admin = hamdel.admin
    await admin.send("/stats")
    text = (await admin.next_message())["text"]
    assert text.startswith("📊 آمار همدل — ۹ آذر ۱۴۰۵، ساعت ۱۱:۳۰")
    for line in (
        "امروز: ۱۵۰٬۰۰۰ تومان از ۲ کمک",
        "این هفته: ۳۵۰٬۰۰۰ تومان از ۳ کمک",
        "این ماه (آذر): ۶۵۰٬۰۰۰ تومان از ۴ کمک",
        "از آغاز: ۱٬۰۵۰٬۰۰۰ تومان از ۵ کمک",
        "نیکوکاران: ۳ نفر",
        "میانگین هر کمک: ۲۱۰٬۰۰۰ تومان — میانه: ۲۰۰٬۰۰۰ تومان",
        "• یلدای مهربانی: ۳۰۰٬۰۰۰ تومان (۲ کمک)، ۳٪ هدف",
        "• مسکن: ۴۰۰٬۰۰۰ تومان (۱ کمک)",
        "• فارس: ۴۵۰٬۰۰۰ تومان (۲ کمک)",
        "• سراسری: ۳۰۰٬۰۰۰ تومان (۱ کمک)",
    ):
        assert line in text, line
    await admin.press("📈 نمودار ۳۰ روز گذشته")
    await admin.wait_until(lambda u: "photo" in (u.last or {}))
    photo = admin.last
    assert photo is not None
    assert photo["caption"].startswith(
        "کمک‌های ۳۰ روز گذشته\nاز ۱۰ آبان ۱۴۰۵ تا ۹ آذر ۱۴۰۵ — مجموع ۱٬۰۵۰٬۰۰۰ تومان"
    )
    image = Image.open(io.BytesIO(admin.download(photo["photo"][-1]["file_id"])))
    assert image.format == "PNG" and image.size[0] > 800
    await admin.press("🗺 نمودار استان‌ها")
    await admin.wait_until(lambda u: (u.last or {}).get("caption", "").startswith("کمک‌ها به تفکیک استان"))


async def test_stats_with_no_donations(hamdel: Harness) -> None:
    operator = hamdel.operator
    await hamdel.grant(operator, Role.OPERATOR)
    await operator.send("/stats")
    assert "هنوز کمکی پرداخت نشده است." in (await operator.next_message())["text"]
    answer = await operator.press("📈 نمودار ۳۰ روز گذشته")
    assert answer["text"] == "برای این نمودار هنوز داده‌ای نیست؛ کمکی در این بازه پرداخت نشده است."
    assert answer["show_alert"] is True
    # an operator sees only the exports meant for operators (tickets, no donations)
    await operator.send("/export")
    assert (await operator.next_message())["text"] == "📁 از کدام داده خروجی می‌خواهید؟"
    assert operator.buttons() == ["درخواست‌ها و شکایت‌ها", "↩️ منوی کارکنان"]


async def test_export_donations_as_csv_and_xlsx(hamdel: Harness) -> None:
    async with hamdel.db() as session:
        await seed_known(session)
    admin = hamdel.admin
    await admin.send("/export")
    await admin.next_message()
    await admin.press("کمک‌های مالی")
    await admin.press("📅 بازهٔ دلخواه")
    await hamdel.settle()
    admin.skip_to_end()
    await admin.send("از اول آذر")
    assert (await admin.next_message())["text"].startswith("بازه را نفهمیدم")
    await admin.send("۱۴۰۵/۰۹/۳۱ تا ۱۴۰۵/۱۰/۰۱")
    assert (await admin.next_message())["text"].startswith("یکی از تاریخ‌ها در تقویم خورشیدی وجود ندارد")
    await admin.send("۱۴۰۵/۰۹/۰۸ تا ۱۴۰۵/۰۹/۰۱")
    assert (await admin.next_message())["text"] == "تاریخ پایان بازه پیش از تاریخ شروع است."
    await admin.send("۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۹")
    assert (await admin.next_message())["text"].startswith(
        "بازه: از ۱ آذر ۱۴۰۵ تا ۹ آذر ۱۴۰۵\nهمهٔ پویش‌ها یا یک پویش؟"
    )
    await admin.press("همهٔ پویش‌ها")
    await admin.press("CSV (اکسل و هر برنامهٔ جدول)")
    await admin.wait_until(lambda u: "document" in (u.last or {}))
    sent = admin.last
    assert sent is not None
    assert sent["caption"] == "📁 کمک‌های مالی — ۴ ردیف — از ۱ آذر ۱۴۰۵ تا ۹ آذر ۱۴۰۵"
    assert sent["document"]["file_name"].startswith("hamdel-donations-14050909") and sent["document"][
        "file_name"
    ].endswith(".csv")
    data = admin.download(sent["document"]["file_id"])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["شناسه", "شمارهٔ رسید", "زمان پرداخت", "مبلغ (تومان)"]
    assert [r[3] for r in rows[1:]] == ["300000", "200000", "50000", "100000"]
    assert "لبخند مهربانی" in {r[6] for r in rows[1:]}
    # one campaign, as XLSX
    await admin.send("/export")
    await admin.wait_until(lambda u: u.last_text == "📁 از کدام داده خروجی می‌خواهید؟")
    await admin.press("کمک‌های مالی")
    await admin.press("همه")
    await admin.press("لبخند مهربانی")
    await admin.press("XLSX (اکسل)")
    await admin.wait_until(
        lambda u: (u.last or {}).get("document", {}).get("file_name", "").endswith(".xlsx")
    )
    assert admin.last is not None and admin.last["caption"].startswith("📁 کمک‌های مالی — ۱ ردیف — همهٔ زمان‌ها")
    async with hamdel.db() as session:
        exports = list(
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "export.donations").order_by(AuditEntry.id)
            )
        )
    assert [(e.after or {}).get("rows") for e in exports] == [4, 1]
    assert (exports[1].after or {}).get("format") == "xlsx"


async def test_export_with_no_rows(hamdel: Harness) -> None:
    admin = hamdel.admin
    await admin.send("/export")
    await admin.next_message()
    await admin.press("کمک‌های مالی")
    await admin.press("این ماه")
    await admin.press("همهٔ پویش‌ها")
    await admin.press("CSV (اکسل و هر برنامهٔ جدول)")
    text = await hamdel.screen(admin)
    assert (
        text
        == "برای «کمک‌های مالی» در بازهٔ از ۱ آذر ۱۴۰۵ تا ۹ آذر ۱۴۰۵ ردیفی پیدا نشد. بازه یا پویش دیگری را امتحان کنید."
    )
    assert not any("document" in m for m in admin.messages)
