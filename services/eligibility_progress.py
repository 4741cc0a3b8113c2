"""A person's unfinished dowry-kit questionnaire, kept in its own table.

The conversation state (FSM) is cleared by /start and /cancel; this record is not, so the bot
can offer to continue where the person stopped. It holds the screener's JSON state, the stage
(the questions, then province and county for the office) and is deleted when the result is
shown. Records older than :data:`KEEP_DAYS` are not offered and are removed when met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.eligibility import EligibilityProgress
from services.eligibility import State

KEEP_DAYS = 30
Stage = Literal["questions", "province", "county"]


@dataclass(frozen=True, slots=True)
class Progress:
    state: State
    stage: Stage
    province_id: str | None
    updated_at: datetime


async def load(session: AsyncSession, *, platform: str, user_id: int, now: datetime) -> Progress | None:
    record = await session.scalar(
        select(EligibilityProgress).where(
            EligibilityProgress.platform == platform, EligibilityProgress.user_id == user_id
        )
    )
    if record is None:
        return None
    if record.updated_at < now - timedelta(days=KEEP_DAYS):
        await session.delete(record)
        await session.flush()
        return None
    stage: Stage = record.stage if record.stage in ("questions", "province", "county") else "questions"  # type: ignore[assignment]
    return Progress(State.from_dict(record.state), stage, record.province_id, record.updated_at)


async def save(
    session: AsyncSession,
    *,
    platform: str,
    user_id: int,
    state: State,
    now: datetime,
    stage: Stage = "questions",
    province_id: str | None = None,
) -> None:
    record = await session.scalar(
        select(EligibilityProgress).where(
            EligibilityProgress.platform == platform, EligibilityProgress.user_id == user_id
        )
    )
    if record is None:
        record = EligibilityProgress(platform=platform, user_id=user_id)
        session.add(record)
    record.rulebook_version = state.version
    record.state = state.to_dict()
    record.stage = stage
    record.province_id = province_id
    record.updated_at = now
    await session.flush()


async def forget(session: AsyncSession, *, platform: str, user_id: int) -> None:
    await session.execute(
        delete(EligibilityProgress).where(
            EligibilityProgress.platform == platform, EligibilityProgress.user_id == user_id
        )
    )


async def forget_stale(session: AsyncSession, *, now: datetime) -> int:
    """Delete questionnaires untouched for KEEP_DAYS, and commit; returns how many."""
    result = await session.execute(
        delete(EligibilityProgress).where(EligibilityProgress.updated_at < now - timedelta(days=KEEP_DAYS))
    )
    await session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
