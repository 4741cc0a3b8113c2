"""SQLite concurrency in one process (models/db.py): readers run beside the writer, writers
queue on the gate and never meet SQLite's busy handler, and a transaction's writes stay atomic;
a task cancelled while it waits for the gate or mid-statement ends cancelled and leaves the gate
free (a failed start's close cancels background loops that survive their errors).

The engines here have no busy timeout: any wait inside SQLite would fail at once as
"database is locked" instead of passing slowly."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, event, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from models.db import (
    SQLITE_BACKGROUND_CONNECTIONS,
    SQLITE_CONNECTIONS,
    WRITERS_CHECKPOINT_PAGES,
    checkpoint_wal,
    create_background_engine,
    create_engine,
    create_sessionmaker,
    open_connections,
)
from models.sqlite_driver import OneTripConnection

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True), Column("value", Integer))


async def _engine(url: str) -> AsyncEngine:
    engine = create_engine(url, busy_timeout_ms=0)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    return engine


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await _engine(f"sqlite+aiosqlite:///{tmp_path}/db.sqlite")
    yield engine
    await engine.dispose()


async def test_a_reader_does_not_wait_for_an_open_write_transaction(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions() as writer, sessions() as reader:
        await writer.execute(insert(rows).values(value=1))  # holds the write lock, uncommitted
        count = await asyncio.wait_for(reader.scalar(select(func.count()).select_from(rows)), 2)
        assert count == 0  # the last commit, not the writer's work in progress
        await writer.commit()
        assert await reader.scalar(select(func.count()).select_from(rows)) == 1


async def test_a_transaction_that_read_before_another_commit_can_still_write(engine: AsyncEngine) -> None:
    """A deferred SQLite transaction holding a read snapshot fails with SQLITE_BUSY when it tries
    to write after another writer committed; the gate never lets a reader upgrade like that."""
    sessions = create_sessionmaker(engine)
    async with sessions() as first, sessions() as second:
        assert await first.scalar(select(func.count()).select_from(rows)) == 0
        await second.execute(insert(rows).values(value=2))
        await second.commit()
        seen = await first.scalar(select(func.count()).select_from(rows))
        await first.execute(insert(rows).values(value=seen))
        await first.commit()
    async with sessions() as check:
        assert sorted((await check.scalars(select(rows.c.value))).all()) == [1, 2]


async def test_concurrent_readers_and_writers_lose_nothing(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)

    async def write(value: int) -> None:
        async with sessions() as session:
            await session.scalar(select(func.count()).select_from(rows))
            await asyncio.sleep(0)  # let the others interleave between the read and the write
            await session.execute(insert(rows).values(value=value))
            await asyncio.sleep(0)
            await session.execute(insert(rows).values(value=-value))
            await session.commit()

    async def read() -> int:
        async with sessions() as session:
            total = await session.scalar(select(func.coalesce(func.sum(rows.c.value), 0)))
            assert total == 0  # a writer's two rows are seen together or not at all
            return int(await session.scalar(select(func.count()).select_from(rows)) or 0)

    await asyncio.gather(*(write(n) for n in range(1, 21)), *(read() for _ in range(20)))
    async with sessions() as check:
        assert await check.scalar(select(func.count()).select_from(rows)) == 40


async def test_a_rolled_back_transaction_leaves_nothing(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        await session.scalar(select(func.count()).select_from(rows))
        await session.execute(insert(rows).values(value=1))
        await session.execute(insert(rows).values(value=2))
        await session.rollback()
        async with session.begin_nested():
            await session.execute(insert(rows).values(value=3))
        nested = await session.begin_nested()
        await session.execute(insert(rows).values(value=4))
        await nested.rollback()
        await session.commit()
    async with sessions() as check:
        assert (await check.scalars(select(rows.c.value))).all() == [3]


async def test_a_read_for_update_waits_like_a_writer(engine: AsyncEngine) -> None:
    """SELECT ... FOR UPDATE locks on PostgreSQL; on SQLite it takes the write gate."""
    sessions = create_sessionmaker(engine)
    async with sessions() as locker, sessions() as writer:
        await locker.execute(select(rows).with_for_update())
        write = asyncio.ensure_future(writer.execute(insert(rows).values(value=1)))
        await asyncio.sleep(0.05)
        assert not write.done()
        await locker.commit()
        await asyncio.wait_for(write, 2)
        await writer.commit()


async def test_an_in_memory_database_takes_the_gate_at_every_begin() -> None:
    """No WAL in memory: every transaction is a writer's, as before readers were let through."""
    engine = await _engine("sqlite+aiosqlite:///:memory:")
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(rows)) == 0
            assert session.info == {} and _writing(await session.connection())
            await session.execute(insert(rows).values(value=1))
            await session.commit()
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(rows)) == 1
    finally:
        await engine.dispose()


def _writing(connection: AsyncConnection) -> bool:
    """Whether the connection's transaction holds SQLite's write lock (models/sqlite_driver.py)."""
    driver_connection = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
    assert isinstance(driver_connection, OneTripConnection)
    return driver_connection.writing


def _suspended_in(task: asyncio.Future[object], function: str) -> bool:
    """Whether `task` is suspended inside a coroutine function named `function`."""
    current = task.get_coro()  # type: ignore[attr-defined]
    while current is not None:
        frame = getattr(current, "cr_frame", None)
        if frame is not None and frame.f_code.co_name == function:
            return True
        current = getattr(current, "cr_await", None)
    return False


async def _until(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(10):
        while True:
            if check():
                return
            await asyncio.sleep(0.001)


async def _ends_cancelled(task: asyncio.Future[object]) -> None:
    """The task ends, with its CancelledError: an error raised while it unwinds (a
    PendingRollbackError from the connection it lost) would replace the cancellation."""
    async with asyncio.timeout(10):
        await asyncio.wait({task})
    assert task.cancelled(), task.exception()


async def _write_one(sessions: Callable[[], object], value: int) -> None:
    async with asyncio.timeout(10), sessions() as session:  # type: ignore[attr-defined]
        await session.execute(insert(rows).values(value=value))
        await session.commit()


async def test_a_writer_cancelled_while_waiting_for_the_gate_ends_and_takes_nothing(
    engine: AsyncEngine,
) -> None:
    sessions = create_sessionmaker(engine)

    async def write() -> None:
        async with sessions() as session:
            await session.scalar(select(func.count()).select_from(rows))
            await session.execute(insert(rows).values(value=2))
            await session.commit()

    async with sessions() as holder:
        await holder.execute(insert(rows).values(value=1))  # holds the gate
        waiting = asyncio.ensure_future(write())
        await _until(lambda: _suspended_in(waiting, "acquire"))
        waiting.cancel()
        await _ends_cancelled(waiting)
        await holder.commit()
    await _write_one(sessions, 3)  # the gate is free
    async with sessions() as check:
        assert sorted((await check.scalars(select(rows.c.value))).all()) == [1, 3]


async def test_a_read_cancelled_mid_statement_ends_cancelled(engine: AsyncEngine) -> None:
    sessions = create_sessionmaker(engine)
    slow = text(
        "SELECT count(*) FROM (WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n"
        " WHERE x < 3000000) SELECT x FROM n)"
    )

    async def read() -> None:
        async with sessions() as session:
            await session.scalar(slow)

    reading = asyncio.ensure_future(read())
    await _until(lambda: _suspended_in(reading, "_execute"))
    reading.cancel()
    await _ends_cancelled(reading)
    await _write_one(sessions, 1)


async def test_a_loop_that_survives_its_errors_still_ends_when_cancelled(engine: AsyncEngine) -> None:
    """A failed start closes the app, which cancels its background loops once and waits for
    them (the update inbox's sweep catches every Exception and goes on): a cancellation that
    reaches such a loop as an Exception is lost, and the close waits for ever."""
    sessions = create_sessionmaker(engine)
    given_up = asyncio.Event()  # only so that a failure here does not hang the test run

    async def background(step: Callable[[], Awaitable[None]]) -> None:
        while not given_up.is_set():
            with contextlib.suppress(Exception):
                await step()
            await asyncio.sleep(0)

    async def sweep_and_write() -> None:
        async with sessions() as session:
            await session.scalar(select(func.count()).select_from(rows))
            await session.execute(insert(rows).values(value=2))  # waits for the gate
            await session.commit()

    try:
        async with sessions() as holder:
            await holder.execute(insert(rows).values(value=1))
            loop = asyncio.ensure_future(background(sweep_and_write))
            await _until(lambda: _suspended_in(loop, "acquire"))
            loop.cancel()
            await _ends_cancelled(loop)
            await holder.commit()
    finally:
        given_up.set()
    await _write_one(sessions, 3)


async def test_a_file_database_keeps_its_connections_and_makes_none_beyond_them(
    engine: AsyncEngine,
) -> None:
    """SQLITE_CONNECTIONS made when first needed and kept once given back: none beyond them comes
    and goes at a peak (each with a thread of its own and its schema and statements to build
    again); a task past them waits for one given back."""
    pool = engine.sync_engine.pool
    given_back, all_held = asyncio.Event(), asyncio.Event()
    held: list[int] = []

    async def hold() -> None:
        async with engine.connect() as connection:
            await connection.execute(select(func.count()).select_from(rows))
            held.append(1)
            if len(held) == SQLITE_CONNECTIONS:
                all_held.set()
            await given_back.wait()

    holders = [asyncio.create_task(hold()) for _ in range(SQLITE_CONNECTIONS)]
    await all_held.wait()
    extra = asyncio.create_task(hold())
    await asyncio.sleep(0.1)
    assert pool.checkedout() == SQLITE_CONNECTIONS  # type: ignore[attr-defined]
    assert not extra.done()
    given_back.set()
    await asyncio.gather(*holders, extra)
    assert pool.checkedin() == SQLITE_CONNECTIONS  # type: ignore[attr-defined]


async def test_a_worker_opens_its_connections_at_start(engine: AsyncEngine) -> None:
    """models.db.open_connections (HamdelApp.on_startup, SQLite file): the pool's connections are
    open and kept; the first updates, as many at once as there are connections, make none."""
    pool = engine.sync_engine.pool
    made: list[object] = []
    event.listen(pool, "connect", lambda *_: made.append(1))
    assert pool.checkedin() < SQLITE_CONNECTIONS  # type: ignore[attr-defined]
    await open_connections(engine, SQLITE_CONNECTIONS)
    assert pool.checkedin() == SQLITE_CONNECTIONS  # type: ignore[attr-defined]
    opened = len(made)
    async with contextlib.AsyncExitStack() as updates:
        for _ in range(SQLITE_CONNECTIONS):
            connection = await updates.enter_async_context(engine.connect())
            await connection.execute(select(func.count()).select_from(rows))
    assert len(made) == opened


async def test_background_jobs_have_connections_of_their_own_and_share_the_write_gate(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """However many background jobs hold connections, an update gets one of its own engine; their
    writes still queue one after another (one gate per database, not per engine)."""
    jobs = create_background_engine(engine, f"sqlite+aiosqlite:///{tmp_path}/db.sqlite", busy_timeout_ms=0)
    assert jobs is not engine
    try:
        release = asyncio.Event()
        writing = asyncio.Event()

        async def job_writes() -> None:
            async with jobs.begin() as connection:
                await connection.execute(insert(rows).values(value=1))
                writing.set()
                await release.wait()

        async def job_reads() -> None:
            async with jobs.connect() as connection:
                await connection.execute(select(func.count()).select_from(rows))
                await release.wait()

        busy = [asyncio.create_task(job_writes())]
        await writing.wait()
        busy += [asyncio.create_task(job_reads()) for _ in range(SQLITE_BACKGROUND_CONNECTIONS + 2)]
        await asyncio.sleep(0.05)
        async with engine.connect() as connection:  # an update's read: no wait behind the jobs
            assert await connection.scalar(select(func.count()).select_from(rows)) == 0
        update_writes = asyncio.create_task(_write(engine, 2))
        await asyncio.sleep(0.1)
        assert not update_writes.done()  # behind the job's write, on the shared gate
        release.set()
        await asyncio.gather(*busy, update_writes)
        async with engine.connect() as connection:
            assert await connection.scalar(select(func.count()).select_from(rows)) == 2
    finally:
        await jobs.dispose()


async def _write(engine: AsyncEngine, value: int) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(rows).values(value=value))


async def test_background_jobs_share_the_engine_of_an_in_memory_database() -> None:
    engine = create_engine("sqlite+aiosqlite:///:memory:")
    try:
        assert create_background_engine(engine, "sqlite+aiosqlite:///:memory:") is engine
    finally:
        await engine.dispose()


async def test_the_wal_is_checkpointed_apart_from_the_writers(tmp_path: Path) -> None:
    """models.db.checkpoint_wal: with `checkpointed_apart`, commits leave the WAL to it (up to
    WRITERS_CHECKPOINT_PAGES); it copies the WAL into the database file without the write gate,
    so it runs while a writer holds the gate."""
    url = f"sqlite+aiosqlite:///{tmp_path}/db.sqlite"
    engine = create_engine(url, busy_timeout_ms=0, checkpointed_apart=True)
    jobs = create_background_engine(engine, url, busy_timeout_ms=0, checkpointed_apart=True)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
            assert await connection.scalar(text("PRAGMA wal_autocheckpoint")) == WRITERS_CHECKPOINT_PAGES
        for value in range(1_500):  # past SQLite's own 1,000-page checkpoint
            await _write(engine, value)
        database = tmp_path / "db.sqlite"
        before = database.stat().st_size
        async with engine.begin() as connection:  # a writer holds the gate meanwhile
            await connection.execute(insert(rows).values(value=-1))
            await asyncio.wait_for(checkpoint_wal(jobs), 5)
        assert database.stat().st_size > before  # the rows are in the database file now
        async with jobs.connect() as connection:
            _busy, logged, done = (await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")).one()
        # No commit checkpointed on the way (that restarts the WAL, below SQLite's 1,000 pages).
        assert done == logged > 1_000
        async with engine.connect() as connection:
            assert await connection.scalar(select(func.count()).select_from(rows)) == 1_501
    finally:
        await jobs.dispose()
        await engine.dispose()
