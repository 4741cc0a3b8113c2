"""services.donations and services.campaigns on the database itself (SQLite always, PostgreSQL
when TEST_DATABASE_URL is set): exactly-once recording under races, receipt numbers, totals."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.donation import Campaign, CampaignStatus, Donation, DonationStatus
from models.user import User
from services import campaigns, donations
from services.donations import AmountProblem, PreCheckoutProblem, RecordResult, Target
from tests.dbkit import sessions_on

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


async def _arrange(db: async_sessionmaker[AsyncSession], users: int = 2) -> tuple[list[int], int]:
    async with db() as session:
        people = [
            User(platform="bale", user_id=5000 + i, chat_id=5000 + i, language="fa") for i in range(users)
        ]
        campaign = Campaign(
            title_fa="ایران همدل",
            title_en="Iran Hamdel",
            description_fa="",
            description_en="",
            goal_rials=10_000_000,
            starts_at=NOW - DAY,
            ends_at=NOW + 10 * DAY,
            status=CampaignStatus.ACTIVE.value,
        )
        session.add_all([*people, campaign])
        await session.commit()
        return [p.id for p in people], campaign.id


async def _order(
    db: async_sessionmaker[AsyncSession], user_id: int, campaign_id: int, payload: str, rials: int = 500_000
) -> None:
    async with db() as session:
        await donations.open_order(
            session,
            user_id=user_id,
            target=Target(campaign_id=campaign_id),
            amount_rials=rials,
            provider="bale_wallet",
            currency="IRR",
            invoice_amount=rials,
            payload=payload,
            now=NOW,
        )
        await session.commit()


async def _record(
    db: async_sessionmaker[AsyncSession],
    user_id: int,
    payload: str,
    ref: str,
    rials: int = 500_000,
    now: datetime = NOW,
) -> tuple[RecordResult, str | None]:
    async with db() as session:
        record = await donations.record_payment(
            session,
            user_id=user_id,
            payload=payload,
            order=await donations.find_by_payload(session, payload),
            provider="bale_wallet",
            provider_ref=ref,
            currency="IRR",
            total_amount=rials,
            amount_rials=rials,
            now=now,
        )
        await session.commit()
        return record.result, record.donation.receipt_number


async def test_recorded_once_even_when_deliveries_race(db: async_sessionmaker[AsyncSession]) -> None:
    [user, _], campaign_id = await _arrange(db)
    await _order(db, user, campaign_id, "order-1")
    results = await asyncio.gather(*(_record(db, user, "order-1", "bale_wallet:charge-1") for _ in range(8)))
    assert sorted(r for r, _ in results) == [RecordResult.DUPLICATE] * 7 + [RecordResult.RECORDED]
    assert {number for _, number in results} == {"1405-000001"}
    async with db() as session:
        totals = await campaigns.campaign_total(session, campaign_id)
    assert (totals.raised_rials, totals.donors, totals.donations) == (500_000, 1, 1)


async def test_second_payment_of_one_order_and_unknown_orders(db: async_sessionmaker[AsyncSession]) -> None:
    [user, other], campaign_id = await _arrange(db)
    await _order(db, user, campaign_id, "order-1")
    assert await _record(db, user, "order-1", "t:1") == (RecordResult.RECORDED, "1405-000001")
    # The same invoice paid again with a new charge: real money, a gift of its own.
    assert await _record(db, user, "order-1", "t:2") == (RecordResult.EXTRA, "1405-000002")
    assert await _record(db, user, "order-1", "t:2") == (RecordResult.DUPLICATE, "1405-000002")
    assert await _record(db, other, "never-made", "t:3", rials=70_000) == (RecordResult.ORPHAN, "1405-000003")
    async with db() as session:
        rows = list(await session.scalars(select(Donation).order_by(Donation.id)))
        totals = await campaigns.campaign_total(session, campaign_id)
    assert [(d.status_detail, d.campaign_id, d.purpose) for d in rows] == [
        (None, campaign_id, None),
        ("extra-payment", campaign_id, None),
        ("unknown-order", None, "general"),
    ]
    assert rows[2].user_id == other and rows[2].amount_rials == 70_000
    assert totals.raised_rials == 1_000_000 and totals.donors == 1


async def test_a_reference_recorded_before_is_a_duplicate_on_another_pending_order(
    db: async_sessionmaker[AsyncSession],
) -> None:
    """The same charge delivered again against another order (still pending): nothing changes,
    the order stays pending and no number is used (the unique reference decides)."""
    [user, _], campaign_id = await _arrange(db)
    await _order(db, user, campaign_id, "order-1")
    await _order(db, user, campaign_id, "order-2")
    assert await _record(db, user, "order-1", "t:1") == (RecordResult.RECORDED, "1405-000001")
    assert await _record(db, user, "order-2", "t:1") == (RecordResult.DUPLICATE, "1405-000001")
    async with db() as session:
        second = await donations.find_by_payload(session, "order-2")
    assert second is not None and (second.status, second.receipt_number) == ("pending", None)
    assert await _record(db, user, "order-2", "t:2") == (RecordResult.RECORDED, "1405-000002")


async def _record_paid(
    db: async_sessionmaker[AsyncSession],
    user_id: int,
    payload: str,
    ref: str,
    currency: str,
    total: int,
    rials: int | None,
) -> tuple[RecordResult, Donation]:
    async with db() as session:
        record = await donations.record_payment(
            session,
            user_id=user_id,
            payload=payload,
            order=await donations.find_by_payload(session, payload),
            provider="telegram",
            provider_ref=ref,
            currency=currency,
            total_amount=total,
            amount_rials=rials,
            now=NOW,
        )
        await session.commit()
        return record.result, record.donation


async def test_payments_unlike_their_order_are_held(db: async_sessionmaker[AsyncSession]) -> None:
    """Another currency, another amount, or a currency we cannot value: held, no receipt number,
    in no total; the row keeps what was paid and the order's terms for the reviewer."""
    [user, _], campaign_id = await _arrange(db)
    await _order(db, user, campaign_id, "o-1")
    result, held = await _record_paid(db, user, "o-1", "t:1", "XTR", 1, None)
    assert result is RecordResult.HELD
    assert (held.status, held.receipt_number, held.currency, held.invoice_amount) == ("held", None, "XTR", 1)
    assert (held.amount_rials, held.status_detail) == (500_000, "ordered:500000 IRR")
    assert (await _record_paid(db, user, "o-1", "t:1", "XTR", 1, None))[0] is RecordResult.DUPLICATE
    await _order(db, user, campaign_id, "o-2")
    result, held = await _record_paid(db, user, "o-2", "t:2", "IRR", 400_000, 400_000)
    assert (result, held.status, held.amount_rials) == (RecordResult.HELD, "held", 400_000)
    # An order paid as invoiced, then paid again with another amount: the second is held.
    await _order(db, user, campaign_id, "o-3")
    assert (await _record_paid(db, user, "o-3", "t:3", "IRR", 500_000, 500_000))[0] is RecordResult.RECORDED
    result, held = await _record_paid(db, user, "o-3", "t:4", "IRR", 900_000, 900_000)
    assert (result, held.status, held.receipt_number) == (RecordResult.HELD, "held", None)
    # No order and no way to value it.
    result, held = await _record_paid(db, user, "never-made", "t:5", "XTR", 3, None)
    assert (result, held.status, held.status_detail) == (RecordResult.HELD, "held", "unknown-order")
    async with db() as session:
        totals = await campaigns.campaign_total(session, campaign_id)
        numbers = list(
            await session.scalars(select(Donation.receipt_number).where(Donation.receipt_number.is_not(None)))
        )
    assert (totals.raised_rials, totals.donations) == (500_000, 1)
    assert numbers == ["1405-000001"]


async def test_receipt_numbers_are_gapless_per_jalali_year(db: async_sessionmaker[AsyncSession]) -> None:
    [user, _], campaign_id = await _arrange(db)
    for index in range(3):
        await _order(db, user, campaign_id, f"o{index}")
    # A payment whose transaction rolls back gives its number back.
    async with db() as session:
        await donations.record_payment(
            session,
            user_id=user,
            payload="o0",
            order=await donations.find_by_payload(session, "o0"),
            provider="bale_wallet",
            provider_ref="x:rolled-back",
            currency="IRR",
            total_amount=500_000,
            amount_rials=500_000,
            now=NOW,
        )
        await session.rollback()
    assert (await _record(db, user, "o0", "x:0"))[1] == "1405-000001"
    assert (await _record(db, user, "o1", "x:1"))[1] == "1405-000002"
    nowruz = datetime(2027, 3, 21, 12, 0, tzinfo=UTC)  # 1 Farvardin 1406
    assert (await _record(db, user, "o2", "x:2", now=nowruz))[1] == "1406-000001"


async def test_totals_count_paid_gifts_only(db: async_sessionmaker[AsyncSession]) -> None:
    [first, second], campaign_id = await _arrange(db)
    for user, payload in ((first, "a"), (first, "b"), (second, "c"), (second, "d")):
        await _order(db, user, campaign_id, payload, rials=2_000_000)
    await _record(db, first, "a", "r:a", rials=2_000_000)
    await _record(db, first, "b", "r:b", rials=2_000_000)
    await _record(db, second, "c", "r:c", rials=2_000_000)
    async with db() as session:
        await session.execute(
            update(Donation).where(Donation.payload == "c").values(status=DonationStatus.REFUNDED.value)
        )
        assert await donations.mark_failed(
            session, (await donations.find_by_payload(session, "d")).id, "cancelled"
        )  # type: ignore[union-attr]
        await session.commit()
        campaign = await campaigns.get_campaign(session, campaign_id)
        assert campaign is not None
        progress = await campaigns.campaign_progress(session, campaign, NOW + timedelta(hours=5))
        everything = await campaigns.campaign_totals(session)
    assert (progress.raised_rials, progress.donors, progress.donations) == (4_000_000, 1, 2)
    assert (progress.percent, progress.days_left, progress.open, progress.reached) == (40, 10, True, False)
    assert everything == {campaign_id: campaigns.CampaignTotals(4_000_000, 1, 2)}
    assert campaigns.progress(campaign, campaigns.CampaignTotals(), NOW + 11 * DAY).open is False
    assert campaigns.progress(campaign, campaigns.CampaignTotals(), NOW + 11 * DAY).days_left == 0


async def test_pre_checkout_checks(db: async_sessionmaker[AsyncSession]) -> None:
    [user, other], campaign_id = await _arrange(db)
    await _order(db, user, campaign_id, "p1")

    async def check(
        payer: int, payload: str = "p1", amount: int = 500_000, currency: str = "IRR", now: datetime = NOW
    ) -> PreCheckoutProblem | None:
        async with db() as session:
            return await donations.check_pre_checkout(
                session, user_id=payer, payload=payload, currency=currency, total_amount=amount, now=now
            )

    assert await check(user) is None
    assert await check(user, payload="nope") is PreCheckoutProblem.UNKNOWN
    assert await check(other) is PreCheckoutProblem.NOT_YOURS
    assert await check(user, amount=1) is PreCheckoutProblem.MISMATCH
    assert await check(user, currency="XTR") is PreCheckoutProblem.MISMATCH
    assert await check(user, now=NOW + 30 * DAY) is PreCheckoutProblem.CAMPAIGN_CLOSED
    async with db() as session:
        await session.execute(update(User).where(User.id == user).values(is_banned=True))
        await session.commit()
    assert await check(user) is PreCheckoutProblem.BANNED
    await _record(db, user, "p1", "r:p1")
    assert await check(user) is PreCheckoutProblem.ALREADY_PAID


async def test_history_pages(db: async_sessionmaker[AsyncSession]) -> None:
    [user, _], campaign_id = await _arrange(db)
    for index in range(5):
        await _order(db, user, campaign_id, f"h{index}", rials=100_000 * (index + 1))
        await _record(
            db, user, f"h{index}", f"r:h{index}", rials=100_000 * (index + 1), now=NOW + index * DAY
        )
    await _order(db, user, campaign_id, "pending-one")
    async with db() as session:
        page = await donations.donor_history(session, user, page=9, per_page=2)
    assert (page.count, page.total_rials, page.page, page.pages) == (5, 1_500_000, 2, 3)
    assert [d.payload for d in page.donations] == ["h0"]
    assert set(page.campaigns) == {campaign_id}


async def test_order_is_idempotent_per_payload(db: async_sessionmaker[AsyncSession]) -> None:
    [user, _], campaign_id = await _arrange(db)
    await asyncio.gather(*(_order(db, user, campaign_id, "same") for _ in range(5)))
    async with db() as session:
        assert len(list(await session.scalars(select(Donation)))) == 1


async def test_seed_is_idempotent(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        added = await campaigns.seed_sample_campaigns(session, NOW)
        await session.commit()
    assert {"یلدای مهربانی", "سلام محله", "ایران همدل"} <= set(added)
    async with db() as session:
        assert await campaigns.seed_sample_campaigns(session, NOW) == []
        active = await campaigns.active_campaigns(session, NOW)
        assert len(active) == len(added)
        assert all(
            Target(purpose=c.purpose, province_id=c.province_id, county_id=c.county_id).valid()
            for c in active
        )
        assert active[0].ends_at <= active[-1].ends_at


def test_targets_and_amounts() -> None:
    assert Target(campaign_id=3).valid()
    assert not Target(campaign_id=3, purpose="dowry").valid()
    assert Target(purpose="dowry", province_id="07", county_id="0701").valid()
    assert not Target(purpose="dowry", province_id="07", county_id="2301").valid()  # Tehran's county
    assert not Target(purpose="dowry", province_id="99").valid()
    assert not Target(purpose="bitcoin").valid()
    assert not Target(purpose="dowry", county_id="0701").valid()
    assert Target.from_dict({"campaign_id": "1; drop", "purpose": 5}) == Target()
    limits = {"min_toman": 10_000, "max_toman": 1_000_000}
    assert donations.check_amount(None, **limits).problem is AmountProblem.UNREADABLE
    assert donations.check_amount(0, **limits).problem is AmountProblem.ZERO
    assert donations.check_amount(9_999, **limits).problem is AmountProblem.TOO_SMALL
    assert donations.check_amount(10**30, **limits).problem is AmountProblem.TOO_LARGE
    assert donations.check_amount(75_000, **limits).rials == 750_000
    assert campaigns.progress_bar(0) == "▱" * 10
    assert campaigns.progress_bar(1) == "▰" + "▱" * 9
    assert campaigns.progress_bar(55) == "▰" * 5 + "▱" * 5
    assert campaigns.progress_bar(250) == "▰" * 10
