"""Health and Prometheus metrics (the Bot API request middleware, which counts requests and
errors, lives with the outbound policy in bot.outbound).

`GET /healthz` answers 200 with JSON when the database (and Redis, when configured) answer and
the worker takes updates; 503 when one of them does not or the worker is draining for shutdown.
`GET /metrics` is Prometheus' text format for this worker (each worker has its own registry:
scrape every worker — at METRICS_PORT + its index — and sum in PromQL).

Hooks for features:
- `app.metrics.donation_recorded(amount_rials, currency)` when a gift is recorded (in-chat
  invoice or gateway), `app.metrics.donation_held(currency)` when a payment is held for review;
- `app.metrics.outbox_backlog.set(n)`, or `app.metrics.add_collect_hook(async_fn)` to compute a
  gauge (e.g. the broadcast outbox backlog) when Prometheus scrapes.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject, Update
from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import text

# bot.app builds the request middleware from here (the outbound policy is bot.outbound).
from bot.outbound import BotApiMiddleware as BotApiMiddleware

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.observability")

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """This worker's Prometheus registry (one per app, so tests may build many apps)."""

    def __init__(self, *, platform: str, worker: str, version: str) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.info = Gauge(
            "hamdel_build_info", "Version, platform and worker", ["version", "platform", "worker"], registry=r
        )
        self.info.labels(version=version, platform=platform, worker=worker).set(1)
        self.updates = Counter(
            "hamdel_updates_total",
            "Updates by type and outcome (handled, unhandled, error, duplicate, retry, deferred, failed)",
            ["type", "outcome"],
            registry=r,
        )
        self.update_seconds = Histogram(
            "hamdel_update_duration_seconds",
            "Time to handle one update",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.updates_in_flight = Gauge("hamdel_updates_in_flight", "Updates being handled now", registry=r)
        self.inbox_replays = Counter(
            "hamdel_inbox_replays_total",
            "Updates processed again from the inbox (dead worker, transient failure)",
            registry=r,
        )
        self.inbox_unfinished = Gauge("hamdel_inbox_unfinished", "Recorded updates not yet done", registry=r)
        self.api_requests = Counter(
            "hamdel_bot_api_requests_total", "Bot API requests by method", ["method"], registry=r
        )
        self.api_errors = Counter(
            "hamdel_bot_api_errors_total",
            "Bot API errors by method and code (0: network error or timeout)",
            ["method", "code"],
            registry=r,
        )
        self.api_seconds = Histogram(
            "hamdel_bot_api_request_duration_seconds",
            "Bot API request time",
            ["method"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.outbox_backlog = Gauge(
            "hamdel_outbox_backlog", "Broadcast messages waiting to be sent", registry=r
        )
        self.donations = Counter(
            "hamdel_donations_recorded_total", "Donations recorded", ["currency"], registry=r
        )
        self.donations_rials = Counter(
            "hamdel_donations_recorded_rials_total", "Sum of recorded donations in rials", registry=r
        )
        self.donations_held = Counter(
            "hamdel_donations_held_total",
            "Payments held for staff review (another currency or amount than the order's)",
            ["currency"],
            registry=r,
        )
        self.job_runs = Counter(
            "hamdel_job_runs_total",
            "Background job passes by job and outcome (ok, failed, skipped: another worker held the lease)",
            ["job", "outcome"],
            registry=r,
        )
        self.job_seconds = Histogram(
            "hamdel_job_duration_seconds",
            "Time of one background job pass",
            ["job"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self._hooks: list[Callable[[], Awaitable[None]]] = []
        # Each label set's child, kept: `labels()` validates and sorts its labels under a lock
        # at every call (~0.5 % of the bot's CPU per update, two or three calls per update).
        self._children: dict[tuple[object, ...], Any] = {}

    def child(self, metric: Any, *values: str) -> Any:
        """`metric.labels(*values)`, made once per metric and label values (a finite set here:
        Bot API methods, update types, outcomes, error codes)."""
        key = (id(metric), *values)
        found = self._children.get(key)
        if found is None:
            found = self._children[key] = metric.labels(*values)
        return found

    def add_collect_hook(self, hook: Callable[[], Awaitable[None]]) -> None:
        """`hook` runs (at most 2 s) before each scrape, to set gauges from the database."""
        self._hooks.append(hook)

    def donation_recorded(self, amount_rials: int, currency: str = "IRR") -> None:
        self.donations.labels(currency=currency).inc()
        self.donations_rials.inc(max(amount_rials, 0))

    def donation_held(self, currency: str) -> None:
        self.donations_held.labels(currency=currency).inc()

    async def render(self) -> bytes:
        for hook in list(self._hooks):
            try:
                async with asyncio.timeout(2):
                    await hook()
            except Exception as error:
                logger.warning("metrics hook %s failed: %r", getattr(hook, "__name__", hook), error)
        return generate_latest(self.registry)


def add_backlog_hooks(metrics: Metrics, sessionmaker: Any, inbox: Any) -> None:
    """At each scrape: the broadcast outbox's backlog (recipients not yet sent) and the updates
    recorded but not yet done."""
    from sqlalchemy import func, select

    from models.broadcasts import OutboxItem, OutboxStatus

    async def backlog() -> None:
        async with sessionmaker() as session:
            waiting = await session.scalar(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.status.in_((OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)))
            )
        metrics.outbox_backlog.set(int(waiting or 0))
        if inbox is not None:
            metrics.inbox_unfinished.set(await inbox.unfinished())

    metrics.add_collect_hook(backlog)


class UpdateMetricsMiddleware(BaseMiddleware):
    """Outer update middleware (inside aiogram's error handling, so it sees the exceptions):
    counts updates by type and outcome and times them."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        kind = event.event_type if isinstance(event, Update) else type(event).__name__
        started = time.perf_counter()
        self.metrics.updates_in_flight.inc()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            self.metrics.updates_in_flight.dec()
            metrics = self.metrics
            metrics.child(metrics.update_seconds, kind).observe(time.perf_counter() - started)
            metrics.child(metrics.updates, kind, outcome).inc()


# -- web endpoints -----------------------------------------------------------------------------

APP_KEY: web.AppKey[HamdelApp] = web.AppKey("hamdel_app")


async def check_health(app: HamdelApp, limit: float = 2.0) -> tuple[bool, dict[str, Any]]:
    from bot import __version__

    report: dict[str, Any] = {
        "version": __version__,
        "platform": app.profile.platform.value,
        "worker": app.worker_id,
    }
    healthy = True
    try:
        async with asyncio.timeout(limit), app.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        report["database"] = "ok"
    except Exception as error:
        healthy = False
        report["database"] = f"unreachable: {type(error).__name__}"
    if app.redis is None:
        report["redis"] = "not configured"
    else:
        try:
            async with asyncio.timeout(limit):
                await app.redis.ping()
            report["redis"] = "ok"
        except Exception as error:
            healthy = False
            report["redis"] = f"unreachable: {type(error).__name__}"
    if not app.gate.accepting:
        healthy = False
        report["status"] = "draining"
    else:
        report["status"] = "ok" if healthy else "degraded"
    return healthy, report


async def health_endpoint(request: web.Request) -> web.Response:
    healthy, report = await check_health(request.app[APP_KEY])
    return web.json_response(report, status=200 if healthy else 503)


async def metrics_endpoint(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    body = await app.metrics.render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def add_ops_routes(app: HamdelApp, web_app: web.Application) -> None:
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", health_endpoint)
    web_app.router.add_get("/metrics", metrics_endpoint)
