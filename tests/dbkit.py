"""Test databases. A SQLite test gets a fresh copy of a migrated file; PostgreSQL tests share
their run's database, emptied before each test (`empty_postgres`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from messenger.testkit import empty_postgres
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
