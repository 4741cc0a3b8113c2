"""The delivery engine: sends broadcasts from the durable outbox at the platform's pace.

How one worker runs (several may run against one PostgreSQL database):

- **fill** — recipients are written to `broadcast_outbox` in batches (`services.broadcasts.
  fill_batch`); sending starts with the first batch.
- **claim** — a batch of pending rows of one broadcast (round-robin between broadcasts) is
  marked `sending` with this worker's id, in one statement (`FOR UPDATE SKIP LOCKED` on
  PostgreSQL, so workers never claim the same row; SQLite serialises writers and is used by
  one process). Claims are renewed while the worker lives (a heartbeat); rows whose claim
  expired (`claim_lease`) belonged to a dead worker and go back to pending.
- **send** — each row waits for a slot of the shared rate limiter (global rate per platform,
  paced a little under the platform's limit, at most `per_chat_rate` per chat) and is sent
  through a `Sender` (implemented with aiogram in bot/broadcast_delivery.py). Up to
  `max_in_flight` sends await their answer at once, and, when the platform's limit is known
  (`window_limit`), fewer than that limit of this worker's sends may still count in the
  platform's one-second window (`SendWindow`: late sends that arrive together cause no 429).
  A worker that took back a dead predecessor's rows at start waits out its last second first.
- **record** — answers are written back in small batches: sent (with the message id), blocked
  (403: the user is marked inactive), failed (other errors, with the error). A 429 pauses *all*
  sending (every worker, through the limiter) for `retry_after`, or `retry_after_fallback`
  when the platform names none, then the same recipient is sent again. Server errors and
  timeouts are retried with exponential backoff up to `max_attempts`.

**Crash safety.** A recipient whose `sent` state was committed is never sent again. After a
crash (or `kill -9`), the rows the dead worker had claimed return to pending and are sent again;
those whose send had already reached the platform but whose result was not yet committed get the
message twice. That number is bounded by the sends in flight plus the results not yet flushed:
at most `2 × max_in_flight + result_flush` per crashed worker (`DeliveryConfig.duplicate_bound`;
80 with the defaults; in practice about rate × (answer latency + flush period)).
A timeout that the platform actually delivered can add one duplicate per retried timeout, as in
any at-least-once sender.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.broadcasts import Broadcast, BroadcastStatus, OutboxItem, OutboxStatus, Subscription
from models.user import User
from services import broadcasts
from services.broadcasts import Progress
from services.clock import Clock
from services.ratelimit import RateLimiter, SendWindow, acquire

logger = logging.getLogger("hamdel.delivery")


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429: slow down, everyone
    BLOCKED = "blocked"  # 403: the user blocked the bot (or deleted the account)
    TRANSIENT = "transient"  # 5xx, timeouts, network: try again later
    FAILED = "failed"  # anything else (400 chat not found, bad photo...): recorded


@dataclass(frozen=True, slots=True)
class SendResult:
    outcome: Outcome
    message_id: int | None = None
    retry_after: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Content:
    """What a broadcast says, in both languages."""

    broadcast_id: int
    text_fa: str
    text_en: str | None
    photo_file_id: str | None
    button_kind: str | None
    button_url: str | None
    button_campaign_id: int | None
    button_text_fa: str | None
    button_text_en: str | None

    @classmethod
    def of(cls, broadcast: Broadcast) -> Content:
        return cls(
            broadcast_id=broadcast.id,
            text_fa=broadcast.text_fa,
            text_en=broadcast.text_en,
            photo_file_id=broadcast.photo_file_id,
            button_kind=broadcast.button_kind,
            button_url=broadcast.button_url,
            button_campaign_id=broadcast.button_campaign_id,
            button_text_fa=broadcast.button_text_fa,
            button_text_en=broadcast.button_text_en,
        )

    def text(self, language: str) -> str:
        """The user's language; English readers get the Persian text when no English was written."""
        return self.text_en if language == "en" and self.text_en else self.text_fa

    def button_text(self, language: str) -> str | None:
        return self.button_text_en if language == "en" and self.button_text_en else self.button_text_fa


@dataclass(frozen=True, slots=True)
class Envelope:
    """One message to one recipient."""

    outbox_id: int
    user_id: int
    chat_id: int
    language: str
    content: Content


class Sender(Protocol):
    """Sends one envelope and classifies the answer; never raises for platform errors."""

    async def send(self, envelope: Envelope) -> SendResult: ...


@dataclass(frozen=True, slots=True)
class ProgressMessages:
    progress_message_id: int | None
    control_message_id: int | None


class ProgressSink(Protocol):
    """Shows the author how their broadcast goes (sends or edits their progress message)."""

    async def report(self, progress: Progress, *, final: bool) -> ProgressMessages: ...


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    skipped: int = 0
    rate_limited: int = 0
    retried: int = 0
    recovered: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryConfig:
    rate: float
    per_chat_rate: float = 1.0
    retry_after_fallback: float = 5.0
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    batch_size: int = 500
    max_in_flight: int = 32
    progress_interval: float = 5.0
    poll_interval: float = 2.0
    claim_lease: float = 60.0
    result_flush: int = 16
    result_flush_seconds: float = 0.2
    # The platform's own limit (messages per second), when known: this worker never has more
    # sends than that which may still count in the platform's one-second window
    # (services.ratelimit.SendWindow), whatever the delays on the way. None: pacing only.
    window_limit: float | None = None

    @staticmethod
    def result_flush_for(rate: float) -> int:
        """Answers written per transaction at this rate: a tenth of a second's worth, at least
        16. (Each transaction costs the event loop a few round trips to the database's thread:
        16 a transaction at 500/s cost a fifth of the worker's CPU.)"""
        return max(16, round(rate / 10))

    @property
    def status_refresh(self) -> float:
        """How soon a pause or cancel pressed elsewhere stops this worker (seconds)."""
        return min(1.0, max(0.1, self.poll_interval * 5))

    @property
    def claim_size(self) -> int:
        """About two seconds of sending: claimed rows do not wait long for their turn."""
        return max(8, min(self.batch_size, int(self.rate * 2)))

    @property
    def duplicate_bound(self) -> int:
        """Most recipients that can get the message twice when this worker is killed: sends in
        flight, plus answers received but not yet committed (a full flush buffer and the
        answers that arrive while it is being written)."""
        return 2 * self.max_in_flight + self.result_flush


@dataclass(slots=True)
class _Claimed:
    id: int
    broadcast_id: int
    user_id: int
    chat_id: int
    language: str
    attempts: int


@dataclass(slots=True)
class _Result:
    row: _Claimed
    status: OutboxStatus
    message_id: int | None = None
    error: str | None = None


def _wall_now() -> datetime:
    return datetime.now(UTC)


class DeliveryEngine:
    """One worker. `run()` until stopped; `drain()` until no broadcast has work left (tests,
    benchmarks). Business time (schedules, answered_at) comes from `clock`; leases and progress
    throttling use the wall clock, so they work under a frozen test clock too.

    Inside: the main loop fills, starts due schedules and claims batches, handing each to the
    dispatcher through a one-batch queue (the next batch is claimed while the current one is
    being sent); the dispatcher gives each row a rate-limited slot and starts its send; answers
    are written in small batches by the flusher; housekeeping renews this worker's claims,
    takes back a dead worker's and reports progress to authors."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sender: Sender,
        limiter: RateLimiter,
        config: DeliveryConfig,
        *,
        platform: str,
        clock: Clock | None = None,
        progress_sink: ProgressSink | None = None,
        worker_id: str | None = None,
        exclusive: bool = False,
        on_blocked: Callable[[list[int]], Awaitable[None]] | None = None,  # their chat ids
    ) -> None:
        self.sessionmaker = sessionmaker
        self.sender = sender
        self.limiter = limiter
        self.config = config
        self.platform = platform
        self.clock = clock or Clock()
        self.progress_sink = progress_sink
        self.worker_id = worker_id or f"w-{uuid.uuid4().hex[:16]}"
        # One process owns the database (SQLite): rows left `sending` at start are a dead
        # predecessor's and can be taken back at once instead of after the lease.
        self.exclusive = exclusive
        self.on_blocked = on_blocked
        self.stats = DeliveryStats()
        self._wake = asyncio.Event()
        self._semaphore = asyncio.Semaphore(config.max_in_flight)
        self._window = SendWindow(config.window_limit) if config.window_limit else None
        self._tasks: set[asyncio.Task[None]] = set()
        self._results: list[_Result] = []
        self._flush_lock = asyncio.Lock()
        self._contents: dict[int, Content] = {}
        self._status: dict[int, str] = {}
        self._status_at = float("-inf")
        self._held: dict[int, int] = {}  # outbox row id -> broadcast id: claimed, not yet recorded
        self._batches: asyncio.Queue[list[_Claimed]] = asyncio.Queue(maxsize=1)
        self._dispatching: list[_Claimed] = []
        self._round = 0
        self._last_heartbeat = 0.0
        self._last_recovery = 0.0
        self._last_promotion = float("-inf")
        self._stopping = False

    # --- public -------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for work now, and at the broadcasts' status (one was confirmed, paused, resumed
        or cancelled in this process)."""
        self._status_at = float("-inf")
        self._wake.set()

    async def run(self) -> None:
        await self._loop(until_idle=False)

    async def drain(self) -> None:
        await self._loop(until_idle=True)

    def stop(self) -> None:
        """Stop at the next safe point: claimed rows not yet sent go back, answers are recorded.
        (Cancelling the task instead may leave a database transaction open mid-statement.)"""
        self._stopping = True
        self._wake.set()

    # --- the loops ----------------------------------------------------------------------

    async def _loop(self, *, until_idle: bool) -> None:
        if await self._recover(initial=True) and self.exclusive:
            # A predecessor killed a moment ago: its last second of sends (and its sends in
            # flight, taken back just now and sent again first) still count at the platform,
            # for the global budget and for each chat. This limiter cannot know them: wait them
            # out. (With a shared limiter in Redis they are counted there, and rows taken back
            # after the lease are long past it.)
            await self.limiter.pause(max(1.0, 1.0 / self.config.per_chat_rate))
        housekeeping_ends = asyncio.Event()
        housekeeping = asyncio.create_task(
            self._housekeeping(housekeeping_ends), name="delivery-housekeeping"
        )
        helpers = [
            asyncio.create_task(self._flush_periodically(), name="delivery-flush"),
            housekeeping,
            asyncio.create_task(self._dispatcher(), name="delivery-dispatch"),
        ]
        try:
            while not self._stopping:
                try:
                    if await self._step():
                        continue
                    if until_idle and not await self._has_work():
                        break
                except Exception:  # the database went away, a bug: log, wait, carry on
                    logger.exception("delivery step failed; retrying")
                    await asyncio.sleep(self.config.poll_interval)
                    continue
                await self._idle()
            await self._wait_in_flight()
            await self._flush()
            # Housekeeping may be reporting: it ends its pass first. Cancelled between claiming a
            # final report and showing it, it lost the report (the claim is what the others see).
            housekeeping_ends.set()
            await housekeeping
            await self._finish_all()
            await self._report_progress()
        finally:
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            await self._shutdown()

    async def _step(self) -> bool:
        """One round: due schedules, filling, one claimed batch handed to the dispatcher (this
        waits while the previous batch is still queued). True if it claimed something."""
        now = asyncio.get_running_loop().time()
        if now - self._last_promotion >= self.config.poll_interval:
            self._last_promotion = now
            async with self._session() as session:
                await broadcasts.promote_due(session, self.platform, self.clock.now())
                await session.commit()
        active = await self._active()
        await self._fill(active)
        for broadcast_id in self._rotation(active):
            rows = await self._claim(broadcast_id)
            if rows:
                await self._batches.put(rows)
                return True
            await self._finish_if_complete(broadcast_id)
        return False

    async def _dispatcher(self) -> None:
        while True:
            batch = await self._batches.get()
            self._dispatching = batch
            try:
                await self._dispatch(batch)
            except Exception:
                logger.exception("dispatching failed; %d recipients go back to pending", len(batch))
                with contextlib.suppress(Exception):
                    await self._release(list(batch))
                await asyncio.sleep(self.config.poll_interval)
            finally:
                self._dispatching = []

    async def _housekeeping(self, ends: asyncio.Event) -> None:
        """Beside the sending: renew claims, take back a dead worker's, report progress. Its own
        task, so a long 429 pause or a slow batch never lets this worker's claims expire. Returns
        between passes once `ends` is set."""
        loop = asyncio.get_running_loop()
        tick = min(1.0, self.config.poll_interval)
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(tick):
                    await ends.wait()
            if ends.is_set():
                return
            try:
                now = loop.time()
                if now - self._last_heartbeat >= self.config.claim_lease / 3:
                    await self._heartbeat()
                if now - self._last_recovery >= self.config.claim_lease / 2:
                    await self._recover(initial=False)
                await self._report_progress()
            except Exception:
                logger.exception("delivery housekeeping failed; retrying")

    def _busy(self) -> bool:
        return bool(
            self._tasks or self._results or self._held or self._dispatching or not self._batches.empty()
        )

    async def _idle(self) -> None:
        # Work in progress: look again soon (a finishing broadcast reports sooner).
        timeout = min(self.config.poll_interval, 0.2) if self._busy() else self.config.poll_interval
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()
        self._wake.clear()

    async def _shutdown(self) -> None:
        """Stopping (not crashing): record what was answered, give back what was not sent."""
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        while not self._batches.empty():
            self._batches.get_nowait()
        try:
            async with asyncio.timeout(3):
                await self._give_back()
        except Exception:
            logger.exception("could not give back claimed recipients; they return after the lease")

    async def _give_back(self) -> None:
        """This worker stops: what it claimed and did not send goes back to pending, or to
        cancelled when the broadcast was cancelled before this worker noticed."""
        await self._flush()
        if self._held:
            await self._release_ids(dict(self._held), sending_only=True)

    def _session(self) -> AsyncSession:
        return self.sessionmaker()

    def _rotation(self, active: list[int]) -> list[int]:
        if not active:
            return []
        self._round = (self._round + 1) % len(active)
        return active[self._round :] + active[: self._round]

    async def _active(self) -> list[int]:
        async with self._session() as session:
            rows = await session.execute(
                select(Broadcast.id, Broadcast.status).where(
                    Broadcast.platform == self.platform,
                    Broadcast.status.in_([BroadcastStatus.SENDING.value, BroadcastStatus.PAUSED.value]),
                )
            )
            found = rows.all()
        self._status.update({broadcast_id: status for broadcast_id, status in found})
        return sorted(b for b, s in found if s == BroadcastStatus.SENDING.value)

    async def _has_work(self) -> bool:
        if self._busy():
            return True
        async with self._session() as session:
            waiting = await session.scalar(
                select(Broadcast.id)
                .where(Broadcast.platform == self.platform, Broadcast.status == BroadcastStatus.SENDING.value)
                .limit(1)
            )
            if waiting is not None:
                return True
            unreported = await session.scalar(
                select(Broadcast.id)
                .where(
                    Broadcast.platform == self.platform,
                    Broadcast.status.in_([BroadcastStatus.DONE.value, BroadcastStatus.CANCELLED.value]),
                    Broadcast.author_id.is_not(None),
                    Broadcast.reported_final.is_(False),
                )
                .limit(1)
            )
            return unreported is not None and self.progress_sink is not None

    # --- filling --------------------------------------------------------------------------

    async def _fill(self, active: list[int]) -> None:
        """One batch per broadcast that still has recipients to write (the sending goes on
        between batches, so the first messages leave at once)."""
        for broadcast_id in active:
            async with self._session() as session:
                locked = select(Broadcast).where(
                    Broadcast.id == broadcast_id,
                    Broadcast.filled.is_(False),
                    Broadcast.status == BroadcastStatus.SENDING.value,
                )
                broadcast = await session.scalar(
                    locked.with_for_update(skip_locked=True).execution_options(populate_existing=True)
                )
                if broadcast is None:
                    continue
                await broadcasts.fill_batch(session, broadcast, self.config.batch_size)
                await session.commit()

    # --- claiming and sending -----------------------------------------------------------

    async def _claim(self, broadcast_id: int) -> list[_Claimed]:
        now = _wall_now()
        async with self._session() as session:
            candidates = (
                select(OutboxItem.id)
                .where(
                    OutboxItem.broadcast_id == broadcast_id, OutboxItem.status == OutboxStatus.PENDING.value
                )
                .order_by(OutboxItem.id)
                .limit(self.config.claim_size)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            result = await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(candidates))
                .values(status=OutboxStatus.SENDING.value, claimed_by=self.worker_id, claimed_at=now)
                .returning(
                    OutboxItem.id,
                    OutboxItem.broadcast_id,
                    OutboxItem.user_id,
                    OutboxItem.chat_id,
                    OutboxItem.language,
                    OutboxItem.attempts,
                )
            )
            rows = sorted((_Claimed(*row) for row in result.all()), key=lambda row: row.id)
            skipped = await self._skip_unwanted(session, rows)
            await session.commit()
        if rows and broadcast_id not in self._contents:
            await self._load_content(broadcast_id)
        self.stats.skipped += len(skipped)
        kept = [row for row in rows if row.id not in skipped]
        self._held.update({row.id: row.broadcast_id for row in kept})
        return kept

    async def _skip_unwanted(self, session: AsyncSession, rows: list[_Claimed]) -> set[int]:
        """Recipients who stopped all news or blocked the bot since the outbox was filled."""
        if not rows:
            return set()
        users = [row.user_id for row in rows]
        stopped = set(
            (
                await session.scalars(
                    select(Subscription.user_id).where(
                        Subscription.user_id.in_(users), Subscription.stopped_at.is_not(None)
                    )
                )
            ).all()
        )
        stopped |= set(
            (await session.scalars(select(User.id).where(User.id.in_(users), User.is_blocked))).all()
        )
        skipped = {row.id for row in rows if row.user_id in stopped}
        if skipped:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id.in_(skipped))
                .values(status=OutboxStatus.SKIPPED.value, claimed_by=None)
            )
        return skipped

    async def _load_content(self, broadcast_id: int) -> None:
        async with self._session() as session:
            broadcast = await session.get(Broadcast, broadcast_id)
            if broadcast is not None:
                self._contents[broadcast_id] = Content.of(broadcast)

    async def _current_status(self, broadcast_id: int) -> str | None:
        loop = asyncio.get_running_loop()
        if loop.time() - self._status_at >= self.config.status_refresh:
            self._status_at = loop.time()
            ids = {broadcast_id, *self._held.values()}
            async with self._session() as session:
                rows = await session.execute(
                    select(Broadcast.id, Broadcast.status).where(Broadcast.id.in_(ids))
                )
                self._status.update({bid: status for bid, status in rows.all()})
        return self._status.get(broadcast_id)

    async def _dispatch(self, queue: list[_Claimed]) -> None:
        """Give each claimed row a rate-limited slot and start its send (rows leave `queue` as
        they start, so what is left is known if this fails). A row whose chat is still cooling
        down (per-chat limit) waits at the back, not at the front. The in-flight slot is taken
        *before* the rate slot, so a slow platform can never make sends leave in a burst."""
        while queue:
            if self._stopping:
                await self._release(list(queue))
                queue.clear()
                return
            row = queue[0]
            status = await self._current_status(row.broadcast_id)
            if status != BroadcastStatus.SENDING.value:
                await self._release([r for r in queue if r.broadcast_id == row.broadcast_id])
                queue[:] = [r for r in queue if r.broadcast_id != row.broadcast_id]
                continue
            await self._semaphore.acquire()
            started = False
            try:
                reservation = await self.limiter.reserve(row.chat_id)
                if not reservation.granted:
                    if any(r.chat_id != row.chat_id for r in queue):
                        queue.append(queue.pop(0))
                    else:
                        await asyncio.sleep(reservation.delay)
                    continue
                if reservation.delay > 0:
                    await asyncio.sleep(reservation.delay)
                if not await self.limiter.still_valid(reservation):
                    continue
                queue.pop(0)
                task = asyncio.create_task(self._deliver(row), name=f"deliver-{row.id}")
                started = True
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            finally:
                if not started:
                    self._semaphore.release()

    async def _wait_in_flight(self) -> None:
        while self._tasks or self._dispatching or not self._batches.empty():
            if self._tasks:
                await asyncio.gather(*list(self._tasks), return_exceptions=True)
            else:
                await asyncio.sleep(0.01)

    async def _release(self, rows: list[_Claimed]) -> None:
        """The broadcast was paused or cancelled (or this worker stops) while these rows waited
        for their turn."""
        if rows:
            await self._release_ids({row.id: row.broadcast_id for row in rows}, sending_only=False)

    async def _release_ids(self, held: dict[int, int], *, sending_only: bool) -> None:
        """Give claimed rows (row id -> broadcast id) back. The broadcast's row is locked and its
        status read again, so a cancel pressed meanwhile is never undone by putting rows back to
        pending."""
        for broadcast_id in set(held.values()):
            ids = [row_id for row_id, owner in held.items() if owner == broadcast_id]
            async with self._session() as session:
                current = await session.scalar(
                    select(Broadcast.status).where(Broadcast.id == broadcast_id).with_for_update()
                )
                cancelled = current in (None, BroadcastStatus.CANCELLED.value)
                target = OutboxStatus.CANCELLED if cancelled else OutboxStatus.PENDING
                for chunk in _chunks(ids, 500):
                    mine = [OutboxItem.id.in_(chunk), OutboxItem.claimed_by == self.worker_id]
                    if sending_only:
                        mine.append(OutboxItem.status == OutboxStatus.SENDING.value)
                    await session.execute(
                        update(OutboxItem)
                        .where(*mine)
                        .values(status=target.value, claimed_by=None, claimed_at=None)
                    )
                await session.commit()
            if current is not None:
                self._status[broadcast_id] = current
            for row_id in ids:
                self._held.pop(row_id, None)

    async def _deliver(self, row: _Claimed) -> None:
        try:
            content = self._contents[row.broadcast_id]
            envelope = Envelope(row.id, row.user_id, row.chat_id, row.language, content)
            while True:
                result = await self._send(envelope)
                if result.outcome is Outcome.RETRY_AFTER:
                    self.stats.rate_limited += 1
                    wait = result.retry_after if result.retry_after else self.config.retry_after_fallback
                    logger.warning("429 from the platform: all sending paused for %.1f s", wait)
                    await self.limiter.pause(wait)
                    await acquire(self.limiter, row.chat_id)
                    continue
                if result.outcome is Outcome.TRANSIENT:
                    row.attempts += 1
                    if row.attempts < self.config.max_attempts:
                        self.stats.retried += 1
                        await asyncio.sleep(self._backoff(row.attempts))
                        await acquire(self.limiter, row.chat_id)
                        continue
                    await self._record(_Result(row, OutboxStatus.FAILED, error=result.error or "transient"))
                    return
                status = {
                    Outcome.SENT: OutboxStatus.SENT,
                    Outcome.BLOCKED: OutboxStatus.BLOCKED,
                    Outcome.FAILED: OutboxStatus.FAILED,
                }[result.outcome]
                await self._record(_Result(row, status, message_id=result.message_id, error=result.error))
                return
        finally:
            self._semaphore.release()

    async def _send(self, envelope: Envelope) -> SendResult:
        if self._window is not None:
            await self._window.enter()
        try:
            return await self.sender.send(envelope)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a bug in the sender must not stop the broadcast
            logger.exception("sender failed for outbox row %s", envelope.outbox_id)
            return SendResult(Outcome.FAILED, error=repr(error)[:200])
        finally:
            if self._window is not None:
                self._window.leave()

    def _backoff(self, attempt: int) -> float:
        delay = min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))
        return float(delay * (0.5 + random.random() / 2))

    # --- recording ----------------------------------------------------------------------

    async def _record(self, result: _Result) -> None:
        counter = {
            OutboxStatus.SENT: "sent",
            OutboxStatus.BLOCKED: "blocked",
            OutboxStatus.FAILED: "failed",
        }[result.status]
        setattr(self.stats, counter, getattr(self.stats, counter) + 1)
        self._results.append(result)
        if len(self._results) >= self.config.result_flush:
            await self._flush()

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.config.result_flush_seconds)
            try:
                await self._flush()
            except Exception:  # the database is away: keep the results, try again
                logger.exception("could not record delivery results; retrying")

    async def _flush(self) -> None:
        async with self._flush_lock:
            if not self._results:
                return
            batch, self._results = self._results, []
            now = self.clock.now()
            blocked = [r.row for r in batch if r.status is OutboxStatus.BLOCKED]
            try:
                async with self._session() as session:
                    await session.execute(
                        update(OutboxItem),
                        [
                            {
                                "id": r.row.id,
                                "status": r.status.value,
                                "attempts": r.row.attempts,
                                "message_id": r.message_id,
                                "error": (r.error or None) and r.error[:200],
                                "answered_at": now,
                                "claimed_by": None,
                            }
                            for r in batch
                        ],
                    )
                    if blocked:
                        await session.execute(
                            update(User)
                            .where(User.id.in_([row.user_id for row in blocked]))
                            .values(is_blocked=True)
                        )
                    await session.commit()
            except BaseException:
                self._results[:0] = batch
                raise
            for r in batch:
                self._held.pop(r.row.id, None)
            if blocked and self.on_blocked is not None:
                await self.on_blocked([row.chat_id for row in blocked])

    # --- leases ---------------------------------------------------------------------------

    async def _heartbeat(self) -> None:
        """Renew the claims on the rows this worker holds (only those: a row it lost track of
        expires and is taken back like a dead worker's)."""
        self._last_heartbeat = asyncio.get_running_loop().time()
        held = list(self._held)
        if not held:
            return
        async with self._session() as session:
            for chunk in _chunks(held, 500):
                await session.execute(
                    update(OutboxItem)
                    .where(
                        OutboxItem.id.in_(chunk),
                        OutboxItem.status == OutboxStatus.SENDING.value,
                        OutboxItem.claimed_by == self.worker_id,
                    )
                    .values(claimed_at=_wall_now())
                )
            await session.commit()

    async def _recover(self, *, initial: bool) -> int:
        """Rows whose claim expired (a dead worker's) go back to pending; for a cancelled
        broadcast they, and any row still pending, become cancelled. Returns how many went
        back to pending."""
        self._last_recovery = asyncio.get_running_loop().time()
        expired = _wall_now() - timedelta(seconds=self.config.claim_lease)
        recovered = 0
        async with self._session() as session:
            claimed = (
                select(OutboxItem.id)
                .where(
                    OutboxItem.broadcast_id == Broadcast.id, OutboxItem.status == OutboxStatus.SENDING.value
                )
                .exists()
            )
            unfinished = (
                select(OutboxItem.id)
                .where(
                    OutboxItem.broadcast_id == Broadcast.id,
                    OutboxItem.status.in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
                )
                .exists()
            )
            live = await session.execute(
                select(Broadcast.id).where(
                    Broadcast.platform == self.platform,
                    or_(
                        and_(
                            Broadcast.status.in_(
                                [BroadcastStatus.SENDING.value, BroadcastStatus.PAUSED.value]
                            ),
                            claimed,
                        ),
                        and_(Broadcast.status == BroadcastStatus.CANCELLED.value, unfinished),
                    ),
                )
            )
            candidates = [broadcast_id for (broadcast_id,) in live.all()]
        for broadcast_id in candidates:
            async with self._session() as session:
                # Locked: a cancel committed meanwhile is seen, never undone.
                status = await session.scalar(
                    select(Broadcast.status).where(Broadcast.id == broadcast_id).with_for_update()
                )
                abandoned = [OutboxItem.status == OutboxStatus.SENDING.value]
                if initial and self.exclusive:
                    abandoned.append(OutboxItem.claimed_by != self.worker_id)
                else:
                    abandoned.append(OutboxItem.claimed_at < expired)
                    if self._held:
                        abandoned.append(OutboxItem.id.not_in(list(self._held)))
                if status == BroadcastStatus.CANCELLED.value:
                    condition = or_(OutboxItem.status == OutboxStatus.PENDING.value, and_(*abandoned))
                    target = OutboxStatus.CANCELLED
                else:
                    condition = and_(*abandoned)
                    target = OutboxStatus.PENDING
                result = await session.execute(
                    update(OutboxItem)
                    .where(OutboxItem.broadcast_id == broadcast_id, condition)
                    .values(status=target.value, claimed_by=None, claimed_at=None)
                )
                if target is OutboxStatus.PENDING:
                    recovered += int(result.rowcount or 0)  # type: ignore[attr-defined]
                await session.commit()
        if recovered:
            self.stats.recovered += recovered
            logger.warning("took back %d recipients from a stopped worker", recovered)
        return recovered

    # --- finishing and progress -----------------------------------------------------------

    async def _finish_if_complete(self, broadcast_id: int) -> None:
        if broadcast_id in self._held.values():
            return
        async with self._session() as session:
            if await broadcasts.finish_if_complete(session, broadcast_id, self.clock.now()):
                logger.info("broadcast %s done", broadcast_id)
            await session.commit()

    async def _finish_all(self) -> None:
        for broadcast_id in await self._active():
            await self._finish_if_complete(broadcast_id)

    async def _report_progress(self) -> None:
        if self.progress_sink is None:
            return
        now = _wall_now()
        edited_before = now - timedelta(seconds=self.config.progress_interval)
        reportable = [
            BroadcastStatus.SENDING.value,
            BroadcastStatus.DONE.value,
            BroadcastStatus.CANCELLED.value,
        ]
        async with self._session() as session:
            rows = await session.execute(
                select(Broadcast.id, Broadcast.status).where(
                    Broadcast.platform == self.platform,
                    Broadcast.author_id.is_not(None),
                    Broadcast.status.in_(reportable),
                    Broadcast.reported_final.is_(False),
                )
            )
            candidates = rows.all()
        for broadcast_id, status in candidates:
            final = status != BroadcastStatus.SENDING.value
            async with self._session() as session:
                # Compare-and-set: one worker reports, at most once per interval (finals at once).
                claim = update(Broadcast).where(
                    Broadcast.id == broadcast_id, Broadcast.reported_final.is_(False)
                )
                if final:
                    claim = claim.values(reported_final=True, progress_at=now)
                else:
                    claim = claim.where(
                        Broadcast.status == BroadcastStatus.SENDING.value,
                        (Broadcast.progress_at.is_(None)) | (Broadcast.progress_at <= edited_before),
                    ).values(progress_at=now)
                won = (await session.execute(claim)).rowcount  # type: ignore[attr-defined]
                await session.commit()
                if not won:
                    continue
                snapshot = await broadcasts.progress(
                    session, broadcast_id, rate=self.limiter.rate, now=self.clock.now()
                )
            if snapshot is None:
                continue
            try:
                messages = await self.progress_sink.report(snapshot, final=final)
            except Exception:
                logger.exception("progress report for broadcast %s failed", broadcast_id)
                continue
            shown = (messages.progress_message_id, messages.control_message_id)
            if shown != (snapshot.progress_message_id, snapshot.control_message_id):
                async with self._session() as session:
                    await session.execute(
                        update(Broadcast)
                        .where(Broadcast.id == broadcast_id)
                        .values(
                            progress_message_id=messages.progress_message_id,
                            control_message_id=messages.control_message_id,
                        )
                    )
                    await session.commit()


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
