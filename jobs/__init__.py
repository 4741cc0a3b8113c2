"""Background work: one scheduler per app (`scheduler_for`) runs every job — broadcast delivery
and campaign notices (jobs.broadcasts), the ticket desk's catch-up and SLA reminders
(jobs.tickets), status notices (jobs.status), the payment gateway's reconciler
(jobs.payments) and housekeeping (jobs.housekeeping).

Jobs may import services and the chat kit (bot.platform, bot.i18n, bot.outbound), never
handlers: what a job needs from a feature's screens (how a notice looks) is handed to it when
the feature starts the job from its `on_startup` hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jobs.leases import DbLease, Lease, RedisLease
from jobs.scheduler import Job, Scheduler, Service

if TYPE_CHECKING:
    from bot.app import HamdelApp

__all__ = ["Job", "Scheduler", "Service", "scheduler_for"]


def scheduler_for(app: HamdelApp) -> Scheduler:
    """The app's scheduler, made on first use: leases in Redis when configured, else in the
    database; its jobs run as the app's background tasks and stop with it."""
    scheduler = app.dispatcher.workflow_data.get("scheduler")
    if isinstance(scheduler, Scheduler):
        return scheduler
    lease: Lease = (
        RedisLease(app.redis, prefix=app.settings.redis.redis_key_prefix)
        if app.redis is not None
        else DbLease(app.background_sessions)
    )
    scheduler = Scheduler(
        owner=app.worker_id or "worker",
        lease=lease,
        metrics=app.metrics,
        spawn=app.spawn,
        stopping=app.stopping,
        scope=app.profile.platform.value,
        lease_seconds=app.settings.scale.worker_lease_seconds,
    )
    app.dispatcher.workflow_data["scheduler"] = scheduler
    return scheduler
