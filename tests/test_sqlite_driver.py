"""models/sqlite_driver.py: a statement is one trip to aiosqlite's thread, and SQLAlchemy sees
the same results and errors as through its own aiosqlite adaptation (rows, rowcount,
RETURNING, executemany, lastrowid, server-side streams, constraint errors, a closed pool)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from models.db import LAST_IN_TRANSACTION, create_engine
from models.sqlite_driver import OneTripCursor, QuickStatements

metadata = MetaData()
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String, unique=True, nullable=False),
    Column("size", Integer),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function sent to a connection's thread."""
    sent: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(fn, "__name__", repr(fn))
        sent.append("_run" if name == "_run_timed" else name)  # timed: it may prove quick
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return sent


async def test_the_engine_uses_the_one_trip_cursor(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, aiosqlite.Connection)
        assert isinstance(raw.dbapi_connection.cursor(), OneTripCursor)  # type: ignore[union-attr]


async def test_a_statement_is_one_trip_and_a_write_transaction_two(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.connect() as connection:
        trips.clear()
        await connection.execute(select(items.c.id))
        assert trips == ["_run"]
        await connection.rollback()
        trips.clear()
        async with connection.begin():
            await connection.execute(insert(items).values(name="a", size=1))
        # BEGIN IMMEDIATE (the write gate) with the INSERT, then the COMMIT.
        assert trips == ["_run", "commit"]
        trips.clear()
        async with connection.begin():
            await connection.execute(insert(items), [{"name": "b"}, {"name": "c"}])
        # executemany: its BEGIN IMMEDIATE is a trip of its own.
        assert trips == ["_run", "_run_many", "commit"]


async def test_a_statement_marked_last_carries_its_commit(engine: AsyncEngine, trips: list[str]) -> None:
    last = {LAST_IN_TRANSACTION: True}
    async with engine.connect() as connection:
        trips.clear()
        async with connection.begin():
            rows = await connection.execute(
                insert(items).values(name="a").returning(items.c.id).execution_options(**last)
            )
            assert rows.scalar_one() == 1
        # BEGIN IMMEDIATE, the INSERT and its COMMIT in one trip; the transaction's end makes none.
        assert trips == ["_run"]
        async with connection.begin():  # a second write transaction on the connection
            await connection.execute(insert(items).values(name="b"))
            await connection.execute(
                update(items).where(items.c.name == "b").values(size=2).execution_options(**last)
            )
            # Committed: a write after it (misuse, but possible) begins a transaction anew.
            await connection.execute(insert(items).values(name="c"))
        assert trips == ["_run", "_run", "_run", "_run", "commit"]
        trips.clear()
        with pytest.raises(IntegrityError):  # a failed statement skips the COMMIT ...
            async with connection.begin():
                await connection.execute(insert(items).values(name="d"))
                await connection.execute(insert(items).values(name="a").execution_options(**last))
        assert trips == ["_run", "_run", "rollback"]  # ... and its transaction is rolled back
        async with connection.begin() as transaction:
            await connection.execute(insert(items).values(name="e"))
            with pytest.raises(IntegrityError):
                await connection.execute(insert(items).values(name="a").execution_options(**last))
            # Still in the transaction the failed statement did not commit: a write goes on in it.
            await connection.execute(insert(items).values(name="f"))
            await transaction.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(select(items.c.name, items.c.size))).all() == [
            ("a", None),
            ("b", 2),
            ("c", None),
        ]


async def test_ending_a_transaction_with_nothing_open_makes_no_trip(
    engine: AsyncEngine, trips: list[str]
) -> None:
    async with engine.connect() as connection:
        trips.clear()
        async with connection.begin():  # reads only: SQLite opened no transaction
            await connection.execute(select(items.c.id))
        await connection.rollback()
        assert trips == ["_run"]
    # Giving the connection back to the pool (its reset: a rollback) made no trip either.
    assert trips == ["_run"]

    async with engine.connect() as connection:
        async with connection.begin():
            await connection.execute(insert(items).values(name="kept"))
        trips.clear()
        transaction = await connection.begin()
        await connection.execute(insert(items).values(name="undone"))
        await transaction.rollback()  # a write was open: the ROLLBACK goes to SQLite
        assert trips == ["_run", "rollback"]
    async with engine.connect() as connection:
        names = (await connection.execute(select(items.c.name))).scalars().all()
    assert names == ["kept"]


async def test_results_rowcounts_and_returning_are_those_of_sqlite(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        inserted = await connection.execute(
            insert(items).values(name="first", size=3).returning(items.c.id, items.c.name)
        )
        assert inserted.all() == [(1, "first")]
        plain = await connection.execute(insert(items).values(name="second", size=5))
        assert plain.inserted_primary_key == (2,)  # lastrowid
        many = await connection.execute(insert(items), [{"name": f"n{i}", "size": i} for i in range(10)])
        assert many.rowcount == 10
        changed = await connection.execute(update(items).where(items.c.size < 5).values(size=0))
        assert changed.rowcount == 6  # first (3) and n0..n4
        assert await connection.scalar(select(items.c.size).where(items.c.name == "second")) == 5
        rows = (await connection.execute(select(items.c.name).order_by(items.c.id))).scalars().all()
        assert rows[:3] == ["first", "second", "n0"] and len(rows) == 12
        assert (await connection.execute(text("SELECT 1 WHERE 0"))).first() is None
        removed = await connection.execute(delete(items).where(items.c.name.like("n%")))
        assert removed.rowcount == 10


async def test_a_server_side_stream_reads_every_row(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(items), [{"name": f"s{i}", "size": i} for i in range(250)])
    async with engine.connect() as connection:
        stream = await connection.stream(select(items.c.size).order_by(items.c.size))
        seen = [size async for size in stream.scalars()]
    assert seen == list(range(250))


async def test_errors_are_sqlalchemys_and_the_connection_goes_on(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(items).values(name="only"))
        with pytest.raises(IntegrityError):
            await connection.execute(insert(items).values(name="only"))
        await connection.rollback()
        async with connection.begin():
            await connection.execute(insert(items).values(name="again"))
        assert await connection.scalar(select(items.c.name)) == "again"


async def test_a_write_whose_begin_failed_begins_again(tmp_path: Path) -> None:
    """Another process holds SQLite's write lock: the first write fails (no busy timeout here)
    with its BEGIN IMMEDIATE; once the lock is free, the next write of the same transaction
    begins a transaction of its own instead of running outside one."""
    path = tmp_path / "db.sqlite"
    engine = create_engine(f"sqlite+aiosqlite:///{path}", busy_timeout_ms=0)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        async with engine.connect() as connection:
            with pytest.raises(OperationalError, match="locked"):
                await connection.execute(insert(items).values(name="first"))
            other.execute("ROLLBACK")
            await connection.execute(insert(items).values(name="second"))
            raw = await connection.get_raw_connection()
            assert raw.driver_connection.in_transaction  # type: ignore[union-attr]
            await connection.rollback()
            assert await connection.scalar(select(func.count()).select_from(items)) == 0
        other.close()
    finally:
        await engine.dispose()


def _quick(engine: AsyncEngine) -> QuickStatements:
    quick: QuickStatements = engine.sync_engine.dialect.loaded_dbapi.quick
    return quick


@pytest.fixture
async def apart(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """An engine as the bot's: its WAL checkpointed by a job, so its commits may run on the loop."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/apart.sqlite", checkpointed_apart=True)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield engine
    await engine.dispose()


async def test_a_statement_that_proved_quick_runs_without_a_trip(
    apart: AsyncEngine, trips: list[str]
) -> None:
    """QuickStatements: a read, a write transaction's first write (with its BEGIN IMMEDIATE) and
    the commit take the thread until their first runs there proved quick, then run on the event
    loop's thread; the results are the same either way. A PRAGMA never leaves the thread."""
    proof = _quick(apart).proof
    by_name = select(items.c.id, items.c.size).where(items.c.name == bindparam("name"))
    resize = update(items).where(items.c.name == bindparam("w_name")).values(size=bindparam("w_size"))
    async with apart.begin() as connection:
        await connection.execute(insert(items), [{"name": f"n{n}", "size": n} for n in range(5)])
    trips.clear()
    async with apart.connect() as connection:
        found = [(await connection.execute(by_name, {"name": f"n{n}"})).one() for n in range(5)]
    assert found == [(n + 1, n) for n in range(5)]
    assert trips == ["_run"] * proof  # then on the loop
    trips.clear()
    for n in range(5):
        async with apart.begin() as connection:
            await connection.execute(resize, {"w_name": f"n{n}", "w_size": 10 * n})
    assert trips == ["_run"] * proof  # the commits, never a trip here: on the loop from the start
    async with apart.connect() as connection:
        sizes = (await connection.execute(select(items.c.size).order_by(items.c.id))).scalars().all()
        trips.clear()
        for _ in range(proof + 1):
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
            await connection.execute(text("PRAGMA wal_checkpoint(PASSIVE)"))  # compiled, still a PRAGMA
        assert trips == ["_run"] * 2 * (proof + 1)
    assert sizes == [0, 10, 20, 30, 40]


async def test_a_write_waits_for_another_process_on_the_thread_not_on_the_loop(
    apart: AsyncEngine, trips: list[str], tmp_path: Path
) -> None:
    """A proven write whose BEGIN IMMEDIATE finds another process holding SQLite's write lock
    goes to the thread and waits there (SQLite's busy timeout) while the loop runs on; the
    connection's busy timeout is as it was."""
    resize = update(items).where(items.c.name == "a").values(size=bindparam("w_size"))
    async with apart.begin() as connection:
        await connection.execute(insert(items).values(name="a", size=0))
    for size in range(_quick(apart).proof):
        async with apart.begin() as connection:
            await connection.execute(resize, {"w_size": size})
    assert _quick(apart).on_loop(str(resize.compile(apart.sync_engine)))  # proved: tried on the loop
    other = sqlite3.connect(tmp_path / "apart.sqlite", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process's write transaction
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    trips.clear()

    async def write() -> None:
        async with apart.begin() as connection:
            await connection.execute(resize, {"w_size": 99})

    writing = asyncio.create_task(write())
    await asyncio.sleep(0.3)
    assert not writing.done() and ticks >= 10  # waiting, and not on the loop
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, 10)
    ticker.cancel()
    assert trips == ["_run"]
    async with apart.connect() as connection:
        assert (await connection.execute(select(items.c.size))).scalar_one() == 99
        assert (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar_one() == 15_000


async def test_a_statement_slow_once_keeps_the_thread(engine: AsyncEngine, trips: list[str]) -> None:
    """A statement that took more than the limit, on the thread or on the loop, takes the thread
    from then on (a report, an export: the loop stays free while it runs)."""
    quick = _quick(engine)
    everything = select(items.c.id)
    quick.cpu_limit = -1.0  # every run is "slow"
    async with engine.connect() as connection:
        for _ in range(quick.proof + 2):
            await connection.execute(everything)
    assert trips == ["_run"] * (quick.proof + 2)
    quick.cpu_limit, quick.stall = 1.0, -1.0  # quick on the thread, a stall on the loop
    one = select(items.c.id).where(items.c.id == 1)
    trips.clear()
    async with engine.connect() as connection:
        for _ in range(quick.proof + 3):
            await connection.execute(one)
    # Proved on the thread, a stall at its first run on the loop: back to the thread.
    assert trips == ["_run"] * (quick.proof + 2)
    assert quick.runs[str(one.compile(engine.sync_engine))] == -1


def test_a_statement_slow_on_the_loop_goes_back_after_runs_in_a_row() -> None:
    """CPU past the limit on the loop sends a statement back after `proof` such runs in a row: one
    may be the garbage collector's; a quick run in between starts the count anew."""
    quick = QuickStatements()
    for _ in range(quick.proof):
        quick.ran_on_thread("s", 0.0)
    slow = 5 * quick.cpu_limit
    for cpu in (slow, slow, 0.0, slow, slow):
        quick.ran_on_loop("s", cpu, 0.001)
    assert quick.on_loop("s")
    quick.ran_on_loop("s", slow, 0.001)
    assert not quick.on_loop("s")


def test_quick_statements_remember_at_most_their_capacity() -> None:
    quick = QuickStatements(capacity=2)
    for statement in ("a", "b", "c"):
        for _ in range(quick.proof):
            quick.ran_on_thread(statement, 0.0)
    assert quick.on_loop("a") and quick.on_loop("b") and not quick.on_loop("c")
    assert len(quick.runs) == 2
