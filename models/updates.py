"""The update inbox: every update from the messenger, recorded before it is acknowledged.

One row per (platform, update_id), with a digest of the update's content. A worker inserts the row already claimed (`status` =
processing, `owner` = its worker id, `lease_until` renewed while it works) and marks it `done`
when the dispatcher returns; a duplicate delivery finds the row and is dropped; a row whose
owner died (lease lapsed) or that failed on an unreachable database or Redis (`pending`, retry
not before `lease_until`) is processed again, in update_id order per chat. The payload is kept
only until the update is done (then NULL: no personal data lingers); done rows are pruned after
the retention period. See `bot.inbox`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class InboxStatus(StrEnum):
    PROCESSING = "processing"  # claimed by `owner` until `lease_until`
    PENDING = "pending"  # released after a transient failure; retried from `lease_until` on
    DONE = "done"
    FAILED = "failed"  # an unexpected crash outside the handlers' error handling: kept for a look


class InboxUpdate(Base):
    __tablename__ = "update_inbox"
    __table_args__ = (
        # The sweeper: unfinished rows whose lease lapsed.
        Index("ix_update_inbox_status_lease", "platform", "status", "lease_until"),
        # Per-chat ordering: an older unfinished update of the same chat goes first.
        Index("ix_update_inbox_chat_order", "platform", "chat_key", "status", "update_id"),
        # Pruning finished rows.
        Index("ix_update_inbox_received", "platform", "received_at"),
    )

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_type: Mapped[str] = mapped_column(String(32))
    # The chat (or, for chatless updates, the user) whose updates must run in order; NULL: none.
    chat_key: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.PROCESSING)
    owner: Mapped[str | None] = mapped_column(String(80), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    lease_until: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(nullable=True)
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # A fingerprint of the update: a redelivery carries the same one; a different update under a
    # reused id (the numbering restarted: another bot, a reset local messenger) does not.
    digest: Mapped[str] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)


class ButtonPress(Base):
    """A press of a button whose handler runs once per (chat, message, button): pay, confirm,
    submit. A repeat press (a double tap, an old message) finds the row and is answered "already
    done" (see `bot.middlewares.OncePressMiddleware`); rows are pruned after the inbox's retention."""

    __tablename__ = "button_presses"
    __table_args__ = (Index("ix_button_presses_pressed", "pressed_at"),)

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # sha256 of the button's callback data (hex, first 32 characters).
    digest: Mapped[str] = mapped_column(String(32), primary_key=True)
    pressed_at: Mapped[datetime] = mapped_column(default=utcnow)
