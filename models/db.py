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
from sqlalchemy.util import await_only

# aiosqlite's DEBUG log prints every statement with its parameters — user text, national codes
# in transit through the update inbox. Personal data must never reach a log: cap it at INFO.
logging.getLogger("aiosqlite").setLevel(logging.INFO)


def create_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = 15_000) -> AsyncEngine:
    """An async engine. For SQLite: the folder is created, WAL mode and a busy timeout are set,
    and every transaction starts with BEGIN IMMEDIATE so concurrent handlers queue for the write
    lock instead of failing with "database is locked" when a reader upgrades to a writer."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)

    database = parsed.database or ""
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url, echo=echo, connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    # SQLite has one write lock, and SQLite's busy handler waits for it by sleeping (up to 100 ms
    # a try): under concurrent updates most of the time went to sleeping waiters. Transactions of
    # this process queue on an asyncio lock instead (first come, first served) and take SQLite's
    # lock without waiting; other processes still meet the busy timeout.
    gate = asyncio.Lock()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        if not connection.info.get("gated"):
            await_only(gate.acquire())
            connection.info["gated"] = True
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    def release(record: Any) -> None:
        if record is not None and record.info.pop("gated", False):
            gate.release()

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        release(record)

    # A task cancelled mid-statement (a shutdown, a timeout) gets its connection invalidated,
    # which forgets the connection's info: the gate is released first, or every later writer of
    # the process would wait for it forever.
    @event.listens_for(engine.sync_engine.pool, "invalidate")
    @event.listens_for(engine.sync_engine.pool, "soft_invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _exception: Any) -> None:
        release(record)

    return engine


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
