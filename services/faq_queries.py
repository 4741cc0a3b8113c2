"""Questions typed in the chat: what the FAQ answered, whether it helped, and the questions sent
to the staff chat (and the staff's replies relayed back).

The text of a question is kept for the learning loop (services.faq_learning) for
KEEP_UNSENT_DAYS, or KEEP_SENT_DAYS once it went to a staff member, then cleared
(forget_old_texts); "the answer helped" keeps it too, under the same rule: it is already masked,
and what was answered well is what staff confirm as a phrasing. Staff replies are matched by the card's (platform, staff chat, message id),
bound to one question only. Personal numbers in a question (national code, mobile, card, IBAN)
are masked before it is kept (services.privacy), so neither the table nor the staff card ever
holds them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from models.faq import FaqQuery
from models.tickets import TicketLink
from services import privacy

#: Typed questions are kept this long when they never went to a staff member ...
KEEP_UNSENT_DAYS = 30
#: ... and this long when they did (the staff may need the thread for a follow-up).
KEEP_SENT_DAYS = 180

#: Entries shown as "popular" when the chat has no history yet (ids in data/faq.yaml).
DEFAULT_POPULAR = ("dowry_who", "dowry_how_apply", "status_check", "donate_how", "receipt_get", "bot_human")
POPULAR_DAYS = 90


async def record(
    session: AsyncSession,
    *,
    platform: str,
    user_id: int,
    chat_id: int,
    kind: str,
    now: datetime,
    text: str | None = None,
    entry_id: str | None = None,
    score: float | None = None,
    context: str | None = None,
) -> FaqQuery:
    query = FaqQuery(
        platform=platform,
        user_id=user_id,
        chat_id=chat_id,
        kind=kind,
        text=privacy.mask(text),
        entry_id=entry_id,
        score=score,
        context=context,
        created_at=now,
        answers=0,
    )
    session.add(query)
    await session.flush()
    return query


async def owned(session: AsyncSession, query_id: int, *, platform: str, user_id: int) -> FaqQuery | None:
    """The query if it belongs to this person (a forged id from someone else gives None)."""
    query = await session.get(FaqQuery, query_id)
    if query is None or query.platform != platform or query.user_id != user_id:
        return None
    return query


async def retell(session: AsyncSession, query: FaqQuery, text: str) -> None:
    """The person typed their question for the staff after this query (an FAQ entry that did
    not help, or the eligibility result): keep it, masked, in place of the earlier text."""
    query.text = privacy.mask(text)
    query.helpful = False if query.entry_id else None
    await session.flush()


async def mark_helpful(session: AsyncSession, query: FaqQuery, helpful: bool) -> None:
    """The person's feedback on an answer. The (masked) text stays for the learning loop and is
    cleared with every other question's (forget_old_texts)."""
    query.helpful = helpful
    await session.flush()


async def claim_for_staff(session: AsyncSession, query: FaqQuery, now: datetime) -> bool:
    """Mark the question as being sent to the staff (and the card's posting as attempted now);
    False when it already was (a second press, a re-run update). The caller commits before it
    posts the card, so a failure after sending can never post a second card."""
    result = await session.execute(
        update(FaqQuery)
        .where(FaqQuery.id == query.id, FaqQuery.asked_staff_at.is_(None))
        .values(asked_staff_at=now, staff_post_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(query)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def claim_posting(
    session: AsyncSession, query_id: int, *, now: datetime, stale_after: timedelta
) -> FaqQuery | None:
    """Take over posting a card that is still missing (the staff chat refused it, or the worker
    that tried died): one conditional UPDATE, committed before the card is posted, so of several
    workers exactly one posts it. The question, when this worker took it."""
    result = await session.execute(
        update(FaqQuery)
        .where(
            FaqQuery.id == query_id,
            FaqQuery.asked_staff_at.is_not(None),
            FaqQuery.staff_message_id.is_(None),
            or_(FaqQuery.staff_post_at.is_(None), FaqQuery.staff_post_at <= now - stale_after),
        )
        .values(staff_post_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    return await session.get(FaqQuery, query_id, populate_existing=True)


async def cards_to_post(
    session: AsyncSession, *, now: datetime, stale_after: timedelta, limit: int = 50
) -> list[int]:
    """Questions sent to the staff whose card is not in the staff chat yet, oldest first."""
    rows = await session.scalars(
        select(FaqQuery.id)
        .where(
            FaqQuery.asked_staff_at.is_not(None),
            FaqQuery.staff_message_id.is_(None),
            FaqQuery.answered_at.is_(None),
            FaqQuery.text.is_not(None),
            or_(FaqQuery.staff_post_at.is_(None), FaqQuery.staff_post_at <= now - stale_after),
        )
        .order_by(FaqQuery.asked_staff_at, FaqQuery.id)
        .limit(limit)
    )
    return list(rows)


async def card_sent(session: AsyncSession, query: FaqQuery, *, staff_chat_id: int, message_id: int) -> None:
    """Bind the posted card to the question. The newest card holds the binding of its
    (platform, chat, message): an older question or ticket bound to the same message id (a
    staff chat whose ids repeated) loses it, so a reply never reaches the older person.
    Committed: the binding is kept before anything else is posted."""
    await unbind_card(session, platform=query.platform, staff_chat_id=staff_chat_id, message_id=message_id)
    await session.execute(
        delete(TicketLink).where(
            TicketLink.platform == query.platform,
            TicketLink.chat_id == staff_chat_id,
            TicketLink.message_id == message_id,
        )
    )
    query.staff_chat_id = staff_chat_id
    query.staff_message_id = message_id
    await session.commit()


async def unbind_card(session: AsyncSession, *, platform: str, staff_chat_id: int, message_id: int) -> None:
    """Drop any question card's binding to this message; a question this session holds learns
    it too (what the ORM's "fetch" synchronisation did, without its UPDATE machinery, which cost
    more than the statement: this runs at every ticket card and link, and rarely finds one)."""
    parameters = {"w_platform": platform, "w_chat": staff_chat_id, "w_message": message_id}
    for query_id in (await session.execute(_UNBIND_CARD, parameters)).scalars():
        held = session.identity_map.get(identity_key(FaqQuery, query_id))
        if held is not None:
            set_committed_value(held, "staff_message_id", None)


_QUESTIONS = cast(Table, FaqQuery.__table__)
_UNBIND_CARD = (  # built once, on the table
    update(_QUESTIONS)
    .where(
        _QUESTIONS.c.platform == bindparam("w_platform"),
        _QUESTIONS.c.staff_chat_id == bindparam("w_chat"),
        _QUESTIONS.c.staff_message_id == bindparam("w_message"),
    )
    .values(staff_message_id=None)
    .returning(_QUESTIONS.c.id)
)


async def by_card(
    session: AsyncSession, *, platform: str, staff_chat_id: int, message_id: int
) -> FaqQuery | None:
    return await session.scalar(
        select(FaqQuery).where(
            FaqQuery.platform == platform,
            FaqQuery.staff_chat_id == staff_chat_id,
            FaqQuery.staff_message_id == message_id,
        )
    )


async def answered(
    session: AsyncSession, query: FaqQuery, *, staff_id: int, now: datetime, text: str | None = None
) -> None:
    """A staff member answered the question; ``text`` (masked) is kept with it while the
    question is, for the learning loop to offer as a new entry's answer."""
    query.answered_at = now
    query.answered_by = staff_id
    query.answers = (query.answers or 0) + 1
    if text is not None:
        query.staff_answer = privacy.mask(text)
    await session.flush()


async def popular(session: AsyncSession, *, now: datetime, known: Sequence[str], limit: int = 5) -> list[str]:
    """The entries opened or answered most in the last POPULAR_DAYS, topped up with defaults."""
    rows = await session.execute(
        select(FaqQuery.entry_id, func.count())
        .where(
            FaqQuery.entry_id.is_not(None),
            FaqQuery.kind.in_(("confident", "view")),
            FaqQuery.created_at >= now - timedelta(days=POPULAR_DAYS),
        )
        .group_by(FaqQuery.entry_id)
        .order_by(func.count().desc(), FaqQuery.entry_id)
        .limit(limit * 2)
    )
    allowed = set(known)
    chosen = [entry for entry, _count in rows.all() if entry in allowed]
    for entry in DEFAULT_POPULAR:
        if entry in allowed and entry not in chosen:
            chosen.append(entry)
    return chosen[:limit]


async def forget_old_texts(session: AsyncSession, *, now: datetime) -> int:
    """Clear the text of old questions (the row stays for statistics); returns how many."""
    unsent = await session.execute(
        update(FaqQuery)
        .where(
            FaqQuery.text.is_not(None),
            FaqQuery.asked_staff_at.is_(None),
            FaqQuery.created_at < now - timedelta(days=KEEP_UNSENT_DAYS),
        )
        .values(text=None)
    )
    sent = await session.execute(
        update(FaqQuery)
        .where(
            or_(FaqQuery.text.is_not(None), FaqQuery.staff_answer.is_not(None)),
            FaqQuery.created_at < now - timedelta(days=KEEP_SENT_DAYS),
        )
        .values(text=None, staff_answer=None)
    )
    return int(unsent.rowcount or 0) + int(sent.rowcount or 0)  # type: ignore[attr-defined]
