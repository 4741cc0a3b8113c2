"""Arranging campaigns, donations and many users directly in the database."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.donation import Campaign, CampaignStatus, Donation, DonationStatus
from models.user import User

_payloads = itertools.count(1)


async def add_campaign(
    session: AsyncSession,
    now: datetime,
    *,
    title: str = "یلدای مهربانی",
    goal_rials: int = 10_000_000,
    province_id: str | None = None,
    status: str = CampaignStatus.ACTIVE.value,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
) -> Campaign:
    campaign = Campaign(
        title_fa=title,
        title_en="Yalda of kindness" if title == "یلدای مهربانی" else title,
        description_fa="کمک به خانواده‌های نیازمند در شب یلدا.",
        description_en="Helping families in need on Yalda night.",
        scope="province" if province_id else "national",
        province_id=province_id,
        goal_rials=goal_rials,
        starts_at=starts_at or now - timedelta(hours=1),
        ends_at=ends_at or now + timedelta(days=30),
        status=status,
    )
    session.add(campaign)
    await session.flush()
    return campaign


async def add_donation(
    session: AsyncSession,
    user_db_id: int,
    campaign: Campaign | None,
    amount_rials: int,
    *,
    province_id: str | None = None,
    status: str = DonationStatus.PAID.value,
) -> Donation:
    number = next(_payloads)
    donation = Donation(
        user_id=user_db_id,
        campaign_id=campaign.id if campaign else None,
        purpose=None if campaign else "general",
        province_id=province_id,
        amount_rials=amount_rials,
        provider="test",
        currency="IRR",
        status=status,
        payload=f"test-{number}",
        provider_ref=f"ref-{number}" if status == DonationStatus.PAID.value else None,
    )
    session.add(donation)
    await session.flush()
    return donation


async def db_user(session: AsyncSession, platform_user_id: int) -> int:
    found = await session.scalar(select(User.id).where(User.user_id == platform_user_id))
    assert found is not None, f"user {platform_user_id} never talked to the bot"
    return int(found)


async def add_users(
    session: AsyncSession, platform: str, ids: range | list[int], *, language: str = "fa", chunk: int = 5000
) -> None:
    """Many users at once (people who once talked to the bot)."""
    ids = list(ids)
    for start in range(0, len(ids), chunk):
        await session.execute(
            insert(User),
            [
                {"platform": platform, "user_id": i, "chat_id": i, "language": language, "is_blocked": False}
                for i in ids[start : start + chunk]
            ],
        )
