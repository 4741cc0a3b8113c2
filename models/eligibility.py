"""Where a person is in the dowry-kit questionnaire, kept apart from the conversation state so
/start and /cancel (which clear that state) do not lose a half-finished questionnaire; the
rulebook's versions; the results shown (anonymous)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class EligibilityProgress(Base):
    """One unfinished questionnaire per person. Deleted when the result is shown."""

    __tablename__ = "eligibility_progress"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    # The rulebook version (EligibilityRulebook.number) the questionnaire started on: it finishes
    # on that version even when a newer one takes effect meanwhile.
    rulebook_version: Mapped[str] = mapped_column(String(64))
    # services.eligibility.State.to_dict(): the answers so far and the current question.
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    # questions | province | county: the questions, then the region for the office.
    stage: Mapped[str] = mapped_column(String(16), default="questions")
    province_id: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class EligibilityRulebook(Base):
    """One version of the whole dowry-kit rulebook: the validated document (the questions,
    rules and outcomes of data/eligibility.yaml under "rulebook", the offices of
    data/offices.yaml under "offices"), who made it and why. A document never changes once
    written; a change is a new version. A draft becomes published with an effective moment; the
    chat uses the newest published version whose moment has passed
    (services.eligibility_admin.in_force)."""

    __tablename__ = "eligibility_rulebooks"

    # The version's number: 1 is the seed, each new version the newest plus one (two colleagues
    # saving at once cannot both take the same number).
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    # seed | edit | revert
    action: Mapped[str] = mapped_column(String(16))
    # The version this one was made from (None for the seed); for a revert, the restored one.
    based_on: Mapped[int | None] = mapped_column()
    # What the change touched, e.g. "rule:bride_adult" (shown in the version list).
    change: Mapped[str] = mapped_column(String(128), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int] = mapped_column(BigInteger)
    actor_name: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None while a draft; set when published.
    effective_at: Mapped[datetime | None] = mapped_column(index=True)
    published_at: Mapped[datetime | None] = mapped_column()
    published_by: Mapped[str | None] = mapped_column(String(128))


class EligibilityResult(Base):
    """A result the chat showed, without the person or their answers: which outcome, under which
    rulebook version, for which county (if named). For counts per version in the console."""

    __tablename__ = "eligibility_results"
    __table_args__ = (Index("ix_eligibility_results_version", "rulebook_version", "outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rulebook_version: Mapped[int] = mapped_column()
    outcome: Mapped[str] = mapped_column(String(16))
    county_id: Mapped[str | None] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(default=utcnow)
