"""Conversation state in the database: it survives a restart and commits with the update."""

from __future__ import annotations

from pathlib import Path

from aiogram.fsm.storage.base import StorageKey

from bot.migrate import upgrade_async
from bot.storage import SqlStorage, current_session
from models.db import create_engine, create_sessionmaker

KEY = StorageKey(bot_id=1, chat_id=1001, user_id=1001)


async def test_state_survives_a_new_engine(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/state.db"
    await upgrade_async(url)
    engine = create_engine(url)
    storage = SqlStorage(create_sessionmaker(engine))
    await storage.set_state(KEY, "Eligibility:question")
    await storage.set_data(KEY, {"answers": {"q1": "yes"}, "step": 2})
    await engine.dispose()

    engine = create_engine(url)
    storage = SqlStorage(create_sessionmaker(engine))
    assert await storage.get_state(KEY) == "Eligibility:question"
    assert await storage.get_data(KEY) == {"answers": {"q1": "yes"}, "step": 2}
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {"answers": {"q1": "yes"}, "step": 2}
    await engine.dispose()


async def test_writes_inside_an_update_commit_or_roll_back_with_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/state.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    storage = SqlStorage(sessionmaker)

    async with sessionmaker() as session:
        token = current_session.set(session)
        await storage.set_state(KEY, "Donation:amount")
        assert await storage.get_state(KEY) == "Donation:amount"
        await session.rollback()
        current_session.reset(token)
    assert await storage.get_state(KEY) is None

    async with sessionmaker() as session:
        token = current_session.set(session)
        await storage.set_state(KEY, "Donation:amount")
        await session.commit()
        current_session.reset(token)
    assert await storage.get_state(KEY) == "Donation:amount"
    await engine.dispose()
