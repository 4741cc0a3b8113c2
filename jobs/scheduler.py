"""The one scheduler of background work.

A `Job` is a pass (`run`) started every `interval` seconds, plus up to `jitter` seconds at
random so workers started together do not run in step; `wake` starts the next pass early. An
`exclusive` job runs under its lease (jobs.leases): at most one runner at a time across
workers — a worker that finds the lease held skips that pass. A `Service` is background work
with its own loop (the broadcast delivery engine), started once per worker.

Every pass is counted in /metrics (`hamdel_job_runs_total{job,outcome}`: ok, failed, skipped;
`hamdel_job_duration_seconds{job}`); a failure is logged and the job runs again at its next
interval. On shutdown (`stopping` is set, then the app cancels its background tasks) a job
waiting for its next pass ends at once; a pass or service in hand is asked to finish (a
service's `stop`) and given `grace` seconds before it is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from services.tasks import cancel_and_wait

if TYPE_CHECKING:
    from bot.observability import Metrics
    from jobs.leases import Lease

logger = logging.getLogger("hamdel.jobs")

Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None]"]


@dataclass(frozen=True, slots=True)
class Job:
    name: str
    run: Callable[[], Awaitable[object]]
    interval: float
    jitter: float = 0.0
    # Seconds before the first pass (0: at start).
    first_delay: float = 0.0
    exclusive: bool = True
    wake: asyncio.Event | None = None


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    run: Callable[[], Awaitable[None]]
    stop: Callable[[], None]
    grace: float = 5.0


class Scheduler:
    def __init__(
        self,
        *,
        owner: str,
        lease: Lease | None,
        metrics: Metrics | None = None,
        spawn: Spawn | None = None,
        stopping: asyncio.Event | None = None,
        scope: str = "",
        lease_seconds: float = 15.0,
        grace: float = 5.0,
        jitter_of: Callable[[float], float] = lambda most: random.uniform(0.0, most),
    ) -> None:
        self.owner = owner
        self.lease = lease
        self.metrics = metrics
        self.scope = scope
        self.lease_seconds = lease_seconds
        self.grace = grace
        self._spawn = spawn
        self._jitter_of = jitter_of
        self.stopping = stopping or asyncio.Event()
        self.jobs: dict[str, Job | Service] = {}
        self.tasks: dict[str, asyncio.Task[None]] = {}

    def add(self, job: Job | Service) -> None:
        """Register and start `job` (its name is unique in this scheduler)."""
        if job.name in self.jobs:
            raise ValueError(f"job {job.name!r} is already scheduled")
        self.jobs[job.name] = job
        coroutine = self._periodic(job) if isinstance(job, Job) else self._service(job)
        name = f"job:{job.name}"
        self.tasks[job.name] = (
            self._spawn(coroutine, name) if self._spawn else asyncio.create_task(coroutine, name=name)
        )

    async def stop(self, within: float | None = None) -> bool:
        """Stop every job (the app does the same through `stopping` and cancelling its
        background tasks). True when all ended within `within` seconds (default: `grace`)."""
        self.stopping.set()
        tasks = [task for task in self.tasks.values() if not task.done()]
        for task in tasks:
            task.cancel()
        if not tasks:
            return True
        _, pending = await asyncio.wait(tasks, timeout=self.grace if within is None else within)
        return not pending

    # -- one pass ---------------------------------------------------------------------------

    async def run_once(self, job: Job) -> bool | None:
        """One pass of `job` under its lease: True when it ran, False when it failed, None when
        another worker held the lease."""
        key = f"{self.scope}:{job.name}" if self.scope else job.name
        leased = job.exclusive and self.lease is not None
        if leased:
            assert self.lease is not None
            try:
                held = await self.lease.acquire(key, self.owner, self.lease_seconds)
            except Exception:
                logger.exception(
                    "job %s: its lease could not be taken; next try in %.0f s", job.name, job.interval
                )
                self._count(job.name, "failed")
                return False
            if not held:
                self._count(job.name, "skipped")
                return None
        renewal = asyncio.create_task(self._renew(key)) if leased else None
        started = time.perf_counter()
        outcome = "failed"
        try:
            await job.run()
            outcome = "ok"
        except Exception:
            logger.exception("job %s failed; next pass in %.0f s", job.name, job.interval)
        finally:
            if renewal is not None:
                await cancel_and_wait([renewal])
            if self.metrics is not None:
                self.metrics.job_seconds.labels(job=job.name).observe(time.perf_counter() - started)
            self._count(job.name, outcome)
            if leased:
                assert self.lease is not None
                try:
                    await self.lease.release(key, self.owner)
                except Exception as error:  # it lapses by itself
                    logger.warning("job %s: lease not released: %r", job.name, error)
        return outcome == "ok"

    async def _renew(self, key: str) -> None:
        """Keep the lease while a pass runs longer than the lease."""
        assert self.lease is not None
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            try:
                await self.lease.acquire(key, self.owner, self.lease_seconds)
            except Exception as error:
                logger.warning("job lease %s not renewed: %r", key, error)

    def _count(self, name: str, outcome: str) -> None:
        if self.metrics is not None:
            self.metrics.job_runs.labels(job=name, outcome=outcome).inc()

    # -- the loops --------------------------------------------------------------------------

    async def _periodic(self, job: Job) -> None:
        delay = job.first_delay
        while True:
            await self._pause(job, delay)
            if self.stopping.is_set():
                return
            if job.wake is not None:
                job.wake.clear()
            await self._finishing(self.run_once(job), grace=self.grace)
            delay = job.interval + (self._jitter_of(job.jitter) if job.jitter > 0 else 0.0)

    async def _pause(self, job: Job, seconds: float) -> None:
        """Until the next pass is due, `job.wake` is set or the scheduler stops."""
        if seconds <= 0 or self.stopping.is_set():
            return
        waits = [asyncio.ensure_future(self.stopping.wait())]
        if job.wake is not None:
            waits.append(asyncio.ensure_future(job.wake.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                waiting.cancel()

    async def _service(self, service: Service) -> None:
        try:
            await self._finishing(service.run(), grace=service.grace, stop=service.stop)
        except Exception:
            self._count(service.name, "failed")
            logger.exception("background service %s stopped with an error", service.name)

    @staticmethod
    async def _finishing(
        work: Awaitable[object], *, grace: float, stop: Callable[[], None] | None = None
    ) -> None:
        """Await `work`; when cancelled (shutdown), ask it to stop (`stop`) and give it `grace`
        seconds to finish what it has in hand (no transaction left open mid-statement)."""
        task = asyncio.ensure_future(work)
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if stop is not None:
                stop()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                async with asyncio.timeout(grace):
                    await task
            raise
