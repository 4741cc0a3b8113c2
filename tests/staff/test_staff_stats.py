"""Statistics against a database filled with known donations (Tehran periods, breakdowns, median),
on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

import handlers
from bot.settings import load_settings
from bot.ui import staff_reports_of
from services import stats
from services.clock import FrozenClock
from services.staff_reports import StaffReports
from services.stats import StatsLine, StatsSection, format_duration
from tests.staff.staff_seed import NOW, database, donation, donor, seed_known


async def test_periods_are_tehran_days_weeks_and_jalali_months() -> None:
    periods = stats.Periods.at(NOW)
    assert periods.today == datetime(2026, 11, 29, 20, 30, tzinfo=UTC)  # 9 Azar 00:00 Tehran
    assert periods.week == datetime(2026, 11, 27, 20, 30, tzinfo=UTC)  # Saturday 7 Azar
    assert periods.month == datetime(2026, 11, 21, 20, 30, tzinfo=UTC)  # 1 Azar
    # Just after midnight in Tehran it is already the next day, whatever UTC says.
    assert stats.Periods.at(datetime(2026, 11, 29, 21, 0, tzinfo=UTC)).today == periods.today
    # On a Saturday the week starts that very day.
    saturday = stats.Periods.at(datetime(2026, 11, 28, 6, 0, tzinfo=UTC))
    assert saturday.week == saturday.today


async def test_known_donations(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        ids = await seed_known(session)
        await session.commit()
        figures = await stats.donation_stats(session, NOW)
    assert figures.today == stats.Totals(1_500_000, 2)
    assert figures.week == stats.Totals(3_500_000, 3)
    assert figures.month == stats.Totals(6_500_000, 4)
    assert figures.all_time == stats.Totals(10_500_000, 5)
    assert figures.donors == 3
    assert figures.average_rials == 2_100_000
    assert figures.median_rials == 2_000_000
    assert [(g.key, g.rials, g.count) for g in figures.by_campaign] == [
        (ids["a"], 3_000_000, 2),
        (ids["b"], 3_000_000, 1),
    ]
    assert figures.by_campaign[0].label_fa == "یلدای مهربانی"
    assert figures.by_campaign[0].goal_rials == 100_000_000
    assert {(g.key, g.rials, g.count) for g in figures.by_purpose} == {
        ("housing", 4_000_000, 1),
        ("dowry", 3_000_000, 2),
        ("orphans", 3_000_000, 1),
        ("living", 500_000, 1),
    }
    assert figures.by_purpose[0].key == "housing"
    assert {(g.key, g.rials, g.count) for g in figures.by_province} == {
        ("07", 4_500_000, 2),
        ("23", 3_000_000, 2),
        (None, 3_000_000, 1),
    }


async def test_one_campaign_and_the_daily_series(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        ids = await seed_known(session)
        await session.commit()
        only_a = await stats.donation_stats(session, NOW, campaign_id=int(ids["a"]))
        days = await stats.daily(session, NOW, 30)
    assert only_a.all_time == stats.Totals(3_000_000, 2)
    assert only_a.today == stats.Totals(1_000_000, 1)
    assert only_a.donors == 1
    assert only_a.median_rials == 1_500_000  # even count: mean of the two middle gifts
    assert len(days) == 30
    assert days[0].day == date(2026, 11, 1) and days[-1].day == date(2026, 11, 30)
    by_day = {d.day: (d.rials, d.count) for d in days if d.count}
    assert by_day == {
        date(2026, 11, 30): (1_500_000, 2),
        date(2026, 11, 29): (2_000_000, 1),
        date(2026, 11, 27): (3_000_000, 1),
        date(2026, 11, 21): (4_000_000, 1),
    }
    assert (days[-1].jalali.month, days[-1].jalali.day) == (9, 9)


async def test_empty_database(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        figures = await stats.donation_stats(session, NOW)
        days = await stats.daily(session, NOW)
    assert figures.empty
    assert figures.median_rials == 0 and figures.average_rials == 0 and figures.donors == 0
    assert figures.by_campaign == [] and figures.by_province == []
    assert all(d.rials == 0 for d in days)


async def test_median_of_odd_and_even_counts(database_url: str) -> None:
    async with database(database_url) as sessions, sessions() as session:
        user = await donor(session, 777)
        for amount in (30, 10, 20):
            session.add(donation(user, amount * 10_000, NOW, purpose="alms"))
        await session.flush()
        assert await stats.median_gift(session) == 200_000
        session.add(donation(user, 1_000_000, NOW, purpose="alms"))
        await session.flush()
        assert await stats.median_gift(session) == 250_000


async def test_pluggable_sections(database_url: str) -> None:
    seen: list[stats.Periods] = []

    async def complaints(session: object, periods: stats.Periods) -> list[StatsLine]:
        seen.append(periods)
        return [StatsLine("stats-group-line", {"name": "باز", "amount": "—", "count": 3})]

    declared = StaffReports(
        sections=(StatsSection("test-complaints", "stats-by-purpose", complaints, order=5),)
    )
    reports = staff_reports_of(handlers.FEATURES, load_settings(), FrozenClock(NOW)) + declared
    async with database(database_url) as sessions, sessions() as session:
        result = await stats.section_lines(session, NOW, reports.ordered_sections())
    names = [section.name for section, _ in result]
    assert names[0] == "test-complaints" and {"complaints", "broadcasts"} <= set(names)
    lines = dict((section.name, lines) for section, lines in result)["test-complaints"]
    assert lines[0].args["count"] == 3
    assert seen[0].today == stats.Periods.at(NOW).today
    with pytest.raises(ValueError, match="declared twice"):
        reports + declared


@pytest.mark.parametrize(
    ("seconds", "fa", "en"),
    [
        (20, "کمتر از یک دقیقه", "under a minute"),
        (45 * 60, "۴۵ دقیقه", "45 min"),
        (3 * 3600 + 60, "۳ ساعت و ۱ دقیقه", "3 h 1 min"),
        (2 * 86400 + 3 * 3600 + 59, "۲ روز و ۳ ساعت", "2 d 3 h"),
    ],
)
def test_format_duration(seconds: float, fa: str, en: str) -> None:
    assert format_duration(seconds, "fa") == fa
    assert format_duration(seconds, "en") == en
