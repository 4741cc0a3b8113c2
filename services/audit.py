"""The audit log: every staff action, allowed or refused, with before/after where data changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staff import AuditEntry
from services import privacy

# The actor of what `python -m bot …` does on the server (no messenger user has id 0).
CLI_ACTOR = 0


async def record(
    session: AsyncSession,
    *,
    platform: str,
    actor_id: int,
    action: str,
    target: str | None = None,
    allowed: bool = True,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    channel: str = "chat",
    at: datetime | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        platform=platform,
        actor_id=actor_id,
        action=action,
        target=target,
        allowed=allowed,
        before=before,
        after=after,
        note=privacy.mask(note),
        channel=channel,
    )
    if at is not None:  # the use case's own clock (by default: the moment of writing)
        entry.at = at
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of the audit log, newest first (`page` clamped to the pages there are)."""

    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


async def page_of(session: AsyncSession, *, actor: int, page: int, per_page: int) -> AuditPage:
    """The audit log's `page`, of everyone (`actor` 0) or of one person."""
    return await search(session, AuditQuery(actor=actor), page=page, per_page=per_page)


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """What the console's audit page looks for: a person (0: anyone), an action or the start of
    one («role» finds role.grant, role.revoke, role.scope), a span [start, end) in UTC."""

    actor: int = 0
    action: str = ""
    start: datetime | None = None
    end: datetime | None = None


async def search(session: AsyncSession, wanted: AuditQuery, *, page: int, per_page: int) -> AuditPage:
    """One page of the entries `wanted` finds, newest first (`page` clamped to the pages there are)."""
    conditions: list[Any] = []
    if wanted.actor:
        conditions.append(AuditEntry.actor_id == wanted.actor)
    if wanted.action:
        conditions.append(AuditEntry.action.startswith(wanted.action, autoescape=True))
    if wanted.start is not None:
        conditions.append(AuditEntry.at >= wanted.start)
    if wanted.end is not None:
        conditions.append(AuditEntry.at < wanted.end)
    total = int(await session.scalar(select(func.count(AuditEntry.id)).where(*conditions)) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 0), pages - 1)
    entries = list(
        await session.scalars(
            select(AuditEntry)
            .where(*conditions)
            .order_by(AuditEntry.id.desc())
            .offset(page * per_page)
            .limit(per_page)
        )
    )
    return AuditPage(entries, total, page, pages)
