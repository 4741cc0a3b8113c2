"""Where a person is in the dowry-kit questionnaire, kept apart from the conversation state so
/start and /cancel (which clear that state) do not lose a half-finished questionnaire."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class EligibilityProgress(Base):
    """One unfinished questionnaire per person. Deleted when the result is shown."""

    __tablename__ = "eligibility_progress"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[int] = mapped_column(BigInteger)
    rulebook_version: Mapped[str] = mapped_column(String(64))
    # services.eligibility.State.to_dict(): the answers so far and the current question.
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    # questions | province | county: the questions, then the region for the office.
    stage: Mapped[str] = mapped_column(String(16), default="questions")
    province_id: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
