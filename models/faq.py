"""Questions people typed and what the FAQ did with them; questions sent to the staff chat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class FaqQuery(Base):
    """One question typed in the chat (or one FAQ entry opened from the menu).

    `text` is kept only while it may still go to a staff member: it is cleared when the person
    says the answer helped. `staff_message_id` is the card in the staff chat; a staff member's
    reply to that card is relayed to the person without the staff member's name. A card is
    bound to one question only (platform, chat, message): when a staff chat's message ids
    repeat, the newest card takes the binding. `staff_post_at` is the last attempt to post the
    card (a claim: set before sending, committed; a card still missing after a while is
    posted again)."""

    __tablename__ = "faq_queries"
    __table_args__ = (
        UniqueConstraint("platform", "staff_chat_id", "staff_message_id", name="uq_faq_queries_staff_card"),
        Index("ix_faq_queries_pending_card", "asked_staff_at", "staff_message_id"),
        Index("ix_faq_queries_entry_at", "entry_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # confident | suggest | none | long | view (opened from the menu) | direct (typed for staff)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    entry_id: Mapped[str | None] = mapped_column(String(64))
    score: Mapped[float | None] = mapped_column(Float)
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    # Where the question came from when it was not typed free (e.g. the eligibility result).
    context: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    asked_staff_at: Mapped[datetime | None] = mapped_column()
    staff_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger)
    staff_post_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    answered_by: Mapped[int | None] = mapped_column(BigInteger)
    answers: Mapped[int] = mapped_column(default=0)
