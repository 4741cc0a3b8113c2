"""Automatic campaign notifications, each fired exactly once.

A periodic scan looks at every campaign that is not a draft and compares it with the notices
already recorded in `campaign_notices`:

- **live**: the campaign is active and has started → subscribers of new campaigns and of its
  province (a campaign that started more than `live_max_age` ago is not announced late);
- **half** / **full**: its paid donations reached 50 % / 100 % of the goal → its donors
  (a campaign that jumps past 100 % between two scans gets the 100 % notice only);
- **closed**: it was closed or its end time passed → its donors, with the final totals (the
  milestones it never announced are then skipped).

A notice fires by INSERTing its row — UNIQUE (platform, campaign, kind) — in the same
transaction as its broadcast. Two workers scanning at once: one insert wins, the other's
transaction inserts nothing and creates nothing. A crash before commit leaves neither, and the
next scan fires it. Skipped notices are recorded too (no broadcast), so they never fire later.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.broadcasts import BroadcastKind, CampaignNotice, SegmentKind
from models.db import dialect_module
from models.donation import Campaign, CampaignStatus
from services import broadcasts, campaigns
from services.broadcasts import Segment
from services.campaigns import CampaignTotals
from services.clock import Clock
from services.persian import format_toman

logger = logging.getLogger("hamdel.notifications")

# (locale, text key, **arguments) -> text. The handler layer passes `I18n.text`.
Render = Callable[..., str]

ORDER = (
    BroadcastKind.CAMPAIGN_LIVE,
    BroadcastKind.CAMPAIGN_HALF,
    BroadcastKind.CAMPAIGN_FULL,
    BroadcastKind.CAMPAIGN_CLOSED,
)


def due_notices(
    campaign: Campaign, raised: int, *, now: datetime, live_max_age: timedelta
) -> dict[BroadcastKind, str | None]:
    """Notices this campaign deserves now: kind → None to send it, or the reason to skip it."""
    due: dict[BroadcastKind, str | None] = {}
    status = campaign.status
    closed = status == CampaignStatus.CLOSED.value or (
        status in (CampaignStatus.ACTIVE.value, CampaignStatus.PAUSED.value) and campaign.ends_at <= now
    )
    started = status != CampaignStatus.DRAFT.value and campaign.starts_at <= now
    if not started and not closed:
        return due
    full = raised >= campaign.goal_rials
    half = raised * 2 >= campaign.goal_rials
    if closed:
        due[BroadcastKind.CAMPAIGN_CLOSED] = None
        due[BroadcastKind.CAMPAIGN_LIVE] = "closed"
        due[BroadcastKind.CAMPAIGN_HALF] = "closed"
        due[BroadcastKind.CAMPAIGN_FULL] = "closed"
        return due
    if status == CampaignStatus.ACTIVE.value:
        due[BroadcastKind.CAMPAIGN_LIVE] = None if now - campaign.starts_at <= live_max_age else "late"
    if full:
        due[BroadcastKind.CAMPAIGN_FULL] = None
        due[BroadcastKind.CAMPAIGN_HALF] = "passed"
    elif half:
        due[BroadcastKind.CAMPAIGN_HALF] = None
    return due


async def _record_notice(
    session: AsyncSession,
    *,
    platform: str,
    campaign_id: int,
    kind: BroadcastKind,
    raised: int,
    reason: str | None,
    now: datetime,
) -> int | None:
    """INSERT the notice row unless it exists; its id when this call inserted it."""
    dialect = dialect_module(session.get_bind().dialect.name)
    statement = (
        dialect.insert(CampaignNotice)
        .values(
            platform=platform,
            campaign_id=campaign_id,
            kind=kind.value,
            raised_rials=raised,
            skipped_reason=reason,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["platform", "campaign_id", "kind"])
        .returning(CampaignNotice.id)
    )
    return await session.scalar(statement)


def _texts(
    kind: BroadcastKind, campaign: Campaign, total: CampaignTotals, render: Render
) -> tuple[dict[str, str], dict[str, str]]:
    """The notice and its button, in fa and en."""
    texts: dict[str, str] = {}
    buttons: dict[str, str] = {}
    for locale in ("fa", "en"):
        args: dict[str, Any] = {
            "title": campaign.title(locale),
            "goal": format_toman(campaign.goal_rials, locale),
            "raised": format_toman(total.raised_rials, locale),
            "count": total.donors,
        }
        if kind is BroadcastKind.CAMPAIGN_LIVE:
            description = campaign.description(locale).strip()
            if len(description) > 600:
                description = description[:597].rstrip() + "…"
            args["description"] = description
        texts[locale] = render(locale, f"broadcast-notice-{kind.value.replace('_', '-')}", **args)
        button_key = (
            "broadcast-notice-button-donate"
            if kind is not BroadcastKind.CAMPAIGN_CLOSED
            else "broadcast-notice-button-campaign"
        )
        title = campaign.title(locale)
        buttons[locale] = render(locale, button_key, title=title if len(title) <= 40 else title[:39] + "…")
    return texts, buttons


def _segment(kind: BroadcastKind, campaign: Campaign) -> Segment:
    if kind is BroadcastKind.CAMPAIGN_LIVE:
        return Segment(SegmentKind.LAUNCH, str(campaign.id))
    return Segment(SegmentKind.DONORS, str(campaign.id))


async def scan(
    session: AsyncSession,
    *,
    platform: str,
    now: datetime,
    render: Render,
    live_max_age: timedelta = timedelta(hours=72),
) -> list[int]:
    """Fire every notice that is due and not fired yet; returns the new broadcasts' ids.
    The caller commits (one transaction: notices and their broadcasts together)."""
    fired_rows = await session.execute(
        select(CampaignNotice.campaign_id, CampaignNotice.kind).where(CampaignNotice.platform == platform)
    )
    fired: dict[int, set[str]] = {}
    for campaign_id, kind in fired_rows.all():
        fired.setdefault(campaign_id, set()).add(kind)
    candidates = (
        await session.scalars(select(Campaign).where(Campaign.status != CampaignStatus.DRAFT.value))
    ).all()
    pending = [c for c in candidates if len(fired.get(c.id, set())) < len(ORDER)]
    sums = await campaigns.campaign_totals(session, [c.id for c in pending])
    created: list[int] = []
    for campaign in pending:
        total = sums.get(campaign.id, CampaignTotals())
        due = due_notices(campaign, total.raised_rials, now=now, live_max_age=live_max_age)
        for kind in ORDER:
            if kind not in due or kind.value in fired.get(campaign.id, set()):
                continue
            reason = due[kind]
            notice_id = await _record_notice(
                session,
                platform=platform,
                campaign_id=campaign.id,
                kind=kind,
                raised=total.raised_rials,
                reason=reason,
                now=now,
            )
            if notice_id is None or reason is not None:
                continue  # another worker fired it, or it is skipped for good
            texts, buttons = _texts(kind, campaign, total, render)
            broadcast = await broadcasts.create_notice_broadcast(
                session,
                platform=platform,
                kind=kind,
                segment=_segment(kind, campaign),
                text_fa=texts["fa"],
                text_en=texts["en"],
                campaign=campaign,
                button_text_fa=buttons["fa"],
                button_text_en=buttons["en"],
                now=now,
            )
            notice = await session.get(CampaignNotice, notice_id)
            assert notice is not None
            notice.broadcast_id = broadcast.id
            created.append(broadcast.id)
            logger.info("campaign %s: %s notice → broadcast %s", campaign.id, kind.value, broadcast.id)
    await session.flush()
    return created


class NoticeScanner:
    """One `scan` in its own transaction (`scan_once`), run by the scheduler every
    BROADCAST_SCANNER_INTERVAL seconds and at once when woken (e.g. after a payment)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        platform: str,
        clock: Clock,
        render: Render,
        live_max_age: timedelta,
        on_created: Callable[[], None] | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.platform = platform
        self.clock = clock
        self.render = render
        self.live_max_age = live_max_age
        self.on_created = on_created
        # Set to scan now instead of at the next interval.
        self.woken = asyncio.Event()

    def wake(self) -> None:
        self.woken.set()

    async def scan_once(self) -> list[int]:
        async with self.sessionmaker() as session:
            created = await scan(
                session,
                platform=self.platform,
                now=self.clock.now(),
                render=self.render,
                live_max_age=self.live_max_age,
            )
            await session.commit()
        if created and self.on_created is not None:
            self.on_created()
        return created
