"""Known tickets and volunteers for the staff reports (exports, /stats, /health).

The harness clock stands at NOW = 2026-11-30 08:00 UTC (9 Azar 1405, 11:30 in Tehran); Tehran's
month began on 1 Azar (2026-11-21 20:30 UTC).

| ticket | filed        | status      | first answer                       | closed | donor          |
| t5     | NOW-10 days  | closed      | —                                  | +48 h  | «علی»          |
| t2     | NOW-30 h     | answered    | +4 h (status set, no message)      | —      | anonymous      |
| t3     | NOW-26 h     | new         | — (waiting 26 h: overdue at 24 h)  | —      | «رضا کریمی»    |
| t1     | NOW-10 h     | closed      | +2 h (message; «answered» at +3 h) | +5 h   | «مریم احمدی»   |
| t4     | NOW-1 h      | in_progress | +30 min (message)                  | —      | «نرگس»         |

Medians: first answer of (30 min, 2 h, 4 h) = 2 h; closing of (5 h, 48 h) = 26 h 30 min.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy.ext.asyncio import AsyncSession

from models import User
from models.tickets import Direction, Ticket, TicketMessage
from services import volunteers
from services.persian import jalali_year

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ANONYMOUS_NAME = "ناشناس‌نما بهرامی"  # stored by mistake on an anonymous ticket: must never leak
ANONYMOUS_MOBILE = "09122222222"
_sequence = count(1)
_messages = count(1)


async def person(session: AsyncSession, user_id: int, platform: str = "telegram") -> User:
    user = User(platform=platform, user_id=user_id, chat_id=user_id, language="fa")
    session.add(user)
    await session.flush()
    return user


def ticket(
    user: User,
    created: datetime,
    status: str,
    *,
    category: str = "payment",
    anonymous: bool = False,
    name: str | None = None,
    mobile: str | None = None,
    answered: timedelta | None = None,
    closed: timedelta | None = None,
    waiting: datetime | None = None,
    rating: int | None = None,
) -> Ticket:
    seq = next(_sequence)
    year = jalali_year(created)
    return Ticket(
        number=f"T-{year}-{seq:06d}",
        year=year,
        seq=seq,
        draft_key=f"draft-{seq}",
        platform=user.platform,
        user_id=user.id,
        category=category,
        status=status,
        description="رسید پرداختم نیامد.",
        anonymous=anonymous,
        donor_name=name,
        contact_mobile=mobile,
        created_at=created,
        updated_at=created,
        waiting_since=waiting,
        answered_at=created + answered if answered is not None else None,
        closed_at=created + closed if closed is not None else None,
        rating=rating,
        reminders_sent=0,
    )


def staff_message(record: Ticket, at: datetime) -> TicketMessage:
    return TicketMessage(
        ticket_id=record.id,
        direction=Direction.STAFF.value,
        kind="text",
        text="سلام، پیگیری شد.",
        source_chat_id=-100,
        source_message_id=next(_messages),
        author_id=7,
        created_at=at,
    )


async def seed_tickets(session: AsyncSession) -> dict[str, Ticket]:
    donor = await person(session, 701)
    other = await person(session, 702, "bale")
    t1_at, t2_at, t3_at = NOW - timedelta(hours=10), NOW - timedelta(hours=30), NOW - timedelta(hours=26)
    t4_at, t5_at = NOW - timedelta(hours=1), NOW - timedelta(days=10)
    made = {
        "t1": ticket(
            donor,
            t1_at,
            "closed",
            name="مریم احمدی",
            mobile="09121111111",
            answered=timedelta(hours=3),
            closed=timedelta(hours=5),
            rating=5,
        ),
        "t2": ticket(
            other,
            t2_at,
            "answered",
            category="conduct",
            anonymous=True,
            name=ANONYMOUS_NAME,
            mobile=ANONYMOUS_MOBILE,
            answered=timedelta(hours=4),
            rating=4,
        ),
        "t3": ticket(donor, t3_at, "new", category="technical", name="رضا کریمی", waiting=t3_at),
        "t4": ticket(
            other, t4_at, "in_progress", category="dowry", name="نرگس", waiting=t4_at + timedelta(minutes=40)
        ),
        "t5": ticket(donor, t5_at, "closed", category="other", name="علی", closed=timedelta(hours=48)),
    }
    session.add_all(made.values())
    await session.flush()
    session.add_all(
        [
            staff_message(made["t1"], t1_at + timedelta(hours=2)),
            staff_message(made["t4"], t4_at + timedelta(minutes=30)),
        ]
    )
    await session.flush()
    return made


async def seed_volunteers(session: AsyncSession) -> None:
    """Two volunteers: one in Tehran (Shemiranat) signed up on 9 Azar, one in Isfahan in Aban."""
    first = await person(session, 801)
    second = await person(session, 802, "bale")
    await volunteers.save_volunteer(
        session,
        first.id,
        volunteers.Draft(
            areas=["health", "cultural"],
            profession="physician",
            skills="=کمک‌های اولیه",
            skills_done=True,
            province_id="23",
            county_id="2304",
            availability=["evenings", "emergencies"],
            mobile="09121234567",
            mobile_shared=True,
            consent=True,
        ),
        NOW - timedelta(hours=2),
    )
    await volunteers.save_volunteer(
        session,
        second.id,
        volunteers.Draft(
            areas=["construction"],
            profession="other",
            profession_text="کارشناس تغذیه",
            skills_done=True,
            province_id="10",
            county_id="1001",
            availability=["weekends"],
            mobile="09131234567",
            mobile_shared=False,
            consent=True,
        ),
        datetime(2026, 11, 10, 6, 0, tzinfo=UTC),
    )
    await session.flush()
