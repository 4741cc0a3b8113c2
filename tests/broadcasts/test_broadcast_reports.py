"""The broadcasts in the staff tools without the messenger: the /stats section computed from known
subscribers, broadcasts and outbox rows, the «subscribers» and «broadcasts» exports (CSV, Persian
and English, privacy, dates and limits) and the outbox backlog on /health (SQLite, and PostgreSQL
when TEST_DATABASE_URL is set). The data is described in `report_seed`."""

from __future__ import annotations

import csv
import io

from bot.i18n import get_i18n
from services import broadcast_reports, exports, health
from services.broadcast_reports import PeriodFigures
from services.stats import Periods
from tests.broadcasts.report_seed import NOW, seed_broadcast_reports
from tests.staff.staff_seed import database


def _fa(key: str, **args: object) -> str:
    return get_i18n().text("fa", key, **args)


def _en(key: str, **args: object) -> str:
    return get_i18n().text("en", key, **args)


def _csv(table: exports.ExportTable) -> tuple[bytes, list[list[str]]]:
    data = exports.to_csv(table)
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_statistics_from_known_broadcasts(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        await seed_broadcast_reports(session, "telegram")
        await session.commit()
        periods = Periods.at(NOW)
        figures = await broadcast_reports.broadcast_figures(session, periods)
        lines = await broadcast_reports.stats_section(session, periods)
    assert figures.periods == {
        "today": PeriodFigures(broadcasts=2, delivered=4, failed=1, blocked=1, unsubscribed=2, stopped=1, topic_off=1),
        "week": PeriodFigures(broadcasts=3, delivered=6, failed=2, blocked=1, unsubscribed=3, stopped=3, topic_off=1),
        "month": PeriodFigures(broadcasts=4, delivered=7, failed=2, blocked=1, unsubscribed=4, stopped=3, topic_off=2),
    }  # fmt: skip
    assert figures.subscribers == {
        "new_campaigns": 1,
        "campaign_updates": 3,
        "province_news": 3,
        "volunteer_calls": 1,
    }
    assert (figures.reachable, figures.stopped_all, figures.blocked) == (5, 2, 1)
    assert (figures.backlog, figures.in_progress, figures.scheduled) == (2, 1, 1)
    assert [_fa(line.key, **line.localized_args("fa")) for line in lines] == [
        "امروز: ۲ پیام همگانی — رسیده ۴، ناموفق ۱، مسدودکرده ۱؛ لغو اشتراک ۲ نفر",
        "این هفته: ۳ پیام همگانی — رسیده ۶، ناموفق ۲، مسدودکرده ۱؛ لغو اشتراک ۳ نفر",
        "این ماه: ۴ پیام همگانی — رسیده ۷، ناموفق ۲، مسدودکرده ۱؛ لغو اشتراک ۴ نفر",
        "لغو اشتراک این ماه: ۳ نفر همهٔ خبرها (/stop یا 🔕)، ۲ نفر یک موضوع",
        "مشترکان اکنون — پویش‌های تازه: ۱، پویش‌هایی که به آن‌ها کمک کرده‌اند: ۳، خبرهای استان: ۳، فراخوان داوطلبان: ۱",
        "در دسترس پیام‌های همگانی: ۵ نفر — همهٔ خبرها را لغو کرده: ۲، ربات را مسدود کرده: ۱",
        "صف ارسال: ۲ پیام در انتظار — در حال ارسال یا متوقف: ۱، زمان‌بندی‌شده: ۱",
    ]
    assert _en(lines[0].key, **lines[0].localized_args("en")) == (
        "Today — broadcasts: 2, delivered: 4, failed: 1, blocked: 1, unsubscribed: 2"
    )


async def test_no_broadcasts_no_figures_and_the_backlog_on_health(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        assert await broadcast_reports.stats_section(session, Periods.at(NOW)) == []
        await seed_broadcast_reports(session, "bale")
        await session.commit()
        readings = {
            reading.probe.name: reading.value
            for reading in await health.read_backlogs(session, broadcast_reports.STAFF_REPORTS.backlogs)
        }
    assert readings["outbox"] == 2  # u1 waiting and u2 in flight for the paused b5


SUBSCRIBER_HEADER = [
    "شمارهٔ کاربر",
    "پیام‌رسان",
    "زبان",
    "استان",
    "موضوع‌ها",
    "وضعیت",
    "لغو همهٔ خبرها",
    "عضو از",
    "آخرین تغییر تنظیمات",
]
DEFAULT_TOPICS = "خبر پویش‌هایی که به آن‌ها کمک کرده‌ام، خبرهای استان من"


async def test_subscribers_export_in_persian(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        seeded = await seed_broadcast_reports(session, "telegram")
        await session.commit()
        exporter = broadcast_reports.SUBSCRIBERS_EXPORT
        assert exporter is not None and exporter.roles == {"admin"}
        data, rows = _csv(await exports.run_export(session, exporter, exports.ExportRequest(text=_fa)))
        start, end = exports.parse_range("۱۴۰۵/۰۶/۱۲ تا ۱۴۰۵/۰۶/۱۳")
        joined = await exports.run_export(
            session, exporter, exports.ExportRequest(start=start, end=end, text=_fa)
        )
        limited = await exports.run_export(session, exporter, exports.ExportRequest(text=_fa, limit=3))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == SUBSCRIBER_HEADER
    ids = [str(seeded.users[f"u{n}"].id) for n in range(1, 9)]
    assert [row[0] for row in rows[1:]] == ids
    assert [row[1:] for row in rows[1:]] == [
        ["تلگرام", "فارسی", "", DEFAULT_TOPICS, "فعال", "", "1405/06/11 09:30", ""],
        ["تلگرام", "انگلیسی", "تهران", "پویش‌های تازه، خبر پویش‌هایی که به آن‌ها کمک کرده‌ام، فراخوان داوطلبان", "فعال", "", "1405/06/12 09:30", "1405/08/05 13:30"],
        ["تلگرام", "فارسی", "", "", "فعال", "1405/09/09 10:30", "1405/06/13 09:30", "1405/09/09 10:30"],
        ["تلگرام", "فارسی", "", "خبرهای استان من", "فعال", "", "1405/06/14 09:30", "1405/09/06 11:30"],
        ["تلگرام", "فارسی", "", DEFAULT_TOPICS, "ربات را مسدود کرده", "", "1405/06/15 09:30", ""],
        ["تلگرام", "فارسی", "", DEFAULT_TOPICS, "فعال", "", "1405/06/16 09:30", "1405/09/08 13:30"],
        ["تلگرام", "فارسی", "", "", "فعال", "", "1405/06/17 09:30", "1405/09/09 09:30"],
        ["تلگرام", "فارسی", "", "", "فعال", "1405/08/19 13:30", "1405/06/18 09:30", "1405/09/09 11:30"],
    ]  # fmt: skip
    # Only the bot's own number: never the messenger's user id (7001…) or chat id.
    assert b"7001" not in data and b"7008" not in data
    assert [row[0] for row in joined.rows] == [int(ids[1]), int(ids[2])]  # joined on 12 and 13 Shahrivar
    assert len(limited.rows) == 3 and limited.truncated


BROADCAST_HEADER = [
    "شناسه",
    "نوع",
    "نقش فرستنده",
    "گیرندگان",
    "وضعیت",
    "زمان ساخت",
    "زمان‌بندی",
    "آغاز ارسال",
    "پایان",
    "شمار گیرندگان",
    "رسیده",
    "ناموفق",
    "مسدودکرده",
    "کنارگذاشته (لغو اشتراک یا مسدود پیش از ارسال)",
    "لغوشده",
    "در انتظار",
    "لغو اشتراک با دکمهٔ زیر پیام",
]


async def test_broadcasts_export(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        seeded = await seed_broadcast_reports(session, "telegram")
        await session.commit()
        exporter = broadcast_reports.BROADCASTS_EXPORT
        assert exporter is not None and exporter.roles == {"admin"}
        data, rows = _csv(await exports.run_export(session, exporter, exports.ExportRequest(text=_fa)))
        start, end = exports.parse_range("۱۴۰۵/۰۹/۰۹ تا ۱۴۰۵/۰۹/۰۹")
        today = await exports.run_export(
            session, exporter, exports.ExportRequest(start=start, end=end, text=_fa)
        )
        english = await exports.run_export(
            session, exporter, exports.ExportRequest(text=_en, locale="en", start=start, end=end)
        )
        limited = await exports.run_export(session, exporter, exports.ExportRequest(text=_fa, limit=2))
    assert rows[0] == BROADCAST_HEADER
    b = {name: str(broadcast.id) for name, broadcast in seeded.broadcasts.items()}
    assert rows[1:] == [
        [b["b7"], "پیام کارکنان", "مدیر", "همهٔ کاربران", "تمام‌شده", "1405/08/08 13:30", "", "1405/08/08 13:30", "1405/08/08 13:30", "1", "1", "0", "0", "0", "0", "0", "0"],
        [b["b3"], "پیام کارکنان", "مدیر پویش", "مشترکان «پویش‌های تازه»", "لغوشده", "1405/09/02 13:30", "", "1405/09/02 13:30", "1405/09/02 13:35", "2", "1", "0", "0", "0", "1", "0", "0"],
        [b["b2"], "نیمهٔ راه پویش", "خودکار", "حامیان پویش «یلدای مهربانی»", "تمام‌شده", "1405/09/07 13:30", "", "1405/09/07 13:30", "1405/09/07 13:31", "3", "2", "1", "0", "0", "0", "0", "0"],
        [b["b1"], "پیام کارکنان", "مدیر", "همهٔ کاربران", "تمام‌شده", "1405/09/09 08:30", "", "1405/09/09 08:30", "1405/09/09 09:30", "5", "3", "1", "1", "0", "0", "0", "1"],
        [b["b4"], "پیام کارکنان", "مدیر", "کاربران انگلیسی‌زبان", "زمان‌بندی‌شده", "1405/09/09 11:00", "1405/09/14 18:00", "", "", "0", "0", "0", "0", "0", "0", "0", "0"],
        [b["b5"], "پیام کارکنان", "مدیر", "کاربران استان تهران", "متوقف", "1405/09/09 11:20", "", "1405/09/09 11:20", "", "3", "1", "0", "0", "0", "0", "2", "0"],
    ]  # fmt: skip
    assert b["b6"] not in [row[0] for row in rows]  # a draft is no broadcast yet
    assert b"9000001" not in data  # the author is shown by role only
    assert [str(row[0]) for row in today.rows] == [b["b1"], b["b4"], b["b5"]]
    assert english.headers[2] == "Sender's role"
    assert [list(row[1:5]) for row in english.rows] == [
        ["staff message", "administrator", "all users", "finished"],
        ["staff message", "administrator", "English-speaking users", "scheduled"],
        ["staff message", "administrator", "users in Tehran province", "paused"],
    ]
    assert len(limited.rows) == 2 and limited.truncated
