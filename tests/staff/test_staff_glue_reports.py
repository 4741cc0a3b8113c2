"""The features in the staff tools without the messenger: the tickets and volunteers exporters
(CSV with BOM, Persian headers and rows, what each role may see) and the complaints section of
/stats against known tickets (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.i18n import get_i18n
from services import exports, health, tickets, volunteers
from services import stats as stats_service
from services.clock import FrozenClock
from tests.staff.glue_seed import (
    ANONYMOUS_MOBILE,
    ANONYMOUS_NAME,
    NOW,
    seed_tickets,
    seed_volunteers,
)
from tests.staff.staff_seed import database


def _fa(key: str, **args: object) -> str:
    return get_i18n().text("fa", key, **args)


def _csv(table: exports.ExportTable) -> tuple[bytes, list[list[str]]]:
    data = exports.to_csv(table)
    return data, list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


TICKET_HEADER = [
    "شمارهٔ درخواست",
    "موضوع",
    "وضعیت",
    "زمان ثبت",
    "نخستین پاسخ",
    "زمان بستن",
    "امتیاز نیکوکار",
    "نیکوکار",
]


async def test_tickets_export_for_an_operator(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        made = await seed_tickets(session)
        await session.commit()
        exporter = tickets.TICKETS_EXPORT
        assert exporter is not None and exporter.roles == {"admin", "operator"}
        request = exports.ExportRequest(text=_fa, roles=frozenset({"operator"}))
        data, rows = _csv(await exports.run_export(session, exporter, request))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0] == TICKET_HEADER  # no mobile column for operators
    n = {key: record.number for key, record in made.items()}
    assert rows[1:] == [
        [n["t5"], "سایر موارد", "بسته", "1405/08/29 11:30", "", "1405/09/01 11:30", "", "علی"],
        [n["t2"], "رفتار کارکنان", "پاسخ داده شد", "1405/09/08 05:30", "1405/09/08 09:30", "", "4", "ناشناس"],
        [n["t3"], "مشکل فنی", "ثبت‌شده", "1405/09/08 09:30", "", "", "", "رضا کریمی"],
        # the first answer is the first staff message (+2 h), not the later «answered» (+3 h)
        [n["t1"], "پرداخت یا رسید", "بسته", "1405/09/09 01:30", "1405/09/09 03:30", "1405/09/09 06:30", "5", "مریم احمدی"],
        [n["t4"], "روند جهیزیه", "در حال رسیدگی", "1405/09/09 10:30", "1405/09/09 11:00", "", "", "نرگس"],
    ]  # fmt: skip
    assert b"0912" not in data and ANONYMOUS_NAME.encode() not in data


async def test_tickets_export_for_an_admin_never_reveals_anonymous_donors(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        made = await seed_tickets(session)
        await session.commit()
        exporter = tickets.TICKETS_EXPORT
        assert exporter is not None
        request = exports.ExportRequest(text=_fa, roles=frozenset({"admin"}))
        data, rows = _csv(await exports.run_export(session, exporter, request))
        start, end = exports.parse_range("۱۴۰۵/۰۹/۰۹ تا ۱۴۰۵/۰۹/۰۹")
        today = await exports.run_export(
            session,
            exporter,
            exports.ExportRequest(start=start, end=end, text=_fa, roles=frozenset({"admin"})),
        )
    assert rows[0] == [*TICKET_HEADER, "تلفن همراه"]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[made["t1"].number][7:] == ["مریم احمدی", "09121111111"]
    assert by_number[made["t2"].number][7:] == ["ناشناس", ""]
    assert ANONYMOUS_MOBILE.encode() not in data and ANONYMOUS_NAME.encode() not in data
    # filed on 9 Azar (Tehran): t1 and t4
    assert [row[0] for row in today.rows] == [made["t1"].number, made["t4"].number]


async def test_volunteers_export_in_persian(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        await seed_volunteers(session)
        await session.commit()
        exporter = volunteers.VOLUNTEERS_EXPORT
        assert exporter is not None and exporter.roles == {"admin"}  # it holds mobile numbers
        data, rows = _csv(await exports.run_export(session, exporter, exports.ExportRequest(text=_fa)))
        start, end = exports.parse_range("۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۳۰")
        azar = await exports.run_export(
            session, exporter, exports.ExportRequest(start=start, end=end, text=_fa)
        )
        limited = await exports.run_export(session, exporter, exports.ExportRequest(text=_fa, limit=1))
    assert data.startswith(b"\xef\xbb\xbf")
    assert rows[0][:6] == [
        "شناسه",
        "پیام‌رسان",
        "زمینه‌های همکاری",
        "حرفه",
        "حرفه (نوشتهٔ خود داوطلب)",
        "مهارت‌ها",
    ]
    assert rows[0][10:16] == [
        "روزهای کاری",
        "عصرها",
        "آخر هفته",
        "شرایط اضطراری",
        "تلفن همراه",
        "شماره از مخاطب خود داوطلب",
    ]
    assert rows[0][-3:] == ["زمان رضایت", "زمان ثبت‌نام", "آخرین ویرایش"]
    tehran, isfahan = rows[1], rows[2]
    assert tehran[1:6] == ["تلگرام", "سلامت، فرهنگی", "پزشک", "", "'=کمک‌های اولیه"]
    assert tehran[7] == "تهران" and tehran[9] == "شمیرانات"
    assert tehran[10:16] == ["خیر", "بله", "خیر", "بله", "09121234567", "بله"]
    assert tehran[-2] == "1405/09/09 09:30"  # signed up at 06:00 UTC on 9 Azar
    assert isfahan[1:5] == ["بله", "عمرانی", "سایر", "کارشناس تغذیه"]
    assert isfahan[7] == "اصفهان" and isfahan[12] == "بله" and isfahan[15] == "خیر"
    assert isfahan[-2] == "1405/08/19 09:30"
    assert [row[0] for row in azar.rows] == [int(tehran[0])]
    assert len(limited.rows) == 1 and limited.truncated


async def test_complaints_statistics_from_known_tickets(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        await seed_tickets(session)
        await session.commit()
        periods = stats_service.Periods.at(NOW)
        figures = await tickets.ticket_figures(session, now=NOW, month_start=periods.month, sla_hours=24)
        lines = await tickets.stats_section(24)(session, periods)
        stricter = await tickets.ticket_figures(session, now=NOW, month_start=periods.month, sla_hours=0.25)
        empty_now = await tickets.stats_section(24)(
            session, stats_service.Periods.at(datetime(2020, 1, 1, tzinfo=UTC))
        )
    assert figures.by_status == {"new": 1, "in_progress": 1, "answered": 1, "closed": 2}
    assert figures.filed_this_month == 4 and figures.overdue == 1
    assert sorted(figures.first_answer_seconds) == [1800, 7200, 14400]
    assert sorted(figures.close_seconds) == [5 * 3600, 48 * 3600]
    assert stricter.overdue == 2  # t4 has waited 20 minutes
    assert empty_now  # figures are for all tickets; only "this month" depends on the date
    for locale, expected in (
        (
            "fa",
            [
                "همه: ۵ — ثبت‌شده: ۱، در حال رسیدگی: ۱، پاسخ‌داده: ۱، بسته: ۲",
                "ثبت‌شده در این ماه: ۴",
                "بی‌پاسخ بیش از ۲۴ ساعت: ۱",
                "میانهٔ زمان تا نخستین پاسخ: ۲ ساعت (از ۳ درخواست)",
                "میانهٔ زمان تا بسته شدن: ۱ روز و ۲ ساعت (از ۲ درخواست)",
            ],
        ),
        (
            "en",
            [
                "All: 5 — filed: 1, in progress: 1, answered: 1, closed: 2",
                "Filed this month: 4",
                "Waiting more than 24 hours: 1",
                "Median time to first answer: 2 h (of 3 tickets)",
                "Median time to close: 1 d 2 h (of 2 tickets)",
            ],
        ),
    ):
        rendered = [get_i18n().text(locale, line.key, **line.localized_args(locale)) for line in lines]
        assert [text.replace("\u2068", "").replace("\u2069", "") for text in rendered] == expected


async def test_no_tickets_no_figures_and_backlogs(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        assert await tickets.stats_section(24)(session, stats_service.Periods.at(NOW)) == []
        await seed_tickets(session)
        await session.commit()
        probes = tickets.staff_reports(24, FrozenClock(NOW)).backlogs
        readings = {r.probe.name: r.value for r in await health.read_backlogs(session, probes)}
        assert readings["tickets_open"] == 3 and readings["tickets_overdue"] == 1
        probes = tickets.staff_reports(0.25, FrozenClock(NOW)).backlogs
        readings = {r.probe.name: r.value for r in await health.read_backlogs(session, probes)}
        assert readings["tickets_overdue"] == 2
    names = {section.name for section in tickets.staff_reports().sections}
    assert names == {"complaints"}
