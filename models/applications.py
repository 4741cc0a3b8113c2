"""Dowry-kit applications imported by staff, followed by beneficiaries with a tracking code.

National codes are never stored: only an HMAC-SHA256 of the normalised code under the key from
settings (`key_id` names that key, so rows hashed under another key are recognisable)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(32), unique=True)
    national_code_hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    status_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusSubscription(Base):
    """A person who asked to be told when an application's status changes."""

    __tablename__ = "status_subscriptions"
    __table_args__ = (UniqueConstraint("application_id", "platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StatusNotification(Base):
    """Outbox: a status change to tell one subscriber. Written by the import (in the bot or on the
    command line) in the same transaction as the change; sent by the bot's notifier."""

    __tablename__ = "status_notifications"
    __table_args__ = (Index("ix_status_notifications_pending", "platform", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("status_subscriptions.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column()
    claim_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column()
    # sent | blocked | failed
    outcome: Mapped[str | None] = mapped_column(String(16))


class StatusLookupFailure(Base):
    """A lookup that matched nothing: counted per person against guessing (rate limit)."""

    __tablename__ = "status_lookup_failures"
    __table_args__ = (Index("ix_status_lookup_failures_who_at", "platform", "user_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(default=utcnow)
