"""The filing flow's rough edges, both flavors: related-donation buttons a donor can tell
apart, no donation asked for a complaint about staff, a minimum description, Back on every
step, and an optional "why?" after a low rating."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from models import Ticket
from tests.complaints.complaints_helpers import buttons, card_of, file_ticket, paid_donation
from tests.conftest import START

BACK = "→ بازگشت"
TEXT = "رسید پرداخت ۵۰ هزار تومانی من نیامد و مبلغ از حسابم کم شده است."


async def _started(hamdel, user) -> None:
    await user.send("/start")
    await user.next_message()


async def _to_description(user, category: str = "پرداخت یا رسید") -> None:
    await user.send("/complaint")
    await user.wait_until(lambda u: category in buttons(u))
    await user.press(category)
    await user.wait_until(lambda u: "جزئیات" in u.last_text)


async def test_donation_buttons_can_be_told_apart(hamdel) -> None:
    user = hamdel.user()
    await _started(hamdel, user)
    await paid_donation(hamdel, user, 500_000, START, campaign="یلدای مهربانی")
    await paid_donation(
        hamdel, user, 500_000, START + timedelta(hours=3), campaign="یلدای مهربانی", receipt="R-2"
    )
    await paid_donation(
        hamdel, user, 500_000, START - timedelta(days=20), campaign="سلام محله", receipt="R-3"
    )
    await _to_description(user)
    await user.send(TEXT)
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.press("بدون پیوست")
    await user.wait_until(lambda u: "کمک‌های شما" in u.last_text)
    labels = [label for label in user.buttons() if "تومان" in label]
    assert len(labels) == 3 and len(set(labels)) == 3
    assert all("۵۰٬۰۰۰ تومان" in label and "۱۴۰۵" in label for label in labels)
    assert sum("یلدای مهربانی" in label for label in labels) == 2 and any("سلام محله" in x for x in labels)
    # The two gifts of the same day, amount and campaign differ by their time.
    assert sum("ساعت" in label for label in labels) == 2


async def test_a_complaint_about_staff_asks_for_no_donation(hamdel) -> None:
    user = hamdel.user()
    await _started(hamdel, user)
    await paid_donation(hamdel, user, 500_000, START, campaign="یلدای مهربانی")
    await _to_description(user, "رفتار کارکنان")
    await user.send("کارمند اداره شهرستان با من بسیار بی‌احترامی کرد و پرونده را نپذیرفت.")
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.press("بدون پیوست")
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    assert all("کمک‌های شما" not in (m.get("text") or "") for m in user.messages)


async def test_a_description_needs_a_minimum_length(hamdel) -> None:
    user = hamdel.user()
    await _to_description(user)
    user.skip_to_end()
    await user.send("مشکل دارم")
    reply = await user.next_message()
    assert reply["text"].startswith("این شرح برای رسیدگی کافی نیست") and "۱۵" in reply["text"]
    assert BACK in user.buttons()
    await user.send(TEXT)
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))


async def test_back_on_every_step(hamdel) -> None:
    user = hamdel.user()
    await _started(hamdel, user)
    await paid_donation(hamdel, user, 500_000, START, campaign="یلدای مهربانی")
    await _to_description(user)
    await user.press(BACK)
    await user.wait_until(lambda u: "پرداخت یا رسید" in buttons(u))  # the categories again
    await user.press("مشکل فنی")
    await user.wait_until(lambda u: "جزئیات" in u.last_text)
    await user.send(TEXT)
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.press(BACK)  # attachments → description
    await user.wait_until(lambda u: "جزئیات" in u.last_text)
    await user.send(TEXT + " دوباره")
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.press("بدون پیوست")
    await user.wait_until(lambda u: "کمک‌های شما" in u.last_text)
    await user.press(BACK)  # donation → attachments
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    await user.press("بدون پیوست")
    await user.wait_until(lambda u: "کمک‌های شما" in u.last_text)
    await user.press("به کمک خاصی مربوط نیست")
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    await user.press(BACK)  # anonymity → donation
    await user.wait_until(lambda u: "کمک‌های شما" in u.last_text)
    await user.press("به کمک خاصی مربوط نیست")
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    await user.press("نامم نمایش داده شود")
    await user.wait_until(lambda u: "شمارهٔ همراه" in u.last_text)
    assert BACK in user.reply_keyboard
    await user.send(BACK)  # contact → anonymity
    await user.wait_until(lambda u: "ناشناس" in buttons(u))
    await user.press("ناشناس بمانم")
    await user.wait_until(lambda u: "شمارهٔ همراه" in u.last_text)
    await user.send("بدون شماره")
    await user.wait_until(lambda u: "بازبینی" in u.last_text)
    await user.press(BACK)  # summary → contact
    await user.wait_until(lambda u: "شمارهٔ همراه" in u.last_text)
    await user.send("بدون شماره")
    await user.wait_until(lambda u: "بازبینی" in u.last_text)
    assert "دوباره" in user.last_text  # the rewritten description was kept
    await user.press("ثبت و ارسال")
    await user.wait_until(lambda u: "شمارهٔ پیگیری" in u.last_text)
    await hamdel.settle()
    async with hamdel.db() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None and ticket.anonymous and ticket.category == "technical"
    assert ticket.description.endswith("دوباره") and ticket.donation_id is None


async def test_a_low_rating_asks_why_optionally(hamdel) -> None:
    donor = hamdel.user()
    staff, operator = hamdel.staff_chat, hamdel.operator
    ticket = await file_ticket(hamdel, donor)
    await staff.press(operator, "🔒 بستن", message=card_of(hamdel, ticket.number))
    await donor.wait_until(lambda u: "۱ ⭐" in buttons(u))
    await donor.press("۱ ⭐")
    await donor.wait_until(lambda u: "اختیاری" in u.last_text)
    assert "ترجیح می‌دهم ننویسم" in buttons(donor)
    await donor.send("پاسخ خیلی دیر آمد و مشکلم هم حل نشد.")
    await donor.wait_until(lambda u: "نظر شما به کارگروه رسید" in u.last_text)
    await staff.wait_until(lambda g: "پاسخ خیلی دیر آمد" in g.last_text)
    async with hamdel.db() as session:
        stored = await session.get(Ticket, ticket.id)
    assert stored is not None and (stored.rating, stored.rating_reason) == (
        1,
        "پاسخ خیلی دیر آمد و مشکلم هم حل نشد.",
    )

    # Skippable, and a good rating asks nothing.
    other = hamdel.user()
    second = await file_ticket(hamdel, other, text="مبلغ کمک من دو بار از حسابم کم شده است.")
    await staff.press(operator, "🔒 بستن", message=card_of(hamdel, second.number))
    await other.wait_until(lambda u: "۲ ⭐" in buttons(u))
    await other.press("۲ ⭐")
    await other.wait_until(lambda u: "ترجیح می‌دهم ننویسم" in buttons(u))
    await other.press("ترجیح می‌دهم ننویسم")
    await other.wait_until(lambda u: "امتیاز شما ثبت شده است" in u.last_text)
    async with hamdel.db() as session:
        stored = await session.get(Ticket, second.id)
    assert stored is not None and (stored.rating, stored.rating_reason) == (2, None)
