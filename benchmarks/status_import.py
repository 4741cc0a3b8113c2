"""A 50,000-row application-status CSV, imported while the bot keeps serving others.

Run from the repository root:  python -m benchmarks.status_import   (not a timed test)
Set BENCH_DATABASE_URL=postgresql+asyncpg://… to measure PostgreSQL (its tables are emptied);
the default is a fresh SQLite file under var/.

Two ways, on the same file, each into an empty database: the yardstick is the whole file in one
transaction (`import_rows` with one session: how the bot imported before), then
`import_in_batches` (what the bot does now). During each, a ticker measures how late the event
loop wakes it (every 10 ms) and a "user" writes one row every 50 ms in its own transaction (like
an update's handler). Prints: parse time (off the loop in the bot), import time, the longest
loop stall and the longest wait of the user's write.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.migrate import upgrade
from messenger.testkit import empty_postgres
from models import Application, StatusLookupFailure
from models.db import create_engine, create_sessionmaker
from services import applications
from services.applications import CodeHasher, ImportResult, Row

ROWS = 50_000
ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def national_code(seed: int) -> str:
    digits = f"{seed:09d}"[-9:]
    remainder = sum(int(digits[i]) * (10 - i) for i in range(9)) % 11
    return digits + str(remainder if remainder < 2 else 11 - remainder)


def csv_file() -> bytes:
    lines = ["کد پیگیری,کد ملی,وضعیت,توضیح,تاریخ"] + [
        f"{1_400_000_000 + n},{national_code(200_000_000 + n)},در نوبت,,1405/08/01" for n in range(ROWS)
    ]
    return "\n".join(lines).encode()


async def measured(
    sessions: async_sessionmaker[AsyncSession], work: Callable[[], Awaitable[ImportResult]]
) -> tuple[float, float, float, ImportResult]:
    """(seconds, longest loop stall, longest user write) while `work` runs."""
    done = asyncio.Event()
    stall = write = 0.0

    async def ticker() -> None:
        nonlocal stall
        while not done.is_set():
            expected = time.perf_counter() + 0.01
            await asyncio.sleep(0.01)
            stall = max(stall, time.perf_counter() - expected)

    async def user() -> None:
        nonlocal write
        while not done.is_set():
            began = time.perf_counter()
            async with sessions() as session:
                await session.execute(insert(StatusLookupFailure).values(platform="bench", user_id=1, at=NOW))
                await session.commit()
            write = max(write, time.perf_counter() - began)
            await asyncio.sleep(0.05)

    tasks = [asyncio.create_task(ticker()), asyncio.create_task(user())]
    began = time.perf_counter()
    result = await work()
    seconds = time.perf_counter() - began
    done.set()
    await asyncio.gather(*tasks)
    return seconds, stall, write, result


async def empty(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session:
        await session.execute(delete(Application))
        await session.execute(delete(StatusLookupFailure))
        await session.commit()


async def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite+aiosqlite:///{ROOT / 'var' / 'bench_status.db'}"
    if url.startswith("sqlite"):
        path = ROOT / "var" / "bench_status.db"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await empty_postgres(connection)
    await asyncio.to_thread(upgrade, url)
    sessions = create_sessionmaker(engine)
    hasher = CodeHasher("bench-key-" * 4)
    data = csv_file()
    began = time.perf_counter()
    parsed = applications.parse_csv(data)
    print(
        f"{ROWS:,} rows, {len(data) / 1e6:.1f} MB; parsed in {time.perf_counter() - began:.2f} s (a thread in the bot)"
    )
    rows: list[Row] = parsed.rows

    async def one_transaction() -> ImportResult:
        async with sessions() as session:
            result = await applications.import_rows(session, rows, hasher, NOW)
            await session.commit()
        return result

    async def batches() -> ImportResult:
        return await applications.import_in_batches(sessions, rows, hasher, NOW)

    print(f"{'way':<28}{'import s':>10}{'loop stall s':>14}{'user write s':>14}{'created':>10}")
    for name, work in (("one transaction (before)", one_transaction), ("batches of 500 (now)", batches)):
        await empty(sessions)
        seconds, stall, write, result = await measured(sessions, work)
        print(f"{name:<28}{seconds:>10.2f}{stall:>14.3f}{write:>14.3f}{result.created:>10,}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
