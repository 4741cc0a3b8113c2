"""SQLAlchemy's aiosqlite adaptation with one trip to SQLite's thread per statement.

aiosqlite runs each SQLite connection on a thread of its own; every call is a trip there and
back (a queue, the thread, a wake-up of the event loop). SQLAlchemy's adaptation makes four
trips per statement — make a cursor, execute, fetch the rows, close the cursor — and three more
for our `BEGIN IMMEDIATE` (the write gate). Those trips were most of what the update inbox cost
(issue 19, goal 4: 1.25 ms of the bot's CPU for an update's record and finish on SQLite, ~19
trips). Here a statement is one trip: the thread makes the cursor, executes, fetches every row
and closes it, and the cursor left on the event loop's side only holds the outcome
(description, rowcount, lastrowid, rows), as SQLAlchemy's own cursor does after its fetch. A
transaction's first write carries its `BEGIN IMMEDIATE` in the same trip.

Everything else — connections, commits, rollbacks, server-side cursors, errors — is
SQLAlchemy's and aiosqlite's own, except that a commit or rollback with no transaction open
makes no trip (`OneTripConnection._outside_transaction`) and a statement may carry its COMMIT
(`OneTripCursor.commit_after`); only `Connection._execute` (aiosqlite's "run this on the
connection's thread", also what SQLAlchemy's adaptation reaches for) is borrowed.
`tests/test_sqlite_driver.py` runs statements of every kind through it.

A statement that proved quick makes no trip at all: it runs on the event loop's thread
(`QuickStatements`).

`WriteGatedDialect` is SQLAlchemy's aiosqlite dialect on this adaptation, with this process's
write gate (see its docstring) in the dialect's own hooks.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import sqlite3
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlalchemy.util import await_only

from models.db import LAST_IN_TRANSACTION

if TYPE_CHECKING:
    from sqlalchemy.connectors.asyncio import AsyncIODBAPIConnection


@dataclass(slots=True)
class _Outcome:
    """What a finished statement left: the cursor SQLAlchemy reads after executing."""

    description: Any = None
    rowcount: int = -1
    lastrowid: int | None = None
    arraysize: int = 1

    def close(self) -> None:
        """Closed on SQLite's thread already."""


class QuickStatements:
    """Statements that proved quick, run on the event loop's thread rather than sent to SQLite's.

    A trip to SQLite's thread (a queue, the thread's wake-up, the loop's, the GIL handed back
    and forth) costs far more than a statement by key takes in SQLite: with every statement on
    its thread, the trips were about a third of a chat worker's CPU on SQLite. Here a statement
    whose first `proof` runs on the thread each took under `cpu_limit` of CPU runs on the loop
    from then on; one that turns slow there (`ran_on_loop`: more rows by now, a commit that
    checkpointed), or is slow on the thread even once (a report, an export, a retention sweep),
    takes the thread for good, where the loop stays free while it runs.

    Nothing on the loop waits for another process: a write transaction's BEGIN IMMEDIATE is
    tried there without SQLite's busy wait (`_begin_without_waiting`), and when another process
    holds the write lock the statement goes to the thread, which waits as before. (This
    process's own writers queue on the write gate, `WriteGatedDialect`, before any of it; in WAL
    mode readers take no lock.) Only queries, row changes and savepoints qualify
    (`may_run_on_loop`): DDL and PRAGMAs — the WAL's checkpoint with its fsync — always take the
    thread. Kept per engine, by statement text (at most `capacity`)."""

    __slots__ = ("capacity", "cpu_limit", "proof", "runs", "stall", "strikes")

    def __init__(
        self, *, cpu_limit: float = 0.0005, stall: float = 0.05, proof: int = 3, capacity: int = 2000
    ) -> None:
        self.cpu_limit = cpu_limit
        self.stall = stall  # wall time on the loop past which a statement is sent back at once
        self.proof = proof  # quick runs on the thread before the loop; slow runs on it before back
        self.capacity = capacity
        self.runs: dict[str, int] = {}  # quick runs on the thread so far; -1: stays on the thread
        self.strikes: dict[str, int] = {}  # slow runs on the loop in a row

    def on_loop(self, operation: str) -> bool:
        return self.runs.get(operation, 0) >= self.proof

    def ran_on_thread(self, operation: str, cpu_seconds: float) -> None:
        runs = self.runs.get(operation)
        if runs is None and len(self.runs) >= self.capacity:
            return
        if cpu_seconds > self.cpu_limit:
            self.runs[operation] = -1
        elif runs is None or 0 <= runs < self.proof:
            self.runs[operation] = (runs or 0) + 1

    def ran_on_loop(self, operation: str, cpu_seconds: float, wall_seconds: float) -> None:
        """A run on the loop: a stall of the loop (I/O) sends the statement back to the thread at
        once; CPU well past the limit (4×) `proof` runs in a row too (one such run may be the
        garbage collector's or a busy machine's)."""
        if wall_seconds > self.stall:
            self.runs[operation] = -1
        elif cpu_seconds > 4 * self.cpu_limit:
            strikes = self.strikes[operation] = self.strikes.get(operation, 0) + 1
            if strikes >= self.proof:
                self.runs[operation] = -1
        elif operation in self.strikes:
            del self.strikes[operation]


# What may prove quick, by its first word: queries, row changes and savepoints.
_STATEMENTS_FOR_THE_LOOP = (
    "SELECT",
    "INSERT",
    "UPDATE",
    "DELETE",
    "WITH",
    "SAVEPOINT",
    "RELEASE",
    "ROLLBACK",
)


def may_run_on_loop(statement: str, context: Any) -> bool:
    """Whether `statement` may prove quick (`QuickStatements`): a query, a row change or a
    savepoint, however written (SQLAlchemy's `text()` included) — never DDL or a PRAGMA (the
    WAL's checkpoint waits on the disk)."""
    if getattr(context, "isddl", False):
        return False
    return statement.lstrip()[:9].upper().startswith(_STATEMENTS_FOR_THE_LOOP)


class _Busy(Exception):
    """Another process holds SQLite's write lock: the statement goes to the thread to wait."""


def _begin_without_waiting(connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """BEGIN IMMEDIATE on the loop: at once or not at all (`_Busy`)."""
    connection.execute("PRAGMA busy_timeout=0")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise _Busy from error
        raise
    finally:
        connection.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")


def _run_timed(
    connection: sqlite3.Connection, prelude: str | None, operation: str, parameters: Any, postlude: str | None
) -> tuple[_Outcome, list[Any], float]:
    """`_run` on the thread for a statement that may prove quick: with the CPU time it took."""
    started = time.thread_time()
    outcome, rows = _run(connection, prelude, operation, parameters, postlude)
    return outcome, rows, time.thread_time() - started


def _run(
    connection: sqlite3.Connection,
    prelude: str | None,
    operation: str,
    parameters: Any,
    postlude: str | None = None,
) -> tuple[_Outcome, list[Any]]:
    """On the connection's thread: the whole statement, its rows included (after `prelude`,
    before `postlude`; a failed statement skips the postlude)."""
    cursor = connection.cursor()
    try:
        if prelude is not None:
            cursor.execute(prelude)
        cursor.execute(operation, parameters if parameters is not None else ())
        description = cursor.description
        rows = cursor.fetchall() if description else []
        outcome = _Outcome(description, cursor.rowcount, cursor.lastrowid)
        if postlude is not None:
            cursor.execute(postlude)
        return outcome, rows
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, rows: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, rows)
        return _Outcome(cursor.description, cursor.rowcount, cursor.lastrowid)
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_candidate", "_postlude", "_prelude")

    # The outcome's close() is not a coroutine: SQLAlchemy calls it as it is.
    _awaitable_cursor_close = False

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # No trip to make a cursor: the statement's trip makes its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = _Outcome()  # type: ignore[assignment]
        self._soft_closed_memoized = {}  # type: ignore[assignment]
        self._rows = collections.deque()
        self._prelude: str | None = None
        self._postlude: str | None = None
        self._candidate = False

    def begin_immediate_first(self) -> None:
        """The next statement starts a write transaction (`BEGIN IMMEDIATE`) in its own trip:
        the write gate (`WriteGatedDialect`) asks for it when a transaction's first write comes."""
        self._prelude = "BEGIN IMMEDIATE"

    def may_run_on_loop(self) -> None:
        """The next statement may prove quick and run on the event loop's thread
        (`QuickStatements`; the dialect says which may: `may_run_on_loop`)."""
        self._candidate = True

    def commit_after(self) -> None:
        """The next statement ends its write transaction: its COMMIT goes in the same trip (the
        transaction's own commit then finds nothing open and makes none; `WriteGatedDialect`, for a
        statement marked `LAST_IN_TRANSACTION`)."""
        self._postlude = "COMMIT"

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        prelude, self._prelude = self._prelude, None
        postlude, self._postlude = self._postlude, None
        candidate, self._candidate = self._candidate, False
        adapt: OneTripConnection = self._adapt_connection  # type: ignore[assignment]
        conn = connection._conn
        async with adapt._execute_mutex:
            done = None
            if candidate and (postlude is None or adapt.commits_on_loop) and adapt.quick.on_loop(operation):
                done = self._on_loop(adapt, conn, prelude, operation, parameters, postlude)
            if done is None and candidate:
                *done, cpu_seconds = await connection._execute(
                    _run_timed, conn, prelude, operation, parameters, postlude
                )
                adapt.quick.ran_on_thread(operation, cpu_seconds)
            elif done is None:
                done = await connection._execute(_run, conn, prelude, operation, parameters, postlude)
        outcome, rows = done
        self._cursor = outcome  # type: ignore[assignment]
        self._rows = collections.deque(rows)
        return outcome

    @staticmethod
    def _on_loop(
        adapt: OneTripConnection,
        conn: sqlite3.Connection,
        prelude: str | None,
        operation: str,
        parameters: Any,
        postlude: str | None,
    ) -> tuple[_Outcome, list[Any]] | None:
        """The statement run here, on the event loop's thread; None when another process holds
        the write lock its transaction must begin with."""
        cpu, wall = time.thread_time(), time.perf_counter()
        if prelude is not None:  # BEGIN IMMEDIATE
            try:
                _begin_without_waiting(conn, adapt.busy_timeout_ms)
            except _Busy:
                return None
        done = _run(conn, None, operation, parameters, postlude)
        adapt.quick.ran_on_loop(operation, time.thread_time() - cpu, time.perf_counter() - wall)
        return done

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            outcome = await connection._execute(_run_many, connection._conn, operation, seq_of_parameters)
        self._cursor = outcome
        return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    # The write gate's state of this connection (`WriteGatedDialect`): whether its database
    # keeps a WAL (an in-memory one does not), whether it holds the gate, whether its
    # transaction writes (began with BEGIN IMMEDIATE). And for `QuickStatements`: SQLite's busy
    # timeout, and whether a COMMIT may run on the loop (WAL checkpointed by a job, not in the
    # commit that fills it: `models.db.create_engine(checkpointed_apart=True)` sets it).
    __slots__ = ("busy_timeout_ms", "commits_on_loop", "gated", "quick", "wal", "writing")
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass; mypy reads the slot as invariant

    def __init__(
        self, dbapi: Any, connection: AsyncIODBAPIConnection, quick: QuickStatements, busy_timeout_ms: int
    ) -> None:
        super().__init__(dbapi, connection)
        self.quick = quick
        self.busy_timeout_ms = busy_timeout_ms
        self.commits_on_loop = False
        self.wal = False
        self.gated = False
        self.writing = False

    def commit(self) -> None:
        if self._outside_transaction():
            return
        if not self.commits_on_loop:
            super().commit()
            return
        try:  # holding the write lock, in WAL mode, without the checkpoint: nothing to wait for
            self._connection._conn.commit()
        except Exception as error:
            self._handle_exception(error)

    def rollback(self) -> None:
        if not self._outside_transaction():
            super().rollback()

    def _outside_transaction(self) -> bool:
        """No transaction is open, so COMMIT or ROLLBACK would do nothing: the connection runs in
        autocommit mode and transactions begin only with our BEGIN IMMEDIATE
        (`WriteGatedDialect`), so reads alone open none. SQLAlchemy still ends every transaction it began — and the pool
        rolls back every connection given back — which cost a trip to SQLite's thread each:
        ~7 per update, most of them with nothing to end. Read on the event loop's side while no
        statement of this connection runs (SQLAlchemy uses a connection from one task at a time)."""
        connection: sqlite3.Connection | None = self._connection._connection
        return connection is not None and not connection.in_transaction


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module of one engine (`WriteGatedDialect.import_dbapi`), with its
    `QuickStatements`."""

    def __init__(self, aiosqlite: Any, sqlite: Any) -> None:
        super().__init__(aiosqlite, sqlite)
        self.quick = QuickStatements()

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's adaptation does
        return OneTripConnection(
            self,
            cast("AsyncIODBAPIConnection", await_only(connection)),
            self.quick,
            int(float(kw.get("timeout", 5.0)) * 1000),  # sqlite3.connect's, as its busy timeout
        )


class WriteGatedDialect(SQLiteDialect_aiosqlite):
    """SQLite has one write lock, and its busy handler waits for it by sleeping (up to 100 ms a
    try): under concurrent updates most of the time went to sleeping waiters. Writers of this
    process queue on an asyncio lock instead (`write_gate`, first come, first served; shared by
    the engines of one database) and take SQLite's lock with BEGIN IMMEDIATE, never waiting in
    SQLite; other processes still meet the busy timeout.

    Readers do not queue. In WAL mode a transaction runs its reads without BEGIN (each statement
    sees the latest commit, as PostgreSQL's READ COMMITTED does) until its first write: then it
    takes the gate and BEGIN IMMEDIATE, and holds SQLite's write lock to its end, so every write
    of it is one atomic transaction and what it reads from there on cannot change under it.
    A deferred transaction is never upgraded to a writer: holding a read snapshot, it would fail
    with SQLITE_BUSY when another writer committed since, which no waiting can cure. Reads that
    lock on PostgreSQL (FOR UPDATE) take the gate here. Without WAL (an in-memory database)
    every transaction takes the gate at its start. The gate is given back with the connection
    (models.db's pool listeners).

    In the dialect's own hooks, not engine events: a listener of the engine's ConnectionEvents
    joined every Connection to the engine's dispatcher and had every event point of every
    statement fire (~5 % of the bot's CPU per update on SQLite; benchmarks/README.md). Used by
    models.db.create_engine for every SQLite URL (registered as `sqlite.hamdel_aiosqlite`)."""

    supports_statement_cache = True
    write_gate: asyncio.Lock

    @classmethod
    def import_dbapi(cls) -> OneTripDBAPI:
        return OneTripDBAPI(aiosqlite, sqlite3)

    def do_begin(self, dbapi_connection: Any) -> None:
        # Every transaction starts reading, whatever the connection's last one did.
        connection: OneTripConnection = dbapi_connection.dbapi_connection
        connection.writing = False
        if not connection.wal:
            self._take_write_lock(connection, None)

    def do_execute(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        self._gated(cursor, statement, context, False, cursor.execute, statement, parameters)

    def do_execute_no_params(self, cursor: Any, statement: str, context: Any = None) -> None:
        self._gated(cursor, statement, context, False, cursor.execute, statement)

    def do_executemany(self, cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
        self._gated(cursor, statement, context, True, cursor.executemany, statement, parameters)

    def _gated(
        self, cursor: Any, statement: str, context: Any, many: bool, execute: Any, *arguments: Any
    ) -> None:
        """`execute(*arguments)` after the gate's checks (`_before`)."""
        self._before(cursor, statement, context, many=many)
        self._run(cursor, execute, *arguments)

    def execute_alone(self, cursor: OneTripCursor, statement: str, parameters: Any) -> None:
        """`statement` as a write transaction of its own, outside any SQLAlchemy `Connection`
        (models/alone.py): the gate, then BEGIN IMMEDIATE, the statement and its COMMIT in one
        trip. The gate goes back with the connection, as after any other write."""
        connection: OneTripConnection = cursor._adapt_connection  # type: ignore[assignment]
        if connection.writing:
            raise RuntimeError("a transaction is already open on this connection")
        self._take_write_lock(connection, cursor)
        cursor.commit_after()
        if may_run_on_loop(statement, None):
            cursor.may_run_on_loop()
        self._run(cursor, cursor.execute, statement, parameters)
        connection.writing = False  # committed with it

    def _before(self, cursor: OneTripCursor, statement: str, context: Any, *, many: bool) -> None:
        connection: OneTripConnection = cursor._adapt_connection  # type: ignore[assignment]
        if not connection.writing and not only_reads(statement, context):
            self._take_write_lock(connection, None if many else cursor)
        if not many and isinstance(cursor, OneTripCursor) and may_run_on_loop(statement, context):
            cursor.may_run_on_loop()  # not a server-side stream's cursor, not executemany
        if connection.writing and context is not None and context.execution_options.get(LAST_IN_TRANSACTION):
            if not many:
                cursor.commit_after()  # the COMMIT in the statement's trip
                # Committed with it: a later write begins anew. (If the statement fails, its
                # transaction stays open: `_run` marks it writing again.)
                connection.writing = False

    def _take_write_lock(self, connection: OneTripConnection, statement_cursor: OneTripCursor | None) -> None:
        if not connection.gated:
            await_only(self.write_gate.acquire())
            connection.gated = True
        if statement_cursor is not None:
            statement_cursor.begin_immediate_first()  # one trip for both
        else:
            cursor = connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
            finally:
                cursor.close()
        connection.writing = True

    @staticmethod
    def _run(cursor: OneTripCursor, execute: Any, *arguments: Any) -> None:
        """`execute(*arguments)`; after a failure, whether a transaction is open is read again. A
        BEGIN IMMEDIATE sent with the statement may itself have failed (another process held the
        lock past the busy timeout): then none is open and the next write must begin one.
        Likewise a statement sent with its COMMIT failed before it: the transaction is open."""
        try:
            execute(*arguments)
        except BaseException:
            connection: OneTripConnection = cursor._adapt_connection  # type: ignore[assignment]
            with contextlib.suppress(Exception):  # a connection lost meanwhile has nothing to read
                connection.writing = connection._connection.in_transaction
            raise

    def release_gate(self, connection: Any) -> None:
        """The connection goes back to the pool (or is invalidated): its gate is given back."""
        if not isinstance(connection, OneTripConnection):
            return
        connection.writing = False
        if connection.gated:
            connection.gated = False
            self.write_gate.release()


def only_reads(statement: str, context: Any) -> bool:
    """Whether `statement` neither writes nor locks (SELECT ... FOR UPDATE locks on PostgreSQL).
    A compiled SELECT is judged by its type; anything else by its first word, so that text of
    any other kind (WITH ... INSERT, SAVEPOINT, DDL) counts as a write."""
    target = getattr(getattr(context, "compiled", None), "statement", None)
    if isinstance(target, GenerativeSelect):
        return target._for_update_arg is None
    words = statement.split(None, 1)
    return not words or words[0].upper() in _READ_KEYWORDS


# Statements that only read, when written as text (compiled statements are judged by their type).
_READ_KEYWORDS = ("SELECT", "PRAGMA", "EXPLAIN")
