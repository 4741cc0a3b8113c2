"""Console statistics benchmark: the dashboard (`/console/stats`) for a year of data — by default
1,000,000 donations and 100,000 tickets spread over the last 365 days — beside the same page on
an empty database (the yardstick), p50/p95 of the server's time per request (the console's own
aiohttp app with its middlewares — session, role — and the page rendered; measured inside it).

Run from the repository root:  python -m benchmarks.dashboard_bench [--donations N] [--tickets N]
(--quick: 100,000 donations and 10,000 tickets, 10 requests a page). On PostgreSQL:
BENCH_DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/<a database of its own> (its
tables are emptied). Goal (issue 18): p95 ≤ 300 ms for the year.

The rows are made by the database itself (a recursive CTE on SQLite, generate_series on
PostgreSQL) with the summary triggers off, then the daily summary is rebuilt in one pass
(services.donation_days.rebuild) and the tickets' first answers filled
(services.ticket_answers.backfill) — as migration 0180 does for the rows already kept.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from benchmarks.console_timing import empty_database, page_times, signed_in, timed_console
from models.donation import Campaign
from models.user import User
from services import donation_days, ticket_answers

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
ADMIN = 900_001
YEAR_SECONDS = 365 * 24 * 3600
PAGES = {
    "this year": "/console/stats?preset=year",
    "this month": "/console/stats?preset=month",
    "year, by day": "/console/stats?preset=year&grain=day",
    "year CSV (provinces)": "/console/stats/provinces.csv?preset=year",
}


@dataclass
class Run:
    database: str
    donations: int
    tickets: int
    fill_seconds: float
    timings: dict[str, tuple[float, float]]  # page → (p50, p95) in ms


def _series(dialect: str, count: int, select_sql: str, table: str, columns: str) -> str:
    """`INSERT INTO table (columns) SELECT … FROM n` for n in 1..count, made by the database."""
    if dialect == "postgresql":
        return f"INSERT INTO {table} ({columns}) {select_sql.replace('FROM seq', f'FROM generate_series(1, {count}) AS seq(n)')}"
    return (
        f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) "
        f"INSERT INTO {table} ({columns}) {select_sql}"
    )


def _ago(dialect: str, seconds: str) -> str:
    """NOW minus `seconds` (an SQL integer expression) as a timestamp the models read back."""
    if dialect == "postgresql":
        return f"(TIMESTAMPTZ '{NOW.isoformat()}' - ({seconds}) * INTERVAL '1 second')"
    return f"strftime('%Y-%m-%d %H:%M:%f', '{NOW.strftime('%Y-%m-%d %H:%M:%S')}', printf('%+d seconds', -({seconds})))"


def _two_digits(dialect: str, value: str) -> str:
    return f"lpad(CAST({value} AS TEXT), 2, '0')" if dialect == "postgresql" else f"printf('%02d', {value})"


async def fill(engine: AsyncEngine, donations: int, tickets: int) -> None:
    """`donations` over 500 donors, 10 campaigns, 6 purposes and 31 provinces (nine in ten
    paid), and `tickets` with a staff answer for four in five and a rating for two in five —
    all over the last 365 days."""
    dialect = engine.dialect.name
    async with engine.begin() as connection:
        await empty_database(connection)
        await connection.execute(
            insert(User),
            [
                {"platform": "telegram", "user_id": 10_000 + i, "chat_id": 10_000 + i, "language": "fa"}
                for i in range(500)
            ],
        )
        await connection.execute(
            insert(Campaign),
            [
                {
                    "title_fa": f"پویش {i}", "title_en": f"Campaign {i}", "description_fa": "-", "description_en": "-",
                    "purpose": "dowry", "province_id": f"{i:02d}" if i % 2 else None, "goal_rials": 10**12,
                    "starts_at": NOW - timedelta(days=400), "ends_at": NOW + timedelta(days=30), "status": "active",
                }
                for i in range(1, 11)
            ],
        )  # fmt: skip
        for statement in (*donation_days.drop_ddl(dialect), *ticket_answers.drop_ddl(dialect)):
            if "FUNCTION" not in statement:
                await connection.execute(text(statement))
        spread = f"(n * {YEAR_SECONDS // max(1, donations)} + n % 997)"
        purposes = "CASE n % 6 WHEN 0 THEN 'living' WHEN 1 THEN 'housing' WHEN 2 THEN 'dowry' WHEN 3 THEN 'alms' WHEN 4 THEN 'orphans' ELSE 'general' END"
        donation_sql = (
            "SELECT 1 + n % 500, CASE WHEN n % 3 = 0 THEN 1 + n % 10 END, "
            f"CASE WHEN n % 3 = 0 THEN NULL ELSE {purposes} END, "
            f"CASE WHEN n % 32 = 31 THEN NULL ELSE {_two_digits(dialect, 'n % 31')} END, "
            "(1 + ((n % 1000) * 7919) % 200) * 50000, 'bench', 'IRR', "
            "CASE WHEN n % 10 = 0 THEN 'pending' ELSE 'paid' END, 'b' || n, "
            f"{_ago(dialect, spread)}, CASE WHEN n % 10 = 0 THEN NULL ELSE {_ago(dialect, spread)} END, 0 FROM seq"
        )
        await connection.execute(
            text(
                _series(
                    dialect, donations, donation_sql, "donations",
                    "user_id, campaign_id, purpose, province_id, amount_rials, provider, currency, status, payload, "
                    "created_at, paid_at, verify_attempts",
                )
            )
        )  # fmt: skip
        ticket_spread = f"(n * {YEAR_SECONDS // max(1, tickets)})"
        ticket_sql = (
            f"SELECT n, 'T-' || n, 1405, n, 'bench-' || n, 'telegram', 1 + n % 500, 'payment', "
            "CASE WHEN n % 5 = 0 THEN 'new' ELSE 'closed' END, 'رسید پرداخت من نیامد', false, 0, "
            f"{_ago(dialect, ticket_spread)}, {_ago(dialect, ticket_spread)}, "
            f"CASE WHEN n % 5 = 0 THEN NULL ELSE {_ago(dialect, f'{ticket_spread} - 3600 * (1 + n % 40)')} END, "
            "CASE WHEN n % 5 IN (1, 2) THEN 1 + n % 5 + n % 3 END FROM seq"
        )
        await connection.execute(
            text(
                _series(
                    dialect, tickets, ticket_sql, "tickets",
                    "id, number, year, seq, draft_key, platform, user_id, category, status, description, anonymous, "
                    "reminders_sent, created_at, updated_at, answered_at, rating",
                )
            )
        )  # fmt: skip
        message_sql = (
            "SELECT n, 'staff', 'text', 'پیگیری شد', 2, n, false, true, "
            f"{_ago(dialect, f'{ticket_spread} - 1800 * (1 + n % 40)')} FROM seq WHERE n % 5 <> 0"
        )
        await connection.execute(
            text(
                _series(
                    dialect, tickets, message_sql, "ticket_messages",
                    "ticket_id, direction, kind, text, source_chat_id, source_message_id, filing, delivered, created_at",
                )
            )
        )  # fmt: skip
        if dialect == "postgresql":
            await connection.execute(text("SELECT setval('tickets_id_seq', (SELECT max(id) FROM tickets))"))
        await donation_days.rebuild(connection)
        for statement in (
            *ticket_answers.backfill(dialect),
            *donation_days.trigger_ddl(dialect),
            *ticket_answers.trigger_ddl(dialect),
        ):
            await connection.execute(text(statement))
    async with engine.connect() as connection:
        await connection.execute(text("ANALYZE"))
        await connection.commit()


async def measure(url: str, sizes: list[tuple[int, int]], requests: int) -> list[Run]:
    runs: list[Run] = []
    async with timed_console(url, ADMIN, NOW) as console:
        for donations, tickets in sizes:
            started = time.perf_counter()
            await fill(console.app.engine, donations, tickets)
            filled = time.perf_counter() - started
            async with await signed_in(console, ADMIN, NOW) as client:
                results = {
                    name: await page_times(console, client, path, requests) for name, path in PAGES.items()
                }
            runs.append(Run(console.app.engine.dialect.name, donations, tickets, filled, results))
    return runs


def report(runs: list[Run]) -> None:
    for run in runs:
        print(
            f"{run.database}: {run.donations:,} donations, {run.tickets:,} tickets"
            f" (made in {run.fill_seconds:.1f} s); server time in ms"
        )
        for name, (p50, p95) in run.timings.items():
            print(f"  {name:<24} p50 {p50:8.1f}   p95 {p95:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--quick", action="store_true", help="100,000 donations, 10,000 tickets, 10 requests")
    args = parser.parse_args()
    if args.quick:
        args.donations, args.tickets, args.requests = 100_000, 10_000, 10
    sizes = [(0, 0), (args.donations, args.tickets)]
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        report(asyncio.run(measure(url, sizes, args.requests)))
        return
    with tempfile.TemporaryDirectory() as folder:
        report(asyncio.run(measure(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", sizes, args.requests)))


if __name__ == "__main__":
    main()
