"""What the admins' /health reports: version, platform, database, backlogs, the last error.

Features with a queue (the broadcast outbox, pending notifications...) register a backlog probe::

    from services.health import register_backlog

    async def outbox_backlog(session) -> int:
        return await session.scalar(select(func.count(OutboxItem.id)).where(OutboxItem.status == "pending"))

    register_backlog("outbox", "broadcast-health-outbox", outbox_backlog)  # services.broadcast_reports

A probe that fails is reported as failed, never hides the rest of the report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
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


_BACKLOGS: dict[str, BacklogProbe] = {}


def register_backlog(name: str, title_key: str, count: BacklogFn) -> BacklogProbe:
    probe = BacklogProbe(name, title_key, count)
    _BACKLOGS[name] = probe
    return probe


def unregister_backlog(name: str) -> None:
    _BACKLOGS.pop(name, None)


def backlog_probes() -> list[BacklogProbe]:
    return list(_BACKLOGS.values())


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


async def read_backlogs(session: AsyncSession) -> list[BacklogReading]:
    """Each probe in a savepoint on PostgreSQL, so one failing query does not abort the rest."""
    readings = []
    nested = session.get_bind().dialect.name == "postgresql"
    for probe in backlog_probes():
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
