"""The shared sending budget: how fast bulk sends (broadcasts) may go, across every worker.

One interface, two implementations::

    limiter = app.send_limiter            # built by the app from settings
    await limiter.wait(chat_id)           # returns when one message to chat_id may be sent
    async with limiter.acquire(chat_id):  # the same, as a context manager
        await bot.send_message(chat_id, text)

`wait` takes one token from the global bucket (SEND_RATE_PER_SECOND, default the platform's:
Telegram 30/s, Bale 20/s) and one from the chat's own bucket (SEND_RATE_PER_CHAT_PER_SECOND for
private chats, SEND_RATE_PER_GROUP_PER_MINUTE for groups: chat ids below zero), and only when
both have one, so a busy chat never wastes the global budget. Buckets hold one token: sends are
paced evenly, 5% slower than the limit (network jitter can bring two requests closer than they
left), so no window of one second ever sees more than `rate` sends.

- `LocalSendLimiter` (aiolimiter) — one process: the embedded SQLite setup.
- `RedisSendLimiter` — a token bucket in Redis, taken atomically by a Lua script with Redis' own
  clock, so N workers together stay under the platform's limit. Keys expire when idle.

Interactive replies do not go through the limiter (a person waiting for an answer comes first);
a 429 that still happens is retried by the Bot API session middleware (`bot.observability`).
"""

from __future__ import annotations

import asyncio
import random
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from aiolimiter import AsyncLimiter

MARGIN = 1.05  # pace this much under each limit


@dataclass(frozen=True, slots=True)
class SendRates:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0

    @property
    def global_rate(self) -> float:
        """Tokens per second for everything, with the margin."""
        return self.per_second / MARGIN

    def chat_rate(self, chat_id: int | None) -> float | None:
        """Tokens per second for one chat, with the margin (None: no per-chat bucket)."""
        if chat_id is None:
            return None
        if chat_id < 0:
            return self.per_group_per_minute / 60.0 / MARGIN
        return self.per_chat_per_second / MARGIN


class SendLimiter(Protocol):
    rates: SendRates

    async def wait(self, chat_id: int | None = None) -> None: ...

    def acquire(self, chat_id: int | None = None) -> Any: ...

    async def close(self) -> None: ...


class _AcquireMixin:
    async def wait(self, chat_id: int | None = None) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @asynccontextmanager
    async def acquire(self, chat_id: int | None = None) -> AsyncIterator[None]:
        await self.wait(chat_id)
        yield


class LocalSendLimiter(_AcquireMixin):
    """In-process pacing with aiolimiter (capacity one: even spacing, no burst)."""

    def __init__(self, rates: SendRates, *, max_chats: int = 10_000) -> None:
        self.rates = rates
        self._global = AsyncLimiter(1, 1.0 / rates.global_rate)
        self._chats: OrderedDict[int, AsyncLimiter] = OrderedDict()
        self._max_chats = max_chats

    def _chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            rate = self.rates.chat_rate(chat_id)
            assert rate is not None
            limiter = AsyncLimiter(1, 1.0 / rate)
            self._chats[chat_id] = limiter
            while len(self._chats) > self._max_chats:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return limiter

    async def wait(self, chat_id: int | None = None) -> None:
        if chat_id is not None:
            await self._chat(chat_id).acquire()
        await self._global.acquire()

    async def close(self) -> None:
        return None


# KEYS[1]: the global bucket, KEYS[2] (optional): the chat's bucket.
# ARGV: global rate, chat rate (tokens per second), idle expiry in ms.
# Returns "0" when a token of each was taken, else the seconds to wait (nothing taken).
_TAKE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local function level(key, rate)
  local saved = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(saved[1])
  local at = tonumber(saved[2])
  if tokens == nil or at == nil then return 1.0 end
  return math.min(1.0, tokens + math.max(0, now - at) * rate)
end
local global_rate = tonumber(ARGV[1])
local wait = 0
local g = level(KEYS[1], global_rate)
if g < 1 then wait = (1 - g) / global_rate end
local c = nil
if #KEYS > 1 then
  local chat_rate = tonumber(ARGV[2])
  c = level(KEYS[2], chat_rate)
  if c < 1 then wait = math.max(wait, (1 - c) / chat_rate) end
end
if wait > 0 then return tostring(wait) end
redis.call('HSET', KEYS[1], 'tokens', tostring(g - 1), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if c ~= nil then
  redis.call('HSET', KEYS[2], 'tokens', tostring(c - 1), 'at', tostring(now))
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return "0"
"""


class RedisSendLimiter(_AcquireMixin):
    """A token bucket shared by every worker through Redis (atomic Lua, Redis' clock)."""

    def __init__(self, redis: Any, rates: SendRates, *, prefix: str = "hamdel") -> None:
        self.redis = redis
        self.rates = rates
        self.prefix = prefix
        self._script = redis.register_script(_TAKE)

    async def wait(self, chat_id: int | None = None) -> None:
        keys = [f"{self.prefix}:send:global"]
        chat_rate = self.rates.chat_rate(chat_id)
        if chat_id is not None:
            keys.append(f"{self.prefix}:send:chat:{chat_id}")
        global_rate = self.rates.global_rate
        slowest = min(global_rate, chat_rate or global_rate)
        expiry_ms = int(max(2.0, 2.0 / slowest) * 1000)
        while True:
            answer = await self._script(keys=keys, args=[global_rate, chat_rate or 0, expiry_ms])
            delay = float(answer.decode() if isinstance(answer, bytes) else answer)
            if delay <= 0:
                return
            # A little jitter so workers waiting on one bucket do not all retry at once.
            await asyncio.sleep(delay + random.uniform(0, min(delay, 0.01)))

    async def close(self) -> None:
        return None
