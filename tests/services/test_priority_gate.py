"""The staff chat's sending order: while a send holds a chat's turn, the ticket cards queued
behind it go before question cards queued earlier; other chats are not held up."""

from __future__ import annotations

import asyncio

from services.ratelimit import Priority, PriorityGate


async def test_tickets_overtake_questions_queued_before_them() -> None:
    gate = PriorityGate()
    order: list[str] = []
    release = asyncio.Event()

    async def send(name: str, chat: int, priority: Priority, hold: bool = False) -> None:
        async with gate.turn(chat, priority):
            order.append(name)
            if hold:
                await release.wait()

    holder = asyncio.create_task(send("question-1", -100, Priority.QUESTION, hold=True))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(send(f"question-{i}", -100, Priority.QUESTION)) for i in (2, 3)]
    await asyncio.sleep(0)
    waiting.append(asyncio.create_task(send("ticket", -100, Priority.TICKET)))
    other_chat = asyncio.create_task(send("other-chat", -200, Priority.QUESTION))
    await asyncio.sleep(0.01)
    assert order == ["question-1", "other-chat"] and gate.waiting(-100) == 3
    release.set()
    await asyncio.gather(holder, other_chat, *waiting)
    assert order == ["question-1", "other-chat", "ticket", "question-2", "question-3"]
    assert gate.waiting(-100) == 0


async def test_a_cancelled_waiter_does_not_hold_the_chat() -> None:
    gate = PriorityGate()
    release = asyncio.Event()

    async def hold() -> None:
        async with gate.turn(-100, Priority.TICKET):
            await release.wait()

    holder = asyncio.create_task(hold())
    await asyncio.sleep(0)
    cancelled = asyncio.create_task(hold())
    await asyncio.sleep(0)
    cancelled.cancel()
    release.set()
    await holder
    async with asyncio.timeout(1):
        async with gate.turn(-100, Priority.QUESTION):
            pass
