"""models.alone.StatementAlone: a Core statement run as a transaction of its own on the driver's
cursor, on SQLite (through the write gate) and PostgreSQL (autocommit): it commits, returns its
rows and row count, stores values as SQLAlchemy would, raises SQLAlchemy's errors and leaves
the connection and the gate usable."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
import sqlalchemy.exc as sa_exc
from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.util import greenlet_spawn

from models.alone import StatementAlone
from models.base import utcnow
from models.updates import InboxUpdate
from tests.dbkit import sessions_on

TABLE = cast(Table, InboxUpdate.__table__)
COLUMNS = ("platform", "update_id", "update_type", "chat_key", "status", "owner", "attempts", "lease_until")
COLUMNS += ("received_at", "finished_at", "payload", "digest", "last_error")


def _row(update_id: int, **changes: Any) -> dict[str, Any]:
    now = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
    row = {
        "platform": "telegram",
        "update_id": update_id,
        "update_type": "message",
        "chat_key": 7,
        "status": "processing",
        "owner": "w1",
        "attempts": 1,
        "lease_until": now + timedelta(seconds=15),
        "received_at": now,
        "finished_at": None,
        "payload": {"text": "سلام", "n": 1},
        "digest": "d" * 32,
        "last_error": None,
    }
    return {**row, **changes}


async def test_a_statement_alone_commits_returns_and_stores_as_sqlalchemy_does(database_url: str) -> None:
    async with sessions_on(database_url) as sessions:
        engine = sessions.kw["bind"].sync_engine
        inserting = StatementAlone(engine, _insert_claimed(engine.dialect.name), column_keys=COLUMNS)
        rows, _ = await greenlet_spawn(inserting.run, _row(1))
        assert [tuple(row) for row in rows] == [(1,)]
        rows, _ = await greenlet_spawn(inserting.run, _row(1))  # already there: nothing
        assert rows == []
        finishing = StatementAlone(
            engine,
            update(TABLE)
            .where(TABLE.c.update_id == bindparam("w_id"), TABLE.c.owner == bindparam("w_owner"))
            .values(status="done", owner=None, payload=None, finished_at=bindparam("w_at")),
        )
        at = utcnow()
        _, count = await greenlet_spawn(finishing.run, {"w_id": 1, "w_owner": "w2", "w_at": at})
        assert count == 0  # another worker's row: untouched
        _, count = await greenlet_spawn(finishing.run, {"w_id": 1, "w_owner": "w1", "w_at": at})
        assert count == 1
        # Committed, and read back through SQLAlchemy as written through it.
        async with sessions() as session:
            stored = await session.get(InboxUpdate, ("telegram", 1))
            assert stored is not None
            assert (stored.status, stored.owner, stored.payload) == ("done", None, None)
            assert stored.finished_at == at and stored.lease_until == _row(1)["lease_until"]
            await session.execute(insert(TABLE).values(**_row(2)))
            await session.commit()
            written = await session.get(InboxUpdate, ("telegram", 2))
            assert written is not None and written.payload == {"text": "سلام", "n": 1}


async def test_an_error_is_sqlalchemys_and_leaves_the_connection_and_the_gate_usable(
    database_url: str,
) -> None:
    async with sessions_on(database_url) as sessions:
        engine = sessions.kw["bind"].sync_engine
        plain = StatementAlone(engine, insert(TABLE), column_keys=COLUMNS)
        await greenlet_spawn(plain.run, _row(5))
        for _ in range(3):  # more than once: each connection given back, the gate released
            with pytest.raises(sa_exc.IntegrityError):
                await greenlet_spawn(plain.run, _row(5))
        async with asyncio.timeout(5), sessions() as session:
            await session.execute(insert(TABLE).values(**_row(6)))
            await session.commit()
        await greenlet_spawn(plain.run, _row(7))
        async with sessions() as session:
            found = await session.scalars(select(TABLE.c.update_id).order_by(TABLE.c.update_id))
            assert list(found) == [5, 6, 7]


async def test_a_statement_alone_waits_for_a_writer_on_sqlite(database_url: str) -> None:
    """On SQLite it queues on the process's write gate behind an open write transaction (and
    does not meet SQLite's busy timeout); on PostgreSQL a different row does not wait."""
    async with sessions_on(database_url) as sessions:
        engine = sessions.kw["bind"].sync_engine
        plain = StatementAlone(engine, insert(TABLE), column_keys=COLUMNS)
        async with sessions() as writer:
            await writer.execute(insert(TABLE).values(**_row(8)))
            running = asyncio.ensure_future(greenlet_spawn(plain.run, _row(9)))
            await asyncio.sleep(0.1)
            assert running.done() is (engine.dialect.name == "postgresql")
            await writer.commit()
        await asyncio.wait_for(running, 5)


def test_a_column_whose_default_is_computed_in_python_must_be_given() -> None:
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    with pytest.raises(ValueError, match="default"):
        StatementAlone(engine, insert(TABLE), column_keys=[c for c in COLUMNS if c != "received_at"])


def _insert_claimed(dialect: str) -> Any:
    from models.db import dialect_module

    return (
        dialect_module(dialect)
        .insert(TABLE)
        .on_conflict_do_nothing(index_elements=["platform", "update_id"])
        .returning(TABLE.c.update_id)
    )


def test_parameters_come_in_order_as_construct_params_finds_them() -> None:
    """positional(): per placeholder the caller's value by key, else the statement's own value
    (`.values(x=...)`, a bindparam's value), each through its type's bind processor; a required
    one missing raises as SQLAlchemy does. Compared with SQLAlchemy's own construct_params."""
    from sqlalchemy import create_engine

    engine = create_engine("sqlite://")
    statement = (
        update(TABLE)
        .where(TABLE.c.update_id == bindparam("w_id"), TABLE.c.status == bindparam("w_status", "processing"))
        .values(attempts=TABLE.c.attempts + 1, owner=bindparam("w_owner"), finished_at=datetime(2026, 1, 2))
    )
    alone = StatementAlone(engine, statement)
    given = {"w_id": 5, "w_owner": "w2"}
    compiled = statement.compile(dialect=engine.dialect)
    expected = compiled.construct_params(given, escape_names=False)
    processors = compiled._bind_processors
    assert alone.positional(given) == [
        processors[name](expected[name]) if name in processors else expected[name]
        for name in compiled.positiontup or ()
    ]
    assert alone.positional({**given, "w_status": "done"})[-1] == "done"
    with pytest.raises(sa_exc.InvalidRequestError, match="w_owner"):
        alone.positional({"w_id": 5})
