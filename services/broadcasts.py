"""Broadcasts: composing, segments, recipients, scheduling and the life of one broadcast.

A broadcast is a row in `broadcasts`; its recipients are written to `broadcast_outbox` in
batches by `fill_batch` (INSERT … SELECT, keyed on the user id, so the recipients never pass
through Python memory and filling twice writes nothing twice). `services.delivery` sends them.

Life: draft → (confirm) → scheduled → sending ⇄ paused → done, or cancelled from any of them.
Every transition is a compare-and-set on the status, so a button pressed twice, or by two
staff at once, acts once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeGuard

from sqlalchemy import ColumnElement, Select, String, and_, cast, func, literal, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import (
    Broadcast,
    BroadcastKind,
    BroadcastStatus,
    ButtonKind,
    OutboxItem,
    OutboxStatus,
    SegmentKind,
    Subscription,
    Topic,
)
from models.db import dialect_module
from models.donation import Campaign, CampaignStatus
from models.user import User
from services import regions, subscriptions
from services.dates import DateProblem, parse_moment
from services.persian import TEHRAN, jalali, normalize_letters

LANGUAGES = ("fa", "en")
LIVE = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING, BroadcastStatus.PAUSED)
FINISHED = (BroadcastStatus.DONE, BroadcastStatus.CANCELLED)


def _is_row_id(value: str | None) -> TypeGuard[str]:
    """ASCII digits that fit a 64-bit column («²» passes `str.isdigit` and fails `int`)."""
    return value is not None and value.isascii() and value.isdigit() and int(value) < 2**63


# --- segments -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    kind: SegmentKind
    value: str | None = None

    @classmethod
    def of(cls, broadcast: Broadcast) -> Segment:
        return cls(SegmentKind(broadcast.segment_kind), broadcast.segment_value)

    def valid(self) -> bool:
        if self.kind is SegmentKind.EVERYONE:
            return self.value is None
        if self.kind is SegmentKind.TOPIC:
            return self.value in Topic._value2member_map_
        if self.kind is SegmentKind.LANGUAGE:
            return self.value in LANGUAGES
        if self.kind in (SegmentKind.DONORS, SegmentKind.LAUNCH):
            return _is_row_id(self.value)
        return bool(self.value)


async def describe_segment(
    session: AsyncSession, segment: Segment, text: Callable[..., str], locale: str
) -> str:
    """«مشترکان «پویش‌های تازه»», «حامیان پویش «یلدای مهربانی»»… in the reader's language."""
    kind, value = segment.kind, segment.value
    if kind is SegmentKind.TOPIC and value in Topic._value2member_map_:
        return text("broadcast-segment-topic", name=text(subscriptions.topic_key(Topic(str(value)))))
    if kind in (SegmentKind.DONORS, SegmentKind.LAUNCH) and _is_row_id(value):
        campaign = await session.get(Campaign, int(value))
        name = campaign.title(locale) if campaign else "?"
        key = "broadcast-segment-donors" if kind is SegmentKind.DONORS else "broadcast-segment-launch"
        return text(key, name=name)
    if kind is SegmentKind.PROVINCE and value:
        province = regions.default_regions().find_province(value)
        return text("broadcast-segment-province", name=province.name(locale) if province else value)
    if kind is SegmentKind.LANGUAGE and value in LANGUAGES:
        return text("broadcast-segment-language", name=text(f"broadcast-language-{value}"))
    return text("broadcast-segment-all")


async def _condition(session: AsyncSession, segment: Segment) -> ColumnElement[bool]:
    kind, value = segment.kind, segment.value
    if kind is SegmentKind.EVERYONE:
        return true()
    if kind is SegmentKind.TOPIC:
        return subscriptions.wants(Topic(str(value)))
    if kind is SegmentKind.LANGUAGE:
        return User.language == value
    if kind is SegmentKind.PROVINCE:
        assert value is not None
        return subscriptions.province_subscribers(value)
    if kind is SegmentKind.DONORS:
        assert value is not None
        return and_(subscriptions.wants(Topic.CAMPAIGN_UPDATES), subscriptions.donated_to(int(value)))
    if kind is SegmentKind.LAUNCH:
        assert value is not None
        launch = subscriptions.wants(Topic.NEW_CAMPAIGNS)
        province = await session.scalar(select(Campaign.province_id).where(Campaign.id == int(value)))
        return or_(launch, subscriptions.province_subscribers(province)) if province else launch
    raise ValueError(f"unknown segment {segment}")


def _audience(platform: str, *columns: Any) -> Select[Any]:
    """Reachable users of one platform who have not stopped all news."""
    return (
        select(*columns)
        .select_from(User)
        .outerjoin(Subscription, Subscription.user_id == User.id)
        .where(User.platform == platform, User.is_blocked.is_(False), subscriptions.not_stopped())
    )


async def count_recipients(session: AsyncSession, platform: str, segment: Segment) -> int:
    condition = await _condition(session, segment)
    total = await session.scalar(_audience(platform, func.count(User.id)).where(condition))
    return int(total or 0)


async def fill_batch(session: AsyncSession, broadcast: Broadcast, batch_size: int) -> int:
    """Write the next `batch_size` recipients (by user id) to the outbox; returns how many were
    written. Sets `filled` once the segment is exhausted. Safe to repeat after a crash: the
    cursor and the rows commit together, and (broadcast, user) is UNIQUE."""
    if broadcast.filled:
        return 0
    condition = await _condition(session, Segment.of(broadcast))
    remaining = _audience(broadcast.platform, User.id).where(condition, User.id > broadcast.fill_cursor)
    upper = await session.scalar(remaining.order_by(User.id).offset(batch_size - 1).limit(1))
    rows = _audience(
        broadcast.platform,
        literal(broadcast.id),
        User.id,
        User.chat_id,
        User.language,
        literal(OutboxStatus.PENDING.value),
        literal(0),
    ).where(condition, User.id > broadcast.fill_cursor)
    if upper is not None:
        rows = rows.where(User.id <= upper)
    dialect = dialect_module(session.get_bind().dialect.name)
    statement = (
        dialect.insert(OutboxItem)
        .from_select(["broadcast_id", "user_id", "chat_id", "language", "status", "attempts"], rows)
        .on_conflict_do_nothing(index_elements=[OutboxItem.broadcast_id, OutboxItem.user_id])
    )
    result = await session.execute(statement)
    written = max(0, int(result.rowcount or 0))  # type: ignore[attr-defined]
    values: dict[str, object] = {"total": Broadcast.total + written}
    if upper is None:
        values["filled"] = True
    else:
        values["fill_cursor"] = upper
    await session.execute(update(Broadcast).where(Broadcast.id == broadcast.id).values(**values))
    return written


# --- content --------------------------------------------------------------------------------


class ContentProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    CAPTION_TOO_LONG = "caption_too_long"
    BAD_URL = "bad_url"


def check_text(
    text: str | None, *, with_photo: bool, max_text: int, max_caption: int
) -> ContentProblem | None:
    if text is None or not text.strip():
        return ContentProblem.EMPTY
    if with_photo and len(text) > max_caption:
        return ContentProblem.CAPTION_TOO_LONG
    if len(text) > max_text:
        return ContentProblem.TOO_LONG
    return None


_URL = re.compile(r"^https?://[^\s/$.?#][^\s]{1,2000}$", re.IGNORECASE)


def clean_url(text: str) -> str | None:
    """An http(s) link for a button, or None. A bare domain gets https://."""
    candidate = text.strip()
    if not re.match(r"^[a-z][a-z0-9+.-]*://", candidate, re.IGNORECASE):
        candidate = "https://" + candidate
    if not _URL.match(candidate) or "." not in candidate.split("://", 1)[1].split("/", 1)[0]:
        return None
    return candidate


def content_hash(broadcast: Broadcast) -> str:
    payload = json.dumps(
        [
            normalize_letters(broadcast.text_fa.strip()),
            (broadcast.text_en or "").strip(),
            broadcast.photo_file_id,
            broadcast.button_kind,
            broadcast.button_url,
            broadcast.button_campaign_id,
            broadcast.segment_kind,
            broadcast.segment_value,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


# --- drafts and the life of a broadcast -------------------------------------------------------


def author_role(roles: Iterable[str]) -> str | None:
    """The role a broadcast's author writes it as (an admin holds every role: admin first)."""
    held = {str(role) for role in roles}
    return next((role for role in ("admin", "campaign_manager") if role in held), None)


async def create_draft(
    session: AsyncSession,
    *,
    platform: str,
    author_id: int,
    author_language: str,
    now: datetime,
    author_role: str | None = None,
) -> Broadcast:
    draft = Broadcast(
        platform=platform,
        kind=BroadcastKind.MANUAL.value,
        status=BroadcastStatus.DRAFT.value,
        author_id=author_id,
        author_role=author_role,
        author_language=author_language,
        created_at=now,
    )
    session.add(draft)
    await session.flush()
    return draft


async def get_draft(session: AsyncSession, broadcast_id: int | None, author_id: int) -> Broadcast | None:
    """The author's draft, or None (sent already, cancelled, someone else's, or unknown)."""
    if broadcast_id is None:
        return None
    draft = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if draft is None or draft.author_id != author_id or draft.status != BroadcastStatus.DRAFT.value:
        return None
    return draft


async def find_duplicate(
    session: AsyncSession, draft: Broadcast, *, now: datetime, window: timedelta = timedelta(hours=24)
) -> Broadcast | None:
    """The same content to the same segment, sent or on its way within `window` (two staff
    preparing the same announcement, or one pressing send twice in two drafts)."""
    digest = content_hash(draft)
    return await session.scalar(
        select(Broadcast)
        .where(
            Broadcast.platform == draft.platform,
            Broadcast.content_hash == digest,
            Broadcast.id != draft.id,
            Broadcast.status.in_([s.value for s in (*LIVE, BroadcastStatus.DONE)]),
            Broadcast.confirmed_at >= now - window,
        )
        .order_by(Broadcast.id.desc())
        .limit(1)
    )


class ConfirmOutcome(StrEnum):
    STARTED = "started"
    SCHEDULED = "scheduled"
    NOT_DRAFT = "not_draft"  # confirmed already (a second press), or cancelled
    EMPTY_SEGMENT = "empty_segment"
    PAST = "past"


async def confirm(
    session: AsyncSession,
    broadcast_id: int,
    *,
    author_id: int,
    now: datetime,
    scheduled_at: datetime | None = None,
) -> tuple[ConfirmOutcome, Broadcast | None]:
    draft = await get_draft(session, broadcast_id, author_id)
    if draft is None:
        return ConfirmOutcome.NOT_DRAFT, await session.get(Broadcast, broadcast_id)
    if scheduled_at is not None and scheduled_at <= now:
        return ConfirmOutcome.PAST, draft
    estimate = await count_recipients(session, draft.platform, Segment.of(draft))
    if estimate == 0:
        return ConfirmOutcome.EMPTY_SEGMENT, draft
    status = BroadcastStatus.SCHEDULED if scheduled_at is not None else BroadcastStatus.SENDING
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.DRAFT.value)
        .values(
            status=status.value,
            scheduled_at=scheduled_at,
            confirmed_at=now,
            started_at=None if scheduled_at is not None else now,
            estimate=estimate,
            content_hash=content_hash(draft),
            # Wall time (as the engine's throttle): its first report waits one interval, while
            # the author's screen becomes the progress message.
            progress_at=datetime.now(UTC),
        )
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return ConfirmOutcome.NOT_DRAFT, draft
    await session.refresh(draft)
    return (ConfirmOutcome.SCHEDULED if scheduled_at else ConfirmOutcome.STARTED), draft


async def create_notice_broadcast(
    session: AsyncSession,
    *,
    platform: str,
    kind: BroadcastKind,
    segment: Segment,
    text_fa: str,
    text_en: str,
    campaign: Campaign,
    button_text_fa: str,
    button_text_en: str,
    now: datetime,
) -> Broadcast:
    """An automatic notice, ready to send (no author, no progress message)."""
    broadcast = Broadcast(
        platform=platform,
        kind=kind.value,
        status=BroadcastStatus.SENDING.value,
        author_id=None,
        text_fa=text_fa,
        text_en=text_en,
        photo_file_id=campaign.image_file_id,
        button_kind=ButtonKind.CAMPAIGN.value,
        button_campaign_id=campaign.id,
        button_text_fa=button_text_fa[:64],
        button_text_en=button_text_en[:64],
        segment_kind=segment.kind.value,
        segment_value=segment.value,
        created_at=now,
        confirmed_at=now,
        started_at=now,
    )
    session.add(broadcast)
    await session.flush()
    return broadcast


class ControlOutcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # already in the wanted state (a second press)
    INVALID = "invalid"  # not possible from the current state (finished, unknown)


_FROM = {
    "pause": (BroadcastStatus.SENDING,),
    "resume": (BroadcastStatus.PAUSED,),
    "cancel": (BroadcastStatus.DRAFT, *LIVE),
}
_TO = {
    "pause": BroadcastStatus.PAUSED,
    "resume": BroadcastStatus.SENDING,
    "cancel": BroadcastStatus.CANCELLED,
}


async def control(
    session: AsyncSession, broadcast_id: int, action: str, *, actor_id: int, now: datetime
) -> tuple[ControlOutcome, Broadcast | None]:
    """Pause, resume or cancel. Cancelling marks every recipient not yet claimed as cancelled;
    the senders notice within a second and stop (claimed rows are released as cancelled)."""
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None or action not in _TO:
        return ControlOutcome.INVALID, broadcast
    target = _TO[action]
    if broadcast.status == target.value:
        return ControlOutcome.UNCHANGED, broadcast
    sources = [s.value for s in _FROM[action]]
    values: dict[str, object] = {"status": target.value, "progress_at": None}
    if target is BroadcastStatus.CANCELLED:
        values.update(finished_at=now, cancelled_by=actor_id)
        if broadcast.status == BroadcastStatus.DRAFT.value:
            values["reported_final"] = True  # a discarded draft: nothing to report
    if action == "resume" and broadcast.started_at is None:
        values["started_at"] = now
    result = await session.execute(
        update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.status.in_(sources)).values(**values)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        await session.refresh(broadcast)
        if broadcast.status == target.value:
            return ControlOutcome.UNCHANGED, broadcast
        return ControlOutcome.INVALID, broadcast
    if target is BroadcastStatus.CANCELLED:
        await session.execute(
            update(OutboxItem)
            .where(OutboxItem.broadcast_id == broadcast_id, OutboxItem.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.CANCELLED.value)
        )
    await session.refresh(broadcast)
    return ControlOutcome.DONE, broadcast


async def remember_progress_message(
    session: AsyncSession, broadcast_id: int, message_id: int, *, controls_only: bool
) -> None:
    """The author's progress message (or, where keyboards cannot be edited, the controls'
    message) that the delivery engine edits from now on."""
    field = "control_message_id" if controls_only else "progress_message_id"
    await session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values({field: message_id}))


async def promote_due(session: AsyncSession, platform: str, now: datetime) -> list[int]:
    """Scheduled broadcasts whose time has come start sending (each exactly once)."""
    due = (
        await session.scalars(
            select(Broadcast.id).where(
                Broadcast.platform == platform,
                Broadcast.status == BroadcastStatus.SCHEDULED.value,
                Broadcast.scheduled_at <= now,
            )
        )
    ).all()
    started: list[int] = []
    for broadcast_id in due:
        result = await session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SCHEDULED.value)
            .values(status=BroadcastStatus.SENDING.value, started_at=now)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            started.append(broadcast_id)
    return started


async def finish_if_complete(session: AsyncSession, broadcast_id: int, now: datetime) -> bool:
    """sending → done once the outbox is filled and nobody is waiting or in flight."""
    open_rows = select(OutboxItem.id).where(
        OutboxItem.broadcast_id == broadcast_id,
        OutboxItem.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
    )
    result = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status == BroadcastStatus.SENDING.value,
            Broadcast.filled.is_(True),
            ~open_rows.exists(),
        )
        .values(status=BroadcastStatus.DONE.value, finished_at=now, progress_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


# --- province offices -------------------------------------------------------------------------


async def segment_within(session: AsyncSession, segment: Segment, provinces: frozenset[str] | None) -> bool:
    """May a province office (`provinces`; None: national staff) write to `segment`? Only a
    province segment of its provinces, or the donors or launch audience of a campaign scoped to
    one of them: everyone, a topic and a language are national audiences. The chat's composer,
    the console's and the broadcasts' history all ask this."""
    if provinces is None:
        return True
    if segment.kind is SegmentKind.PROVINCE:
        return segment.value in provinces
    if segment.kind in (SegmentKind.DONORS, SegmentKind.LAUNCH) and _is_row_id(segment.value):
        province = await session.scalar(select(Campaign.province_id).where(Campaign.id == int(segment.value)))
        return province in provinces
    return False


async def in_scope(session: AsyncSession, broadcast: Broadcast, provinces: frozenset[str] | None) -> bool:
    """Whether a broadcast is within a province scope (None: every broadcast), by its segment."""
    return await segment_within(session, Segment.of(broadcast), provinces)


def _segment_in(provinces: frozenset[str]) -> ColumnElement[bool]:
    """`segment_within` as a query condition on broadcasts."""
    wanted = sorted(provinces)
    their_campaigns = select(cast(Campaign.id, String)).where(Campaign.province_id.in_(wanted))
    return or_(
        and_(Broadcast.segment_kind == SegmentKind.PROVINCE.value, Broadcast.segment_value.in_(wanted)),
        and_(
            Broadcast.segment_kind.in_([SegmentKind.DONORS.value, SegmentKind.LAUNCH.value]),
            Broadcast.segment_value.in_(their_campaigns),
        ),
    )


async def recent(
    session: AsyncSession, platform: str, limit: int = 8, *, provinces: frozenset[str] | None = None
) -> Sequence[Broadcast]:
    """The latest broadcasts beyond a draft, newest first (within a province scope when given)."""
    query = (
        select(Broadcast)
        .where(Broadcast.platform == platform, Broadcast.status != BroadcastStatus.DRAFT.value)
        .order_by(Broadcast.id.desc())
        .limit(limit)
    )
    if provinces is not None:
        query = query.where(_segment_in(provinces))
    return (await session.scalars(query)).all()


async def recent_campaigns(
    session: AsyncSession, limit: int = 20, *, provinces: frozenset[str] | None = None
) -> Sequence[Campaign]:
    """Campaigns whose donors may be written to: every one that went beyond a draft, newest first
    (a province office's: those scoped to its provinces)."""
    query = select(Campaign).where(Campaign.status != CampaignStatus.DRAFT.value)
    if provinces is not None:
        query = query.where(Campaign.province_id.in_(sorted(provinces)))
    return (await session.scalars(query.order_by(Campaign.id.desc()).limit(limit))).all()


# --- progress -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Progress:
    broadcast_id: int
    kind: str
    status: str
    author_id: int | None
    author_language: str
    total: int
    filled: bool
    sent: int
    failed: int
    blocked: int
    skipped: int
    cancelled: int
    remaining: int
    eta_seconds: int | None
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    progress_message_id: int | None
    control_message_id: int | None
    unsubscribed: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def finished(self) -> bool:
        return self.status in (BroadcastStatus.DONE.value, BroadcastStatus.CANCELLED.value)


async def progress(
    session: AsyncSession, broadcast_id: int, *, rate: float, now: datetime
) -> Progress | None:
    broadcast = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None:
        return None
    rows = await session.execute(
        select(OutboxItem.status, func.count())
        .where(OutboxItem.broadcast_id == broadcast_id)
        .group_by(OutboxItem.status)
    )
    counts = {status: int(count) for status, count in rows.all()}
    written = sum(counts.values())
    total = written if broadcast.filled else max(written, broadcast.estimate or 0)
    done = sum(
        counts.get(s.value, 0) for s in OutboxStatus if s not in (OutboxStatus.PENDING, OutboxStatus.SENDING)
    )
    remaining = 0 if broadcast.status in (s.value for s in FINISHED) else max(0, total - done)
    eta: int | None = None
    if remaining and broadcast.status == BroadcastStatus.SENDING.value:
        achieved = 0.0
        if broadcast.started_at is not None:
            elapsed = (now - broadcast.started_at).total_seconds()
            if elapsed >= 10 and done:
                achieved = done / elapsed
        eta = round(remaining / min(rate, achieved) if achieved else remaining / rate)
    return Progress(
        broadcast_id=broadcast.id,
        kind=broadcast.kind,
        status=broadcast.status,
        author_id=broadcast.author_id,
        author_language=broadcast.author_language,
        total=total,
        filled=broadcast.filled,
        sent=counts.get(OutboxStatus.SENT.value, 0),
        failed=counts.get(OutboxStatus.FAILED.value, 0),
        blocked=counts.get(OutboxStatus.BLOCKED.value, 0),
        skipped=counts.get(OutboxStatus.SKIPPED.value, 0),
        cancelled=counts.get(OutboxStatus.CANCELLED.value, 0),
        remaining=remaining,
        eta_seconds=eta,
        scheduled_at=broadcast.scheduled_at,
        started_at=broadcast.started_at,
        finished_at=broadcast.finished_at,
        progress_message_id=broadcast.progress_message_id,
        control_message_id=broadcast.control_message_id,
        unsubscribed=await subscriptions.count_stopped_by(session, broadcast_id),
        counts=counts,
    )


# --- scheduling -----------------------------------------------------------------------------


class ScheduleProblem(StrEnum):
    FORMAT = "format"
    INVALID = "invalid"
    PAST = "past"
    TOO_FAR = "too_far"


def parse_schedule(
    text: str, *, now: datetime, max_ahead: timedelta = timedelta(days=180)
) -> datetime | ScheduleProblem:
    """A Jalali date and Tehran time in any form :func:`services.dates.parse_moment` reads:
    «۱۴۰۵/۰۹/۱۲ ۱۸:۳۰», «1405-9-12 ساعت 18», «۱۲ آذر ساعت ۶ عصر» (the next such day), or a
    Gregorian date and time (converted; the confirmation shows the Jalali date). Returns the UTC
    moment, or what is wrong with the text."""
    typed = parse_moment(text, today=jalali(now).date(), missing_year="future")
    if typed.time is None:
        return ScheduleProblem.FORMAT
    if typed.date.day is None:
        return (
            ScheduleProblem.FORMAT
            if typed.date.problem is DateProblem.NOT_A_DATE
            else ScheduleProblem.INVALID
        )
    local = datetime.combine(typed.date.gregorian, time(typed.time.hour, typed.time.minute))
    moment = local.replace(tzinfo=TEHRAN).astimezone(UTC)
    if moment <= now:
        return ScheduleProblem.PAST
    if moment > now + max_ahead:
        return ScheduleProblem.TOO_FAR
    return moment
