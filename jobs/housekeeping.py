"""Housekeeping, one job for the data that must not be kept: failed status lookups past their
window, questionnaire answers left unfinished, the text of old typed questions. Each step in
its own transaction; one failing does not stop the others (the job counts as failed)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from jobs import Job, scheduler_for
from services import applications, faq_queries
from services import eligibility_progress as progress_store

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.jobs")

HOUSEKEEPING_SECONDS = 6 * 3600


class HousekeepingFailed(Exception):
    pass


async def housekeeping(app: HamdelApp) -> None:
    now = app.clock.now()
    window = app.settings.status.status_lookup_window_seconds
    steps: list[tuple[str, Callable[[AsyncSession], Awaitable[int]]]] = [
        ("status lookups", lambda s: applications.forget_old_failures(s, now=now, window=window)),
        ("questionnaire answers", lambda s: progress_store.forget_stale(s, now=now)),
        ("typed questions", lambda s: faq_queries.forget_old_texts(s, now=now)),
    ]
    failed = []
    for name, step in steps:
        try:
            async with app.background_sessions() as session:
                count = await step(session)
                await session.commit()
        except Exception:
            logger.exception("housekeeping of %s failed", name)
            failed.append(name)
            continue
        if count:
            logger.info("housekeeping: %s old %s forgotten", count, name)
    if failed:
        raise HousekeepingFailed(", ".join(failed))


def start(app: HamdelApp) -> None:
    """Once per app (the job's name is unique in its scheduler: a second start is a no-op)."""
    scheduler = scheduler_for(app)
    if "housekeeping" in scheduler.jobs:
        return
    scheduler.add(
        Job(
            "housekeeping",
            lambda: housekeeping(app),
            interval=HOUSEKEEPING_SECONDS,
            jitter=HOUSEKEEPING_SECONDS / 20,
        )
    )
