"""Staff tools benchmark: statistics, exports and charts over many donations.

Run from the repository root:  python -m benchmarks.staff_bench [DONATIONS] [DATABASE_URL]
(not a timed test). Default: 50,000 paid donations over 90 days on a scratch SQLite file.
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.i18n import get_i18n
from bot.migrate import upgrade
from models import Campaign, Donation, User
from models.db import create_engine, create_sessionmaker
from services import charts, exports, stats

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
PROVINCES = [f"{n:02d}" for n in range(31)]
PURPOSES = ["living", "housing", "dowry", "alms", "orphans"]


async def seed(url: str, count: int) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    rng = random.Random(7)
    async with sessions() as session:
        await session.execute(
            insert(User),
            [
                {"platform": "telegram", "user_id": 10_000 + i, "chat_id": 10_000 + i, "language": "fa"}
                for i in range(count // 5)
            ],
        )
        for n in range(30):
            session.add(
                Campaign(
                    title_fa=f"پویش شمارهٔ {n}",
                    title_en=f"Campaign {n}",
                    description_fa="—",
                    description_en="—",
                    goal_rials=10_000_000_000,
                    starts_at=NOW - timedelta(days=120),
                    ends_at=NOW + timedelta(days=30),
                    status="active",
                )
            )
        await session.flush()
        rows = []
        for i in range(count):
            paid = NOW - timedelta(seconds=rng.randrange(90 * 86400))
            with_campaign = rng.random() < 0.6
            rows.append(
                {
                    "user_id": 1 + rng.randrange(count // 5),
                    "campaign_id": 1 + rng.randrange(30) if with_campaign else None,
                    "purpose": None if with_campaign else rng.choice(PURPOSES),
                    "province_id": None if with_campaign else rng.choice(PROVINCES),
                    "amount_rials": rng.choice([50_000, 100_000, 200_000, 500_000, 1_000_000]) * 10,
                    "provider": "telegram",
                    "currency": "IRR",
                    "status": "paid",
                    "payload": f"b-{i}",
                    "provider_ref": f"r-{i}",
                    "created_at": paid,
                    "paid_at": paid,
                }
            )
        for start in range(0, count, 5000):
            await session.execute(insert(Donation), rows[start : start + 5000])
        await session.commit()
    await engine.dispose()


def timed(label: str, started: float, extra: str = "") -> float:
    """Print and return the milliseconds since `started`."""
    took = 1000 * (time.perf_counter() - started)
    print(f"{label:<34} {took:9.1f} ms  {extra}")
    return took


async def measure(url: str) -> dict[str, float]:
    """Each step's milliseconds, by its label."""
    took: dict[str, float] = {}
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    t = get_i18n().translator("fa")
    async with sessions() as session:
        started = time.perf_counter()
        figures = await stats.donation_stats(session, NOW)
        took["stats: all figures"] = timed(
            "stats: all figures", started, f"{figures.all_time.count} gifts, median {figures.median_rials}"
        )
        started = time.perf_counter()
        days = await stats.daily(session, NOW, 30)
        took["stats: 30-day series"] = timed("stats: 30-day series", started)
        started = time.perf_counter()
        png = await asyncio.to_thread(
            charts.daily_chart, days, charts.ChartLabels("کمک‌های ۳۰ روز گذشته"), "fa"
        )
        took["chart: 30 days (PNG)"] = timed("chart: 30 days (PNG)", started, f"{len(png) // 1024} KiB")
        started = time.perf_counter()
        rows = [(g.key or "—", g.rials) for g in figures.by_province]
        png = await asyncio.to_thread(charts.ranking_chart, rows, charts.ChartLabels("استان‌ها"), "fa")
        took["chart: provinces (PNG)"] = timed("chart: provinces (PNG)", started, f"{len(png) // 1024} KiB")
        exporter = exports.DONATIONS_EXPORT
        started = time.perf_counter()
        table = await exports.run_export(session, exporter, exports.ExportRequest(text=t))
        took["export: query donations"] = timed("export: query donations", started, f"{len(table.rows)} rows")
        started = time.perf_counter()
        data = exports.to_csv(table)
        took["export: CSV"] = timed("export: CSV", started, f"{len(data) // 1024} KiB")
        started = time.perf_counter()
        data = exports.to_xlsx(table)
        took["export: XLSX"] = timed("export: XLSX", started, f"{len(data) // 1024} KiB")
    await engine.dispose()
    return took


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    if len(sys.argv) > 2:
        url = sys.argv[2]
    else:
        url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    upgrade(url)
    started = time.perf_counter()
    asyncio.run(seed(url, count))
    timed(f"seed {count} donations", started)
    asyncio.run(measure(url))


if __name__ == "__main__":
    main()
