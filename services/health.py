"""What the admins' /health reports: version, platform, database, backlogs, the last error.

Features with a queue (the broadcast outbox, open tickets...) declare a backlog probe on their
`Feature` (services.staff_reports)::

    async def outbox_backlog(session) -> int:
        return await session.scalar(select(func.count(OutboxItem.id)).where(OutboxItem.status == "pending"))

    OUTBOX_BACKLOG = BacklogProbe("outbox", "broadcast-health-outbox", outbox_backlog)

A probe that fails is reported as failed, never hides the rest of the report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

logger = logging.getLogger("hamdel.health")

BacklogFn = Callable[[AsyncSession], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class BacklogProbe:
    name: str
    title_key: str
    count: BacklogFn


@dataclass(frozen=True, slots=True)
class BacklogReading:
    probe: BacklogProbe
    value: int | None  # None: the probe failed


@dataclass(frozen=True, slots=True)
class DatabaseReading:
    ok: bool
    dialect: str
    latency_ms: int
    error: str | None = None


async def check_database(session: AsyncSession) -> DatabaseReading:
    dialect = session.get_bind().dialect.name
    started = time.perf_counter()
    try:
        await session.execute(text("SELECT 1"))
    except Exception as error:  # reported, not raised: /health must always answer
        logger.warning("database check failed: %r", error)
        return DatabaseReading(
            False, dialect, round((time.perf_counter() - started) * 1000), type(error).__name__
        )
    return DatabaseReading(True, dialect, round((time.perf_counter() - started) * 1000))


async def read_backlogs(session: AsyncSession, probes: Iterable[BacklogProbe]) -> list[BacklogReading]:
    """Each probe in a savepoint on PostgreSQL, so one failing query does not abort the rest."""
    readings = []
    nested = session.get_bind().dialect.name == "postgresql"
    for probe in probes:
        value: int | None
        try:
            if nested:
                async with session.begin_nested():
                    value = int(await probe.count(session))
            else:
                value = int(await probe.count(session))
        except Exception as error:
            logger.warning("backlog probe %s failed: %r", probe.name, error)
            value = None
        readings.append(BacklogReading(probe, value))
    return readings
