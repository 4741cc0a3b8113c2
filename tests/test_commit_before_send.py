"""The update's transaction ends before the bot talks to the platform: what a message shows (a
sign-in link, a button's row) is in the database before the person can act on it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.methods import SendMessage
from sqlalchemy import select

from bot.middlewares import CommitBeforeSend
from bot.migrate import upgrade_async
from bot.storage import current_session
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
