"""Donors' tickets: filing, numbering, the lifecycle, the conversation record, SLA and the
staff inbox. No aiogram here; the handlers do the talking.

Lifecycle: new → in_progress → answered → closed, and reopen (closed → in_progress). The SLA
clock (`waiting_since`) runs while the working group owes the donor an action: from filing,
restarted by a donor's follow-up and by "take"/"in progress", stopped by an answer or closing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from statistics import median
from typing import Any, cast

from sqlalchemy import CursorResult, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.base import utcnow
from models.db import insert_or_skip, upsert_statement
from models.donation import Campaign, Donation, DonationStatus
from models.tickets import (
    AWAITING_STAFF,
    OPEN_STATUSES,
    Direction,
    LinkKind,
    Ticket,
    TicketCategory,
    TicketLink,
    TicketMessage,
    TicketSequence,
    TicketStatus,
    TicketWord,
)
from services import faq_queries, privacy
from services.clock import Clock
from services.exports import Cell, ExportRequest, ExportTable, exporter
from services.health import BacklogFn, BacklogProbe
from services.persian import jalali_year, normalize_text
from services.roles import Role
from services.staff_reports import StaffReports
from services.stats import Duration, Periods, StatsCompute, StatsLine, StatsSection

# Kinds of messages a ticket keeps (the donor may attach photos and documents; staff may
# answer with any of these).
DONOR_MEDIA = ("photo", "document")
STAFF_MEDIA = ("photo", "document", "video", "audio", "voice", "animation")
# Ratings at or below this are followed by an (optional) "why?".
LOW_RATING = 2


class TicketError(Exception):
    """A request the ticket's state does not allow; `code` names the reason for the texts."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str
    file_id: str
    chat_id: int
    message_id: int
    caption: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """For the draft kept in the conversation state: the caption already masked."""
        return {
            "kind": self.kind,
            "file_id": self.file_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "caption": privacy.mask(self.caption),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Attachment:
        return cls(
            kind=str(data["kind"]),
            file_id=str(data["file_id"]),
            chat_id=int(data["chat_id"]),
            message_id=int(data["message_id"]),
            caption=data.get("caption"),
        )


@dataclass(frozen=True, slots=True)
class Draft:
    """Everything the donor chose, ready to become a ticket."""

    key: str
    category: TicketCategory
    description: str
    attachments: tuple[Attachment, ...] = ()
    donation_id: int | None = None
    anonymous: bool = False
    donor_name: str | None = None
    mobile: str | None = None


@dataclass(frozen=True, slots=True)
class DonationInfo:
    id: int
    amount_rials: int
    paid_at: datetime | None
    campaign_title_fa: str | None
    campaign_title_en: str | None
    purpose: str | None
    receipt_number: str | None

    def target(self, locale: str) -> str | None:
        """The campaign's title in `locale`, or None (a purpose donation)."""
        if self.campaign_title_fa is None:
            return None
        return self.campaign_title_en if locale == "en" and self.campaign_title_en else self.campaign_title_fa


@dataclass(frozen=True, slots=True)
class Change:
    """The outcome of a lifecycle action: what changed (for the audit log and the notices)."""

    ticket: Ticket
    changed: bool
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str | None = None


@dataclass(slots=True)
class Overview:
    """The staff inbox at a glance (`/tickets`)."""

    open_total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    unassigned: int = 0
    mine: list[Ticket] = field(default_factory=list)
    oldest: list[Ticket] = field(default_factory=list)
    overdue_ids: set[int] = field(default_factory=set)


def utc(moment: datetime) -> datetime:
    """A stored moment as an aware UTC datetime (SQLite hands them back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- numbering ------------------------------------------------------------------------------


def format_number(prefix: str, year: int, seq: int) -> str:
    return f"{prefix}-{year}-{seq:06d}"


async def next_sequence(session: AsyncSession, year: int) -> int:
    """The next number of `year`, by one atomic upsert: concurrent transactions (several
    workers, SQLite or PostgreSQL) never get the same number; the row lock is held until
    the filing transaction ends, so a rolled-back filing leaves no gap."""
    statement = _next_sequence_statement(session.get_bind().dialect.name)
    return int((await session.execute(statement, {"w_year": year})).scalar_one())


@functools.cache
def _next_sequence_statement(dialect: str) -> Any:
    table = cast(Table, TicketSequence.__table__)
    return upsert_statement(
        dialect,
        table,
        {"year": bindparam("w_year"), "last": 1},
        [table.c.year],
        lambda _excluded: {"last": table.c.last + 1},
        returning=(table.c.last,),
    )


# -- filing ---------------------------------------------------------------------------------


async def paid_donations(session: AsyncSession, user_db_id: int, limit: int = 5) -> list[DonationInfo]:
    """The donor's latest paid donations (to link one to a ticket)."""
    rows = await session.execute(_PAID_DONATIONS, {"w_user": user_db_id, "w_limit": limit})
    return [_donation_info(row[0], row[1], row[2]) for row in rows]


# The statements of filing a ticket, built once (building one cost about as much as running it).
_WITH_CAMPAIGN = select(Donation, Campaign.title_fa, Campaign.title_en).outerjoin(
    Campaign, Campaign.id == Donation.campaign_id
)
_PAID_DONATIONS = (
    _WITH_CAMPAIGN.where(
        Donation.user_id == bindparam("w_user"), Donation.status == DonationStatus.PAID.value
    )
    .order_by(Donation.paid_at.desc().nulls_last(), Donation.id.desc())
    .limit(bindparam("w_limit"))
)
_DONATION_INFO = _WITH_CAMPAIGN.where(Donation.id == bindparam("w_id"))
_OWNS_PAID_DONATION = select(Donation.id).where(
    Donation.id == bindparam("w_id"),
    Donation.user_id == bindparam("w_user"),
    Donation.status == DonationStatus.PAID.value,
)
_DONATION_PROVINCE = (
    select(func.coalesce(Donation.province_id, Campaign.province_id))
    .outerjoin(Campaign, Campaign.id == Donation.campaign_id)
    .where(Donation.id == bindparam("w_id"))
)


async def donation_info(session: AsyncSession, donation_id: int | None) -> DonationInfo | None:
    if donation_id is None:
        return None
    row = (await session.execute(_DONATION_INFO, {"w_id": donation_id})).first()
    return _donation_info(row[0], row[1], row[2]) if row else None


def _donation_info(donation: Donation, title_fa: str | None, title_en: str | None) -> DonationInfo:
    return DonationInfo(
        id=donation.id,
        amount_rials=donation.amount_rials,
        paid_at=donation.paid_at or donation.created_at,
        campaign_title_fa=title_fa,
        campaign_title_en=title_en,
        purpose=donation.purpose,
        receipt_number=donation.receipt_number,
    )


async def owns_paid_donation(session: AsyncSession, user_db_id: int, donation_id: int) -> bool:
    found = await session.scalar(_OWNS_PAID_DONATION, {"w_id": donation_id, "w_user": user_db_id})
    return found is not None


async def donation_province(session: AsyncSession, donation_id: int | None) -> str | None:
    """The province office a ticket about this donation belongs to: the donation's chosen
    province, else its campaign's (None: nationwide, or no donation)."""
    if donation_id is None:
        return None
    province = await session.scalar(_DONATION_PROVINCE, {"w_id": donation_id})
    return str(province) if province is not None else None


def validate_description(text: str, limit: int, minimum: int = 1) -> str:
    """The description as stored: stripped, personal numbers masked (services.privacy);
    TicketError("empty"), ("too-short") when it has fewer than `minimum` characters (not
    counting spaces), or ("too-long")."""
    text = text.strip()
    if not text:
        raise TicketError("empty")
    if len("".join(text.split())) < minimum:
        raise TicketError("too-short")
    if len(text) > limit:
        raise TicketError("too-long")
    return privacy.mask_personal_numbers(text).text


def set_rating_reason(ticket: Ticket, reason: str, limit: int) -> bool:
    """Why the donor gave a low rating (1–2), once; False when there is nothing to explain."""
    reason = " ".join(reason.split())
    if ticket.rating is None or ticket.rating > LOW_RATING or ticket.rating_reason or not reason:
        return False
    ticket.rating_reason = reason[:limit]
    return True


async def ticket_by_draft(session: AsyncSession, draft_key: str) -> Ticket | None:
    return await session.scalar(_BY_DRAFT, {"w_key": draft_key})


_BY_DRAFT = select(Ticket).where(Ticket.draft_key == bindparam("w_key"))


async def create_ticket(
    session: AsyncSession,
    *,
    platform: str,
    user_db_id: int,
    draft: Draft,
    now: datetime,
    prefix: str,
    staff_chat_id: int | None,
    text_limit: int,
    attachment_limit: int,
) -> tuple[Ticket, bool]:
    """File the draft as a ticket with its attachments; (ticket, True) when created now,
    (the existing ticket, False) when this draft was filed before (a confirm pressed twice, a
    retried update): its key is unique, so the insert finds it, not a query before every
    filing (its number is given back with the rolled-back insert)."""
    description = validate_description(draft.description, text_limit)
    if len(draft.attachments) > attachment_limit:
        raise TicketError("too-many-attachments")
    if draft.donation_id is not None and not await owns_paid_donation(session, user_db_id, draft.donation_id):
        raise TicketError("foreign-donation")
    province_id = await donation_province(session, draft.donation_id)
    year = jalali_year(now)
    try:
        async with session.begin_nested():
            seq = await next_sequence(session, year)
            ticket = Ticket(
                number=format_number(prefix, year, seq),
                year=year,
                seq=seq,
                draft_key=draft.key,
                platform=platform,
                user_id=user_db_id,
                category=draft.category.value,
                status=TicketStatus.NEW.value,
                description=description,
                anonymous=draft.anonymous,
                donor_name=None if draft.anonymous else draft.donor_name,
                contact_mobile=draft.mobile,
                donation_id=draft.donation_id,
                province_id=province_id,
                staff_chat_id=staff_chat_id,
                created_at=now,
                updated_at=now,
                waiting_since=now,
                reminders_sent=0,
            )
            session.add(ticket)
            await session.flush()
            for attachment in draft.attachments:
                session.add(
                    TicketMessage(
                        ticket_id=ticket.id,
                        direction=Direction.DONOR.value,
                        kind=attachment.kind,
                        text=privacy.mask(attachment.caption),
                        file_id=attachment.file_id,
                        source_chat_id=attachment.chat_id,
                        source_message_id=attachment.message_id,
                        filing=True,
                        delivered=False,
                        created_at=now,
                    )
                )
            await session.flush()
            captions = (privacy.mask(attachment.caption) or "" for attachment in draft.attachments)
            await index_words(session, ticket.id, " ".join([description, *captions]))
    except IntegrityError:
        existing = await ticket_by_draft(session, draft.key)
        if existing is None:
            raise
        return existing, False
    return ticket, True


# -- the words a search finds -------------------------------------------------------------

WORD_LENGTH = 32  # longer words are cut (a search for them still finds them: by prefix)
WORDS_PER_TEXT = 300


def search_words(text: str | None) -> list[str]:
    """The words of a text as the search keeps and looks them up: Persian letters, ASCII
    digits, lower case, no punctuation (services.persian.normalize_text); a single letter is
    no word, a single digit is; each once, in order."""
    found: dict[str, None] = {}
    for word in normalize_text(text or "").split(" "):
        if len(word) > 1 or word.isdigit():
            found.setdefault(word[:WORD_LENGTH], None)
    return list(found)[:WORDS_PER_TEXT]


async def index_words(session: AsyncSession, ticket_id: int, text: str | None) -> None:
    """Keep a ticket's words for the search (a word already kept is skipped, also when another
    worker adds it at the same moment)."""
    words = search_words(text)
    if not words:
        return
    # On the table, a row per word: no ORM bulk insert in between.
    statement = insert_or_skip(session.get_bind().dialect.name, TicketWord.__table__)
    await session.execute(statement, [{"word": word, "ticket_id": ticket_id} for word in words])


# -- reading --------------------------------------------------------------------------------


async def get_ticket(session: AsyncSession, ticket_id: int, *, for_update: bool = False) -> Ticket | None:
    return await session.scalar(_TICKET_FOR_UPDATE if for_update else _TICKET, {"w_id": ticket_id})


_TICKET = select(Ticket).where(Ticket.id == bindparam("w_id")).execution_options(populate_existing=True)
_TICKET_FOR_UPDATE = _TICKET.with_for_update()


async def donor_ticket(session: AsyncSession, user_db_id: int, ticket_id: int) -> Ticket | None:
    """The ticket if it belongs to this donor (forged ids find nothing)."""
    ticket = await get_ticket(session, ticket_id)
    return ticket if ticket is not None and ticket.user_id == user_db_id else None


async def donor_tickets(
    session: AsyncSession, user_db_id: int, *, offset: int = 0, limit: int = 8
) -> tuple[list[Ticket], int]:
    total = await session.scalar(select(func.count(Ticket.id)).where(Ticket.user_id == user_db_id)) or 0
    rows = await session.scalars(
        select(Ticket)
        .where(Ticket.user_id == user_db_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows), int(total)


async def conversation(session: AsyncSession, ticket_id: int, limit: int = 6) -> list[TicketMessage]:
    """The latest messages of a ticket, oldest first."""
    rows = await session.scalars(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket_id)
        .order_by(TicketMessage.created_at.desc(), TicketMessage.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


async def attachment_count(session: AsyncSession, ticket_id: int) -> int:
    return int(await session.scalar(_ATTACHMENT_COUNT, {"w_ticket": ticket_id}) or 0)


_ATTACHMENT_COUNT = select(func.count(TicketMessage.id)).where(
    TicketMessage.ticket_id == bindparam("w_ticket"),
    TicketMessage.direction == Direction.DONOR.value,
    TicketMessage.kind.in_(DONOR_MEDIA),
)


# -- links between chat messages and tickets ---------------------------------------------------


async def link(session: AsyncSession, ticket: Ticket, chat_id: int, message_id: int, kind: LinkKind) -> None:
    """Remember that a bot message belongs to a ticket. The newest message holds the binding
    of its (platform, chat, message): when a chat's ids repeat, the older binding — of a
    ticket or of a question card — is dropped, so a reply never reaches an older case."""
    parameters = {
        "w_platform": ticket.platform,
        "w_chat_id": chat_id,
        "w_message_id": message_id,
        "w_ticket_id": ticket.id,
        "w_kind": kind.value,
        "w_created_at": utcnow(),
    }
    await session.execute(_link_statement(session.get_bind().dialect.name), parameters)
    await faq_queries.unbind_card(
        session, platform=ticket.platform, staff_chat_id=chat_id, message_id=message_id
    )


async def ticket_by_link(
    session: AsyncSession, platform: str, chat_id: int, message_id: int
) -> Ticket | None:
    ticket_id = await session.scalar(
        select(TicketLink.ticket_id).where(
            TicketLink.platform == platform,
            TicketLink.chat_id == chat_id,
            TicketLink.message_id == message_id,
        )
    )
    return await get_ticket(session, ticket_id) if ticket_id is not None else None


async def ticket_by_topic(session: AsyncSession, chat_id: int, topic_id: int) -> Ticket | None:
    return await session.scalar(
        select(Ticket).where(Ticket.staff_chat_id == chat_id, Ticket.topic_id == topic_id)
    )


# -- the conversation -------------------------------------------------------------------------


async def add_message(
    session: AsyncSession,
    ticket: Ticket,
    *,
    direction: Direction,
    kind: str,
    text: str | None,
    file_id: str | None,
    source_chat_id: int,
    source_message_id: int,
    now: datetime,
    author_id: int | None = None,
    delivered: bool = False,
) -> TicketMessage | None:
    """Record one message of the conversation (personal numbers masked); None when this very
    message was recorded before (a redelivered update)."""
    seen = await session.scalar(
        select(TicketMessage.id).where(
            TicketMessage.source_chat_id == source_chat_id,
            TicketMessage.source_message_id == source_message_id,
        )
    )
    if seen is not None:
        return None
    message = TicketMessage(
        ticket_id=ticket.id,
        direction=direction.value,
        kind=kind,
        text=privacy.mask(text),
        file_id=file_id,
        source_chat_id=source_chat_id,
        source_message_id=source_message_id,
        author_id=author_id,
        delivered=delivered,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(message)
            await session.flush()
    except IntegrityError:
        return None
    if direction == Direction.DONOR:
        await index_words(session, ticket.id, message.text)
    return message


@functools.cache
def _link_statement(dialect: str) -> Any:
    names = ("platform", "chat_id", "message_id", "ticket_id", "kind", "created_at")
    table = cast(Table, TicketLink.__table__)
    return upsert_statement(
        dialect,
        table,
        {name: bindparam(f"w_{name}") for name in names},
        [table.c.platform, table.c.chat_id, table.c.message_id],
        lambda excluded: {
            "ticket_id": excluded.ticket_id,
            "kind": excluded.kind,
            "created_at": excluded.created_at,
        },
    )


async def mark_delivered(
    session: AsyncSession, message_id: int, *, delivered: bool, failure: str | None = None
) -> None:
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.id == message_id)
        .values(delivered=delivered, failure=failure)
    )


async def undelivered_donor_messages(session: AsyncSession, ticket_id: int) -> list[TicketMessage]:
    return list(await session.scalars(_UNDELIVERED, {"w_ticket": ticket_id}))


_UNDELIVERED = (
    select(TicketMessage)
    .where(
        TicketMessage.ticket_id == bindparam("w_ticket"),
        TicketMessage.direction == Direction.DONOR.value,
        TicketMessage.delivered.is_(False),
    )
    .order_by(TicketMessage.created_at, TicketMessage.id)
)


# -- lifecycle --------------------------------------------------------------------------------


def snapshot(ticket: Ticket) -> dict[str, Any]:
    return {"status": ticket.status, "assignee_id": ticket.assignee_id}


def _touch(ticket: Ticket, now: datetime) -> None:
    ticket.updated_at = now


def _staff_acted(ticket: Ticket, now: datetime) -> None:
    ticket.last_staff_action_at = now
    _touch(ticket, now)


def _ensure_open(ticket: Ticket) -> None:
    if ticket.status == TicketStatus.CLOSED:
        raise TicketError("closed")


def take(ticket: Ticket, *, actor_id: int, actor_name: str, now: datetime) -> Change:
    """An operator takes the ticket (→ in progress, assigned to them; the SLA clock restarts)."""
    _ensure_open(ticket)
    before = snapshot(ticket)
    if ticket.assignee_id == actor_id and ticket.status == TicketStatus.IN_PROGRESS:
        return Change(ticket, False, before, before, reason="already-yours")
    ticket.assignee_id = actor_id
    ticket.assignee_name = actor_name[:128]
    ticket.status = TicketStatus.IN_PROGRESS.value
    ticket.waiting_since = now
    _staff_acted(ticket, now)
    return Change(ticket, True, before, snapshot(ticket))


def set_status(
    ticket: Ticket, status: TicketStatus, *, actor_id: int, actor_name: str, now: datetime
) -> Change:
    """Staff set a status: in progress, answered, closed; from closed only back to in progress
    (reopen)."""
    before = snapshot(ticket)
    if ticket.status == status:
        return Change(ticket, False, before, before, reason="same")
    if ticket.status == TicketStatus.CLOSED and status != TicketStatus.IN_PROGRESS:
        raise TicketError("closed")
    if status == TicketStatus.NEW:
        raise TicketError("invalid")
    _apply_status(ticket, status, now)
    if ticket.assignee_id is None and status != TicketStatus.CLOSED:
        ticket.assignee_id = actor_id
        ticket.assignee_name = actor_name[:128]
    _staff_acted(ticket, now)
    return Change(ticket, True, before, snapshot(ticket))


def _apply_status(ticket: Ticket, status: TicketStatus, now: datetime) -> None:
    ticket.status = status.value
    if status == TicketStatus.ANSWERED:
        ticket.answered_at = now
        ticket.waiting_since = None
    elif status == TicketStatus.CLOSED:
        ticket.closed_at = now
        ticket.waiting_since = None
    else:
        ticket.closed_at = None
        ticket.waiting_since = now
    _touch(ticket, now)


def record_staff_answer(ticket: Ticket, *, actor_id: int, actor_name: str, now: datetime) -> Change:
    """An operator's answer reached (or was addressed to) the donor: → answered."""
    _ensure_open(ticket)
    before = snapshot(ticket)
    if ticket.assignee_id is None:
        ticket.assignee_id = actor_id
        ticket.assignee_name = actor_name[:128]
    _apply_status(ticket, TicketStatus.ANSWERED, now)
    _staff_acted(ticket, now)
    return Change(ticket, before != snapshot(ticket), before, snapshot(ticket))


def record_donor_message(ticket: Ticket, *, now: datetime) -> Change:
    """A donor's follow-up: the ball is in the staff's court again (answered → in progress)."""
    _ensure_open(ticket)
    before = snapshot(ticket)
    if ticket.status == TicketStatus.ANSWERED:
        _apply_status(ticket, TicketStatus.IN_PROGRESS, now)
    elif ticket.waiting_since is None:
        ticket.waiting_since = now
    _touch(ticket, now)
    return Change(ticket, before != snapshot(ticket), before, snapshot(ticket))


def donor_close(ticket: Ticket, *, now: datetime) -> Change:
    before = snapshot(ticket)
    if ticket.status == TicketStatus.CLOSED:
        return Change(ticket, False, before, before, reason="same")
    _apply_status(ticket, TicketStatus.CLOSED, now)
    return Change(ticket, True, before, snapshot(ticket))


def donor_reopen(ticket: Ticket, *, now: datetime) -> Change:
    before = snapshot(ticket)
    if ticket.status != TicketStatus.CLOSED:
        return Change(ticket, False, before, before, reason="same")
    _apply_status(ticket, TicketStatus.IN_PROGRESS, now)
    ticket.rating = None
    return Change(ticket, True, before, snapshot(ticket))


def rate(ticket: Ticket, stars: int) -> bool:
    """The donor rates the resolution once (1–5), after an answer or closing."""
    if not 1 <= stars <= 5:
        raise TicketError("invalid")
    if ticket.status not in (TicketStatus.ANSWERED, TicketStatus.CLOSED):
        raise TicketError("not-yet")
    if ticket.rating is not None:
        return False
    ticket.rating = stars
    return True


# -- posting to the staff chat: the database-level guard ---------------------------------------


async def claim_posting(
    session: AsyncSession, ticket_id: int, token: str, *, now: datetime, stale_after: timedelta
) -> bool:
    """Claim the right to post this ticket to the staff chat (topic, card, relays). One
    conditional UPDATE: of concurrent workers exactly one wins; a claim older than
    `stale_after` (a crashed worker) may be taken over. The caller commits right away."""
    parameters = {"w_id": ticket_id, "w_stale_before": now - stale_after, "w_token": token, "w_now": now}
    return _rowcount(await session.execute(_CLAIM_POSTING, parameters)) == 1


async def release_posting(session: AsyncSession, ticket_id: int, token: str) -> None:
    await session.execute(_RELEASE_POSTING, {"w_id": ticket_id, "w_token": token})


# Core statements on the table: the ORM's UPDATE machinery (and its synchronisation of loaded
# objects, which would judge a WHERE by its parameters' declared values) is not needed here and
# cost about as much as the round trip.
_TICKETS = cast(Table, Ticket.__table__)
_CLAIM_POSTING = (
    update(_TICKETS)
    .where(
        _TICKETS.c.id == bindparam("w_id"),
        or_(_TICKETS.c.post_claim.is_(None), _TICKETS.c.post_claimed_at <= bindparam("w_stale_before")),
    )
    .values(post_claim=bindparam("w_token"), post_claimed_at=bindparam("w_now"))
)
_RELEASE_POSTING = (
    update(_TICKETS)
    .where(_TICKETS.c.id == bindparam("w_id"), _TICKETS.c.post_claim == bindparam("w_token"))
    .values(post_claim=None, post_claimed_at=None)
)


async def posting_claimed(session: AsyncSession, ticket_id: int) -> bool:
    claim = await session.scalar(select(Ticket.post_claim).where(Ticket.id == ticket_id))
    return claim is not None


async def store_topic(session: AsyncSession, ticket_id: int, topic_id: int) -> None:
    await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, Ticket.topic_id.is_(None))
        .values(topic_id=topic_id)
        .execution_options(synchronize_session=False)
    )


async def store_card(session: AsyncSession, ticket: Ticket, message_id: int) -> None:
    await session.execute(_STORE_CARD, {"w_id": ticket.id, "w_message": message_id})
    ticket.card_message_id = message_id
    if ticket.staff_chat_id is not None:
        await link(session, ticket, ticket.staff_chat_id, message_id, LinkKind.CARD)


_STORE_CARD = (  # the loaded ticket is given the value by `store_card` itself
    update(_TICKETS).where(_TICKETS.c.id == bindparam("w_id")).values(card_message_id=bindparam("w_message"))
)


async def tickets_to_post(session: AsyncSession, *, created_before: datetime, limit: int = 50) -> list[int]:
    """Open tickets whose card or donor messages have not reached the staff chat yet (the
    chat was unreachable): retried by the background loop."""
    pending_messages = (
        select(TicketMessage.ticket_id)
        .where(TicketMessage.direction == Direction.DONOR.value, TicketMessage.delivered.is_(False))
        .scalar_subquery()
    )
    rows = await session.scalars(
        select(Ticket.id)
        .where(
            Ticket.status != TicketStatus.CLOSED.value,
            Ticket.staff_chat_id.is_not(None),
            Ticket.created_at <= created_before,
            or_(Ticket.card_message_id.is_(None), Ticket.id.in_(pending_messages)),
        )
        .order_by(Ticket.created_at)
        .limit(limit)
    )
    return list(rows)


# -- SLA ------------------------------------------------------------------------------------


async def overdue_tickets(
    session: AsyncSession, now: datetime, sla_hours: float, *, chat_id: int | None = None
) -> list[Ticket]:
    """Tickets awaiting a staff action for longer than `sla_hours`, the longest-waiting first."""
    statement = select(Ticket).where(
        Ticket.status.in_([status.value for status in AWAITING_STAFF]),
        Ticket.waiting_since.is_not(None),
        Ticket.waiting_since <= now - timedelta(hours=sla_hours),
    )
    if chat_id is not None:
        statement = statement.where(Ticket.staff_chat_id == chat_id)
    rows = await session.scalars(statement.order_by(Ticket.waiting_since, Ticket.id))
    return list(rows)


async def claim_reminder(
    session: AsyncSession, ticket: Ticket, *, now: datetime, period_hours: float
) -> bool:
    """Take the right to remind about `ticket` now: at most once per period per ticket (and
    once per waiting spell), decided by one conditional UPDATE so several workers send one."""
    result = await session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket.id,
            Ticket.status.in_([status.value for status in AWAITING_STAFF]),
            or_(
                Ticket.last_reminder_at.is_(None),
                Ticket.last_reminder_at <= now - timedelta(hours=period_hours),
                and_(Ticket.waiting_since.is_not(None), Ticket.last_reminder_at < Ticket.waiting_since),
            ),
        )
        .values(last_reminder_at=now, reminders_sent=Ticket.reminders_sent + 1)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


async def unclaim_reminder(session: AsyncSession, ticket_id: int, previous: datetime | None) -> None:
    """The reminder could not be sent: give the period back."""
    await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id)
        .values(last_reminder_at=previous, reminders_sent=Ticket.reminders_sent - 1)
        .execution_options(synchronize_session=False)
    )


# -- the staff inbox --------------------------------------------------------------------------


async def overview(
    session: AsyncSession,
    *,
    now: datetime,
    sla_hours: float,
    actor_id: int,
    chat_id: int | None = None,
    limit: int = 10,
    provinces: frozenset[str] | None = None,
) -> Overview:
    """Open tickets by status, by category, overdue, unassigned (counted in SQL); the actor's
    tickets and the longest-waiting ones (at most `limit` each). Only `provinces`' tickets when
    given (a province office; None: every ticket)."""
    scope: list[Any] = [Ticket.status.in_([status.value for status in OPEN_STATUSES])]
    if provinces is not None:
        scope.append(Ticket.province_id.in_(sorted(provinces)))
    if chat_id is not None:
        scope.append(Ticket.staff_chat_id == chat_id)
    awaiting = Ticket.status.in_([status.value for status in AWAITING_STAFF])
    cutoff = now - timedelta(hours=sla_hours)
    overdue_condition = and_(awaiting, Ticket.waiting_since.is_not(None), Ticket.waiting_since <= cutoff)
    result = Overview()
    by_status = await session.execute(
        select(Ticket.status, func.count()).where(*scope).group_by(Ticket.status)
    )
    result.by_status = {str(status): int(count) for status, count in by_status}
    result.open_total = sum(result.by_status.values())
    by_category = await session.execute(
        select(Ticket.category, func.count()).where(*scope).group_by(Ticket.category)
    )
    result.by_category = {str(category): int(count) for category, count in by_category}
    result.overdue = int(await session.scalar(select(func.count()).where(*scope, overdue_condition)) or 0)
    result.unassigned = int(
        await session.scalar(select(func.count()).where(*scope, Ticket.assignee_id.is_(None))) or 0
    )
    result.mine = list(
        await session.scalars(
            select(Ticket)
            .where(*scope, Ticket.assignee_id == actor_id)
            .order_by(Ticket.created_at, Ticket.id)
            .limit(limit)
        )
    )
    result.oldest = list(
        await session.scalars(
            select(Ticket)
            .where(*scope, awaiting)
            .order_by(func.coalesce(Ticket.waiting_since, Ticket.created_at), Ticket.id)
            .limit(limit)
        )
    )
    result.overdue_ids = {
        ticket.id
        for ticket in (*result.mine, *result.oldest)
        if ticket.status in AWAITING_STAFF
        and ticket.waiting_since is not None
        and utc(ticket.waiting_since) <= cutoff
    }
    return result


def _rowcount(result: Any) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


# -- staff reports: /export, /stats and /health -------------------------------------------------

# TicketSettings.sla_hours' default; the complaints feature registers again with the configured
# value when the bot starts.
DEFAULT_SLA_HOURS = 24.0


def _first_staff_message() -> Any:
    return (
        select(func.min(TicketMessage.created_at))
        .where(TicketMessage.ticket_id == Ticket.id, TicketMessage.direction == Direction.STAFF.value)
        .correlate(Ticket)
        .scalar_subquery()
    )


def first_answer(first_message: datetime | None, answered_at: datetime | None) -> datetime | None:
    """When the working group first answered: its first message to the donor, or the «answered»
    status set without one (answered by phone), whichever came first."""
    moments = [utc(m) for m in (first_message, answered_at) if m is not None]
    return min(moments) if moments else None


async def tickets_export(session: AsyncSession, request: ExportRequest) -> ExportTable:
    """Tickets by the time they were filed. The donor's name only for tickets not filed
    anonymously; the contact mobile only for admins (and never of an anonymous ticket); no
    internal user or donation ids, which could be matched against the donations export."""
    t = request.text
    with_mobile = "admin" in request.roles
    conditions = []
    if request.start is not None:
        conditions.append(Ticket.created_at >= request.start)
    if request.end is not None:
        conditions.append(Ticket.created_at < request.end)
    if request.provinces is not None:
        conditions.append(Ticket.province_id.in_(sorted(request.provinces)))
    rows = await session.execute(
        select(
            Ticket.number,
            Ticket.category,
            Ticket.status,
            Ticket.created_at,
            _first_staff_message().label("first_message"),
            Ticket.answered_at,
            Ticket.closed_at,
            Ticket.rating,
            Ticket.anonymous,
            Ticket.donor_name,
            Ticket.contact_mobile,
        )
        .where(*conditions)
        .order_by(Ticket.created_at, Ticket.id)
        .limit(request.limit + 1)
    )
    headers = [
        t("complaints-export-col-number"),
        t("complaints-export-col-category"),
        t("complaints-export-col-status"),
        t("complaints-export-col-created"),
        t("complaints-export-col-first-answer"),
        t("complaints-export-col-closed"),
        t("complaints-export-col-rating"),
        t("complaints-export-col-donor"),
    ]
    if with_mobile:
        headers.append(t("complaints-export-col-mobile"))
    labels: dict[str, str] = {}

    def label(key: str) -> str:
        if key not in labels:
            labels[key] = t(key)
        return labels[key]

    out: list[Sequence[Cell]] = []
    for row in rows:
        cells: list[Cell] = [
            row.number,
            label(f"complaints-export-category-{row.category}"),
            label(f"complaints-export-status-{row.status}"),
            utc(row.created_at),
            first_answer(row.first_message, row.answered_at),
            utc(row.closed_at) if row.closed_at is not None else None,
            row.rating,
            label("complaints-export-anonymous") if row.anonymous else (row.donor_name or ""),
        ]
        if with_mobile:
            cells.append(None if row.anonymous else row.contact_mobile)
        out.append(cells)
    return ExportTable(headers, out[: request.limit], truncated=len(out) > request.limit)


def _overdue_condition(now: datetime, sla_hours: float) -> Any:
    return and_(
        Ticket.status.in_([status.value for status in AWAITING_STAFF]),
        Ticket.waiting_since.is_not(None),
        Ticket.waiting_since <= now - timedelta(hours=sla_hours),
    )


@dataclass(frozen=True, slots=True)
class TicketFigures:
    by_status: dict[str, int]
    filed_this_month: int
    overdue: int
    first_answer_seconds: list[float]  # one per answered ticket
    close_seconds: list[float]  # one per closed ticket

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


async def ticket_figures(
    session: AsyncSession, *, now: datetime, month_start: datetime, sla_hours: float
) -> TicketFigures:
    """Counts by status, filed this month, overdue; the time each ticket waited for its first
    answer and, for closed ones, took to close."""
    by_status = {
        str(status): int(count)
        for status, count in await session.execute(
            select(Ticket.status, func.count()).group_by(Ticket.status)
        )
    }
    month = int(
        await session.scalar(select(func.count(Ticket.id)).where(Ticket.created_at >= month_start)) or 0
    )
    overdue = int(
        await session.scalar(select(func.count(Ticket.id)).where(_overdue_condition(now, sla_hours))) or 0
    )
    rows = await session.execute(
        select(Ticket.created_at, _first_staff_message(), Ticket.answered_at, Ticket.closed_at).where(
            or_(
                Ticket.answered_at.is_not(None),
                Ticket.closed_at.is_not(None),
                Ticket.id.in_(
                    select(TicketMessage.ticket_id).where(TicketMessage.direction == Direction.STAFF.value)
                ),
            )
        )
    )
    to_answer: list[float] = []
    to_close: list[float] = []
    for created, first_message, answered_at, closed_at in rows:
        start = utc(created)
        answered = first_answer(first_message, answered_at)
        if answered is not None:
            to_answer.append(max(0.0, (answered - start).total_seconds()))
        if closed_at is not None:
            to_close.append(max(0.0, (utc(closed_at) - start).total_seconds()))
    return TicketFigures(by_status, month, overdue, to_answer, to_close)


def stats_section(sla_hours: float) -> StatsCompute:
    async def compute(session: AsyncSession, periods: Periods) -> list[StatsLine]:
        figures = await ticket_figures(
            session, now=periods.now, month_start=periods.month, sla_hours=sla_hours
        )
        if figures.total == 0:
            return []
        lines = [
            StatsLine(
                "complaints-stats-by-status",
                {
                    "total": figures.total,
                    "new": figures.by_status.get(TicketStatus.NEW.value, 0),
                    "progress": figures.by_status.get(TicketStatus.IN_PROGRESS.value, 0),
                    "answered": figures.by_status.get(TicketStatus.ANSWERED.value, 0),
                    "closed": figures.by_status.get(TicketStatus.CLOSED.value, 0),
                },
            ),
            StatsLine("complaints-stats-month", {"count": figures.filed_this_month}),
            StatsLine("complaints-stats-overdue", {"count": figures.overdue, "hours": round(sla_hours)}),
        ]
        for key, spans in (
            ("complaints-stats-first-answer", figures.first_answer_seconds),
            ("complaints-stats-close", figures.close_seconds),
        ):
            if spans:
                lines.append(StatsLine(key, {"duration": Duration(median(spans)), "count": len(spans)}))
            else:
                lines.append(StatsLine(f"{key}-none"))
        return lines

    return compute


async def open_backlog(session: AsyncSession) -> int:
    statuses = [status.value for status in OPEN_STATUSES]
    return int(await session.scalar(select(func.count(Ticket.id)).where(Ticket.status.in_(statuses))) or 0)


def _overdue_backlog(sla_hours: float, clock: Clock) -> BacklogFn:
    async def count(session: AsyncSession) -> int:
        condition = _overdue_condition(clock.now(), sla_hours)
        return int(await session.scalar(select(func.count(Ticket.id)).where(condition)) or 0)

    return count


TICKETS_EXPORT = exporter(
    "tickets", "complaints-export-title", tickets_export, roles=(Role.ADMIN, Role.OPERATOR), provinces=True
)


def staff_reports(sla_hours: float = DEFAULT_SLA_HOURS, clock: Clock | None = None) -> StaffReports:
    """Tickets in the staff tools: the «tickets» export (admins and operators), the complaints
    section of /stats, the open and overdue tickets on /health."""
    return StaffReports(
        exporters=(TICKETS_EXPORT,),
        sections=(StatsSection("complaints", "complaints-stats-title", stats_section(sla_hours), order=20),),
        backlogs=(
            BacklogProbe("tickets_open", "complaints-health-open", open_backlog),
            BacklogProbe(
                "tickets_overdue", "complaints-health-overdue", _overdue_backlog(sla_hours, clock or Clock())
            ),
        ),
    )
