"""The working group's side of tickets, in the staff chat: card buttons (take, reply, status,
close, reopen), operators' answers (a reply to any ticket message, or the next message after
pressing Reply), internal notes (/note), and /tickets. Every action is checked on the server
(staff-chat membership or an admin/operator role) and written to the audit log, refusals
included. The changes themselves are services.ticket_desk's use cases, the console's too: one
implementation under the ticket's row lock, with typed outcomes this module turns into words."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.access import RequireRole
from bot.complaints_desk import (
    Delivery,
    PersonBlock,
    TicketAction,
    TicketDesk,
    after_status_change,
    category_name,
    desk_for,
    file_id_of,
    format_age,
    hours_text,
    is_topic_root_reply,
    message_kind,
    shown_number,
    status_name,
)
from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.settings import Settings
from bot.ui import Feature, InlineKeyboardBuilder
from models.faq import FaqQuery
from models.tickets import LinkKind, Ticket, TicketCategory, TicketStatus
from models.user import User
from services import audit, scopes, staff_cards, staff_limits, ticket_desk, tickets
from services.roles import Role
from services.scopes import Scope
from services.staff_cards import BindingKind
from services.ticket_desk import Actor, Outcome
from services.tickets import STAFF_MEDIA

router = Router(name="complaints-staff")

REPLY_MODE_TTL = timedelta(minutes=30)
SETTABLE = {TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED, TicketStatus.CLOSED}


class StaffReply(StatesGroup):
    waiting = State()


# -- filters --------------------------------------------------------------------------------


async def replied_ticket(
    message: Message, session: AsyncSession, profile: PlatformProfile
) -> dict[str, Any] | bool:
    """A staff message that replies to a message of a ticket (its card, a relayed donor
    message, a reminder...) and of nothing else: hands the handler `ticket`."""
    if (message.text or "").startswith("/"):
        return False
    ticket = await _ticket_replied_to(message, session, profile)
    return {"ticket": ticket} if ticket is not None else False


async def _ticket_replied_to(
    message: Message, session: AsyncSession, profile: PlatformProfile
) -> Ticket | None:
    reply = message.reply_to_message
    if reply is None or is_topic_root_reply(message):
        return None
    binding = await staff_cards.resolve(
        session, platform=profile.platform.value, chat_id=message.chat.id, message_id=reply.message_id
    )
    ticket = binding.ticket
    if binding.kind != BindingKind.TICKET or ticket is None or ticket.staff_chat_id != message.chat.id:
        return None
    return ticket


async def replied_to_ticket_talk(message: Message, bot: Bot, settings: Settings) -> bool:
    """A reply to a bot message that speaks of a ticket (names a ticket number) but belongs to
    none, like the /tickets overview. Replies to other features' messages are left to them."""
    reply = message.reply_to_message
    if reply is None or is_topic_root_reply(message) or (message.text or "").startswith("/"):
        return False
    me = await bot.me()
    if not (reply.from_user and reply.from_user.id == me.id):
        return False
    prefix = re.escape(settings.tickets.number_prefix)
    return re.search(rf"{prefix}-[0-9۰-۹]{{4}}-[0-9۰-۹]{{6,}}", reply.text or reply.caption or "") is not None


# -- helpers --------------------------------------------------------------------------------


def _actor(event: Message | CallbackQuery, desk: TicketDesk) -> Actor:
    """Who acts: the person, or for an anonymous group admin the chat itself."""
    if isinstance(event, Message) and event.sender_chat is not None and event.sender_chat.id == event.chat.id:
        return Actor(event.chat.id, event.chat.title or "—", desk.platform, channel="chat")
    person = event.from_user
    assert person is not None
    return Actor(person.id, person.full_name, desk.platform, channel="chat")


async def _allowed(
    desk: TicketDesk,
    session: AsyncSession,
    event: Message | CallbackQuery,
    chat_id: int,
    *,
    action: str,
    target: str | None,
) -> bool:
    """The staff-chat check (services.staff_access), a refusal audited."""
    sender_chat = event.sender_chat if isinstance(event, Message) else None
    return await desk.may_act(
        session,
        chat_id,
        _actor(event, desk).user_id,
        action=action,
        target=target,
        sender_chat_id=sender_chat.id if sender_chat is not None else None,
    )


async def _scope_for(
    desk: TicketDesk, session: AsyncSession, user_id: int, province_id: str | None, action: str, target: str
) -> Scope | None:
    """The person's provinces (services.scopes), or None when the card's ticket or person
    belongs to another province office (the refusal audited): a card in the shared staff chat
    is no licence to act on another province's ticket."""
    scope = await scopes.scope_of(
        session,
        platform=desk.platform,
        user_id=user_id,
        admin_ids=desk.app.settings.staff.admin_ids,
        roles=ticket_desk.DESK_ROLES,
    )
    if scope.allows(province_id):
        return scope
    await audit.record(
        session,
        platform=desk.platform,
        actor_id=user_id,
        action=action,
        target=target,
        allowed=False,
        note="province",
    )
    return None


async def _in_scope(
    desk: TicketDesk, session: AsyncSession, actor: Actor, ticket: Ticket, action: str
) -> Actor | None:
    """The actor with their provinces, or None for another province's ticket."""
    scope = await _scope_for(desk, session, actor.user_id, ticket.province_id, action, ticket.number)
    return None if scope is None else Actor(actor.user_id, actor.name, actor.platform, actor.channel, scope)


REFUSALS = {
    Outcome.CLOSED: "complaints-staff-error-closed",
    Outcome.NOT_FOUND: "complaints-staff-unknown",
}


def _refuse(callback_answer: CallbackAnswer, t: Translator, outcome: Outcome) -> None:
    callback_answer.text = t(REFUSALS.get(outcome, "complaints-staff-error-invalid"))
    callback_answer.show_alert = True


# -- buttons --------------------------------------------------------------------------------


@router.callback_query(TicketAction.filter())
async def ticket_button(
    query: CallbackQuery,
    callback_data: TicketAction,
    session: AsyncSession,
    state: FSMContext,
    app: Any,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    """A card's button. The change itself is services.ticket_desk's, as in the console (the row
    locked, the outcome typed); here only what the chat shows and sends after it."""
    desk = desk_for(app)
    chat = query.message.chat if query.message else None
    actor = _actor(query, desk)
    action = f"ticket.{callback_data.action}" + (f":{callback_data.value}" if callback_data.value else "")
    target = f"ticket:{callback_data.ticket_id}"
    if chat is None or not await _allowed(desk, session, query, chat.id, action=action, target=target):
        callback_answer.text = t("complaints-staff-denied")
        callback_answer.show_alert = True
        return
    ticket = await tickets.get_ticket(session, callback_data.ticket_id)
    if ticket is None or ticket.staff_chat_id != chat.id:
        _refuse(callback_answer, t, Outcome.NOT_FOUND)
        return
    scoped = await _in_scope(desk, session, actor, ticket, action)
    if scoped is None:
        callback_answer.text = t("complaints-staff-other-province")
        callback_answer.show_alert = True
        return
    actor = scoped
    if callback_data.action == "take":
        await _take(desk, session, ticket.id, actor, t, callback_answer)
    elif callback_data.action == "reply":
        await _reply_mode(desk, session, state, ticket, actor, t, callback_answer)
    elif callback_data.action == "st" and callback_data.value in SETTABLE:
        await _set_status(
            desk, session, ticket.id, TicketStatus(callback_data.value), actor, t, callback_answer
        )
    elif callback_data.action == "reopen":
        await _set_status(desk, session, ticket.id, TicketStatus.IN_PROGRESS, actor, t, callback_answer)
    elif callback_data.action == "card":
        if not await desk.repost_card(session, ticket):
            callback_answer.text = t("complaints-staff-card-failed")
    else:
        _refuse(callback_answer, t, Outcome.NOT_FOUND)


async def _take(
    desk: TicketDesk,
    session: AsyncSession,
    ticket_id: int,
    actor: Actor,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    result = await ticket_desk.assign(
        session,
        ticket_id=ticket_id,
        version=None,
        actor=actor,
        assignee_id=actor.user_id,
        assignee_name=actor.name,
        allowed=[actor.user_id],
        now=desk.now(),
    )
    if result.outcome == Outcome.UNCHANGED:
        callback_answer.text = t("complaints-staff-already-yours")
        return
    if not result.done or result.ticket is None or result.previous_status is None:
        _refuse(callback_answer, t, result.outcome)
        return
    ticket = result.ticket
    number = shown_number(ticket.number, t.locale)
    delivery = await after_status_change(
        desk,
        session,
        ticket,
        TicketStatus(result.previous_status),
        t("complaints-staff-notice-taken", number=number, operator=actor.name),
    )
    callback_answer.text = t("complaints-staff-taken", number=number) + _delivery_note(t, delivery)
    callback_answer.show_alert = delivery != Delivery.OK


async def _reply_mode(
    desk: TicketDesk,
    session: AsyncSession,
    state: FSMContext,
    ticket: Ticket,
    actor: Actor,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    """«Reply»: the operator's next message in this chat answers the ticket (chat only)."""
    if ticket.status == TicketStatus.CLOSED:
        _refuse(callback_answer, t, Outcome.CLOSED)
        return
    await state.set_state(StaffReply.waiting)
    await state.set_data({"ticket_id": ticket.id, "since": desk.now().isoformat()})
    await audit.record(
        session,
        platform=desk.platform,
        actor_id=actor.user_id,
        action="ticket.reply-mode",
        target=ticket.number,
    )
    number = shown_number(ticket.number, t.locale)
    await desk.post_notice(
        session,
        ticket,
        t("complaints-staff-reply-prompt", operator=actor.name, number=number),
        keyboard=False,
    )
    callback_answer.text = t("complaints-staff-reply-toast", number=number)


async def _set_status(
    desk: TicketDesk,
    session: AsyncSession,
    ticket_id: int,
    status: TicketStatus,
    actor: Actor,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    result = await ticket_desk.set_status(
        session, ticket_id=ticket_id, version=None, actor=actor, status=status.value, now=desk.now()
    )
    if result.outcome == Outcome.UNCHANGED:
        callback_answer.text = t("complaints-staff-same-status", status=status_name(t, status))
        return
    if not result.done or result.ticket is None or result.previous_status is None:
        _refuse(callback_answer, t, result.outcome)
        return
    ticket = result.ticket
    notice = t(
        "complaints-staff-notice-status",
        number=shown_number(ticket.number, t.locale),
        operator=actor.name,
        status=status_name(t, status),
    )
    delivery = await after_status_change(desk, session, ticket, TicketStatus(result.previous_status), notice)
    callback_answer.text = t("complaints-staff-status-set", status=status_name(t, status)) + _delivery_note(
        t, delivery
    )
    callback_answer.show_alert = delivery != Delivery.OK


def _delivery_note(t: Translator, delivery: Delivery) -> str:
    return "" if delivery == Delivery.OK else "\n" + t(f"complaints-staff-donor-{delivery.value}")


# -- blocking a person ---------------------------------------------------------------------


@router.callback_query(PersonBlock.filter())
async def block_button(
    query: CallbackQuery,
    callback_data: PersonBlock,
    session: AsyncSession,
    app: Any,
    t: Translator,
    callback_answer: CallbackAnswer,
) -> None:
    """«⛔ مسدود کردن این فرد» on a question or ticket card, «رفع مسدودی» on the notice."""
    desk = desk_for(app)
    chat = query.message.chat if query.message else None
    blocking = callback_data.a == "b"
    action = "person.block" if blocking else "person.unblock"
    person = await _card_owner(session, callback_data, chat.id if chat else None)
    if chat is None or person is None:
        callback_answer.text = t("complaints-staff-unknown")
        callback_answer.show_alert = True
        return
    platform, user_id, target, province_id = person
    if not await _allowed(desk, session, query, chat.id, action=action, target=target):
        callback_answer.text = t("complaints-staff-denied")
        callback_answer.show_alert = True
        return
    actor = _actor(query, desk)
    if await _scope_for(desk, session, actor.user_id, province_id, action, target) is None:
        callback_answer.text = t("complaints-staff-other-province")
        callback_answer.show_alert = True
        return
    if blocking:
        changed = await staff_limits.block(
            session, platform=platform, user_id=user_id, by=actor.user_id, reason=target, now=desk.now()
        )
    else:
        changed = await staff_limits.unblock(session, platform=platform, user_id=user_id)
    if changed:
        await audit.record(
            session, platform=desk.platform, actor_id=actor.user_id, action=action, target=target
        )
    key = "complaints-staff-blocked" if blocking else "complaints-staff-unblocked"
    if not changed:
        callback_answer.text = t(f"{key}-already")
        return
    callback_answer.text = t(f"{key}-toast")
    markup = None
    if blocking:
        builder = InlineKeyboardBuilder()
        builder.button(
            text=t("complaints-staff-button-unblock"),
            callback_data=PersonBlock(a="u", kind=callback_data.kind, ref=callback_data.ref),
        )
        markup = builder.as_markup()
    assert isinstance(query.message, Message)
    await query.message.reply(t(key, operator=actor.name), reply_markup=markup)


async def _card_owner(
    session: AsyncSession, data: PersonBlock, chat_id: int | None
) -> tuple[str, int, str, str | None] | None:
    """(platform, messenger user id, audit target, province) of the person behind a card of
    this chat (a question names no province: national staff's)."""
    if data.kind == "q":
        asked = await session.get(FaqQuery, data.ref)
        if asked is None or asked.staff_chat_id != chat_id:
            return None
        return asked.platform, asked.user_id, f"faq_query:{asked.id}", None
    if data.kind == "t":
        ticket = await tickets.get_ticket(session, data.ref)
        if ticket is None or ticket.staff_chat_id != chat_id:
            return None
        donor = await session.get(User, ticket.user_id)
        return (
            (ticket.platform, donor.user_id, ticket.number, ticket.province_id) if donor is not None else None
        )
    return None


# -- answers --------------------------------------------------------------------------------


@router.message(Command("cancel"), StateFilter(StaffReply.waiting))
async def cancel_reply_mode(message: Message, state: FSMContext, t: Translator) -> None:
    await state.clear()
    await message.reply(t("complaints-staff-reply-cancelled"))


@router.message(replied_ticket)
async def answer_by_reply(
    message: Message, ticket: Ticket, session: AsyncSession, state: FSMContext, app: Any, t: Translator
) -> None:
    if await state.get_state() == StaffReply.waiting:
        await state.clear()
    await _answer(desk_for(app), session, message, ticket, t)


@router.message(StateFilter(StaffReply.waiting), ~F.text.startswith("/"))
async def answer_after_button(
    message: Message, session: AsyncSession, state: FSMContext, app: Any, t: Translator
) -> None:
    desk = desk_for(app)
    data = await state.get_data()
    await state.clear()
    since = datetime.fromisoformat(str(data.get("since"))) if data.get("since") else None
    if since is None or desk.now() - since > REPLY_MODE_TTL:
        return  # an old Reply press: this message is ordinary chat, not an answer
    ticket = await tickets.get_ticket(session, int(data.get("ticket_id", 0)))
    if ticket is None or ticket.staff_chat_id != message.chat.id:
        return
    await _answer(desk, session, message, ticket, t)


@router.message(Command("note"))
async def note_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    profile: PlatformProfile,
    app: Any,
    t: Translator,
) -> None:
    """/note as a reply to a ticket's message: an internal note (services.ticket_desk.add_note,
    as from the console), kept with the ticket and never sent to the donor."""
    desk = desk_for(app)
    ticket = await _ticket_replied_to(message, session, profile)
    if ticket is None:
        await message.reply(t("complaints-staff-note-how"))
        return
    if not await _allowed(
        desk, session, message, message.chat.id, action="ticket.note", target=ticket.number
    ):
        await message.reply(t("complaints-staff-denied"))
        return
    actor = await _in_scope(desk, session, _actor(message, desk), ticket, "ticket.note")
    if actor is None:
        await message.reply(t("complaints-staff-other-province"))
        return
    result = await ticket_desk.add_note(
        session, ticket_id=ticket.id, actor=actor, text=command.args or "", now=desk.now()
    )
    if result.outcome == Outcome.TOO_LONG:
        await message.reply(t("complaints-staff-note-too-long"))
    elif result.outcome == Outcome.DONE:
        await message.reply(t("complaints-staff-note-saved", number=shown_number(ticket.number, t.locale)))
    else:
        await message.reply(t("complaints-staff-note-how"))


@router.message(StateFilter(None), replied_to_ticket_talk)
async def reply_to_other(message: Message, t: Translator) -> None:
    """A reply to a bot message that belongs to no ticket: say so instead of losing it."""
    await message.reply(t("complaints-staff-not-a-ticket"))


async def _answer(
    desk: TicketDesk, session: AsyncSession, message: Message, ticket: Ticket, t: Translator
) -> None:
    """An operator's message to the donor: recorded by services.ticket_desk.reply, as a reply
    from the console is (a redelivered update records nothing), then copied to the donor."""
    actor = _actor(message, desk)
    number = shown_number(ticket.number, t.locale)
    if not await _allowed(
        desk, session, message, message.chat.id, action="ticket.answer", target=ticket.number
    ):
        await message.reply(t("complaints-staff-denied"))
        return
    scoped = await _in_scope(desk, session, actor, ticket, "ticket.answer")
    if scoped is None:
        await message.reply(t("complaints-staff-other-province"))
        return
    actor = scoped
    kind = message_kind(message)
    if kind is None or (kind != "text" and kind not in STAFF_MEDIA):
        await message.reply(t("complaints-staff-answer-unsupported"))
        return
    result = await ticket_desk.reply(
        session,
        ticket_id=ticket.id,
        version=None,
        actor=actor,
        text=message.text if kind == "text" else message.caption,
        kind=kind,
        file_id=file_id_of(message, kind) if kind != "text" else None,
        source_chat_id=message.chat.id,
        key=message.message_id,
        now=desk.now(),
        limit=None,  # the platform bounds a message; the copy carries it whole
    )
    if result.outcome == Outcome.CLOSED:
        await message.reply(t("complaints-staff-answer-closed", number=number))
        return
    if not result.done or result.ticket is None or result.message is None:
        return  # the same message again (a redelivered update): already handled
    ticket = result.ticket
    delivery = await desk.relay_answer(session, ticket, message, kind)
    await tickets.mark_delivered(
        session,
        result.message.id,
        delivered=delivery == Delivery.OK,
        failure=None if delivery == Delivery.OK else delivery.value,
    )
    ack = await message.reply(t(f"complaints-staff-answer-{delivery.value}", number=number))
    await tickets.link(session, ticket, message.chat.id, ack.message_id, LinkKind.NOTICE)
    await desk.refresh_card(session, ticket)


# -- /tickets -------------------------------------------------------------------------------


@router.message(Command("tickets"))
async def tickets_command(message: Message, session: AsyncSession, app: Any, t: Translator) -> None:
    desk = desk_for(app)
    if not await _allowed(desk, session, message, message.chat.id, action="ticket.list", target=None):
        await message.reply(t("complaints-staff-denied"))
        return
    actor_id = _actor(message, desk).user_id
    text, markup = await render_overview(desk, session, t, actor_id=actor_id, chat_id=message.chat.id)
    await message.answer(text, reply_markup=markup)


async def render_overview(
    desk: TicketDesk,
    session: AsyncSession,
    t: Translator,
    *,
    actor_id: int,
    chat_id: int | None,
    buttons: bool = True,
) -> tuple[str, InlineKeyboardMarkup | None]:
    now = desk.now()
    config = desk.config
    scope = await scopes.scope_of(
        session,
        platform=desk.platform,
        user_id=actor_id,
        admin_ids=desk.app.settings.staff.admin_ids,
        roles=ticket_desk.DESK_ROLES,
    )
    view = await tickets.overview(
        session,
        now=now,
        sla_hours=config.sla_hours,
        actor_id=actor_id,
        chat_id=chat_id,
        provinces=scope.provinces,
    )
    if view.open_total == 0:
        return t("complaints-staff-overview-empty"), None
    categories = "\n".join(
        t(
            "complaints-staff-overview-category",
            category=category_name(t, category.value),
            count=view.by_category[category],
        )
        for category in TicketCategory
        if view.by_category.get(category)
    )

    def line(ticket: Ticket) -> str:
        return t(
            "complaints-staff-overview-line",
            number=shown_number(ticket.number, t.locale),
            category=category_name(t, ticket.category),
            status=status_name(t, ticket.status),
            age=format_age(t, now, ticket.waiting_since or ticket.created_at),
            overdue="⏰ " if ticket.id in view.overdue_ids else "",
        )

    text = t(
        "complaints-staff-overview",
        total=view.open_total,
        new=view.by_status.get(TicketStatus.NEW, 0),
        progress=view.by_status.get(TicketStatus.IN_PROGRESS, 0),
        answered=view.by_status.get(TicketStatus.ANSWERED, 0),
        overdue=view.overdue,
        unassigned=view.unassigned,
        hours=hours_text(config.sla_hours, t.locale),
        categories=categories,
        oldest="\n".join(line(ticket) for ticket in view.oldest) or t("complaints-none"),
        mine="\n".join(line(ticket) for ticket in view.mine) or t("complaints-none"),
    )
    if not buttons or not view.oldest:
        return text, None
    builder = InlineKeyboardBuilder()
    for ticket in view.oldest[:8]:
        builder.button(
            text=t("complaints-staff-overview-button", number=shown_number(ticket.number, t.locale)),
            callback_data=TicketAction(action="card", ticket_id=ticket.id),
        )
    builder.adjust(2)
    return text, builder.as_markup()


# -- /tickets for admins in a private chat -------------------------------------------------


# Staff only: the role is checked on the server (and refusals audited) by RequireRole.
tickets_desk = Router(name="complaints-tickets-desk")
tickets_desk.message.middleware(RequireRole(Role.ADMIN, Role.OPERATOR))


@tickets_desk.message(Command("tickets"))
async def tickets_private(
    message: Message,
    session: AsyncSession,
    t: Translator,
    app: Any,
) -> None:
    person = message.from_user
    assert person is not None
    text, _ = await render_overview(
        desk_for(app), session, t, actor_id=person.id, chat_id=None, buttons=False
    )
    await message.answer(text)


feature = Feature(
    name="complaints-staff",
    private=tickets_desk,
    staff=router,
    admin_commands=(("tickets", "complaints-cmd-tickets"),),
)
