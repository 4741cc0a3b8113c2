"""Readers beside writers on SQLite: does read-only work wait for the write lock?

Run from the repository root:  python -m benchmarks.sqlite_readers [--writers N] [--readers N]   (not a timed test)

One process, one engine from `models.db.create_engine` on a WAL file. Readers run read-only
transactions (two SELECTs and a commit, as a screen that only shows data), 60 each, 10 ms apart;
writers keep write transactions going meanwhile (an INSERT, 5 ms of work, an INSERT, the commit:
a handler that writes). The readers' latency is printed beside the yardstick measured in the same
run: the same readers with no writer at all. Before issue 19 every transaction took the process's
write gate at its start, so readers queued behind the writers (p50 ~45 ms against ~16 ms now on
the same loaded machine); now only writes take it, and the two rows should be close.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.db import create_engine, create_sessionmaker  # noqa: E402

metadata = MetaData()
rows = Table("rows", metadata, Column("id", Integer, primary_key=True), Column("value", Integer))
READS_EACH = 60


async def measure(writers: int, readers: int) -> list[float]:
    """Milliseconds of each read-only transaction while `writers` write continuously."""
    folder = Path(tempfile.mkdtemp(prefix="hamdel-readers-"))
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'readers.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    sessions = create_sessionmaker(engine)
    latencies: list[float] = []
    stop = asyncio.Event()

    async def write() -> None:
        while not stop.is_set():
            async with sessions() as session:
                await session.execute(insert(rows).values(value=1))
                await asyncio.sleep(0.005)
                await session.execute(insert(rows).values(value=2))
                await session.commit()
            await asyncio.sleep(0.002)

    async def read() -> None:
        for _ in range(READS_EACH):
            started = time.perf_counter()
            async with sessions() as session:
                await session.scalar(select(func.count()).select_from(rows))
                await session.scalar(select(rows.c.value).limit(1))
                await session.commit()
            latencies.append((time.perf_counter() - started) * 1000)
            await asyncio.sleep(0.01)

    tasks = [asyncio.create_task(write()) for _ in range(writers)]
    try:
        await asyncio.gather(*(read() for _ in range(readers)))
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await engine.dispose()
    return sorted(latencies)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(share * len(values)))]


async def run(writers: int, readers: int) -> None:
    print(f"read-only transactions, {readers} readers × {READS_EACH}; ms")
    for label, busy in (("no writer (yardstick)", 0), (f"beside {writers} busy writers", writers)):
        values = await measure(busy, readers)
        print(
            f"  {label:28} p50 {percentile(values, 0.5):6.1f}  p95 {percentile(values, 0.95):6.1f}"
            f"  p99 {percentile(values, 0.99):6.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.sqlite_readers", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--readers", type=int, default=6)
    args = parser.parse_args(argv)
    asyncio.run(run(args.writers, args.readers))


if __name__ == "__main__":
    main()
