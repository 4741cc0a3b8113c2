"""The scheduler of background jobs (jobs/): one runner at a time across workers through the
lease (a database row; a Redis key when Redis is configured), failures counted and retried at
the next interval, a clean stop on shutdown."""

from __future__ import annotations

import ast
import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.observability import Metrics
from jobs import scheduler_for
from jobs.leases import DbLease, Lease, RedisLease
from jobs.scheduler import Job, Scheduler, Service
from tests.conftest import REDIS_PREFIX, TEST_REDIS_URL, Harness
from tests.dbkit import sessions_on

LEASES = ["database"] + (["redis"] if TEST_REDIS_URL else [])


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    async with sessions_on(database_url) as sessionmaker:
        yield sessionmaker


@pytest.fixture(params=LEASES)
async def lease(request: pytest.FixtureRequest, db: async_sessionmaker[AsyncSession]) -> AsyncIterator[Lease]:
    if request.param == "database":
        yield DbLease(db)
        return
    from redis.asyncio import Redis

    assert TEST_REDIS_URL is not None
    redis = Redis.from_url(TEST_REDIS_URL)
    try:
        yield RedisLease(redis, prefix=REDIS_PREFIX)
    finally:
        await redis.aclose()


def runs(metrics: Metrics, job: str, outcome: str) -> float:
    value = metrics.registry.get_sample_value("hamdel_job_runs_total", {"job": job, "outcome": outcome})
    return value or 0.0


async def test_the_lease_lets_one_worker_run_a_job_at_a_time(lease: Lease) -> None:
    """Two workers' schedulers start the same job together: one runs it, the other skips
    that pass; once the pass is over the lease is free again."""
    metrics = Metrics(platform="telegram", worker="0", version="test")
    running = 0
    most = 0
    release = asyncio.Event()

    async def slow_pass() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await release.wait()
        running -= 1

    job = Job("demo", slow_pass, interval=60)
    one = Scheduler(owner="worker-a", lease=lease, metrics=metrics, scope="telegram", lease_seconds=3)
    two = Scheduler(owner="worker-b", lease=lease, metrics=metrics, scope="telegram", lease_seconds=3)
    first = asyncio.create_task(one.run_once(job))
    await asyncio.sleep(0.05)
    assert await asyncio.wait_for(two.run_once(job), 10) is None  # another worker holds the lease
    await asyncio.sleep(1.5)  # past the lease's first renewal: still held
    assert await asyncio.wait_for(two.run_once(job), 10) is None
    release.set()
    assert await first is True
    assert most == 1
    assert await asyncio.wait_for(two.run_once(job), 10) is True  # given back after the pass
    assert runs(metrics, "demo", "ok") == 2 and runs(metrics, "demo", "skipped") == 2


async def test_a_failing_job_is_counted_and_runs_again_next_interval() -> None:
    metrics = Metrics(platform="telegram", worker="0", version="test")
    attempts: list[float] = []
    second = asyncio.Event()

    async def flaky() -> None:
        attempts.append(asyncio.get_running_loop().time())
        if len(attempts) == 1:
            raise RuntimeError("the database went away")
        second.set()

    scheduler = Scheduler(owner="w", lease=None, metrics=metrics, jitter_of=lambda most: most)
    scheduler.add(Job("flaky", flaky, interval=0.1, jitter=0.05))
    await asyncio.wait_for(second.wait(), 2)
    assert await scheduler.stop()
    assert runs(metrics, "flaky", "failed") == 1 and runs(metrics, "flaky", "ok") >= 1
    # The interval and its jitter, on uvloop's clock: milliseconds, read at the start of a loop
    # iteration, so a timer may fire up to 1 ms before its time as `time()` reads it.
    assert attempts[1] - attempts[0] >= 0.15 - 0.001
    count = metrics.registry.get_sample_value("hamdel_job_duration_seconds_count", {"job": "flaky"})
    assert count is not None and count >= 2


async def test_shutdown_stops_waiting_jobs_at_once_and_lets_work_in_hand_finish() -> None:
    stopping = asyncio.Event()
    finished: list[str] = []
    started = asyncio.Event()

    async def pass_in_hand() -> None:
        started.set()
        await asyncio.sleep(0.2)
        finished.append("pass")

    class Engine:
        def __init__(self) -> None:
            self.stopped = asyncio.Event()

        async def run(self) -> None:
            await self.stopped.wait()
            finished.append("service")

        def stop(self) -> None:
            self.stopped.set()

    engine = Engine()
    scheduler = Scheduler(owner="w", lease=None, stopping=stopping)
    scheduler.add(Job("sleeper", pass_in_hand, interval=3600, first_delay=3600))
    scheduler.add(Job("busy", pass_in_hand, interval=3600))
    scheduler.add(Service("engine", engine.run, engine.stop))
    await asyncio.wait_for(started.wait(), 2)
    # As the app's drain does: `stopping` set, then its background tasks cancelled.
    assert await scheduler.stop(within=2)
    assert sorted(finished) == ["pass", "service"]  # the sleeper never started a pass
    assert all(task.done() for task in scheduler.tasks.values())
    with pytest.raises(ValueError):
        scheduler.add(Job("busy", pass_in_hand, interval=1))


def test_jobs_import_no_handlers() -> None:
    """Jobs stand on services and the chat kit; what they need of a feature's screens is handed
    to them when the feature starts them."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}: {name}"
        for path in sorted((root / "jobs").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in ([a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""])
        if name == "handlers" or name.startswith("handlers.")
    ]
    assert offenders == []


@pytest.mark.parametrize("flavor", ["telegram"])  # the jobs do not depend on the flavor
async def test_the_apps_background_work_runs_on_its_one_scheduler(hamdel: Harness, backend: str) -> None:
    scheduler = scheduler_for(hamdel.app)
    assert set(scheduler.jobs) == {
        "broadcast-delivery",
        "campaign-notices",
        "status-notices",
        "housekeeping",
        "ticket-desk",
        *(["sqlite-checkpoint"] if backend == "sqlite" else []),  # models.db.checkpoint_wal
    }
    assert all(task in hamdel.app.background for task in scheduler.tasks.values())
    metrics = hamdel.app.metrics
    for _ in range(200):  # the passes that run at start
        if runs(metrics, "ticket-desk", "ok") and runs(metrics, "housekeeping", "ok"):
            break
        await asyncio.sleep(0.025)
    body = (await metrics.render()).decode()
    assert 'hamdel_job_runs_total{job="ticket-desk",outcome="ok"} 1.0' in body
    assert 'hamdel_job_duration_seconds_count{job="housekeeping"} 1.0' in body
