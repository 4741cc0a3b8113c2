"""Automatic campaign notices: live, 50 %, 100 %, closed — each exactly once, with several
scanners at once and after restarts; and the donors receiving them through the messenger."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import get_i18n
from bot.settings import BroadcastSettings
from models.broadcasts import Broadcast, BroadcastKind, CampaignNotice, SegmentKind
from models.donation import CampaignStatus
from models.user import User
from services import notifications
from tests.broadcasts.broadcast_helpers import add_campaign, add_donation, add_users, db_user
from tests.conftest import START
from tests.dbkit import sessions_on

if TYPE_CHECKING:
    from tests.conftest import Harness

PLATFORM = "telegram"
render = get_i18n().text


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


async def scan(sessionmaker: async_sessionmaker[AsyncSession], now=START) -> list[int]:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        created = await notifications.scan(session, platform=PLATFORM, now=now, render=render)
        await session.commit()
        return created


async def kinds(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, str | None]:
    async with sessionmaker() as session:
        rows = await session.execute(select(CampaignNotice.kind, CampaignNotice.skipped_reason))
        return {kind: reason for kind, reason in rows.all()}


async def test_milestones_fire_once_each(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        await add_users(session, PLATFORM, range(1001, 1004))
        ids = list((await session.scalars(select(User.id).order_by(User.id))).all())
        campaign = await add_campaign(session, START, goal_rials=10_000_000)
        await session.commit()
    assert len(await scan(db)) == 1  # it has started: the launch notice
    assert await scan(db) == []  # a second scan, a restart: nothing again
    async with db() as session:
        await add_donation(session, ids[0], campaign, 4_000_000)
        await session.commit()
    assert await scan(db) == []  # 40 %
    async with db() as session:
        await add_donation(session, ids[1], campaign, 1_000_000)
        await session.commit()
    half = await scan(db)
    assert len(half) == 1 and await scan(db) == []
    async with db() as session:
        notice = await session.get(Broadcast, half[0])
        assert notice is not None and notice.kind == BroadcastKind.CAMPAIGN_HALF.value
        assert notice.segment_kind == SegmentKind.DONORS.value and notice.segment_value == str(campaign.id)
        assert "به نیمهٔ راه رسید" in notice.text_fa and "۵۰۰٬۰۰۰ تومان از ۱٬۰۰۰٬۰۰۰ تومان" in notice.text_fa
        assert notice.text_en is not None and "halfway" in notice.text_en
        assert notice.button_text_fa == "💝 کمک به «یلدای مهربانی»"
        await add_donation(session, ids[2], campaign, 6_000_000)
        await session.commit()
    assert len(await scan(db)) == 1 and await scan(db) == []  # 100 %
    async with db() as session:
        campaign_row = await session.get(type(campaign), campaign.id)
        assert campaign_row is not None
        campaign_row.status = CampaignStatus.CLOSED.value
        await session.commit()
    closed = await scan(db)
    assert len(closed) == 1 and await scan(db) == []
    async with db() as session:
        notice = await session.get(Broadcast, closed[0])
        assert notice is not None and "۱٬۱۰۰٬۰۰۰ تومان با همراهی ۳ نیکوکار" in notice.text_fa
    assert await kinds(db) == {
        "campaign_live": None,
        "campaign_half": None,
        "campaign_full": None,
        "campaign_closed": None,
    }


async def test_jumping_past_the_goal_and_closing_skip_stale_notices(
    db: async_sessionmaker[AsyncSession],
) -> None:
    async with db() as session:
        await add_users(session, PLATFORM, [1001])
        user = await db_user(session, 1001)
        # Started long ago: not announced late.
        campaign = await add_campaign(session, START, starts_at=START - timedelta(days=10))
        await add_donation(session, user, campaign, 12_000_000)
        await session.commit()
    assert len(await scan(db)) == 1  # only the 100 % notice
    assert await kinds(db) == {"campaign_live": "late", "campaign_full": None, "campaign_half": "passed"}
    async with db() as session:
        other = await add_campaign(session, START, title="سلام محله", ends_at=START + timedelta(hours=1))
        await add_donation(session, user, other, 6_000_000)
        await session.commit()
    # Two hours later its end time has passed: the thanks, not a belated 50 % or launch.
    created = await scan(db, now=START + timedelta(hours=2))
    assert len(created) == 1
    async with db() as session:
        notice = await session.get(Broadcast, created[0])
        assert notice is not None and notice.kind == BroadcastKind.CAMPAIGN_CLOSED.value


async def test_drafts_and_future_campaigns_are_quiet(db: async_sessionmaker[AsyncSession]) -> None:
    async with db() as session:
        await add_campaign(session, START, status=CampaignStatus.DRAFT.value)
        await add_campaign(session, START, starts_at=START + timedelta(days=1))
        await session.commit()
    assert await scan(db) == []
    assert len(await scan(db, now=START + timedelta(days=1, minutes=1))) == 1


async def test_concurrent_scanners_fire_once(db: async_sessionmaker[AsyncSession]) -> None:
    """Several workers scanning at the same moment: the UNIQUE notice row lets one win."""
    async with db() as session:
        await add_users(session, PLATFORM, [1001])
        user = await db_user(session, 1001)
        for index in range(3):
            campaign = await add_campaign(session, START, title=f"پویش {index}")
            await add_donation(session, user, campaign, 5_000_000)
        await session.commit()
    results = await asyncio.gather(*(scan(db) for _ in range(4)), return_exceptions=True)
    created = [broadcast for result in results if isinstance(result, list) for broadcast in result]
    assert len(created) == 6  # 3 campaigns × (launch + 50 %), once each
    async with db() as session:
        assert await session.scalar(select(func.count()).select_from(Broadcast)) == 6
        assert await session.scalar(select(func.count()).select_from(CampaignNotice)) == 6


# --- through the messenger -------------------------------------------------------------------


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    return {
        "broadcast": BroadcastSettings(
            telegram_rate=200, bale_rate=200, per_chat_rate=20, poll_interval=0.25, scanner_interval=0.2
        )
    }


async def test_donors_get_each_milestone_once(hamdel: Harness) -> None:
    donor = hamdel.user(first_name="نیکوکار")
    fan = hamdel.user(first_name="علاقه‌مند", language_code="en")
    bystander = hamdel.user(first_name="رهگذر")
    for person in (donor, fan, bystander):
        await person.send("/start")
        await person.next_message()
    await fan.press("🔔 اطلاع‌رسانی‌ها")
    await fan.wait_until(lambda u: "⬜️ پویش‌های تازه" in u.buttons())
    await fan.press("⬜️ پویش‌های تازه")  # opts in to new campaigns
    await fan.wait_until(lambda u: "✅ پویش‌های تازه" in u.buttons())
    async with hamdel.db() as s:
        campaign = await add_campaign(s, hamdel.clock.now(), goal_rials=2_000_000)
        await add_donation(s, await db_user(s, donor.id), campaign, 1_200_000)
    await fan.wait_until(lambda u: "پویش تازه" in u.last_text, timeout=10)
    assert "💝 کمک به «یلدای مهربانی»" in fan.buttons()
    await donor.wait_until(lambda u: "نیمهٔ راه" in u.last_text, timeout=10)
    async with hamdel.db() as s:
        await add_donation(s, await db_user(s, donor.id), campaign, 900_000)
    await donor.wait_until(lambda u: "هدف پویش «یلدای مهربانی» کامل شد" in u.last_text, timeout=10)
    await asyncio.sleep(0.6)  # a few more scans
    await hamdel.settle()
    donor_texts = [str(m.get("text") or m.get("caption")) for m in donor.messages]
    assert sum("نیمهٔ راه" in t for t in donor_texts) == 1
    assert sum("کامل شد" in t for t in donor_texts) == 1
    assert sum("پویش تازه" in str(m.get("text")) for m in fan.messages) == 1
    assert len(bystander.messages) == 1  # only the welcome
    # The campaign button opens the campaign, with the amount raised.
    await donor.press("💝 کمک به «یلدای مهربانی»")
    # The campaign's one card (handlers.campaigns.card_text), with the total so far.
    await donor.wait_until(lambda u: "۲۱۰٬۰۰۰ تومان از ۲۰۰٬۰۰۰ تومان" in u.last_text)
    assert donor.last_text.startswith("📣 یلدای مهربانی")
