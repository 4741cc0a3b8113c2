"""The delivery engine, segments and the outbox, with a scripted sender (no messenger): each
recipient once, languages, 429 pauses, retries, 403, pause/cancel, schedules, several workers,
and a crash that abandons claimed rows."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.broadcasts import (
    Broadcast,
    BroadcastStatus,
    OutboxItem,
    OutboxStatus,
    SegmentKind,
    Subscription,
    Topic,
)
from models.user import User
from services import broadcasts, subscriptions
from services.broadcasts import Segment
from services.clock import FrozenClock
from services.delivery import DeliveryConfig, DeliveryEngine, Envelope, Outcome, SendResult
from services.ratelimit import LocalRateLimiter, Reservation
from tests.broadcasts.broadcast_helpers import add_campaign, add_donation, add_users
from tests.conftest import START
from tests.dbkit import sessions_on

PLATFORM = "telegram"
EVERYONE = Segment(SegmentKind.EVERYONE)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


async def until(condition: Callable[[], bool], within: float = 10) -> None:
    for _ in range(int(within / 0.005)):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise TimeoutError("condition not met")


Script = Callable[[Envelope, int], SendResult | None]


class FakeSender:
    """Records every send; `script(envelope, attempt)` may return a non-OK result."""

    def __init__(self, script: Script | None = None, latency: float = 0.0) -> None:
        self.script = script
        self.latency = latency
        self.calls: list[tuple[float, Envelope]] = []
        self.delivered: Counter[int] = Counter()  # chat id -> messages that reached the user
        self.attempts: Counter[int] = Counter()

    async def send(self, envelope: Envelope) -> SendResult:
        self.calls.append((time.monotonic(), envelope))
        self.attempts[envelope.chat_id] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.script is not None:
            result = self.script(envelope, self.attempts[envelope.chat_id])
            if result is not None:
                return result
        self.delivered[envelope.chat_id] += 1
        return SendResult(Outcome.SENT, message_id=len(self.calls))


def config(**overrides: float) -> DeliveryConfig:
    values: dict[str, float] = {
        "rate": 2000,
        "per_chat_rate": 50,
        "batch_size": 10,
        "max_in_flight": 8,
        "poll_interval": 0.02,
        "claim_lease": 30,
        "retry_after_fallback": 0.3,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "max_attempts": 3,
        "result_flush": 4,
        "result_flush_seconds": 0.05,
    }
    values.update(overrides)
    return DeliveryConfig(**values)  # type: ignore[arg-type]


def make_engine(
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: FakeSender,
    *,
    clock: FrozenClock | None = None,
    worker_id: str | None = None,
    exclusive: bool = False,
    **overrides: float,
) -> DeliveryEngine:
    settings = config(**overrides)
    return DeliveryEngine(
        sessionmaker,
        sender,
        LocalRateLimiter(settings.rate, settings.per_chat_rate),
        settings,
        platform=PLATFORM,
        clock=clock or FrozenClock(START),
        worker_id=worker_id,
        exclusive=exclusive,
    )


async def seed_users(
    sessionmaker: async_sessionmaker[AsyncSession], count: int, *, start: int = 1001
) -> None:
    async with sessionmaker() as session:
        await add_users(session, PLATFORM, range(start, start + count // 2))
        await add_users(session, PLATFORM, range(start + count // 2, start + count), language="en")
        await add_users(session, "bale", [start + count + 1])  # another platform: never a recipient
        await session.commit()


async def start_broadcast(
    sessionmaker: async_sessionmaker[AsyncSession],
    segment: Segment = EVERYONE,
    *,
    text_en: str | None = "Hello",
    scheduled_in: timedelta | None = None,
) -> int:
    async with sessionmaker() as session:
        draft = await broadcasts.create_draft(
            session, platform=PLATFORM, author_id=900_001, author_language="fa", now=START
        )
        draft.text_fa = "سلام"
        draft.text_en = text_en
        draft.segment_kind = segment.kind.value
        draft.segment_value = segment.value
        await session.flush()
        outcome, broadcast = await broadcasts.confirm(
            session,
            draft.id,
            author_id=900_001,
            now=START,
            scheduled_at=START + scheduled_in if scheduled_in else None,
        )
        assert broadcast is not None, outcome
        await session.commit()
        return broadcast.id


async def outbox(sessionmaker: async_sessionmaker[AsyncSession], broadcast_id: int) -> Counter[str]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(OutboxItem.status, func.count())
            .where(OutboxItem.broadcast_id == broadcast_id)
            .group_by(OutboxItem.status)
        )
        return Counter({status: count for status, count in rows.all()})


# --- segments and the outbox -------------------------------------------------------------


async def test_segments_count_the_right_people(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 10)
    async with db() as session:
        ids = list(
            (await session.scalars(select(User.id).where(User.platform == PLATFORM).order_by(User.id))).all()
        )
        campaign = await add_campaign(session, START, province_id="10")
        await add_donation(session, ids[0], campaign, 5_000_000, province_id="10")
        await add_donation(session, ids[1], campaign, 5_000_000, status="pending")  # not paid: not a donor
        await subscriptions.set_topic(session, ids[2], Topic.NEW_CAMPAIGNS, True, now=START)
        await subscriptions.set_province(session, ids[3], "10", now=START)
        await subscriptions.stop_all(session, ids[4], now=START)
        await session.execute(update(User).where(User.id == ids[5]).values(is_blocked=True))
        await session.flush()

        async def count(kind: SegmentKind, value: str | None = None) -> int:
            return await broadcasts.count_recipients(session, PLATFORM, Segment(kind, value))

        assert await count(SegmentKind.EVERYONE) == 8  # 10 minus the stopped and the blocked
        assert await count(SegmentKind.LANGUAGE, "en") == 4  # ids[5] (blocked) is Persian
        assert await count(SegmentKind.LANGUAGE, "fa") == 4
        assert await count(SegmentKind.TOPIC, Topic.NEW_CAMPAIGNS.value) == 1  # opt-in only
        assert await count(SegmentKind.TOPIC, Topic.CAMPAIGN_UPDATES.value) == 8  # on by default
        assert await count(SegmentKind.DONORS, str(campaign.id)) == 1
        assert await count(SegmentKind.PROVINCE, "10") == 2  # chose Isfahan, or gave to it
        assert await count(SegmentKind.LAUNCH, str(campaign.id)) == 3  # new-campaign fans + Isfahan
        # Turning off "campaigns I gave to" removes a donor from the donors segment.
        await subscriptions.set_topic(session, ids[0], Topic.CAMPAIGN_UPDATES, False, now=START)
        assert await count(SegmentKind.DONORS, str(campaign.id)) == 0


async def test_outbox_fills_in_batches_and_refilling_writes_nothing_twice(
    db: async_sessionmaker[AsyncSession],
) -> None:
    await seed_users(db, 25)
    broadcast_id = await start_broadcast(db)
    batches = []
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        while not broadcast.filled:
            batches.append(await broadcasts.fill_batch(session, broadcast, 10))
            await session.refresh(broadcast)
        assert batches == [10, 10, 5]
        assert broadcast.total == 25
        # A crash after the insert but before the cursor moved: the same rows again → nothing new.
        broadcast.filled = False
        broadcast.fill_cursor = 0
        await session.flush()
        assert await broadcasts.fill_batch(session, broadcast, 100) == 0
        languages = Counter((await session.scalars(select(OutboxItem.language))).all())
        assert languages == {"fa": 12, "en": 13}


# --- delivery ------------------------------------------------------------------------------


async def test_each_recipient_once_in_their_language(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 40)
    broadcast_id = await start_broadcast(db)
    sender = FakeSender()
    await make_engine(db, sender).drain()
    assert len(sender.delivered) == 40 and set(sender.delivered.values()) == {1}
    by_language = {
        envelope.language: envelope.content.text(envelope.language) for _, envelope in sender.calls
    }
    assert by_language == {"fa": "سلام", "en": "Hello"}
    assert await outbox(db, broadcast_id) == {OutboxStatus.SENT.value: 40}
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None and broadcast.status == BroadcastStatus.DONE.value
        assert broadcast.total == 40 and broadcast.finished_at is not None


async def test_english_readers_get_persian_when_there_is_no_english(
    db: async_sessionmaker[AsyncSession],
) -> None:
    await seed_users(db, 4)
    await start_broadcast(db, text_en=None)
    sender = FakeSender()
    await make_engine(db, sender).drain()
    assert {envelope.content.text(envelope.language) for _, envelope in sender.calls} == {"سلام"}


async def test_429_pauses_all_sending_for_retry_after(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 30)
    await start_broadcast(db)
    hit: list[float] = []

    def script(envelope: Envelope, attempt: int) -> SendResult | None:
        if not hit and len(sender.calls) == 10:
            hit.append(time.monotonic())
            return SendResult(Outcome.RETRY_AFTER, retry_after=0.4)
        return None

    sender = FakeSender(script)
    engine = make_engine(db, sender, max_in_flight=1)
    await engine.drain()
    assert len(sender.delivered) == 30 and set(sender.delivered.values()) == {1}
    after = [moment for moment, _ in sender.calls if moment > hit[0]]
    assert after and min(after) - hit[0] >= 0.35  # nothing left during the pause
    assert engine.stats.rate_limited == 1


async def test_429_without_retry_after_waits_the_fallback(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 6)
    await start_broadcast(db)
    hit: list[float] = []

    def script(envelope: Envelope, attempt: int) -> SendResult | None:
        if not hit:
            hit.append(time.monotonic())
            return SendResult(Outcome.RETRY_AFTER)  # Bale: "Too Many Requests", no retry_after
        return None

    sender = FakeSender(script)
    await make_engine(db, sender, max_in_flight=1, retry_after_fallback=0.3).drain()
    assert len(sender.delivered) == 6
    assert min(moment for moment, _ in sender.calls[1:]) - hit[0] >= 0.25


async def test_errors_blocked_transient_and_failed(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 8)
    broadcast_id = await start_broadcast(db)
    flaky, down, gone, broken = 1001, 1002, 1003, 1004

    def script(envelope: Envelope, attempt: int) -> SendResult | None:
        if envelope.chat_id == flaky and attempt < 3:
            return SendResult(Outcome.TRANSIENT, error="Bad Gateway")
        if envelope.chat_id == down:
            return SendResult(Outcome.TRANSIENT, error="Internal Server Error")
        if envelope.chat_id == gone:
            return SendResult(Outcome.BLOCKED, error="Forbidden: bot was blocked by the user")
        if envelope.chat_id == broken:
            return SendResult(Outcome.FAILED, error="Bad Request: chat not found")
        return None

    sender = FakeSender(script)
    blocked_chats: list[int] = []

    async def on_blocked(chats: list[int]) -> None:
        blocked_chats.extend(chats)

    engine = make_engine(db, sender)
    engine.on_blocked = on_blocked
    await engine.drain()
    assert await outbox(db, broadcast_id) == {"sent": 5, "failed": 2, "blocked": 1}
    assert sender.attempts[flaky] == 3 and sender.attempts[down] == 3  # max_attempts
    assert blocked_chats == [gone]
    async with db() as session:
        rows = {row.chat_id: row for row in (await session.scalars(select(OutboxItem))).all()}
        assert rows[down].error == "Internal Server Error" and rows[down].attempts == 3
        assert rows[broken].error == "Bad Request: chat not found"
        assert rows[flaky].status == "sent" and rows[flaky].attempts == 2
        blocked = await session.scalar(select(User.is_blocked).where(User.user_id == gone))
        assert blocked is True
    # The next broadcast skips the inactive user at once.
    next_id = await start_broadcast(db)
    await make_engine(db, FakeSender()).drain()
    assert sum((await outbox(db, next_id)).values()) == 7


async def test_pause_resume_and_cancel(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 30)
    broadcast_id = await start_broadcast(db)
    sender = FakeSender(latency=0.01)
    engine = make_engine(db, sender, max_in_flight=1)
    task = asyncio.create_task(engine.run())
    await until(lambda: len(sender.calls) >= 5)
    async with db() as session:
        outcome, _ = await broadcasts.control(session, broadcast_id, "pause", actor_id=1, now=START)
        await session.commit()
    assert outcome is broadcasts.ControlOutcome.DONE
    await asyncio.sleep(0.4)  # the engine notices (status_refresh) and gives its claims back
    paused_at = len(sender.calls)
    await asyncio.sleep(0.2)
    assert len(sender.calls) == paused_at < 30
    counts = await outbox(db, broadcast_id)
    assert counts["sending"] == 0 and counts["sent"] == paused_at
    async with db() as session:
        assert (await broadcasts.control(session, broadcast_id, "pause", actor_id=1, now=START))[0] is (
            broadcasts.ControlOutcome.UNCHANGED
        )
        await broadcasts.control(session, broadcast_id, "resume", actor_id=1, now=START)
        await session.commit()
    engine.wake()
    await until(lambda: len(sender.calls) >= paused_at + 5)
    async with db() as session:
        outcome, _ = await broadcasts.control(session, broadcast_id, "cancel", actor_id=1, now=START)
        await session.commit()
    assert outcome is broadcasts.ControlOutcome.DONE
    await asyncio.sleep(0.4)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    counts = await outbox(db, broadcast_id)
    assert counts["pending"] == 0 and counts["sending"] == 0
    assert counts["sent"] == len(sender.delivered) < 30
    assert counts["sent"] + counts["cancelled"] <= 30  # the rest was never written to the outbox
    async with db() as session:
        progress = await broadcasts.progress(session, broadcast_id, rate=100, now=START)
        assert progress is not None and progress.status == "cancelled" and progress.total == 30
    assert set(sender.delivered.values()) == {1}
    async with db() as session:
        outcome, _ = await broadcasts.control(session, broadcast_id, "resume", actor_id=1, now=START)
    assert outcome is broadcasts.ControlOutcome.INVALID


async def test_scheduled_broadcast_waits_for_its_time(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 3)
    broadcast_id = await start_broadcast(db, scheduled_in=timedelta(hours=2))
    clock = FrozenClock(START)
    sender = FakeSender()
    await make_engine(db, sender, clock=clock).drain()
    assert not sender.calls
    clock.advance(hours=2)
    await make_engine(db, sender, clock=clock).drain()
    assert len(sender.delivered) == 3
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None and broadcast.started_at == START + timedelta(hours=2)


async def test_users_who_stop_after_the_fill_are_skipped(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 6)
    broadcast_id = await start_broadcast(db)
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        await broadcasts.fill_batch(session, broadcast, 100)
        first = await session.scalar(select(User.id).where(User.user_id == 1001))
        assert first is not None
        await subscriptions.stop_all(session, first, now=START)
        await session.commit()
    sender = FakeSender()
    await make_engine(db, sender).drain()
    assert 1001 not in sender.delivered and len(sender.delivered) == 5
    assert (await outbox(db, broadcast_id))["skipped"] == 1


async def test_two_workers_share_one_broadcast_without_duplicates(
    db: async_sessionmaker[AsyncSession],
) -> None:
    await seed_users(db, 120)
    await start_broadcast(db)
    sender = FakeSender(latency=0.002)
    first, second = make_engine(db, sender), make_engine(db, sender)
    await asyncio.gather(first.drain(), second.drain())
    assert len(sender.delivered) == 120 and set(sender.delivered.values()) == {1}
    assert first.stats.sent and second.stats.sent  # both took part


async def test_crash_resends_only_what_was_in_flight(db: async_sessionmaker[AsyncSession]) -> None:
    """Worker A dies (no further database writes, sends hanging) in the middle; worker B takes
    the abandoned rows back after the lease. Confirmed recipients are never sent again; the
    duplicates are the sends that had reached the user without their result being written,
    within `duplicate_bound`."""
    await seed_users(db, 80)
    broadcast_id = await start_broadcast(db)
    hang = asyncio.Event()

    def script(envelope: Envelope, attempt: int) -> SendResult | None:
        return None

    class CrashingSender(FakeSender):
        async def send(self, envelope: Envelope) -> SendResult:
            if len(self.calls) >= 30:
                # The platform got it (the user sees it), the answer never comes back.
                self.calls.append((time.monotonic(), envelope))
                self.delivered[envelope.chat_id] += 1
                await hang.wait()
            return await super().send(envelope)

    a_sender = CrashingSender(script)
    a = make_engine(db, a_sender, worker_id="worker-a", max_in_flight=4, result_flush=4)
    task = asyncio.create_task(a.run())
    await until(lambda: len(a_sender.calls) >= 34)
    await asyncio.sleep(0.1)  # A flushes what it can; its hanging sends stay unrecorded

    class Dead:
        def __call__(self) -> AsyncSession:
            raise ConnectionError("killed")

    a.sessionmaker = Dead()  # type: ignore[assignment]
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)

    async with db() as session:
        confirmed = set(
            (
                await session.scalars(
                    select(OutboxItem.chat_id).where(OutboxItem.status == OutboxStatus.SENT.value)
                )
            ).all()
        )
        in_flight = set(
            (
                await session.scalars(
                    select(OutboxItem.chat_id).where(OutboxItem.status == OutboxStatus.SENDING.value)
                )
            ).all()
        )
    assert len(confirmed) >= 26 and in_flight

    b_sender = FakeSender()
    b = make_engine(db, b_sender, worker_id="worker-b", claim_lease=0.5)
    await asyncio.wait_for(b.drain(), timeout=20)
    assert b.stats.recovered == len(in_flight)
    assert not confirmed & set(b_sender.delivered)  # nobody confirmed got it again
    total = a_sender.delivered + b_sender.delivered
    assert set(total) == set(range(1001, 1081))  # everybody got it
    duplicates = {chat for chat, count in total.items() if count > 1}
    assert duplicates <= in_flight
    assert len(duplicates) <= a.config.duplicate_bound
    assert await outbox(db, broadcast_id) == {"sent": 80}


async def _left_sending_by_a_dead_worker(db: async_sessionmaker[AsyncSession]) -> None:
    """A broadcast to 10 people whose first 4 rows a dead worker had claimed (`sending`)."""
    await seed_users(db, 10)
    broadcast_id = await start_broadcast(db)
    async with db() as session:
        broadcast = await session.get(Broadcast, broadcast_id)
        assert broadcast is not None
        await broadcasts.fill_batch(session, broadcast, 100)
        await session.execute(
            update(OutboxItem)
            .where(OutboxItem.id <= 4)
            .values(status=OutboxStatus.SENDING.value, claimed_by="dead", claimed_at=START)
        )
        await session.commit()


async def test_exclusive_worker_takes_back_a_dead_predecessors_rows_at_once(
    db: async_sessionmaker[AsyncSession],
) -> None:
    """SQLite has one process: rows left `sending` at start are a crashed run's (no lease wait)."""
    await _left_sending_by_a_dead_worker(db)
    sender = FakeSender()
    engine = make_engine(db, sender, exclusive=True, claim_lease=3600)
    await asyncio.wait_for(engine.drain(), timeout=10)
    assert engine.stats.recovered == 4 and len(sender.delivered) == 10


async def test_a_successor_waits_out_its_dead_predecessors_second(
    db: async_sessionmaker[AsyncSession],
) -> None:
    """Rows taken back at start may have reached the platform a moment ago (the dead worker's
    sends in flight), and the dead worker's last second still counts there: before its first
    send the successor pauses for the platform's window and each chat's interval."""
    await _left_sending_by_a_dead_worker(db)
    events: list[tuple[str, float]] = []

    class Watched(LocalRateLimiter):
        async def reserve(self, chat_id: int) -> Reservation:
            reservation = await super().reserve(chat_id)
            events.append(("reserve", reservation.delay))
            return reservation

        async def pause(self, seconds: float) -> None:
            events.append(("pause", seconds))
            await super().pause(seconds)

    settings = config(per_chat_rate=0.5, claim_lease=3600)
    engine = DeliveryEngine(
        db,
        FakeSender(),
        Watched(settings.rate, settings.per_chat_rate),
        settings,
        platform=PLATFORM,
        clock=FrozenClock(START),
        exclusive=True,
    )
    await asyncio.wait_for(engine.drain(), timeout=20)
    assert engine.stats.recovered == 4 and engine.stats.sent == 10
    assert events[0] == ("pause", 2.0)  # one chat's interval (0.5/s), at least the platform's second
    assert all(kind == "reserve" for kind, _ in events[1:])


async def test_subscription_preferences(db: async_sessionmaker[AsyncSession]) -> None:
    await seed_users(db, 2)
    async with db() as session:
        user = await session.scalar(select(User.id).where(User.user_id == 1001))
        assert user is not None
        prefs = await subscriptions.get(session, user)
        assert prefs.on(Topic.CAMPAIGN_UPDATES) and not prefs.on(Topic.NEW_CAMPAIGNS)
        assert await subscriptions.stop_all(session, user, now=START)
        assert not await subscriptions.stop_all(session, user, now=START)
        prefs = await subscriptions.get(session, user)
        assert prefs.stopped and not any(prefs.on(topic) for topic in subscriptions.TOPICS)
        prefs = await subscriptions.set_topic(session, user, Topic.VOLUNTEER_CALLS, True, now=START)
        assert not prefs.stopped and prefs.on(Topic.VOLUNTEER_CALLS) and not prefs.on(Topic.CAMPAIGN_UPDATES)
        prefs = await subscriptions.resume_defaults(session, user, now=START)
        assert prefs.topics == subscriptions.DEFAULTS
        assert (await session.scalar(select(func.count()).select_from(Subscription))) == 1
