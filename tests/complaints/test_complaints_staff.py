"""The working group's side (both flavors): answers both ways, the lifecycle with the donor
told on each change, who may act (audited), closed tickets, a blocked donor, /tickets."""

from __future__ import annotations

from sqlalchemy import func, select

from models.staff import AuditEntry
from models.tickets import Ticket, TicketMessage, TicketStatus
from services import ticket_desk
from services.ticket_desk import Actor, ItemKind, Outcome
from tests.complaints.complaints_helpers import buttons, card_of, file_ticket


async def _ticket(hamdel, ticket_id: int) -> Ticket:
    async with hamdel.db() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


async def _audit(hamdel, **where: object) -> list[AuditEntry]:
    async with hamdel.db() as session:
        statement = select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            statement = statement.where(getattr(AuditEntry, name) == value)
        return list(await session.scalars(statement))


async def test_conversation_both_ways(hamdel) -> None:
    """Reply to the card → the donor gets the answer without the operator's name; the donor's
    follow-ups (button, reply, document) land on the same ticket; Reply button + photo."""
    donor = hamdel.user(first_name="رضا")
    staff, operator = hamdel.staff_chat, hamdel.operator
    ticket = await file_ticket(hamdel, donor, photos=1)
    card = card_of(hamdel, ticket.number)

    await staff.send(operator, "سلام، رسید شما دوباره صادر شد و به زودی می‌رسد.", reply_to=card)
    await donor.wait_until(lambda u: "پاسخ کارگروه" in u.last_text)
    answer = donor.last
    assert "رسید شما دوباره صادر شد" in answer["text"] and "T-۱۴۰۵-۰۰۰۰۰۱" in answer["text"]
    assert "کارشناس" not in answer["text"]  # the operator's name never reaches the donor
    assert buttons(donor) == "✍️ نوشتن پاسخ | ✅ مشکلم حل شد"
    await staff.wait_until(lambda g: "فرستاده شد" in g.last_text)
    assert (await _ticket(hamdel, ticket.id)).status == TicketStatus.ANSWERED

    # The donor answers by the button, then by replying to the answer itself.
    await donor.press("✍️ نوشتن پاسخ", message=answer)
    await donor.wait_until(lambda u: "بنویسید" in u.last_text)
    assert donor.chat.messages[answer["message_id"]].data["text"] == answer["text"]  # not replaced
    await donor.send("ممنون، ولی مبلغ هنوز به حسابم برنگشته.")
    await donor.send_document(filename="bank.pdf", data=b"%PDF-1.4", mime_type="application/pdf")
    await donor.wait_until(lambda u: sum("به کارگروه رسید" in (m.get("text") or "") for m in u.messages) == 2)
    await donor.reply(answer, "شمارهٔ پیگیری بانک هم ۱۲۳۴۵ است.")
    await staff.wait_until(lambda g: "۱۲۳۴۵" in g.last_text or "12345" in g.last_text)
    relayed = [m for m in staff.messages if "پیام تازهٔ نیکوکار" in (m.get("text") or m.get("caption") or "")]
    assert len(relayed) == 3 and any(m.get("document") for m in relayed)
    assert all("رضا" in (m.get("text") or m.get("caption") or "") for m in relayed)
    assert (await _ticket(hamdel, ticket.id)).status == TicketStatus.IN_PROGRESS

    # Reply button, then a photo: copied to the donor with the header as caption.
    await staff.press(operator, "↩️ پاسخ", message=card)
    await staff.wait_until(lambda g: "پاسخ خود" in g.last_text)
    await staff.send_photo(operator, caption="این تصویر تراکنش برگشتی است.")
    await donor.wait_until(lambda u: bool(u.last and u.last.get("photo")))
    assert "پاسخ کارگروه" in donor.last_text and "تراکنش برگشتی" in donor.last_text
    copies = hamdel.messenger.calls("copyMessage")
    assert copies and int(copies[-1].params["from_chat_id"]) == staff.chat_id
    # After the Reply button, only one message is an answer: the next one is a note.
    await staff.send(operator, "یادداشت داخلی: با بانک تماس گرفتم.")
    await hamdel.settle()
    assert "یادداشت داخلی" not in donor.last_text
    # /note in reply to the card: an internal note, as the console's, never sent to the donor.
    await staff.send(operator, "/note بانک گفت تا فردا برمی‌گردد", reply_to=card)
    await staff.wait_until(lambda g: "یادداشت داخلی برای درخواست" in g.last_text)
    await staff.send(operator, "/note بدون پاسخ به کارت")
    await staff.wait_until(lambda g: "/note متن یادداشت" in g.last_text)
    assert "بانک گفت" not in donor.last_text
    async with hamdel.db() as session:
        thread = await ticket_desk.thread(session, await _ticket(hamdel, ticket.id))
    assert [i.text for i in thread if i.kind == ItemKind.NOTE] == ["بانک گفت تا فردا برمی‌گردد"]
    assert [e.channel for e in await _audit(hamdel, action="ticket.note")] == ["chat"]

    async with hamdel.db() as session:
        messages = list(
            await session.scalars(select(TicketMessage).where(TicketMessage.ticket_id == ticket.id))
        )
        assert [m.direction for m in messages] == ["donor", "staff", "donor", "donor", "donor", "staff"]
        assert all(m.delivered for m in messages)
        answers = [m for m in messages if m.direction == "staff"]
        assert all(m.author_id == operator.id for m in answers)
    audit = await _audit(hamdel, action="ticket.answer")
    assert len(audit) == 2 and all(entry.allowed and entry.target == ticket.number for entry in audit)


async def test_lifecycle_with_the_donor_told(hamdel) -> None:
    donor = hamdel.user()
    staff, operator, admin = hamdel.staff_chat, hamdel.operator, hamdel.admin
    ticket = await file_ticket(hamdel, donor, category="روند جهیزیه")
    card = card_of(hamdel, ticket.number)
    seen_in_console = ticket_desk.version_of(await _ticket(hamdel, ticket.id))

    hamdel.clock.advance(seconds=1)
    take = await staff.press(operator, "🙋 برمی‌دارم", message=card)
    assert "برداشتید" in take["text"]
    await donor.wait_until(lambda u: "در دست بررسی" in u.last_text)
    again = await staff.press(operator, "🙋 برمی‌دارم", message=card)
    assert "در دست شماست" in again["text"]
    stored = await _ticket(hamdel, ticket.id)
    assert (stored.status, stored.assignee_id) == (TicketStatus.IN_PROGRESS, operator.id)
    # The chat acts through the console's use cases: a console form from before the take is stale.
    async with hamdel.db() as session:
        late = await ticket_desk.set_status(
            session,
            ticket_id=ticket.id,
            version=seen_in_console,
            actor=Actor(admin.id, "مدیر", hamdel.app.profile.platform.value),
            status="closed",
            now=hamdel.clock.now(),
        )
    assert late.outcome == Outcome.STALE

    await staff.press(operator, "💬 پاسخ داده شد", message=card)
    await donor.wait_until(lambda u: "رسیدگی کرد" in u.last_text)
    await staff.press(admin, "🔒 بستن", message=card)
    await donor.wait_until(lambda u: "بسته شد" in u.last_text)
    assert "۵ ⭐" in buttons(donor)
    closed_notice = donor.last
    await donor.press("۴ ⭐")
    await donor.wait_until(lambda u: "امتیاز ۴ از ۵" in u.last_text)
    assert donor.chat.messages[closed_notice["message_id"]].data["text"] == closed_notice["text"]
    again = await donor.press("۵ ⭐", message=closed_notice)
    assert "پیش‌تر" in again["text"]
    await staff.wait_until(lambda g: "امتیاز ۴ از ۵" in g.last_text)
    assert (await _ticket(hamdel, ticket.id)).rating == 4

    # A closed ticket: staff answers are not relayed; actions say so.
    await staff.send(operator, "یک نکتهٔ دیگر", reply_to=card)
    await staff.wait_until(lambda g: "بسته است" in g.last_text)
    assert "یک نکتهٔ دیگر" not in donor.last_text
    denied = await staff.press_data(operator, f"tk:take:{ticket.id}:", message=card)
    assert "بسته" in denied["text"]

    # The donor reopens from /mytickets, writes, then closes it themself.
    await donor.send("/mytickets")
    await donor.wait_until(lambda u: "T-" in buttons(u))
    await donor.press("T-")
    await donor.wait_until(lambda u: "گفت‌وگو" in u.last_text)
    await donor.press("بازگشایی")
    await donor.wait_until(lambda u: "دوباره باز شد" in u.last_text)
    await staff.wait_until(lambda g: "بازگشایی کرد" in g.last_text)
    await donor.send("هنوز بسته به دستم نرسیده است.")
    await staff.wait_until(lambda g: "هنوز بسته" in g.last_text)
    assert (await _ticket(hamdel, ticket.id)).status == TicketStatus.IN_PROGRESS
    await donor.send("/mytickets")
    await donor.wait_until(lambda u: "T-" in buttons(u))
    await donor.press("T-")
    await donor.wait_until(lambda u: "بستن درخواست" in buttons(u))
    await donor.press("بستن درخواست")
    await staff.wait_until(lambda g: "نیکوکار درخواست" in g.last_text and "بست" in g.last_text)
    stored = await _ticket(hamdel, ticket.id)
    assert stored.status == TicketStatus.CLOSED and stored.rating is None

    entries = await _audit(hamdel, actor_id=operator.id)
    assert [entry.action for entry in entries][:2] == ["ticket.take", "ticket.status"]
    assert {entry.channel for entry in entries} == {"chat"}
    assert [entry.action for entry in await _audit(hamdel, actor_id=admin.id)] == ["ticket.status"]


async def test_only_staff_may_act(hamdel) -> None:
    donor = hamdel.user()
    outsider = hamdel.user(first_name="غریبه")
    ticket = await file_ticket(hamdel, donor)
    card = card_of(hamdel, ticket.number)
    staff = hamdel.staff_chat
    for data in (f"tk:take:{ticket.id}:", f"tk:st:{ticket.id}:closed", f"tk:reply:{ticket.id}:"):
        answer = await staff.press_data(outsider, data, message=card)
        assert answer["show_alert"] and "کارگروه" in answer["text"]
    await hamdel.settle()  # the audit row is committed after the answer to the button
    refused = await _audit(hamdel, actor_id=outsider.id)
    assert [entry.allowed for entry in refused] == [False, False, False]
    assert refused[0].action == "ticket.take"
    assert (await _ticket(hamdel, ticket.id)).status == TicketStatus.NEW
    # Someone who has left the chat cannot answer by replying either.
    staff.members[outsider.id] = "left"
    await staff.send(outsider, "من هم جواب می‌دهم", reply_to=card)
    await staff.wait_until(lambda g: "فقط برای اعضای" in g.last_text)
    assert "جواب می‌دهم" not in donor.last_text
    # A forged id of a ticket that does not exist; a button from someone else's ticket.
    missing = await staff.press_data(hamdel.operator, "tk:take:999:", message=card)
    assert "پیدا نشد" in missing["text"]


async def test_blocked_donor_keeps_the_answer(hamdel) -> None:
    donor = hamdel.user()
    staff = hamdel.staff_chat
    ticket = await file_ticket(hamdel, donor)
    card = card_of(hamdel, ticket.number)
    await donor.block()
    await staff.send(hamdel.operator, "پاسخ کامل: مبلغ تا سه روز کاری برمی‌گردد.", reply_to=card)
    await staff.wait_until(lambda g: "نرسید" in g.last_text and "مسدود" in g.last_text)
    async with hamdel.db() as session:
        answer = await session.scalar(select(TicketMessage).where(TicketMessage.direction == "staff"))
        assert answer is not None and not answer.delivered and answer.failure == "blocked"
    take = await staff.press(hamdel.operator, "🙋 برمی‌دارم", message=card)
    assert "مسدود" in take["text"]
    await donor.unblock()
    await donor.send("/mytickets")
    await donor.wait_until(lambda u: "T-" in buttons(u))
    await donor.press("T-")
    await donor.wait_until(lambda u: "سه روز کاری" in u.last_text)


async def test_replies_that_are_not_answers(hamdel) -> None:
    donor = hamdel.user()
    staff, operator = hamdel.staff_chat, hamdel.operator
    ticket = await file_ticket(hamdel, donor)
    await staff.send(operator, "/tickets")
    await staff.wait_until(lambda g: "صندوق" in g.last_text)
    overview = staff.last
    await staff.send(operator, "این چیست؟", reply_to=overview)
    await staff.wait_until(lambda g: "به هیچ درخواستی وصل نیست" in g.last_text)
    await staff.send(operator, "گفتگوی عادی گروه")  # not a reply: silence
    await staff.send(operator, "/tickets", reply_to=card_of(hamdel, ticket.number))  # a command: not relayed
    await staff.wait_until(lambda g: sum(m.get("text", "").startswith("📥") for m in g.messages) == 2)
    await hamdel.settle()
    assert staff.last_text.startswith("📥")
    assert not [m for m in donor.messages if "گفتگوی عادی" in (m.get("text") or "")]
    # A sticker is not something we relay to a donor.
    await staff.press(operator, "↩️ پاسخ", message=card_of(hamdel, ticket.number))
    await staff.wait_until(lambda g: "پاسخ خود" in g.last_text)
    await staff.send(operator, "/cancel")
    await staff.wait_until(lambda g: "لغو شد" in g.last_text)
    # A reply to a bot message that speaks of no ticket is left to other features.
    await staff.send(operator, "باشه", reply_to=staff.last)
    await hamdel.settle()
    assert sum("به هیچ درخواستی" in (m.get("text") or "") for m in staff.messages) == 1
    assert "باشه" not in donor.last_text


async def test_redelivered_answer_is_sent_once(hamdel) -> None:
    donor = hamdel.user()
    staff = hamdel.staff_chat
    ticket = await file_ticket(hamdel, donor)
    hamdel.messenger.duplicate_next_update()
    await staff.send(hamdel.operator, "پاسخ یکتا", reply_to=card_of(hamdel, ticket.number))
    await donor.wait_until(lambda u: "پاسخ یکتا" in u.last_text)
    await hamdel.settle()
    assert sum("پاسخ یکتا" in (m.get("text") or "") for m in donor.messages) == 1
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(TicketMessage.id))) == 1


async def test_tickets_overview(hamdel) -> None:
    staff, operator = hamdel.staff_chat, hamdel.operator
    first = await file_ticket(hamdel, hamdel.user(), category="مشکل فنی")
    await file_ticket(hamdel, hamdel.user(), category="مشکل فنی")
    await file_ticket(hamdel, hamdel.user(), category="پیشنهاد")
    await staff.press(operator, "🙋 برمی‌دارم", message=card_of(hamdel, first.number))
    hamdel.clock.advance(hours=30)
    await staff.send(operator, "/tickets")
    await staff.wait_until(lambda g: "صندوق" in g.last_text)
    text = staff.last_text
    assert "باز: ۳" in text and "ثبت‌شده ۲" in text and "در حال رسیدگی ۱" in text
    assert "عقب‌افتاده (بیش از ۲۴ ساعت بی‌اقدام): ۳" in text
    assert "مشکل فنی: ۲" in text and "پیشنهاد: ۱" in text
    mine = text.split("در دست شما:")[1]
    assert "T-۱۴۰۵-۰۰۰۰۰۱" in mine and "T-۱۴۰۵-۰۰۰۰۰۲" not in mine
    assert "📌" in buttons(staff)
    await staff.press(operator, "📌 \u2066T-۱۴۰۵-۰۰۰۰۰۲\u2069")
    await staff.wait_until(lambda g: g.last_text.startswith("🎫") and "۰۰۰۰۰۲" in g.last_text)
    # Outsiders get nothing; admins may ask in private.
    outsider = hamdel.user()
    staff.members[outsider.id] = "left"
    await staff.send(outsider, "/tickets")
    await staff.wait_until(lambda g: "فقط برای اعضای" in g.last_text)
    await hamdel.admin.send("/tickets")
    await hamdel.admin.wait_until(lambda u: "صندوق" in u.last_text)
    await outsider.send("/tickets")
    await outsider.wait_until(lambda u: "فقط برای کارکنان" in u.last_text)
