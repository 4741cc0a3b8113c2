"""Test databases. A SQLite test gets a fresh copy of a migrated file; PostgreSQL tests share
their run's database, emptied before each test (`empty_postgres`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messenger.testkit import clear_redis_keys, empty_postgres
from models.db import create_engine, create_sessionmaker


@asynccontextmanager
async def sessions_on(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on a migrated test database (emptied first on PostgreSQL)."""
    engine = create_engine(url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await empty_postgres(connection)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


async def emptied_for_workers(postgres_url: str, redis_url: str, redis_prefix: str) -> None:
    """The run's PostgreSQL database and its Redis keys emptied, before worker processes start
    on them (they seed what a fresh deployment has)."""
    engine = create_engine(postgres_url)
    async with engine.begin() as connection:
        await empty_postgres(connection)
    await engine.dispose()
    await clear_redis_keys(redis_url, redis_prefix)
