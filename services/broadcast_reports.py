"""Broadcasts in the staff tools: the «📣 پیام‌های همگانی» section of /stats, the «subscribers»
and «broadcasts» exports (admins only), and the outbox backlog on /health.

Figures for a period count what happened in it: broadcasts whose sending began, messages whose
final answer (delivered, failed, blocked) was recorded (`OutboxItem.answered_at`), people who
used /stop (or 🔕 under a broadcast) or turned a topic off. Subscribers are counted as they are
now: reachable (not blocked) people who have not stopped all news and have the topic on (a
person who never opened the settings has the defaults).

The exports show a person only as the bot's internal number (as the donations export does): no
messenger id, name or phone number leaves the database; a broadcast's author only as their role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import Broadcast, BroadcastStatus, OutboxItem, OutboxStatus, Subscription
from models.user import User
from services import broadcasts, regions, subscriptions
from services.exports import Cell, ExportRequest, ExportTable, exporter
from services.health import BacklogProbe
from services.roles import Role
from services.staff_reports import StaffReports
from services.stats import Periods, StatsLine, StatsSection
from services.subscriptions import TOPICS

WAITING = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)
ANSWERED = (OutboxStatus.SENT.value, OutboxStatus.FAILED.value, OutboxStatus.BLOCKED.value)


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    broadcasts: int = 0  # whose sending began in the period (staff broadcasts and notices)
    delivered: int = 0
    failed: int = 0
    blocked: int = 0
    unsubscribed: int = 0  # people who did either of the two below (counted once)
    stopped: int = 0  # used /stop or 🔕
    topic_off: int = 0  # turned a topic off


@dataclass(frozen=True, slots=True)
class BroadcastFigures:
    periods: dict[str, PeriodFigures]  # today, week, month
    subscribers: dict[str, int]  # per topic (Topic values), now
    reachable: int  # not blocked and not stopped: who an «everyone» broadcast reaches
    stopped_all: int  # not blocked, stopped all news
    blocked: int  # blocked the bot
    backlog: int  # outbox rows waiting or in flight
    in_progress: int  # broadcasts sending or paused
    scheduled: int

    @property
    def empty(self) -> bool:
        """Nothing to tell: nobody has talked to the bot and nothing was ever broadcast."""
        return (
            self.reachable
            + self.stopped_all
            + self.blocked
            + self.backlog
            + self.in_progress
            + self.scheduled
            == 0
            and all(figures == PeriodFigures() for figures in self.periods.values())
        )


def _starts(periods: Periods) -> dict[str, datetime]:
    return {"today": periods.today, "week": periods.week, "month": periods.month}


def _since(column: Any, start: datetime) -> ColumnElement[int]:
    return func.sum(sql_case((column >= start, 1), else_=0))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(sql_case((condition, 1), else_=0))


def _int(value: Any) -> int:
    return int(value or 0)


async def broadcast_figures(session: AsyncSession, periods: Periods) -> BroadcastFigures:
    starts = _starts(periods)
    earliest = min(starts.values())  # the week may begin before the month

    started = (
        await session.execute(
            select(*(_since(Broadcast.started_at, start) for start in starts.values())).where(
                Broadcast.started_at >= earliest
            )
        )
    ).one()
    answers: dict[str, dict[str, int]] = {name: {} for name in starts}
    rows = await session.execute(
        select(OutboxItem.status, *(_since(OutboxItem.answered_at, start) for start in starts.values()))
        .where(OutboxItem.answered_at >= earliest, OutboxItem.status.in_(ANSWERED))
        .group_by(OutboxItem.status)
    )
    for status, *counts in rows:
        for name, count in zip(starts, counts, strict=True):
            answers[name][str(status)] = _int(count)
    left = (
        await session.execute(
            select(
                *(
                    column
                    for start in starts.values()
                    for column in (
                        _count_if(
                            or_(Subscription.last_stop_at >= start, Subscription.last_topic_off_at >= start)
                        ),
                        _since(Subscription.last_stop_at, start),
                        _since(Subscription.last_topic_off_at, start),
                    )
                )
            ).where(or_(Subscription.last_stop_at >= earliest, Subscription.last_topic_off_at >= earliest))
        )
    ).one()
    figures = {
        name: PeriodFigures(
            broadcasts=_int(started[index]),
            delivered=answers[name].get(OutboxStatus.SENT.value, 0),
            failed=answers[name].get(OutboxStatus.FAILED.value, 0),
            blocked=answers[name].get(OutboxStatus.BLOCKED.value, 0),
            unsubscribed=_int(left[3 * index]),
            stopped=_int(left[3 * index + 1]),
            topic_off=_int(left[3 * index + 2]),
        )
        for index, name in enumerate(starts)
    }

    reachable = and_(User.is_blocked.is_(False), subscriptions.not_stopped())
    audience = (
        await session.execute(
            select(
                *(_count_if(and_(reachable, subscriptions.wants(topic))) for topic in TOPICS),
                _count_if(reachable),
                _count_if(and_(User.is_blocked.is_(False), Subscription.stopped_at.is_not(None))),
                _count_if(User.is_blocked.is_(True)),
            )
            .select_from(User)
            .outerjoin(Subscription, Subscription.user_id == User.id)
        )
    ).one()
    by_status = dict(
        (
            await session.execute(
                select(Broadcast.status, func.count(Broadcast.id))
                .where(
                    Broadcast.status.in_(
                        [
                            s.value
                            for s in (
                                BroadcastStatus.SENDING,
                                BroadcastStatus.PAUSED,
                                BroadcastStatus.SCHEDULED,
                            )
                        ]
                    )
                )
                .group_by(Broadcast.status)
            )
        ).all()
    )
    return BroadcastFigures(
        periods=figures,
        subscribers={topic.value: _int(audience[index]) for index, topic in enumerate(TOPICS)},
        reachable=_int(audience[len(TOPICS)]),
        stopped_all=_int(audience[len(TOPICS) + 1]),
        blocked=_int(audience[len(TOPICS) + 2]),
        backlog=await outbox_backlog(session),
        in_progress=_int(by_status.get(BroadcastStatus.SENDING.value))
        + _int(by_status.get(BroadcastStatus.PAUSED.value)),
        scheduled=_int(by_status.get(BroadcastStatus.SCHEDULED.value)),
    )


async def outbox_backlog(session: AsyncSession) -> int:
    """Recipients waiting for their message (or with a send in flight)."""
    return _int(await session.scalar(select(func.count(OutboxItem.id)).where(OutboxItem.status.in_(WAITING))))


async def stats_section(session: AsyncSession, periods: Periods) -> list[StatsLine]:
    figures = await broadcast_figures(session, periods)
    if figures.empty:
        return []
    lines = [
        StatsLine(
            f"broadcast-stats-{name}",
            {
                "broadcasts": period.broadcasts,
                "delivered": period.delivered,
                "failed": period.failed,
                "blocked": period.blocked,
                "unsubscribed": period.unsubscribed,
            },
        )
        for name, period in figures.periods.items()
    ]
    month = figures.periods["month"]
    lines += [
        StatsLine(
            "broadcast-stats-unsubscribed-month", {"stopped": month.stopped, "topics": month.topic_off}
        ),
        StatsLine("broadcast-stats-topics", dict(figures.subscribers)),
        StatsLine(
            "broadcast-stats-audience",
            {"reachable": figures.reachable, "stopped": figures.stopped_all, "blocked": figures.blocked},
        ),
        StatsLine(
            "broadcast-stats-backlog",
            {"pending": figures.backlog, "active": figures.in_progress, "scheduled": figures.scheduled},
        ),
    ]
    return lines


# --- exports ------------------------------------------------------------------------------


def _between(column: Any, request: ExportRequest) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if request.start is not None:
        conditions.append(column >= request.start)
    if request.end is not None:
        conditions.append(column < request.end)
    return conditions


class _Labels:
    """Each text key formatted once per export."""

    def __init__(self, request: ExportRequest) -> None:
        self.text = request.text
        self._seen: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        if key not in self._seen:
            self._seen[key] = self.text(key)
        return self._seen[key]


SUBSCRIBER_COLUMNS = (
    "user",
    "platform",
    "language",
    "province",
    "topics",
    "state",
    "stopped",
    "since",
    "changed",
)


async def subscribers_export(session: AsyncSession, request: ExportRequest) -> ExportTable:
    """One row per person who talked to the bot (since: their first message, within the
    request's dates): language, province, the topics they receive, active or blocked, /stop."""
    label = _Labels(request)
    rows = await session.execute(
        select(
            User.id,
            User.platform,
            User.language,
            User.first_seen,
            User.is_blocked,
            Subscription.province_id,
            Subscription.stopped_at,
            Subscription.updated_at,
            *(getattr(Subscription, topic.value) for topic in TOPICS),
        )
        .outerjoin(Subscription, Subscription.user_id == User.id)
        .where(*_between(User.first_seen, request))
        .order_by(User.id)
        .limit(request.limit + 1)
    )
    data = regions.default_regions()
    out: list[Sequence[Cell]] = []
    for row in rows:
        user_id, platform, language, first_seen, blocked, province_id, stopped_at, changed = row[:8]
        chosen = row[8:]
        stopped = stopped_at is not None
        topics = [
            label(subscriptions.topic_key(topic))
            for topic, value in zip(TOPICS, chosen, strict=True)
            if not stopped and (subscriptions.DEFAULTS[topic] if value is None else value)
        ]
        province = data.find_province(province_id) if province_id else None
        out.append(
            (
                user_id,
                label(f"broadcast-export-platform-{platform}"),
                label(f"broadcast-export-language-{language}")
                if language in broadcasts.LANGUAGES
                else language,
                province.name(request.locale) if province else "",
                "، ".join(topics) if request.locale == "fa" else ", ".join(topics),
                label("broadcast-export-blocked" if blocked else "broadcast-export-active"),
                stopped_at,
                first_seen,
                changed,
            )
        )
    headers = [request.text(f"broadcast-export-subscribers-col-{column}") for column in SUBSCRIBER_COLUMNS]
    return ExportTable(headers, out[: request.limit], truncated=len(out) > request.limit)


BROADCAST_COLUMNS = (
    "id",
    "kind",
    "author",
    "segment",
    "status",
    "created",
    "scheduled",
    "started",
    "finished",
    "recipients",
    "delivered",
    "failed",
    "blocked",
    "skipped",
    "cancelled",
    "waiting",
    "unsubscribed",
)


async def _outbox_counts(session: AsyncSession, ids: list[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {broadcast_id: {} for broadcast_id in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = await session.execute(
            select(OutboxItem.broadcast_id, OutboxItem.status, func.count(OutboxItem.id))
            .where(OutboxItem.broadcast_id.in_(chunk))
            .group_by(OutboxItem.broadcast_id, OutboxItem.status)
        )
        for broadcast_id, status, count in rows:
            counts[int(broadcast_id)][str(status)] = int(count)
        stopped = await session.execute(
            select(Subscription.stopped_by_broadcast, func.count(Subscription.user_id))
            .where(Subscription.stopped_by_broadcast.in_(chunk))
            .group_by(Subscription.stopped_by_broadcast)
        )
        for by_broadcast, count in stopped:
            if by_broadcast is not None:
                counts[int(by_broadcast)]["unsubscribed"] = int(count)
    return counts


async def broadcasts_export(session: AsyncSession, request: ExportRequest) -> ExportTable:
    """Every broadcast but drafts (created within the request's dates): what, by which role, to
    whom, when, and what became of its recipients."""
    label = _Labels(request)
    found = list(
        await session.scalars(
            select(Broadcast)
            .where(Broadcast.status != BroadcastStatus.DRAFT.value, *_between(Broadcast.created_at, request))
            .order_by(Broadcast.created_at, Broadcast.id)
            .limit(request.limit + 1)
        )
    )
    counts = await _outbox_counts(session, [b.id for b in found[: request.limit]])
    segments: dict[tuple[str, str | None], str] = {}
    out: list[Sequence[Cell]] = []
    for broadcast in found[: request.limit]:
        segment = broadcasts.Segment.of(broadcast)
        key = (segment.kind.value, segment.value)
        if key not in segments:
            segments[key] = await broadcasts.describe_segment(session, segment, request.text, request.locale)
        if broadcast.author_id is None:
            author = label("broadcast-export-author-automatic")
        elif broadcast.author_role and broadcast.author_role in Role._value2member_map_:
            author = label(f"admin-role-{broadcast.author_role.replace('_', '-')}")
        else:
            author = label("broadcast-export-author-unknown")
        outcome = counts.get(broadcast.id, {})
        out.append(
            (
                broadcast.id,
                label(f"broadcast-kind-{broadcast.kind.replace('_', '-')}"),
                author,
                segments[key],
                label(f"broadcast-status-{broadcast.status}"),
                broadcast.created_at,
                broadcast.scheduled_at,
                broadcast.started_at,
                broadcast.finished_at,
                broadcast.total,
                outcome.get(OutboxStatus.SENT.value, 0),
                outcome.get(OutboxStatus.FAILED.value, 0),
                outcome.get(OutboxStatus.BLOCKED.value, 0),
                outcome.get(OutboxStatus.SKIPPED.value, 0),
                outcome.get(OutboxStatus.CANCELLED.value, 0),
                sum(outcome.get(status, 0) for status in WAITING),
                outcome.get("unsubscribed", 0),
            )
        )
    headers = [request.text(f"broadcast-export-broadcasts-col-{column}") for column in BROADCAST_COLUMNS]
    return ExportTable(headers, out, truncated=len(found) > request.limit)


SUBSCRIBERS_EXPORT = exporter(
    "subscribers", "broadcast-export-subscribers-title", subscribers_export, roles=(Role.ADMIN,)
)
BROADCASTS_EXPORT = exporter(
    "broadcasts", "broadcast-export-broadcasts-title", broadcasts_export, roles=(Role.ADMIN,)
)
STAFF_REPORTS = StaffReports(
    exporters=(SUBSCRIBERS_EXPORT, BROADCASTS_EXPORT),
    sections=(StatsSection("broadcasts", "broadcast-stats-title", stats_section, order=30),),
    backlogs=(BacklogProbe("outbox", "broadcast-health-outbox", outbox_backlog),),
)
