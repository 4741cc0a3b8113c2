"""The update inbox: no update lost, none processed twice by a duplicate delivery, one chat's
updates in order — across several workers and their crashes.

How an update travels (webhook and polling alike):

1. **Recorded before it is acknowledged.** The webhook handler inserts the raw update into
   `update_inbox` (already claimed by this worker: `owner`, `lease_until`) and commits before it
   answers the messenger; in polling mode `HamdelDispatcher.on_polled_update` records every update
   of a batch before the next getUpdates confirms it. If the database cannot take the row, the
   webhook answers 503 (the messenger delivers again later) and polling does not confirm.
2. **Processed once.** A delivery that finds its row already `done` is dropped (a duplicate). A
   row still `processing` under a live lease belongs to another worker: the delivery waits for it.
   A row whose owner died (the lease lapsed: owners renew it every third of
   WORKER_LEASE_SECONDS) or that was released after a transient failure is claimed again and
   processed again — whether the messenger redelivers it or not: every worker sweeps the inbox
   for such rows while it runs and when it starts.
3. **In order per chat.** Before a chat's update runs, any older unfinished update of the same
   chat runs first (or is waited for while another live worker runs it). Together with Redis
   event isolation (one user's updates never run at the same time) a chat sees its updates
   handled in update_id order even when a worker died in the middle of one.
4. **Marked done** when the dispatcher returns (handlers' errors are answered by the errors
   router and count as done); the payload is then dropped. Done rows are pruned after
   UPDATE_RETENTION_HOURS.

Transient failures — the database or Redis unreachable — are not answered with an apology:
the update is released and retried with backoff (webhook: 503; during an outage the sweeper
probes with one update instead of failing them all each time, and reschedules them all the
moment the probe succeeds) until it is UPDATE_RETRY_SECONDS old; only then does a last attempt
let the errors router apologise.

The guarantee: every update the messenger delivered and we acknowledged is processed **at least
once**; duplicates of an update that finished are dropped (exactly once). A worker killed
**while a handler runs** leaves that one update to be processed again by another worker, so the
handler's effects before the crash may repeat (a reply sent twice; business actions carry their
own idempotency keys, e.g. donations on the payment charge id). A worker whose event loop stalls
longer than the lease may see its update taken over (logged as a warning).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramAPIError
from aiogram.types import ErrorEvent, Update
from sqlalchemy import Table, and_, bindparam, delete, func, literal_column, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.util import greenlet_spawn

from bot.aiogram_compat import HookedDispatcher
from models.alone import StatementAlone
from models.db import LAST_IN_TRANSACTION, dialect_module
from models.updates import InboxStatus, InboxUpdate
from models.user import User
from services.tasks import cancel_requested

if TYPE_CHECKING:
    from bot.observability import Metrics

logger = logging.getLogger("hamdel.inbox")

UNFINISHED = (InboxStatus.PROCESSING.value, InboxStatus.PENDING.value)

#: Oldest first, for a query of unfinished rows: `update_id + 0`, not the bare column, so that
#: SQLite (no statistics to go by) finds the few unfinished rows through the status or chat
#: index and sorts them, instead of walking the primary key in order through every row kept
#: (UPDATE_RETENTION_HOURS of done ones) to filter them: the sweep every few seconds read the
#: whole table — 3.8 ms at 4,500 rows against 0.06 — and filled the page cache (2 MB) of each
#: connection it ran on (benchmarks/README.md, issue 19 goal 1, 5 December 2026).
OLDEST_FIRST = InboxUpdate.update_id + literal_column("0")

#: The handler data key of the language the sender had chosen when their update was recorded
#: (`UpdateInbox(sender_language=True)`: several workers, where each update would otherwise read
#: it again — bot.middlewares.UserMiddleware). Current when the handler runs: it is given only
#: to an update whose chat had no older unfinished update, and the chat's later updates wait
#: for it — the only updates that change a person's language are their own.
SENDER_LANGUAGE = "inbox_sender_language"


def real_now() -> datetime:
    """Leases use the wall clock of the machine (keep workers' clocks in sync with NTP), never
    the app's clock: tests freeze that one."""
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def new_worker_id(index: int = 0) -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{index}:{uuid.uuid4().hex[:6]}"


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # already done (or finished meanwhile by another worker)
    DEFERRED = "deferred"  # recorded; another worker holds an older update of the chat for long
    RETRY = "retry"  # a transient failure: released, retried later
    FAILED = "failed"  # crashed outside the handlers' error handling; kept for a look


# -- transient failures ----------------------------------------------------------------------


def _transient_types() -> tuple[type[BaseException], ...]:
    """The errors of an unreachable database or Redis, of the drivers this process has loaded:
    a driver never imported raises nothing. (Importing redis and asyncpg only to name their
    errors cost a SQLite worker ~5 MB of resident memory at its first failed handler.)"""
    import sqlalchemy.exc as sa_exc

    types: list[type[BaseException]] = [
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.DisconnectionError,
        sa_exc.TimeoutError,
        ConnectionError,
        TimeoutError,
    ]
    redis_exc = sys.modules.get("redis.exceptions")
    if redis_exc is not None:
        types += [redis_exc.ConnectionError, redis_exc.TimeoutError, redis_exc.BusyLoadingError]
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is not None:
        types += [asyncpg.PostgresConnectionError, asyncpg.InterfaceError, asyncpg.CannotConnectNowError]
        types += [asyncpg.AdminShutdownError, asyncpg.ConnectionDoesNotExistError]
    return tuple(types)


# By which of redis and asyncpg were loaded when asked (a process may load one later).
_TRANSIENT: dict[tuple[bool, bool], tuple[type[BaseException], ...]] = {}
_NOT_TRANSIENT_WORDS = ("no such table", "no such column", "has no column", "syntax error")


def is_transient(error: BaseException) -> bool:
    """The database or Redis was unreachable (not a bug, not the Bot API): worth a retry."""
    loaded = ("redis.exceptions" in sys.modules, "asyncpg" in sys.modules)
    transient = _TRANSIENT.get(loaded)
    if transient is None:
        transient = _TRANSIENT[loaded] = _transient_types()
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 8:
        if isinstance(current, TelegramAPIError):
            return False  # the Bot API's own failures are retried (or not) by the session
        if isinstance(current, transient):
            # SQLite reports schema mistakes as OperationalError too: those are bugs, not outages.
            return not any(word in str(current) for word in _NOT_TRANSIENT_WORDS)
        import sqlalchemy.exc as sa_exc

        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


async def reraise_transient(event: ErrorEvent, inbox_retry_allowed: bool = False) -> Any:
    """Dispatcher-level errors handler (runs before the errors router): an unreachable database
    or Redis is not the user's problem to hear about while the update can still be retried."""
    if inbox_retry_allowed and is_transient(event.exception):
        raise event.exception
    return UNHANDLED


class OutageLog:
    """One clear line when a dependency goes away, at most one reminder a minute, and one line
    when it is back — not a log flood, not a crash loop."""

    def __init__(self, what: str, consequence: str, log: logging.Logger = logger) -> None:
        self.what = what
        self.consequence = consequence
        self.log = log
        self.since: float | None = None
        self.last_line = 0.0
        self.count = 0

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        self.count += 1
        if self.since is None:
            self.since = now
            self.last_line = now
            self.log.error(
                "%s unavailable (%s: %s): %s", self.what, type(error).__name__, error, self.consequence
            )
        elif now - self.last_line >= 60:
            self.last_line = now
            self.log.warning(
                "%s still unavailable after %.0f s (%d failures)", self.what, now - self.since, self.count
            )

    def ok(self) -> None:
        if self.since is not None:
            self.log.warning("%s reachable again after %.1f s", self.what, time.monotonic() - self.since)
            self.since = None
            self.count = 0


# -- the inbox -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recorded:
    claimed: bool  # new: this worker holds it
    clear: bool  # and no older update of its chat is unfinished
    sender_language: str | None = None  # with `UpdateInbox.sender_language`: see SENDER_LANGUAGE


@dataclass(slots=True)
class _Row:
    update_id: int
    status: str
    owner: str | None
    lease_until: datetime
    attempts: int
    payload: dict[str, Any] | None
    received_at: datetime


def sender_of(update: Update) -> int | None:
    """Who sent the update (None: nobody, e.g. a channel post)."""
    try:
        user = getattr(update.event, "from_user", None)
    except Exception:
        return None
    return int(user.id) if user is not None else None


def chat_key_of(update: Update) -> int | None:
    """Whose updates must stay in order: the chat, or for chatless updates the user."""
    try:
        event = update.event
    except Exception:
        return None
    chat = getattr(event, "chat", None)
    if chat is None:
        message = getattr(event, "message", None)
        chat = getattr(message, "chat", None)
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else None


def update_type_of(update: Update) -> str:
    try:
        return str(update.event_type)
    except Exception:
        return "unknown"


def payload_of(update: Update) -> dict[str, Any]:
    return update.model_dump(mode="json", exclude_unset=True, by_alias=True)


def digest_of(payload: dict[str, Any]) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


# The columns `UpdateInbox.record` gives the row of a new update.
RECORDED_COLUMNS = (
    "platform",
    "update_id",
    "update_type",
    "chat_key",
    "status",
    "owner",
    "attempts",
    "lease_until",
    "received_at",
    "finished_at",
    "payload",
    "digest",
    "last_error",
)


class UpdateInbox:
    def __init__(
        self,
        dispatcher: Dispatcher,
        sessionmaker: async_sessionmaker[AsyncSession],
        engine: AsyncEngine,
        *,
        platform: str,
        worker_id: str,
        lease_seconds: float = 15.0,
        retention_hours: float = 48.0,
        retry_seconds: float = 120.0,
        ack_timeout: float = 50.0,
        metrics: Metrics | None = None,
        now: Callable[[], datetime] = real_now,
        sender_language: bool = False,
    ) -> None:
        self.dispatcher = dispatcher
        self.sender_language = sender_language
        self.sessionmaker = sessionmaker
        self.engine = engine
        self.platform = platform
        self.worker_id = worker_id
        self.lease = timedelta(seconds=lease_seconds)
        self.retention = timedelta(hours=retention_hours)
        self.retry_window = timedelta(seconds=retry_seconds)
        self._wake = asyncio.Event()
        self.ack_timeout = ack_timeout
        self.metrics = metrics
        self.now = now
        self.single_process = engine.dialect.name == "sqlite"
        self.database_outage = OutageLog(
            "database", "updates are not acknowledged and will be delivered again; retrying"
        )
        self.retry_outage = OutageLog(
            "database or Redis", "updates are released and retried with backoff (webhook answers 503)"
        )
        # Rows this worker holds: renewed by `run`, never swept by it.
        self._mine: set[int] = set()
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._sweeping_chats: set[int | None] = set()
        # Recording an update and marking it done commit on their own. On PostgreSQL they run
        # in autocommit (the pool's connections, per use): no BEGIN and COMMIT round trips —
        # four fewer per update. SQLite keeps its BEGIN IMMEDIATE (the write gate).
        # Each runs as one synchronous function in one greenlet (`_record_row`,
        # `_own_transaction_rowcount`): the async API's connect, begin, execute, commit and close
        # would be a greenlet each (~11 µs apiece).
        self._own_commits = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        ).sync_engine
        self._build_statements()

    # -- recording ---------------------------------------------------------------------------

    def _build_statements(self) -> None:
        """The statements of every update (recording it, marking it done), built once: building
        a statement costs more CPU than running it. Core statements on a connection, not the
        ORM session: the inbox holds no objects."""
        table = cast(Table, InboxUpdate.__table__)
        column = table.c
        insert = dialect_module(self.engine.dialect.name).insert
        self._known_digest = select(column.digest).where(
            column.platform == bindparam("w_platform"), column.update_id == bindparam("w_update_id")
        )
        self._older_unfinished = (
            select(column.update_id)
            .where(
                column.platform == bindparam("w_platform"),
                column.chat_key == bindparam("w_chat_key"),
                # Not `in_(UNFINISHED)`: an IN list is re-rendered into the SQL on every
                # execution (SQLAlchemy's "expanding" parameter); the same plan either way.
                or_(*(column.status == status for status in UNFINISHED)),
                column.update_id < bindparam("w_update_id"),
            )
            .limit(1)
        )
        # Executed with all the row's values as parameters; answers, for a new row, whether its
        # chat has an older unfinished update (one statement: the order check rides along) and,
        # with `sender_language`, the language its sender chose (see `SENDER_LANGUAGE`).
        returned = [column.update_id, self._older_unfinished.scalar_subquery()]
        if self.sender_language:
            users = cast(Table, User.__table__).c
            returned.append(
                select(users.language)
                .where(users.platform == bindparam("w_platform"), users.user_id == bindparam("w_user_id"))
                .scalar_subquery()
            )
        # These two run as transactions of their own straight on the driver (models/alone.py).
        self._insert_claimed = StatementAlone(
            self.engine.sync_engine,
            insert(table)
            .on_conflict_do_nothing(index_elements=["platform", "update_id"])
            .returning(*returned),
            column_keys=RECORDED_COLUMNS,
        )
        self._mark_done = StatementAlone(
            self.engine.sync_engine,
            sql_update(table)
            .where(
                column.platform == bindparam("w_platform"),
                column.update_id == bindparam("w_update_id"),
                column.owner == bindparam("w_owner"),
            )
            .values(
                status=InboxStatus.DONE.value,
                owner=None,
                finished_at=bindparam("w_finished_at"),
                payload=None,  # no personal data kept once handled
            ),
        )

    async def record(self, update: Update, payload: dict[str, Any] | None = None) -> Recorded:
        """Durably record an update, claimed by this worker when it is new; says whether it is
        new and whether its chat has no older unfinished update. Raises when the database is
        unreachable."""
        now = self.now()
        dumped = payload_of(update)
        digest = digest_of(dumped)
        values = {
            "update_type": update_type_of(update),
            "chat_key": chat_key_of(update),
            "status": InboxStatus.PROCESSING.value,
            "owner": self.worker_id,
            "attempts": 1,
            "lease_until": now + self.lease,
            "received_at": now,
            "finished_at": None,
            "payload": payload if payload is not None else dumped,
            "digest": digest,
            "last_error": None,
        }
        recorded = await greenlet_spawn(self._record_row, update.update_id, values, digest, sender_of(update))
        if recorded.claimed:
            self._mine.add(update.update_id)
        self.database_outage.ok()
        return recorded

    def _record_row(
        self, update_id: int, values: dict[str, Any], digest: str, sender: int | None
    ) -> Recorded:
        """`record`'s transaction (synchronous, in a greenlet of its own)."""
        key = {"w_platform": self.platform, "w_update_id": update_id}
        chat = {**key, "w_chat_key": values["chat_key"]}
        if self.sender_language:
            chat["w_user_id"] = sender
        # One statement records the update and checks its chat's order (autocommit on
        # PostgreSQL): a failure cannot leave a claimed row behind that nobody runs.
        inserted, _ = self._insert_claimed.run(
            {"platform": self.platform, "update_id": update_id, **values, **chat}
        )
        if inserted:
            row = inserted[0]
            return Recorded(True, row[1] is None, row[2] if self.sender_language else None)
        with self._own_commits.begin() as connection:
            known = connection.scalar(self._known_digest, key)
            if known is None or known == digest:
                return Recorded(False, False)
            # Not a redelivery: the id was reused for a different update. The old row (long
            # finished, or lost with its numbering) gives way to the new update; its chat's order
            # is checked first, as the INSERT does.
            clear = connection.scalar(self._older_unfinished, chat) is None
            replaced = connection.execute(
                sql_update(InboxUpdate)
                .where(
                    InboxUpdate.platform == self.platform,
                    InboxUpdate.update_id == update_id,
                    InboxUpdate.digest == known,
                )
                .values(**values)
                .returning(InboxUpdate.update_id)
            ).first()
            if replaced is None:
                return Recorded(False, False)
            logger.info("update id %s reused for a different update: recorded anew", update_id)
            return Recorded(True, clear)

    async def record_until_stored(self, update: Update) -> Recorded:
        """Polling: the update is confirmed by the next getUpdates, so keep trying (with backoff)
        until it is stored; the polling loop stops here while the database is down."""
        delay = 0.5
        while True:
            try:
                return await self.record(update)
            except Exception as error:
                if not is_transient(error):
                    raise
                self.database_outage.failed(error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 15.0)

    # -- handling ----------------------------------------------------------------------------

    async def accept(self, bot: Bot, update: Update, payload: dict[str, Any], **kwargs: Any) -> Outcome:
        """Webhook: record, then handle; answers within `ack_timeout` (the handling goes on
        under its lease if it takes longer). Raises when the update could not be recorded."""
        recorded = await self.record(update, payload)
        task = asyncio.ensure_future(self.handle(bot, update, recorded, **kwargs))
        done, _ = await asyncio.wait({task}, timeout=self.ack_timeout)
        if not done:
            self._keep(task)
            logger.warning(
                "update %s still running after %.0f s: acknowledged", update.update_id, self.ack_timeout
            )
            return Outcome.DEFERRED
        return task.result()

    def _keep(self, task: asyncio.Task[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def handle(self, bot: Bot, update: Update, recorded: Recorded, **kwargs: Any) -> Outcome:
        """Process `update` (recorded before) in its chat's order."""
        self._enter()
        try:
            if recorded.claimed and recorded.clear:  # the usual case: new, nothing older waiting
                if recorded.sender_language is not None:
                    kwargs = {**kwargs, SENDER_LANGUAGE: recorded.sender_language}
                outcome = await self._process(bot, update.update_id, update, 1, self.now(), kwargs)
            else:
                held = update if recorded.claimed else None
                outcome = await self._chain(bot, chat_key_of(update), update.update_id, held, kwargs)
        finally:
            self._leave()
        if self.metrics is not None and outcome is not Outcome.PROCESSED:
            self.metrics.updates.labels(type=update_type_of(update), outcome=outcome.value).inc()
        return outcome

    def _enter(self) -> None:
        self._active += 1
        self._idle.clear()

    def _leave(self) -> None:
        self._active -= 1
        if self._active == 0:
            self._idle.set()

    async def _chain(
        self,
        bot: Bot,
        chat_key: int | None,
        target: int,
        held: Update | None,
        kwargs: dict[str, Any],
        deadline: float | None = None,
    ) -> Outcome:
        """Run the chat's unfinished updates up to `target`, oldest first; `held` is the target
        when this worker already holds its row."""
        loop = asyncio.get_running_loop()
        if deadline is None:
            deadline = loop.time() + self.ack_timeout
        pause = 0.02
        processed_target = False
        while True:
            row = await self._oldest_unfinished(chat_key, target)
            if row is None:
                return Outcome.PROCESSED if processed_target else Outcome.DUPLICATE
            if row.update_id == target and held is not None:
                outcome = await self._process(bot, row.update_id, held, row.attempts, row.received_at, kwargs)
                held = None
                if outcome is not Outcome.PROCESSED:
                    return outcome
                processed_target = True
                continue
            if self._busy(row):
                if loop.time() >= deadline:
                    if held is not None:
                        await self._release(target, None, backoff=False)
                    return Outcome.DEFERRED
                await asyncio.sleep(pause)
                pause = min(pause * 1.5, 0.25)
                continue
            claimed = await self._claim(row.update_id)
            if claimed is None:
                continue  # another worker was quicker; look again
            try:
                parsed = Update.model_validate(claimed.payload or {}, context={"bot": bot})
            except Exception as error:
                logger.error("inbox update %s cannot be parsed: %r", row.update_id, error)
                await self._finish(row.update_id, InboxStatus.FAILED, repr(error))
                continue
            if self.metrics is not None:
                self.metrics.inbox_replays.inc()
            outcome = await self._process(
                bot, row.update_id, parsed, claimed.attempts, claimed.received_at, kwargs
            )
            if row.update_id == target:
                if outcome is not Outcome.PROCESSED:
                    return outcome
                processed_target = True
            elif outcome is Outcome.RETRY:
                if held is not None:  # keep the order: the newer one waits for the older one
                    await self._release(target, None, backoff=True)
                return Outcome.RETRY

    def _busy(self, row: _Row) -> bool:
        if row.update_id in self._mine:
            return True  # another task of this worker runs it
        if row.status == InboxStatus.PROCESSING.value:
            return _aware(row.lease_until) > self.now()
        return False  # pending: a new delivery of its chat is a good moment to retry it

    async def _oldest_unfinished(self, chat_key: int | None, target: int) -> _Row | None:
        query = self.oldest_unfinished_query(chat_key, target)
        async with self.sessionmaker() as session:
            found = (await session.execute(query)).first()
        if found is None:
            return None
        return _Row(found[0], found[1], found[2], found[3], found[4], None, _aware(found[5]))

    def oldest_unfinished_query(self, chat_key: int | None, target: int) -> Any:
        """The oldest unfinished update of `chat_key` up to `target` (only `target` when the
        update has no chat)."""
        conditions = [
            InboxUpdate.platform == self.platform,
            InboxUpdate.status.in_(UNFINISHED),
        ]
        if chat_key is None:
            conditions.append(InboxUpdate.update_id == target)
        else:
            conditions += [InboxUpdate.chat_key == chat_key, InboxUpdate.update_id <= target]
        return (
            select(
                InboxUpdate.update_id,
                InboxUpdate.status,
                InboxUpdate.owner,
                InboxUpdate.lease_until,
                InboxUpdate.attempts,
                InboxUpdate.received_at,
            )
            .where(*conditions)
            .order_by(OLDEST_FIRST)
            .limit(1)
        )

    async def _claim(self, update_id: int, *, honour_backoff: bool = False) -> _Row | None:
        now = self.now()
        pending = InboxUpdate.status == InboxStatus.PENDING.value
        if honour_backoff:
            pending = and_(pending, InboxUpdate.lease_until <= now)
        statement = (
            sql_update(InboxUpdate)
            .where(
                InboxUpdate.platform == self.platform,
                InboxUpdate.update_id == update_id,
                or_(
                    pending,
                    and_(InboxUpdate.status == InboxStatus.PROCESSING.value, InboxUpdate.lease_until < now),
                ),
            )
            .values(
                status=InboxStatus.PROCESSING.value,
                owner=self.worker_id,
                lease_until=now + self.lease,
                attempts=InboxUpdate.attempts + 1,
            )
            .returning(
                InboxUpdate.update_id,
                InboxUpdate.attempts,
                InboxUpdate.payload,
                InboxUpdate.owner,
                InboxUpdate.received_at,
            )
            .execution_options(synchronize_session=False)
        )
        async with self.sessionmaker() as session:
            found = (await session.execute(statement)).first()
            if found is not None:
                self._mine.add(update_id)
            await session.commit()
        if found is None:
            return None
        return _Row(
            found[0],
            InboxStatus.PROCESSING.value,
            found[3],
            now + self.lease,
            found[1],
            found[2],
            _aware(found[4]),
        )

    async def _process(
        self,
        bot: Bot,
        update_id: int,
        update: Update,
        attempts: int,
        received_at: datetime,
        kwargs: dict[str, Any],
    ) -> Outcome:
        # Retried while younger than UPDATE_RETRY_SECONDS; after that one last attempt, in which
        # the errors router answers the person instead of leaving them in silence.
        final = self.now() - received_at >= self.retry_window
        try:
            await self.dispatcher.feed_update(bot, update, **{**kwargs, "inbox_retry_allowed": not final})
        except Exception as error:
            if is_transient(error) and not final:
                self.retry_outage.failed(error)
                await self._release(update_id, error, backoff=True, attempts=attempts)
                return Outcome.RETRY
            logger.error("update %s crashed outside the handlers: %r", update_id, error, exc_info=error)
            await self._finish(update_id, InboxStatus.FAILED, repr(error))
            return Outcome.FAILED
        if self.retry_outage.since is not None:
            self.retry_outage.ok()
            await self._retry_now()
        await self._finish(update_id, InboxStatus.DONE, None)
        return Outcome.PROCESSED

    async def _retry_now(self) -> None:
        """The outage is over: what waited for it is due now, not after its backoff."""
        statement = (
            sql_update(InboxUpdate)
            .where(InboxUpdate.platform == self.platform, InboxUpdate.status == InboxStatus.PENDING.value)
            .values(lease_until=self.now())
            .execution_options(synchronize_session=False)
        )
        try:
            async with self.sessionmaker() as session:
                await session.execute(statement)
                await session.commit()
        except Exception as error:
            logger.warning("could not reschedule the updates that waited for the outage: %r", error)
        self._wake.set()

    async def _finish(self, update_id: int, status: InboxStatus, error: str | None) -> None:
        if status is InboxStatus.DONE and not error:  # the usual case: a statement built once
            statement: Any = self._mark_done
            parameters: dict[str, Any] = {
                "w_platform": self.platform,
                "w_update_id": update_id,
                "w_owner": self.worker_id,
                "w_finished_at": self.now(),
            }
        else:
            values: dict[str, Any] = {"status": status.value, "owner": None, "finished_at": self.now()}
            if status is InboxStatus.DONE:
                values["payload"] = None  # no personal data kept once handled
            if error:
                values["last_error"] = error[:300]
            statement = (
                self._update_owned(update_id)
                .values(**values)
                .execution_options(**{LAST_IN_TRANSACTION: True})
            )
            parameters = {}
        try:
            for attempt in range(4):
                try:
                    if await greenlet_spawn(self._own_transaction_rowcount, statement, parameters) == 0:
                        logger.warning(
                            "update %s was taken over by another worker while this one ran it "
                            "(event loop stalled longer than the lease?)",
                            update_id,
                        )
                    return
                except Exception as failure:
                    if not is_transient(failure) or attempt == 3:
                        logger.error("update %s: could not mark it %s: %r", update_id, status, failure)
                        return
                    await asyncio.sleep(0.25 * 2**attempt)
        finally:
            self._mine.discard(update_id)

    def _own_transaction_rowcount(self, statement: Any, parameters: dict[str, Any]) -> int:
        """One statement in a transaction of its own (synchronous, in a greenlet of its own);
        marked `LAST_IN_TRANSACTION`, so on SQLite its commit rides with it."""
        if isinstance(statement, StatementAlone):
            return statement.run(parameters)[1]
        with self._own_commits.begin() as connection:
            rowcount: int = connection.execute(statement, parameters).rowcount
            return rowcount

    def _update_owned(self, update_id: int) -> Any:
        """An UPDATE of this update's row, only while this worker still owns it."""
        return sql_update(InboxUpdate).where(
            InboxUpdate.platform == self.platform,
            InboxUpdate.update_id == update_id,
            InboxUpdate.owner == self.worker_id,
        )

    async def _release(
        self, update_id: int, error: BaseException | None, *, backoff: bool, attempts: int = 1
    ) -> None:
        delay = min(0.5 * 2 ** max(attempts - 1, 0), 10.0) if backoff else 0.0
        values: dict[str, Any] = {
            "status": InboxStatus.PENDING.value,
            "owner": None,
            "lease_until": self.now() + timedelta(seconds=delay),
        }
        if error is not None:
            values["last_error"] = f"{type(error).__name__}: {error}"[:300]
        statement = (
            self._update_owned(update_id).values(**values).execution_options(synchronize_session=False)
        )
        try:
            async with self.sessionmaker() as session:
                await session.execute(statement)
                await session.commit()
        except Exception as failure:  # the lease will lapse and another sweep takes it
            logger.warning("update %s: could not release it: %r", update_id, failure)
        finally:
            self._mine.discard(update_id)

    # -- the worker's own loop: renew, sweep, prune -----------------------------------------

    async def run(self, bot: Bot, interval: float | None = None) -> None:
        """Renew this worker's leases, pick up what dead workers and transient failures left
        behind, prune old rows — until `stop()`."""
        period = interval if interval is not None else max(0.2, self.lease.total_seconds() / 3)
        await self._release_stale_single_process()
        next_prune = 0.0
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            try:
                await self.renew()
                await self.sweep(bot)
                if loop.time() >= next_prune:
                    await self.prune()
                    next_prune = loop.time() + 600
                self.database_outage.ok()
            except Exception as error:
                if cancel_requested():
                    raise asyncio.CancelledError from error
                if not is_transient(error):
                    logger.exception("inbox sweep failed")
                else:
                    self.database_outage.failed(error)
            self._wake.clear()
            stop = asyncio.ensure_future(self._stop.wait())
            wake = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({stop, wake}, timeout=period, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stop.cancel()
                wake.cancel()

    async def _release_stale_single_process(self) -> None:
        """SQLite serves one process: whatever another worker id still holds at start was left
        by a previous run of this bot that died, so it is free now."""
        if not self.single_process:
            return
        statement = (
            sql_update(InboxUpdate)
            .where(
                InboxUpdate.platform == self.platform,
                InboxUpdate.status == InboxStatus.PROCESSING.value,
                InboxUpdate.owner != self.worker_id,
            )
            .values(status=InboxStatus.PENDING.value, owner=None, lease_until=self.now())
            .execution_options(synchronize_session=False)
        )
        try:
            async with self.sessionmaker() as session:
                result: Any = await session.execute(statement)
                await session.commit()
            if result.rowcount:
                logger.warning(
                    "%d update(s) left unfinished by a previous run: processing them", result.rowcount
                )
        except Exception as error:
            logger.warning("could not release updates of a previous run: %r", error)

    async def renew(self) -> None:
        if not self._mine:
            return
        statement = (
            sql_update(InboxUpdate)
            .where(
                InboxUpdate.platform == self.platform,
                InboxUpdate.owner == self.worker_id,
                InboxUpdate.status == InboxStatus.PROCESSING.value,
            )
            .values(lease_until=self.now() + self.lease)
            .execution_options(synchronize_session=False)
        )
        async with self.sessionmaker() as session:
            await session.execute(statement)
            await session.commit()

    async def sweep(self, bot: Bot, limit: int = 200) -> int:
        """Start a chain for every chat with a claimable unfinished update (in order per chat);
        returns how many chains started."""
        query = self.due_query(self.now(), limit)
        async with self.sessionmaker() as session:
            rows = (await session.execute(query)).all()
        newest: dict[int | None, int] = {}
        singles: list[int] = []
        for update_id, chat_key in rows:
            if update_id in self._mine:
                continue
            if chat_key is None:
                singles.append(update_id)
            else:
                newest[chat_key] = max(update_id, newest.get(chat_key, update_id))
        started = 0
        for chat_key, target in [*newest.items(), *((None, u) for u in singles)]:
            key = chat_key if chat_key is not None else -(10**18) - target
            if key in self._sweeping_chats or self._stop.is_set():
                continue
            self._sweeping_chats.add(key)
            task = asyncio.ensure_future(self._sweep_chain(bot, chat_key, target, key))
            self._keep(task)
            started += 1
        return started

    def due_query(self, now: datetime, limit: int) -> Any:
        """The unfinished updates the sweep may claim now, oldest first."""
        due = InboxUpdate.lease_until <= now
        if self.retry_outage.since is not None:
            # During an outage only probe with one update (and give the overdue their last
            # attempt), instead of failing every waiting update again each period.
            due = or_(
                InboxUpdate.received_at <= now - self.retry_window,
                InboxUpdate.update_id
                == select(func.min(InboxUpdate.update_id))
                .where(InboxUpdate.platform == self.platform, InboxUpdate.status.in_(UNFINISHED))
                .scalar_subquery(),
            )
        return (
            select(InboxUpdate.update_id, InboxUpdate.chat_key)
            .where(InboxUpdate.platform == self.platform, InboxUpdate.status.in_(UNFINISHED), due)
            .order_by(OLDEST_FIRST)
            .limit(limit)
        )

    async def _sweep_chain(self, bot: Bot, chat_key: int | None, target: int, key: int) -> None:
        self._enter()
        try:
            deadline = asyncio.get_running_loop().time() + 2 * self.lease.total_seconds()
            outcome = await self._chain(bot, chat_key, target, None, {}, deadline=deadline)
            if outcome is Outcome.PROCESSED:
                logger.info(
                    "inbox: processed update(s) of chat %s up to %s left unfinished", chat_key, target
                )
        except Exception as error:
            if is_transient(error):
                self.database_outage.failed(error)
            else:
                logger.exception("inbox sweep of chat %s failed", chat_key)
        finally:
            self._sweeping_chats.discard(key)
            self._leave()

    async def prune(self) -> int:
        cutoff = self.now() - self.retention
        statement = (
            delete(InboxUpdate)
            .where(
                InboxUpdate.platform == self.platform,
                InboxUpdate.status.in_((InboxStatus.DONE.value, InboxStatus.FAILED.value)),
                InboxUpdate.received_at < cutoff,
            )
            .execution_options(synchronize_session=False)
        )
        async with self.sessionmaker() as session:
            result: Any = await session.execute(statement)
            await session.commit()
        return int(result.rowcount or 0)

    async def unfinished(self) -> int:
        query = select(func.count()).where(
            InboxUpdate.platform == self.platform, InboxUpdate.status.in_(UNFINISHED)
        )
        async with self.sessionmaker() as session:
            return int(await session.scalar(query) or 0)

    # -- shutdown ------------------------------------------------------------------------------

    @property
    def active(self) -> int:
        return self._active

    async def stop(self, within: float) -> bool:
        """Stop sweeping and wait (up to `within` seconds) for the updates this worker is running."""
        self._stop.set()
        try:
            async with asyncio.timeout(max(within, 0.0)):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True


class HamdelDispatcher(HookedDispatcher):
    """aiogram's dispatcher with the inbox in its polling loop: each update is recorded before
    the next getUpdates confirms it, and processed through the inbox (dedup, order, retry)."""

    inbox: UpdateInbox | None = None

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._claims: dict[int, Recorded] = {}

    async def on_polled_update(self, update: Update) -> None:
        if self.inbox is not None:
            self._claims[update.update_id] = await self.inbox.record_until_stored(update)

    async def process_polled_update(
        self, bot: Bot, update: Update, call_answer: bool = True, **kwargs: Any
    ) -> bool:
        if self.inbox is None:
            return await super().process_polled_update(bot, update, call_answer, **kwargs)
        recorded = self._claims.pop(update.update_id, Recorded(claimed=False, clear=False))
        try:
            outcome = await self.inbox.handle(bot, update, recorded, **kwargs)
        except Exception:
            logger.exception("update %s could not be processed", update.update_id)
            return True
        return outcome is not Outcome.DUPLICATE
