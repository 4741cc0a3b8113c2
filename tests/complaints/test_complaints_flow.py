"""Filing a ticket through the chat (both flavors): the happy path, linked donations,
anonymity, idempotency and bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.settings import TicketSettings
from models.tickets import Ticket, TicketMessage
from models.user import User
from tests.complaints.complaints_helpers import (
    buttons,
    card_of,
    fa,
    file_ticket,
    paid_donation,
    staff_requests,
)
from tests.conftest import START


@pytest.fixture
def overrides() -> dict[str, object]:
    return {"tickets": TicketSettings(attachment_limit=2, text_limit=200)}


async def test_file_a_ticket_and_staff_sees_the_card(hamdel) -> None:
    user = hamdel.user(first_name="سارا")
    ticket = await file_ticket(hamdel, user, photos=2, mobile="۰۹۱۲ ۳۴۵ ۶۷۸۹")
    assert ticket.number == "T-1405-000001"
    assert "T-۱۴۰۵-۰۰۰۰۰۱" in user.last_text and "۲۴ ساعت" in user.last_text
    assert buttons(user) == "📋 درخواست‌های من"

    card = card_of(hamdel, ticket.number)
    assert "سارا" in card["text"] and "۰۹۱۲۳۴۵۶۷۸۹" in card["text"] and "رسید پرداخت" in card["text"]
    assert "پیوست‌ها: ۲" in card["text"]
    assert {"🙋 برمی‌دارم", "↩️ پاسخ", "🔒 بستن"} <= set(hamdel.staff_chat.buttons(card))
    # Attachments follow the card, re-sent by file id (never forwarded).
    photos = [m for m in hamdel.staff_chat.messages if m.get("photo")]
    assert len(photos) == 2
    assert not hamdel.messenger.calls("forwardMessage")
    async with hamdel.db() as session:
        stored = await session.scalar(select(Ticket))
        assert stored is not None and stored.contact_mobile == "09123456789" and stored.donor_name == "سارا"
        assert stored.card_message_id == card["message_id"]
        rows = list(await session.scalars(select(TicketMessage)))
        assert len(rows) == 2 and all(row.delivered and row.filing for row in rows)


async def test_the_submit_press_is_answered_before_the_staff_card_is_posted(hamdel) -> None:
    """The donor's button stops spinning with the confirmation on their screen; posting the card
    to the staff chat (with a real Bot API, more round trips) comes after, and the press is
    answered once."""
    user = hamdel.user()
    ticket = await file_ticket(hamdel, user)
    requests = hamdel.messenger.requests
    card = next(
        index
        for index, request in enumerate(requests)
        if request.method == "sendMessage"
        and request.params.get("chat_id") == hamdel.staff_chat.chat_id
        and fa(ticket.number) in str(request.params.get("text"))
    )
    confirmation = max(
        index
        for index, request in enumerate(requests[:card])
        if request.params.get("chat_id") == user.id and "شمارهٔ پیگیری" in str(request.params.get("text"))
    )
    answers = [index for index, request in enumerate(requests) if request.method == "answerCallbackQuery"]
    submit_answers = [index for index in answers if index > confirmation]
    assert len(submit_answers) == 1 and submit_answers[0] < card
    assert requests[submit_answers[0]].status == 200


async def test_numbers_follow_each_other(hamdel) -> None:
    first = await file_ticket(hamdel, hamdel.user())
    second = await file_ticket(hamdel, hamdel.user(), category="مشکل فنی")
    assert (first.number, second.number) == ("T-1405-000001", "T-1405-000002")


async def test_linked_donation_shows_on_the_card(hamdel) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.next_message()
    await paid_donation(hamdel, user, 500_000, START, campaign="یلدای مهربانی")
    ticket = await file_ticket(hamdel, user, donation="یلدای مهربانی")
    assert ticket.donation_id is not None
    card = card_of(hamdel, ticket.number)
    assert "۵۰٬۰۰۰ تومان" in card["text"] and "یلدای مهربانی" in card["text"] and "R-۵۰۰۰۰۰" in card["text"]


async def test_someone_elses_donation_is_refused(hamdel) -> None:
    owner, other = hamdel.user(), hamdel.user()
    for person in (owner, other):
        await person.send("/start")
        await person.next_message()
    foreign = await paid_donation(hamdel, owner, 300_000, START)
    await paid_donation(hamdel, other, 100_000, START)
    await other.send("/complaint")
    await other.wait_until(lambda u: "مشکل فنی" in buttons(u))
    await other.press("مشکل فنی")
    await other.send("پرداخت انجام شد ولی پیامی نیامد و صفحه بسته شد.")
    await other.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await other.press("بدون پیوست")
    await other.wait_until(lambda u: "کمک‌های شما" in u.last_text)
    assert "۱۰٬۰۰۰ تومان" in buttons(other) and "۳۰٬۰۰۰" not in buttons(other)
    answer = await other.press_data(f"cmp:don:{foreign}")
    assert answer.get("text") and answer.get("show_alert")
    assert "کمک‌های شما" in other.last_text  # still at the same step


async def test_anonymous_ticket_reveals_nothing_to_staff(hamdel) -> None:
    user = hamdel.messenger.user(
        user_id=7_345_678_901, first_name="مهسا", username="mahsa_donor", language_code="fa"
    )
    user.info.last_name = "کاظمی"
    ticket = await file_ticket(hamdel, user, photos=1, anonymous=True)
    card = card_of(hamdel, ticket.number)
    assert "ناشناس" in card["text"]
    # A follow-up with a photo, relayed to the staff chat.
    await user.send("/mytickets")
    await user.wait_until(lambda u: "T-" in buttons(u))
    await user.press("T-")
    await user.wait_until(lambda u: "نوشتن" in buttons(u) or "افزودن" in buttons(u))
    await user.press("✍️")
    await user.wait_until(lambda u: "بنویسید" in u.last_text)
    await user.send_photo(caption="این هم تصویر پیامک بانک")
    await user.wait_until(lambda u: "افزوده شد" in u.last_text)
    await hamdel.settle()
    sent = staff_requests(hamdel)
    assert len(sent) >= 3  # the card, the attachment, the follow-up
    for request in sent:
        for secret in ("مهسا", "کاظمی", "mahsa_donor", "7345678901"):
            assert secret not in request, request
    assert not hamdel.messenger.calls("forwardMessage")
    assert not [
        r
        for r in hamdel.messenger.calls("copyMessage")
        if int(r.params["chat_id"]) == hamdel.staff_chat.chat_id
    ]
    async with hamdel.db() as session:
        stored = await session.scalar(select(Ticket))
        assert stored is not None and stored.anonymous and stored.donor_name is None


async def test_confirm_pressed_twice_files_once(hamdel) -> None:
    user = hamdel.user()
    await user.send("/complaint")
    await user.wait_until(lambda u: "پیشنهاد" in buttons(u))
    await user.press("پیشنهاد")
    await user.send("لطفاً امکان پرداخت ماهانهٔ خودکار را اضافه کنید.")
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.press("بدون پیوست")
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    await user.press("نامم نمایش داده شود")
    await user.wait_until(lambda u: "شمارهٔ همراه" in u.last_text)
    await user.send("بدون شماره")
    await user.wait_until(lambda u: "بازبینی" in u.last_text)
    summary = user.last
    submit = next(
        b for b in user.chat.messages[summary["message_id"]].data["reply_markup"]["inline_keyboard"][0]
    )
    await user.press("ثبت و ارسال", message=summary)
    await hamdel.settle()
    again = await user.press_data(submit["callback_data"], message=summary)
    assert "پیش‌تر" in (again.get("text") or "")
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(Ticket.id))) == 1
    assert len([m for m in hamdel.staff_chat.messages if "🎫" in (m.get("text") or "")]) == 1


async def test_bad_input_while_filing(hamdel) -> None:
    user = hamdel.user()
    await user.send("/complaint")
    await user.wait_until(lambda u: "رفتار کارکنان" in buttons(u))
    # A stale button from another step.
    stale = await user.press_data("cmp:go")
    assert stale.get("text")
    await user.press("رفتار کارکنان")
    await user.wait_until(lambda u: "جزئیات" in u.last_text)
    await user.send_sticker()
    await user.wait_until(lambda u: "متن" in u.last_text and "استیکر" in u.last_text)
    await user.send("   ")
    await user.wait_until(lambda u: "متنی دریافت نشد" in u.last_text)
    await user.send("ا" * 201)
    await user.wait_until(lambda u: "۲۰۱" in u.last_text and "۲۰۰" in u.last_text)
    # Another command is not taken as the description: it leaves the flow (bot/flows.py), and
    # the person is told the complaint was not filed.
    await user.send("/help")
    await user.wait_until(lambda u: "راهنمای همدل" in u.last_text)
    assert any("شکایت نیمه‌تمام شما کنار گذاشته شد" in (m.get("text") or "") for m in user.messages)
    await user.send("/complaint")
    await user.wait_until(lambda u: "رفتار کارکنان" in buttons(u))
    await user.press("رفتار کارکنان")
    await user.wait_until(lambda u: "جزئیات" in u.last_text)
    await user.send("کارمند دفتر شهرستان با نیکوکاران بدرفتاری کرد.")
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.send_voice()
    await user.wait_until(lambda u: "فقط عکس و فایل" in u.last_text)
    await user.send("این اتفاق دوشنبه افتاد.")
    await user.wait_until(lambda u: "افزوده شد" in u.last_text)
    for _ in range(2):
        await user.send_document(filename="letter.pdf", data=b"%PDF-1.4", mime_type="application/pdf")
    await user.wait_until(lambda u: "پیوست ۲ از ۲" in u.last_text)
    await user.send_photo()
    await user.wait_until(lambda u: "سقف" in u.last_text)
    await user.press("ادامه")
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    await user.press("نامم نمایش داده شود")
    await user.wait_until(lambda u: "شمارهٔ همراه" in u.last_text)
    assert "ارسال شمارهٔ من" in user.reply_keyboard[0]
    await user.send("۱۲۳۴")
    await user.wait_until(lambda u: "معتبر نیست" in u.last_text)
    await user.send_sticker()
    await user.wait_until(lambda u: u.last_text.startswith("لطفاً شمارهٔ همراه را بنویسید"))
    assert "ارسال شمارهٔ من" in user.reply_keyboard[0]
    await user.share_contact(phone="+989351112233", own=False, first_name="دیگری")
    await user.wait_until(lambda u: "شمارهٔ خودتان" in u.last_text)
    await user.share_contact(phone="+989121112233")
    await user.wait_until(lambda u: "بازبینی" in u.last_text)
    assert user.reply_keyboard == []  # the contact keyboard is gone
    summary = user.last_text
    assert "پیوست‌ها: ۲" in summary and "۰۹۱۲۱۱۱۲۲۳۳" in summary and "دوشنبه" in summary
    await user.press("ثبت و ارسال")
    await user.wait_until(lambda u: "شمارهٔ پیگیری" in u.last_text)
    async with hamdel.db() as session:
        ticket = await session.scalar(select(Ticket))
        assert ticket is not None and ticket.category == "conduct" and ticket.contact_mobile == "09121112233"
        assert ticket.description.endswith("این اتفاق دوشنبه افتاد.")
        assert await session.scalar(select(func.count(TicketMessage.id))) == 2


async def test_description_from_a_photo_caption(hamdel) -> None:
    user = hamdel.user()
    await user.send("/complaint")
    await user.wait_until(lambda u: "مشکل فنی" in buttons(u))
    await user.press("مشکل فنی")
    await user.send_photo()  # no caption: kept, and the text is asked for
    await user.wait_until(lambda u: "به صورت متن هم" in u.last_text)
    await user.send_photo(caption="دکمهٔ پرداخت کار نمی‌کند")
    await user.wait_until(lambda u: "پیوست ۲ از ۲" in u.last_text)
    await user.press("ادامه")
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(User.id))) == 1


async def test_cancel_leaves_nothing_behind(hamdel) -> None:
    user = hamdel.user()
    await user.send("/complaint")
    await user.wait_until(lambda u: "پیشنهاد" in buttons(u))
    await user.press("پیشنهاد")
    await user.send("/cancel")
    await user.wait_until(lambda u: "لغو شد" in u.last_text)
    await user.send("این متن دیگر شرح درخواست نیست")
    await hamdel.settle()
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(Ticket.id))) == 0


async def test_menu_section_opens_the_flow(hamdel) -> None:
    user = hamdel.user()
    await user.send("/start")
    await user.wait_until(lambda u: "طرح مشکل" in buttons(u))
    await user.press("طرح مشکل با کارگروه")
    await user.wait_until(lambda u: "موضوع مشکل" in u.last_text)
    assert "روند جهیزیه" in buttons(user) and "شفافیت پویش" in buttons(user)
    assert fa(1) not in user.last_text  # no stray numbers in the intro
