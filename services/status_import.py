"""Importing application statuses (a parsed CSV) as one use case for the chat and the command
line: the rows in batches, each its own transaction, then the audit entry and how many rows
are hashed under another key."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.applications import Application
from models.imports import ConsoleImport
from services import applications, audit
from services.applications import CodeHasher, ImportResult, ParsedCsv, Progress, Row
from services.clock import Clock

logger = logging.getLogger("hamdel.status_import")


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    result: ImportResult | None  # None: nothing importable
    stale: int  # rows hashed under another NATIONAL_CODE_HMAC_KEY


async def import_statuses(
    session: AsyncSession,
    sessionmaker: async_sessionmaker[AsyncSession],
    parsed: ParsedCsv,
    hasher: CodeHasher,
    *,
    now: datetime,
    platform: str,
    actor_id: int,
    target: str | None,
    progress: Progress | None = None,
    channel: str = "chat",
) -> ImportOutcome:
    """Import the good rows and audit the import in `session`. `session`'s transaction is
    ended first — on SQLite an open transaction holds the one writer and the batches would
    wait for it — and the audit entry is committed."""
    await session.commit()
    result = None
    if parsed.importable:
        result = await applications.import_in_batches(
            sessionmaker, parsed.rows, hasher, now, progress=progress
        )
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action="status-import",
        target=target,
        after={
            "good": len(parsed.rows),
            "bad": len(parsed.bad),
            "imported": result is not None,
            "created": result.created if result else 0,
            "updated": result.updated if result else 0,
        },
        channel=channel,
    )
    stale = await applications.stale_key_rows(session, hasher) if result else 0
    await session.commit()
    return ImportOutcome(result, stale)


# --- the console: a dry run first, then the import as a job others can follow -------------

RowAction = Literal["create", "status", "update", "unchanged", "new_owner"]


@dataclass(frozen=True, slots=True)
class DryRun:
    """What importing the good rows would do, row by row (in the file's order), and in sum."""

    actions: list[tuple[Row, RowAction]]

    def count(self, action: RowAction) -> int:
        return sum(1 for _, a in self.actions if a == action)


async def dry_run(session: AsyncSession, rows: Sequence[Row], hasher: CodeHasher) -> DryRun:
    """Compare each good row with the application kept under its tracking code (nothing is
    written): new, a status change (its followers would be told), another change, unchanged, or
    another person's now (a different national code: its followers would be dropped)."""
    existing: dict[str, tuple[str, str, str, str | None, object]] = {}
    codes = [row.tracking_code for row in rows]
    for start in range(0, len(codes), 500):
        found = await session.execute(
            select(
                Application.tracking_code,
                Application.national_code_hash,
                Application.key_id,
                Application.status,
                Application.note,
                Application.status_date,
            ).where(Application.tracking_code.in_(codes[start : start + 500]))
        )
        for code, digest, key_id, status, note, day in found:
            existing[code] = (digest, key_id, status, note, day)
    actions: list[tuple[Row, RowAction]] = []
    for row in rows:
        current = existing.get(row.tracking_code)
        action: RowAction
        if current is None:
            action = "create"
        elif current[0] != hasher.national_code(row.national_code) or current[1] != hasher.key_id:
            action = "new_owner"
        elif current[2] != row.status:
            action = "status"
        elif (current[3], current[4]) != (row.note, row.status_date):
            action = "update"
        else:
            action = "unchanged"
        actions.append((row, action))
    return DryRun(actions)


async def start_job(
    session: AsyncSession, *, platform: str, actor_id: int, name: str, total: int, now: datetime
) -> ConsoleImport:
    """The record a console import reports its progress to (committed: the page that follows
    it may be served by another worker)."""
    job = ConsoleImport(
        platform=platform,
        user_id=actor_id,
        name=name[:128],
        status="importing",
        total=total,
        done=0,
        created_at=now,
    )
    session.add(job)
    await session.commit()
    return job


async def run_job(
    sessionmaker: async_sessionmaker[AsyncSession],
    job_id: int,
    parsed: ParsedCsv,
    hasher: CodeHasher,
    *,
    clock: Clock,
    platform: str,
    actor_id: int,
    bad_lines: int = 200,
) -> ImportOutcome | None:
    """Import as the chat does (:func:`import_statuses`, audited on channel "console"), the
    job's `done` moved on after each batch, then its report (counts and bad lines, nothing
    personal). A crash marks the job failed; the batches committed before it are kept."""

    async def progress(done: int, total: int) -> None:
        async with sessionmaker() as session:
            await session.execute(update(ConsoleImport).where(ConsoleImport.id == job_id).values(done=done))
            await session.commit()

    try:
        async with sessionmaker() as session:
            job = await session.get(ConsoleImport, job_id)
            assert job is not None
            outcome = await import_statuses(
                session,
                sessionmaker,
                parsed,
                hasher,
                now=clock.now(),
                platform=platform,
                actor_id=actor_id,
                target=job.name or None,
                progress=progress,
                channel="console",
            )
            result = outcome.result or ImportResult()
            job = await session.get(ConsoleImport, job_id, populate_existing=True)
            assert job is not None
            job.status = "done"
            job.done = job.total
            job.finished_at = clock.now()
            job.report = {
                "imported": outcome.result is not None,
                "good": len(parsed.rows),
                "bad": len(parsed.bad),
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "notified": result.notifications,
                "stale": outcome.stale,
                "bad_lines": [[b.line, b.problem] for b in parsed.bad[:bad_lines]],
            }
            await session.commit()
            return outcome
    except (Exception, asyncio.CancelledError) as error:
        # A failure, or the worker stopping in the middle (its background tasks are cancelled):
        # the page says the import ended unfinished rather than "importing" for ever.
        if not isinstance(error, asyncio.CancelledError):
            logger.exception("console import %s failed", job_id)
        try:
            async with sessionmaker() as session:
                await session.execute(
                    update(ConsoleImport)
                    .where(ConsoleImport.id == job_id)
                    .values(status="failed", finished_at=clock.now())
                )
                await session.commit()
        except Exception:
            logger.warning("console import %s: its end could not be recorded", job_id, exc_info=True)
        if isinstance(error, asyncio.CancelledError):
            raise
        return None
