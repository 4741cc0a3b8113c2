"""cancel_and_wait stops a task that swallowed its cancellation, as Python 3.11's
asyncio.wait_for does when the awaited operation completes at the moment of the cancel (the
per-user lock's renewer survived that way inside redis-py and hung its update)."""

from __future__ import annotations

import asyncio

import pytest

import bot.app
from bot.settings import Settings
from services.tasks import cancel_and_wait, cancel_requested


class SwallowsOneCancel:
    """A renewer loop that carries on after its first cancellation, as a task inside Python
    3.11's wait_for does when the cancel meets the awaited operation's completion."""

    def __init__(self) -> None:
        self.swallowed = 0

    async def run(self) -> None:
        while True:
            try:
                await asyncio.sleep(0.01)
            except asyncio.CancelledError:
                if self.swallowed == 0:
                    self.swallowed += 1
                    continue
                raise


async def test_a_task_that_swallows_one_cancellation_is_cancelled_again() -> None:
    renewer = SwallowsOneCancel()
    task = asyncio.create_task(renewer.run())
    await asyncio.sleep(0.02)
    assert await cancel_and_wait([task], within=2)
    assert task.cancelled() and renewer.swallowed == 1


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


async def test_a_loop_that_survives_its_errors_still_stops_when_cancelled() -> None:
    """The update inbox's loop logs and survives errors; an error raised while a cancellation
    unwound (a rollback failing on the connection the cancel invalidated) must not keep it going."""

    async def loop() -> None:
        while True:
            try:
                try:
                    await asyncio.sleep(1)
                except asyncio.CancelledError as cancelled:
                    raise RuntimeError("rollback on an invalidated connection") from cancelled
            except Exception as error:
                if cancel_requested():
                    raise asyncio.CancelledError from error

    task = asyncio.create_task(loop())
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.wait({task}, timeout=2)
    assert task.cancelled()


async def test_closing_the_app_does_not_wait_for_ever_on_a_task_that_swallowed_its_cancel(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.app, "CLOSE_GRACE_SECONDS", 0.2)
    app = bot.app.create_app(settings)
    renewer = SwallowsOneCancel()
    task = app.spawn(renewer.run(), name="stubborn")
    await asyncio.sleep(0.02)
    await asyncio.wait_for(app.close(), timeout=10)
    assert task.cancelled() and renewer.swallowed == 1
