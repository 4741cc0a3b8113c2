"""Personal data does not linger: typed questions, unfinished questionnaires, failed lookups."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.migrate import upgrade_async
from models import EligibilityProgress, FaqQuery, StatusLookupFailure
from models.db import create_engine, create_sessionmaker
from services import applications, eligibility_progress, faq_queries
from services.eligibility import default_screener

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[AsyncSession]:
    url = f"sqlite+aiosqlite:///{tmp_path}/retention.db"
    await upgrade_async(url)
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as s:
        yield s
    await engine.dispose()


async def test_old_question_texts_are_cleared(session: AsyncSession) -> None:
    who = {"platform": "telegram", "user_id": 1, "chat_id": 1}
    fresh = await faq_queries.record(session, kind="none", text="تازه", now=NOW - timedelta(days=1), **who)
    old = await faq_queries.record(session, kind="none", text="قدیمی", now=NOW - timedelta(days=31), **who)
    sent = await faq_queries.record(
        session, kind="direct", text="برای کارشناس", now=NOW - timedelta(days=31), **who
    )
    sent.asked_staff_at = NOW - timedelta(days=31)
    ancient = await faq_queries.record(
        session, kind="direct", text="خیلی قدیمی", now=NOW - timedelta(days=181), **who
    )
    ancient.asked_staff_at = NOW - timedelta(days=181)
    await session.flush()
    assert await faq_queries.forget_old_texts(session, now=NOW) == 2
    texts = {
        q.id: q.text
        for q in await session.scalars(select(FaqQuery).execution_options(populate_existing=True))
    }
    assert texts == {fresh.id: "تازه", old.id: None, sent.id: "برای کارشناس", ancient.id: None}


async def test_stale_questionnaires_and_old_failures_are_deleted(session: AsyncSession) -> None:
    state = default_screener().start()
    await eligibility_progress.save(
        session, platform="bale", user_id=1, state=state, now=NOW - timedelta(days=31)
    )
    await eligibility_progress.save(
        session, platform="bale", user_id=2, state=state, now=NOW - timedelta(days=2)
    )
    assert await eligibility_progress.forget_stale(session, now=NOW) == 1
    assert await session.scalar(select(func.count()).select_from(EligibilityProgress)) == 1
    assert await eligibility_progress.load(session, platform="bale", user_id=2, now=NOW) is not None

    session.add_all(
        [
            StatusLookupFailure(platform="bale", user_id=1, at=NOW - timedelta(hours=2)),
            StatusLookupFailure(platform="bale", user_id=1, at=NOW - timedelta(minutes=5)),
        ]
    )
    await session.flush()
    assert await applications.forget_old_failures(session, now=NOW, window=3600) == 1
