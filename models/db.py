"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlalchemy.util import await_only

# aiosqlite's DEBUG log prints every statement with its parameters — user text, national codes
# in transit through the update inbox. Personal data must never reach a log: cap it at INFO.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

# Connections of one process to a SQLite database file (see `create_engine`).
SQLITE_CONNECTIONS = 10

# Statements that only read, when written as text (compiled statements are judged by their type).
_READ_KEYWORDS = ("SELECT", "PRAGMA", "EXPLAIN")


def create_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 15_000) -> AsyncEngine:
    """An async engine. For SQLite: the folder is created, WAL mode, a busy timeout and the
    write gate are set up (see `_gate_writes`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)

    database = parsed.database or ""
    in_memory = not database or database == ":memory:"
    if not in_memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    # SQLITE_CONNECTIONS, made when first needed and then kept. SQLAlchemy's default (5 kept, up
    # to 10 more made for a peak and closed when given back) had connections coming and going
    # under load, each with an aiosqlite thread, its schema parsed again, its statements
    # prepared again and its page cache cold; their memory, freed between live objects, stayed
    # in the process (benchmarks/memory.py: RSS after 10,000 updates ~1.5 MB lower with 10 kept;
    # 15 kept: ~1.5 MB higher, each connection holding ~0.6 MB of SQLite's memory). Not fewer:
    # with 5, an update waited for a connection behind the start-up's jobs (the sandbox's first
    # /donate missed its 2 s in a loaded CI run). An in-memory database is one shared
    # connection (SQLAlchemy's StaticPool): no pool to size.
    pool: dict[str, Any] = {} if in_memory else {"pool_size": SQLITE_CONNECTIONS, "max_overflow": 0}
    engine = create_async_engine(
        url,
        echo=echo,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        **pool,
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
        cursor.close()

    _gate_writes(engine)
    return engine


def _gate_writes(engine: AsyncEngine) -> None:
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
    gate = asyncio.Lock()

    def take_write_lock(connection: Any) -> None:
        info = connection.info
        if not info.get("gated"):
            await_only(gate.acquire())
            info["gated"] = True
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
        connection: Any, _cursor: Any, statement: str, _parameters: Any, context: Any, _many: bool
    ) -> None:
        if not connection.info.get("writing") and not _only_reads(statement, context):
            take_write_lock(connection)

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
