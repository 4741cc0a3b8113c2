"""What a message in a staff chat is bound to: a question card, a ticket, nothing — or, when
bindings of two kinds claim the same (platform, chat, message), something no reply may go
through (the staff are told instead of a guess reaching the wrong person)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from models.faq import FaqQuery
from models.tickets import Ticket
from services import faq_queries, tickets


class BindingKind(StrEnum):
    QUESTION = "question"
    TICKET = "ticket"
    NONE = "none"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class Binding:
    kind: BindingKind
    question: FaqQuery | None = None
    ticket: Ticket | None = None


async def resolve(session: AsyncSession, *, platform: str, chat_id: int, message_id: int) -> Binding:
    question = await faq_queries.by_card(
        session, platform=platform, staff_chat_id=chat_id, message_id=message_id
    )
    ticket = await tickets.ticket_by_link(session, platform, chat_id, message_id)
    if question is not None and ticket is not None:
        return Binding(BindingKind.AMBIGUOUS, question, ticket)
    if question is not None:
        return Binding(BindingKind.QUESTION, question=question)
    if ticket is not None:
        return Binding(BindingKind.TICKET, ticket=ticket)
    return Binding(BindingKind.NONE)
