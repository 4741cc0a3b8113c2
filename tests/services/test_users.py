"""The user directory: a cached record per process, coherent across workers when shared."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import get_i18n
from bot.migrate import upgrade_async
from models.db import create_engine, create_sessionmaker
from services.users import UserDirectory


@pytest.fixture
async def sessionmaker(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path}/users.db"
    await upgrade_async(url)
    engine = create_engine(url)
    yield create_sessionmaker(engine)
    await engine.dispose()


async def _touch(sessionmaker: async_sessionmaker[AsyncSession], directory: UserDirectory) -> str:
    async with sessionmaker() as session:
        record, _ = await directory.touch(session, 42, 42)
        await session.commit()
    return record.language


async def _change(
    sessionmaker: async_sessionmaker[AsyncSession], directory: UserDirectory, language: str
) -> None:
    async with sessionmaker() as session:
        record, _ = await directory.touch(session, 42, 42)
        await directory.change_language(session, record, language)
        await session.commit()


async def test_shared_workers_see_a_language_change_at_the_next_update(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first, second = (UserDirectory("telegram", "fa", shared=True) for _ in range(2))
    assert await _touch(sessionmaker, first) == await _touch(sessionmaker, second) == "fa"
    await _change(sessionmaker, first, "en")
    assert await _touch(sessionmaker, second) == "en"
    await _change(sessionmaker, second, "fa")
    assert await _touch(sessionmaker, first) == "fa"


async def test_one_process_serves_its_cache_without_reading(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """The embedded setup has one process: its own cache is the truth, so no read per update
    (a change written behind its back, as by a second process, shows after the refresh)."""
    mine, other = UserDirectory("telegram", "fa"), UserDirectory("telegram", "fa")
    assert await _touch(sessionmaker, mine) == "fa"
    await _change(sessionmaker, other, "en")
    assert await _touch(sessionmaker, mine) == "fa"
    mine.refresh_seconds = 0
    assert await _touch(sessionmaker, mine) == "en"


def test_a_reply_keyboard_label_counts_in_every_language() -> None:
    i18n = get_i18n()
    english = i18n.translator("en")
    persian_label = i18n.text("fa", "complaints-button-skip-contact")
    assert persian_label != english("complaints-button-skip-contact")
    assert english.is_label(persian_label, "complaints-button-skip-contact")
    assert english.is_label(english("complaints-button-skip-contact"), "complaints-button-skip-contact")
    assert not english.is_label("09121234567", "complaints-button-skip-contact")


async def test_a_rolled_back_language_change_is_not_remembered(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    directory = UserDirectory("telegram", "fa")
    assert await _touch(sessionmaker, directory) == "fa"
    async with sessionmaker() as session:
        record, _ = await directory.touch(session, 42, 42)
        changed = await directory.change_language(session, record, "en")
        assert changed.language == "en"
        await session.rollback()  # e.g. the reply in the new language could not be sent
    assert await _touch(sessionmaker, directory) == "fa"
    await _change(sessionmaker, directory, "en")
    assert await _touch(sessionmaker, directory) == "en"
