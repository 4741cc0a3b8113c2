"""Conversation state in the database: it survives a restart and commits with the update."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.migrate import upgrade_async
from bot.storage import SqlStorage, current_session
from models.db import create_engine, create_sessionmaker
from tests.dbkit import sessions_on

KEY = StorageKey(bot_id=1, chat_id=1001, user_id=1001)


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    storage: SqlStorage

    @contextlib.asynccontextmanager
    async def update(self) -> AsyncIterator[AsyncSession]:
        """The session of one update, as the database middleware publishes it."""
        async with self.sessions() as session:
            token = current_session.set(session)
            try:
                yield session
            finally:
                current_session.reset(token)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """SQLite, and PostgreSQL when the run has one (its UPSERT and JSON differ)."""
    async with sessions_on(database_url) as sessions:
        yield Database(sessions.kw["bind"], sessions, SqlStorage(sessions))


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


async def test_writes_inside_an_update_commit_or_roll_back_with_it(db: Database) -> None:
    async with db.update() as session:
        await db.storage.set_state(KEY, "Donation:amount")
        assert await db.storage.get_state(KEY) == "Donation:amount"
        await session.rollback()
    assert await db.storage.get_state(KEY) is None

    async with db.update() as session:
        await db.storage.set_state(KEY, "Donation:amount")
        await session.commit()
    assert await db.storage.get_state(KEY) == "Donation:amount"


async def test_an_update_reads_its_state_once_and_writes_state_and_data_in_one_statement(
    db: Database,
) -> None:
    await db.storage.set_state(KEY, "Complaint:category")
    await db.storage.set_data(KEY, {"step": 1})
    storage = SqlStorage(db.sessions)  # a process that has not seen the chat yet
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split()[0])

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    async with db.update() as session:
        assert await storage.get_state(KEY) == "Complaint:category"  # (the FSM middleware)
        assert await storage.get_data(KEY) == {"step": 1}
        await storage.set_state(KEY, "Complaint:text")  # a handler's clear/update_data
        await storage.set_data(KEY, {"step": 2})
        assert await storage.get_state(KEY) == "Complaint:text"
        assert await storage.get_data(KEY) == {"step": 2}
        await session.commit()
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert statements.count("SELECT") == 1
    assert statements.count("UPDATE") == 1
    assert await storage.get_state(KEY) == "Complaint:text"
    assert await storage.get_data(KEY) == {"step": 2}

    # After a rollback the state is read again from the database.
    async with db.update() as session:
        await storage.set_state(KEY, "Complaint:contact")
        await session.flush()
        await session.rollback()
        assert await storage.get_state(KEY) == "Complaint:text"
        assert await storage.get_data(KEY) == {"step": 2}

    # A chat with no state yet: read once, then created by the first write.
    other = StorageKey(bot_id=1, chat_id=1002, user_id=1002)
    statements.clear()
    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    async with db.update() as session:
        assert await storage.get_state(other) is None
        assert await storage.get_data(other) == {}
        await storage.set_state(other, "Donation:amount")
        await session.commit()
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert (statements.count("SELECT"), statements.count("INSERT")) == (1, 1)
    assert await storage.get_state(other) == "Donation:amount"


async def test_a_state_set_before_a_services_savepoint_outlives_its_rollback(db: Database) -> None:
    async with db.update() as session:
        await db.storage.set_state(KEY, "Donation:amount")
        await db.storage.set_data(KEY, {"amount": 50_000})
        savepoint = await session.begin_nested()
        await savepoint.rollback()
        await session.commit()
    assert await db.storage.get_state(KEY) == "Donation:amount"
    assert await db.storage.get_data(KEY) == {"amount": 50_000}


async def test_a_row_removed_since_it_was_read_is_written_again(db: Database) -> None:
    """Housekeeping may prune a chat's row between the update's read and its commit."""
    await db.storage.set_state(KEY, "Complaint:category")
    async with db.update() as session:
        assert await db.storage.get_state(KEY) == "Complaint:category"
        async with db.engine.begin() as other:
            await other.execute(text("DELETE FROM fsm_states"))
        await db.storage.set_state(KEY, "Complaint:text")
        await session.commit()
    assert await db.storage.get_state(KEY) == "Complaint:text"


async def test_a_chat_the_storage_remembers_is_read_from_memory(db: Database) -> None:
    """The committed state of a chat seen lately is remembered: its next update reads no row; a
    rolled back change is not remembered; a forgotten chat (the least recently used, beyond the
    storage's size) is read again."""
    storage = SqlStorage(db.sessions, known_chats=2)
    await storage.set_state(KEY, "Complaint:category")
    await storage.set_data(KEY, {"answers": {"q1": "yes"}})
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement.split()[0])

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    async with db.update() as session:
        assert await storage.get_state(KEY) == "Complaint:category"
        data = await storage.get_data(KEY)
        data["answers"]["q1"] = "no"  # a handler changing what it was given, in place
        await storage.set_state(KEY, "Complaint:text")
        await session.rollback()
    assert statements == []
    async with db.update():
        assert await storage.get_state(KEY) == "Complaint:category"
        assert await storage.get_data(KEY) == {"answers": {"q1": "yes"}}
    assert statements.count("SELECT") == 1  # the rollback made it forget the chat: read again

    statements.clear()
    for chat_id in (1002, 1003):  # two more chats: the first is the least recently used
        async with db.update() as session:
            await storage.set_state(StorageKey(bot_id=1, chat_id=chat_id, user_id=chat_id), "Donation:amount")
            await session.commit()
    async with db.update():
        assert await storage.get_state(KEY) == "Complaint:category"
    event.remove(db.engine.sync_engine, "before_cursor_execute", count)
    assert statements.count("SELECT") == 3  # each new chat, and the one forgotten for them
