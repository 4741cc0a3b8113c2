"""What the bot says after a console action — the same messages as after the same action in the
staff chat: the reply reaches the donor (with the usual header and buttons), the donor hears of a
status change, and the ticket's card in the staff chat shows what was done and by whom."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.complaints_desk import (
    Delivery,
    after_status_change,
    call_api,
    compose,
    desk_for,
    donor_answer_keyboard,
    shown_number,
    status_name,
)
from models.tickets import LinkKind, Ticket, TicketMessage, TicketStatus
from services import tickets
from services.users import set_blocked

if TYPE_CHECKING:
    from bot.app import HamdelApp


async def deliver_reply(
    app: HamdelApp, session: AsyncSession, ticket: Ticket, message: TicketMessage, operator: str
) -> Delivery:
    """Send a console reply to the donor, record whether it arrived, show it in the staff chat."""
    desk = desk_for(app)
    donor, t = await desk.donor_of(session, ticket)
    delivery = Delivery.FAILED
    if donor is not None:
        header = t("complaints-answer-header", number=shown_number(ticket.number, t.locale))
        parts = compose(header, message.text, app.profile.max_text_length)
        markup = donor_answer_keyboard(t, ticket)
        chat_id = donor.chat_id
        try:
            for index, part in enumerate(parts):
                last = index == len(parts) - 1
                sent = await call_api(
                    lambda part=part, last=last: app.bot.send_message(  # type: ignore[misc]
                        chat_id, part, reply_markup=markup if last else None
                    )
                )
                await tickets.link(session, ticket, chat_id, sent.message_id, LinkKind.ANSWER)
            delivery = Delivery.OK
        except TelegramForbiddenError:
            await set_blocked(session, platform=ticket.platform, user_id=donor.user_id, blocked=True)
            delivery = Delivery.BLOCKED
        except TelegramAPIError:
            delivery = Delivery.FAILED
    await tickets.mark_delivered(
        session,
        message.id,
        delivered=delivery == Delivery.OK,
        failure=None if delivery == Delivery.OK else delivery.value,
    )
    await session.commit()
    st = desk.staff_t
    notice = st(
        "console-staff-notice-reply",
        operator=operator,
        number=shown_number(ticket.number, st.locale),
        text=message.text or "",
    )
    await desk.refresh_card(session, ticket, notice)
    await session.commit()
    return delivery


async def announce_status(
    app: HamdelApp, session: AsyncSession, ticket: Ticket, previous: str, operator: str
) -> Delivery:
    """After a status change or an assignment: what the chat does after the same change (the
    donor told, the forum topic closed or reopened, the card refreshed)."""
    desk = desk_for(app)
    status = TicketStatus(ticket.status)
    st = desk.staff_t
    number = shown_number(ticket.number, st.locale)
    if ticket.assignee_id is not None and status == TicketStatus.IN_PROGRESS and previous != status:
        notice = st("complaints-staff-notice-taken", number=number, operator=ticket.assignee_name or operator)
    else:
        notice = st(
            "complaints-staff-notice-status", number=number, operator=operator, status=status_name(st, status)
        )
    delivery = await after_status_change(desk, session, ticket, TicketStatus(previous), notice)
    await session.commit()
    return delivery
