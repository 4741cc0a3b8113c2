"""Subscriptions, broadcasts, the delivery outbox and the campaign notices that fire once.

- `Subscription`: one row per user who touched their settings (or /stop); a user without a row
  has the defaults in `services.subscriptions.DEFAULTS`.
- `Broadcast`: one message to a segment (a staff broadcast or an automatic campaign notice),
  its content in fa and en, its status and fill cursor.
- `OutboxItem`: one row per recipient of a broadcast, UNIQUE per (broadcast, user), so filling
  twice is harmless; its status is the durable delivery state that survives a crash.
- `CampaignNotice`: UNIQUE per (platform, campaign, kind): the scanner inserts it in the same
  transaction as the notice's broadcast, so "campaign reached 50 %" fires exactly once however
  many workers scan.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow

# SQLite gives autoincrement only to INTEGER PRIMARY KEY (64-bit there anyway).
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Topic(StrEnum):
    NEW_CAMPAIGNS = "new_campaigns"  # پویش‌های تازه
    CAMPAIGN_UPDATES = "campaign_updates"  # خبر پویش‌هایی که در آن‌ها کمک کرده‌ام
    PROVINCE_NEWS = "province_news"  # خبرهای استان من
    VOLUNTEER_CALLS = "volunteer_calls"  # فراخوان داوطلبان


class BroadcastKind(StrEnum):
    MANUAL = "manual"
    CAMPAIGN_LIVE = "campaign_live"
    CAMPAIGN_HALF = "campaign_half"
    CAMPAIGN_FULL = "campaign_full"
    CAMPAIGN_CLOSED = "campaign_closed"


class BroadcastStatus(StrEnum):
    DRAFT = "draft"  # being composed
    SCHEDULED = "scheduled"  # waits for scheduled_at
    SENDING = "sending"  # filling and/or delivering
    PAUSED = "paused"
    DONE = "done"
    CANCELLED = "cancelled"


class SegmentKind(StrEnum):
    EVERYONE = "all"
    TOPIC = "topic"  # value: a Topic
    DONORS = "donors"  # value: campaign id
    PROVINCE = "province"  # value: province id
    LANGUAGE = "language"  # value: fa | en
    LAUNCH = "launch"  # value: campaign id (new-campaign subscribers + its province's)


class ButtonKind(StrEnum):
    URL = "url"
    CAMPAIGN = "campaign"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a worker; its send may be in flight
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"  # 403: the user blocked the bot
    SKIPPED = "skipped"  # stopped all news or became inactive after the outbox was filled
    CANCELLED = "cancelled"


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (Index("ix_subscriptions_province_id", "province_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    new_campaigns: Mapped[bool] = mapped_column(Boolean)
    campaign_updates: Mapped[bool] = mapped_column(Boolean)
    province_news: Mapped[bool] = mapped_column(Boolean)
    volunteer_calls: Mapped[bool] = mapped_column(Boolean)
    province_id: Mapped[str | None] = mapped_column(String(16))
    # Set by /stop (or the button under a broadcast): nothing at all is sent until a topic is on.
    stopped_at: Mapped[datetime | None]
    stopped_by_broadcast: Mapped[int | None] = mapped_column(Integer)
    # For /stats: the latest /stop (kept when the user comes back) and the latest topic turned off.
    last_stop_at: Mapped[datetime | None]
    last_topic_off_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Broadcast(Base):
    __tablename__ = "broadcasts"
    __table_args__ = (
        Index("ix_broadcasts_platform_status", "platform", "status"),
        Index("ix_broadcasts_content_hash", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default=BroadcastKind.MANUAL.value)
    status: Mapped[str] = mapped_column(String(16), default=BroadcastStatus.DRAFT.value)
    # The staff member who wrote it (platform user id and their private chat), None for notices.
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    # The author's role when they wrote it (admin, campaign_manager): what exports show of them.
    author_role: Mapped[str | None] = mapped_column(String(32))
    author_language: Mapped[str] = mapped_column(String(8), default="fa")
    text_fa: Mapped[str] = mapped_column(Text, default="")
    text_en: Mapped[str | None] = mapped_column(Text)
    photo_file_id: Mapped[str | None] = mapped_column(String(255))
    button_kind: Mapped[str | None] = mapped_column(String(16))
    button_url: Mapped[str | None] = mapped_column(String(2048))
    button_campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    button_text_fa: Mapped[str | None] = mapped_column(String(64))
    button_text_en: Mapped[str | None] = mapped_column(String(64))
    segment_kind: Mapped[str] = mapped_column(String(16), default=SegmentKind.EVERYONE.value)
    segment_value: Mapped[str | None] = mapped_column(String(32))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    scheduled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # The recipient count when confirmed; `total` counts outbox rows actually written.
    estimate: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # Filling the outbox: users with id <= fill_cursor are written; `filled` once all are.
    fill_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    filled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The author's progress message (and, where keyboards are not edited, the controls message).
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    control_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_at: Mapped[datetime | None]
    reported_final: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_by: Mapped[int | None] = mapped_column(BigInteger)


class OutboxItem(Base):
    __tablename__ = "broadcast_outbox"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "user_id"),
        Index("ix_broadcast_outbox_claim", "broadcast_id", "status", "id"),
        Index("ix_broadcast_outbox_answered", "answered_at", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    language: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(48))
    claimed_at: Mapped[datetime | None]
    # When the final answer (sent, failed, blocked) was recorded: /stats counts by it.
    answered_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(200))


class CampaignNotice(Base):
    """An automatic campaign notification that fired (or was deliberately skipped, with no
    broadcast: e.g. the 50 % notice when the campaign jumped straight to 100 %)."""

    __tablename__ = "campaign_notices"
    __table_args__ = (UniqueConstraint("platform", "campaign_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    broadcast_id: Mapped[int | None] = mapped_column(ForeignKey("broadcasts.id", ondelete="SET NULL"))
    raised_rials: Mapped[int] = mapped_column(BigInteger, default=0)
    skipped_reason: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
