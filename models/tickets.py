"""Donors' tickets to the working group (کارگروه): the ticket, its conversation, the staff-chat
messages that belong to it, and the per-year number sequence.

A ticket number looks like `T-1405-000123`: a prefix, the Jalali year of creation and a per-year
sequence drawn from `ticket_sequences` by one atomic upsert (safe under concurrent workers on
SQLite and PostgreSQL). Names are kept only when the donor did not ask to stay anonymous.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class TicketCategory(StrEnum):
    PAYMENT = "payment"  # پرداخت یا رسید
    TRANSPARENCY = "transparency"  # شفافیت پویش
    CONDUCT = "conduct"  # رفتار کارکنان
    DOWRY = "dowry"  # روند جهیزیه
    TECHNICAL = "technical"  # مشکل فنی
    SUGGESTION = "suggestion"  # پیشنهاد
    OTHER = "other"  # سایر


class TicketStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    ANSWERED = "answered"
    CLOSED = "closed"


OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED)
# Statuses in which the working group owes the donor an action (the SLA clock runs).
AWAITING_STAFF = (TicketStatus.NEW, TicketStatus.IN_PROGRESS)


# Awaiting staff first, then answered, then closed. Written with its values inline (never as
# query parameters) so that both databases match the queue's ORDER BY to ix_tickets_queue_order.
QUEUE_RANK_SQL = (
    "CASE WHEN status IN ('new', 'in_progress') THEN 0 WHEN status = 'answered' THEN 1 ELSE 2 END"
)


class Direction(StrEnum):
    DONOR = "donor"
    STAFF = "staff"


class LinkKind(StrEnum):
    """What a bot message linked to a ticket is (a reply to any of them reaches the ticket)."""

    CARD = "card"
    RELAY = "relay"  # a donor's message relayed to the staff chat
    PROMPT = "prompt"  # "send your answer" after pressing Reply
    REMINDER = "reminder"
    NOTICE = "notice"  # a status notice in either chat
    ANSWER = "answer"  # an operator's answer relayed to the donor
    CONFIRMATION = "confirmation"  # the donor's "ticket registered" message


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_range"),
        # The queue: its filters, counts and order read from this index alone (no table rows).
        Index("ix_tickets_queue", "status", "waiting_since", "assignee_id", "anonymous", "created_at"),
        Index("ix_tickets_user_created", "user_id", "created_at"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_updated_at", "updated_at"),  # the console's live-update stamp
        Index("ix_tickets_seq", "seq"),  # search by a ticket number's digits
        Index("ix_tickets_donation_id", "donation_id"),  # search by receipt number
        # PostgreSQL: a page of the queue is the next few entries of this index, in the queue's
        # order (SQLite's planner keeps ix_tickets_queue and sorts: as fast there at 100,000).
        Index(
            "ix_tickets_queue_order",
            text(f"({QUEUE_RANK_SQL})"),
            text("(coalesce(waiting_since, created_at))"),
            "id",
        ).ddl_if(dialect="postgresql"),
        # A province office's queue and counts (services.scopes).
        Index("ix_tickets_province_status", "province_id", "status"),
        Index("ix_tickets_created_figures", "created_at", "first_answer_seconds", "rating"),  # the dashboard
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    # Idempotency of filing: the draft's random key (a confirm pressed twice makes one ticket).
    draft_key: Mapped[str] = mapped_column(String(32), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=TicketStatus.NEW.value)
    description: Mapped[str] = mapped_column(Text)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    # Shown to staff only when not anonymous (first and last name, @username).
    donor_name: Mapped[str | None] = mapped_column(String(160))
    contact_mobile: Mapped[str | None] = mapped_column(String(11))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    # The province office the ticket belongs to: the linked donation's province (its own, else
    # its campaign's); NULL (nationwide) is seen by national staff only.
    province_id: Mapped[str | None] = mapped_column(String(16))
    # Where the ticket lives: the staff chat (routed by category), its card, its forum topic.
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger)
    topic_id: Mapped[int | None] = mapped_column(BigInteger)
    # The database-level guard for posting to the staff chat (one topic and one card per ticket,
    # each donor message relayed once): a worker claims the ticket, posts, stores, releases.
    post_claim: Mapped[str | None] = mapped_column(String(32))
    post_claimed_at: Mapped[datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(BigInteger)
    assignee_name: Mapped[str | None] = mapped_column(String(128))
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    # Why a low rating (1–2) was given, when the donor chose to say.
    rating_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # SLA: since when the working group owes an action (None: the donor's turn, or closed).
    waiting_since: Mapped[datetime | None]
    last_staff_action_at: Mapped[datetime | None]
    last_reminder_at: Mapped[datetime | None]
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime | None]
    # Kept by the database (services.ticket_answers): seconds from filing to the first staff
    # message or «answered», whichever came first.
    first_answer_seconds: Mapped[int | None] = mapped_column(Integer)
    closed_at: Mapped[datetime | None]


# PostgreSQL compares words byte by byte ("C"), so a prefix is a range of the index.
SEARCH_WORD = String(32).with_variant(String(32, collation="C"), "postgresql")


class TicketWord(Base):
    """A word of a ticket's text (its description and the donor's messages), normalized as
    `services.tickets.search_words` does: the console's search finds tickets by word prefix
    through this table's key instead of reading every text."""

    __tablename__ = "ticket_words"
    # A word's tickets by the key; a ticket's words (checking a search's other words) here.
    __table_args__ = (Index("ix_ticket_words_ticket_word", "ticket_id", "word"),)

    word: Mapped[str] = mapped_column(SEARCH_WORD, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True)


class TicketMessage(Base):
    """One message of a ticket's conversation: the donor's attachments and follow-ups, the
    operators' answers. `source_*` is the original message (a redelivered update is recorded
    once); `delivered` is False when the other side could not be reached (blocked bot)."""

    __tablename__ = "ticket_messages"
    __table_args__ = (
        UniqueConstraint("source_chat_id", "source_message_id"),
        Index("ix_ticket_messages_ticket_created", "ticket_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(255))
    source_chat_id: Mapped[int] = mapped_column(BigInteger)
    source_message_id: Mapped[int] = mapped_column(BigInteger)
    # The operator who answered (kept for the audit trail, never shown to the donor).
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    # An attachment sent while filing (relayed after the card), not a later follow-up.
    filing: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered: Mapped[bool] = mapped_column(Boolean, default=True)
    failure: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketLink(Base):
    """A bot message (in the staff chat or the donor's chat) that belongs to a ticket: one
    ticket per (platform, chat, message). When a chat's message ids repeat (a restored backup,
    a chat migrated to a supergroup, a second bot on one database), the newest message takes
    the binding; an older ticket is never reached through it."""

    __tablename__ = "ticket_links"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TicketSequence(Base):
    """The last ticket number handed out in a Jalali year."""

    __tablename__ = "ticket_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)
