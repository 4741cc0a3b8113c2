"""Campaigns (پویش) and donations.

Money is integer rials everywhere. A campaign's raised total is always computed from its paid
donations (never stored), so it cannot drift under concurrent payments.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Purpose(StrEnum):
    """The donation portal's purposes."""

    LIVING = "living"  # معیشت
    HOUSING = "housing"  # مسکن
    DOWRY = "dowry"  # جهیزیه
    ALMS = "alms"  # صدقه
    ORPHANS = "orphans"  # ایتام
    GENERAL = "general"  # عمومی


class RegionScope(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    COUNTY = "county"


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSED = "closed"


class DonationStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    REFUNDED = "refunded"
    # Paid in a currency or amount other than the order's: kept for staff review, counted nowhere
    # (no receipt number, not in totals, statistics, milestone notices or exports).
    HELD = "held"


# An order that may still be paid: not yet, or its gateway said no but may still confirm it.
AWAITING_PAYMENT = (DonationStatus.PENDING.value, DonationStatus.FAILED.value)


class Campaign(Base):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("goal_rials > 0", name="goal_positive"),
        Index("ix_campaigns_status_ends_at", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title_fa: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120))
    description_fa: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(16), default=Purpose.GENERAL.value)
    scope: Mapped[str] = mapped_column(String(16), default=RegionScope.NATIONAL.value)
    province_id: Mapped[str | None] = mapped_column(String(16))
    county_id: Mapped[str | None] = mapped_column(String(16))
    goal_rials: Mapped[int] = mapped_column(BigInteger)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default=CampaignStatus.DRAFT.value)
    image_file_id: Mapped[str | None] = mapped_column(String(255))
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_fa

    def description(self, locale: str) -> str:
        return self.description_en if locale == "en" else self.description_fa


class Donation(Base):
    """One gift. `payload` identifies the pending order we created (invoice payload or gateway
    order); `provider_ref` is the provider's charge/reference id and is UNIQUE, so the same
    payment can never be recorded twice."""

    __tablename__ = "donations"
    __table_args__ = (
        CheckConstraint("amount_rials > 0", name="amount_positive"),
        CheckConstraint("campaign_id IS NOT NULL OR purpose IS NOT NULL", name="target_present"),
        Index("ix_donations_campaign_status", "campaign_id", "status"),
        Index("ix_donations_user_created", "user_id", "created_at"),
        Index("ix_donations_status_paid_at", "status", "paid_at"),
        # The gateway reconciler: orders whose next verify is due.
        Index("ix_donations_provider_verify", "provider", "next_verify_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    purpose: Mapped[str | None] = mapped_column(String(16))
    province_id: Mapped[str | None] = mapped_column(String(16))
    county_id: Mapped[str | None] = mapped_column(String(16))
    amount_rials: Mapped[int] = mapped_column(BigInteger)
    provider: Mapped[str] = mapped_column(String(32))
    currency: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default=DonationStatus.PENDING.value)
    payload: Mapped[str] = mapped_column(String(64), unique=True)
    provider_ref: Mapped[str | None] = mapped_column(String(255), unique=True)
    gateway_authority: Mapped[str | None] = mapped_column(String(64), unique=True)
    receipt_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None]
    # The amount as the provider charges it, in its currency's smallest unit (rials for Bale and
    # Zarinpal, Stars or cents on Telegram): what pre-checkout and verify compare against.
    invoice_amount: Mapped[int | None] = mapped_column(BigInteger)
    # Why a donation failed or how it was recorded ("cancelled", "gateway:-51", "extra-payment").
    status_detail: Mapped[str | None] = mapped_column(String(64))
    # When the receipt reached the donor; a redelivered payment re-sends a receipt never sent.
    receipt_sent_at: Mapped[datetime | None]
    # Gateway orders: when the reconciler next asks the gateway (NULL: the gateway's answer is
    # final, or this is no gateway order) and how many of its answers were unusable so far.
    next_verify_at: Mapped[datetime | None]
    verify_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ReceiptSequence(Base):
    """Receipt numbers run without gaps per Jalali year: «۱۴۰۵-۰۰۰۰۴۲». The row is incremented in
    the transaction that marks the donation paid, so a rolled-back payment leaves no hole."""

    __tablename__ = "receipt_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(BigInteger, default=0)
