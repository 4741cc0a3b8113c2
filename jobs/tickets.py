"""The ticket desk's background pass, a job every TICKET_CHECK_SECONDS (one runner at a time):
post to the staff chat what it lacks — tickets first, then the other features' cards (question
cards) — and remind about overdue tickets, at most once per period each and a few per staff
chat per pass. The desk (the feature's Bot API side: cards, relays, reminders) is handed in; a
running 429 pause of the app's sending budget is waited out before each reminder."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbound import pause_over
from bot.storage import current_session
from jobs import Job, scheduler_for
from models.tickets import Ticket
from services import tickets

if TYPE_CHECKING:
    from bot.app import HamdelApp

REPOST_AFTER = timedelta(minutes=1)


class Desk(Protocol):
    app: HamdelApp

    @property
    def catch_up(self) -> Sequence[Callable[[], Awaitable[int]]]: ...

    def now(self) -> datetime: ...

    async def sync_to_staff(self, session: AsyncSession, ticket_id: int, *, wait: float = ...) -> bool: ...

    async def send_reminder(self, session: AsyncSession, ticket: Ticket) -> bool: ...


async def check_once(desk: Desk, *, reminders_per_pass: int) -> int:
    """One pass; returns the number of reminders sent."""
    app = desk.app
    config: Any = app.settings.tickets
    now = desk.now()
    sent = 0
    async with app.background_sessions() as session:
        # Its Bot API requests end its transaction first, as an update's do (CommitBeforeSend).
        token = current_session.set(session)
        try:
            for ticket_id in await tickets.tickets_to_post(session, created_before=now - REPOST_AFTER):
                await desk.sync_to_staff(session, ticket_id, wait=0)
            await session.commit()
            for post_missing in desk.catch_up:
                await post_missing()
            overdue = await tickets.overdue_tickets(session, now, config.sla_hours)
            await session.commit()
            per_chat: Counter[int] = Counter()
            period = timedelta(hours=config.reminder_hours)
            for ticket in overdue:
                chat_id = ticket.staff_chat_id
                if chat_id is None or ticket.card_message_id is None:
                    continue
                if per_chat[chat_id] >= reminders_per_pass or not reminder_due(ticket, now, period):
                    continue
                previous = ticket.last_reminder_at
                claimed = await tickets.claim_reminder(
                    session, ticket, now=now, period_hours=config.reminder_hours
                )
                await session.commit()
                if not claimed:
                    continue  # another worker reminded about it just now
                await pause_over(app.send_limiter)
                if await desk.send_reminder(session, ticket):
                    sent += 1
                    per_chat[chat_id] += 1
                else:
                    await tickets.unclaim_reminder(session, ticket.id, previous)
                await session.commit()
        finally:
            current_session.reset(token)
    return sent


def reminder_due(ticket: Ticket, now: datetime, period: timedelta) -> bool:
    """The same rule `claim_reminder` enforces, checked first to spare needless updates."""
    if ticket.last_reminder_at is None:
        return True
    last = tickets.utc(ticket.last_reminder_at)
    if last <= now - period:
        return True
    return ticket.waiting_since is not None and last < tickets.utc(ticket.waiting_since)


def start(app: HamdelApp, check: Callable[[], Awaitable[int]]) -> None:
    interval = app.settings.tickets.check_seconds
    scheduler_for(app).add(Job("ticket-desk", check, interval=interval, jitter=interval / 10))
