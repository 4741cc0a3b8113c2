"""Importing application statuses (a parsed CSV) as one use case for the chat and the command
line: the rows in batches, each its own transaction, then the audit entry and how many rows
are hashed under another key."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import applications, audit
from services.applications import CodeHasher, ImportResult, ParsedCsv, Progress


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
    )
    stale = await applications.stale_key_rows(session, hasher) if result else 0
    await session.commit()
    return ImportOutcome(result, stale)
