"""The ticket desk's use cases, shared by every front door (the staff chat, the web console):
the queue with its filters and counts, a ticket's whole thread, and the staff actions — reply,
internal note, assign, status, close with a reason, reopen — each with a typed outcome.

Each action takes the version of the ticket the person was looking at (its `updated_at`) and
acts only if the ticket is still that version, under the row's lock: of two staff members acting
at once, one acts and the other is told the ticket changed (never a lost or doubled reply). The
staff chat's buttons carry no version (their card is redrawn after every change): the chat passes
None and acts on the ticket as it is, still under the lock, and is told what it found (already
so, closed). A reply carries a one-time source — the console form's key, or the staff chat's
message — so a form sent twice or a redelivered update records one reply. Sending to the donor
and telling the staff chat is the caller's part (no messenger here); each action commits before
the caller sends anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, case, false, func, select, text, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from models.console import ConsoleSession, TicketNote
from models.donation import Campaign, Donation, DonationStatus
from models.faq import FaqQuery
from models.staff import AuditEntry, StaffRole
from models.tickets import (
    AWAITING_STAFF,
    OPEN_STATUSES,
    QUEUE_RANK_SQL,
    Direction,
    Ticket,
    TicketMessage,
    TicketStatus,
    TicketWord,
)
from services import audit, scopes, tickets
from services.persian import to_ascii_digits
from services.roles import Role
from services.scopes import Scope, province_filter
from services.tickets import TicketError, utc

# Console replies are recorded like chat messages; their "source" is this pseudo-chat and the
# form's one-time key, so a form sent twice is recorded once (ticket_messages' unique source).
CONSOLE_SOURCE_CHAT = 0
NOTE_LIMIT = 4000
CLOSE_REASONS = ("resolved", "duplicate", "no-response", "out-of-scope", "other")
AGES = {"1d": 1, "3d": 3, "7d": 7, "30d": 30}
# What a ticket or receipt number looks like when searched (T-1405-000123, 123, R-…).
NUMBER_LIKE = re.compile(r"(?:[A-Za-z]{1,6}-)?(?:\d{4}-)?\d{1,12}")


# -- the queue ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueFilter:
    status: str = "open"  # open, new, in_progress, answered, closed, all
    category: str = ""
    age: str = ""  # older than: 1d, 3d, 7d, 30d
    overdue: bool = False
    assignee: str = ""  # me, none
    anonymous: bool = False
    search: str = ""
    page: int = 0
    # Set by the server from the person's roles, never from the request (services.scopes).
    scope: Scope = scopes.ALL

    def conditions(
        self, *, actor_id: int, now: datetime, sla_hours: float, found: Any | None = None
    ) -> list[Any]:
        """The filter as SQL conditions; `found` is the search's (from `search_condition`)."""
        conditions: list[Any] = (
            [] if self.scope.national else [province_filter(Ticket.province_id, self.scope)]
        )
        if self.status == "open":
            conditions.append(Ticket.status.in_([s.value for s in OPEN_STATUSES]))
        elif self.status in TicketStatus._value2member_map_:
            conditions.append(Ticket.status == self.status)
        if self.category:
            conditions.append(Ticket.category == self.category)
        if self.age in AGES:
            conditions.append(Ticket.created_at <= now - timedelta(days=AGES[self.age]))
        if self.overdue:
            conditions.append(overdue_condition(now, sla_hours))
        if self.assignee == "me":
            conditions.append(Ticket.assignee_id == actor_id)
        elif self.assignee == "none":
            conditions.append(Ticket.assignee_id.is_(None))
        if self.anonymous:
            conditions.append(Ticket.anonymous.is_(True))
        if found is not None:
            conditions.append(found)
        return conditions


def overdue_condition(now: datetime, sla_hours: float) -> Any:
    return and_(
        Ticket.status.in_([s.value for s in AWAITING_STAFF]),
        Ticket.waiting_since.is_not(None),
        Ticket.waiting_since <= now - timedelta(hours=sla_hours),
    )


SEARCH_WORDS = 6  # words of a search looked up (the rest are ignored)
RARE_ENOUGH = 2000  # a word's tickets counted up to this many, to start from the rarest


async def search_condition(session: AsyncSession, text: str) -> Any | None:
    """The tickets a search finds, as one `Ticket.id IN (…)` condition: a ticket number (whole,
    or its sequence digits), a receipt number (never matching an anonymous ticket: that would
    tie the donor to it), or tickets whose text holds every word (by prefix, in any order, in
    the description or the donor's messages). Every part is an index lookup (the words through
    `ticket_words`, starting from the rarest word), never a scan of the texts. None: no search."""
    if not text.strip():
        return None
    plain = to_ascii_digits(text.strip())
    found: list[Any] = [select(Ticket.id).where(Ticket.number == plain.upper())]
    tail = plain.upper().rsplit("-", 1)[-1]
    if tail.isascii() and tail.isdigit() and len(tail) <= 9:
        found.append(select(Ticket.id).where(Ticket.seq == int(tail)))
    # A receipt number is unique: one donation at most (as `=`, the planner expects one row,
    # not a share of the table, and keeps the whole search an index lookup).
    receipt = select(Donation.id).where(Donation.receipt_number == plain).scalar_subquery()
    found.append(select(Ticket.id).where(Ticket.anonymous.is_(False), Ticket.donation_id == receipt))
    if not NUMBER_LIKE.fullmatch(plain):
        words = tickets.search_words(text)[:SEARCH_WORDS]
        if words:
            found.append(await _having_words(session, words))
    return Ticket.id.in_(union(*found))


def _prefix(word: str, table: Any = TicketWord) -> Any:
    """Words starting with `word`: a range of the index (byte order on both databases)."""
    return and_(table.word >= word, table.word < word[:-1] + chr(ord(word[-1]) + 1))


async def _having_words(session: AsyncSession, words: list[str]) -> Any:
    """The tickets holding every word: the rarest word's tickets, each checked for the others
    in its own few words (so a word found in every ticket costs little)."""
    sizes = {}
    for word in words:
        sample = select(TicketWord.ticket_id).where(_prefix(word)).limit(RARE_ENOUGH).subquery()
        sizes[word] = int(await session.scalar(select(func.count()).select_from(sample)) or 0)
    rarest = min(words, key=lambda word: sizes[word])
    query = select(TicketWord.ticket_id).where(_prefix(rarest))
    for word in words:
        if word != rarest:
            other = aliased(TicketWord)
            query = query.where(
                select(other.ticket_id)
                .where(other.ticket_id == TicketWord.ticket_id, _prefix(word, other))
                .exists()
            )
    return query


CLOSED_COUNT_CAP = 10_000  # closed tickets are counted up to this many ("over 10,000")


@dataclass(frozen=True, slots=True)
class QueueCounts:
    """How many tickets each quick filter would show (within the search, if any)."""

    open: int = 0
    new: int = 0
    in_progress: int = 0
    answered: int = 0
    closed: int = 0
    overdue: int = 0
    mine: int = 0
    unassigned: int = 0
    anonymous: int = 0

    @property
    def closed_over_cap(self) -> bool:
        return self.closed > CLOSED_COUNT_CAP


@dataclass(frozen=True, slots=True)
class QueueRow:
    ticket: Ticket
    overdue: bool


@dataclass(frozen=True, slots=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    counts: QueueCounts
    page: int
    pages: int


async def queue(
    session: AsyncSession,
    wanted: QueueFilter,
    *,
    actor_id: int,
    now: datetime,
    sla_hours: float,
    per_page: int = 25,
) -> QueuePage:
    """One page of the queue: awaiting staff first, then answered, then closed, the
    longest-waiting first; the counts per quick filter. The page's ids are the next entries of
    the order's index (ix_tickets_queue_order), then only those rows are read."""
    found = await search_condition(session, wanted.search)
    conditions = wanted.conditions(actor_id=actor_id, now=now, sla_hours=sla_hours, found=found)
    total = int(await session.scalar(select(func.count()).select_from(Ticket).where(*conditions)) or 0)
    pages = max(1, -(-total // per_page))
    page = min(max(wanted.page, 0), pages - 1)
    ids = list(
        await session.scalars(
            select(Ticket.id)
            .where(*conditions)
            .order_by(
                text(QUEUE_RANK_SQL),
                func.coalesce(Ticket.waiting_since, Ticket.created_at),
                Ticket.id,
            )
            .offset(page * per_page)
            .limit(per_page)
        )
    )
    loaded = {ticket.id: ticket for ticket in await session.scalars(select(Ticket).where(Ticket.id.in_(ids)))}
    cutoff = now - timedelta(hours=sla_hours)
    rows = [
        QueueRow(
            ticket,
            ticket.status in AWAITING_STAFF
            and ticket.waiting_since is not None
            and utc(ticket.waiting_since) <= cutoff,
        )
        for ticket in (loaded[i] for i in ids if i in loaded)
    ]
    return QueuePage(
        rows,
        total,
        await counts(
            session, actor_id=actor_id, now=now, sla_hours=sla_hours, found=found, scope=wanted.scope
        ),
        page,
        pages,
    )


async def counts(
    session: AsyncSession,
    *,
    actor_id: int,
    now: datetime,
    sla_hours: float,
    found: Any | None = None,
    closed: bool = True,
    scope: Scope = scopes.ALL,
) -> QueueCounts:
    """The open tickets' counts in one aggregate over the open rows of the queue's index (most
    tickets are closed, and never read here); the closed ones counted apart, only if `closed`
    (the home page has no use for them). Within the search `found`, if any, and the person's
    provinces."""
    within = [found] if found is not None else []
    if not scope.national:
        within.append(province_filter(Ticket.province_id, scope))

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    row = (
        await session.execute(
            select(
                count(Ticket.status == TicketStatus.NEW.value),
                count(Ticket.status == TicketStatus.IN_PROGRESS.value),
                count(Ticket.status == TicketStatus.ANSWERED.value),
                count(overdue_condition(now, sla_hours)),
                count(Ticket.assignee_id == actor_id),
                count(Ticket.assignee_id.is_(None)),
                count(Ticket.anonymous.is_(True)),
            ).where(Ticket.status.in_([s.value for s in OPEN_STATUSES]), *within)
        )
    ).one()
    new, in_progress, answered, overdue, mine, unassigned, anonymous = (int(value) for value in row)
    closed_count = 0
    if closed:
        # Counted up to a cap: most tickets end closed, and an exact count past it would read
        # the whole closed part of the index on every queue page.
        capped = (
            select(Ticket.id)
            .where(Ticket.status == TicketStatus.CLOSED.value, *within)
            .limit(CLOSED_COUNT_CAP + 1)
        )
        closed_count = int(await session.scalar(select(func.count()).select_from(capped.subquery())) or 0)
    return QueueCounts(
        open=new + in_progress + answered,
        new=new,
        in_progress=in_progress,
        answered=answered,
        closed=closed_count,
        overdue=overdue,
        mine=mine,
        unassigned=unassigned,
        anonymous=anonymous,
    )


# -- a ticket's thread ------------------------------------------------------------------------


class ItemKind(StrEnum):
    DONOR = "donor"
    STAFF = "staff"
    NOTE = "note"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class ThreadItem:
    kind: ItemKind
    at: datetime
    text: str | None = None
    media: str | None = None  # photo, document, ... (the message id serves the file)
    message_id: int | None = None
    author_id: int | None = None
    author_name: str | None = None
    action: str | None = None  # an event: the audit action
    after: dict[str, Any] = field(default_factory=dict)
    channel: str = "chat"
    delivered: bool = True


EVENT_ACTIONS = ("ticket.take", "ticket.status", "ticket.reopen", "ticket.assign", "ticket.close")


async def thread(session: AsyncSession, ticket: Ticket) -> list[ThreadItem]:
    """The whole history of a ticket, oldest first: the donor's description and messages, the
    staff's replies, internal notes, and status changes and assignments (from the audit log)."""
    items = [ThreadItem(ItemKind.DONOR, utc(ticket.created_at), text=ticket.description)]
    for message in await session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id)
    ):
        items.append(
            ThreadItem(
                ItemKind.DONOR if message.direction == Direction.DONOR.value else ItemKind.STAFF,
                utc(message.created_at),
                text=message.text,
                media=None if message.kind == "text" else message.kind,
                message_id=message.id,
                author_id=message.author_id,
                channel="console" if message.source_chat_id == CONSOLE_SOURCE_CHAT else "chat",
                delivered=message.delivered,
            )
        )
    for note in await session.scalars(select(TicketNote).where(TicketNote.ticket_id == ticket.id)):
        items.append(
            ThreadItem(
                ItemKind.NOTE,
                utc(note.created_at),
                text=note.text,
                author_id=note.author_id,
                author_name=note.author_name,
            )
        )
    for entry in await session.scalars(
        select(AuditEntry).where(
            AuditEntry.target == ticket.number,
            AuditEntry.allowed.is_(True),
            AuditEntry.action.in_(EVENT_ACTIONS),
        )
    ):
        items.append(
            ThreadItem(
                ItemKind.EVENT,
                utc(entry.at),
                text=entry.note,
                author_id=entry.actor_id,
                action=entry.action,
                after=dict(entry.after or {}),
                channel=entry.channel,
            )
        )
    items.sort(key=lambda item: item.at)
    return items


DESK_ROLES = (Role.ADMIN.value, Role.OPERATOR.value)


async def colleagues(
    session: AsyncSession, *, platform: str, admin_ids: list[int], ticket: Ticket | None = None
) -> list[int]:
    """Who a ticket may be assigned to: admins and operators (for `ticket`, those whose
    provinces include it: a province office's ticket is not handed to another office)."""
    granted = await session.execute(
        select(StaffRole.user_id, StaffRole.role, StaffRole.provinces).where(
            StaffRole.platform == platform, StaffRole.role.in_(DESK_ROLES)
        )
    )
    people: dict[int, Scope] = {}
    for user_id, role, stored in granted:
        limited = scopes.parse_stored(stored)
        mine = scopes.ALL if role == Role.ADMIN.value or limited is None else Scope(limited)
        held = people.get(int(user_id))
        if held is None or mine.national:
            people[int(user_id)] = mine
        elif not held.national:
            people[int(user_id)] = Scope((held.provinces or frozenset()) | (mine.provinces or frozenset()))
    wanted = None if ticket is None else ticket.province_id
    return sorted({*admin_ids, *(i for i, scope in people.items() if ticket is None or scope.allows(wanted))})


async def staff_names(session: AsyncSession, *, platform: str, ids: list[int]) -> dict[int, str]:
    """Names staff are known by: their latest console sign-in, else the name on the latest
    ticket assigned to them (one indexed lookup each, not a scan of their tickets)."""
    names: dict[int, str] = {}
    if not ids:
        return names
    for user_id, name in await session.execute(
        select(ConsoleSession.user_id, ConsoleSession.name)
        .where(ConsoleSession.platform == platform, ConsoleSession.user_id.in_(ids))
        .order_by(ConsoleSession.id)
    ):
        names[int(user_id)] = str(name)
    for user_id in ids:
        if user_id in names:
            continue
        name = await session.scalar(
            select(Ticket.assignee_name)
            .where(Ticket.assignee_id == user_id, Ticket.assignee_name.is_not(None))
            .order_by(Ticket.id.desc())
            .limit(1)
        )
        if name is not None:
            names[user_id] = name
    return names


# -- actions --------------------------------------------------------------------------------


class Outcome(StrEnum):
    DONE = "done"
    UNCHANGED = "unchanged"  # already so (same status, already assigned)
    STALE = "stale"  # the ticket changed since the person looked at it
    NOT_FOUND = "not-found"
    CLOSED = "closed"  # a reply or note to a closed ticket
    DUPLICATE = "duplicate"  # the same form sent twice
    EMPTY = "empty"
    TOO_LONG = "too-long"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    name: str
    platform: str
    channel: str = "console"
    # The provinces the person works for (services.scopes): another province's ticket is
    # NOT_FOUND to them, as if it were not there.
    scope: Scope = scopes.ALL


@dataclass(frozen=True, slots=True)
class ActionResult:
    outcome: Outcome
    ticket: Ticket | None = None
    message: TicketMessage | None = None  # a reply: to deliver, then `mark_delivered`
    previous_status: str | None = None

    @property
    def done(self) -> bool:
        return self.outcome == Outcome.DONE


def version_of(ticket: Ticket) -> str:
    """The version a form carries: the ticket's last change, to the microsecond."""
    return utc(ticket.updated_at).isoformat()


async def _locked(
    session: AsyncSession, ticket_id: int, version: str | None, actor: Actor
) -> tuple[Ticket | None, Outcome | None]:
    ticket = await tickets.get_ticket(session, ticket_id, for_update=True)
    if ticket is None or not actor.scope.allows(ticket.province_id):
        return None, Outcome.NOT_FOUND
    if version is not None and version_of(ticket) != version:
        return ticket, Outcome.STALE
    return ticket, None


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    ticket: Ticket,
    change: tickets.Change | None = None,
    note: str | None = None,
    *,
    at: datetime,
) -> None:
    await audit.record(
        session,
        platform=actor.platform,
        actor_id=actor.user_id,
        action=action,
        target=ticket.number,
        before=change.before if change else None,
        after=change.after if change else None,
        note=note,
        channel=actor.channel,
        at=at,
    )


async def reply(
    session: AsyncSession,
    *,
    ticket_id: int,
    version: str | None,
    actor: Actor,
    text: str | None,
    key: int,
    now: datetime,
    limit: int | None,
    kind: str = "text",
    file_id: str | None = None,
    source_chat_id: int = CONSOLE_SOURCE_CHAT,
) -> ActionResult:
    """Record a staff reply to the donor (→ answered): text, or a photo/document... with its
    caption. `source_chat_id` and `key` name where it came from (the console's form key, or the
    staff chat and its message id). The caller delivers `message` and marks it delivered or not;
    the reply is kept either way."""
    text = text.strip() if text else None
    if kind == "text" and not text:
        return ActionResult(Outcome.EMPTY)
    if limit is not None and text is not None and len(text) > limit:
        return ActionResult(Outcome.TOO_LONG)
    seen = await session.scalar(
        select(TicketMessage.id).where(
            TicketMessage.source_chat_id == source_chat_id, TicketMessage.source_message_id == key
        )
    )
    if seen is not None:
        return ActionResult(Outcome.DUPLICATE)
    ticket, problem = await _locked(session, ticket_id, version, actor)
    if problem is not None or ticket is None:
        return ActionResult(problem or Outcome.NOT_FOUND, ticket)
    if ticket.status == TicketStatus.CLOSED:
        return ActionResult(Outcome.CLOSED, ticket)
    previous = ticket.status
    message = await tickets.add_message(
        session,
        ticket,
        direction=Direction.STAFF,
        kind=kind,
        text=text,
        file_id=file_id,
        source_chat_id=source_chat_id,
        source_message_id=key,
        now=now,
        author_id=actor.user_id,
    )
    if message is None:
        return ActionResult(Outcome.DUPLICATE, ticket)
    change = tickets.record_staff_answer(ticket, actor_id=actor.user_id, actor_name=actor.name, now=now)
    await _audit(session, actor, "ticket.answer", ticket, change, note=kind, at=now)
    await session.commit()
    return ActionResult(Outcome.DONE, ticket, message, previous)


async def add_note(
    session: AsyncSession, *, ticket_id: int, actor: Actor, text: str, now: datetime
) -> ActionResult:
    """An internal note: kept with the ticket, never sent (notes need no version: they add)."""
    text = text.strip()
    if not text:
        return ActionResult(Outcome.EMPTY)
    if len(text) > NOTE_LIMIT:
        return ActionResult(Outcome.TOO_LONG)
    ticket = await tickets.get_ticket(session, ticket_id)
    if ticket is None or not actor.scope.allows(ticket.province_id):
        return ActionResult(Outcome.NOT_FOUND)
    session.add(
        TicketNote(
            ticket_id=ticket.id,
            author_id=actor.user_id,
            author_name=actor.name[:128],
            text=text,
            created_at=now,
        )
    )
    await _audit(session, actor, "ticket.note", ticket, at=now)
    await session.commit()
    return ActionResult(Outcome.DONE, ticket)


async def assign(
    session: AsyncSession,
    *,
    ticket_id: int,
    version: str | None,
    actor: Actor,
    assignee_id: int,
    assignee_name: str,
    allowed: list[int],
    now: datetime,
) -> ActionResult:
    """Assign to the actor (take: → in progress) or to a colleague (admins and operators)."""
    if assignee_id not in allowed and assignee_id != actor.user_id:
        return ActionResult(Outcome.INVALID)
    ticket, problem = await _locked(session, ticket_id, version, actor)
    if problem is not None or ticket is None:
        return ActionResult(problem or Outcome.NOT_FOUND, ticket)
    previous = ticket.status
    try:
        if assignee_id == actor.user_id:
            change = tickets.take(ticket, actor_id=actor.user_id, actor_name=actor.name, now=now)
            action = "ticket.take"
        else:
            tickets.take(ticket, actor_id=assignee_id, actor_name=assignee_name, now=now)
            change = tickets.Change(ticket, True, {"status": previous}, tickets.snapshot(ticket))
            ticket.last_staff_action_at = now
            action = "ticket.assign"
    except TicketError:
        return ActionResult(Outcome.CLOSED, ticket)
    if not change.changed:
        return ActionResult(Outcome.UNCHANGED, ticket)
    await _audit(
        session,
        actor,
        action,
        ticket,
        change,
        note=None if action == "ticket.take" else assignee_name,
        at=now,
    )
    await session.commit()
    return ActionResult(Outcome.DONE, ticket, previous_status=previous)


async def set_status(
    session: AsyncSession,
    *,
    ticket_id: int,
    version: str | None,
    actor: Actor,
    status: str,
    now: datetime,
    reason: str | None = None,
) -> ActionResult:
    """In progress, answered, closed (with a reason), or reopen (closed → in progress)."""
    if status not in (TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED, TicketStatus.CLOSED):
        return ActionResult(Outcome.INVALID)
    if status == TicketStatus.CLOSED and reason is not None and reason not in CLOSE_REASONS:
        return ActionResult(Outcome.INVALID)
    ticket, problem = await _locked(session, ticket_id, version, actor)
    if problem is not None or ticket is None:
        return ActionResult(problem or Outcome.NOT_FOUND, ticket)
    previous = ticket.status
    try:
        change = tickets.set_status(
            ticket, TicketStatus(status), actor_id=actor.user_id, actor_name=actor.name, now=now
        )
    except TicketError as error:
        return ActionResult(Outcome.CLOSED if error.code == "closed" else Outcome.INVALID, ticket)
    if not change.changed:
        return ActionResult(Outcome.UNCHANGED, ticket)
    action = "ticket.reopen" if previous == TicketStatus.CLOSED else "ticket.status"
    await _audit(session, actor, action, ticket, change, note=reason, at=now)
    await session.commit()
    return ActionResult(Outcome.DONE, ticket, previous_status=previous)


# -- live updates ---------------------------------------------------------------------------


async def desk_stamp(session: AsyncSession, scope: Scope = scopes.ALL) -> str:
    """A word that changes whenever the queue or the home page may have something new to show:
    the newest ticket, the latest change to any ticket (both read off an index, not a scan) and
    the questions waiting for a person. The console's pages poll it; it reads the database, so
    any worker answers for a change made on any other, or in the chat. A province office's
    stamp moves with its own provinces' tickets only (it has no questions: they are national)."""
    mine = province_filter(Ticket.province_id, scope)
    newest = select(func.max(Ticket.id)).where(mine).scalar_subquery()
    latest = select(func.max(Ticket.updated_at)).where(mine).scalar_subquery()
    waiting = (
        select(func.count(FaqQuery.id))
        .where(
            FaqQuery.asked_staff_at.is_not(None),
            FaqQuery.answered_at.is_(None),
            true() if scope.national else false(),
        )
        .scalar_subquery()
    )
    row = (await session.execute(select(newest, latest, waiting))).one()
    return _stamp(*row)


async def ticket_stamp(session: AsyncSession, ticket_id: int, scope: Scope = scopes.ALL) -> str | None:
    """The same for one ticket's page: its last change (status, assignment, the donor's and the
    staff's messages all move it), its rating, its newest message and note, and how many
    messages reached the other side. None: no such ticket (or another province's)."""
    message = select(TicketMessage.id).where(TicketMessage.ticket_id == ticket_id)
    row = (
        await session.execute(
            select(
                Ticket.updated_at,
                Ticket.rating,
                select(func.max(TicketMessage.id))
                .where(TicketMessage.ticket_id == ticket_id)
                .scalar_subquery(),
                select(func.count())
                .select_from(message.where(TicketMessage.delivered.is_(True)).subquery())
                .scalar_subquery(),
                select(func.max(TicketNote.id)).where(TicketNote.ticket_id == ticket_id).scalar_subquery(),
            ).where(Ticket.id == ticket_id, province_filter(Ticket.province_id, scope))
        )
    ).one_or_none()
    return None if row is None else _stamp(*row)


def _stamp(*values: Any) -> str:
    return "-".join(
        "" if value is None else utc(value).isoformat() if isinstance(value, datetime) else str(value)
        for value in values
    )


# -- the home page --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HomeFigures:
    open_tickets: int
    overdue: int
    unassigned: int
    mine: int
    waiting_questions: int
    donations_today: int
    donated_today_rials: int


async def home_figures(
    session: AsyncSession,
    *,
    actor_id: int,
    now: datetime,
    sla_hours: float,
    day_start: datetime,
    scope: Scope = scopes.ALL,
) -> HomeFigures:
    """What needs attention: open, overdue, unassigned and own tickets; questions from the FAQ
    waiting for a person; donations paid since `day_start` (midnight in Tehran). A province
    office's figures are its provinces' (questions to a person are national: none)."""
    figures = await counts(
        session, actor_id=actor_id, now=now, sla_hours=sla_hours, closed=False, scope=scope
    )
    waiting = (
        await session.scalar(
            select(func.count(FaqQuery.id)).where(
                FaqQuery.asked_staff_at.is_not(None), FaqQuery.answered_at.is_(None)
            )
        )
        if scope.national
        else 0
    )
    paid_query = select(func.count(Donation.id), func.coalesce(func.sum(Donation.amount_rials), 0)).where(
        Donation.status == DonationStatus.PAID.value, Donation.paid_at >= day_start
    )
    if not scope.national:
        paid_query = paid_query.outerjoin(Campaign, Campaign.id == Donation.campaign_id).where(
            province_filter(func.coalesce(Donation.province_id, Campaign.province_id), scope)
        )
    paid = (await session.execute(paid_query)).one()
    return HomeFigures(
        open_tickets=figures.open,
        overdue=figures.overdue,
        unassigned=figures.unassigned,
        mine=figures.mine,
        waiting_questions=int(waiting or 0),
        donations_today=int(paid[0]),
        donated_today_rials=int(paid[1]),
    )


async def waiting_questions(
    session: AsyncSession, *, limit: int = 20, scope: Scope = scopes.ALL
) -> list[FaqQuery]:
    """Questions sent to a person and not answered yet, the oldest first (national staff's:
    a question names no province)."""
    if not scope.national:
        return []
    rows = await session.scalars(
        select(FaqQuery)
        .where(FaqQuery.asked_staff_at.is_not(None), FaqQuery.answered_at.is_(None))
        .order_by(FaqQuery.asked_staff_at, FaqQuery.id)
        .limit(limit)
    )
    return list(rows)
