"""What one person may send to the working group (both flavors): quotas on questions to a
staff member, tickets and follow-ups with a clear message saying when to try again, a block
set from any card (and lifted) honoured by every flow, and the staff chat's sending order
(ticket cards before question cards) with cards the chat refused posted again."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import func, select

from bot.settings import LimitSettings
from models import BlockedUser, FaqQuery, Ticket
from tests.complaints.complaints_helpers import buttons, card_of, file_ticket
from tests.conftest import Harness

QUOTA = 5
ASK = "🙋 فرستادن برای کارشناس"


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    return {
        "limits": LimitSettings(
            staff_questions_per_hour=QUOTA, tickets_per_day=3, followups_per_hour=3, staff_cooldown_seconds=0
        )
    }


def question_cards(hamdel: Harness) -> list[dict[str, Any]]:
    return [m for m in hamdel.staff_chat.messages if (m.get("text") or "").startswith("❓ پرسش شماره")]


def ticket_cards(hamdel: Harness) -> list[dict[str, Any]]:
    return [m for m in hamdel.staff_chat.messages if "🎫" in (m.get("text") or "")]


async def ask_person(hamdel: Harness, user: Any, question: str) -> str:
    """Type a question the FAQ cannot answer and press "ask a person"; the bot's reply."""
    user.skip_to_end()
    await user.send(question)
    await user.wait_until(lambda u: u.last is not None and ASK in u.buttons(), timeout=20)
    user.skip_to_end()
    await user.press(ASK)
    reply = await user.next_message(timeout=10)
    await hamdel.settle()
    return str(reply.get("text") or "")


@pytest.mark.slow  # 60 questions
async def test_a_burst_of_60_questions_reaches_the_staff_chat_only_up_to_the_quota(hamdel: Harness) -> None:
    user = hamdel.user()
    for index in range(60):
        await user.send(f"پرسش شماره {index} دربارهٔ دستور پخت قورمه سبزی")
    await user.wait_until(lambda u: sum(ASK in u.buttons(m) for m in u.messages) == 60, timeout=240)
    offers = [m for m in user.messages if ASK in user.buttons(m)]
    for offer in offers:
        await user.press(ASK, message=offer)
    await hamdel.settle()
    replies = [
        m.get("text") or "" for m in user.messages if not user.buttons(m) or ASK not in user.buttons(m)
    ]
    sent = [text for text in replies if text.startswith("✅ پرسش شما")]
    refused = [text for text in replies if "به اندازهٔ کافی پرسش" in text]
    assert (len(sent), len(refused)) == (QUOTA, 60 - QUOTA)
    # When they may ask again: a Jalali date and time and the wait, in Persian digits.
    assert "۱۴۰۵" in refused[0] and "ساعت" in refused[0] and "(حدود ۱ ساعت دیگر)" in refused[0]
    assert len(question_cards(hamdel)) == QUOTA
    async with hamdel.db() as session:
        count = await session.scalar(
            select(func.count(FaqQuery.id)).where(FaqQuery.asked_staff_at.is_not(None))
        )
    assert count == QUOTA

    hamdel.clock.advance(minutes=61)  # the window has passed
    assert (await ask_person(hamdel, user, "قیمت بلیت قطار مشهد")).startswith("✅ پرسش شما")


async def test_eight_anonymous_tickets_in_a_row_stop_at_the_quota(hamdel: Harness) -> None:
    donor = hamdel.user()
    for index in range(3):
        await file_ticket(hamdel, donor, anonymous=True, text=f"مشکل شماره {index}: رسید پرداختم نیامده است.")
    for _ in range(5):
        donor.skip_to_end()
        await donor.send("/complaint")
        refusal = await donor.next_message(timeout=10)
        assert "امروز به اندازهٔ کافی درخواست ثبت کرده‌اید" in refusal["text"]
        assert "پرداخت یا رسید" not in buttons(donor)  # no category to choose: nothing to type in vain
    await hamdel.settle()
    assert len(ticket_cards(hamdel)) == 3
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(Ticket.id))) == 3


async def test_follow_ups_stop_at_the_quota(hamdel: Harness) -> None:
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor)
    confirmation = next(m for m in donor.messages if "شمارهٔ پیگیری" in (m.get("text") or ""))
    for index in range(4):
        donor.skip_to_end()
        await donor.reply(confirmation, f"توضیح بیشتر شماره {index}")
        await donor.next_message(timeout=10)
    await hamdel.settle()
    assert "پیام‌های زیادی برای کارگروه فرستاده‌اید" in donor.last_text
    relayed = [m for m in hamdel.staff_chat.messages if "توضیح بیشتر شماره" in (m.get("text") or "")]
    assert len(relayed) == 3
    assert ticket.number


async def test_a_block_from_a_question_card_is_honoured_by_every_flow_and_can_be_lifted(
    hamdel: Harness,
) -> None:
    person = hamdel.user()
    assert (await ask_person(hamdel, person, "دستور پخت قورمه سبزی")).startswith("✅ پرسش شما")
    card = question_cards(hamdel)[-1]
    hamdel.staff_chat.skip_to_end()
    toast = await hamdel.staff_chat.press(hamdel.operator, "⛔ مسدود کردن این فرد", message=card)
    assert toast["text"] == "این فرد مسدود شد."
    notice = await hamdel.staff_chat.next_message()
    assert notice["text"].startswith("⛔ کارشناس این فرد را مسدود کرد")

    refused = await ask_person(hamdel, person, "قیمت بلیت قطار مشهد")
    assert refused.startswith("امکان فرستادن پیام برای کارگروه از حساب شما فعلاً بسته شده است")
    person.skip_to_end()
    await person.send("/complaint")
    assert (await person.next_message(timeout=10))["text"].startswith("امکان فرستادن پیام برای کارگروه")
    assert len(question_cards(hamdel)) == 1 and not ticket_cards(hamdel)
    async with hamdel.db() as session:
        block = await session.scalar(select(BlockedUser))
    assert block is not None and (block.user_id, block.blocked_by) == (person.id, hamdel.operator.id)
    assert block.reason is not None and block.reason.startswith("faq_query:")

    # A member who is not staff may not lift it; the operator may.
    outsider = hamdel.messenger.user(user_id=900_778, first_name="مهمان", language_code="fa")
    hamdel.staff_chat.members[outsider.id] = "left"
    denied = await hamdel.staff_chat.press(outsider, "✅ رفع مسدودی", message=notice)
    assert denied["text"] == "این کار فقط برای اعضای کارگروه و مدیران مجاز است."
    lifted = await hamdel.staff_chat.press(hamdel.operator, "✅ رفع مسدودی", message=notice)
    assert lifted["text"] == "مسدودی برداشته شد."
    assert (await ask_person(hamdel, person, "ساعت کار استخر شهر")).startswith("✅ پرسش شما")
    audit = await hamdel.audit("person.%")
    assert [(e.action, e.actor_id, e.allowed) for e in audit] == [
        ("person.block", hamdel.operator.id, True),
        ("person.unblock", outsider.id, False),
        ("person.unblock", hamdel.operator.id, True),
    ]


async def test_a_block_from_a_ticket_card_stops_new_tickets(hamdel: Harness) -> None:
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor, anonymous=True)
    card = card_of(hamdel, ticket.number)
    await hamdel.staff_chat.press(hamdel.admin, "⛔ مسدود کردن این فرد", message=card)
    donor.skip_to_end()
    await donor.send("/complaint")
    assert (await donor.next_message(timeout=10))["text"].startswith("امکان فرستادن پیام برای کارگروه")
    async with hamdel.db() as session:
        assert await session.scalar(select(BlockedUser.user_id)) == donor.id


async def test_ticket_cards_go_before_question_cards_and_refused_cards_are_posted_later(
    hamdel: Harness,
) -> None:
    """The staff chat takes no more (429): the question cards and the ticket card wait. When it
    takes messages again, the background pass posts the ticket's card first, then the others."""
    askers = [hamdel.user() for _ in range(3)]
    hamdel.messenger.set_rate_limit(global_per_sec=None, per_chat_per_sec=None, per_group_per_min=1)
    first = await ask_person(hamdel, askers[0], "دستور پخت قورمه سبزی")  # takes the group's minute
    assert first.startswith("✅ پرسش شما")
    for asker in askers[1:]:
        queued = await ask_person(hamdel, asker, "قیمت بلیت قطار مشهد")
        assert queued.startswith("📨 پرسش شما")
    donor = hamdel.user()
    ticket = await file_ticket(hamdel, donor, posted=False)
    assert len(question_cards(hamdel)) == 1 and not ticket_cards(hamdel)

    hamdel.messenger.set_rate_limit(global_per_sec=None, per_chat_per_sec=None, per_group_per_min=None)
    hamdel.staff_chat.skip_to_end()
    hamdel.clock.advance(minutes=2)
    await hamdel.app.dispatcher.workflow_data["ticket_desk"].check_once()
    await hamdel.settle()
    texts = [m.get("text") or "" for m in hamdel.staff_chat.messages]
    order = [
        ("ticket" if "🎫" in text else "question") for text in texts if "🎫" in text or text.startswith("❓")
    ]
    assert order == ["question", "ticket", "question", "question"]
    card_of(hamdel, ticket.number)
    async with hamdel.db() as session:
        missing = await session.scalar(
            select(func.count(FaqQuery.id)).where(
                FaqQuery.asked_staff_at.is_not(None), FaqQuery.staff_message_id.is_(None)
            )
        )
        stored = await session.get(Ticket, ticket.id)
    assert missing == 0 and stored is not None and stored.card_message_id is not None
