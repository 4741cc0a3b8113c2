"""Latency at a normal load: what a person waits when the bot is not saturated.

Run from the repository root:  python -m benchmarks.latency [--users N] [--seconds S] [--least L]   (not a timed test)

The bot runs as in benchmarks.scale (`python -m bot run`, webhook, behind a local messenger) with
the same mixed conversation of about 23 updates (menu, donation, complaint, FAQ). First its
saturation rate is measured in this run: N users hold their conversations all at once (a closed
loop: each sends its next update as soon as the last one is answered) and the updates/s they
get through is the saturation. Then, for 25 %, 50 % and 75 % of that rate, conversations start
at Poisson arrivals (an open loop: a new person arrives whatever the bot is doing) for S seconds,
at the rate of conversations that makes the level's updates/s, and on until at least L
conversations have started (so that a slow level still has enough updates to rank); every update is timed from the
user's action to the bot's answer, and p50/p95/p99 are given per level.

The bot's resident memory (all its processes) is read after start-up before any update and again
after every phase: the growth over the run's updates is the "RSS after mixed updates" figure.

SQLite always (one process); PostgreSQL + Redis (one worker) too when TEST_DATABASE_URL and
TEST_REDIS_URL (or BENCH_DATABASE_URL and BENCH_REDIS_URL) are set: a database of its own is
created on that server and dropped at the end, Redis keys under a prefix of the run deleted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks.footprint import rss_mb
from benchmarks.scale import (
    Result,
    _admin,
    _conversation,
    postgres_targets,
    running_bot,
    scratch_folder,
)
from bot.migrate import upgrade
from messenger import LocalMessenger
from messenger.testkit import clear_redis_keys

LEVELS = (0.25, 0.50, 0.75)


@dataclass
class Level:
    share: float  # of the saturation rate
    offered: float  # updates/s the arrivals were drawn for
    result: Result


@dataclass
class Run:
    database: str
    saturation: Result
    levels: list[Level] = field(default_factory=list)
    idle_rss_mb: float = 0.0
    final_rss_mb: float = 0.0
    updates: int = 0  # every update the bot handled, warm-up included


async def _open_loop(
    messenger: LocalMessenger,
    rate: float,
    seconds: float,
    least: int,
    result: Result,
    first_user: int,
    seed: int,
) -> None:
    """Conversations starting at Poisson arrivals of `rate` per second for `seconds`, and on
    until at least `least` have started (the arrivals never wait for the bot); waits for every
    one of them to end."""
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    started = loop.time()
    deadline = started + seconds
    tasks: list[asyncio.Future[None]] = []
    user = first_user
    while True:
        await asyncio.sleep(rng.expovariate(rate))
        if loop.time() >= deadline and len(tasks) >= least:
            break
        tasks.append(asyncio.ensure_future(_conversation(messenger, user, result, random.Random(user))))
        user += 1
    await asyncio.gather(*tasks)
    result.seconds = loop.time() - started  # arrivals and the last conversation's end


def _rss(pids: list[int]) -> float:
    return sum(rss_mb(pid) for pid in pids)


async def _measure_one(
    database: str,
    database_url: str,
    redis_url: str | None,
    prefix: str,
    users: int,
    seconds: float,
    least: int,
    tmp: Path,
) -> Run:
    async with running_bot(1, database_url, redis_url, prefix, tmp) as bot:
        pids = bot.pids
        idle = _rss(pids)
        warm = Result("warm-up", 1, 0, 0.0)
        await asyncio.gather(
            *(_conversation(bot.messenger, 900 + n, warm, random.Random(n)) for n in range(4))
        )
        saturation = Result("saturation", 1, 0, 0.0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await asyncio.gather(
            *(_conversation(bot.messenger, 1_000 + n, saturation, random.Random(n)) for n in range(users))
        )
        saturation.seconds = loop.time() - started
        run = Run(database, saturation, idle_rss_mb=idle)
        per_conversation = saturation.updates / max(users - saturation.errors, 1)
        for index, share in enumerate(LEVELS):
            offered = share * saturation.rate
            result = Result(f"{share:.0%}", 1, 0, 0.0)
            print(f"    {database}: {share:.0%} of {saturation.rate:.1f} updates/s …", flush=True)
            await _open_loop(
                bot.messenger,
                offered / per_conversation,
                seconds,
                least,
                result,
                100_000 * (index + 1),
                index,
            )
            run.levels.append(Level(share, offered, result))
        run.final_rss_mb = _rss(pids)
        run.updates = warm.updates + saturation.updates + sum(level.result.updates for level in run.levels)
    return run


async def measure(users: int = 60, seconds: float = 40.0, least: int = 20) -> list[Run]:
    """SQLite; then PostgreSQL + Redis when the environment names them."""
    run_id = uuid.uuid4().hex[:6]
    with scratch_folder("latency", run_id) as tmp:
        sqlite_url = f"sqlite+aiosqlite:///{tmp / 'hamdel.db'}"
        await asyncio.to_thread(upgrade, sqlite_url)
        runs = [await _measure_one("SQLite", sqlite_url, None, "unused", users, seconds, least, tmp)]
        named = any(os.environ.get(f"{who}_DATABASE_URL") for who in ("BENCH", "TEST")) and any(
            os.environ.get(f"{who}_REDIS_URL") for who in ("BENCH", "TEST")
        )
        if named:
            server, redis_url = postgres_targets()
            name, prefix = f"hamdel_latency_{run_id}", f"hamdel-latency-{run_id}"
            await _admin(server, f'CREATE DATABASE "{name}"')
            postgres_url = make_url(server).set(database=name).render_as_string(hide_password=False)
            try:
                await asyncio.to_thread(upgrade, postgres_url)
                runs.append(
                    await _measure_one(
                        "PostgreSQL + Redis", postgres_url, redis_url, prefix, users, seconds, least, tmp
                    )
                )
            finally:
                await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await clear_redis_keys(redis_url, prefix)
        return runs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.latency", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=60, help="concurrent users measuring the saturation")
    parser.add_argument("--seconds", type=float, default=40.0, help="arrivals per load level")
    parser.add_argument("--least", type=int, default=20, help="conversations per level at least")
    args = parser.parse_args(argv)
    runs = asyncio.run(measure(args.users, args.seconds, args.least))
    print(
        f"\n{'database':20} {'load':>5} {'updates/s':>10} {'updates':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    for run in runs:
        sat = run.saturation
        print(
            f"{run.database:20} {'sat.':>5} {sat.rate:10.1f} {sat.updates:8} {sat.percentile(0.5):7.0f}"
            f" {sat.percentile(0.95):7.0f} {sat.percentile(0.99):7.0f}   errors {sat.errors}"
        )
        for level in run.levels:
            r = level.result
            print(
                f"{run.database:20} {level.share:5.0%} {level.offered:10.1f} {r.updates:8} {r.percentile(0.5):7.0f}"
                f" {r.percentile(0.95):7.0f} {r.percentile(0.99):7.0f}   errors {r.errors}"
            )
        print(
            f"{run.database:20} RSS idle {run.idle_rss_mb:.0f} MB, after {run.updates} updates"
            f" {run.final_rss_mb:.0f} MB ({run.final_rss_mb - run.idle_rss_mb:+.0f} MB)"
        )


if __name__ == "__main__":
    main()
