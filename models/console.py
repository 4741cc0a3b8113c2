"""The web console: one-time sign-in links, browser sessions, and staff-only notes on tickets.

Only hashes of the sign-in tokens and session ids are stored: a copy of the database (a
backup) opens no session. A note is the working group's own remark on a ticket, never sent to
the donor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class ConsoleSignIn(Base):
    """A sign-in link handed out by /console: single use, bound to one person, short-lived."""

    __tablename__ = "console_sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    # The person's name as the messenger gave it when the link was asked for (shown to colleagues).
    name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in browser: the cookie's id is stored hashed, with the CSRF token of its forms."""

    __tablename__ = "console_sessions"
    __table_args__ = (Index("ix_console_sessions_person", "platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(128))
    csrf_token: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class TicketNote(Base):
    """An internal note on a ticket (staff only; never reaches the donor)."""

    __tablename__ = "ticket_notes"
    __table_args__ = (Index("ix_ticket_notes_ticket_created", "ticket_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_name: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
