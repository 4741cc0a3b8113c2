"""Remembers the last ERROR logged in this process, for the admins' /health.

`install()` adds one `LastErrorHandler` to the root logger (idempotent); `last_error()` returns
what it saw: when, which logger, the message's first line and the exception's type. Only the
newest record is kept — the full traceback stays in the process log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    at: datetime
    logger: str
    message: str
    exception: str | None


class LastErrorHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self._lock_last = threading.Lock()
        self._last: ErrorRecord | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage().splitlines()[0][:300] if record.msg else ""
        except Exception:  # a malformed log call must not break logging
            message = str(record.msg)[:300]
        exception = None
        if record.exc_info and record.exc_info[0] is not None:
            exception = record.exc_info[0].__name__
        entry = ErrorRecord(
            at=datetime.fromtimestamp(record.created, UTC),
            logger=record.name,
            message=message,
            exception=exception,
        )
        with self._lock_last:
            self._last = entry

    @property
    def last(self) -> ErrorRecord | None:
        with self._lock_last:
            return self._last

    def clear(self) -> None:
        with self._lock_last:
            self._last = None


_HANDLER = LastErrorHandler()


def install() -> LastErrorHandler:
    root = logging.getLogger()
    if _HANDLER not in root.handlers:
        root.addHandler(_HANDLER)
    return _HANDLER


def last_error() -> ErrorRecord | None:
    return _HANDLER.last
