"""The payment gateway's reconciler as a job: every RECONCILE_EVERY (after the first interval),
one runner at a time, it asks the gateway about orders whose check is due (see
`services.donations.next_verify`: after the bank's session, then with backoff, for a day). The
round itself — verify, record, send the receipt — is the gateway callback's own (`reconcile`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from jobs import Job, scheduler_for

if TYPE_CHECKING:
    from bot.app import HamdelApp

RECONCILE_EVERY = timedelta(minutes=2)


def start_reconciler(app: HamdelApp, reconcile: Callable[[], Awaitable[int]]) -> None:
    every = RECONCILE_EVERY.total_seconds()
    scheduler_for(app).add(
        Job("gateway-reconciler", reconcile, interval=every, first_delay=every, jitter=every / 10)
    )
