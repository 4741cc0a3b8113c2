"""Stopping asyncio tasks for certain.

On Python 3.11, `asyncio.wait_for` returns the awaited result, and drops the cancellation, when
the task is cancelled at the moment the awaited operation completes (CPython gh-86296, fixed in
3.12). redis-py awaits every socket write through `wait_for` when a socket timeout is set, so a
`task.cancel()` can be lost and `await task` then waits for ever (it hung an update for the
whole test: the per-user lock's renewer survived its cancel). Our own code waits with
`asyncio.timeout` instead (ruff bans `asyncio.wait_for`); helper tasks that may be inside a
library's `wait_for` and need no clean-up when cancelled (a lease renewer) are stopped with
`cancel_and_wait`, which cancels again until the task has ended. Tasks that clean up when
cancelled (the delivery engine recording its sends) are cancelled once and given time instead:
a second cancel would cut their clean-up short.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

_RECANCEL_SECONDS = 0.05


def cancel_requested() -> bool:
    """Whether the running task was asked to stop: for loops that survive their errors, so an
    error raised while a cancellation unwound (a rollback failing on a connection the cancel
    invalidated) does not swallow the cancellation."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def cancel_and_wait(tasks: Iterable[asyncio.Future[Any]], within: float | None = None) -> bool:
    """Cancel `tasks` and wait until every one has ended, cancelling again any that swallowed
    the cancellation. True when all ended within `within` seconds (None: however long)."""
    pending = {task for task in tasks if not task.done()}
    loop = asyncio.get_running_loop()
    deadline = None if within is None else loop.time() + max(within, 0.0)
    while pending:
        for task in pending:
            task.cancel()
        wait = _RECANCEL_SECONDS if deadline is None else min(_RECANCEL_SECONDS, deadline - loop.time())
        if wait <= 0:
            return False
        _, pending = await asyncio.wait(pending, timeout=wait)
    return True
