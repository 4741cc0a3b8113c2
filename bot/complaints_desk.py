"""The ticket desk: everything the bot says about tickets in the staff chat and to donors —
cards, forum topics, relays both ways, notices, reminders. Its background pass (catch-up and
SLA reminders) runs as a job (jobs.tickets).

Donor → staff is an outbox: a donor's message is recorded first, then `sync_to_staff` posts
what the staff chat lacks (the topic, the card, unrelayed messages) under a database claim, so
several workers never create two topics or relay a message twice, and a staff chat that was
unreachable is caught up later by the background pass. Media reach the staff chat by file id (no
forward header, no donor id in the request); operators' answers reach the donor by
copyMessage, which never shows who wrote them.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
)
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup, Message, ReplyParameters
from sqlalchemy.ext.asyncio import AsyncSession

import jobs.tickets
from bot.i18n import Translator
from bot.outbound import pause_over
from bot.ui import CallbackInt, InlineKeyboardBuilder
from models.tickets import Direction, LinkKind, Ticket, TicketMessage, TicketStatus
from models.user import User
from services import staff_access, staff_limits, tickets
from services import ticket_outbox as outbox
from services.persian import format_date, format_datetime, format_toman, to_fa_digits
from services.ratelimit import Priority, PriorityGate, RateLimiter
from services.users import set_blocked

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.tickets")

T = TypeVar("T")

LRI, PDI = "\u2066", "\u2069"
CLAIM_STALE_AFTER = timedelta(minutes=2)
FORUM_CACHE_SECONDS = 300.0
# Reminders per staff chat per pass (a group takes about 20 messages a minute); the rest
# follow in the next passes.
REMINDERS_PER_PASS = 10
STATUS_ICONS = {
    TicketStatus.NEW: "🆕",
    TicketStatus.IN_PROGRESS: "⏳",
    TicketStatus.ANSWERED: "💬",
    TicketStatus.CLOSED: "🔒",
}


class TicketAction(CallbackData, prefix="tk"):
    """A button on a ticket card (staff chat): take, reply, st (status), reopen, card."""

    action: str
    ticket_id: CallbackInt
    value: str = ""


class PersonBlock(CallbackData, prefix="blk"):
    """«⛔ مسدود کردن این فرد» / «رفع مسدودی» on a staff-chat card: `a` b(lock) or u(nblock),
    `kind` q (a question card, `ref` its id) or t (a ticket, `ref` its id)."""

    a: str
    kind: str
    ref: CallbackInt


class MyTicket(CallbackData, prefix="mt"):
    """A donor's ticket button: list, view, write, done, close, reopen, stars, rate. `screen`
    is 1 on /mytickets screens (which a press may replace) and 0 on answers and notices
    (which stay in the chat: the next screen comes as a new message)."""

    action: str
    ticket_id: CallbackInt = 0
    value: str = ""
    screen: CallbackInt = 0


class Delivery(StrEnum):
    OK = "ok"
    BLOCKED = "blocked"
    FAILED = "failed"


# -- formatting -----------------------------------------------------------------------------


def shown_number(number: str, locale: str) -> str:
    """`T-1405-000123` as a reader sees it: Persian digits in fa, kept left-to-right inside a
    right-to-left sentence by directional isolation marks."""
    if locale == "fa":
        return f"{LRI}{to_fa_digits(number)}{PDI}"
    return number


def category_name(t: Translator, category: str) -> str:
    return t(f"complaints-category-{category}")


def status_name(t: Translator, status: str) -> str:
    return t(f"complaints-status-{status}")


def format_age(t: Translator, now: datetime, since: datetime) -> str:
    """How long ago `since` was: «۳ ساعت», «۲ روز»."""
    return format_span(t, max(0, int((now - tickets.utc(since)).total_seconds() // 60)))


def format_span(t: Translator, minutes: int) -> str:
    """A number of minutes as read: «کمتر از یک دقیقه», «۲۵ دقیقه», «۳ ساعت», «۲ روز»."""
    if minutes < 1:
        return t("complaints-age-now")
    if minutes < 60:
        return t("complaints-age-minutes", count=minutes)
    hours = minutes // 60
    if hours < 48:
        return t("complaints-age-hours", count=hours)
    return t("complaints-age-days", count=hours // 24)


def limit_text(t: Translator, verdict: staff_limits.Verdict, now: datetime, *, subject: str) -> str:
    """Why the person cannot reach the working group now, and when they can try again:
    «… از ساعت ۱۴:۳۰ (۹ آذر ۱۴۰۵)، حدود ۲۵ دقیقهٔ دیگر». `subject`: question, ticket, followup."""
    if verdict.refusal == staff_limits.Refusal.BLOCKED or verdict.retry_at is None:
        return t("complaints-limit-blocked")
    return t(
        f"complaints-limit-{verdict.refusal}-{subject}",
        when=format_datetime(verdict.retry_at, t.locale),
        wait=format_span(t, max(1, math.ceil((verdict.retry_at - now).total_seconds() / 60))),
    )


def hours_text(value: float, locale: str) -> str:
    """A number of hours as shown: «۲۴», «۱٫۵» / "24", "1.5"."""
    text = str(int(value)) if float(value).is_integer() else f"{value:g}"
    return to_fa_digits(text).replace(".", "٫") if locale == "fa" else text


def donation_line(t: Translator, info: tickets.DonationInfo | None) -> str:
    if info is None:
        return t("complaints-none")
    when = format_date(info.paid_at, t.locale) if info.paid_at else "—"
    target = info.target(t.locale) or (t(f"complaints-purpose-{info.purpose}") if info.purpose else "—")
    line = t(
        "complaints-donation-line", amount=format_toman(info.amount_rials, t.locale), date=when, target=target
    )
    if info.receipt_number:
        line += " · " + t("complaints-donation-receipt", receipt=_digits(info.receipt_number, t.locale))
    return line


def _digits(text: str, locale: str) -> str:
    return to_fa_digits(text) if locale == "fa" else text


def compose(header: str, body: str | None, limit: int) -> list[str]:
    """The header and the body in one message when they fit, else in two."""
    if not body:
        return [header]
    joined = f"{header}\n\n{body}"
    return [joined] if len(joined) <= limit else [header, body]


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_kind(message: Message) -> str | None:
    """What a message carries, as a ticket records it; None for anything else."""
    if message.text is not None:
        return "text"
    for kind in ("photo", "document", "video", "audio", "voice", "animation"):
        if getattr(message, kind, None):
            return kind
    return None


def file_id_of(message: Message, kind: str) -> str | None:
    if kind == "photo" and message.photo:
        return message.photo[-1].file_id
    media = getattr(message, kind, None)
    return getattr(media, "file_id", None)


def is_topic_root_reply(message: Message) -> bool:
    """In a forum topic every message "replies" to the topic's first service message."""
    reply = message.reply_to_message
    if reply is None:
        return False
    if reply.forum_topic_created is not None:
        return True
    return bool(message.is_topic_message and message.message_thread_id == reply.message_id)


# -- keyboards ------------------------------------------------------------------------------


def staff_keyboard(t: Translator, ticket: Ticket) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if ticket.status == TicketStatus.CLOSED:
        builder.button(
            text=t("complaints-staff-button-reopen"),
            callback_data=TicketAction(action="reopen", ticket_id=ticket.id),
        )
        return builder.as_markup()
    builder.button(
        text=t("complaints-staff-button-take"), callback_data=TicketAction(action="take", ticket_id=ticket.id)
    )
    builder.button(
        text=t("complaints-staff-button-reply"),
        callback_data=TicketAction(action="reply", ticket_id=ticket.id),
    )
    builder.button(
        text=t("complaints-staff-button-in-progress"),
        callback_data=TicketAction(action="st", ticket_id=ticket.id, value="in_progress"),
    )
    builder.button(
        text=t("complaints-staff-button-answered"),
        callback_data=TicketAction(action="st", ticket_id=ticket.id, value="answered"),
    )
    builder.button(
        text=t("complaints-staff-button-close"),
        callback_data=TicketAction(action="st", ticket_id=ticket.id, value="closed"),
    )
    builder.button(
        text=t("complaints-staff-button-block"), callback_data=PersonBlock(a="b", kind="t", ref=ticket.id)
    )
    builder.adjust(2, 2, 1, 1)
    return builder.as_markup()


def donor_answer_keyboard(t: Translator, ticket: Ticket) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("complaints-button-write"), callback_data=MyTicket(action="write", ticket_id=ticket.id)
    )
    builder.button(
        text=t("complaints-button-solved"), callback_data=MyTicket(action="close", ticket_id=ticket.id)
    )
    builder.adjust(2)
    return builder.as_markup()


def rating_keyboard(t: Translator, ticket: Ticket, *, screen: int = 0) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for stars in range(1, 6):
        builder.button(
            text=t("complaints-rate-button", stars=stars),
            callback_data=MyTicket(action="rate", ticket_id=ticket.id, value=str(stars), screen=screen),
        )
    builder.adjust(5)
    return builder.as_markup()


class StaffChatGate(PriorityGate):
    """A staff chat's sends one at a time, the most urgent first, and none while a 429 pause of
    the app's sending budget runs (bot.outbound.pause_over): the chat keeps its own pace, the
    bot's bulk senders pause together."""

    def __init__(self, limiter: RateLimiter) -> None:
        super().__init__()
        self.limiter = limiter

    @asynccontextmanager
    async def turn(self, chat_id: int, priority: int) -> AsyncIterator[None]:
        async with super().turn(chat_id, priority):
            await pause_over(self.limiter)
            yield


# -- the desk -------------------------------------------------------------------------------


@dataclass
class TicketDesk:
    """One per running app (kept in the dispatcher's workflow data)."""

    app: HamdelApp
    _forum: dict[int, tuple[float, bool]] = field(default_factory=dict)
    # Staff-chat sends in priority order: tickets before question cards.
    gate: PriorityGate = field(init=False)
    # Other features' cards the staff chat still lacks (question cards), caught up by the
    # background pass after the tickets' (`add_catch_up`).
    _catch_up: list[Callable[[], Awaitable[int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate = StaffChatGate(self.app.send_limiter)

    def add_catch_up(self, post_missing: Callable[[], Awaitable[int]]) -> None:
        if post_missing not in self._catch_up:
            self._catch_up.append(post_missing)

    @property
    def bot(self) -> Bot:
        return self.app.bot

    @property
    def config(self) -> Any:
        return self.app.settings.tickets

    @property
    def platform(self) -> str:
        return self.app.profile.platform.value

    @property
    def staff_t(self) -> Translator:
        return self.app.i18n.translator(self.app.settings.locale.default_locale)

    def now(self) -> datetime:
        return self.app.clock.now()

    # -- who may act ---------------------------------------------------------------------

    async def membership(self, chat_id: int, user_id: int) -> str | None:
        """The person's status in a chat by getChatMember (None when it could not be learnt)."""
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except TelegramAPIError as error:
            logger.info("membership of %s in %s unknown: %s", user_id, chat_id, error)
            return None
        return str(member.status)

    async def may_act(
        self,
        session: AsyncSession,
        chat_id: int,
        user_id: int,
        *,
        action: str,
        target: str | None,
        sender_chat_id: int | None = None,
    ) -> bool:
        """The one check for every staff-chat action (services.staff_access): admins and
        operators, and members of the chat the card lives in; refusals are audited."""
        return await staff_access.check(
            session,
            platform=self.platform,
            chat_id=chat_id,
            user_id=user_id,
            admin_ids=self.app.settings.staff.admin_ids,
            membership=self.membership,
            action=action,
            target=target,
            sender_chat_id=sender_chat_id,
        )

    # -- forum topics --------------------------------------------------------------------

    async def is_forum(self, chat_id: int) -> bool:
        """Topics only where the platform has them and the staff chat is a forum (cached)."""
        if not self.app.profile.forum_topics:
            return False
        cached = self._forum.get(chat_id)
        if cached and time.monotonic() - cached[0] < FORUM_CACHE_SECONDS:
            return cached[1]
        try:
            chat = await self.bot.get_chat(chat_id)
        except TelegramAPIError as error:
            logger.warning("getChat %s failed: %s", chat_id, error)
            return False
        value = bool(getattr(chat, "is_forum", False))
        self._forum[chat_id] = (time.monotonic(), value)
        return value

    # -- donor → staff -------------------------------------------------------------------

    async def sync_to_staff(
        self, session: AsyncSession, ticket_id: int, *, wait: float = 10.0, created: Ticket | None = None
    ) -> bool:
        """Post what the staff chat lacks for this ticket (topic, card, the donor's unrelayed
        messages). True when nothing is left to post. Ends the caller's transaction (what it
        recorded is durable before the claim: services.ticket_outbox). `created`: the ticket
        as the caller's update has just filed it — nothing of it is posted yet, so it is not
        read again under a claim taken at once."""
        deadline = time.monotonic() + wait
        while True:
            token = secrets.token_hex(8)
            if await outbox.claim(session, ticket_id, token, now=self.now(), stale_after=CLAIM_STALE_AFTER):
                try:
                    return await self._post_pending(session, ticket_id, created)
                except BaseException:
                    # What the pass left half-done (a commit cut off leaves the session
                    # "prepared") is dropped, so the claim can still be released.
                    await session.rollback()
                    raise
                finally:
                    await outbox.release(session, ticket_id, token)
            # Another worker is posting this ticket: let it finish, then see what is left.
            created = None
            while await outbox.claimed_elsewhere(session, ticket_id):
                if time.monotonic() >= deadline:
                    return False
                await asyncio.sleep(0.05)
            if not await self._has_pending(session, ticket_id):
                return True

    async def _has_pending(self, session: AsyncSession, ticket_id: int) -> bool:
        ticket = await outbox.ticket(session, ticket_id)
        if ticket is None or ticket.staff_chat_id is None:
            return False
        if ticket.card_message_id is None:
            return True
        if ticket.topic_id is None and await self.is_forum(ticket.staff_chat_id):
            return True
        return bool(await outbox.unrelayed(session, ticket_id))

    async def _post_pending(self, session: AsyncSession, ticket_id: int, created: Ticket | None) -> bool:
        """Runs under the claim. Every Bot API call happens outside a database transaction
        (each step of services.ticket_outbox ends its own), so no lock is held while the
        network is slow."""
        ticket = created if created is not None else await outbox.ticket(session, ticket_id)
        if ticket is None or ticket.staff_chat_id is None:
            return False
        chat_id = ticket.staff_chat_id
        new_topic = False
        if ticket.topic_id is None and await self.is_forum(chat_id):
            try:
                topic = await self.bot.create_forum_topic(chat_id, name=self._topic_name(ticket))
            except TelegramAPIError as error:
                logger.warning("topic for ticket %s not created: %s", ticket.number, error)
            else:
                await outbox.topic_created(session, ticket.id, topic.message_thread_id)
                ticket.topic_id = topic.message_thread_id
                new_topic = True
        try:
            if ticket.card_message_id is None or new_topic:
                async with self.gate.turn(chat_id, Priority.TICKET):
                    card = await self._send_card(session, ticket)
                await outbox.card_posted(session, ticket, card.message_id)
            for message in await outbox.unrelayed(session, ticket.id):
                async with self.gate.turn(chat_id, Priority.TICKET):
                    sent = await self._relay_donor_message(ticket, message)
                await outbox.relayed(session, ticket, chat_id, sent, message.id)
        except TelegramAPIError as error:
            logger.warning("ticket %s not posted to the staff chat yet: %s", ticket.number, error)
            await session.rollback()
            return False
        return True

    def _topic_name(self, ticket: Ticket) -> str:
        t = self.staff_t
        return clip(f"{ticket.number} · {category_name(t, ticket.category)}", 128)

    def _thread_kwargs(self, ticket: Ticket) -> dict[str, Any]:
        """Inside the ticket's topic, or as a reply to its card (Bale, plain groups)."""
        if ticket.topic_id is not None:
            return {"message_thread_id": ticket.topic_id}
        if ticket.card_message_id is not None:
            return {
                "reply_parameters": ReplyParameters(
                    message_id=ticket.card_message_id, allow_sending_without_reply=True
                )
            }
        return {}

    async def _in_thread(self, ticket: Ticket, send: Callable[[dict[str, Any]], Awaitable[T]]) -> T:
        kwargs = self._thread_kwargs(ticket)
        try:
            return await send(kwargs)
        except TelegramBadRequest as error:
            if not kwargs or "not found" not in str(error).lower():
                raise
            # The card or the topic is gone (deleted by someone): post without it.
            logger.warning("ticket %s: thread gone (%s); posting plainly", ticket.number, error)
            return await send({})

    async def card_text(self, session: AsyncSession, ticket: Ticket) -> str:
        t = self.staff_t
        now = self.now()
        donor = t("complaints-staff-anonymous") if ticket.anonymous else (ticket.donor_name or "—")
        lines = [
            t(
                "complaints-staff-card",
                number=shown_number(ticket.number, t.locale),
                status=status_name(t, ticket.status),
                category=category_name(t, ticket.category),
                donor=donor,
                mobile=_digits(ticket.contact_mobile, t.locale)
                if ticket.contact_mobile
                else t("complaints-none"),
                donation=await self._card_donation(session, ticket),
                created=format_datetime(ticket.created_at, t.locale),
                age=format_age(t, now, ticket.created_at),
                assignee=ticket.assignee_name or t("complaints-staff-unassigned"),
                attachments=await tickets.attachment_count(session, ticket.id),
                description=ticket.description,
            )
        ]
        if ticket.rating is not None:
            lines.append(t("complaints-staff-card-rating", stars=ticket.rating, max=5))
        if ticket.rating_reason:
            lines.append(t("complaints-staff-card-rating-reason", reason=ticket.rating_reason))
        if ticket.status != TicketStatus.CLOSED:
            lines.append("\n" + t("complaints-staff-card-hint"))
        return "\n".join(lines)

    async def _card_donation(self, session: AsyncSession, ticket: Ticket) -> str:
        """The linked donation as the card shows it. An anonymous ticket shows only that one
        is linked: its receipt number, amount and date would name the donor to anyone who can
        read the donations export."""
        t = self.staff_t
        if ticket.donation_id is None:
            return t("complaints-none")
        if ticket.anonymous:
            return t("complaints-staff-donation-hidden")
        return donation_line(t, await tickets.donation_info(session, ticket.donation_id))

    async def _send_card(self, session: AsyncSession, ticket: Ticket) -> Message:
        assert ticket.staff_chat_id is not None
        chat_id = ticket.staff_chat_id
        text = clip(await self.card_text(session, ticket), self.app.profile.max_text_length)
        markup = staff_keyboard(self.staff_t, ticket)
        kwargs: dict[str, Any] = {"message_thread_id": ticket.topic_id} if ticket.topic_id else {}
        return await self.bot.send_message(chat_id, text, reply_markup=markup, **kwargs)

    def _donor_header(self, ticket: Ticket, *, attachment: bool) -> str:
        t = self.staff_t
        who = t("complaints-staff-anonymous") if ticket.anonymous else (ticket.donor_name or "—")
        key = "complaints-staff-relay-attachment" if attachment else "complaints-staff-relay"
        return t(key, number=shown_number(ticket.number, t.locale), donor=who)

    async def _relay_donor_message(self, ticket: Ticket, message: TicketMessage) -> list[int]:
        """Post one recorded donor message in the ticket's thread; the ids of what was sent."""
        assert ticket.staff_chat_id is not None
        chat_id = ticket.staff_chat_id
        is_attachment = message.filing
        header = self._donor_header(ticket, attachment=is_attachment)
        profile = self.app.profile
        markup = None if is_attachment else staff_keyboard(self.staff_t, ticket)
        sent: list[int] = []
        if message.kind == "text" or not message.file_id:
            for part in compose(header, message.text, profile.max_text_length):
                result = await self._in_thread(
                    ticket,
                    lambda kw, part=part: self.bot.send_message(chat_id, part, reply_markup=markup, **kw),  # type: ignore[misc]
                )
                sent.append(result.message_id)
            return sent
        parts = compose(header, message.text, profile.max_caption_length)
        caption = parts[0] if len(parts) == 1 else message.text
        if len(parts) > 1:
            first = await self._in_thread(ticket, lambda kw: self.bot.send_message(chat_id, header, **kw))
            sent.append(first.message_id)
        file_id = message.file_id
        if message.kind == "photo":
            result = await self._in_thread(
                ticket,
                lambda kw: self.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=markup, **kw),
            )
        else:
            result = await self._in_thread(
                ticket,
                lambda kw: self.bot.send_document(
                    chat_id, file_id, caption=caption, reply_markup=markup, **kw
                ),
            )
        sent.append(result.message_id)
        return sent

    # -- staff-chat notices, card refresh, reminders ---------------------------------------

    async def post_notice(
        self, session: AsyncSession, ticket: Ticket, text: str, *, keyboard: bool = True
    ) -> int | None:
        """A short line in the ticket's thread (with its buttons where useful)."""
        if ticket.staff_chat_id is None or ticket.card_message_id is None:
            return None
        chat_id = ticket.staff_chat_id
        markup = staff_keyboard(self.staff_t, ticket) if keyboard else None
        try:
            sent = await self._in_thread(
                ticket, lambda kw: self.bot.send_message(chat_id, text, reply_markup=markup, **kw)
            )
        except TelegramAPIError as error:
            logger.warning("notice for ticket %s not posted: %s", ticket.number, error)
            return None
        await tickets.link(session, ticket, chat_id, sent.message_id, LinkKind.NOTICE)
        return sent.message_id

    async def refresh_card(self, session: AsyncSession, ticket: Ticket, notice: str | None = None) -> None:
        """Show the ticket's new state: the card is edited where the platform edits keyboards
        reliably; elsewhere (Bale) a short notice with fresh buttons goes into the thread."""
        if ticket.staff_chat_id is None or ticket.card_message_id is None:
            return
        if self.app.profile.can_edit_keyboards:
            text = clip(await self.card_text(session, ticket), self.app.profile.max_text_length)
            chat_id, message_id = ticket.staff_chat_id, ticket.card_message_id
            markup = staff_keyboard(self.staff_t, ticket)
            try:
                await self.bot.edit_message_text(
                    text=text, chat_id=chat_id, message_id=message_id, reply_markup=markup
                )
            except TelegramAPIError as error:
                if "not modified" not in str(error):
                    logger.info("card of %s not edited: %s", ticket.number, error)
            if notice:
                await self.post_notice(session, ticket, notice, keyboard=False)
            return
        if notice:
            await self.post_notice(session, ticket, notice, keyboard=True)

    async def repost_card(self, session: AsyncSession, ticket: Ticket) -> bool:
        """Bring the card back to the bottom of the chat (from /tickets)."""
        if ticket.staff_chat_id is None:
            return False
        text = clip(await self.card_text(session, ticket), self.app.profile.max_text_length)
        return await self._post_linked(session, ticket, text, LinkKind.CARD)

    async def send_reminder(self, session: AsyncSession, ticket: Ticket) -> bool:
        if ticket.staff_chat_id is None:
            return False
        t = self.staff_t
        since = ticket.waiting_since or ticket.created_at
        text = t(
            "complaints-staff-reminder",
            number=shown_number(ticket.number, t.locale),
            category=category_name(t, ticket.category),
            waiting=format_age(t, self.now(), since),
            assignee=ticket.assignee_name or t("complaints-staff-unassigned"),
            count=ticket.reminders_sent + 1,
        )
        return await self._post_linked(session, ticket, text, LinkKind.REMINDER)

    async def _post_linked(self, session: AsyncSession, ticket: Ticket, text: str, kind: LinkKind) -> bool:
        """Post `text` with the ticket's buttons in its thread of the staff chat and bind the
        message to the ticket (replies to it reach the ticket)."""
        chat_id = ticket.staff_chat_id
        assert chat_id is not None
        markup = staff_keyboard(self.staff_t, ticket)
        try:
            sent = await self._in_thread(
                ticket, lambda kw: self.bot.send_message(chat_id, text, reply_markup=markup, **kw)
            )
        except TelegramAPIError as error:
            logger.warning("%s for %s not posted: %s", kind.value, ticket.number, error)
            return False
        await tickets.link(session, ticket, chat_id, sent.message_id, kind)
        return True

    async def close_topic(self, ticket: Ticket, *, closed: bool) -> None:
        if ticket.topic_id is None or ticket.staff_chat_id is None:
            return
        chat_id, topic_id = ticket.staff_chat_id, ticket.topic_id
        try:
            if closed:
                await self.bot.close_forum_topic(chat_id, topic_id)
            else:
                await self.bot.reopen_forum_topic(chat_id, topic_id)
        except TelegramAPIError as error:
            logger.info("topic of %s not %s: %s", ticket.number, "closed" if closed else "reopened", error)

    # -- staff → donor -------------------------------------------------------------------

    async def donor_of(self, session: AsyncSession, ticket: Ticket) -> tuple[User | None, Translator]:
        donor = await session.get(User, ticket.user_id)
        locale = donor.language if donor else self.app.settings.locale.default_locale
        return donor, self.app.i18n.translator(locale)

    async def notify_donor(
        self,
        session: AsyncSession,
        ticket: Ticket,
        text_for: Callable[[Translator], str],
        markup_for: Callable[[Translator], InlineKeyboardMarkup | None] | None = None,
    ) -> Delivery:
        """Tell the donor about their ticket, in their language; links the message so a reply
        to it is a follow-up."""
        donor, t = await self.donor_of(session, ticket)
        if donor is None:
            return Delivery.FAILED
        text = text_for(t)
        markup = markup_for(t) if markup_for else None
        try:
            sent = await self.bot.send_message(donor.chat_id, text, reply_markup=markup)
        except TelegramForbiddenError:
            await set_blocked(session, platform=ticket.platform, user_id=donor.user_id, blocked=True)
            return Delivery.BLOCKED
        except TelegramAPIError as error:
            logger.warning("donor of %s not told: %s", ticket.number, error)
            return Delivery.FAILED
        await tickets.link(session, ticket, donor.chat_id, sent.message_id, LinkKind.NOTICE)
        return Delivery.OK

    async def relay_answer(
        self, session: AsyncSession, ticket: Ticket, message: Message, kind: str
    ) -> Delivery:
        """An operator's answer to the donor: text with a header, media copied (copyMessage
        shows no author); the operator is never named."""
        donor, t = await self.donor_of(session, ticket)
        if donor is None:
            return Delivery.FAILED
        profile = self.app.profile
        header = t("complaints-answer-header", number=shown_number(ticket.number, t.locale))
        markup = donor_answer_keyboard(t, ticket)
        chat_id = donor.chat_id
        sent_ids: list[int] = []
        try:
            if kind == "text":
                parts = compose(header, message.text, profile.max_text_length)
                for index, part in enumerate(parts):
                    last = index == len(parts) - 1
                    sent = await self.bot.send_message(chat_id, part, reply_markup=markup if last else None)
                    sent_ids.append(sent.message_id)
            else:
                parts = compose(header, message.caption, profile.max_caption_length)
                caption = parts[0] if len(parts) == 1 else None
                if len(parts) > 1:
                    first = await self.bot.send_message(chat_id, header)
                    sent_ids.append(first.message_id)
                copied = await self.bot.copy_message(
                    chat_id,
                    from_chat_id=message.chat.id,
                    message_id=message.message_id,
                    caption=caption,
                    reply_markup=markup,
                )
                sent_ids.append(copied.message_id)
        except TelegramForbiddenError:
            await set_blocked(session, platform=ticket.platform, user_id=donor.user_id, blocked=True)
            return Delivery.BLOCKED
        except TelegramAPIError as error:
            logger.warning("answer on %s not delivered: %s", ticket.number, error)
            return Delivery.FAILED
        finally:
            for sent_id in sent_ids:
                await tickets.link(session, ticket, chat_id, sent_id, LinkKind.ANSWER)
        return Delivery.OK

    # -- the background pass (a job: jobs.tickets) -------------------------------------------

    @property
    def catch_up(self) -> list[Callable[[], Awaitable[int]]]:
        return self._catch_up

    async def check_once(self) -> int:
        """One pass of the background work: catch up tickets the staff chat has not seen, then
        the other cards it lacks (question cards: tickets go first), then remind about overdue
        tickets (at most once per period each). Returns the number of reminders sent."""
        return await jobs.tickets.check_once(self, reminders_per_pass=REMINDERS_PER_PASS)


async def after_status_change(
    desk: TicketDesk, session: AsyncSession, ticket: Ticket, previous: TicketStatus, notice: str
) -> Delivery:
    """What follows a status change or an assignment, made in the chat or the console: the
    donor hears of a new status, the forum topic closes or reopens, the card is redrawn with
    `notice` (who did what)."""
    status = TicketStatus(ticket.status)
    delivery = Delivery.OK
    if status != previous:
        delivery = await _tell_donor_status(desk, session, ticket, previous, status)
        if status == TicketStatus.CLOSED:
            await desk.close_topic(ticket, closed=True)
        elif previous == TicketStatus.CLOSED:
            await desk.close_topic(ticket, closed=False)
    await desk.refresh_card(session, ticket, notice)
    return delivery


async def _tell_donor_status(
    desk: TicketDesk, session: AsyncSession, ticket: Ticket, previous: TicketStatus, status: TicketStatus
) -> Delivery:
    def number(dt: Translator) -> str:
        return shown_number(ticket.number, dt.locale)

    if status == TicketStatus.CLOSED:
        return await desk.notify_donor(
            session,
            ticket,
            lambda dt: dt("complaints-notice-closed", number=number(dt)),
            lambda dt: rating_keyboard(dt, ticket),
        )
    if previous == TicketStatus.CLOSED:
        return await desk.notify_donor(
            session, ticket, lambda dt: dt("complaints-notice-reopened", number=number(dt))
        )
    if status == TicketStatus.ANSWERED:
        return await desk.notify_donor(
            session, ticket, lambda dt: dt("complaints-notice-answered", number=number(dt))
        )
    return await desk.notify_donor(
        session, ticket, lambda dt: dt("complaints-notice-in-progress", number=number(dt))
    )


async def start_sla_loop(app: HamdelApp) -> None:
    """At boot: the desk's background pass on the scheduler."""
    if app.settings.staff.staff_chat_id is None:
        logger.warning(
            "STAFF_CHAT_ID is not set: tickets are filed but reach no staff chat"
            " (except categories in TICKET_ROUTES); admins see them with /tickets in a private chat"
        )
    jobs.tickets.start(app, desk_for(app).check_once)


def desk_for(app: HamdelApp) -> TicketDesk:
    desk = app.dispatcher.workflow_data.get("ticket_desk")
    if not isinstance(desk, TicketDesk):
        desk = TicketDesk(app)
        app.dispatcher.workflow_data["ticket_desk"] = desk
    return desk


async def call_api(factory: Callable[[], Awaitable[T]]) -> T:
    """A Bot API call, as it is: retries and 429s are the request middleware's alone
    (bot.outbound). Kept for the FAQ's staff cards (handlers/faq.py) until they call directly."""
    return await factory()


def describe_delivery(t: Translator, delivery: Delivery) -> str:
    return t(f"complaints-delivery-{delivery.value}")


def donor_direction(message: TicketMessage) -> bool:
    return message.direction == Direction.DONOR
