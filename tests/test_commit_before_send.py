"""The update's transaction ends before the bot talks to the platform: what a message shows (a
sign-in link, a button's row) is in the database before the person can act on it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from aiogram.methods import SendMessage
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.middlewares import CommitBeforeSend, DatabaseMiddleware
from bot.migrate import upgrade_async
from bot.storage import SqlStorage, current_session
from models.console import ConsoleSignIn
from models.db import create_engine, create_sessionmaker

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def sign_in(nonce: str) -> ConsoleSignIn:
    return ConsoleSignIn(
        token_hash=nonce,
        platform="telegram",
        user_id=1,
        name="x",
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=5),
    )


async def test_rows_written_before_a_send_are_visible_to_others_when_it_leaves(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/commit.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    seen: list[list[str]] = []

    async def platform(bot: Any, method: Any) -> Any:
        async with sessionmaker() as other:  # the browser's request, on another connection
            seen.append(list(await other.scalars(select(ConsoleSignIn.token_hash))))
        return True

    middleware = CommitBeforeSend()
    async with sessionmaker() as session:
        token = current_session.set(session)
        try:
            session.add(sign_in("first"))
            await session.flush()
            await middleware(platform, None, SendMessage(chat_id=1, text="link"))  # type: ignore[arg-type]
            session.add_all([sign_in("second"), sign_in("third")])
            await session.flush()
            # Two sends gathered by one handler: one commit, no "session is busy" error.
            await asyncio.gather(
                middleware(platform, None, SendMessage(chat_id=1, text="a")),  # type: ignore[arg-type]
                middleware(platform, None, SendMessage(chat_id=2, text="b")),  # type: ignore[arg-type]
            )
        finally:
            current_session.reset(token)
    assert seen[0] == ["first"]
    assert sorted(seen[1]) == sorted(seen[2]) == ["first", "second", "third"]

    # Outside an update (a background job) there is no update session: the request just leaves.
    assert await middleware(platform, None, SendMessage(chat_id=1, text="job")) is True  # type: ignore[arg-type]
    await engine.dispose()


async def test_what_changes_after_the_last_send_is_committed_at_the_end(tmp_path: Path) -> None:
    """DatabaseMiddleware commits at the end only what is left: a row changed after the send
    (loaded before it: no transaction begins), the conversation state set after it; and an
    update that has nothing left makes no commit."""
    url = f"sqlite+aiosqlite:///{tmp_path}/end.db"
    await upgrade_async(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    storage = SqlStorage(sessionmaker)
    key = StorageKey(bot_id=1, chat_id=5, user_id=5)
    async with sessionmaker() as session:
        session.add(sign_in("kept"))
        await session.commit()
    send = CommitBeforeSend()

    async def platform(bot: Any, method: Any) -> Any:
        return True

    async def changes_a_row(event: Any, data: dict[str, Any]) -> str:
        session = data["session"]
        row = await session.scalar(select(ConsoleSignIn))
        await send(platform, None, SendMessage(chat_id=5, text="shown"))  # type: ignore[arg-type]
        assert not session.in_transaction()
        row.name = "changed after the send"
        return "handled"

    async def sets_the_state(event: Any, data: dict[str, Any]) -> str:
        await storage.get_state(key)
        await send(platform, None, SendMessage(chat_id=5, text="shown"))  # type: ignore[arg-type]
        await storage.set_state(key, "Flow:after")
        return "handled"

    async def answers_only(event: Any, data: dict[str, Any]) -> str:
        await data["session"].scalar(select(ConsoleSignIn.name))
        await send(platform, None, SendMessage(chat_id=5, text="shown"))  # type: ignore[arg-type]
        return "handled"

    commits: list[object] = []

    def committed(session: Session) -> None:
        commits.append(session)

    event.listen(Session, "after_commit", committed)
    try:
        for handler in (changes_a_row, sets_the_state, answers_only):
            assert await DatabaseMiddleware(sessionmaker)(handler, None, {}) == "handled"  # type: ignore[arg-type]
        # Before each send, and at the end of the two with something left.
        assert len(commits) == 2 + 2 + 1
        async with sessionmaker() as session:
            assert await session.scalar(select(ConsoleSignIn.name)) == "changed after the send"
        assert await storage.get_state(key) == "Flow:after"
    finally:
        event.remove(Session, "after_commit", committed)
    await engine.dispose()
