"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import registry
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

# aiosqlite's DEBUG log prints every statement with its parameters — user text, national codes
# in transit through the update inbox. Personal data must never reach a log: cap it at INFO.
logging.getLogger("aiosqlite").setLevel(logging.INFO)

# Connections of one process to a SQLite database file (see `create_engine`): the updates'
# engine's, and the background jobs' own (see `create_background_engine`).
SQLITE_CONNECTIONS = 6
SQLITE_BACKGROUND_CONNECTIONS = 2

# The SQLite dialect of models/sqlite_driver.py, as SQLAlchemy's registry names it.
_GATED_DRIVER = "sqlite.hamdel_aiosqlite"
# The PostgreSQL dialect of models/postgres_driver.py (asyncpg, BEGIN only when needed).
_LAZY_BEGIN_DRIVER = "postgresql.hamdel_asyncpg"

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
    server_connections: int = 20,
    server_overflow: int = 10,
) -> AsyncEngine:
    """An async engine. For SQLite: the folder is created, WAL mode, a busy timeout and the
    write gate are set up (see models.sqlite_driver.WriteGatedDialect; `gate_of`: another
    engine of this database whose gate this one shares), and `connections` kept to a database
    file (`overflow`: how many more may be made for a peak, each closed when given back). `checkpointed_apart`: the
    process checkpoints the WAL in the background (`checkpoint_wal`), so a commit does it only
    past `WRITERS_CHECKPOINT_PAGES`. For a server (PostgreSQL): `server_connections` kept once
    opened, `server_overflow` more for a burst, each closed when given back (with 10 kept, 30
    updates at once opened a connection for ~0.2 of them: its start-up, authentication and type
    set-up cost more CPU than the update); through asyncpg a transaction's BEGIN goes out with
    its first statement that is not a plain read (models/postgres_driver.py)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() == "asyncpg":
            registry.register(_LAZY_BEGIN_DRIVER, "models.postgres_driver", "LazyBeginDialect")
            parsed = parsed.set(drivername=_LAZY_BEGIN_DRIVER.replace(".", "+"))
        server = create_async_engine(
            parsed, echo=echo, pool_size=server_connections, max_overflow=server_overflow
        )
        event.listen(server.sync_engine.pool, "checkout", _refuse_a_closed_connection)
        return server

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
    # aiosqlite with a statement in one trip to its thread and the write gate
    # (models/sqlite_driver.py), whatever driver the URL names: only aiosqlite runs async.
    from models.sqlite_driver import WriteGatedDialect

    registry.register(_GATED_DRIVER, "models.sqlite_driver", "WriteGatedDialect")
    engine = create_async_engine(
        parsed.set(drivername=_GATED_DRIVER.replace(".", "+")),
        echo=echo,
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        **options,
    )
    dialect = engine.sync_engine.dialect
    assert isinstance(dialect, WriteGatedDialect)
    gate_dialect = gate_of.sync_engine.dialect if gate_of is not None else None
    dialect.write_gate = (
        gate_dialect.write_gate if isinstance(gate_dialect, WriteGatedDialect) else asyncio.Lock()
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # An in-memory database (one connection shared by all) stays in its own journal mode.
        dbapi_connection.wal = str(cursor.fetchone()[0]).lower() == "wal"
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if checkpointed_apart:
            cursor.execute(f"PRAGMA wal_autocheckpoint={WRITERS_CHECKPOINT_PAGES}")
        cursor.close()
        # A commit may run on the event loop's thread (models.sqlite_driver.QuickStatements) only
        # where it never checkpoints the WAL itself (that waits on the disk).
        dbapi_connection.commits_on_loop = dbapi_connection.wal and checkpointed_apart

    # The gate goes back with the connection. A task cancelled mid-statement (a shutdown, a
    # timeout) gets its connection invalidated instead: the gate must be released then too, or
    # every later writer of the process would wait for it forever.
    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        dialect.release_gate(dbapi_connection)

    @event.listens_for(engine.sync_engine.pool, "invalidate")
    @event.listens_for(engine.sync_engine.pool, "soft_invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _exception: Any) -> None:
        dialect.release_gate(dbapi_connection)

    return engine


def _refuse_a_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server closed (a restart, pg_terminate_backend) is replaced at
    checkout: the driver saw the socket close (asyncpg reads it while idle), no round trip asked.
    SQLAlchemy's `pool_pre_ping` asked the server at every checkout — three round trips with
    asyncpg (BEGIN, an empty query, ROLLBACK), ~2.4 % of the bot's CPU per update
    (`python -m benchmarks.profile_mix --postgres`) and a few milliseconds of every update's
    wait. A connection lost unseen (a network cut) fails its statement instead: the update is
    retried (bot.inbox.is_transient) and the pool replaced."""
    driver = getattr(dbapi_connection, "driver_connection", None)
    is_closed = getattr(driver, "is_closed", None)
    if is_closed is not None and is_closed():
        raise DisconnectionError("the server closed this connection")


async def open_connections(engine: AsyncEngine, count: int) -> None:
    """Open `count` of the pool's connections now, each with the schema read, and keep them: a
    SQLite file's connections are otherwise opened by the first updates that need them (a
    thread, the schema parsed, ~0.5 MB each: most of a worker's memory growth in its first
    minutes, and their first statements' wait)."""
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(count):
            connection = await stack.enter_async_context(engine.connect())
            await connection.exec_driver_sql("SELECT count(*) FROM sqlite_master")


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


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def is_sqlite(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "sqlite"


@functools.cache
def insert_or_skip(dialect: str, table: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING into `table` (its columns' names as the parameters, a row
    or a list of rows) for a database, built once per database and table: building such a
    statement costs more CPU than running it."""
    return dialect_module(dialect).insert(table).on_conflict_do_nothing()


def upsert_statement(
    dialect: str,
    table: Any,
    values: dict[str, Any],
    keys: list[Any],
    updated: Callable[[Any], dict[str, Any]],
    returning: tuple[Any, ...] = (),
) -> Any:
    """INSERT `values` ON CONFLICT (`keys`) DO UPDATE SET `updated(excluded)` [RETURNING
    `returning`] for a database (its dialect's `insert`). With bind parameters for the values,
    build it once and keep it: building such a statement costs more CPU than running it."""
    inserting = dialect_module(dialect).insert(table).values(**values)
    statement = inserting.on_conflict_do_update(index_elements=keys, set_=updated(inserting.excluded))
    return statement.returning(*returning) if returning else statement


def dialect_module(name: str) -> ModuleType:
    """`sqlalchemy.dialects.postgresql` for a PostgreSQL database, else `.sqlite`: their
    `insert` has ON CONFLICT. Imported here when first asked for, so a worker loads only its own
    database's module (PostgreSQL's costs a SQLite worker ~2 MB; benchmarks/footprint.py)."""
    if name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite
