"""The donor → staff outbox of the ticket desk, step by step: each step ends its transaction,
because the desk calls the Bot API between steps and a claim must be seen by every worker at
once. The desk (handlers.complaints_desk) posts; these record."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.tickets import LinkKind, Ticket, TicketMessage
from services import tickets


async def claim(
    session: AsyncSession, ticket_id: int, token: str, *, now: datetime, stale_after: timedelta
) -> bool:
    """Make what the caller recorded durable (the donor's message), then claim the right to
    post the ticket to the staff chat; True when this worker holds the claim now."""
    await session.commit()
    claimed = await tickets.claim_posting(session, ticket_id, token, now=now, stale_after=stale_after)
    await session.commit()
    return claimed


async def release(session: AsyncSession, ticket_id: int, token: str) -> None:
    await tickets.release_posting(session, ticket_id, token)
    await session.commit()


async def claimed_elsewhere(session: AsyncSession, ticket_id: int) -> bool:
    """Whether a worker holds the ticket's posting claim (read in a transaction of its own)."""
    busy = await tickets.posting_claimed(session, ticket_id)
    await session.commit()
    return busy


async def ticket(session: AsyncSession, ticket_id: int) -> Ticket | None:
    """The ticket as it is now (read in a transaction of its own)."""
    found = await tickets.get_ticket(session, ticket_id)
    await session.commit()
    return found


async def unrelayed(session: AsyncSession, ticket_id: int) -> list[TicketMessage]:
    """The donor's messages the staff chat has not got (read in a transaction of its own)."""
    pending = await tickets.undelivered_donor_messages(session, ticket_id)
    await session.commit()
    return pending


async def topic_created(session: AsyncSession, ticket_id: int, topic_id: int) -> None:
    await tickets.store_topic(session, ticket_id, topic_id)
    await session.commit()


async def card_posted(session: AsyncSession, ticket: Ticket, message_id: int) -> None:
    await tickets.store_card(session, ticket, message_id)
    await session.commit()


async def relayed(
    session: AsyncSession, ticket: Ticket, chat_id: int, sent_ids: list[int], message_id: int
) -> None:
    """A donor's message reached the staff chat as `sent_ids` (replies to them are answers)."""
    for sent_id in sent_ids:
        await tickets.link(session, ticket, chat_id, sent_id, LinkKind.RELAY)
    await tickets.mark_delivered(session, message_id, delivered=True)
    await session.commit()
