"""Broadcast delivery and campaign milestone notices as background work.

The delivery engine (services.delivery) runs on every worker — its claims on the outbox keep
each recipient to one worker — paced by the app's one sending budget (`app.send_limiter`); the
milestone scanner (services.notifications) is a job, one runner at a time, woken at once when
something may have crossed a milestone. How a broadcast looks to its recipient and to its author
(the sender and the progress messages) is the broadcasts feature's, handed in at start."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.outbound import in_bulk
from bot.settings import Settings
from jobs import Job, Service, scheduler_for
from models.db import is_sqlite
from services import notifications
from services.delivery import DeliveryConfig, DeliveryEngine, Envelope, ProgressSink, Sender, SendResult
from services.ratelimit import RateLimiter

if TYPE_CHECKING:
    from bot.app import HamdelApp


def delivery_config(settings: Settings, *, rate: float, paid: bool = False) -> DeliveryConfig:
    """`rate`: the sending budget (the limiter paces a little under it); the platform's limit
    (BROADCAST_*_RATE) also bounds each worker's sends in any one second (`window_limit`)."""
    section = settings.broadcast
    return DeliveryConfig(
        rate=rate,
        window_limit=section.rate_for(settings.platform, paid=paid),
        result_flush=DeliveryConfig.result_flush_for(rate),
        per_chat_rate=section.per_chat_rate,
        retry_after_fallback=section.retry_after_fallback,
        max_attempts=section.max_attempts,
        backoff_base=section.backoff_base,
        backoff_max=section.backoff_max,
        batch_size=section.batch_size,
        max_in_flight=section.max_in_flight,
        progress_interval=section.progress_interval,
        poll_interval=section.poll_interval,
        claim_lease=section.claim_lease,
    )


class _InBulk:
    """The feature's sender, its requests marked as bulk sends (bot.outbound.in_bulk): a 429
    pauses every worker's bulk sending at once."""

    def __init__(self, sender: Sender, limiter: RateLimiter) -> None:
        self.sender = sender
        self.limiter = limiter

    async def send(self, envelope: Envelope) -> SendResult:
        with in_bulk(self.limiter):
            return await self.sender.send(envelope)


def start(app: HamdelApp, *, sender: Sender, progress_sink: ProgressSink) -> DeliveryEngine:
    """The delivery engine and the milestone scanner, started on the app's scheduler; both are
    also in the dispatcher's data (`delivery`, `notice_scanner`) for handlers to wake them."""
    section = app.settings.broadcast
    limiter = app.send_limiter

    async def forget(chat_ids: list[int]) -> None:
        for chat_id in chat_ids:
            app.users.forget(chat_id)

    engine = DeliveryEngine(
        app.background_sessions,
        _InBulk(sender, limiter),
        limiter,
        delivery_config(app.settings, rate=limiter.rate, paid=app.paid_broadcasts),
        platform=app.profile.platform.value,
        clock=app.clock,
        progress_sink=progress_sink,
        exclusive=is_sqlite(app.engine),
        on_blocked=forget,
    )
    scanner = notifications.NoticeScanner(
        app.background_sessions,
        platform=app.profile.platform.value,
        clock=app.clock,
        render=app.i18n.text,
        live_max_age=timedelta(hours=section.live_notice_max_age_hours),
        on_created=engine.wake,
    )
    app.dispatcher.workflow_data["delivery"] = engine
    app.dispatcher.workflow_data["notice_scanner"] = scanner
    scheduler = scheduler_for(app)
    if section.delivery_in_bot:  # else `python -m bot deliver` sends (bot/delivery_worker.py)
        scheduler.add(Service("broadcast-delivery", engine.run, engine.stop))
    scheduler.add(
        Job(
            "campaign-notices",
            scanner.scan_once,
            interval=section.scanner_interval,
            jitter=section.scanner_interval / 10,
            wake=scanner.woken,
        )
    )
    return engine
