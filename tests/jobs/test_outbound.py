"""The one outbound policy (bot.outbound): the request middleware waits out a short 429 itself,
and a 429 on a bulk send pauses every bulk sender of the bot at once."""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage

from bot.outbound import BotApiMiddleware, in_bulk, pause_over
from services.ratelimit import LocalRateLimiter


async def test_a_429_on_a_bulk_send_pauses_every_bulk_sender() -> None:
    limiter = LocalRateLimiter(100, 100)
    middleware = BotApiMiddleware(None, attempts=2)
    calls = 0

    async def flooded_once(bot: Any, method: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls % 2:
            raise TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=1)
        return "sent"

    request = SendMessage(chat_id=1001, text="خبر")
    assert await middleware(flooded_once, None, request) == "sent"  # type: ignore[arg-type]
    assert limiter.paused_for == 0  # not a bulk send: other senders go on
    with in_bulk(limiter):
        sending = asyncio.create_task(middleware(flooded_once, None, request))  # type: ignore[arg-type]
        await asyncio.sleep(0.05)
        assert limiter.paused_for > 0.5  # every bulk sender waits, while this one waits it out
        other = asyncio.create_task(pause_over(limiter, poll=0.05))
        await asyncio.sleep(0.1)
        assert not other.done()
        assert await sending == "sent"
    await asyncio.wait_for(other, 1)
    assert calls == 4
