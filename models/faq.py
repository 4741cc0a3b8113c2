"""The FAQ's entries, topics and their history; questions people typed and what the FAQ did with
them; questions sent to the staff chat."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, String, Text, UniqueConstraint
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
        Index("ix_faq_queries_created_kind", "created_at", "kind"),
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
    # The staff's latest answer (masked), offered as a new entry's answer in the learning loop.
    staff_answer: Mapped[str | None] = mapped_column(Text)


class FaqTopic(Base):
    """A topic the FAQ's entries are grouped under (seeded from data/faq.yaml)."""

    __tablename__ = "faq_topics"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_fa: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    position: Mapped[int] = mapped_column(default=0)


class FaqEntry(Base):
    """One FAQ entry as the chat answers it: the database is the FAQ's source of truth
    (data/faq.yaml is the first run's seed and the import/export format). `revision` is the
    number of the entry's latest FaqRevision: an edit made from an older one is refused."""

    __tablename__ = "faq_entries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    question_fa: Mapped[str] = mapped_column(Text)
    question_en: Mapped[str] = mapped_column(Text)
    # {"fa": [...], "en": [...]}: other ways people ask the same question.
    alternatives: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    answer_fa: Mapped[str] = mapped_column(Text)
    answer_en: Mapped[str] = mapped_column(Text)
    # The main-menu section whose button is shown under the answer.
    action: Mapped[str | None] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqRevision(Base):
    """One change to an entry: who, when, what (the entry before and after, as in faq.yaml;
    None before a creation and after a deletion). Any revision's `after` can be restored."""

    __tablename__ = "faq_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "number", name="uq_faq_revisions_entry_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column()
    # seed | create | edit | delete | revert | phrasing | import
    action: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # For a revert: the revision whose content was restored.
    restored: Mapped[int | None] = mapped_column()


class FaqCatalog(Base):
    """One row: the FAQ's version, raised by every change. Each worker compares it with the
    version its index was built from and rebuilds when it moved (services.faq_live)."""

    __tablename__ = "faq_catalog"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
