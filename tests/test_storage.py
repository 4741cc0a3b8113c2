"""Conversation state in the database: it survives a restart and commits with the update."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, text

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


async def test_an_update_reads_its_state_once_and_writes_state_and_data_in_one_statement(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/state.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    storage = SqlStorage(sessionmaker)
    await storage.set_state(KEY, "Complaint:category")
    await storage.set_data(KEY, {"step": 1})
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split()[0])

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    async with sessionmaker() as session:
        token = current_session.set(session)
        assert await storage.get_state(KEY) == "Complaint:category"  # (the FSM middleware)
        assert await storage.get_data(KEY) == {"step": 1}
        await storage.set_state(KEY, "Complaint:text")  # a handler's clear/update_data
        await storage.set_data(KEY, {"step": 2})
        assert await storage.get_state(KEY) == "Complaint:text"
        assert await storage.get_data(KEY) == {"step": 2}
        await session.commit()
        current_session.reset(token)
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert statements.count("SELECT") == 1
    assert statements.count("UPDATE") == 1
    assert await storage.get_state(KEY) == "Complaint:text"
    assert await storage.get_data(KEY) == {"step": 2}

    # After a rollback the state is read again from the database.
    async with sessionmaker() as session:
        token = current_session.set(session)
        await storage.set_state(KEY, "Complaint:contact")
        await session.flush()
        await session.rollback()
        assert await storage.get_state(KEY) == "Complaint:text"
        assert await storage.get_data(KEY) == {"step": 2}
        current_session.reset(token)

    # A chat with no state yet: read once, then created by the first write.
    other = StorageKey(bot_id=1, chat_id=1002, user_id=1002)
    statements.clear()
    event.listen(engine.sync_engine, "before_cursor_execute", count)
    async with sessionmaker() as session:
        token = current_session.set(session)
        assert await storage.get_state(other) is None
        assert await storage.get_data(other) == {}
        await storage.set_state(other, "Donation:amount")
        await session.commit()
        current_session.reset(token)
    event.remove(engine.sync_engine, "before_cursor_execute", count)
    assert (statements.count("SELECT"), statements.count("INSERT")) == (1, 1)
    assert await storage.get_state(other) == "Donation:amount"
    await engine.dispose()


async def test_a_state_set_before_a_services_savepoint_outlives_its_rollback(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/state.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    storage = SqlStorage(sessionmaker)
    async with sessionmaker() as session:
        token = current_session.set(session)
        await storage.set_state(KEY, "Donation:amount")
        await storage.set_data(KEY, {"amount": 50_000})
        savepoint = await session.begin_nested()
        await savepoint.rollback()
        await session.commit()
        current_session.reset(token)
    assert await storage.get_state(KEY) == "Donation:amount"
    assert await storage.get_data(KEY) == {"amount": 50_000}
    await engine.dispose()


async def test_a_row_removed_since_it_was_read_is_written_again(tmp_path: Path) -> None:
    """Housekeeping may prune a chat's row between the update's read and its commit."""
    url = f"sqlite+aiosqlite:///{tmp_path}/state.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    storage = SqlStorage(sessionmaker)
    await storage.set_state(KEY, "Complaint:category")
    async with sessionmaker() as session:
        token = current_session.set(session)
        assert await storage.get_state(KEY) == "Complaint:category"
        async with engine.begin() as other:
            await other.execute(text("DELETE FROM fsm_states"))
        await storage.set_state(KEY, "Complaint:text")
        await session.commit()
        current_session.reset(token)
    assert await storage.get_state(KEY) == "Complaint:text"
    await engine.dispose()
