"""Volunteer network at the organisation's size: 130,000 volunteers.

Run from the repository root:  python -m benchmarks.volunteers_bench   (not a timed test)
Set BENCH_DATABASE_URL=postgresql+asyncpg://… to measure PostgreSQL (its tables are emptied);
the default is a fresh SQLite file under var/.

Prints: seeding time, the staff search (count + one page), a broadcast segment streamed in
batches of 1,000 (one area and province; everyone on the platform), and export rows per second.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.migrate import upgrade
from messenger.testkit import empty_postgres
from models import User, Volunteer, VolunteerArea
from models.db import create_engine, create_sessionmaker
from services import regions
from services import volunteers as service
from services.volunteers import AREAS, AVAILABILITY, PROFESSIONS, VolunteerFilter

SIZE = 130_000
CHUNK = 5_000
ROOT = Path(__file__).resolve().parent.parent


async def seed(url: str) -> float:
    engine = create_engine(url)
    rng = random.Random(1404)
    counties = regions.default_regions().all_counties()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    began = time.perf_counter()
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await empty_postgres(connection)
        for offset in range(0, SIZE, CHUNK):
            ids = range(offset + 1, min(offset + CHUNK, SIZE) + 1)
            await connection.execute(
                insert(User),
                [
                    {
                        "id": i,
                        "platform": "bale" if i % 3 == 0 else "telegram",
                        "user_id": 10_000_000 + i,
                        "chat_id": 10_000_000 + i,
                        "language": "fa",
                        "first_seen": start,
                        "last_seen": start,
                        "is_blocked": i % 50 == 0,
                    }
                    for i in ids
                ],
            )
            rows, areas = [], []
            for i in ids:
                county = rng.choice(counties)
                slots = rng.sample(AVAILABILITY, rng.randint(1, 4))
                moment = start + timedelta(minutes=i)
                rows.append(
                    {
                        "id": i,
                        "user_id": i,
                        "profession": rng.choice(PROFESSIONS),
                        "profession_text": None,
                        "skills": "کمک‌های اولیه" if i % 4 == 0 else None,
                        "province_id": county.province_id,
                        "county_id": county.id,
                        **{f"available_{slot}": slot in slots for slot in AVAILABILITY},
                        "mobile": f"0912{i:07d}",
                        "mobile_shared": i % 2 == 0,
                        "consent_version": service.CONSENT_VERSION,
                        "consented_at": moment,
                        "created_at": moment,
                        "updated_at": moment,
                    }
                )
                areas.extend({"area": a, "volunteer_id": i} for a in rng.sample(AREAS, rng.randint(1, 3)))
            await connection.execute(insert(Volunteer), rows)
            await connection.execute(insert(VolunteerArea), areas)
    await engine.dispose()
    return time.perf_counter() - began


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


async def measure(url: str) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    health_tehran = VolunteerFilter(areas=frozenset({"health"}), province_id="23")
    emergencies_isfahan = VolunteerFilter(province_id="10", availability=frozenset({"emergencies"}))
    async with sessions() as session:
        for label, filters in (
            ("everyone", VolunteerFilter()),
            ("health, Tehran province", health_tehran),
            ("Isfahan, emergencies", emergencies_isfahan),
            (
                "psychologists, Tehran/Shemiranat",
                VolunteerFilter(profession="psychologist", province_id="23", county_id="2304"),
            ),
        ):
            began = time.perf_counter()
            result = await service.search_volunteers(session, filters, page=3, per_page=8)
            print(
                f"search {label:<34} total {result.total:>7,}  count + page 4: {_ms(time.perf_counter() - began)}"
            )

        for label, filters in (
            ("health, Tehran province", health_tehran),
            ("everyone on telegram", VolunteerFilter()),
        ):
            began = time.perf_counter()
            batches = recipients = 0
            first = None
            async for batch in service.segment_user_ids(
                session, platform="telegram", filters=filters, batch_size=1000
            ):
                if first is None:
                    first = time.perf_counter() - began
                batches += 1
                recipients += len(batch)
            took = time.perf_counter() - began
            print(
                f"segment {label:<26} {recipients:>7,} user ids in {batches} batches: {_ms(took)} "
                f"(first batch {_ms(first or 0)}, {recipients / took:,.0f} ids/s)"
            )

        for label, filters in (("health, Tehran province", health_tehran), ("everyone", VolunteerFilter())):
            began = time.perf_counter()
            exported = 0
            async for _row in service.export_rows(session, filters, batch_size=1000):
                exported += 1
            took = time.perf_counter() - began
            print(f"export {label:<27} {exported:>7,} rows: {_ms(took)} ({exported / took:,.0f} rows/s)")
    await engine.dispose()


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        path = ROOT / "var" / "volunteers_bench.db"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    print(f"database: {url.rsplit('@', 1)[-1]}")
    print(f"seeded {SIZE:,} volunteers in {asyncio.run(seed(url)):.1f} s")
    asyncio.run(measure(url))


if __name__ == "__main__":
    main()
