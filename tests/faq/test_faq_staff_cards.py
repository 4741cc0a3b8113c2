"""The staff chat's side of questions (both flavors): a card is bound to one question only
(a repeated message id reaches the newest question, never an older person's), replies to a
stale card are answered in the staff chat, only members of the working group may answer, and a
failure after posting never posts a second card."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from messenger import MessengerUser
from models import FaqQuery, Ticket, TicketLink, TicketMessage, User
from services import faq_queries
from tests.conftest import Harness

NOTHING_FITS = ("دستور پخت قورمه سبزی", "قیمت بلیت قطار مشهد", "ساعت کار استخر شهر", "رنگ مو چی بزنم")


async def ask_person(hamdel: Harness, user: MessengerUser, question: str) -> dict[str, Any]:
    """Type a question the FAQ has no answer for and send it to a staff member; the card."""
    user.skip_to_end()
    hamdel.staff_chat.skip_to_end()
    await user.send(question)
    await user.wait_until(
        lambda u: u.last is not None and "🙋 فرستادن برای کارشناس" in u.buttons(), timeout=20
    )
    await user.press("🙋 فرستادن برای کارشناس")
    card = await hamdel.staff_chat.next_message(timeout=10)
    await hamdel.settle()
    return card


async def test_a_repeated_card_id_reaches_the_newest_question_only(hamdel: Harness) -> None:
    """The messenger restarts its ids (as the sandbox did): the new card gets the id of an older
    one. A staff reply to it reaches the new person; the older person receives nothing."""
    first, second = hamdel.user(first_name="اول"), hamdel.user(first_name="دوم")
    old_card = await ask_person(hamdel, first, NOTHING_FITS[0])
    hamdel.staff_chat.chat.last_message_id = old_card["message_id"] - 1  # ids start again
    new_card = await ask_person(hamdel, second, NOTHING_FITS[1])
    assert new_card["message_id"] == old_card["message_id"]

    first.skip_to_end()
    await hamdel.staff_chat.send(from_user=hamdel.operator, text="جواب برای نفر دوم", reply_to=new_card)
    await second.wait_until(lambda u: "جواب برای نفر دوم" in u.last_text)
    await hamdel.settle()
    assert all("جواب برای نفر دوم" not in (m.get("text") or "") for m in first.messages)
    async with hamdel.db() as session:
        rows = list(await session.scalars(select(FaqQuery).where(FaqQuery.asked_staff_at.is_not(None))))
    bound = {row.user_id: row.staff_message_id for row in rows}
    assert bound == {first.id: None, second.id: new_card["message_id"]}
    assert {row.user_id: row.answers for row in rows} == {first.id: 0, second.id: 1}


async def test_a_reply_to_a_stale_card_is_answered_in_the_staff_chat(hamdel: Harness) -> None:
    user = hamdel.user()
    card = await ask_person(hamdel, user, NOTHING_FITS[2])
    async with hamdel.db() as session:
        asked = await session.scalar(select(FaqQuery).where(FaqQuery.user_id == user.id))
        assert asked is not None
        asked.staff_message_id = None  # the binding went to a newer card
    user.skip_to_end()
    await hamdel.staff_chat.send(from_user=hamdel.operator, text="این جواب به کسی نمی‌رسد", reply_to=card)
    note = await hamdel.staff_chat.next_message()
    assert note["text"].startswith("⚠️ این کارت دیگر به هیچ پرسشی وصل نیست")
    await hamdel.settle()
    assert "این جواب به کسی نمی‌رسد" not in user.last_text


async def test_a_restricted_member_cannot_answer_a_question(hamdel: Harness) -> None:
    """The same membership check as on ticket cards: a restricted member of the staff chat is
    refused, the person receives nothing, the audit log holds the refusal."""
    user = hamdel.user()
    card = await ask_person(hamdel, user, NOTHING_FITS[3])
    outsider = hamdel.messenger.user(user_id=900_777, first_name="مهمان", language_code="fa")
    hamdel.staff_chat.members[outsider.id] = "restricted"
    user.skip_to_end()
    await hamdel.staff_chat.send(from_user=outsider, text="جواب غیرمجاز", reply_to=card)
    note = await hamdel.staff_chat.next_message()
    assert note["text"] == "این کار فقط برای اعضای کارگروه و مدیران مجاز است."
    await hamdel.settle()
    assert all("جواب غیرمجاز" not in (m.get("text") or "") for m in user.messages)
    refused = await hamdel.audit("faq-answer")
    assert [(e.actor_id, e.allowed) for e in refused] == [(outsider.id, False)]
    async with hamdel.db() as session:
        asked = await session.scalar(select(FaqQuery).where(FaqQuery.user_id == user.id))
    assert asked is not None and asked.answers == 0 and asked.answered_at is None


async def test_a_database_failure_after_posting_never_posts_a_second_card(
    hamdel: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database fails right after the card was posted (the update is retried): the claim
    was committed first, so no second card; a reply to the unbound card is answered in the
    staff chat; the background pass posts it once more, bound, and the answer arrives."""
    original = faq_queries.card_sent
    failures = []

    async def failing_once(*args: Any, **kwargs: Any) -> None:
        if not failures:
            failures.append(1)
            raise OperationalError("UPDATE faq_queries", {}, ConnectionError("database went away"))
        await original(*args, **kwargs)

    monkeypatch.setattr(faq_queries, "card_sent", failing_once)
    user = hamdel.user()
    card = await ask_person(hamdel, user, NOTHING_FITS[0])
    await hamdel.settle()
    cards = [m for m in hamdel.staff_chat.messages if (m.get("text") or "").startswith("❓ پرسش شماره")]
    assert len(cards) == 1 and failures == [1]
    async with hamdel.db() as session:
        asked = await session.scalar(select(FaqQuery).where(FaqQuery.user_id == user.id))
    assert asked is not None and asked.asked_staff_at is not None and asked.staff_message_id is None

    await hamdel.staff_chat.send(from_user=hamdel.operator, text="جواب اول", reply_to=card)
    note = await hamdel.staff_chat.next_message()
    assert note["text"].startswith("⚠️ این کارت دیگر به هیچ پرسشی وصل نیست")

    hamdel.clock.advance(minutes=2)
    await hamdel.app.dispatcher.workflow_data["ticket_desk"].check_once()
    again = await hamdel.staff_chat.next_message()
    assert again["text"] == card["text"]
    await hamdel.staff_chat.send(from_user=hamdel.operator, text="جواب دوم", reply_to=again)
    await user.wait_until(lambda u: "جواب دوم" in u.last_text)


async def test_a_message_bound_to_a_question_and_a_ticket_answers_nobody(hamdel: Harness) -> None:
    """Bindings left by an older version (a question card and a ticket on one message id): the
    reply is refused in the staff chat instead of guessing who gets it."""
    user = hamdel.user()
    card = await ask_person(hamdel, user, NOTHING_FITS[1])
    donor = hamdel.user()
    async with hamdel.db() as session:
        owner = User(
            platform=hamdel.app.profile.platform.value, user_id=donor.id, chat_id=donor.id, language="fa"
        )
        session.add(owner)
        await session.flush()
        ticket = Ticket(
            number="T-1405-000099",
            year=1405,
            seq=99,
            draft_key="legacy",
            platform=owner.platform,
            user_id=owner.id,
            category="other",
            status="new",
            description="قدیمی",
            reminders_sent=0,
        )
        session.add(ticket)
        await session.flush()
        session.add(
            TicketLink(
                platform=owner.platform,
                chat_id=hamdel.staff_chat.chat_id,
                message_id=card["message_id"],
                ticket_id=ticket.id,
                kind="card",
            )
        )
    user.skip_to_end()
    await hamdel.staff_chat.send(from_user=hamdel.operator, text="به چه کسی برسد؟", reply_to=card)
    note = await hamdel.staff_chat.next_message()
    assert note["text"].startswith("⚠️ این پیام هم به یک پرسش و هم به یک درخواست وصل است")
    await hamdel.settle()
    assert all("به چه کسی برسد" not in (m.get("text") or "") for m in user.messages)
    async with hamdel.db() as session:
        asked = await session.scalar(select(FaqQuery).where(FaqQuery.user_id == user.id))
        messages = await session.scalar(select(func.count(TicketMessage.id)))
    assert asked is not None and asked.answers == 0 and messages == 0


async def test_a_second_question_right_away_waits_for_the_cooldown(hamdel: Harness) -> None:
    user = hamdel.user()
    await ask_person(hamdel, user, NOTHING_FITS[0])
    user.skip_to_end()
    await user.send(NOTHING_FITS[1])
    await user.wait_until(
        lambda u: u.last is not None and "🙋 فرستادن برای کارشناس" in u.buttons(), timeout=20
    )
    offer = user.last
    user.skip_to_end()
    await user.press("🙋 فرستادن برای کارشناس", message=offer)
    refusal = await user.next_message(timeout=10)
    assert refusal["text"].startswith("پرسش قبلی‌تان همین الان برای کارشناس فرستاده شد")
    assert "ساعت ۱۱:۳۰" in refusal["text"] and "(حدود ۱ دقیقه دیگر)" in refusal["text"]
    await hamdel.settle()
    cards = [m for m in hamdel.staff_chat.messages if (m.get("text") or "").startswith("❓ پرسش شماره")]
    assert len(cards) == 1
    hamdel.clock.advance(seconds=31)
    user.skip_to_end()
    await user.press("🙋 فرستادن برای کارشناس", message=offer)
    assert (await user.next_message(timeout=10))["text"].startswith("✅ پرسش شما")


async def test_unbinding_a_card_reaches_the_question_a_session_holds(hamdel: Harness) -> None:
    """A ticket's card or link on a message id a question card had (ids repeated): the binding is
    dropped in the database and in a question the same session has loaded, and only there."""
    first, second = hamdel.user(), hamdel.user()
    card = await ask_person(hamdel, first, NOTHING_FITS[0])
    other = await ask_person(hamdel, second, NOTHING_FITS[1])
    platform, chat = hamdel.app.profile.platform.value, hamdel.staff_chat.chat_id
    async with hamdel.db() as session:
        held = await session.scalar(select(FaqQuery).where(FaqQuery.user_id == first.id))
        untouched = await session.scalar(select(FaqQuery).where(FaqQuery.user_id == second.id))
        assert held is not None and untouched is not None
        await faq_queries.unbind_card(
            session, platform=platform, staff_chat_id=chat, message_id=card["message_id"]
        )
        assert held.staff_message_id is None  # known without reading it again
        assert untouched.staff_message_id == other["message_id"]
        await faq_queries.unbind_card(session, platform=platform, staff_chat_id=chat, message_id=10**9)
        assert untouched.staff_message_id == other["message_id"]
    async with hamdel.db() as session:
        stored = {row.user_id: row.staff_message_id for row in await session.scalars(select(FaqQuery))}
    assert stored == {first.id: None, second.id: other["message_id"]}
