"""Staff roles granted in the bot, and the audit log of every staff action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class StaffRole(Base):
    """A role granted to a person (admins also come from ADMIN_IDS, which cannot be revoked here).

    `provinces` limits the role to province offices: province ids (data/regions.json) joined by
    commas, sorted; NULL is the whole country (services.scopes reads it)."""

    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("platform", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    role: Mapped[str] = mapped_column(String(32))
    granted_by: Mapped[int | None] = mapped_column(BigInteger)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    provinces: Mapped[str | None] = mapped_column(String(255))


class AuditEntry(Base):
    """Who did what to which object, when, with the values before and after where data changed."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_actor_at", "actor_id", "at"),
        Index("ix_audit_log_target_at", "target", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    platform: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128))
    allowed: Mapped[bool] = mapped_column(default=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    # Where the action was taken: "chat" (the messenger) or "console" (the web console).
    channel: Mapped[str] = mapped_column(String(16), default="chat", server_default="chat")


class BlockedUser(Base):
    """A person the working group stopped from reaching it (questions to a person, tickets,
    follow-ups), set from a card in the staff chat; unblocking deletes the row. Who, when and
    why are kept here while the block lasts and in the audit log for good."""

    __tablename__ = "blocked_users"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    blocked_by: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(64))
    blocked_at: Mapped[datetime] = mapped_column(default=utcnow)
