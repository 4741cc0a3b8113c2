"""Ticket messages in the staff chat are bound to one ticket only (both flavors): when the
chat's message ids repeat, a reply reaches the newest ticket — never a closed older one — and
an anonymous ticket's card carries nothing that joins it to the donations export."""

from __future__ import annotations

from sqlalchemy import select

from models import TicketLink
from services.exports import ExportRequest
from services.tickets import tickets_export
from tests.complaints.complaints_helpers import card_of, file_ticket, paid_donation, staff_requests
from tests.conftest import START


async def test_a_reused_message_id_answers_the_new_ticket_not_a_closed_one(hamdel) -> None:
    old_donor, new_donor = hamdel.user(first_name="قدیمی"), hamdel.user(first_name="تازه")
    staff, operator = hamdel.staff_chat, hamdel.operator
    old = await file_ticket(hamdel, old_donor)
    old_card = card_of(hamdel, old.number)
    await staff.press(operator, "🔒 بستن", message=old_card)
    await old_donor.wait_until(lambda u: "بسته شد" in u.last_text)
    await hamdel.settle()

    staff.chat.last_message_id = old_card["message_id"] - 1  # the staff chat's ids start again
    new = await file_ticket(hamdel, new_donor, text="مبلغ کمک من دو بار از حسابم کم شده است.")
    new_card = card_of(hamdel, new.number)
    reused = [m for m in staff.messages if m["message_id"] == old_card["message_id"]]
    assert reused and new.number.split("-")[-1].lstrip("0") in reused[-1]["text"].translate(
        str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    )

    old_donor.skip_to_end()
    await staff.send(operator, "مبلغ اضافه برگشت داده شد.", reply_to=reused[-1])
    await new_donor.wait_until(lambda u: "مبلغ اضافه برگشت داده شد" in u.last_text)
    await staff.wait_until(lambda g: "فرستاده شد" in g.last_text)
    assert "بسته است" not in staff.last_text
    await hamdel.settle()
    assert all("مبلغ اضافه" not in (m.get("text") or "") for m in old_donor.messages)
    async with hamdel.db() as session:
        links = list(
            await session.scalars(
                select(TicketLink).where(
                    TicketLink.chat_id == staff.chat_id, TicketLink.message_id == old_card["message_id"]
                )
            )
        )
    assert [link.ticket_id for link in links] == [new.id]
    assert new_card["message_id"] == old_card["message_id"]


async def test_an_anonymous_card_shows_no_receipt_amount_or_date(hamdel) -> None:
    donor = hamdel.user()
    await donor.send("/start")
    await donor.next_message()
    await paid_donation(hamdel, donor, 730_000, START, campaign="سلام محله")
    ticket = await file_ticket(hamdel, donor, anonymous=True, donation="سلام محله")
    assert ticket.donation_id is not None
    card = card_of(hamdel, ticket.number)
    assert "جزئیات کمک نمایش داده نمی‌شود" in card["text"]
    for secret in ("R-۷۳۰۰۰۰", "R-730000", "۷۳٬۰۰۰", "73,000", "سلام محله"):
        assert all(secret not in request for request in staff_requests(hamdel)), secret
    async with hamdel.db() as session:
        table = await tickets_export(session, ExportRequest(roles=frozenset({"admin"})))
    row = " ".join(str(cell) for cell in table.rows[0])
    assert "R-730000" not in row and str(ticket.donation_id) not in table.rows[0][1:]

    # A named ticket still shows the donation for the staff to find it.
    named = hamdel.user()
    await named.send("/start")
    await named.next_message()
    await paid_donation(hamdel, named, 410_000, START, campaign="یلدای مهربانی")
    shown = await file_ticket(hamdel, named, donation="یلدای مهربانی")
    assert "R-۴۱۰۰۰۰" in card_of(hamdel, shown.number)["text"]
