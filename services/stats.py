"""Statistics for staff: donations (built in) and pluggable sections from other features.

Periods are Tehran's: "today" starts at 00:00 Tehran time, the week on Saturday (شنبه), the month
on the first of the Jalali month. Only paid donations count, by the time they were paid.

Other features add their own figures (complaints by status and time to answer, broadcast
delivery...) without this module knowing their models, declared on their `Feature`
(services.staff_reports)::

    async def complaint_figures(session, periods):
        ...
        return [StatsLine("complaint-stats-open", {"count": 12})]

    COMPLAINTS = StatsSection("complaints", "complaint-stats-title", complaint_figures, order=20)

Each line is a text key and its arguments, rendered in the reader's language by the handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import jdatetime
from sqlalchemy import ColumnElement, Date, cast, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.donation import Campaign, Donation, DonationStatus
from services.persian import TEHRAN, jalali, to_fa_digits, to_tehran

PAID = DonationStatus.PAID.value


@dataclass(frozen=True, slots=True)
class Periods:
    """Start instants (UTC) of today, this week and this Jalali month in Tehran."""

    now: datetime
    today: datetime
    week: datetime
    month: datetime

    @classmethod
    def at(cls, now: datetime) -> Periods:
        local = to_tehran(now)
        today = datetime.combine(local.date(), time(0, 0), tzinfo=TEHRAN)
        since_saturday = (local.weekday() - 5) % 7  # Monday is 0, Saturday 5
        week = today - timedelta(days=since_saturday)
        j = jalali(now)
        month_first = jdatetime.date(j.year, j.month, 1).togregorian()
        month = datetime.combine(month_first, time(0, 0), tzinfo=TEHRAN)
        return cls(
            now=now, today=today.astimezone(UTC), week=week.astimezone(UTC), month=month.astimezone(UTC)
        )


@dataclass(frozen=True, slots=True)
class Totals:
    rials: int = 0
    count: int = 0


@dataclass(frozen=True, slots=True)
class Group:
    """One row of a breakdown: a key (campaign id, purpose, province id; None = unspecified)."""

    key: Any
    rials: int
    count: int
    label_fa: str | None = None
    label_en: str | None = None
    goal_rials: int | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class DonationStats:
    today: Totals
    week: Totals
    month: Totals
    all_time: Totals
    donors: int
    average_rials: int
    median_rials: int
    by_campaign: list[Group]
    by_purpose: list[Group]
    by_province: list[Group]

    @property
    def empty(self) -> bool:
        return self.all_time.count == 0


@dataclass(frozen=True, slots=True)
class DayTotal:
    day: date  # the Tehran calendar day (Gregorian date object; show it as Jalali)
    rials: int
    count: int

    @property
    def jalali(self) -> jdatetime.date:
        return jdatetime.date.fromgregorian(date=self.day)


def _paid(
    *conditions: ColumnElement[bool], provinces: frozenset[str] | None = None
) -> list[ColumnElement[bool]]:
    """Paid donations (of `provinces` only, when given: a province office's figures)."""
    paid = [Donation.status == PAID, *conditions]
    if provinces is not None:
        paid.append(donation_province().in_(sorted(provinces)))
    return paid


def donation_province() -> ColumnElement[Any]:
    """A donation's province as SQL: its own chosen province, else its campaign's."""
    own = aliased(Campaign)  # not the outer query's campaigns, when it joins them
    campaign = select(own.province_id).where(own.id == Donation.campaign_id).scalar_subquery()
    return func.coalesce(Donation.province_id, campaign)


async def _totals(
    session: AsyncSession,
    since: datetime | None,
    campaign_id: int | None,
    provinces: frozenset[str] | None = None,
) -> Totals:
    conditions = _paid(provinces=provinces)
    if since is not None:
        conditions.append(Donation.paid_at >= since)
    if campaign_id is not None:
        conditions.append(Donation.campaign_id == campaign_id)
    row = (
        await session.execute(
            select(func.coalesce(func.sum(Donation.amount_rials), 0), func.count(Donation.id)).where(
                *conditions
            )
        )
    ).one()
    return Totals(rials=int(row[0]), count=int(row[1]))


async def median_gift(
    session: AsyncSession, campaign_id: int | None = None, provinces: frozenset[str] | None = None
) -> int:
    """The median paid gift in rials (the mean of the two middle gifts for an even count), computed
    in the database on both backends."""
    conditions = _paid(provinces=provinces)
    if campaign_id is not None:
        conditions.append(Donation.campaign_id == campaign_id)
    count = int(await session.scalar(select(func.count(Donation.id)).where(*conditions)) or 0)
    if count == 0:
        return 0
    middle = list(
        await session.scalars(
            select(Donation.amount_rials)
            .where(*conditions)
            .order_by(Donation.amount_rials)
            .offset((count - 1) // 2)
            .limit(1 if count % 2 else 2)
        )
    )
    return round(sum(middle) / len(middle))


async def donation_stats(
    session: AsyncSession,
    now: datetime,
    campaign_id: int | None = None,
    provinces: frozenset[str] | None = None,
) -> DonationStats:
    """The donation figures (of `provinces` only, when given; None: the whole country)."""
    periods = Periods.at(now)
    today = await _totals(session, periods.today, campaign_id, provinces)
    week = await _totals(session, periods.week, campaign_id, provinces)
    month = await _totals(session, periods.month, campaign_id, provinces)
    all_time = await _totals(session, None, campaign_id, provinces)
    conditions = _paid(provinces=provinces)
    if campaign_id is not None:
        conditions.append(Donation.campaign_id == campaign_id)
    donors = int(await session.scalar(select(func.count(distinct(Donation.user_id))).where(*conditions)) or 0)
    average = round(all_time.rials / all_time.count) if all_time.count else 0
    return DonationStats(
        today=today,
        week=week,
        month=month,
        all_time=all_time,
        donors=donors,
        average_rials=average,
        median_rials=await median_gift(session, campaign_id, provinces),
        by_campaign=await by_campaign(session, provinces=provinces) if campaign_id is None else [],
        by_purpose=await by_purpose(session, campaign_id, provinces),
        by_province=await by_province(session, campaign_id, provinces),
    )


async def by_campaign(
    session: AsyncSession, limit: int = 10, provinces: frozenset[str] | None = None
) -> list[Group]:
    """Campaigns by paid total, largest first."""
    total = func.coalesce(func.sum(Donation.amount_rials), 0)
    rows = await session.execute(
        select(
            Campaign.id,
            Campaign.title_fa,
            Campaign.title_en,
            Campaign.goal_rials,
            Campaign.status,
            total,
            func.count(Donation.id),
        )
        .join(Donation, Donation.campaign_id == Campaign.id)
        .where(*_paid(provinces=provinces))
        .group_by(Campaign.id, Campaign.title_fa, Campaign.title_en, Campaign.goal_rials, Campaign.status)
        .order_by(total.desc(), Campaign.id)
        .limit(limit)
    )
    return [
        Group(
            key=r[0],
            label_fa=r[1],
            label_en=r[2],
            goal_rials=int(r[3]),
            status=r[4],
            rials=int(r[5]),
            count=int(r[6]),
        )
        for r in rows
    ]


async def _grouped(
    session: AsyncSession, key: Any, campaign_id: int | None, provinces: frozenset[str] | None = None
) -> list[Group]:
    total = func.coalesce(func.sum(Donation.amount_rials), 0)
    conditions = _paid(provinces=provinces)
    if campaign_id is not None:
        conditions.append(Donation.campaign_id == campaign_id)
    rows = await session.execute(
        select(key, total, func.count(Donation.id))
        .select_from(Donation)
        .outerjoin(Campaign, Donation.campaign_id == Campaign.id)
        .where(*conditions)
        .group_by(key)
        .order_by(total.desc())
    )
    return [Group(key=r[0], rials=int(r[1]), count=int(r[2])) for r in rows]


async def by_purpose(
    session: AsyncSession, campaign_id: int | None = None, provinces: frozenset[str] | None = None
) -> list[Group]:
    """By purpose: the donation's own, else its campaign's."""
    return await _grouped(session, func.coalesce(Donation.purpose, Campaign.purpose), campaign_id, provinces)


async def by_province(
    session: AsyncSession, campaign_id: int | None = None, provinces: frozenset[str] | None = None
) -> list[Group]:
    """By province: the donation's chosen region, else its campaign's; None = nationwide."""
    return await _grouped(
        session, func.coalesce(Donation.province_id, Campaign.province_id), campaign_id, provinces
    )


def _tehran_day(session: AsyncSession) -> ColumnElement[Any]:
    """The Tehran calendar day of `paid_at` as SQL (Iran has kept UTC+03:30 all year since 2022)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone("UTC", Donation.paid_at) + timedelta(hours=3, minutes=30), Date)
    return func.date(Donation.paid_at, "+3 hours", "+30 minutes")


async def daily(
    session: AsyncSession,
    now: datetime,
    days: int = 30,
    campaign_id: int | None = None,
    provinces: frozenset[str] | None = None,
) -> list[DayTotal]:
    """Paid totals per Tehran day for the last `days` days (today included), zero days too."""
    periods = Periods.at(now)
    first = periods.today - timedelta(days=days - 1)
    day = _tehran_day(session).label("day")
    conditions = _paid(Donation.paid_at >= first, provinces=provinces)
    if campaign_id is not None:
        conditions.append(Donation.campaign_id == campaign_id)
    rows = await session.execute(
        select(day, func.sum(Donation.amount_rials), func.count(Donation.id)).where(*conditions).group_by(day)
    )
    found: dict[date, tuple[int, int]] = {}
    for value, rials, count in rows:
        key = value if isinstance(value, date) else date.fromisoformat(str(value))
        found[key] = (int(rials), int(count))
    start = to_tehran(first).date()
    result = []
    for offset in range(days):
        current = start + timedelta(days=offset)
        rials, count = found.get(current, (0, 0))
        result.append(DayTotal(day=current, rials=rials, count=count))
    return result


# --- pluggable sections ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    """A span as a line argument, shown by `format_duration` in the reader's language."""

    seconds: float


@dataclass(frozen=True, slots=True)
class StatsLine:
    """One line of a section: a text key and its arguments (ints are shown with the reader's digits,
    `Duration`s as «۲ ساعت و ۱۵ دقیقه»)."""

    key: str
    args: dict[str, Any] = field(default_factory=dict)

    def localized_args(self, locale: str) -> dict[str, Any]:
        return {
            name: format_duration(value.seconds, locale) if isinstance(value, Duration) else value
            for name, value in self.args.items()
        }


StatsCompute = Callable[[AsyncSession, Periods], Awaitable[list[StatsLine]]]


@dataclass(frozen=True, slots=True)
class StatsSection:
    name: str
    title_key: str
    compute: StatsCompute
    order: int = 100


async def section_lines(
    session: AsyncSession, now: datetime, sections: Iterable[StatsSection]
) -> list[tuple[StatsSection, list[StatsLine]]]:
    """The figures of each section (the features declare them: services.staff_reports)."""
    periods = Periods.at(now)
    return [(section, await section.compute(session, periods)) for section in sections]


def format_duration(seconds: float, locale: str = "fa") -> str:
    """A span for figures like "median time to first answer": «۲ روز و ۳ ساعت», «۴۵ دقیقه»."""
    minutes = max(0, round(seconds / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if locale == "fa":
        units = [(days, "روز"), (hours, "ساعت"), (minutes, "دقیقه")]
        parts = [f"{to_fa_digits(n)} {word}" for n, word in units if n][:2]
        return " و ".join(parts) if parts else "کمتر از یک دقیقه"
    en = [(days, "d"), (hours, "h"), (minutes, "min")]
    parts = [f"{n} {word}" for n, word in en if n][:2]
    return " ".join(parts) if parts else "under a minute"
