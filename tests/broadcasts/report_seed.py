"""Known subscribers, broadcasts and outbox rows for the broadcasts' staff reports (/stats, the
subscribers and broadcasts exports, /health), written through the subscription services.

The harness clock stands at NOW = 2026-11-30 08:00 UTC (Monday 9 Azar 1405, 11:30 in Tehran).
Tehran's day began at 2026-11-29 20:30 UTC, its week (Saturday 7 Azar) at 2026-11-27 20:30 UTC,
its month (1 Azar) at 2026-11-21 20:30 UTC.

| person | language | settings                                                          | now             |
| u1     | fa       | never opened them (defaults: campaign updates, province news)     | reachable       |
| u2     | en       | new campaigns, campaign updates, volunteer calls on; province off | reachable       |
|        |          | (on 5 Aban, last month); province Tehran                          |                 |
| u3     | fa       | 🔕 under b1, today (NOW-1 h)                                      | stopped         |
| u4     | fa       | campaign updates off on Friday 6 Azar (this month, not this week) | reachable       |
| u5     | fa       | blocked the bot                                                   | blocked         |
| u6     | fa       | /stop on Saturday 7 Azar, back (defaults) on Sunday               | reachable       |
| u7     | fa       | /stop on Saturday, new campaigns on Sunday, off today (NOW-2 h)   | reachable, none |
| u8     | fa       | /stop on 19 Aban (last month)                                     | stopped         |

Unsubscribed — today: u3 (/stop), u7 (topic) = 2; week: + u6 (/stop; u7 also) = 3 (3 /stop, 1
topic); month: + u4 (topic) = 4 (3 /stop, 2 topics). Subscribers now (reachable): new campaigns
u2 = 1; campaign updates u1 u2 u6 = 3; province news u1 u4 u6 = 3; volunteer calls u2 = 1.

| broadcast | kind, author           | segment             | status    | started        | outbox (answered)                       |
| b7        | manual, admin          | everyone            | done      | 8 Aban         | u1 sent (8 Aban)                        |
| b3        | manual, campaign mgr   | topic new campaigns | cancelled | 2 Azar         | u2 sent (2 Azar), u7 cancelled          |
| b2        | campaign half, notice  | donors of «یلدا»    | done      | Sat 7 Azar     | u1 u6 sent, u7 failed (7 Azar)          |
| b1        | manual, admin          | everyone            | done      | today NOW-3 h  | u1 u2 u3 sent, u4 failed, u5 blocked    |
| b5        | manual, admin          | province Tehran     | paused    | today NOW-10 m | u4 sent (NOW-5 m), u1 pending, u2 sending|
| b4        | manual, admin          | language en         | scheduled | — (14 Azar)    | —                                       |
| b6        | manual, admin          | everyone            | draft     | —              | —                                       |

Today: 2 broadcasts (b1, b5), 4 delivered, 1 failed, 1 blocked; week: 3, 6, 2, 1; month: 4, 7,
2, 1. Backlog: 2 recipients; 1 broadcast paused, 1 scheduled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models.broadcasts import (
    Broadcast,
    BroadcastKind,
    BroadcastStatus,
    OutboxItem,
    OutboxStatus,
    SegmentKind,
    Topic,
)
from models.donation import Campaign
from models.user import User
from services import subscriptions

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)  # 7 Azar, 13:30 in Tehran
SUNDAY = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)  # 8 Azar
FRIDAY = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 6 Azar, 11:30: this month, before the week
AZAR_2 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 2 Azar, 13:30 in Tehran
ABAN_5 = datetime(2026, 10, 27, 10, 0, tzinfo=UTC)
ABAN_8 = datetime(2026, 10, 30, 10, 0, tzinfo=UTC)
ABAN_19 = datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
JOINED = datetime(2026, 9, 1, 6, 0, tzinfo=UTC)  # 10 Shahrivar 1405, 09:30 in Tehran


@dataclass
class Seeded:
    users: dict[str, User]
    broadcasts: dict[str, Broadcast]
    campaign: Campaign


async def _user(session: AsyncSession, platform: str, user_id: int, *, language: str = "fa") -> User:
    user = User(
        platform=platform,
        user_id=user_id,
        chat_id=user_id,
        language=language,
        first_seen=JOINED + timedelta(days=user_id % 100),
        last_seen=JOINED,
    )
    session.add(user)
    await session.flush()
    return user


def _broadcast(
    platform: str,
    *,
    status: BroadcastStatus,
    created: datetime,
    segment: SegmentKind = SegmentKind.EVERYONE,
    value: str | None = None,
    kind: BroadcastKind = BroadcastKind.MANUAL,
    author_role: str | None = "admin",
    finished: datetime | None = None,
    total: int = 0,
) -> Broadcast:
    started = None if status in (BroadcastStatus.DRAFT, BroadcastStatus.SCHEDULED) else created
    return Broadcast(
        platform=platform,
        kind=kind.value,
        status=status.value,
        author_id=None if kind is not BroadcastKind.MANUAL else 9_000_001,
        author_role=None if kind is not BroadcastKind.MANUAL else author_role,
        text_fa="خبر",
        segment_kind=segment.value,
        segment_value=value,
        created_at=created,
        confirmed_at=None if status is BroadcastStatus.DRAFT else created,
        started_at=started,
        finished_at=finished,
        total=total,
        filled=status is not BroadcastStatus.DRAFT,
        reported_final=status in (BroadcastStatus.DONE, BroadcastStatus.CANCELLED),  # the author was told
    )


def _row(
    broadcast: Broadcast, user: User, status: OutboxStatus, answered: datetime | None = None
) -> OutboxItem:
    return OutboxItem(
        broadcast_id=broadcast.id,
        user_id=user.id,
        chat_id=user.chat_id,
        language=user.language,
        status=status.value,
        attempts=1 if answered else 0,
        answered_at=answered,
        claimed_by="w-dead" if status is OutboxStatus.SENDING else None,
        claimed_at=NOW if status is OutboxStatus.SENDING else None,
    )


async def seed_broadcast_reports(session: AsyncSession, platform: str, *, first_id: int = 7001) -> Seeded:
    users = {
        f"u{n}": await _user(session, platform, first_id + n - 1, language="en" if n == 2 else "fa")
        for n in range(1, 9)
    }
    users["u5"].is_blocked = True
    campaign = Campaign(
        title_fa="یلدای مهربانی",
        title_en="Yalda of Kindness",
        description_fa="جهیزیه برای زوج‌های تحت پوشش",
        description_en="Dowry kits",
        purpose="dowry",
        scope="national",
        goal_rials=100_000_000,
        starts_at=datetime(2026, 10, 1, tzinfo=UTC),
        ends_at=datetime(2027, 1, 1, tzinfo=UTC),
        status="active",
    )
    session.add(campaign)
    await session.flush()

    made = {
        "b7": _broadcast(platform, status=BroadcastStatus.DONE, created=ABAN_8, finished=ABAN_8, total=1),
        "b3": _broadcast(
            platform,
            status=BroadcastStatus.CANCELLED,
            created=AZAR_2,
            segment=SegmentKind.TOPIC,
            value=Topic.NEW_CAMPAIGNS.value,
            author_role="campaign_manager",
            finished=AZAR_2 + timedelta(minutes=5),
            total=2,
        ),
        "b2": _broadcast(
            platform,
            status=BroadcastStatus.DONE,
            created=SATURDAY,
            segment=SegmentKind.DONORS,
            value=str(campaign.id),
            kind=BroadcastKind.CAMPAIGN_HALF,
            finished=SATURDAY + timedelta(minutes=1),
            total=3,
        ),
        "b1": _broadcast(
            platform,
            status=BroadcastStatus.DONE,
            created=NOW - timedelta(hours=3),
            finished=NOW - timedelta(hours=2),
            total=5,
        ),
        "b5": _broadcast(
            platform,
            status=BroadcastStatus.PAUSED,
            created=NOW - timedelta(minutes=10),
            segment=SegmentKind.PROVINCE,
            value="23",
            total=3,
        ),
        "b4": _broadcast(
            platform,
            status=BroadcastStatus.SCHEDULED,
            created=NOW - timedelta(minutes=30),
            segment=SegmentKind.LANGUAGE,
            value="en",
        ),
        "b6": _broadcast(platform, status=BroadcastStatus.DRAFT, created=NOW - timedelta(minutes=1)),
    }
    made["b4"].scheduled_at = datetime(2026, 12, 5, 14, 30, tzinfo=UTC)  # 14 Azar, 18:00 in Tehran
    session.add_all(made.values())
    await session.flush()
    u, b = users, made
    session.add_all(
        [
            _row(b["b7"], u["u1"], OutboxStatus.SENT, ABAN_8),
            _row(b["b3"], u["u2"], OutboxStatus.SENT, AZAR_2),
            _row(b["b3"], u["u7"], OutboxStatus.CANCELLED),
            _row(b["b2"], u["u1"], OutboxStatus.SENT, SATURDAY),
            _row(b["b2"], u["u6"], OutboxStatus.SENT, SATURDAY),
            _row(b["b2"], u["u7"], OutboxStatus.FAILED, SATURDAY),
            *(
                _row(b["b1"], u[name], OutboxStatus.SENT, NOW - timedelta(hours=2, minutes=50))
                for name in ("u1", "u2", "u3")
            ),
            _row(b["b1"], u["u4"], OutboxStatus.FAILED, NOW - timedelta(hours=2, minutes=50)),
            _row(b["b1"], u["u5"], OutboxStatus.BLOCKED, NOW - timedelta(hours=2, minutes=50)),
            _row(b["b5"], u["u4"], OutboxStatus.SENT, NOW - timedelta(minutes=5)),
            _row(b["b5"], u["u1"], OutboxStatus.PENDING),
            _row(b["b5"], u["u2"], OutboxStatus.SENDING),
        ]
    )

    for topic in (Topic.NEW_CAMPAIGNS, Topic.VOLUNTEER_CALLS):
        await subscriptions.set_topic(session, u["u2"].id, topic, True, now=ABAN_5)
    await subscriptions.set_topic(session, u["u2"].id, Topic.PROVINCE_NEWS, False, now=ABAN_5)
    await subscriptions.set_province(session, u["u2"].id, "23", now=ABAN_5)
    await subscriptions.stop_all(session, u["u3"].id, now=NOW - timedelta(hours=1), broadcast_id=b["b1"].id)
    await subscriptions.set_topic(session, u["u4"].id, Topic.CAMPAIGN_UPDATES, False, now=FRIDAY)
    await subscriptions.stop_all(session, u["u6"].id, now=SATURDAY)
    await subscriptions.resume_defaults(session, u["u6"].id, now=SUNDAY)
    await subscriptions.stop_all(session, u["u7"].id, now=SATURDAY)
    await subscriptions.set_topic(session, u["u7"].id, Topic.NEW_CAMPAIGNS, True, now=SUNDAY)
    await subscriptions.set_topic(
        session, u["u7"].id, Topic.NEW_CAMPAIGNS, False, now=NOW - timedelta(hours=2)
    )
    # Turning off what is already off is no unsubscribing: u8's topics are all off after /stop.
    await subscriptions.stop_all(session, u["u8"].id, now=ABAN_19)
    await subscriptions.set_topic(session, u["u8"].id, Topic.VOLUNTEER_CALLS, False, now=NOW)
    await session.flush()
    return Seeded(users=users, broadcasts=made, campaign=campaign)
