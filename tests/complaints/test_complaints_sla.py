"""SLA reminders with the FrozenClock: the background loop (started by the feature's startup
hook) and the check function called directly; catching up a staff chat that was unreachable."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from bot.complaints_desk import desk_for
from bot.settings import TicketSettings
from models.tickets import Ticket, TicketMessage
from tests.complaints.complaints_helpers import buttons, card_of, file_ticket


@pytest.fixture
def overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    loop = "loop" in request.node.name
    return {"tickets": TicketSettings(sla_hours=24, reminder_hours=12, check_seconds=0.02 if loop else 3600)}


def _reminders(hamdel) -> list[dict]:
    return [m for m in hamdel.staff_chat.messages if (m.get("text") or "").startswith("⏰")]


async def _quiet(hamdel) -> None:
    """Let the loop run a few times."""
    await asyncio.sleep(0.12)
    await hamdel.settle()


async def test_loop_reminds_once_per_period(hamdel) -> None:
    staff, clock = hamdel.staff_chat, hamdel.clock
    ticket = await file_ticket(hamdel, hamdel.user())
    clock.advance(hours=23)
    await _quiet(hamdel)
    assert _reminders(hamdel) == []

    clock.advance(hours=2)  # 25 h without a staff action
    await staff.wait_until(lambda g: len(_reminders(hamdel)) == 1)
    first = _reminders(hamdel)[0]
    assert "T-۱۴۰۵-۰۰۰۰۰۱" in first["text"] and "۲۵ ساعت" in first["text"]
    assert "برمی‌دارم" in " ".join(staff.buttons(first))
    clock.advance(hours=11)
    await _quiet(hamdel)
    assert len(_reminders(hamdel)) == 1  # at most once per 12-hour period

    clock.advance(hours=1)
    await staff.wait_until(lambda g: len(_reminders(hamdel)) == 2)
    await staff.send(hamdel.operator, "/tickets")
    await staff.wait_until(lambda g: "صندوق" in g.last_text)
    assert "بی‌اقدام): ۱" in staff.last_text and "⏰ " in staff.last_text

    # Taking the ticket is a staff action: the clock restarts.
    await staff.press(hamdel.operator, "🙋 برمی‌دارم", message=card_of(hamdel, ticket.number))
    clock.advance(hours=23)
    await _quiet(hamdel)
    assert len(_reminders(hamdel)) == 2
    clock.advance(hours=2)
    await staff.wait_until(lambda g: len(_reminders(hamdel)) == 3)
    # An answered ticket is the donor's turn: no more reminders.
    await staff.send(hamdel.operator, "پاسخ نهایی", reply_to=card_of(hamdel, ticket.number))
    await staff.wait_until(lambda g: "فرستاده شد" in g.last_text)
    clock.advance(hours=48)
    await _quiet(hamdel)
    assert len(_reminders(hamdel)) == 3
    async with hamdel.db() as session:
        stored = await session.get(Ticket, ticket.id)
        assert stored is not None and stored.reminders_sent == 3


async def test_check_once_and_catch_up(hamdel) -> None:
    """The staff chat is unreachable while a ticket is filed and followed up: nothing is lost,
    and one check later the card, the attachment and the follow-up arrive in order."""
    staff, messenger = hamdel.staff_chat, hamdel.messenger
    desk = desk_for(hamdel.app)
    staff.members[messenger.bot_id] = "left"
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor, photos=1, posted=False)
    assert "شمارهٔ پیگیری" in donor.last_text
    await donor.send("/mytickets")
    await donor.wait_until(lambda u: "T-" in buttons(u))
    await donor.press("T-")
    await donor.wait_until(lambda u: "نوشتن" in buttons(u))
    await donor.press("✍️ نوشتن پاسخ")
    await donor.send("یک توضیح دیگر")
    await donor.wait_until(lambda u: "به محض دسترسی" in u.last_text)
    assert staff.messages == []
    async with hamdel.db() as session:
        stored = await session.get(Ticket, ticket.id)
        assert stored is not None and stored.card_message_id is None
        rows = list(await session.scalars(select(TicketMessage)))
        assert len(rows) == 2 and not any(row.delivered for row in rows)

    staff.members[messenger.bot_id] = "administrator"
    assert await desk.check_once() == 0  # too early to retry (a worker may still be posting)
    assert staff.messages == []
    hamdel.clock.advance(minutes=2)
    assert await desk.check_once() == 0
    texts = [m.get("text") or m.get("caption") or "" for m in staff.messages]
    assert texts[0].startswith("🎫") and texts[1].startswith("📎") and "یک توضیح دیگر" in texts[2]
    async with hamdel.db() as session:
        assert all(row.delivered for row in await session.scalars(select(TicketMessage)))

    hamdel.clock.advance(hours=25)
    assert await desk.check_once() == 1
    assert await desk.check_once() == 0
    assert len(_reminders(hamdel)) == 1


async def test_reminders_are_paced_per_chat(hamdel) -> None:
    """Many overdue tickets at once: ten reminders per chat per pass, the rest in the next."""
    from bot.complaints_desk import REMINDERS_PER_PASS

    first = await file_ticket(hamdel, hamdel.user())
    async with hamdel.db() as session:
        for index in range(REMINDERS_PER_PASS + 2):
            session.add(
                Ticket(
                    number=f"T-1405-{100 + index:06d}",
                    year=1405,
                    seq=100 + index,
                    draft_key=f"bulk-{index}",
                    platform=first.platform,
                    user_id=first.user_id,
                    category="other",
                    status="new",
                    description="x",
                    anonymous=True,
                    staff_chat_id=first.staff_chat_id,
                    card_message_id=first.card_message_id,
                    created_at=first.created_at,
                    updated_at=first.created_at,
                    waiting_since=first.created_at,
                    reminders_sent=0,
                )
            )
    hamdel.clock.advance(hours=25)
    desk = desk_for(hamdel.app)
    assert await desk.check_once() == REMINDERS_PER_PASS
    assert await desk.check_once() == 3
    assert await desk.check_once() == 0
