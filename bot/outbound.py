"""The one outbound policy for Bot API calls: retries, 429s and the pace of bulk sends.

- `BotApiMiddleware`, the bot session's request middleware, is the only retry layer: 429 Too
  Many Requests waits `retry_after` (at most `max_retry_after` seconds) and tries again, 5xx and
  connection errors try again after 0.5 s, 1 s…, a timeout is retried only for methods that
  change nothing when repeated (never a send: it may have been delivered). It counts requests
  and errors in /metrics and tracks requests in flight (graceful shutdown). Nothing else in
  the code retries a Bot API call.
- Bulk senders (broadcasts, status notices) wait for a slot of the app's one sending budget
  (`app.send_limiter`, services.ratelimit; in Redis for every worker) before each message —
  `send_paced`, or the delivery engine's own reservations — and send `in_bulk`: a 429 on such a
  send pauses every bulk sender of the bot at once, before the middleware waits it out. Senders
  with their own per-chat pace (the ticket desk's staff-chat cards and reminders) wait out a
  running pause (`pause_over`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, TypeVar

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.lifecycle import InFlight
from services.ratelimit import RateLimiter, Reservation, acquire

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response

    from bot.observability import Metrics

logger = logging.getLogger("hamdel.outbound")

T = TypeVar("T")

# Methods that change nothing when repeated: safe to retry after a timeout. A timed-out send may
# have been delivered, so sends are never retried after a timeout (no duplicate messages).
_IDEMPOTENT_PREFIXES = ("get", "set", "delete", "edit", "answer", "close", "log", "inquire", "unpin", "pin")


class BotApiMiddleware(BaseRequestMiddleware):
    """Session middleware: counts requests and errors by code, tracks requests in flight (for
    graceful shutdown) and retries what is safe to retry (the only retry layer):

    - 429 Too Many Requests: waits `retry_after` (when it is at most `max_retry_after` seconds)
      and tries again, up to `attempts` times in all;
    - 5xx and connection errors: tries again after 0.5 s, 1 s…;
    - timeouts: only for methods that change nothing when repeated (never a send).
    getUpdates is left to aiogram's polling loop, which has its own backoff."""

    def __init__(
        self,
        metrics: Metrics | None,
        *,
        attempts: int = 3,
        max_retry_after: float = 10.0,
        backoff: float = 0.5,
    ) -> None:
        self.metrics = metrics
        self.attempts = attempts
        self.max_retry_after = max_retry_after
        self.backoff = backoff
        self.requests = InFlight()

    async def wait_idle(self, within: float) -> bool:
        return await self.requests.wait_idle(within)

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        name = method.__api_method__
        if isinstance(method, GetUpdates):
            return await self._once(make_request, bot, method, name)
        async with self.requests.track():
            attempt = 1
            while True:
                try:
                    return await self._once(make_request, bot, method, name)
                except TelegramRetryAfter as error:
                    budget = _bulk_budget.get()
                    if budget is not None:  # a bulk send: every bulk sender waits it out
                        await budget.pause(float(error.retry_after))
                    if attempt >= self.attempts or error.retry_after > self.max_retry_after:
                        raise
                    delay = float(error.retry_after)
                except TelegramServerError:
                    if attempt >= self.attempts:
                        raise
                    delay = self.backoff * 2 ** (attempt - 1)
                except TelegramNetworkError as error:
                    timed_out = "timeout" in str(error).lower()
                    if attempt >= self.attempts or (
                        timed_out and not name.lower().startswith(_IDEMPOTENT_PREFIXES)
                    ):
                        raise
                    delay = self.backoff * 2 ** (attempt - 1)
                logger.info("Bot API %s failed (attempt %d): retrying in %.1f s", name, attempt, delay)
                await asyncio.sleep(delay)
                attempt += 1

    async def _once(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
        name: str,
    ) -> Response[TelegramType]:
        if self.metrics is None:
            return await make_request(bot, method)
        metrics = self.metrics
        started = time.perf_counter()
        metrics.child(metrics.api_requests, name).inc()
        try:
            return await make_request(bot, method)
        except TelegramNetworkError:
            metrics.child(metrics.api_errors, name, "0").inc()
            raise
        except TelegramAPIError as error:
            metrics.child(metrics.api_errors, name, str(_status_of(error))).inc()
            raise
        finally:
            metrics.child(metrics.api_seconds, name).observe(time.perf_counter() - started)


def _status_of(error: TelegramAPIError) -> int:
    """The HTTP status the Bot API answered (stored on the error by `PlatformSession`)."""
    from aiogram import exceptions as e

    status = getattr(error, "status_code", None)
    if isinstance(status, int):
        return status

    for kind, code in (
        (e.TelegramRetryAfter, 429),
        (e.TelegramServerError, 500),
        (e.TelegramForbiddenError, 403),
        (e.TelegramNotFound, 404),
        (e.TelegramConflictError, 409),
        (e.TelegramUnauthorizedError, 401),
        (e.TelegramEntityTooLarge, 413),
        (e.TelegramBadRequest, 400),
    ):
        if isinstance(error, kind):
            return code
    return 0


# The sending budget of the bulk send in progress (`in_bulk`), for the middleware's 429s.
_bulk_budget: ContextVar[RateLimiter | None] = ContextVar("bulk_budget", default=None)


@contextmanager
def in_bulk(limiter: RateLimiter) -> Iterator[None]:
    """Requests made inside are bulk sends: a 429 pauses `limiter` (every bulk sender)."""
    token = _bulk_budget.set(limiter)
    try:
        yield
    finally:
        _bulk_budget.reset(token)


async def send_paced(limiter: RateLimiter, chat_id: int, send: Callable[[], Awaitable[T]]) -> T:
    """One message of a bulk send: waits for a slot of the sending budget (the global rate, the
    chat's own, a shared pause), then sends. A 429 the request middleware could not wait out
    pauses every bulk sender before it reaches the caller."""
    await acquire(limiter, chat_id)
    try:
        with in_bulk(limiter):
            return await send()
    except TelegramRetryAfter as error:
        await limiter.pause(float(error.retry_after))
        raise


async def pause_over(limiter: RateLimiter, *, poll: float = 0.25) -> None:
    """Wait while a 429 pause of the sending budget runs (senders that keep their own per-chat
    pace, such as the ticket desk's reminders, still stop for a pause every worker honours)."""
    probe = Reservation(granted=True, delay=0.0)
    while not await limiter.still_valid(probe):  # noqa: ASYNC110 (the pause may be in Redis)
        await asyncio.sleep(poll)
