"""SQLAlchemy's asyncpg dialect with BEGIN sent when a transaction first needs it, not before a read.

SQLAlchemy's asyncpg adaptation opens a transaction (BEGIN, a round trip) before a connection's
first statement, whatever it is, and ends it with COMMIT or ROLLBACK (another): an update that
only reads — a menu, a campaign's page, a ban check — paid two round trips for a transaction
that held nothing (`python -m benchmarks.profile_mix --postgres`: 0.97 BEGIN and COMMIT per
update, half of them around reads alone).

At PostgreSQL's default isolation, READ COMMITTED, every statement sees what was committed when
it started, in a transaction or not: a plain SELECT run before the transaction's BEGIN sees what
it would have seen inside it. So here a connection with no transaction open runs a plain SELECT
on its own (asyncpg's autocommit), and BEGIN goes out with the first statement that is not one —
a write, a savepoint, a `SELECT … FOR UPDATE` (its row locks last until COMMIT), a SELECT calling
a function that changes something or takes a transaction's lock (`reads_only`). A transaction
with no BEGIN sent has nothing to commit or roll back: SQLAlchemy's adaptation already sends
neither then.

Only at READ COMMITTED (the server's default, or asked for by name): at REPEATABLE READ or
SERIALIZABLE the reads of a transaction share one snapshot, so each BEGIN goes out first as
before; server-side cursors (`stream()`) need a transaction and open one too.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.dialects.postgresql.asyncpg import (
    AsyncAdapt_asyncpg_connection,
    AsyncAdapt_asyncpg_cursor,
    AsyncAdapt_asyncpg_dbapi,
    PGDialect_asyncpg,
)
from sqlalchemy.util.concurrency import await_

_SELECT = re.compile(r"\s*SELECT\b", re.IGNORECASE)
# Inside a SELECT: row locks (held until COMMIT), and functions that change something or take a
# lock that lasts until the transaction ends.
_NEEDS_TRANSACTION = re.compile(
    r"\bFOR\s+(?:UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b"
    r"|\b(?:nextval|setval|set_config|pg_advisory\w*|pg_try_advisory\w*|txid_current\w*"
    r"|pg_current_xact_id\w*|lo_\w+)\s*\(",
    re.IGNORECASE,
)

#: Isolation levels (asyncpg's names; None: the server's default) at which a read needs no BEGIN.
_READ_COMMITTED = (None, "read_committed")


def reads_only(statement: str) -> bool:
    """Whether `statement` is a plain SELECT: it sees the same outside a READ COMMITTED
    transaction as inside it, and leaves nothing behind for the transaction to hold."""
    return _SELECT.match(statement) is not None and _NEEDS_TRANSACTION.search(statement) is None


class LazyBeginCursor(AsyncAdapt_asyncpg_cursor):
    """A cursor that tells its connection whether the statement it runs could go without BEGIN."""

    __slots__ = ()

    def execute(self, operation: Any, parameters: Any = None) -> None:
        connection = self._adapt_connection
        assert isinstance(connection, LazyBeginConnection)
        connection.reading = reads_only(operation)
        try:
            super().execute(operation, parameters)
        finally:
            connection.reading = False


class LazyBeginConnection(AsyncAdapt_asyncpg_connection):
    """asyncpg's connection adapted by SQLAlchemy, whose transaction starts with its first
    statement that needs one (see the module's docstring)."""

    _cursor_cls = LazyBeginCursor
    __slots__ = ("reading",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reading = False  # the statement being run is a plain SELECT (`LazyBeginCursor`)

    async def _start_transaction(self) -> None:
        if self.reading and self.isolation_level in _READ_COMMITTED:
            return  # this read runs on its own; BEGIN goes out before a statement that needs it
        await super()._start_transaction()


class LazyBeginDBAPI(AsyncAdapt_asyncpg_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> LazyBeginConnection:
        creator = kw.pop("async_creator_fn", self.asyncpg.connect)
        cache_size = kw.pop("prepared_statement_cache_size", 100)
        name_func = kw.pop("prepared_statement_name_func", None)
        connection: LazyBeginConnection = await_(
            LazyBeginConnection.create(
                self,
                creator(*arg, **kw),
                prepared_statement_cache_size=cache_size,
                prepared_statement_name_func=name_func,
            )
        )
        return connection


class LazyBeginDialect(PGDialect_asyncpg):
    """SQLAlchemy's asyncpg dialect on `LazyBeginConnection`."""

    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> Any:  # a LazyBeginDBAPI (SQLAlchemy types its own as a DBAPI module)
        return LazyBeginDBAPI(__import__("asyncpg"))
