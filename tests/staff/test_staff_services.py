"""Campaign validation, exports (CSV/XLSX and the registry) and chart images, without the messenger."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

import jdatetime
import pytest
from matplotlib import font_manager, ft2font
from PIL import Image
from sqlalchemy import select

import handlers
from bot.settings import load_settings
from bot.ui import staff_reports_of
from models import AuditEntry, Campaign
from services import campaign_admin as svc
from services import charts, exports
from services.campaign_admin import CampaignDraft, CampaignInputError, CampaignStateError
from services.clock import FrozenClock
from services.staff_reports import StaffReports
from services.stats import DayTotal
from tests.staff.staff_seed import NOW, database, seed_known

# --- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("۱۴۰۵/۰۹/۱۵", (1405, 9, 15)),
        ("1405-9-5", (1405, 9, 5)),
        ("١٤٠٥.١٢.٢٩", (1405, 12, 29)),
        ("۱۰ آذر ۱۴۰۵", (1405, 9, 10)),
        ("10 Azar 1405", (1405, 9, 10)),
        ("۱ اردیبهشت ۱۴۰۶", (1406, 2, 1)),
    ],
)
def test_jalali_dates_in_every_form(typed: str, expected: tuple[int, int, int]) -> None:
    day = svc.parse_jalali_date(typed)
    assert (day.year, day.month, day.day) == expected


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("فردا", "campadm-error-date-format"),
        ("1405/13/01", "campadm-error-date-invalid"),
        ("۱۴۰۵/۱۲/۳۱", "campadm-error-date-invalid"),  # 1405 is not a leap year
        ("1405/07/31", "campadm-error-date-invalid"),  # Mehr has 30 days
        ("2026/11/30", "campadm-error-date-year"),
        ("", "campadm-error-date-format"),
    ],
)
def test_invalid_dates_have_their_own_message(typed: str, key: str) -> None:
    with pytest.raises(CampaignInputError) as error:
        svc.parse_jalali_date(typed)
    assert error.value.key == key


@pytest.mark.parametrize(
    ("typed", "rials"),
    [
        ("۵۰۰ میلیون", 5_000_000_000),
        ("2,000,000", 20_000_000),
        ("۱٫۵ میلیارد تومان", 15_000_000_000),
        ("1000", 10_000),
        ("پانصد میلیون تومان", 5_000_000_000),  # words: the one amount reader (issue 13)
        ("2.5 billion", 25_000_000_000),
    ],
)
def test_goals(typed: str, rials: int) -> None:
    assert svc.parse_goal(typed) == rials


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("0", "campadm-error-goal-zero"),
        ("۰", "campadm-error-goal-zero"),
        ("-5000", "campadm-error-goal-zero"),
        ("پانصد دلار", "campadm-error-goal-invalid"),  # «پانصد» alone is now read as 500
        ("hello", "campadm-error-goal-invalid"),
        ("10000000000000000", "campadm-error-goal-large"),
    ],
)
def test_bad_goals(typed: str, key: str) -> None:
    with pytest.raises(CampaignInputError) as error:
        svc.parse_goal(typed)
    assert error.value.key == key


def test_dates_order_and_past() -> None:
    today = jdatetime.date(1405, 9, 9)
    svc.check_dates(jdatetime.date(1405, 9, 9), jdatetime.date(1405, 9, 9), today)  # a one-day campaign
    with pytest.raises(CampaignInputError, match="end-before-start"):
        svc.check_dates(jdatetime.date(1405, 9, 20), jdatetime.date(1405, 9, 10), today)
    with pytest.raises(CampaignInputError, match="end-past"):
        svc.check_dates(jdatetime.date(1405, 8, 1), jdatetime.date(1405, 9, 8), today)


def test_day_bounds_are_tehran_days() -> None:
    day = jdatetime.date(1405, 9, 10)  # 2026-12-01
    assert svc.day_start(day) == datetime(2026, 11, 30, 20, 30, tzinfo=UTC)
    assert svc.day_end(day) == datetime(2026, 12, 1, 20, 29, 59, tzinfo=UTC)


def test_titles_and_regions() -> None:
    assert svc.parse_title("  يلداي   مهرباني ") == "یلدای مهربانی"  # Arabic letter forms normalised
    with pytest.raises(CampaignInputError, match="title-short"):
        svc.parse_title("ab")
    with pytest.raises(CampaignInputError, match="description-long"):
        svc.parse_description("x" * 2000)
    assert svc.check_region(None, None) == ("national", None, None)
    assert svc.check_region("07", None) == ("province", "07", None)
    assert svc.check_region("07", "0701")[0] == "county"
    with pytest.raises(CampaignInputError):
        svc.check_region("99", None)
    with pytest.raises(CampaignInputError):
        svc.check_region("07", "2301")  # a Tehran county is not in Fars


def _draft() -> CampaignDraft:
    return CampaignDraft(
        title_fa="سلام محله",
        title_en="Hello Neighbourhood",
        description_fa="کمک به خانواده‌های محله",
        description_en="Help for the neighbourhood's families",
        purpose="living",
        province_id="07",
        goal_rials=svc.parse_goal("۲۰ میلیون"),
        starts="1405/09/09",
        ends="1405/10/30",
    )


async def test_campaign_life_is_audited(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        campaign = await svc.create_campaign(session, _draft(), platform="telegram", actor_id=7, now=NOW)
        assert campaign.status == "draft" and campaign.scope == "province"
        assert campaign.ends_at == datetime(2027, 1, 20, 20, 29, 59, tzinfo=UTC)  # 30 Dey 23:59:59 Tehran
        await svc.change_status(session, campaign.id, "activate", platform="telegram", actor_id=7, now=NOW)
        with pytest.raises(CampaignStateError, match="already-active"):
            await svc.change_status(
                session, campaign.id, "activate", platform="telegram", actor_id=7, now=NOW
            )
        assert await svc.update_field(
            session, campaign, "goal", 10_000_000, platform="telegram", actor_id=8, now=NOW
        )
        assert not await svc.update_field(
            session, campaign, "goal", 10_000_000, platform="telegram", actor_id=8, now=NOW
        )
        with pytest.raises(CampaignInputError, match="end-before-start"):
            await svc.update_field(
                session,
                campaign,
                "ends",
                jdatetime.date(1405, 9, 1),
                platform="telegram",
                actor_id=8,
                now=NOW,
            )
        await svc.change_status(session, campaign.id, "close", platform="telegram", actor_id=7, now=NOW)
        with pytest.raises(CampaignStateError, match="closed"):
            await svc.change_status(
                session, campaign.id, "activate", platform="telegram", actor_id=7, now=NOW
            )
        with pytest.raises(CampaignStateError, match="closed"):
            await svc.update_field(
                session, campaign, "title_fa", "تازه", platform="telegram", actor_id=8, now=NOW
            )
        await session.commit()
        entries = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [e.action for e in entries] == [
        "campaign.create",
        "campaign.activate",
        "campaign.edit",
        "campaign.close",
    ]
    edit = entries[2]
    assert edit.actor_id == 8 and edit.target == f"campaign:{campaign.id}"
    assert edit.before == {"goal_rials": 200_000_000} and edit.after == {"goal_rials": 10_000_000}
    assert entries[3].before == {"status": "active"} and entries[3].after == {"status": "closed"}


async def test_an_ended_campaign_cannot_be_activated(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        campaign = await svc.create_campaign(session, _draft(), platform="bale", actor_id=7, now=NOW)
        later = datetime(2027, 2, 1, tzinfo=UTC)
        with pytest.raises(CampaignStateError, match="activate-ended"):
            await svc.change_status(session, campaign.id, "activate", platform="bale", actor_id=7, now=later)
        assert (await session.get(Campaign, campaign.id)).status == "draft"  # type: ignore[union-attr]


# --- exports ------------------------------------------------------------------------------------------


def _fa_text(key: str, **args: object) -> str:
    from bot.i18n import get_i18n

    return get_i18n().text("fa", key, **args)


async def test_donations_csv_has_bom_persian_header_and_rows(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        ids = await seed_known(session)
        await session.commit()
        exporter = exports.DONATIONS_EXPORT
        request = exports.ExportRequest(locale="fa", text=_fa_text)
        table = await exports.run_export(session, exporter, request)
        only_b = await exports.run_export(
            session, exporter, exports.ExportRequest(campaign_id=int(ids["b"]), text=_fa_text)
        )
        start, end = exports.parse_range("۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۸")
        in_range = await exports.run_export(
            session, exporter, exports.ExportRequest(start=start, end=end, text=_fa_text)
        )
    data = exports.to_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["شناسه", "شمارهٔ رسید", "زمان پرداخت", "مبلغ (تومان)"]
    assert len(rows) == 6  # header and the five paid gifts; pending and failed are not exported
    first = rows[1]
    assert first[2] == "1405/08/30 22:30"  # d5, Jalali in Tehran time
    assert first[3] == "400000" and first[7] == "مسکن" and first[8] == "فارس"
    assert first[13] == "پرداخت‌شده"
    assert {r[6] for r in rows[1:]} == {"", "یلدای مهربانی", "لبخند مهربانی"}
    assert [r[3] for r in rows[1:]] == ["400000", "300000", "200000", "50000", "100000"]
    assert len(only_b.rows) == 1 and only_b.rows[0][3] == 300_000
    assert [r[3] for r in in_range.rows] == [300_000, 200_000]  # 6 and 8 Azar; 9 Azar is outside


async def test_xlsx_is_a_right_to_left_workbook(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        await seed_known(session)
        await session.commit()
        table = await exports.run_export(
            session, exports.DONATIONS_EXPORT, exports.ExportRequest(text=_fa_text)
        )
    content = exports.to_xlsx(table)
    with zipfile.ZipFile(io.BytesIO(content)) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert 'rightToLeft="1"' in sheet
    assert "مبلغ (تومان)" in strings and "یلدای مهربانی" in strings


def test_csv_cells_never_become_formulas() -> None:
    table = exports.ExportTable(["a", "b"], [('=HYPERLINK("x")', "+98 912"), ("@SUM(A1)", "عادی")])
    rows = list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("x")', "'+98 912"]
    assert rows[2] == ["'@SUM(A1)", "عادی"]


async def test_registry_roles_limit_and_audit_exporter(database_url: str) -> None:
    async def rows(session: object, request: exports.ExportRequest) -> exports.ExportTable:
        return exports.ExportTable(["n"], [(i,) for i in range(10)])

    test_tickets = exports.exporter("test_tickets", "export-audit-title", rows, roles=("operator",))
    reports = staff_reports_of(handlers.FEATURES, load_settings(), FrozenClock(NOW))
    reports += StaffReports(exporters=(test_tickets,))
    assert "test_tickets" in [e.name for e in reports.exporters_for({"operator"})]
    assert "donations" not in [e.name for e in reports.exporters_for({"operator"})]
    assert {"donations", "audit", "tickets", "volunteers"} <= {
        e.name for e in reports.exporters_for({"admin"})
    }
    assert reports.exporter("audit") is exports.AUDIT_EXPORT and reports.exporter("nothing") is None
    async with database(database_url) as sessions, sessions() as session:
        limited = await exports.run_export(session, test_tickets, exports.ExportRequest(limit=4))
        assert len(limited.rows) == 4 and limited.truncated
        await svc.create_campaign(session, _draft(), platform="telegram", actor_id=7, now=NOW)
        audit_rows = await exports.run_export(
            session, exports.AUDIT_EXPORT, exports.ExportRequest(text=_fa_text)
        )
    assert audit_rows.rows[0][3] == "campaign.create" and '"title_fa": "سلام محله"' in str(
        audit_rows.rows[0][7]
    )
    with pytest.raises(ValueError):
        exports.exporter("نام فارسی", "x", rows)


@pytest.mark.parametrize(
    "typed",
    [
        "۱۴۰۵/۰۹/۰۱ تا ۱۴۰۵/۰۹/۰۸",
        "از ۱ آذر ۱۴۰۵ تا ۸ آذر ۱۴۰۵",
        "1 Azar 1405 to 8 Azar 1405",
        "۱۴۰۵-۹-۱ — ۱۴۰۵-۹-۸",
        "from 1405/9/1 until 1405.9.8",
    ],
)
def test_ranges_in_every_date_form(typed: str) -> None:
    """Export ranges use the bot's one date reader (issue 13): month names, any separator."""
    start, end = exports.parse_range(typed)
    assert (start, end) == (
        datetime(2026, 11, 21, 20, 30, tzinfo=UTC),
        datetime(2026, 11, 29, 20, 30, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("از اول آذر", "export-error-range-format"),
        ("1405/09/01", "export-error-range-format"),
        ("1405/09/31 تا 1405/10/01", "export-error-range-date"),
        ("1405/10/01 تا 1405/09/01", "export-error-range-order"),
    ],
)
def test_bad_ranges(typed: str, key: str) -> None:
    with pytest.raises(exports.ExportInputError) as error:
        exports.parse_range(typed)
    assert error.value.key == key


def test_named_periods() -> None:
    assert exports.period_range("month", NOW) == (datetime(2026, 11, 21, 20, 30, tzinfo=UTC), None)
    assert exports.period_range("year", NOW)[0] == datetime(
        2026, 3, 20, 20, 30, tzinfo=UTC
    )  # 1 Farvardin 1405
    assert exports.period_range("all", NOW) == (None, None)


# --- charts -------------------------------------------------------------------------------------------


def _days(values: list[int]) -> list[DayTotal]:
    from datetime import date, timedelta

    return [DayTotal(date(2026, 11, 1) + timedelta(days=i), v, 1 if v else 0) for i, v in enumerate(values)]


def test_daily_chart_is_a_png() -> None:
    png = charts.daily_chart(
        _days([0, 5_000_000, 0, 12_000_000] * 7 + [1, 0]),
        charts.ChartLabels("کمک‌های ۳۰ روز گذشته", "از ۱۰ آبان", "تومان"),
    )
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 800
    assert len(image.convert("L").getcolors(maxcolors=100_000) or []) > 10  # something was drawn


def test_ranking_chart_is_a_png() -> None:
    png = charts.ranking_chart(
        [("فارس", 45_000_000), ("تهران", 30_000_000), ("سراسری", 0)],
        charts.ChartLabels("استان‌ها", "", "تومان"),
    )
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_no_data_is_an_error_not_an_empty_chart() -> None:
    with pytest.raises(charts.NoChartData):
        charts.daily_chart(_days([0] * 30), charts.ChartLabels("x"))
    with pytest.raises(charts.NoChartData):
        charts.ranking_chart([("فارس", 0)], charts.ChartLabels("x"))


def test_persian_is_shaped_and_right_to_left() -> None:
    """Matplotlib lays text out with libraqm: in «بب» the first letter takes its initial form and
    stands to the right, the second its final form on the left (unshaped text would be two
    isolated forms, left to right). The chart font has every Persian letter."""
    font = font_manager.get_font(font_manager.findfont(charts.FONT_FAMILY[0]))
    font.set_size(12, 72)
    items = font._layout("بب", ft2font.LoadFlags.NO_HINTING)
    placed = sorted((item.x, font.get_glyph_name(item.glyph_index)) for item in items)
    assert [name for _, name in placed] == ["uniFE90", "uniFE91"]  # final on the left, initial on the right
    words = font._layout("پژوهش گچ کهگیلویه ۱۴۰۵", ft2font.LoadFlags.NO_HINTING)
    assert all(item.glyph_index != 0 for item in words)  # no missing-glyph boxes
