"""Shared steps for the complaints conversation tests."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select

from models.donation import Campaign, CampaignStatus, Donation, DonationStatus
from models.tickets import Ticket
from models.user import User

FA = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def fa(value: object) -> str:
    return str(value).translate(FA)


def buttons(chat: Any) -> str:
    """The newest bot message's buttons as one string ("" before the bot said anything)."""
    return " | ".join(chat.buttons()) if chat.last is not None else ""


async def file_ticket(
    hamdel: Any,
    user: Any,
    *,
    category: str = "پرداخت یا رسید",
    text: str = "رسید پرداخت ۵۰ هزار تومانی من نیامد و مبلغ از حسابم کم شده است.",
    photos: int = 0,
    anonymous: bool = False,
    mobile: str | None = None,
    donation: str | None = None,
    posted: bool = True,
) -> Ticket:
    """Walk the whole filing flow and return the stored ticket (once its card and attachments
    are in the staff chat, unless `posted` is False)."""
    await user.send("/complaint")
    await user.wait_until(lambda u: category in buttons(u))
    await user.press(category)
    await user.wait_until(lambda u: "جزئیات" in u.last_text)
    await user.send(text)
    await user.wait_until(lambda u: "بدون پیوست" in buttons(u))
    for index in range(photos):
        await user.send_photo()
        await user.wait_until(lambda u, i=index: f"پیوست {fa(i + 1)} از" in u.last_text)
    await user.press("ادامه")
    await user.wait_until(lambda u: "ناشناس" in buttons(u) or "کمک‌های شما" in u.last_text)
    if "کمک‌های شما" in user.last_text:
        await user.press(donation or "به کمک خاصی مربوط نیست")
        await user.wait_until(lambda u: "ناشناس" in buttons(u))
    await user.press("ناشناس بمانم" if anonymous else "نامم نمایش داده شود")
    await user.wait_until(lambda u: "شمارهٔ همراه" in u.last_text)
    await user.send(mobile or "بدون شماره")
    await user.wait_until(lambda u: "بازبینی" in u.last_text)
    await user.press("ثبت و ارسال")
    await user.wait_until(lambda u: "شمارهٔ پیگیری" in u.last_text)
    async with hamdel.db() as session:
        ticket = await session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert ticket is not None
    if posted:
        shown = fa(ticket.number)

        def arrived(group: Any) -> bool:
            texts = [m.get("text") or m.get("caption") or "" for m in group.messages]
            cards = [x for x in texts if shown in x and "🎫" in x]
            attachments = [x for x in texts if shown in x and x.startswith("📎")]
            return bool(cards) and len(attachments) >= photos

        await hamdel.staff_chat.wait_until(arrived)
    await hamdel.settle()
    return ticket


def card_of(hamdel: Any, number: str) -> dict[str, Any]:
    """The ticket's (first) card in the staff chat."""
    shown = fa(number)
    for message in hamdel.staff_chat.messages:
        if shown in (message.get("text") or "") and "🎫" in (message.get("text") or ""):
            return message
    raise AssertionError(f"no card for {number}:\n{hamdel.staff_chat.transcript}")


async def paid_donation(
    hamdel: Any,
    user: Any,
    amount_rials: int,
    when: datetime,
    campaign: str | None = None,
    receipt: str | None = None,
) -> int:
    """A paid donation of `user` (who must have talked to the bot), straight into the database."""
    async with hamdel.db() as session:
        owner = await session.scalar(select(User).where(User.user_id == user.id))
        assert owner is not None, "the user must talk to the bot first"
        campaign_id = None
        if campaign:
            record = Campaign(
                title_fa=campaign,
                title_en=campaign,
                description_fa="-",
                description_en="-",
                goal_rials=10_000_000_000,
                starts_at=when,
                ends_at=when,
                status=CampaignStatus.ACTIVE.value,
            )
            session.add(record)
            await session.flush()
            campaign_id = record.id
        donation = Donation(
            user_id=owner.id,
            campaign_id=campaign_id,
            purpose=None if campaign_id else "dowry",
            amount_rials=amount_rials,
            provider="test",
            currency="IRR",
            status=DonationStatus.PAID.value,
            payload=f"test-{owner.id}-{amount_rials}-{when.timestamp()}",
            receipt_number=receipt or f"R-{amount_rials}",
            created_at=when,
            paid_at=when,
        )
        session.add(donation)
        await session.flush()
        return donation.id


def staff_requests(hamdel: Any) -> list[str]:
    """Every request the bot made toward a staff chat, serialised (for identity checks)."""
    staff_chats = {hamdel.staff_chat.chat_id, *hamdel.settings.tickets.routed_chat_ids}
    found = []
    for request in hamdel.messenger.requests:
        chat_id = request.params.get("chat_id")
        if chat_id is not None and int(chat_id) in staff_chats:
            found.append(json.dumps(request.params, ensure_ascii=False, default=str))
    return found
