"""Campaigns (پویش): which are open, their totals and progress, and the sample set for a fresh
database.

Totals are always counted from paid donations (never stored), so they stay exact under
concurrent payments. Other features reuse these functions: broadcasts scan
`campaign_totals()` / `progress()` for the 50% and 100% milestones, staff tools show them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.donation import Campaign, CampaignStatus, Donation, DonationStatus, Purpose, RegionScope

DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CampaignTotals:
    """What a campaign has raised: paid donations only."""

    raised_rials: int = 0
    donors: int = 0
    donations: int = 0


@dataclass(frozen=True, slots=True)
class CampaignProgress:
    campaign_id: int
    goal_rials: int
    raised_rials: int
    donors: int
    donations: int
    # Whole percent of the goal, rounded down (may pass 100).
    percent: int
    # Whole days until the end, rounded up; 0 once it has ended.
    days_left: int
    open: bool

    @property
    def reached(self) -> bool:
        return self.raised_rials >= self.goal_rials


def is_open(campaign: Campaign, now: datetime) -> bool:
    """Active, started, and not past its end: the only campaigns that take donations."""
    return campaign.status == CampaignStatus.ACTIVE.value and campaign.starts_at <= now < campaign.ends_at


def _open_clause(now: datetime) -> ColumnElement[bool]:
    return and_(
        Campaign.status == CampaignStatus.ACTIVE.value,
        Campaign.starts_at <= now,
        Campaign.ends_at > now,
    )


async def active_campaigns(session: AsyncSession, now: datetime) -> list[Campaign]:
    """Open campaigns, the one ending soonest first."""
    return list(await session.scalars(_ACTIVE, {"w_now": now}))


# Built once: every donation starts with it.
_ACTIVE = (
    select(Campaign)
    .where(
        Campaign.status == CampaignStatus.ACTIVE.value,
        Campaign.starts_at <= bindparam("w_now"),
        Campaign.ends_at > bindparam("w_now"),
    )
    .order_by(Campaign.ends_at, Campaign.id)
)


async def count_active(session: AsyncSession, now: datetime) -> int:
    return int(await session.scalar(select(func.count(Campaign.id)).where(_open_clause(now))) or 0)


async def get_campaign(session: AsyncSession, campaign_id: int) -> Campaign | None:
    return await session.get(Campaign, campaign_id)


async def campaign_totals(
    session: AsyncSession, campaign_ids: Iterable[int] | None = None
) -> dict[int, CampaignTotals]:
    """Raised rials, distinct donors and number of paid donations per campaign. Campaigns with no
    paid donation are absent from the result (use `.get(id, CampaignTotals())`)."""
    query = (
        select(
            Donation.campaign_id,
            func.coalesce(func.sum(Donation.amount_rials), 0),
            func.count(func.distinct(Donation.user_id)),
            func.count(Donation.id),
        )
        .where(Donation.status == DonationStatus.PAID.value, Donation.campaign_id.is_not(None))
        .group_by(Donation.campaign_id)
    )
    if campaign_ids is not None:
        ids = list(campaign_ids)
        if not ids:
            return {}
        query = query.where(Donation.campaign_id.in_(ids))
    rows = await session.execute(query)
    return {
        int(campaign_id or 0): CampaignTotals(int(raised), int(donors), int(count))
        for campaign_id, raised, donors, count in rows
    }


async def campaign_total(session: AsyncSession, campaign_id: int) -> CampaignTotals:
    return (await campaign_totals(session, [campaign_id])).get(campaign_id, CampaignTotals())


def progress(campaign: Campaign, totals: CampaignTotals, now: datetime) -> CampaignProgress:
    remaining = (campaign.ends_at - now) / DAY
    return CampaignProgress(
        campaign_id=campaign.id,
        goal_rials=campaign.goal_rials,
        raised_rials=totals.raised_rials,
        donors=totals.donors,
        donations=totals.donations,
        percent=totals.raised_rials * 100 // campaign.goal_rials if campaign.goal_rials > 0 else 0,
        days_left=max(0, math.ceil(remaining)),
        open=is_open(campaign, now),
    )


async def campaign_progress(session: AsyncSession, campaign: Campaign, now: datetime) -> CampaignProgress:
    return progress(campaign, await campaign_total(session, campaign.id), now)


def progress_bar(percent: int, width: int = 10) -> str:
    """A text bar that reads the same in RTL and LTR: «▰▰▰▰▱▱▱▱▱▱»."""
    filled = min(width, max(0, percent) * width // 100)
    if percent > 0 and filled == 0:
        filled = 1
    return "▰" * filled + "▱" * (width - filled)


# --- Sample data for a fresh database (`python -m bot seed`) -------------------------------------


@dataclass(frozen=True, slots=True)
class SampleCampaign:
    title_fa: str
    title_en: str
    description_fa: str
    description_en: str
    purpose: Purpose
    scope: RegionScope
    goal_toman: int
    days: int
    province_id: str | None = None
    county_id: str | None = None


SAMPLE_CAMPAIGNS: tuple[SampleCampaign, ...] = (
    SampleCampaign(
        "یلدای مهربانی",
        "Yalda of Kindness",
        "در بلندترین شب سال، سفرهٔ خانواده‌های تحت پوشش بهزیستی را با هم گرم کنیم. کمک‌های این پویش "
        "صرف بستهٔ معیشتی خانواده‌های نیازمند در سراسر کشور می‌شود.",
        "On the longest night of the year, let us warm the tables of families under the Welfare "
        "Organization's care. Gifts to this campaign buy living-cost packages for families across Iran.",
        Purpose.LIVING,
        RegionScope.NATIONAL,
        2_000_000_000,
        45,
    ),
    SampleCampaign(
        "سلام محله",
        "Hello Neighbourhood",
        "همسایه‌های نیازمند محله‌های استان تهران را بشناسیم و در تأمین مسکن و اجارهٔ خانه کنارشان باشیم.",
        "Let us get to know the neighbours in need across Tehran province and help them with housing and rent.",
        Purpose.HOUSING,
        RegionScope.PROVINCE,
        500_000_000,
        60,
        province_id="23",
    ),
    SampleCampaign(
        "ایران همدل",
        "Iran Hamdel",
        "جهیزیه برای زوج‌های جوان تحت پوشش بهزیستی؛ از هر جای ایران، برای همهٔ ایران.",
        "Dowry kits for young couples under the Welfare Organization's care — from anywhere in Iran, for all of Iran.",
        Purpose.DOWRY,
        RegionScope.NATIONAL,
        10_000_000_000,
        90,
    ),
    SampleCampaign(
        "لبخند مهربانی",
        "Smile of Kindness",
        "همراهی با کودکان و نوجوانان بی‌سرپرست و بدسرپرست تحت پوشش بهزیستی، برای تحصیل و زندگی بهتر.",
        "Standing by orphaned and poorly cared-for children and teenagers under the organization's care, "
        "for their schooling and a better life.",
        Purpose.ORPHANS,
        RegionScope.NATIONAL,
        1_000_000_000,
        30,
    ),
    SampleCampaign(
        "ضیافت همدلی",
        "Feast of Empathy",
        "بستهٔ غذایی و اطعام برای خانواده‌های نیازمند در روزهای سرد سال.",
        "Food packages and shared meals for families in need during the cold months.",
        Purpose.ALMS,
        RegionScope.NATIONAL,
        3_000_000_000,
        40,
    ),
    SampleCampaign(
        "چله‌شو",
        "Chelleh-show",
        "گرمای زمستان برای خانواده‌های نیازمند شهرستان زاهدان: بخاری، پتو و هزینهٔ سوخت.",
        "Winter warmth for families in need in Zahedan county: heaters, blankets and fuel.",
        Purpose.LIVING,
        RegionScope.COUNTY,
        200_000_000,
        20,
        province_id="11",
        county_id="1105",
    ),
)


async def seed_sample_campaigns(session: AsyncSession, now: datetime) -> list[str]:
    """Add the sample campaigns that are not there yet (matched by Persian title); returns the
    titles added. Running it again adds nothing."""
    existing = set(await session.scalars(select(Campaign.title_fa)))
    added: list[str] = []
    for sample in SAMPLE_CAMPAIGNS:
        if sample.title_fa in existing:
            continue
        session.add(
            Campaign(
                title_fa=sample.title_fa,
                title_en=sample.title_en,
                description_fa=sample.description_fa,
                description_en=sample.description_en,
                purpose=sample.purpose.value,
                scope=sample.scope.value,
                province_id=sample.province_id,
                county_id=sample.county_id,
                goal_rials=sample.goal_toman * 10,
                starts_at=now - DAY,
                ends_at=now + sample.days * DAY,
                status=CampaignStatus.ACTIVE.value,
            )
        )
        added.append(sample.title_fa)
    await session.flush()
    return added
