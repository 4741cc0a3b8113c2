"""Who wants which news: topics per user, their province, and /stop.

Defaults (for a user who never opened the settings): news about campaigns they gave to and
about their province are on — they concern the user's own gifts and region — while general
announcements (new campaigns, calls for volunteers) wait for an explicit opt-in. `/stop` turns
everything off in one step (and `everyone` broadcasts skip the user too) until they turn a topic
back on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import Subscription, Topic
from models.db import dialect_module
from models.donation import Donation, DonationStatus
from models.user import User

TOPICS: tuple[Topic, ...] = (
    Topic.NEW_CAMPAIGNS,
    Topic.CAMPAIGN_UPDATES,
    Topic.PROVINCE_NEWS,
    Topic.VOLUNTEER_CALLS,
)
DEFAULTS: dict[Topic, bool] = {
    Topic.NEW_CAMPAIGNS: False,
    Topic.CAMPAIGN_UPDATES: True,
    Topic.PROVINCE_NEWS: True,
    Topic.VOLUNTEER_CALLS: False,
}


@dataclass(frozen=True, slots=True)
class Preferences:
    topics: dict[Topic, bool]
    province_id: str | None
    stopped: bool

    def on(self, topic: Topic) -> bool:
        return not self.stopped and self.topics[topic]


def topic_key(topic: Topic) -> str:
    """The text key of a topic's name («پویش‌های تازه»)."""
    return f"subscriptions-topic-{topic.value.replace('_', '-')}"


def _column(topic: Topic) -> ColumnElement[bool]:
    column: ColumnElement[bool] = getattr(Subscription, topic.value)
    return column


def wants(topic: Topic) -> ColumnElement[bool]:
    """SQL: the user (LEFT JOINed to `Subscription`) wants `topic`; NULL row → the default."""
    return func.coalesce(_column(topic), true() if DEFAULTS[topic] else false()) == true()


def not_stopped() -> ColumnElement[bool]:
    return Subscription.stopped_at.is_(None)


def in_province(province_id: str) -> ColumnElement[bool]:
    """The user chose this province, or gave to it (a paid donation for that province)."""
    donated_here = select(Donation.user_id).where(
        Donation.province_id == province_id, Donation.status == DonationStatus.PAID.value
    )
    return or_(Subscription.province_id == province_id, User.id.in_(donated_here))


def donated_to(campaign_id: int) -> ColumnElement[bool]:
    donors = select(Donation.user_id).where(
        Donation.campaign_id == campaign_id, Donation.status == DonationStatus.PAID.value
    )
    return User.id.in_(donors)


def province_subscribers(province_id: str) -> ColumnElement[bool]:
    return and_(wants(Topic.PROVINCE_NEWS), in_province(province_id))


async def get(session: AsyncSession, user_db_id: int) -> Preferences:
    row = await session.get(Subscription, user_db_id, populate_existing=True)
    if row is None:
        return Preferences(topics=dict(DEFAULTS), province_id=None, stopped=False)
    return Preferences(
        topics={topic: bool(getattr(row, topic.value)) for topic in TOPICS},
        province_id=row.province_id,
        stopped=row.stopped_at is not None,
    )


async def _upsert(session: AsyncSession, user_db_id: int, values: dict[str, object]) -> None:
    """Insert the row with the defaults overridden by `values`, or update just `values` — one
    statement, so two quick presses on two workers cannot both insert."""
    dialect = dialect_module(session.get_bind().dialect.name)
    initial: dict[str, object] = {topic.value: DEFAULTS[topic] for topic in TOPICS}
    initial.update(values)
    statement = dialect.insert(Subscription).values(user_id=user_db_id, **initial)
    statement = statement.on_conflict_do_update(index_elements=[Subscription.user_id], set_=values)
    await session.execute(statement)


async def set_topic(
    session: AsyncSession, user_db_id: int, topic: Topic, on: bool, *, now: datetime
) -> Preferences:
    """Turn one topic on or off. Turning any topic on undoes /stop (the other topics stay off);
    turning one off that was on is counted (`last_topic_off_at`) as unsubscribing."""
    values: dict[str, object] = {topic.value: on, "updated_at": now}
    if on:
        values["stopped_at"] = None
        values["stopped_by_broadcast"] = None
    elif (await get(session, user_db_id)).on(topic):
        values["last_topic_off_at"] = now
    await _upsert(session, user_db_id, values)
    return await get(session, user_db_id)


async def toggle(session: AsyncSession, user_db_id: int, topic: Topic, *, now: datetime) -> Preferences:
    current = await get(session, user_db_id)
    return await set_topic(session, user_db_id, topic, not current.on(topic), now=now)


async def set_province(
    session: AsyncSession, user_db_id: int, province_id: str | None, *, now: datetime
) -> Preferences:
    await _upsert(session, user_db_id, {"province_id": province_id, "updated_at": now})
    return await get(session, user_db_id)


async def stop_all(
    session: AsyncSession, user_db_id: int, *, now: datetime, broadcast_id: int | None = None
) -> bool:
    """Unsubscribe from everything in one step. False when the user had already stopped."""
    current = await get(session, user_db_id)
    if current.stopped:
        return False
    values: dict[str, object] = {topic.value: False for topic in TOPICS}
    values.update(stopped_at=now, last_stop_at=now, stopped_by_broadcast=broadcast_id, updated_at=now)
    await _upsert(session, user_db_id, values)
    return True


async def resume_defaults(session: AsyncSession, user_db_id: int, *, now: datetime) -> Preferences:
    """Back to the default topics after /stop (the "come back" button)."""
    values: dict[str, object] = {topic.value: DEFAULTS[topic] for topic in TOPICS}
    values.update(stopped_at=None, stopped_by_broadcast=None, updated_at=now)
    await _upsert(session, user_db_id, values)
    return await get(session, user_db_id)


async def count_stopped_by(session: AsyncSession, broadcast_id: int) -> int:
    """How many recipients unsubscribed with the button under this broadcast."""
    total = await session.scalar(
        select(func.count())
        .select_from(Subscription)
        .where(Subscription.stopped_by_broadcast == broadcast_id)
    )
    return int(total or 0)
