"""How much one person may send to the working group, and the people it blocked.

Every flow that reaches the staff chat asks here first: questions to a staff member ("ask a
person"), new tickets, follow-ups on tickets. A person blocked from a card («⛔ مسدود کردن این
فرد») reaches none of them until unblocked; otherwise each kind has a quota in a sliding
window (counted from what the database already holds: the questions sent, the tickets filed,
the follow-ups recorded) and questions and tickets a cooldown between two. A refusal says when
the person may try again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol, cast

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.faq import FaqQuery
from models.staff import BlockedUser
from models.tickets import Direction, Ticket, TicketMessage


class Refusal(StrEnum):
    BLOCKED = "blocked"
    QUOTA = "quota"
    COOLDOWN = "cooldown"


class LimitConfig(Protocol):
    """What the settings say about the quotas (bot.settings.LimitSettings)."""

    staff_questions_per_hour: int
    tickets_per_day: int
    followups_per_hour: int
    staff_cooldown_seconds: int


@dataclass(frozen=True, slots=True)
class Limits:
    questions_per_hour: int
    tickets_per_day: int
    followups_per_hour: int
    cooldown_seconds: int

    @classmethod
    def of(cls, config: LimitConfig) -> Limits:
        return cls(
            questions_per_hour=config.staff_questions_per_hour,
            tickets_per_day=config.tickets_per_day,
            followups_per_hour=config.followups_per_hour,
            cooldown_seconds=config.staff_cooldown_seconds,
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """`refusal` None: allowed. Otherwise why, and (quota, cooldown) from when it is allowed."""

    refusal: Refusal | None = None
    retry_at: datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


ALLOWED = Verdict()
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- blocks ---------------------------------------------------------------------------------


async def is_blocked(session: AsyncSession, *, platform: str, user_id: int) -> bool:
    return await session.scalar(_BLOCKED, {"w_platform": platform, "w_user": user_id}) is not None


# Statements checked before every ticket and question, built once (building one cost about as
# much as running it), on the tables: no ORM object is loaded, so the ORM's query machinery
# is not needed (the block check's sampled CPU: −40 %, python -m benchmarks.profile_mix --postgres).
_BLOCKED_USERS = cast(Table, BlockedUser.__table__)
_BLOCKED = select(_BLOCKED_USERS.c.user_id).where(
    _BLOCKED_USERS.c.platform == bindparam("w_platform"), _BLOCKED_USERS.c.user_id == bindparam("w_user")
)
_TICKETS = cast(Table, Ticket.__table__)
_RECENT_TICKETS = (
    select(_TICKETS.c.created_at)
    .where(_TICKETS.c.user_id == bindparam("w_user"), _TICKETS.c.created_at > bindparam("w_since"))
    .order_by(_TICKETS.c.created_at.desc())
)


async def block(
    session: AsyncSession, *, platform: str, user_id: int, by: int, reason: str, now: datetime
) -> bool:
    """Block the person; False when they already were."""
    if await is_blocked(session, platform=platform, user_id=user_id):
        return False
    try:
        async with session.begin_nested():
            session.add(
                BlockedUser(
                    platform=platform, user_id=user_id, blocked_by=by, reason=reason[:64], blocked_at=now
                )
            )
            await session.flush()
    except IntegrityError:
        return False  # blocked at the same moment from another card
    return True


async def unblock(session: AsyncSession, *, platform: str, user_id: int) -> bool:
    """Lift the block; False when there was none."""
    result = await session.execute(
        delete(BlockedUser).where(BlockedUser.platform == platform, BlockedUser.user_id == user_id)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# -- quotas ---------------------------------------------------------------------------------


def _window_verdict(
    times: list[datetime], *, now: datetime, quota: int, window: timedelta, cooldown: int
) -> Verdict:
    """`times`: the person's earlier sends inside the window, newest first."""
    if quota and len(times) >= quota:
        # The send that keeps the count at the quota must leave the window first.
        return Verdict(Refusal.QUOTA, _utc(times[quota - 1]) + window)
    if cooldown and times and _utc(times[0]) + timedelta(seconds=cooldown) > now:
        return Verdict(Refusal.COOLDOWN, _utc(times[0]) + timedelta(seconds=cooldown))
    return ALLOWED


async def question_verdict(
    session: AsyncSession, *, platform: str, user_id: int, now: datetime, limits: Limits
) -> Verdict:
    """May this person send one more question to a staff member now?"""
    if await is_blocked(session, platform=platform, user_id=user_id):
        return Verdict(Refusal.BLOCKED)
    if not (limits.questions_per_hour or limits.cooldown_seconds):
        return ALLOWED
    window = max(HOUR, timedelta(seconds=limits.cooldown_seconds))
    rows = await session.scalars(
        select(FaqQuery.asked_staff_at)
        .where(
            FaqQuery.platform == platform,
            FaqQuery.user_id == user_id,
            FaqQuery.asked_staff_at.is_not(None),
            FaqQuery.asked_staff_at > now - window,
        )
        .order_by(FaqQuery.asked_staff_at.desc())
    )
    times = [moment for moment in rows if moment is not None]
    hourly = [moment for moment in times if _utc(moment) > now - HOUR]
    verdict = _window_verdict(hourly, now=now, quota=limits.questions_per_hour, window=HOUR, cooldown=0)
    if not verdict.allowed:
        return verdict
    return _window_verdict(times, now=now, quota=0, window=window, cooldown=limits.cooldown_seconds)


async def ticket_verdict(
    session: AsyncSession, *, platform: str, user_id: int, user_db_id: int, now: datetime, limits: Limits
) -> Verdict:
    """May this person file one more ticket now?"""
    if await is_blocked(session, platform=platform, user_id=user_id):
        return Verdict(Refusal.BLOCKED)
    if not (limits.tickets_per_day or limits.cooldown_seconds):
        return ALLOWED
    window = max(DAY, timedelta(seconds=limits.cooldown_seconds))
    times = list(await session.scalars(_RECENT_TICKETS, {"w_user": user_db_id, "w_since": now - window}))
    daily = [moment for moment in times if _utc(moment) > now - DAY]
    verdict = _window_verdict(daily, now=now, quota=limits.tickets_per_day, window=DAY, cooldown=0)
    if not verdict.allowed:
        return verdict
    return _window_verdict(times, now=now, quota=0, window=window, cooldown=limits.cooldown_seconds)


async def followup_verdict(
    session: AsyncSession, *, platform: str, user_id: int, user_db_id: int, now: datetime, limits: Limits
) -> Verdict:
    """May this person add one more message to their tickets now?"""
    if await is_blocked(session, platform=platform, user_id=user_id):
        return Verdict(Refusal.BLOCKED)
    if not limits.followups_per_hour:
        return ALLOWED
    rows = await session.scalars(
        select(TicketMessage.created_at)
        .join(Ticket, Ticket.id == TicketMessage.ticket_id)
        .where(
            Ticket.user_id == user_db_id,
            TicketMessage.direction == Direction.DONOR.value,
            TicketMessage.filing.is_(False),
            TicketMessage.created_at > now - HOUR,
        )
        .order_by(TicketMessage.created_at.desc())
        .limit(limits.followups_per_hour)
    )
    return _window_verdict(list(rows), now=now, quota=limits.followups_per_hour, window=HOUR, cooldown=0)
