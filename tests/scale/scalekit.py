"""Helpers for the scale-out tests: raw updates, inbox rows; bot worker subprocesses come from
`messenger.testkit` (shared with the benchmarks)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import HamdelApp
from bot.inbox import real_now
from messenger.diagnostics import waiting_tasks
from models.updates import InboxUpdate


def message_update(update_id: int, user_id: int, text: str, *, first_name: str = "سارا") -> dict[str, Any]:
    """A private text message as the messenger would deliver it."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900_000 + update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fa"},
            **content,
        },
    }


async def inbox_rows(app: HamdelApp) -> list[InboxUpdate]:
    async with app.sessionmaker() as session:
        return list((await session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id))).all())


async def put_row(
    app: HamdelApp,
    payload: dict[str, Any],
    *,
    status: str = "processing",
    owner: str | None = "dead-worker",
    lease_until: datetime | None = None,
    received_at: datetime | None = None,
    chat_key: int | None = None,
) -> None:
    """An inbox row as another (now dead) worker, or an earlier failure, left it."""
    from bot.inbox import digest_of

    now = real_now()
    async with app.sessionmaker() as session:
        session.add(
            InboxUpdate(
                platform=app.profile.platform.value,
                update_id=payload["update_id"],
                update_type=next(key for key in payload if key != "update_id"),
                chat_key=chat_key if chat_key is not None else payload["message"]["chat"]["id"],
                status=status,
                owner=owner,
                attempts=1,
                lease_until=lease_until or now - timedelta(seconds=1),
                received_at=received_at or now,
                payload=payload if status in ("processing", "pending") else None,
                digest=digest_of(payload),
            )
        )
        await session.commit()


def texts(chat: Any) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in chat.messages]


@contextlib.asynccontextmanager
async def held_lock(database_url: str, statement: str) -> AsyncIterator[Any]:
    """Hold a database lock from outside the bot (e.g. LOCK TABLE users) until the block ends."""
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            await connection.exec_driver_sql(statement)
            try:
                yield connection
            finally:
                await transaction.rollback()
    finally:
        await engine.dispose()


async def eventually(check: Any, within: float = 5.0, interval: float = 0.02) -> None:
    """Wait until `check()` (sync or async) is true: for effects that come after the messenger
    settled (a duplicate waiting for the first delivery to finish)."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not true within {within} s: {check}\nwhere the bot's tasks wait:\n{waiting_tasks()}"
            )
        await asyncio.sleep(interval)
