"""A Core statement run as a transaction of its own, straight on the driver's cursor.

The update inbox runs two statements per update, each its own transaction (recording the update,
marking it done). Through a SQLAlchemy `Connection` each paid for the connection object, its
transaction, the statement's cache key and execution context and a result — about as much CPU
again as the driver's own work (`python -m benchmarks.profile_mix`). Here the statement is
compiled once for the engine's dialect; each run converts its parameters with their types' own
bind processors, takes a pooled connection and runs the SQL on its DBAPI cursor:

- PostgreSQL: in autocommit (no BEGIN and COMMIT round trips), as the inbox did before;
- SQLite: through `WriteGatedDialect.execute_alone` — the write gate, then BEGIN IMMEDIATE, the
  statement and COMMIT in one trip to the connection's thread.

Errors are SQLAlchemy's as a `Connection` raises them (`DBAPIError.instance`); a connection the
error says is lost is invalidated, as a `Connection` does. Only for statements whose parameters
are plain values (no expanding IN lists, no literal rendering).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import exc
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler

_REQUIRED = object()  # a placeholder with no value of its own: the caller must give one


class StatementAlone:
    """`statement`, compiled for `engine` (`column_keys`: the values an INSERT or UPDATE without
    `.values()` is run with). `run` is synchronous: call it in a greenlet (`greenlet_spawn`)."""

    def __init__(self, engine: Engine, statement: ClauseElement, column_keys: Sequence[str] | None = None):
        self.engine = engine
        dialect = engine.dialect
        self.dialect = dialect
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(column_keys or ())))
        self.compiled = compiled
        self.sql = compiled.string
        names = compiled.positiontup
        if names is None:
            raise ValueError(f"{dialect.name}: not a positional paramstyle")
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("a column's default is computed in Python: give its value")
        # Per placeholder, in order: where its value comes from (as `construct_params` finds it:
        # the parameter's key, else its compiled name, else the value the statement gave it) and
        # its type's bind processor.
        self.placeholders: list[tuple[str, str, Any, Callable[[Any], Any] | None]] = []
        for name in names:
            bind = compiled.binds[name]
            if bind.expanding or bind.literal_execute or bind.callable is not None:
                raise ValueError(f"{name}: an expanding, literal or computed parameter")
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            default = _REQUIRED if bind.required else bind.value
            self.placeholders.append((bind.key, name, default, processor))
        # SQLite's models.sqlite_driver.WriteGatedDialect (not imported here: a PostgreSQL worker
        # loads no SQLite module).
        self._execute_alone: Callable[[Any, str, Any], None] | None = getattr(dialect, "execute_alone", None)

    def positional(self, parameters: Mapping[str, Any]) -> list[Any]:
        """The statement's parameters in its placeholders' order, as its types store them."""
        positional = []
        for key, name, default, processor in self.placeholders:
            if key in parameters:
                value = parameters[key]
            elif name in parameters:
                value = parameters[name]
            elif default is _REQUIRED:
                raise exc.InvalidRequestError(f"A value is required for bind parameter {key!r}")
            else:
                value = default
            positional.append(processor(value) if processor is not None else value)
        return positional

    def run(self, parameters: Mapping[str, Any]) -> tuple[list[Any], int]:
        """Run it and commit: (the rows it returned, its row count)."""
        values = self.positional(parameters)
        dialect = self.dialect
        try:
            connection = self.engine.raw_connection()
        except dialect.loaded_dbapi.Error as error:
            raise self._error(error, values, lost=dialect.is_disconnect(error, None, None)) from error
        lost = False
        try:
            cursor = connection.cursor()
            try:
                if self._execute_alone is not None:
                    self._execute_alone(cursor, self.sql, values)
                else:
                    driver: Any = connection.dbapi_connection
                    driver.autocommit = True
                    try:
                        cursor.execute(self.sql, values)
                    finally:
                        driver.autocommit = False
                rows = list(cursor.fetchall()) if cursor.description else []
                return rows, cursor.rowcount
            finally:
                cursor.close()
        except dialect.loaded_dbapi.Error as error:
            lost = dialect.is_disconnect(error, connection, None)
            if lost:
                connection.invalidate(error)
            raise self._error(error, values, lost=lost) from error
        finally:
            if not lost:
                connection.close()

    def _error(self, error: Exception, values: list[Any], *, lost: bool) -> BaseException:
        """The error as a SQLAlchemy `Connection` raises it."""
        return exc.DBAPIError.instance(
            self.sql,
            values,
            error,
            self.dialect.loaded_dbapi.Error,
            hide_parameters=True,  # the update's payload: personal data
            connection_invalidated=lost,
            dialect=self.dialect,
        )
