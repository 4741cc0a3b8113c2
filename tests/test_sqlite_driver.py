"""models/sqlite_driver.py: a statement is one trip to aiosqlite's thread, and SQLAlchemy sees
the same results and errors as through its own aiosqlite adaptation (rows, rowcount,
RETURNING, executemany, lastrowid, server-side streams, constraint errors, a closed pool)."""

from __future__ import annotations

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
from models.sqlite_driver import OneTripCursor, QuickReads

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
        sent.append(getattr(fn, "__name__", repr(fn)))
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
        assert trips == ["_run_timed"]  # a read: timed, to learn whether it is quick
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
        assert trips == ["_run_timed"]
    # Giving the connection back to the pool (its reset: a rollback) made no trip either.
    assert trips == ["_run_timed"]

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


def _quick_reads(engine: AsyncEngine) -> QuickReads:
    reads: QuickReads = engine.sync_engine.dialect.loaded_dbapi.quick_reads
    return reads


async def test_a_read_that_proved_quick_runs_without_a_trip(engine: AsyncEngine, trips: list[str]) -> None:
    """QuickReads: a read outside a write transaction takes the thread until its first runs there
    proved quick, then runs on the event loop's thread; writes, and reads inside a write
    transaction, always take the thread. The results are the same either way."""
    reads = _quick_reads(engine)
    by_name = select(items.c.id, items.c.size).where(items.c.name == bindparam("name"))
    async with engine.begin() as connection:
        await connection.execute(insert(items), [{"name": f"n{n}", "size": n} for n in range(5)])
    trips.clear()
    found = []
    async with engine.connect() as connection:
        for n in range(5):
            found.append((await connection.execute(by_name, {"name": f"n{n}"})).one())
    assert found == [(n + 1, n) for n in range(5)]
    assert trips == ["_run_timed"] * reads.proof  # then on the loop: no trip
    trips.clear()
    async with engine.begin() as connection:  # in a write transaction: the thread, every time
        await connection.execute(update(items).where(items.c.name == "n0").values(size=10))
        assert (await connection.execute(by_name, {"name": "n0"})).one() == (1, 10)
    assert trips == ["_run", "_run", "commit"]
    trips.clear()
    async with engine.connect() as connection:  # what the write committed, read on the loop
        assert (await connection.execute(by_name, {"name": "n0"})).one() == (1, 10)
        with pytest.raises(IntegrityError):
            await connection.execute(insert(items).values(name="n1"))
        # The failed INSERT left its write transaction open: the read takes the thread in it.
        assert (await connection.execute(by_name, {"name": "n4"})).one() == (5, 4)
    assert trips == ["_run", "_run", "rollback"]


async def test_a_read_slow_once_keeps_the_thread(engine: AsyncEngine, trips: list[str]) -> None:
    """A read that took more than the limit, on the thread or on the loop, takes the thread from
    then on (a report, an export: the loop stays free while it runs)."""
    reads = _quick_reads(engine)
    everything = select(items.c.id)
    reads.cpu_limit = -1.0  # every run is "slow"
    async with engine.connect() as connection:
        for _ in range(reads.proof + 2):
            await connection.execute(everything)
    assert trips == ["_run_timed"] * (reads.proof + 2)
    reads.cpu_limit, reads.wall_limit = 1.0, -1.0  # quick on the thread, slow on the loop
    one = select(items.c.id).where(items.c.id == 1)
    trips.clear()
    async with engine.connect() as connection:
        for _ in range(reads.proof + 3):
            await connection.execute(one)
    # Proved on the thread, slow at its first run on the loop: back to the thread.
    assert trips == ["_run_timed"] * (reads.proof + 2)
    assert reads.runs[str(one.compile(engine.sync_engine))] == -1


def test_quick_reads_remember_at_most_their_capacity() -> None:
    reads = QuickReads(capacity=2)
    for statement in ("a", "b", "c"):
        for _ in range(reads.proof):
            reads.ran_on_thread(statement, 0.0)
    assert reads.on_loop("a") and reads.on_loop("b") and not reads.on_loop("c")
    assert len(reads.runs) == 2
