"""cancel_and_wait stops a task that swallowed its cancellation, as Python 3.11's
asyncio.wait_for does when the awaited operation completes at the moment of the cancel (the
per-user lock's renewer survived that way inside redis-py and hung its update)."""

from __future__ import annotations

import asyncio

from services.tasks import cancel_and_wait


async def test_a_task_that_swallows_one_cancellation_is_cancelled_again() -> None:
    swallowed = 0

    async def renewer() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                if swallowed == 0:  # what 3.11's wait_for does in that race: carry on
                    swallowed += 1
                    continue
                raise

    task = asyncio.create_task(renewer())
    await asyncio.sleep(0.02)
    assert await cancel_and_wait([task], within=2)
    assert task.cancelled() and swallowed == 1


async def test_a_task_that_will_not_end_is_reported_within_the_bound() -> None:
    stubborn = True

    async def worker() -> None:
        while True:
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                if not stubborn:
                    raise

    task = asyncio.create_task(worker())
    await asyncio.sleep(0)
    assert not await cancel_and_wait([task], within=0.2)
    assert not task.done()
    stubborn = False
    assert await cancel_and_wait([task], within=2)
