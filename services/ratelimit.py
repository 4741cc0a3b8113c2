"""The sending budget for bulk delivery: a global rate, a per-chat rate, and a global pause.

The app builds one limiter (`app.send_limiter`, from the BROADCAST_* rates) and the delivery
engine paces every broadcast send with it; any other bulk sender uses it too::

    await acquire(app.send_limiter, chat_id)   # returns when one message to chat_id may leave
    await bot.send_message(chat_id, text)
    # on a 429: await app.send_limiter.pause(retry_after) — every sender (every worker) waits

Both limiters reserve *slots* (the generic cell rate algorithm): each send is given the next
free moment `1/rate` after the previous one, so sends are evenly spaced — a platform that counts
messages in any sliding one-second window never sees more than `rate`. `catch_up` (seconds, 0 by
default) lets a sender that woke late take the slots it missed, up to that many seconds back
(without it every late wake-up of a loaded event loop is lost for good: at 500/s a 1 ms delay
per send is a fifth of the rate); any one-second window then holds at most
`rate × headroom × (1 + catch_up) + 1`. `headroom` (1 by default) paces under `rate`, the
budget: the app's limiters get `HEADROOM` and `CATCH_UP`, which keep that bound (and some of the
jitter on the way) inside the platform's published limit.

A new limiter starts *empty*: its first slot is "now", never a backlog of missed slots, so a
worker started right after another one was killed spends no more than the pace in its first
second (the Redis limiter also keeps the dead worker's spending: its state outlives workers).
A 429 calls `pause(seconds)`: nobody sends until it ends, including sends that had already
reserved a slot inside the pause (they check `still_valid` after waiting and reserve again).
One chat gets at most `per_chat_rate` messages per second; a group (a chat id below zero) at
most `per_group_per_minute` messages per minute (Telegram: 20).

- `LocalRateLimiter`: one process (SQLite deployments, tests).
- `RedisRateLimiter`: every worker of the bot shares one bucket, one pause and the per-chat
  slots through Redis (Lua scripts with Redis's own clock, so worker clocks may differ), under
  `{REDIS_KEY_PREFIX}:ratelimit:{platform}:{bot id}`: N workers together stay under the rate.

aiolimiter's leaky bucket is not used here because it admits a burst of `rate` messages at once
(twice the rate inside one sliding second) and has no shared pause or per-chat slots.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Reservation:
    """`granted`: a global slot is reserved `delay` seconds from now. Not granted: the chat
    itself may receive again only in `delay` seconds (nothing was reserved; send others first).
    `token` is the limiter's clock at the reservation (`token + delay` is the slot)."""

    granted: bool
    delay: float
    token: float = 0.0


class RateLimiter(Protocol):
    rate: float

    async def reserve(self, chat_id: int) -> Reservation: ...

    async def still_valid(self, reservation: Reservation) -> bool:
        """False when a pause began after the reservation and still runs: reserve again."""
        ...

    async def pause(self, seconds: float) -> None: ...

    async def close(self) -> None: ...


# The share of a platform's limit the app's limiters pace at, and the seconds of missed slots a
# late sender may take back: the sends that leave in any one second stay under the limit
# (headroom × (1 + catch_up) ≤ 0.985 of it) with the rest left for the jitter on the way.
HEADROOM = 0.975
CATCH_UP = 0.01


async def acquire(limiter: RateLimiter, chat_id: int) -> None:
    """Wait for a slot for this chat (retries, and senders that send one message at a time; the
    delivery engine reserves itself, to send other chats first while this one cools down)."""
    while True:
        reservation = await limiter.reserve(chat_id)
        await asyncio.sleep(reservation.delay)
        if reservation.granted and await limiter.still_valid(reservation):
            return


class SendWindow:
    """One worker's own check against the platform's window, beside the pacing: a send starts
    only while fewer than `limit` of this worker's sends may still count in the platform's
    current `window` — those in flight, and those answered less than `window` ago (the
    platform counted each before it answered, so one answered earlier is out of any window a
    send starting now lands in). Pacing alone cannot promise that: when the sends are delayed
    on the way (a busy machine, a network hiccup) and then arrive together, the platform counts
    more than the pace in one second; those sends are also answered late, which holds the next
    ones back here. Costs nothing while answers come back fast (each send is counted for
    `window` + its answer time: the most it allows is `limit / (window + latency)` per second)."""

    def __init__(self, limit: float, window: float = 1.0) -> None:
        self.limit = int(limit)
        self.window = window
        self.in_flight = 0
        self._answered: deque[float] = deque()
        self._freed = asyncio.Event()

    def _counted(self, now: float) -> int:
        while self._answered and self._answered[0] <= now - self.window:
            self._answered.popleft()
        return self.in_flight + len(self._answered)

    async def enter(self) -> None:
        while True:
            now = time.monotonic()
            if self._counted(now) < self.limit:
                self.in_flight += 1
                return
            if self._answered:
                await asyncio.sleep(self._answered[0] + self.window - now)
            else:
                self._freed.clear()
                await self._freed.wait()

    def leave(self) -> None:
        self.in_flight -= 1
        self._answered.append(time.monotonic())
        self._freed.set()


DEFAULT_PER_GROUP_PER_MINUTE = 20.0


def chat_interval(chat_id: int, per_chat_rate: float, per_group_per_minute: float) -> float:
    """Seconds between two messages to this chat: groups (ids below zero) have their own budget."""
    return 60.0 / per_group_per_minute if chat_id < 0 else 1.0 / per_chat_rate


class LocalRateLimiter:
    def __init__(
        self,
        rate: float,
        per_chat_rate: float,
        *,
        per_group_per_minute: float = DEFAULT_PER_GROUP_PER_MINUTE,
        max_chats: int = 100_000,
        catch_up: float = 0.0,
        headroom: float = 1.0,
    ) -> None:
        self.rate = rate  # the budget (messages per second); sends are paced at rate × headroom
        self.interval = 1.0 / (rate * headroom)
        self.per_chat_rate = per_chat_rate
        self.per_group_per_minute = per_group_per_minute
        self.catch_up = catch_up
        # Theoretical arrival time of the next free global slot. It starts at "now": an empty
        # bucket, never a backlog of slots missed before this limiter existed.
        self._tat = time.monotonic()
        self._paused_until = 0.0
        self._chats: OrderedDict[int, float] = OrderedDict()  # chat -> next free moment
        self._max_chats = max_chats

    async def reserve(self, chat_id: int) -> Reservation:
        now = time.monotonic()
        chat_next = self._chats.get(chat_id, 0.0)
        slot = max(now - self.catch_up, self._tat, self._paused_until)
        if chat_next > max(now, slot):
            return Reservation(granted=False, delay=chat_next - now)
        self._tat = slot + self.interval
        self._chats[chat_id] = max(now, slot) + chat_interval(
            chat_id, self.per_chat_rate, self.per_group_per_minute
        )
        self._chats.move_to_end(chat_id)
        self._prune(now)
        return Reservation(granted=True, delay=max(0.0, slot - now), token=now)

    def _prune(self, now: float) -> None:
        while self._chats:
            chat, moment = next(iter(self._chats.items()))
            if moment > now and len(self._chats) <= self._max_chats:
                break
            del self._chats[chat]

    async def still_valid(self, reservation: Reservation) -> bool:
        return self._paused_until <= time.monotonic()

    async def pause(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._paused_until = max(self._paused_until, until)
        self._tat = max(self._tat, self._paused_until)

    @property
    def paused_for(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    async def close(self) -> None:
        return None


# KEYS: global slot, pause, chat slot. ARGV: interval µs, chat interval µs, catch-up µs.
# No global slot yet (a new bot, or idle for a minute): the first slot is now, not in the past.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or tostring(now))
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local chat_next = tonumber(redis.call('GET', KEYS[3]) or '0')
local slot = math.max(now - tonumber(ARGV[3]), tat, paused)
local sent_at = math.max(now, slot)
if chat_next > sent_at then
  return {0, chat_next - now, now}
end
local interval = tonumber(ARGV[1])
local chat_interval = tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', math.ceil((sent_at - now + interval) / 1000) + 60000)
redis.call('SET', KEYS[3], string.format('%.0f', sent_at + chat_interval), 'PX', math.ceil((sent_at - now + chat_interval) / 1000) + 1)
return {1, sent_at - now, now}
"""

# KEYS: global slot, pause. ARGV: pause µs.
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if until_ > paused then
  redis.call('SET', KEYS[2], string.format('%.0f', until_), 'PX', math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
  paused = until_
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > tat then
  redis.call('SET', KEYS[1], string.format('%.0f', paused), 'PX', math.ceil((paused - now) / 1000) + 60000)
end
return paused - now
"""

# KEYS: pause. Returns µs of pause left (0 when none).
_PAUSED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local paused = tonumber(redis.call('GET', KEYS[1]) or '0')
if paused > now then return paused - now end
return 0
"""


class RedisRateLimiter:
    """The same algorithm with its state in Redis, shared by every worker (issue 9). `redis` is
    the app's client (closed by the app) unless built with `from_url`."""

    def __init__(
        self,
        redis: Any,
        *,
        namespace: str,
        rate: float,
        per_chat_rate: float,
        per_group_per_minute: float = DEFAULT_PER_GROUP_PER_MINUTE,
        key_prefix: str = "hamdel",
        owns_client: bool = False,
        catch_up: float = 0.0,
        headroom: float = 1.0,
    ) -> None:
        self.redis = redis
        self.rate = rate
        self.per_chat_rate = per_chat_rate
        self.per_group_per_minute = per_group_per_minute
        self.prefix = f"{key_prefix}:ratelimit:{namespace}"
        self._interval_us = round(1_000_000 / (rate * headroom))
        self.catch_up = catch_up
        self._catch_up_us = round(1_000_000 * catch_up)
        self._reserve = redis.register_script(_RESERVE)
        self._pause = redis.register_script(_PAUSE)
        self._paused = redis.register_script(_PAUSED)
        self._owns_client = owns_client

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisRateLimiter:
        """With its own Redis client (closed by `close`): tests and tools outside the app."""
        from redis.asyncio import Redis

        return cls(Redis.from_url(url), owns_client=True, **options)

    @property
    def _keys(self) -> tuple[str, str]:
        return f"{self.prefix}:tat", f"{self.prefix}:pause"

    async def reserve(self, chat_id: int) -> Reservation:
        tat, pause = self._keys
        granted, delay_us, now_us = await self._reserve(
            keys=[tat, pause, f"{self.prefix}:chat:{chat_id}"],
            args=[
                self._interval_us,
                round(1_000_000 * chat_interval(chat_id, self.per_chat_rate, self.per_group_per_minute)),
                self._catch_up_us,
            ],
        )
        return Reservation(
            granted=bool(int(granted)),
            delay=max(0.0, int(delay_us) / 1_000_000),
            token=int(now_us) / 1_000_000,
        )

    async def still_valid(self, reservation: Reservation) -> bool:
        left = await self._paused(keys=[self._keys[1]])
        return int(left) <= 0

    async def pause(self, seconds: float) -> None:
        await self._pause(keys=list(self._keys), args=[round(seconds * 1_000_000)])

    async def close(self) -> None:
        if self._owns_client:
            await self.redis.aclose()


class Priority(IntEnum):
    """Who goes first when a chat's sending budget is short (lower goes first)."""

    TICKET = 0  # a donor's ticket: its card, relays and notices
    QUESTION = 1  # a question card ("ask a person")


class PriorityGate:
    """One send at a time per chat, the most urgent waiter first (then first come, first
    served). Staff-chat cards go through it: when the chat is rate-limited (a group takes about
    20 messages a minute) the send that holds the turn waits out the 429 and every ticket card
    queued behind it is posted before any question card. Per process: with several workers each
    keeps its own queue, and the background re-posting catches up whatever none could post."""

    def __init__(self) -> None:
        self._busy: set[int] = set()
        self._waiting: dict[int, list[tuple[int, int, asyncio.Future[None]]]] = {}
        self._order = itertools.count()

    def waiting(self, chat_id: int) -> int:
        return len(self._waiting.get(chat_id, ()))

    @asynccontextmanager
    async def turn(self, chat_id: int, priority: int) -> AsyncIterator[None]:
        if chat_id in self._busy:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting.setdefault(chat_id, []), (priority, next(self._order), future))
            try:
                await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():
                    self._release(chat_id)  # the turn was handed over just now: pass it on
                raise
        else:
            self._busy.add(chat_id)
        try:
            yield
        finally:
            self._release(chat_id)

    def _release(self, chat_id: int) -> None:
        queue = self._waiting.get(chat_id)
        while queue:
            _, _, future = heapq.heappop(queue)
            if not future.done():
                future.set_result(None)
                return
        self._waiting.pop(chat_id, None)
        self._busy.discard(chat_id)
