"""Named leases in the database: at most one holder of a name until its lease lapses (the
background jobs' "one runner at a time across workers" when there is no Redis)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.jobs import JobLease


async def acquire(
    sessions: async_sessionmaker[AsyncSession], name: str, owner: str, *, seconds: float, now: datetime
) -> bool:
    """Take (or extend) the lease on `name` for `seconds`: True when `owner` holds it now.
    Owns its transaction."""
    until = now + timedelta(seconds=seconds)
    async with sessions() as session:
        taken = await session.execute(
            update(JobLease)
            .where(JobLease.name == name, (JobLease.owner == owner) | (JobLease.lease_until <= now))
            .values(owner=owner, lease_until=until)
        )
        if getattr(taken, "rowcount", 0):
            await session.commit()
            return True
        session.add(JobLease(name=name, owner=owner, lease_until=until))
        try:
            await session.commit()
        except IntegrityError:  # another worker holds it
            await session.rollback()
            return False
        return True


async def release(sessions: async_sessionmaker[AsyncSession], name: str, owner: str) -> None:
    """Give the lease back (only the holder's own); owns its transaction."""
    async with sessions() as session:
        await session.execute(delete(JobLease).where(JobLease.name == name, JobLease.owner == owner))
        await session.commit()
