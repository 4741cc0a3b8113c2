"""Scale-out benchmark: updates per second and latency with 1, 2 and 4 webhook workers on
PostgreSQL + Redis, against one process on SQLite — all against one local messenger, in one run.

Run from the repository root (PostgreSQL and Redis reachable)::

    python -m benchmarks.scale                       # 120 users, workers 1,2,4
    python -m benchmarks.scale --users 200 --workers 1,2,4,8

BENCH_DATABASE_URL (default TEST_DATABASE_URL, else postgresql+asyncpg://postgres@127.0.0.1/postgres)
names the server: a database of the benchmark's own is created on it and dropped at the end.
BENCH_REDIS_URL (default TEST_REDIS_URL, else redis://127.0.0.1:6379/15): keys under a prefix of
the run, deleted at the end.

Every configuration runs the real bot (`python -m bot run`, WORKERS=N: N processes on one port
with SO_REUSEPORT, each with the update inbox, Redis FSM and per-user locks) behind the local
messenger's webhook delivery (up to 40 connections, one update per chat at a time, as Telegram).
Each virtual user does a mixed conversation: /start, the language menu and a choice (two
callback queries), /help, a free-text question, the volunteer sign-up entry and /cancel — what
main has today (FAQ, donations and complaints join the mix as they land). Latency is measured
from the user's action to the bot's answer (the reply message, or the callback answer).

The messenger and the load generator share this one Python process, and all workers share the
machine's cores: on a 2-core machine more than 2 workers cannot add CPU, and the figures say so.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import SANDBOX_TOKEN  # noqa: E402
from bot.messenger import LocalMessenger  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from tests.scale.scalekit import WorkerSet, free_port, wait_healthy, worker_env  # noqa: E402

QUESTIONS = [
    "شرایط دریافت جهیزیه چیست؟",
    "چطور می‌توانم کمک کنم؟",
    "سلام، وقت بخیر",
    "پرونده‌ام را چطور پیگیری کنم؟",
    "آیا کمک به استان خاصی ممکن است؟",
]


@dataclass
class Result:
    name: str
    workers: int
    updates: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    bot_cpu: float = 0.0  # CPU seconds of the bot's processes during the measured run
    harness_cpu: float = 0.0  # CPU seconds of this process (messenger + simulated users)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _conversation(messenger: LocalMessenger, user_id: int, result: Result, rng: random.Random) -> None:
    user = messenger.user(user_id, "سارا", "fa")

    async def reply_to(action: Any) -> None:
        user.skip_to_end()
        started = time.perf_counter()
        await action
        await user.next_message(timeout=60)
        result.latencies.append(time.perf_counter() - started)
        result.updates += 1

    async def answer_of(action: Any) -> None:
        started = time.perf_counter()
        await action
        result.latencies.append(time.perf_counter() - started)
        result.updates += 1

    try:
        await reply_to(user.send("/start"))
        await answer_of(user.press("🌐 زبان / Language", timeout=60))
        await _wait_buttons(user, "English")
        await answer_of(user.press(rng.choice(["English", "فارسی"]), timeout=60))
        await reply_to(user.send("/help"))
        await reply_to(user.send(rng.choice(QUESTIONS)))
        await reply_to(user.send("/volunteer"))
        await reply_to(user.send("/cancel"))
    except Exception as error:  # counted, and the run goes on
        result.errors += 1
        if result.errors <= 3:
            print(f"    user {user_id}: {type(error).__name__}: {str(error)[:200]}", flush=True)


async def _wait_buttons(user: Any, label: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if any(label in user.buttons(message) for message in user.messages):
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"no {label!r} button")


async def _run_config(
    name: str,
    workers: int,
    database_url: str,
    redis_url: str | None,
    prefix: str,
    users: int,
    tmp: Path,
    first_user: int,
) -> Result:
    messenger = LocalMessenger(
        flavor="telegram", token=SANDBOX_TOKEN, strict=False, max_recorded_requests=5000
    )
    await messenger.start()
    port = free_port()
    env = worker_env(
        flavor="telegram",
        api_base=messenger.base_url,
        database_url=database_url,
        redis_url=redis_url,
        redis_prefix=prefix,
        port=port,
        workers=workers,
    )
    group = WorkerSet(env, tmp, port)
    supervisor = group.start(0, "run")
    result = Result(name, workers, 0, 0.0)
    try:
        await messenger.wait_for_request(lambda r: r.method == "setWebhook", timeout=120)
        await wait_healthy(port, supervisor, within=120)
        await asyncio.sleep(1.0 + workers * 0.5)  # every worker up and listening
        warm = Result("warm-up", workers, 0, 0.0)
        await asyncio.gather(
            *(
                _conversation(messenger, first_user - 1 - n, warm, random.Random(n))
                for n in range(4 * workers)
            )
        )
        pids = _bot_pids(supervisor.pid)
        cpu_before, own_before = _cpu(pids), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(
            *(_conversation(messenger, first_user + n, result, random.Random(n)) for n in range(users))
        )
        result.seconds = time.perf_counter() - started
        result.bot_cpu = _cpu(pids) - cpu_before
        result.harness_cpu = time.process_time() - own_before
    finally:
        group.stop_all()
        await messenger.stop()
    return result


def _bot_pids(supervisor: int) -> list[int]:
    """The worker processes (the supervisor's children), or the single process itself."""
    try:
        children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    except OSError:
        children = []
    return [int(pid) for pid in children] or [supervisor]


def _cpu(pids: list[int]) -> float:
    """User + system CPU seconds of `pids` so far (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


async def _admin(server_url: str, statement: str) -> None:
    import asyncpg

    url = make_url(server_url)
    connection = await asyncpg.connect(
        user=url.username,
        password=url.password,
        host=url.host,
        port=url.port or 5432,
        database=url.database or "postgres",
    )
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _truncate(database_url: str) -> None:
    from sqlalchemy import text

    from models import Base
    from models.db import create_engine

    engine = create_engine(database_url)
    async with engine.begin() as connection:
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("--users", type=int, default=120, help="virtual users per configuration")
    parser.add_argument("--workers", default="1,2,4", help="worker counts on PostgreSQL + Redis")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",") if n]

    server = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or ("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    )
    redis_url = (
        os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    )
    run = uuid.uuid4().hex[:6]
    name = f"hamdel_bench_{run}"
    prefix = f"hamdel-bench-{run}"
    tmp = ROOT / "var" / f"bench-{run}"
    tmp.mkdir(parents=True, exist_ok=True)
    print(
        f"Hamdel scale benchmark: {args.users} users × 7 updates each, mixed conversation; cores: {os.cpu_count()}"
    )
    await _admin(server, f'CREATE DATABASE "{name}"')
    postgres_url = make_url(server).set(database=name).render_as_string(hide_password=False)
    results: list[Result] = []
    try:
        await asyncio.to_thread(upgrade, postgres_url)
        sqlite_url = f"sqlite+aiosqlite:///{tmp / 'hamdel.db'}"
        await asyncio.to_thread(upgrade, sqlite_url)
        configs: list[tuple[str, int, str, str | None]] = [("SQLite, 1 process", 1, sqlite_url, None)]
        configs += [
            (f"PostgreSQL + Redis, {n} worker{'s' if n > 1 else ''}", n, postgres_url, redis_url)
            for n in counts
        ]
        for index, (label, workers, database_url, redis) in enumerate(configs):
            if database_url == postgres_url:
                await _truncate(postgres_url)
            print(f"  running: {label} …", flush=True)
            result = await _run_config(
                label, workers, database_url, redis, prefix, args.users, tmp, first_user=100_000 * (index + 1)
            )
            results.append(result)
            print(
                f"    {result.rate:7.1f} updates/s   p50 {result.percentile(0.5):6.0f} ms   "
                f"p95 {result.percentile(0.95):6.0f} ms   errors {result.errors}",
                flush=True,
            )
    finally:
        await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        from tests.conftest import clear_redis_keys

        await clear_redis_keys(redis_url, prefix)
    print()
    print(
        f"{'configuration':34} {'updates/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'vs 1 PG worker':>15}"
        f" {'bot CPU/update':>15} {'messenger CPU':>14}"
    )
    base = next((r.rate for r in results if r.workers == 1 and "PostgreSQL" in r.name), None)
    for result in results:
        scale = f"{result.rate / base:.2f}×" if base else "-"
        per_update = result.bot_cpu * 1000 / max(result.updates, 1)
        print(
            f"{result.name:34} {result.rate:10.1f} {result.percentile(0.5):8.0f} "
            f"{result.percentile(0.95):8.0f} {scale:>15} {per_update:12.1f} ms {result.harness_cpu:12.1f} s"
        )
    measured = [x for r in results for x in r.latencies]
    if measured:
        mean = statistics.mean(measured) * 1000
        print(
            f"(mean latency over all configurations: {mean:.0f} ms; load average now {os.getloadavg()[0]:.1f})"
        )
    print(
        "bot CPU/update: CPU time of the bot's processes per update (independent of how many cores\n"
        "are free); messenger CPU: this process (local messenger + simulated users) during the run."
    )
    return 0 if all(r.errors == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
