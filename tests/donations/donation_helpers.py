"""Shared arrangements for the donation tests (not a conftest: the harness stays in tests/conftest.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from messenger.testkit import buttons, invoices_of
from messenger.testkit import donation_settings as donation_settings
from messenger.testkit import receipts as receipts
from models.donation import Campaign, CampaignStatus, Donation, DonationStatus, Purpose, RegionScope
from tests.conftest import START, Harness

DAY = timedelta(days=1)


async def add_campaign(
    hamdel: Harness,
    title: str = "یلدای مهربانی",
    *,
    goal_toman: int = 10_000_000,
    days: int = 10,
    status: CampaignStatus = CampaignStatus.ACTIVE,
    purpose: Purpose = Purpose.LIVING,
    scope: RegionScope = RegionScope.NATIONAL,
    province_id: str | None = None,
    county_id: str | None = None,
    description: str = "سفرهٔ خانواده‌های نیازمند را در شب یلدا گرم کنیم.",
) -> int:
    async with hamdel.db() as session:
        campaign = Campaign(
            title_fa=title,
            title_en=f"{title} (en)",
            description_fa=description,
            description_en="Warm the tables of families in need on Yalda night.",
            purpose=purpose.value,
            scope=scope.value,
            province_id=province_id,
            county_id=county_id,
            goal_rials=goal_toman * 10,
            starts_at=START - DAY,
            ends_at=START + days * DAY,
            status=status.value,
        )
        session.add(campaign)
        await session.flush()
        return campaign.id


async def paid_donations(hamdel: Harness, **where: Any) -> list[Donation]:
    async with hamdel.db() as session:
        query = select(Donation).where(Donation.status == DonationStatus.PAID.value)
        for name, value in where.items():
            query = query.where(getattr(Donation, name) == value)
        return list(await session.scalars(query.order_by(Donation.id)))


async def count_donations(hamdel: Harness) -> int:
    async with hamdel.db() as session:
        return int(await session.scalar(select(func.count(Donation.id))) or 0)


async def donate_to_campaign(
    user: Any, title: str, amount: str = "۱۰۰٬۰۰۰ تومان", *, wait: float = 5
) -> dict[str, Any]:
    """/donate → the campaign → a preset amount → the first way to pay; returns the invoice."""
    invoices = len(invoices_of(user))
    await user.send("/donate")
    await user.wait_until(lambda u: title in " ".join(buttons(u)), timeout=wait)
    await user.press(title, timeout=wait)
    await user.wait_until(lambda u: amount in buttons(u), timeout=wait)
    await user.press(amount, timeout=wait)
    await user.wait_until(lambda u: any("پرداخت" in b for b in buttons(u)), timeout=wait)
    await user.press("پرداخت", timeout=wait)
    await user.wait_until(lambda u: len(invoices_of(u)) > invoices, timeout=wait)
    return invoices_of(user)[-1]
