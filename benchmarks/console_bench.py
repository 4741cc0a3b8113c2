"""Web console benchmark: the ticket queue and a ticket page with 0 (the yardstick), 10,000 and
100,000 tickets, p50/p95 of the server's time per request (the console's own aiohttp app, its
middlewares — session lookup, role and province check — and the page rendered; measured inside
the server). The tickets are spread over the 31 provinces; the rows marked «officer» are a
province office's (one province) pages.

Run from the repository root:  python -m benchmarks.console_bench [--sizes 0,10000,100000]
(--quick: the empty yardstick and 100,000 tickets only, 20 requests per page).
Set BENCH_DATABASE_URL=postgresql+asyncpg://… to measure PostgreSQL (its tables are emptied).
Goal (issue 16): p95 ≤ 100 ms at 100,000 tickets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from benchmarks.console_timing import empty_database, page_times, signed_in, timed_console
from models.staff import StaffRole
from models.tickets import Ticket, TicketCategory, TicketMessage, TicketStatus, TicketWord
from models.user import User
from services.tickets import search_words

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ADMIN = 900_001
OFFICER = 900_002  # an operator of one province office
REQUESTS = 60
STATUSES = [TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.ANSWERED, TicketStatus.CLOSED]
PAGES = {
    "queue (open)": "/console/tickets",
    "queue (past SLA)": "/console/tickets?overdue=1",
    "queue (search words)": "/console/tickets?q=%D8%B1%D8%B3%DB%8C%D8%AF+%DB%B1%DB%B2%DB%B3",
    "queue (search number)": "/console/tickets?q=T-1405-000777",
    "ticket page": "/console/tickets/{ticket}",
    "home": "/console/",
}
OFFICER_PAGES = {
    "queue (open) officer": "/console/tickets",
    "queue (search) officer": "/console/tickets?q=%D8%B1%D8%B3%DB%8C%D8%AF+%DB%B1%DB%B2%DB%B3",
    "home officer": "/console/",
}


async def fill(app: object, count: int) -> int:
    """`count` tickets over 500 donors, of every status and category, each with two messages
    and its words for the search; returns a ticket id to open."""
    from bot.app import HamdelApp

    assert isinstance(app, HamdelApp)
    async with app.engine.begin() as connection:
        await empty_database(connection)
        await connection.execute(
            insert(User),
            [
                {"platform": "telegram", "user_id": 10_000 + i, "chat_id": 10_000 + i, "language": "fa"}
                for i in range(500)
            ],
        )
        await connection.execute(
            insert(StaffRole),
            [{"platform": "telegram", "user_id": OFFICER, "role": "operator", "provinces": "23"}],
        )
    categories = list(TicketCategory)
    batch: list[dict[str, object]] = []
    messages: list[dict[str, object]] = []
    words: list[dict[str, object]] = []
    for seq in range(1, count + 1):
        created = NOW - timedelta(minutes=seq * 7 % (60 * 24 * 90))
        # As in a running desk: most tickets closed, about one in seven open.
        status = STATUSES[seq % 4] if seq % 7 == 0 else TicketStatus.CLOSED
        batch.append(
            {
                "id": seq,
                "number": f"T-1405-{seq:06d}",
                "year": 1405,
                "seq": seq,
                "draft_key": f"bench-{seq}",
                "platform": "telegram",
                "user_id": 1 + seq % 500,
                "category": categories[seq % len(categories)].value,
                "status": status.value,
                "description": f"رسید پرداخت {seq} تومانی من نیامد و مبلغ از حسابم کم شده است.",
                "anonymous": seq % 10 == 0,
                "staff_chat_id": -100,
                "province_id": f"{seq % 31:02d}",
                "assignee_id": ADMIN if seq % 3 == 0 else None,
                "created_at": created,
                "updated_at": created,
                "waiting_since": created if status in (TicketStatus.NEW, TicketStatus.IN_PROGRESS) else None,
                "reminders_sent": 0,
                "post_claim": None,
            }
        )
        for direction, index in (("donor", 0), ("staff", 1)):
            messages.append(
                {
                    "ticket_id": seq,
                    "direction": direction,
                    "kind": "text",
                    "text": "پیگیری بانکی انجام شد" if direction == "staff" else "هنوز خبری نشد",
                    "source_chat_id": 1 if direction == "donor" else 2,
                    "source_message_id": seq * 2 + index,
                    "author_id": ADMIN if direction == "staff" else None,
                    "filing": False,
                    "delivered": True,
                    "failure": None,
                    "file_id": None,
                    "created_at": created + timedelta(hours=index + 1),
                }
            )
        # The search's words, as services.tickets keeps them when a ticket or message is recorded.
        text_of_ticket = f"{batch[-1]['description']} {messages[-2]['text']}"
        words += [{"word": word, "ticket_id": seq} for word in search_words(text_of_ticket)]
        if len(batch) >= 5000 or seq == count:
            async with app.engine.begin() as connection:
                await connection.execute(insert(Ticket), batch)
                await connection.execute(insert(TicketMessage), messages)
                await connection.execute(insert(TicketWord), words)
            batch, messages, words = [], [], []
    if app.engine.dialect.name == "postgresql":
        # What autovacuum does after a bulk load: the planner's statistics and the visibility map
        # (index-only counts). Without them the planner guesses ~100 rows for every filter.
        async with app.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text("VACUUM ANALYZE"))
    return max(1, count // 2)


async def measure(url: str, sizes: list[int], requests: int = REQUESTS) -> None:
    async with timed_console(url, ADMIN, NOW) as console:
        print(f"database: {console.app.engine.dialect.name}; {requests} requests per page; server time in ms")
        print(f"{'page':<24}" + "".join(f"{f'{n:,} p50':>12}{f'{n:,} p95':>12}" for n in sizes))
        results: dict[str, list[str]] = {name: [] for name in [*PAGES, *OFFICER_PAGES]}
        for size in sizes:
            ticket = await fill(console.app, size)
            for person, pages in ((ADMIN, PAGES), (OFFICER, OFFICER_PAGES)):
                async with await signed_in(console, person, NOW) as client:
                    for name, path in pages.items():
                        expected = 404 if size == 0 and "{ticket}" in path else 200
                        p50, p95 = await page_times(
                            console, client, path.format(ticket=ticket), requests, expected=expected
                        )
                        results[name] += [f"{p50:>12.1f}", f"{p95:>12.1f}"]
    for name, cells in results.items():
        print(f"{name:<24}" + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--quick", action="store_true", help="0 and 100,000 tickets, 20 requests a page")
    args = parser.parse_args()
    sizes = [0, 100_000] if args.quick else [int(part) for part in args.sizes.split(",")]
    requests = 20 if args.quick else REQUESTS
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        asyncio.run(measure(url, sizes, requests))
        return
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(measure(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", sizes, requests))


if __name__ == "__main__":
    main()
