"""The audit log: every staff action, allowed or refused, with before/after where data changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
