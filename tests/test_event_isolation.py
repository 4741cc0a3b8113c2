"""One person's updates one at a time in a worker without Redis (bot.app.LocalEventIsolation):
the lock of a key is kept while an update holds or waits for it, and forgotten after — aiogram's
SimpleEventIsolation kept a key and a lock for every person ever seen."""

from __future__ import annotations

import asyncio

from aiogram.fsm.storage.base import StorageKey

from bot.app import LocalEventIsolation


def _key(user: int) -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user, user_id=user)


async def test_updates_of_one_key_run_one_at_a_time_and_others_beside_them() -> None:
    isolation = LocalEventIsolation()
    order: list[str] = []
    release = asyncio.Event()

    async def update(user: int, name: str, wait: bool) -> None:
        async with isolation.lock(_key(user)):
            order.append(f"{name} in")
            if wait:
                await release.wait()
            order.append(f"{name} out")

    first = asyncio.create_task(update(1, "a1", True))
    second = asyncio.create_task(update(1, "a2", False))
    other = asyncio.create_task(update(2, "b", False))
    await asyncio.sleep(0)
    await other
    assert order == ["a1 in", "b in", "b out"]  # another person is not held up
    assert len(isolation) == 1  # user 1: one holding, one waiting
    release.set()
    await asyncio.gather(first, second)
    assert order[3:] == ["a1 out", "a2 in", "a2 out"]


async def test_no_lock_is_kept_once_a_key_has_no_update() -> None:
    isolation = LocalEventIsolation()
    for user in range(100):
        async with isolation.lock(_key(user)):
            assert len(isolation) == 1
    assert len(isolation) == 0


async def test_an_update_cancelled_while_waiting_leaves_no_lock_behind() -> None:
    isolation = LocalEventIsolation()
    release = asyncio.Event()

    async def holder() -> None:
        async with isolation.lock(_key(1)):
            await release.wait()

    async def waiter() -> None:
        async with isolation.lock(_key(1)):
            raise AssertionError("never reached")

    held = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert len(isolation) == 1
    release.set()
    await held
    assert len(isolation) == 0
    async with isolation.lock(_key(1)):  # a new lock for the key: free at once
        pass
