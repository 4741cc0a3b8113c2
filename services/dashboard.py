"""The console's statistics dashboard: every figure for a range of Tehran (Jalali) days.

Donations come from the daily summary (`services.donation_days`), so a year is a few thousand
rows; tickets, FAQ questions, broadcasts and volunteers are counted with SQL aggregates over
their indexes (migration 0180). Only paid donations count, by the day they were paid (as /stats).

`provinces` limits the figures to those provinces (None: all): donations by their province
(the donation's, else its campaign's) and volunteers by theirs. Tickets, FAQ questions and
broadcasts belong to no province: they are left out (None) for a limited reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import jdatetime
from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import Broadcast, OutboxItem, OutboxStatus, Subscription
from models.donation import Campaign, Donation, DonationStatus
from models.faq import FaqQuery
from models.tickets import Ticket
from models.user import User
from models.volunteers import Volunteer, VolunteerArea
from services import donation_days, subscriptions
from services.dates import parse_date
from services.persian import TEHRAN, jalali, to_tehran

Grain = Literal["day", "week", "month"]
GRAINS: tuple[Grain, ...] = ("day", "week", "month")
PRESETS = ("today", "week", "month", "year")
MAX_DAYS = 366 * 3  # a range longer than three years is refused (a typo in the year, usually)
REVIEW_STATUSES = ("pending", "accepted", "declined")


class RangeError(ValueError):
    """A range the dashboard cannot show; `key` is the text to show (locales console-stats-*)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class DayRange:
    """Tehran calendar days [first, last] (Gregorian date objects; shown as Jalali)."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0, 0), tzinfo=TEHRAN).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The start of the day after `last` (excluded)."""
        return datetime.combine(self.last + timedelta(days=1), time(0, 0), tzinfo=TEHRAN).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def jalali(self, day: date) -> jdatetime.date:
        return jdatetime.date.fromgregorian(date=day)

    @property
    def default_grain(self) -> Grain:
        return "day" if self.days <= 62 else "week" if self.days <= 190 else "month"


def preset_range(name: str, now: datetime) -> DayRange:
    """today / week (from Saturday) / month (the Jalali month) / year (the Jalali year), each
    up to today."""
    today = to_tehran(now).date()
    if name == "today":
        return DayRange(today, today)
    if name == "week":
        return DayRange(today - timedelta(days=(today.weekday() - 5) % 7), today)
    j = jalali(now)
    if name == "month":
        return DayRange(jdatetime.date(j.year, j.month, 1).togregorian(), today)
    if name == "year":
        return DayRange(jdatetime.date(j.year, 1, 1).togregorian(), today)
    raise RangeError("console-stats-error-preset")


def typed_range(first_text: str, last_text: str, now: datetime) -> DayRange:
    """Two typed Jalali (or Gregorian) dates in any digits, as `services.dates` reads them."""
    today = jdatetime.date.fromgregorian(date=to_tehran(now).date())
    first = parse_date(first_text[:40], today=today)
    last = parse_date(last_text[:40], today=today)
    if not first.ok or not last.ok:
        raise RangeError("console-stats-error-date")
    if last.gregorian < first.gregorian:
        raise RangeError("console-stats-error-order")
    if (last.gregorian - first.gregorian).days >= MAX_DAYS:
        raise RangeError("console-stats-error-long")
    return DayRange(first.gregorian, last.gregorian)


# --- donations ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bucket:
    """One bar of the donations chart: a day, a week (from its Saturday) or a Jalali month."""

    first: date
    last: date
    rials: int
    count: int


@dataclass(frozen=True, slots=True)
class Share:
    """A breakdown row: a key (campaign id, purpose, province id; "" = none) and its totals."""

    key: str
    rials: int
    count: int
    label_fa: str | None = None
    label_en: str | None = None


@dataclass(frozen=True, slots=True)
class DonationFigures:
    rials: int
    count: int
    buckets: list[Bucket]
    by_campaign: list[Share]
    by_purpose: list[Share]
    by_province: list[Share]

    @property
    def average_rials(self) -> int:
        return round(self.rials / self.count) if self.count else 0


def buckets(days: DayRange, totals: dict[date, tuple[int, int]], grain: Grain) -> list[Bucket]:
    """Every day, week or month of the range, zeros included (clipped to the range)."""
    out: list[Bucket] = []
    current = days.first
    while current <= days.last:
        if grain == "day":
            end = current
        elif grain == "week":
            end = current + timedelta(days=(4 - current.weekday()) % 7)  # the Friday after
        else:
            j = jdatetime.date.fromgregorian(date=current)
            following = (
                jdatetime.date(j.year + 1, 1, 1) if j.month == 12 else jdatetime.date(j.year, j.month + 1, 1)
            )
            end = following.togregorian() - timedelta(days=1)
        end = min(end, days.last)
        rials = count = 0
        day = current
        while day <= end:
            found = totals.get(day)
            if found:
                rials += found[0]
                count += found[1]
            day += timedelta(days=1)
        out.append(Bucket(current, end, rials, count))
        current = end + timedelta(days=1)
    return out


async def donation_figures(
    session: AsyncSession, days: DayRange, grain: Grain, provinces: frozenset[str] | None = None
) -> DonationFigures:
    if provinces is None:
        totals = await donation_days.per_day(session, days.first, days.last)
        by_campaign = await donation_days.per_key(session, "campaign", days.first, days.last)
        by_purpose = await donation_days.per_key(session, "purpose", days.first, days.last)
        by_province = await donation_days.per_key(session, "province", days.first, days.last)
    else:
        totals = await donation_days.per_day(
            session, days.first, days.last, dimension="province", keys=provinces
        )
        by_province = [
            share
            for share in await donation_days.per_key(session, "province", days.first, days.last)
            if share.key in provinces
        ]
        # The summary's dimensions are separate: a province's campaigns and purposes are read
        # from its donations (a province's share of a year, not the whole country's).
        by_campaign = await _scoped_shares(session, days, Donation.campaign_id, provinces)
        by_purpose = await _scoped_shares(
            session, days, func.coalesce(Donation.purpose, Campaign.purpose), provinces
        )
    titles = await _campaign_titles(session, [s.key for s in by_campaign if s.key])
    return DonationFigures(
        rials=sum(r for r, _ in totals.values()),
        count=sum(c for _, c in totals.values()),
        buckets=buckets(days, totals, grain),
        by_campaign=[Share(s.key, s.rials, s.count, *titles.get(s.key, (None, None))) for s in by_campaign],
        by_purpose=[Share(s.key, s.rials, s.count) for s in by_purpose],
        by_province=[Share(s.key, s.rials, s.count) for s in by_province],
    )


async def _scoped_shares(
    session: AsyncSession, days: DayRange, key: Any, provinces: frozenset[str]
) -> list[donation_days.KeyTotal]:
    total = func.sum(Donation.amount_rials)
    rows = await session.execute(
        select(key, total, func.count(Donation.id))
        .select_from(Donation)
        .outerjoin(Campaign, Donation.campaign_id == Campaign.id)
        .where(
            Donation.status == DonationStatus.PAID.value,
            Donation.paid_at >= days.start,
            Donation.paid_at < days.end,
            func.coalesce(Donation.province_id, Campaign.province_id).in_(sorted(provinces)),
        )
        .group_by(key)
        .order_by(total.desc())
    )
    return [donation_days.KeyTotal("" if k is None else str(k), int(r or 0), int(c or 0)) for k, r, c in rows]


async def _campaign_titles(session: AsyncSession, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    ids = [int(k) for k in keys if k.isdigit()]
    if not ids:
        return {}
    rows = await session.execute(
        select(Campaign.id, Campaign.title_fa, Campaign.title_en).where(Campaign.id.in_(ids))
    )
    return {str(i): (fa, en) for i, fa, en in rows}


# --- tickets ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TicketFigures:
    filed: int
    answered: int
    average_answer_seconds: float | None
    within_sla: int
    breached: int  # answered after the SLA, or not answered and older than it
    rated: int
    average_rating: float | None
    ratings: dict[int, int] = field(default_factory=dict)  # stars → tickets


async def ticket_figures(
    session: AsyncSession, days: DayRange, *, now: datetime, sla_hours: float
) -> TicketFigures:
    """Tickets filed in the range: how many, when first answered (`first_answer_seconds`, kept
    by the database: the working group's first message or the «answered» status set without
    one, as /stats), past the SLA, ratings — one pass over `ix_tickets_created_figures`."""
    waited = Ticket.first_answer_seconds
    sla = sla_hours * 3600
    answered = Ticket.first_answer_seconds.is_not(None)
    row = (
        await session.execute(
            select(
                func.count(),
                func.count(Ticket.first_answer_seconds),
                func.avg(waited),
                func.sum(case((and_(answered, waited <= sla), 1), else_=0)),
                func.sum(
                    case(
                        (
                            or_(
                                and_(answered, waited > sla),
                                and_(
                                    Ticket.first_answer_seconds.is_(None),
                                    Ticket.created_at < now - timedelta(hours=sla_hours),
                                ),
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                func.count(Ticket.rating),
                func.avg(Ticket.rating),
            ).where(Ticket.created_at >= days.start, Ticket.created_at < days.end)
        )
    ).one()
    ratings = dict(
        (int(stars or 0), int(count))
        for stars, count in await session.execute(
            select(Ticket.rating, func.count())
            .where(Ticket.created_at >= days.start, Ticket.created_at < days.end, Ticket.rating.is_not(None))
            .group_by(Ticket.rating)
        )
    )
    return TicketFigures(
        filed=int(row[0] or 0),
        answered=int(row[1] or 0),
        average_answer_seconds=float(row[2]) if row[2] is not None else None,
        within_sla=int(row[3] or 0),
        breached=int(row[4] or 0),
        rated=int(row[5] or 0),
        average_rating=float(row[6]) if row[6] is not None else None,
        ratings=ratings,
    )


# --- FAQ, broadcasts, volunteers -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FaqFigures:
    answered: int  # a confident answer
    suggested: int  # suggestions only
    nothing: int  # nothing found (or too long to match)
    to_staff: int  # sent on to the staff chat


async def faq_figures(session: AsyncSession, days: DayRange) -> FaqFigures:
    in_range = and_(FaqQuery.created_at >= days.start, FaqQuery.created_at < days.end)
    kinds = dict(
        (str(kind), int(count))
        for kind, count in await session.execute(
            select(FaqQuery.kind, func.count()).where(in_range).group_by(FaqQuery.kind)
        )
    )
    to_staff = int(
        await session.scalar(select(func.count()).where(in_range, FaqQuery.asked_staff_at.is_not(None))) or 0
    )
    return FaqFigures(
        answered=kinds.get("confident", 0),
        suggested=kinds.get("suggest", 0),
        nothing=kinds.get("none", 0) + kinds.get("long", 0),
        to_staff=to_staff,
    )


@dataclass(frozen=True, slots=True)
class BroadcastFigures:
    started: int
    sent: int
    failed: int
    blocked: int
    subscribers: int  # reachable now: not blocked, not stopped
    stopped: int  # stopped all news within the range


async def broadcast_figures(session: AsyncSession, days: DayRange) -> BroadcastFigures:
    started = int(
        await session.scalar(
            select(func.count(Broadcast.id)).where(
                Broadcast.started_at >= days.start, Broadcast.started_at < days.end
            )
        )
        or 0
    )
    outcomes = dict(
        (str(status), int(count))
        for status, count in await session.execute(
            select(OutboxItem.status, func.count())
            .where(
                OutboxItem.answered_at >= days.start,
                OutboxItem.answered_at < days.end,
                OutboxItem.status.in_(
                    (OutboxStatus.SENT.value, OutboxStatus.FAILED.value, OutboxStatus.BLOCKED.value)
                ),
            )
            .group_by(OutboxItem.status)
        )
    )
    reachable = int(
        await session.scalar(
            select(func.count(User.id))
            .select_from(User)
            .outerjoin(Subscription, Subscription.user_id == User.id)
            .where(User.is_blocked.is_(False), subscriptions.not_stopped())
        )
        or 0
    )
    stopped = int(
        await session.scalar(
            select(func.count()).where(
                Subscription.last_stop_at >= days.start, Subscription.last_stop_at < days.end
            )
        )
        or 0
    )
    return BroadcastFigures(
        started=started,
        sent=outcomes.get(OutboxStatus.SENT.value, 0),
        failed=outcomes.get(OutboxStatus.FAILED.value, 0),
        blocked=outcomes.get(OutboxStatus.BLOCKED.value, 0),
        subscribers=reachable,
        stopped=stopped,
    )


@dataclass(frozen=True, slots=True)
class VolunteerFigures:
    signed_up: int  # in the range
    by_status: dict[str, int]  # of those signed up in the range
    by_area: dict[str, int]  # of those signed up in the range
    total: int  # everyone signed up now (in the reader's provinces)


async def volunteer_figures(
    session: AsyncSession, days: DayRange, provinces: frozenset[str] | None = None
) -> VolunteerFigures:
    scope: list[ColumnElement[bool]] = []
    if provinces is not None:
        scope.append(Volunteer.province_id.in_(sorted(provinces)))
    in_range = [Volunteer.created_at >= days.start, Volunteer.created_at < days.end, *scope]
    by_status = {
        str(status): int(count)
        for status, count in await session.execute(
            select(Volunteer.status, func.count()).where(*in_range).group_by(Volunteer.status)
        )
    }
    by_area = {
        str(area): int(count)
        for area, count in await session.execute(
            select(VolunteerArea.area, func.count())
            .join(Volunteer, Volunteer.id == VolunteerArea.volunteer_id)
            .where(*in_range)
            .group_by(VolunteerArea.area)
        )
    }
    total = int(await session.scalar(select(func.count(Volunteer.id)).where(literal(True), *scope)) or 0)
    return VolunteerFigures(sum(by_status.values()), by_status, by_area, total)


# --- the whole dashboard -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dashboard:
    days: DayRange
    grain: Grain
    donations: DonationFigures
    tickets: TicketFigures | None
    faq: FaqFigures | None
    broadcasts: BroadcastFigures | None
    volunteers: VolunteerFigures


async def dashboard(
    session: AsyncSession,
    days: DayRange,
    *,
    now: datetime,
    sla_hours: float,
    grain: Grain | None = None,
    provinces: frozenset[str] | None = None,
) -> Dashboard:
    chosen = grain or days.default_grain
    everything = provinces is None
    return Dashboard(
        days=days,
        grain=chosen,
        donations=await donation_figures(session, days, chosen, provinces),
        tickets=await ticket_figures(session, days, now=now, sla_hours=sla_hours) if everything else None,
        faq=await faq_figures(session, days) if everything else None,
        broadcasts=await broadcast_figures(session, days) if everything else None,
        volunteers=await volunteer_figures(session, days, provinces),
    )
