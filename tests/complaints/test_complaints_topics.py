"""Forum topics (Telegram only: Bale has none): one topic per ticket, created once — by the
first worker that claims the ticket in the database — even under a burst of donor messages."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.complaints_desk import TicketDesk
from models.tickets import Ticket
from tests.complaints.complaints_helpers import buttons, card_of, file_ticket


@pytest.fixture
def flavor() -> str:
    return "telegram"


def _forum(hamdel) -> None:
    hamdel.staff_chat.chat.is_forum = True


def _topic_ok(hamdel) -> list[object]:
    return [r for r in hamdel.messenger.calls("createForumTopic") if r.ok]


async def test_one_topic_per_ticket(hamdel) -> None:
    _forum(hamdel)
    staff, operator = hamdel.staff_chat, hamdel.operator
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor, photos=1)
    assert len(staff.topics) == 1
    topic = staff.topics[0]
    assert topic["name"].startswith("T-1405-000001 · ")
    card = card_of(hamdel, ticket.number)
    assert card["message_thread_id"] == topic["message_thread_id"]
    attachment = next(m for m in staff.messages if m.get("photo"))
    assert attachment["message_thread_id"] == topic["message_thread_id"]
    thread = topic["message_thread_id"]

    # A plain message in the topic is an internal note; a reply to the card is an answer.
    await staff.send(operator, "یادداشت: پیگیری با بانک", message_thread_id=thread)
    await staff.send(operator, "سلام، بررسی کردیم.", reply_to=card, message_thread_id=thread)
    await donor.wait_until(lambda u: "بررسی کردیم" in u.last_text)
    assert not [m for m in donor.messages if "یادداشت" in (m.get("text") or "")]

    # The Reply button in the topic: the operator's next message in the topic is the answer.
    await staff.press(operator, "↩️ پاسخ", message=card)
    await staff.wait_until(lambda g: "پاسخ خود" in g.last_text)
    assert staff.last["message_thread_id"] == thread
    await staff.send(operator, "پاسخ دوم از دکمه", message_thread_id=thread)
    await donor.wait_until(lambda u: "پاسخ دوم از دکمه" in u.last_text)

    # The donor's follow-up lands in the same topic; closing closes the topic.
    await donor.press("✍️ نوشتن پاسخ")
    await donor.send("سپاس")
    await staff.wait_until(lambda g: "سپاس" in g.last_text)
    assert staff.last["message_thread_id"] == thread
    # The donor's confirmation follows the relay: wait for it, or it may come after the closing.
    await donor.wait_until(lambda u: "به کارگروه رسید" in u.last_text)
    await staff.press(operator, "🔒 بستن", message=card)
    await staff.wait_until(lambda g: staff.topics[0]["closed"])
    await donor.wait_until(lambda u: "بسته شد" in u.last_text)
    await staff.press(operator, "🔓 بازگشایی", message=card)
    await staff.wait_until(lambda g: not staff.topics[0]["closed"])
    assert len(_topic_ok(hamdel)) == 1


async def test_topic_created_once_under_a_burst(hamdel) -> None:
    _forum(hamdel)
    staff, messenger = hamdel.staff_chat, hamdel.messenger
    donor = hamdel.user()
    messenger.fail_next("createForumTopic", status=400)  # the first try fails: card in General
    ticket = await file_ticket(hamdel, donor)
    assert staff.topics == [] and "message_thread_id" not in card_of(hamdel, ticket.number)
    await donor.send("/mytickets")
    await donor.wait_until(lambda u: "T-" in buttons(u))
    await donor.press("T-")
    await donor.wait_until(lambda u: "نوشتن" in buttons(u))
    await donor.press("✍️ نوشتن پاسخ")
    await donor.wait_until(lambda u: "بنویسید" in u.last_text)
    messenger.delay_next("createForumTopic", seconds=0.3)
    for index in range(5):
        await donor.send(f"پیام شمارهٔ {index}")  # a burst: nobody waits for an answer
    await donor.wait_until(lambda u: sum("به کارگروه رسید" in (m.get("text") or "") for m in u.messages) == 5)
    await hamdel.settle()
    assert len(staff.topics) == 1 and len(_topic_ok(hamdel)) == 1
    thread = staff.topics[0]["message_thread_id"]
    relayed = [m for m in staff.messages if "پیام شمارهٔ" in (m.get("text") or "")]
    assert len(relayed) == 5 and {m["message_thread_id"] for m in relayed} == {thread}
    cards = [m for m in staff.messages if (m.get("text") or "").startswith("🎫")]
    assert len(cards) == 2 and cards[-1]["message_thread_id"] == thread  # a fresh card opens the topic
    async with hamdel.db() as session:
        stored = await session.get(Ticket, ticket.id)
        assert stored is not None and stored.topic_id == thread and stored.post_claim is None


async def test_workers_racing_create_one_topic(hamdel) -> None:
    """Five workers (each its own desk and database session, like separate processes) post the
    same ticket at once: the database claim lets exactly one create the topic."""
    _forum(hamdel)
    messenger = hamdel.messenger
    messenger.fail_next("createForumTopic", status=400)
    ticket = await file_ticket(hamdel, hamdel.user())
    messenger.delay_next("createForumTopic", seconds=0.3)

    async def worker() -> bool:
        desk = TicketDesk(hamdel.app)
        async with hamdel.app.sessionmaker() as session:
            return await desk.sync_to_staff(session, ticket.id)

    results = await asyncio.gather(*(worker() for _ in range(5)))
    assert all(results)
    assert len(_topic_ok(hamdel)) == 1 and len(hamdel.staff_chat.topics) == 1
    async with hamdel.db() as session:
        stored = await session.scalar(select(Ticket))
        assert stored is not None and stored.topic_id == hamdel.staff_chat.topics[0]["message_thread_id"]
