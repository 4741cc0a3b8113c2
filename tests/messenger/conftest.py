"""Fixtures for the local messenger tests: a LocalMessenger per flavor, a bot polling or on a webhook."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from messenger import LocalMessenger
from tests.messenger.harness import TOKEN, BotState, Harness, make_bot, make_dispatcher, webhook_bot


@pytest.fixture(params=["telegram", "bale"])
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def m(flavor: str) -> AsyncIterator[LocalMessenger]:
    messenger = LocalMessenger(flavor=flavor, token=TOKEN)  # type: ignore[arg-type]
    await messenger.start()
    try:
        yield messenger
    finally:
        await messenger.stop()
    assert messenger.violations == [], messenger.violations


@pytest.fixture
async def polling(m: LocalMessenger) -> AsyncIterator[Harness]:
    state = BotState()
    bot = make_bot(m)
    dp = make_dispatcher(m.flavor, state)
    task = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=5))
    await m.wait_for_request(lambda r: r.method == "getUpdates", timeout=5)
    try:
        yield Harness(m, bot, dp, state)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, 5)
        await bot.session.close()


@pytest.fixture
async def webhook(m: LocalMessenger) -> AsyncIterator[Harness]:
    async with webhook_bot(m) as h:
        yield h
