"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlalchemy.util import await_only

# aiosqlite's DEBUG log prints every statement with its parameters — user text, national codes
# in transit through the update inbox. Personal data must never reach a log: cap it at INFO.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

# Connections of one process to a SQLite database file (see `create_engine`): the updates'
# engine's, and the background jobs' own (see `create_background_engine`).
SQLITE_CONNECTIONS = 6
SQLITE_BACKGROUND_CONNECTIONS = 2

# Each SQLite engine's write gate (`_gate_writes`), shared by the engines of one database.
_GATES: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()

# Statements that only read, when written as text (compiled statements are judged by their type).
_READ_KEYWORDS = ("SELECT", "PRAGMA", "EXPLAIN")

#: With the WAL checkpointed in the background (`checkpoint_wal`), a commit still checkpoints it
#: past this many pages (~40 MB): the background pass fell behind or stopped.
WRITERS_CHECKPOINT_PAGES = 10_000

#: Execution option of a statement that ends its transaction (`.execution_options(**{
#: LAST_IN_TRANSACTION: True})`): on SQLite its COMMIT is sent with it, in the same trip to the
#: connection's thread (models/sqlite_driver.py), and the transaction's own commit then finds
#: nothing to do. Elsewhere it changes nothing. Only for a statement after which the transaction
#: commits at once (the update inbox's one-statement transactions).
LAST_IN_TRANSACTION = "hamdel_last_in_transaction"


def create_engine(
    url: str,
    *,
    echo: bool = False,
    busy_timeout_ms: int = 15_000,
    connections: int = SQLITE_CONNECTIONS,
    overflow: int = 0,
    gate_of: AsyncEngine | None = None,
    checkpointed_apart: bool = False,
) -> AsyncEngine:
    """An async engine. For SQLite: the folder is created, WAL mode, a busy timeout and the
    write gate are set up (see `_gate_writes`; `gate_of`: another engine of this database
    whose gate this one shares), and `connections` kept to a database file (`overflow`: how
    many more may be made for a peak, each closed when given back). `checkpointed_apart`: the
    process checkpoints the WAL in the background (`checkpoint_wal`), so a commit does it only
    past `WRITERS_CHECKPOINT_PAGES`."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)

    database = _sqlite_file(parsed)
    in_memory = database is None
    if database is not None:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # `connections` made when first needed and then kept, by default none beyond them.
    # SQLAlchemy's default (5 kept, up to 10 more made for a peak and closed when given back) had
    # connections coming and going under load, each with an aiosqlite thread, its schema parsed
    # again, its statements prepared again and its page cache cold; their memory, freed between
    # live objects, stayed in the process. And each connection kept holds ~0.6 MB of SQLite's
    # memory: fewer is less (benchmarks/memory.py, after 3,645 updates: 15 kept +20.7 MB, 10 kept
    # +16.4, 7 +13.4, 5 +13.9; 5 + 10 overflow +19.1). Enough for the updates only: the
    # background jobs have their own (`create_background_engine`; with 5 shared, an update
    # waited behind the start-up's jobs: the sandbox's first /donate missed its 2 s in a loaded
    # CI run). An in-memory database is one shared connection (StaticPool): no pool to size.
    options: dict[str, Any] = {} if in_memory else {"pool_size": connections, "max_overflow": overflow}
    if parsed.get_driver_name() == "aiosqlite":
        # A statement is one trip to aiosqlite's thread instead of four (models/sqlite_driver.py).
        from models.sqlite_driver import one_trip_dbapi

        options["module"] = one_trip_dbapi()
    engine = create_async_engine(
        url,
        echo=echo,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        **options,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # An in-memory database (one connection shared by all) stays in its own journal mode.
        record.info["wal"] = str(cursor.fetchone()[0]).lower() == "wal"
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if checkpointed_apart:
            cursor.execute(f"PRAGMA wal_autocheckpoint={WRITERS_CHECKPOINT_PAGES}")
        cursor.close()

    gate = _GATES.get(gate_of.sync_engine) if gate_of is not None else None
    _gate_writes(engine, gate or asyncio.Lock())
    return engine


def _sqlite_file(parsed: URL) -> str | None:
    """The database file of a SQLite URL; None for an in-memory database."""
    database = parsed.database or ""
    return None if not database or database == ":memory:" else database


def create_background_engine(
    engine: AsyncEngine,
    url: str,
    *,
    echo: bool = False,
    busy_timeout_ms: int = 15_000,
    checkpointed_apart: bool = False,
) -> AsyncEngine:
    """The engine of the background jobs (jobs/): for a SQLite file, connections of their own
    (SQLITE_BACKGROUND_CONNECTIONS kept, more made for a peak: all of them run at start, and a
    pass may open a second session or renew its lease beside it), so that they never hold the
    connections an update waits for; their writes still queue on `engine`'s write gate. Any
    other database (a pool of 10 + 20, and a server): `engine` itself."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or _sqlite_file(parsed) is None:
        return engine
    return create_engine(
        url,
        echo=echo,
        busy_timeout_ms=busy_timeout_ms,
        connections=SQLITE_BACKGROUND_CONNECTIONS,
        overflow=8,
        gate_of=engine,
        checkpointed_apart=checkpointed_apart,
    )


async def checkpoint_wal(engine: AsyncEngine) -> None:
    """Copy what the WAL holds into the database file (SQLite's PASSIVE checkpoint: as much as
    no reader still needs, without waiting for anyone). SQLite does it by default in the commit
    that takes the WAL past 1,000 pages, with two fsyncs, while that writer still holds the write
    lock every other writer queues on; run here, on `engine`'s connection (the background
    jobs'), it takes no write lock. `python -m benchmarks.latency`, SQLite, 3 alternating runs
    each: p95 at 50 % load 28, 37, 56 ms before, 32, 28, 25 ms after (saturation 163–171 and
    143–170 updates/s: the job's fsyncs compete for the cores)."""
    async with engine.connect() as connection:
        await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def _gate_writes(engine: AsyncEngine, gate: asyncio.Lock) -> None:
    """SQLite has one write lock, and its busy handler waits for it by sleeping (up to 100 ms a
    try): under concurrent updates most of the time went to sleeping waiters. Writers of this
    process queue on an asyncio lock instead (first come, first served) and take SQLite's lock
    with BEGIN IMMEDIATE, never waiting in SQLite; other processes still meet the busy timeout.

    Readers do not queue. In WAL mode a transaction runs its reads without BEGIN (each statement
    sees the latest commit, as PostgreSQL's READ COMMITTED does) until its first write: then it
    takes the gate and BEGIN IMMEDIATE, and holds SQLite's write lock to its end, so every write
    of it is one atomic transaction and what it reads from there on cannot change under it.
    A deferred transaction is never upgraded to a writer: holding a read snapshot, it would fail
    with SQLITE_BUSY when another writer committed since, which no waiting can cure. Reads that
    lock on PostgreSQL (FOR UPDATE) take the gate here. Without WAL (an in-memory database)
    every transaction takes the gate at its start."""
    _GATES[engine.sync_engine] = gate

    def take_write_lock(connection: Any, statement_cursor: Any = None) -> None:
        info = connection.info
        if not info.get("gated"):
            await_only(gate.acquire())
            info["gated"] = True
        begin_with_statement = getattr(statement_cursor, "begin_immediate_first", None)
        if begin_with_statement is not None:
            begin_with_statement()  # models/sqlite_driver.py: one trip for both
        else:
            cursor = connection.connection.dbapi_connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
            finally:
                cursor.close()
        info["writing"] = True

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Every transaction starts reading, whatever the connection's last one did. (Not reset at
        # the COMMIT or ROLLBACK: the rollback event also fires on a connection invalidated by a
        # cancelled statement, where reading its info raises, and that error would replace the
        # task's CancelledError: a loop that survives its errors then never ends.)
        connection.info.pop("writing", None)
        if not connection.info.get("wal"):
            take_write_lock(connection)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_execute(
        connection: Any, cursor: Any, statement: str, _parameters: Any, context: Any, many: bool
    ) -> None:
        if not connection.info.get("writing") and not _only_reads(statement, context):
            take_write_lock(connection, None if many else cursor)
        if connection.info.get("writing") and context.execution_options.get(LAST_IN_TRANSACTION):
            commit_after = getattr(cursor, "commit_after", None)
            if commit_after is not None and not many:
                commit_after()  # models/sqlite_driver.py: the COMMIT in the statement's trip
                # Committed with it: a later write begins anew. (If the statement fails, its
                # transaction stays open: the error listener below marks it writing again.)
                connection.info.pop("writing", None)

    @event.listens_for(engine.sync_engine, "handle_error")
    def _on_error(context: Any) -> None:
        # A BEGIN IMMEDIATE sent with the statement (models/sqlite_driver.py) may itself have
        # failed (another process held the lock past the busy timeout): then no transaction is
        # open and the next write must begin one. (A connection invalidated meanwhile has no
        # info to read; its gate is released by the invalidate event below.)
        # Likewise a statement sent with its COMMIT failed before it: the transaction is open.
        connection = context.connection
        with contextlib.suppress(Exception):
            if connection is not None:
                writing = connection.connection.driver_connection.in_transaction
                if writing != bool(connection.info.get("writing")):
                    connection.info["writing"] = writing

    def release(record: Any) -> None:
        if record is None:
            return
        record.info.pop("writing", None)
        if record.info.pop("gated", False):
            gate.release()

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        release(record)

    # A task cancelled mid-statement (a shutdown, a timeout) gets its connection invalidated,
    # which forgets the connection's info: the gate must be released before, or every later
    # writer of the process would wait for it forever.
    @event.listens_for(engine.sync_engine.pool, "invalidate")
    @event.listens_for(engine.sync_engine.pool, "soft_invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        release(record)


def _only_reads(statement: str, context: Any) -> bool:
    """Whether `statement` neither writes nor locks (SELECT ... FOR UPDATE locks on PostgreSQL).
    A compiled SELECT is judged by its type; anything else by its first word, so that text of
    any other kind (WITH ... INSERT, SAVEPOINT, DDL) counts as a write."""
    target = getattr(getattr(context, "compiled", None), "statement", None)
    if isinstance(target, GenerativeSelect):
        return target._for_update_arg is None
    words = statement.split(None, 1)
    return not words or words[0].upper() in _READ_KEYWORDS


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


def dialect_module(name: str) -> ModuleType:
    """`sqlalchemy.dialects.postgresql` for a PostgreSQL database, else `.sqlite`: their
    `insert` has ON CONFLICT. Imported here when first asked for, so a worker loads only its own
    database's module (PostgreSQL's costs a SQLite worker ~2 MB; benchmarks/footprint.py)."""
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite
