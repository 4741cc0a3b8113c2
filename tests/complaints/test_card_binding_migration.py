"""Migration 0090 on a database that already holds repeated staff-chat message ids (SQLite, and
PostgreSQL when TEST_DATABASE_URL is set): the newest binding of each (platform, chat, message)
stays, older ones are dropped, the same way on both."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.migrate import upgrade_async
from tests.conftest import TEST_DATABASE_URL, _postgres_admin

CHAT = -100_123


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
        return
    if not TEST_DATABASE_URL:
        pytest.skip("needs TEST_DATABASE_URL")
    import asyncio

    name = f"hamdel_migration_{os.getpid()}"
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(TEST_DATABASE_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def test_repeated_bindings_keep_the_newest(fresh_url: str) -> None:
    await upgrade_async(fresh_url, "0080")
    engine = create_async_engine(fresh_url)
    early, late = datetime(2026, 11, 1, 8, 0), datetime(2026, 11, 2, 8, 0)
    async with engine.begin() as db:
        await db.execute(
            text(
                "INSERT INTO users (id, platform, user_id, chat_id, language, first_seen, last_seen, is_blocked)"
                " VALUES (1, 'bale', 11, 11, 'fa', :at, :at, false)"
            ),
            {"at": early},
        )
        for qid, asked, message in ((1, early, 5), (2, late, 5), (3, early, 6), (4, early, 7)):
            await db.execute(
                text(
                    "INSERT INTO faq_queries (id, platform, user_id, chat_id, kind, text, created_at,"
                    " asked_staff_at, staff_chat_id, staff_message_id, answers)"
                    " VALUES (:id, 'bale', 11, 11, 'none', 'q', :at, :at, :chat, :message, 0)"
                ),
                {"id": qid, "at": asked, "chat": CHAT, "message": message},
            )
        await db.execute(
            text(
                "INSERT INTO tickets (id, number, year, seq, draft_key, platform, user_id, category, status,"
                " description, anonymous, created_at, updated_at, reminders_sent)"
                " VALUES (1, 'T-1405-000001', 1405, 1, 'k', 'bale', 1, 'other', 'closed', 'd', false, :at, :at, 0)"
            ),
            {"at": early},
        )
        # Message 6: a ticket notice newer than the question card; message 7: older.
        for message, at in ((6, late), (7, datetime(2026, 10, 1))):
            await db.execute(
                text(
                    "INSERT INTO ticket_links (chat_id, message_id, ticket_id, kind, created_at)"
                    " VALUES (:chat, :message, 1, 'notice', :at)"
                ),
                {"chat": CHAT, "message": message, "at": at},
            )
    await engine.dispose()
    await upgrade_async(fresh_url, "0090")
    engine = create_async_engine(fresh_url)
    async with engine.connect() as db:
        bound = dict(
            (await db.execute(text("SELECT id, staff_message_id FROM faq_queries ORDER BY id"))).all()
        )
        links = (
            await db.execute(text("SELECT platform, message_id FROM ticket_links ORDER BY message_id"))
        ).all()
    await engine.dispose()
    assert bound == {1: None, 2: 5, 3: None, 4: 7}
    assert [tuple(row) for row in links] == [("bale", 6)]
