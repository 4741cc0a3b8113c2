"""SQLAlchemy's aiosqlite adaptation with one trip to SQLite's thread per statement.

aiosqlite runs each SQLite connection on a thread of its own; every call is a trip there and
back (a queue, the thread, a wake-up of the event loop). SQLAlchemy's adaptation makes four
trips per statement — make a cursor, execute, fetch the rows, close the cursor — and three more
for our `BEGIN IMMEDIATE` (models.db). Those trips were most of what the update inbox cost
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
"""

from __future__ import annotations

import collections
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import await_only

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
    __slots__ = ("_postlude", "_prelude")

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

    def begin_immediate_first(self) -> None:
        """The next statement starts a write transaction (`BEGIN IMMEDIATE`) in its own trip:
        models.db's write gate asks for it when a transaction's first write comes."""
        self._prelude = "BEGIN IMMEDIATE"

    def commit_after(self) -> None:
        """The next statement ends its write transaction: its COMMIT goes in the same trip (the
        transaction's own commit then finds nothing open and makes none; models.db, for a
        statement marked `LAST_IN_TRANSACTION`)."""
        self._postlude = "COMMIT"

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        prelude, self._prelude = self._prelude, None
        postlude, self._postlude = self._postlude, None
        async with self._adapt_connection._execute_mutex:
            outcome, rows = await connection._execute(
                _run, connection._conn, prelude, operation, parameters, postlude
            )
        self._cursor = outcome
        self._rows = collections.deque(rows)
        return outcome

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            outcome = await connection._execute(_run_many, connection._conn, operation, seq_of_parameters)
        self._cursor = outcome
        return outcome


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]  # a subclass; mypy reads the slot as invariant

    def commit(self) -> None:
        if not self._outside_transaction():
            super().commit()

    def rollback(self) -> None:
        if not self._outside_transaction():
            super().rollback()

    def _outside_transaction(self) -> bool:
        """No transaction is open, so COMMIT or ROLLBACK would do nothing: the connection runs in
        autocommit mode and transactions begin only with our BEGIN IMMEDIATE (models.db), so
        reads alone open none. SQLAlchemy still ends every transaction it began — and the pool
        rolls back every connection given back — which cost a trip to SQLite's thread each:
        ~7 per update, most of them with nothing to end. Read on the event loop's side while no
        statement of this connection runs (SQLAlchemy uses a connection from one task at a time)."""
        connection: sqlite3.Connection | None = self._connection._connection
        return connection is not None and not connection.in_transaction


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module handed to `create_async_engine(..., module=...)`."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy's adaptation does
        return OneTripConnection(self, cast("AsyncIODBAPIConnection", await_only(connection)))


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
