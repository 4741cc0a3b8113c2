"""One runner at a time across workers: a job's pass runs only under its lease.

`RedisLease` (SET NX PX, renewed and released only by its holder) when REDIS_URL is set, else
`DbLease` (a row of `job_leases`, see services.leases). Leases use the wall clock, never the
app's business clock (tests move that one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from services import leases

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class Lease(Protocol):
    async def acquire(self, name: str, owner: str, seconds: float) -> bool:
        """Take or extend the lease on `name` for `seconds`; True when `owner` holds it."""
        ...

    async def release(self, name: str, owner: str) -> None: ...


class DbLease:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def acquire(self, name: str, owner: str, seconds: float) -> bool:
        return await leases.acquire(self.sessions, name, owner, seconds=seconds, now=datetime.now(UTC))

    async def release(self, name: str, owner: str) -> None:
        await leases.release(self.sessions, name, owner)


# KEYS: the lease. ARGV: owner, milliseconds. Takes a free lease or extends one's own.
_ACQUIRE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"""

# KEYS: the lease. ARGV: owner.
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisLease:
    def __init__(self, redis: Any, *, prefix: str) -> None:
        self.prefix = f"{prefix}:job-lease"
        self._acquire = redis.register_script(_ACQUIRE)
        self._release = redis.register_script(_RELEASE)

    async def acquire(self, name: str, owner: str, seconds: float) -> bool:
        taken = await self._acquire(
            keys=[f"{self.prefix}:{name}"], args=[owner, max(1, round(seconds * 1000))]
        )
        return bool(int(taken))

    async def release(self, name: str, owner: str) -> None:
        await self._release(keys=[f"{self.prefix}:{name}"], args=[owner])
