"""Tickets benchmark: filing under concurrency (unique per-year numbers), and the SLA check and
the /tickets overview with many open tickets.

Run from the repository root:  python -m benchmarks.complaints_bench   (not a timed test)
Set BENCH_DATABASE_URL=postgresql+asyncpg://… to measure PostgreSQL (its tables are emptied).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from bot.migrate import upgrade
from models import Base
from models.db import create_engine, create_sessionmaker
from models.tickets import Ticket, TicketCategory
from models.user import User
from services import tickets
from services.tickets import Draft

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WORKERS = 20
FILED_CONCURRENTLY = 400
OPEN_TICKETS = 10_000


async def main(
    url: str, filed: int = FILED_CONCURRENTLY, open_tickets: int = OPEN_TICKETS
) -> dict[str, float]:
    """Print and return the figures: tickets/s, filing p50/p95 (ms), and the SLA check's and the
    overview's median (ms) over `open_tickets` open tickets."""
    figures: dict[str, float] = {}
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        users = [
            User(platform="telegram", user_id=10_000 + i, chat_id=10_000 + i, language="fa")
            for i in range(50)
        ]
        session.add_all(users)
        await session.commit()
        user_ids = [user.id for user in users]

    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(filed):
        queue.put_nowait(index)
    latencies: list[float] = []
    numbers: list[str] = []

    async def worker() -> None:
        while not queue.empty():
            index = queue.get_nowait()
            started = time.perf_counter()
            async with sessionmaker() as session:
                ticket, _ = await tickets.create_ticket(
                    session,
                    platform="telegram",
                    user_db_id=user_ids[index % len(user_ids)],
                    draft=Draft(
                        key=f"bench-{index}", category=TicketCategory.PAYMENT, description="رسید نیامد"
                    ),
                    now=NOW,
                    prefix="T",
                    staff_chat_id=-100,
                    text_limit=2000,
                    attachment_limit=5,
                )
                await session.commit()
            latencies.append(time.perf_counter() - started)
            numbers.append(ticket.number)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(WORKERS)))
    elapsed = time.perf_counter() - started
    assert len(set(numbers)) == filed, "duplicate ticket numbers"
    latencies.sort()
    figures["tickets/s"] = filed / elapsed
    figures["filing p50"] = statistics.median(latencies) * 1000
    figures["filing p95"] = latencies[int(len(latencies) * 0.95)] * 1000
    print(f"{engine.dialect.name}: filed {filed} tickets with {WORKERS} concurrent workers")
    print(f"  {filed / elapsed:,.0f} tickets/s; all numbers unique (T-1405-000001…)")
    print(
        f"  latency median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms"
    )

    async with sessionmaker() as session:
        batch = []
        for index in range(open_tickets - filed):
            year_seq = filed + index + 1
            batch.append(
                {
                    "number": f"T-1405-{year_seq:06d}",
                    "year": 1405,
                    "seq": year_seq,
                    "draft_key": f"bulk-{index}",
                    "platform": "telegram",
                    "user_id": user_ids[index % len(user_ids)],
                    "category": list(TicketCategory)[index % len(TicketCategory)].value,
                    "status": "new" if index % 3 else "in_progress",
                    "description": "x",
                    "anonymous": False,
                    "staff_chat_id": -100,
                    "created_at": NOW - timedelta(minutes=index),
                    "updated_at": NOW,
                    "waiting_since": NOW - timedelta(minutes=index),
                    "reminders_sent": 0,
                    "assignee_id": 7 if index % 5 == 0 else None,
                }
            )
        await session.execute(insert(Ticket), batch)
        await session.commit()

    for label, call in (
        ("overdue_tickets (SLA check)", lambda s: tickets.overdue_tickets(s, NOW, 24)),
        ("overview (/tickets)", lambda s: tickets.overview(s, now=NOW, sla_hours=24, actor_id=7)),
    ):
        runs = []
        for _ in range(5):
            async with sessionmaker() as session:
                started = time.perf_counter()
                result = await call(session)
                runs.append(time.perf_counter() - started)
        figures[label] = statistics.median(runs) * 1000
        size = len(result) if isinstance(result, list) else result.open_total
        print(
            f"  {label} over {open_tickets:,} open tickets: {statistics.median(runs) * 1000:.0f} ms ({size:,} rows)"
        )
    await engine.dispose()
    return figures


if __name__ == "__main__":
    target = os.environ.get("BENCH_DATABASE_URL")
    if target is None:
        folder = Path(tempfile.mkdtemp())
        target = f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    upgrade(target)
    asyncio.run(main(target))
