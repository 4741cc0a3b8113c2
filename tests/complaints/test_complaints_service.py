"""services.tickets on its own (SQLite, and PostgreSQL when TEST_DATABASE_URL is set): numbering
under concurrency, the lifecycle rules, SLA selection and reminder claims, the inbox overview."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.donation import Donation, DonationStatus
from models.tickets import TicketCategory, TicketStatus
from models.user import User
from services import tickets
from services.tickets import Attachment, Draft, TicketError
from tests.dbkit import sessions_on

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 9 Azar 1405


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


async def _user(sessionmaker: async_sessionmaker[AsyncSession], user_id: int = 5001) -> int:
    async with sessionmaker() as session:
        user = User(platform="telegram", user_id=user_id, chat_id=user_id, language="fa")
        session.add(user)
        await session.commit()
        return user.id


def _draft(key: str, **kwargs: object) -> Draft:
    values: dict[str, object] = {
        "key": key,
        "category": TicketCategory.PAYMENT,
        "description": "رسید نیامد",
        "donor_name": "سارا",
    }
    values.update(kwargs)
    return Draft(**values)  # type: ignore[arg-type]


async def _file(session: AsyncSession, user_db_id: int, key: str, now: datetime = NOW, **kwargs: object):
    ticket, created = await tickets.create_ticket(
        session,
        platform="telegram",
        user_db_id=user_db_id,
        draft=_draft(key, **kwargs),
        now=now,
        prefix="T",
        staff_chat_id=-100,
        text_limit=100,
        attachment_limit=2,
    )
    return ticket, created


async def test_numbers_are_unique_under_concurrency_and_restart_each_jalali_year(db) -> None:
    owner = await _user(db)

    async def file(index: int) -> str:
        async with db() as session:
            ticket, _ = await _file(session, owner, f"draft-{index}")
            await session.commit()
            return ticket.number

    numbers = await asyncio.gather(*(file(index) for index in range(12)))
    assert sorted(numbers) == [f"T-1405-{seq:06d}" for seq in range(1, 13)]
    nowruz = datetime(2027, 3, 21, 12, 0, tzinfo=UTC)  # 1 Farvardin 1406
    async with db() as session:
        ticket, _ = await _file(session, owner, "new-year", now=nowruz)
        await session.commit()
        assert ticket.number == "T-1406-000001"


async def test_filing_is_idempotent_and_validated(db) -> None:
    owner, other = await _user(db, 1), await _user(db, 2)
    async with db() as session:
        first, created = await _file(session, owner, "same")
        again, created_again = await _file(session, owner, "same")
        assert created and not created_again and again.id == first.id
        following, _ = await _file(session, owner, "following")
        assert following.number == "T-1405-000002"  # the repeat gave its number back
        with pytest.raises(TicketError, match="empty"):
            await _file(session, owner, "empty", description="   ")
        with pytest.raises(TicketError, match="too-long"):
            await _file(session, owner, "long", description="ب" * 101)
        photos = tuple(Attachment("photo", f"F{i}", 1, 100 + i) for i in range(3))
        with pytest.raises(TicketError, match="too-many-attachments"):
            await _file(session, owner, "many", attachments=photos)
        donation = Donation(
            user_id=other,
            purpose="dowry",
            amount_rials=100_000,
            provider="test",
            currency="IRR",
            status=DonationStatus.PAID.value,
            payload="p-1",
            paid_at=NOW,
        )
        session.add(donation)
        await session.flush()
        with pytest.raises(TicketError, match="foreign-donation"):
            await _file(session, owner, "foreign", donation_id=donation.id)
        mine, _ = await _file(session, other, "mine", donation_id=donation.id, anonymous=True)
        assert mine.donor_name is None  # anonymous: no name kept
        assert [d.id for d in await tickets.paid_donations(session, other)] == [donation.id]
        assert await tickets.paid_donations(session, owner) == []
        await session.commit()


async def test_lifecycle_rules(db) -> None:
    owner = await _user(db)
    async with db() as session:
        ticket, _ = await _file(session, owner, "life")
        assert ticket.status == TicketStatus.NEW and ticket.waiting_since == NOW
        later = NOW + timedelta(hours=1)
        change = tickets.take(ticket, actor_id=7, actor_name="کارشناس", now=later)
        assert change.changed and change.before == {"status": "new", "assignee_id": None}
        assert ticket.waiting_since == later  # taking restarts the SLA clock
        assert not tickets.take(ticket, actor_id=7, actor_name="کارشناس", now=later).changed
        tickets.record_staff_answer(ticket, actor_id=7, actor_name="کارشناس", now=later)
        assert ticket.status == TicketStatus.ANSWERED and ticket.waiting_since is None
        with pytest.raises(TicketError):
            tickets.rate(ticket, 6)
        tickets.record_donor_message(ticket, now=later + timedelta(hours=1))
        assert ticket.status == TicketStatus.IN_PROGRESS and ticket.waiting_since == later + timedelta(
            hours=1
        )
        with pytest.raises(TicketError, match="not-yet"):
            tickets.rate(ticket, 5)
        assert tickets.set_status(
            ticket, TicketStatus.CLOSED, actor_id=8, actor_name="مدیر", now=later
        ).changed
        for action in (
            lambda: tickets.take(ticket, actor_id=7, actor_name="x", now=later),
            lambda: tickets.record_staff_answer(ticket, actor_id=7, actor_name="x", now=later),
            lambda: tickets.record_donor_message(ticket, now=later),
            lambda: tickets.set_status(ticket, TicketStatus.ANSWERED, actor_id=7, actor_name="x", now=later),
        ):
            with pytest.raises(TicketError, match="closed"):
                action()
        assert tickets.rate(ticket, 4) and not tickets.rate(ticket, 2) and ticket.rating == 4
        assert not tickets.donor_close(ticket, now=later).changed
        assert tickets.donor_reopen(ticket, now=later).changed
        assert ticket.status == TicketStatus.IN_PROGRESS and ticket.rating is None
        await session.commit()


async def test_overdue_selection_and_reminder_claims(db) -> None:
    owner = await _user(db)
    async with db() as session:
        old, _ = await _file(session, owner, "old", now=NOW - timedelta(hours=30))
        fresh, _ = await _file(session, owner, "fresh", now=NOW - timedelta(hours=2))
        answered, _ = await _file(session, owner, "answered", now=NOW - timedelta(hours=40))
        tickets.record_staff_answer(answered, actor_id=7, actor_name="x", now=NOW - timedelta(hours=39))
        await session.commit()
        overdue = await tickets.overdue_tickets(session, NOW, 24)
        assert [t.id for t in overdue] == [old.id]
        assert [t.id for t in await tickets.overdue_tickets(session, NOW, 1)] == [old.id, fresh.id]
        assert await tickets.overdue_tickets(session, NOW, 24, chat_id=-999) == []

        assert await tickets.claim_reminder(session, old, now=NOW, period_hours=12)
        assert not await tickets.claim_reminder(session, old, now=NOW + timedelta(hours=11), period_hours=12)
        assert await tickets.claim_reminder(session, old, now=NOW + timedelta(hours=12), period_hours=12)
        await session.commit()
        # A staff action restarts the wait; a new overdue spell may be reminded at once.
        stored = await tickets.get_ticket(session, old.id)
        assert stored is not None and stored.reminders_sent == 2
        tickets.take(stored, actor_id=7, actor_name="x", now=NOW + timedelta(hours=13))
        await session.commit()
        assert old.id not in [
            t.id for t in await tickets.overdue_tickets(session, NOW + timedelta(hours=36), 24)
        ]
        assert await tickets.claim_reminder(session, stored, now=NOW + timedelta(hours=38), period_hours=12)
        await tickets.unclaim_reminder(session, stored.id, NOW + timedelta(hours=12))
        await session.commit()
        stored = await tickets.get_ticket(session, old.id)
        assert stored is not None and stored.reminders_sent == 2


async def test_overview_counts(db) -> None:
    owner = await _user(db)
    async with db() as session:
        a, _ = await _file(session, owner, "a", now=NOW - timedelta(hours=50))
        b, _ = await _file(
            session, owner, "b", now=NOW - timedelta(hours=3), category=TicketCategory.TECHNICAL
        )
        c, _ = await _file(
            session, owner, "c", now=NOW - timedelta(hours=1), category=TicketCategory.TECHNICAL
        )
        closed, _ = await _file(session, owner, "d", now=NOW - timedelta(hours=90))
        tickets.take(b, actor_id=7, actor_name="x", now=NOW - timedelta(hours=2))
        tickets.record_staff_answer(c, actor_id=8, actor_name="y", now=NOW)
        tickets.donor_close(closed, now=NOW)
        await session.commit()
        view = await tickets.overview(session, now=NOW, sla_hours=24, actor_id=7)
        assert view.open_total == 3 and view.overdue == 1 and view.overdue_ids == {a.id}
        assert view.by_status == {"new": 1, "in_progress": 1, "answered": 1}
        assert view.by_category == {"payment": 1, "technical": 2}
        assert [t.id for t in view.mine] == [b.id] and view.unassigned == 1
        assert [t.id for t in view.oldest] == [a.id, b.id]


async def test_posting_claim_is_exclusive(db) -> None:
    owner = await _user(db)
    async with db() as session:
        ticket, _ = await _file(session, owner, "claim")
        await session.commit()
        stale = timedelta(minutes=2)
        assert await tickets.claim_posting(session, ticket.id, "a", now=NOW, stale_after=stale)
        assert not await tickets.claim_posting(session, ticket.id, "b", now=NOW, stale_after=stale)
        assert await tickets.posting_claimed(session, ticket.id)
        await tickets.release_posting(session, ticket.id, "b")  # not b's claim: nothing happens
        assert await tickets.posting_claimed(session, ticket.id)
        # A claim left by a crashed worker is taken over after a while.
        assert await tickets.claim_posting(
            session, ticket.id, "c", now=NOW + timedelta(minutes=3), stale_after=stale
        )
        await tickets.release_posting(session, ticket.id, "c")
        assert not await tickets.posting_claimed(session, ticket.id)
        await session.commit()
