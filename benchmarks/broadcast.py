"""Broadcast delivery against the local messenger enforcing a rate limit.

    python -m benchmarks.broadcast                      # 10,000 and 100,000 recipients
    python -m benchmarks.broadcast --recipients 20000 --limit 500

For each size it prints:
- the achieved send rate as a ratio of the limit (the messenger answers 429 above `--limit`
  messages per second; the sender is configured with the same rate — time is compressed by
  raising both together: Telegram's 30/s becomes e.g. 1000/s here);
- the 429 answers received;
- the delivery worker's peak memory (it runs in its own process: VmHWM, the peak resident
  memory of its own address space — `ru_maxrss` would also count the benchmark's own memory,
  inherited through fork before exec);
- a second run killed with SIGKILL in the middle and restarted: duplicates (recipients who got
  the message twice), recipients confirmed before the kill who got it again (must be 0), and the
  stated bound (`DeliveryConfig.duplicate_bound`).

`python -m benchmarks.broadcast worker ...` is the delivery worker itself (also used by the
kill -9 test in tests/broadcasts/). With BROADCAST_TRACE=1 in its environment it prints, on
stderr, every half second: sends per second, sends in flight, answers not yet written, the
claimed batch left, CPU seconds; and at the end the busiest second of its own send starts (to
tell the worker's pace from the jitter on the way to the messenger).

The kill -9 run starts the successor first (a warm standby waiting on stdin) and lets it take
over the moment the first worker dies — the worst case for the platform's budget — and counts
the 429s in the second after the kill.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TEXT = "📣 پویش «یلدای مهربانی» آغاز شد؛ با هر مبلغی می‌توانید همراه باشید."
FIRST_USER = 10_000_000


# --- the worker -------------------------------------------------------------------------------


class RawSender:
    """A Bot API sender without aiogram (aiogram's import alone costs seconds of CPU): plain
    aiohttp, the same answers mapped to the same outcomes. For tests that start workers often;
    the benchmark uses the real `AiogramSender`."""

    def __init__(self, api_base: str, token: str) -> None:
        import aiohttp

        self.url = f"{api_base}/bot{token}/sendMessage"
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    async def send(self, envelope: Any) -> Any:
        import aiohttp

        from services.delivery import Outcome, SendResult

        markup = {
            "inline_keyboard": [
                [{"text": "🔕 لغو اشتراک", "callback_data": f"uns:{envelope.content.broadcast_id}"}]
            ]
        }
        payload = {
            "chat_id": envelope.chat_id,
            "text": envelope.content.text(envelope.language),
            "reply_markup": markup,
        }
        try:
            async with self.session.post(self.url, json=payload) as response:
                answer = await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            return SendResult(Outcome.TRANSIENT, error=repr(error))
        if answer.get("ok"):
            return SendResult(Outcome.SENT, message_id=answer["result"]["message_id"])
        code, description = answer.get("error_code"), str(answer.get("description", ""))
        if code == 429:
            retry = (answer.get("parameters") or {}).get("retry_after")
            return SendResult(Outcome.RETRY_AFTER, retry_after=retry, error=description)
        if code == 403:
            return SendResult(Outcome.BLOCKED, error=description)
        if code is not None and code >= 500:
            return SendResult(Outcome.TRANSIENT, error=description)
        return SendResult(Outcome.FAILED, error=description)

    async def close(self) -> None:
        await self.session.close()


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc/self/status (kB)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


async def worker(args: argparse.Namespace) -> dict[str, Any]:
    from models.db import create_engine, create_sessionmaker
    from services.delivery import DeliveryConfig, DeliveryEngine, Sender
    from services.ratelimit import CATCH_UP, HEADROOM, LocalRateLimiter

    token = "1000000:SANDBOX-local-messenger"
    sender: Sender
    if args.sender == "raw":
        raw = RawSender(args.api_base, token)
        sender, close = raw, raw.close
    else:
        from bot.delivery_worker import import_aiogram_for_sending

        import_aiogram_for_sending()
        from aiogram import Bot

        # As `python -m bot deliver` (bot/delivery_worker.py) builds it: no handlers imported.
        from bot.broadcast_delivery import AiogramSender
        from bot.i18n import I18n
        from bot.platform import profile_for
        from bot.session import PlatformSession
        from bot.settings import Platform

        profile = profile_for(Platform(args.platform))
        bot = Bot(token, session=PlatformSession(profile, args.api_base, 30))
        i18n = I18n(files=("broadcasts",))
        sender, close = AiogramSender(bot, i18n, profile, paid=False), bot.session.close
    engine = create_engine(args.database_url)
    # `--rate` is the platform's limit; the limiter paces a little under it (as the app's).
    config = DeliveryConfig(
        rate=args.rate,
        per_chat_rate=1,
        batch_size=args.batch_size,
        max_in_flight=args.max_in_flight,
        poll_interval=0.05,
        claim_lease=args.claim_lease,
        window_limit=args.rate,
        result_flush=DeliveryConfig.result_flush_for(args.rate),
        retry_after_fallback=1,
    )
    delivery = DeliveryEngine(
        create_sessionmaker(engine),
        sender,
        LocalRateLimiter(config.rate, config.per_chat_rate, catch_up=CATCH_UP, headroom=HEADROOM),
        config,
        platform=args.platform,
        # SQLite: one process, so a killed predecessor's claims are taken back at once;
        # PostgreSQL: after the claim lease.
        exclusive=engine.dialect.name == "sqlite",
    )
    # Start-up's objects (aiogram's models, the ORM) settled as `python -m bot deliver` does.
    from bot.workers import settle_heap

    settle_heap()
    if args.wait_for_go:  # a warm standby: started, waits for its predecessor's kill
        print(json.dumps({"event": "ready", "pid": os.getpid()}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    started = time.monotonic()
    baseline_kb = _status_kb("VmHWM")
    print(json.dumps({"event": "started", "pid": os.getpid()}), flush=True)

    async def trace() -> None:
        import sys as _sys

        last = 0
        while True:
            await asyncio.sleep(0.5)
            sent = delivery.stats.sent
            print(
                json.dumps(
                    {
                        "event": "sample",
                        "t": round(time.monotonic() - started, 2),
                        "rate": (sent - last) * 2,
                        "in_flight": config.max_in_flight - delivery._semaphore._value,
                        "tasks": len(delivery._tasks),
                        "results": len(delivery._results),
                        "queue": len(delivery._dispatching),
                        "batches": delivery._batches.qsize(),
                        "cpu": round(time.process_time(), 2),
                    }
                ),
                file=_sys.stderr,
                flush=True,
            )
            last = sent

    tracer = asyncio.create_task(trace()) if os.environ.get("BROADCAST_TRACE") else None
    starts: list[float] = []
    if tracer:
        inner = delivery.sender

        class _Timed:
            async def send(self, envelope: Any) -> Any:
                starts.append(time.monotonic())
                return await inner.send(envelope)

        delivery.sender = _Timed()  # type: ignore[assignment]
    try:
        await delivery.drain()
    finally:
        if tracer:
            tracer.cancel()
            import bisect

            worst = max(
                (bisect.bisect_right(starts, t + 1 - 1e-9) - i, t - starts[0]) for i, t in enumerate(starts)
            )
            print(json.dumps({"event": "starts", "worst_window": worst}), file=sys.stderr, flush=True)
        await close()
        await engine.dispose()
    return {
        "event": "done",
        "elapsed": time.monotonic() - started,
        "sent": delivery.stats.sent,
        "failed": delivery.stats.failed,
        "rate_limited": delivery.stats.rate_limited,
        "recovered": delivery.stats.recovered,
        "duplicate_bound": config.duplicate_bound,
        "baseline_kb": baseline_kb,
        "maxrss_kb": _status_kb("VmHWM"),
    }


def worker_command(
    database_url: str, api_base: str, *, platform: str, rate: float, **extra: Any
) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.broadcast",
        "worker",
        "--database-url",
        database_url,
        "--api-base",
        api_base,
        "--platform",
        platform,
        "--rate",
        str(rate),
    ]
    for name, value in extra.items():
        command += [f"--{name.replace('_', '-')}", str(value)]
    return command


# --- arranging --------------------------------------------------------------------------------


async def prepare(database_url: str, platform: str, recipients: int) -> int:
    """Users who once talked to the bot, and one confirmed broadcast to all of them."""
    from sqlalchemy import insert

    from models.db import create_engine, create_sessionmaker
    from models.user import User
    from services import broadcasts

    engine = create_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        for start in range(0, recipients, 10_000):
            await session.execute(
                insert(User),
                [
                    {
                        "platform": platform,
                        "user_id": FIRST_USER + i,
                        "chat_id": FIRST_USER + i,
                        "language": "en" if i % 5 == 0 else "fa",
                        "is_blocked": False,
                    }
                    for i in range(start, min(recipients, start + 10_000))
                ],
            )
        await session.commit()
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    async with sessionmaker() as session:
        draft = await broadcasts.create_draft(
            session, platform=platform, author_id=1, author_language="fa", now=now
        )
        draft.text_fa = TEXT
        draft.text_en = "📣 The Yalda campaign has started; any amount helps."
        await session.flush()
        outcome, broadcast = await broadcasts.confirm(session, draft.id, author_id=1, now=now)
        assert broadcast is not None, outcome
        broadcast.author_id = None  # no progress messages: only the broadcast is measured
        await session.commit()
        broadcast_id = broadcast.id
    await engine.dispose()
    return broadcast_id


async def confirmed_chats(database_url: str) -> set[int]:
    from sqlalchemy import select

    from models.broadcasts import OutboxItem, OutboxStatus
    from models.db import create_engine

    engine = create_engine(database_url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(OutboxItem.chat_id).where(OutboxItem.status == OutboxStatus.SENT.value)
        )
        chats = {int(chat) for (chat,) in rows.all()}
    await engine.dispose()
    return chats


# --- running a worker against the messenger ----------------------------------------------------


async def spawn(command: list[str], *, standby: bool = False) -> asyncio.subprocess.Process:
    if not standby:
        return await asyncio.create_subprocess_exec(
            *command, cwd=str(ROOT), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    process = await asyncio.create_subprocess_exec(
        *command,
        "--wait-for-go",
        cwd=str(ROOT),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    while b'"ready"' not in await process.stdout.readline():
        if process.returncode is not None:
            raise RuntimeError("the standby worker ended before it was ready")
    return process


def go(process: asyncio.subprocess.Process) -> None:
    assert process.stdin is not None
    process.stdin.write(b"go\n")


async def last_report(process: asyncio.subprocess.Process) -> dict[str, Any]:
    assert process.stdout is not None
    output = await process.stdout.read()
    await process.wait()
    reports = [json.loads(line) for line in output.decode().splitlines() if line.startswith("{")]
    done = [r for r in reports if r.get("event") == "done"]
    if not done:
        raise RuntimeError(f"the worker ended without a report (exit {process.returncode})")
    return done[-1]


def delivered(messenger: Any) -> Counter[int]:
    """Chats that received the broadcast (successful sends), with how many copies."""
    counts: Counter[int] = Counter()
    for request in messenger.requests:
        if request.method == "sendMessage" and request.ok:
            counts[int(request.params["chat_id"])] += 1
    return counts


@dataclass
class Result:
    recipients: int
    limit: float
    achieved: float
    rate_limited: int
    peak_rss_mb: float
    elapsed: float


async def measure(
    recipients: int, limit: float, platform: str, *, kill_after: float | None = None, max_in_flight: int = 64
) -> dict[str, Any]:
    from bot.migrate import upgrade_async
    from messenger import LocalMessenger

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade_async(database_url)
        await prepare(database_url, platform, recipients)
        messenger = LocalMessenger(flavor=platform, token="1000000:SANDBOX-local-messenger", strict=False)  # type: ignore[arg-type]
        await messenger.start()
        try:
            for i in range(recipients):
                messenger.user(user_id=FIRST_USER + i, first_name="نیکوکار")
            messenger.set_rate_limit(global_per_sec=int(limit), per_chat_per_sec=1)
            # The messenger stands for the platform and counts each request when its event loop
            # handles it: a full garbage collection of this process (100+ ms with 100,000 users
            # and the request log) stopped it and made it count the requests queued meanwhile as
            # arriving at once — 429s that no sender could avoid. No collections while measuring.
            gc.collect()
            gc.freeze()
            gc.disable()
            command = worker_command(
                database_url, messenger.base_url, platform=platform, rate=limit, max_in_flight=max_in_flight
            )
            process = await spawn(command)
            report: dict[str, Any] = {}
            confirmed_at_kill: set[int] = set()
            killed_at = 0.0
            if kill_after is not None:
                # The worst case for the budget: the successor is already started (a supervisor's
                # warm standby) and takes over the moment its predecessor dies.
                standby = await spawn(command, standby=True)
                target = int(recipients * kill_after)
                for _ in range(int(10 * recipients / limit + 600) * 20):
                    if sum(delivered(messenger).values()) >= target:
                        break
                    await asyncio.sleep(0.05)
                os.kill(process.pid, signal.SIGKILL)
                killed_at = time.monotonic()
                await process.wait()
                confirmed_at_kill = await confirmed_chats(database_url)
                go(standby)
                killed_at = time.monotonic()  # what reaches the messenger from here on counts
                process = standby
            report = await last_report(process)
            counts = delivered(messenger)
            times = sorted(r.time for r in messenger.requests if r.method == "sendMessage" and r.ok)
            span = times[-1] - times[0] if len(times) > 1 else 0.0
            achieved = (len(times) - 1) / span if span else 0.0
            # Steady state: the middle 80 % of the sends (no start-up, no tail).
            low, high = times[len(times) // 10], times[len(times) * 9 // 10]
            steady = (len(times) * 8 // 10) / (high - low) if high > low else 0.0
            after_kill = [r for r in messenger.requests if r.method == "sendMessage" and r.time >= killed_at]
            first_second = [r for r in after_kill if r.time < after_kill[0].time + 1.0] if after_kill else []
            return {
                "restart_429s": sum(1 for r in first_second if not r.ok),
                "restart_first_second": len(first_second),
                "steady": steady,
                "steady_ratio": steady / limit,
                "baseline_rss_mb": report["baseline_kb"] / 1024,
                "recipients": recipients,
                "reached": len(counts),
                "limit": limit,
                "achieved": achieved,
                "ratio": achieved / limit,
                "rate_limited_429": messenger.rate_limited_count,
                "peak_rss_mb": report["maxrss_kb"] / 1024,
                "seconds": span,
                "duplicates": sum(1 for c in counts.values() if c > 1),
                "confirmed_resent": sum(1 for chat in confirmed_at_kill if counts[chat] > 1),
                "confirmed_at_kill": len(confirmed_at_kill),
                "duplicate_bound": report["duplicate_bound"],
                "recovered": report["recovered"],
            }
        finally:
            gc.enable()
            gc.unfreeze()
            await messenger.stop()


def yardstick_rss_mb() -> float:
    """A bare aiogram bot's memory: `Bot` made in a fresh interpreter (VmRSS, MB)."""
    code = (
        "from aiogram import Bot\n"
        "bot = Bot('1000000:SANDBOX-local-messenger')\n"
        "print([l for l in open('/proc/self/status') if l.startswith('VmRSS')][0].split()[1])"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(output.stdout.strip()) / 1024


async def benchmark(args: argparse.Namespace) -> None:
    sizes = args.recipients or [10_000, 100_000]
    print(f"broadcast benchmark: messenger limit {args.limit:g}/s global + 1/s per chat, {args.platform}")
    print(f"yardstick: a bare aiogram bot (fresh interpreter, Bot made): {yardstick_rss_mb():.0f} MB")
    for size in sizes:
        plain = await measure(size, args.limit, args.platform)
        print(
            f"{size:>7,} recipients: reached {plain['reached']:,} in {plain['seconds']:.1f} s, "
            f"{plain['achieved']:.0f}/s = {plain['ratio']:.3f} of the limit "
            f"(steady state {plain['steady']:.0f}/s = {plain['steady_ratio']:.3f}), "
            f"429s: {plain['rate_limited_429']}, worker peak RSS {plain['peak_rss_mb']:.0f} MB "
            f"({plain['baseline_rss_mb']:.0f} MB after imports)"
        )
        if args.kill:
            killed = await measure(size, args.limit, args.platform, kill_after=0.5)
            print(
                f"{size:>7,} recipients, kill -9 at 50 %: reached {killed['reached']:,}, "
                f"duplicates {killed['duplicates']} (bound {killed['duplicate_bound']}), "
                f"confirmed before the kill and sent again: {killed['confirmed_resent']} "
                f"(of {killed['confirmed_at_kill']:,}), taken back after restart: {killed['recovered']}, "
                f"429s: {killed['rate_limited_429']}, in the new worker's first second: "
                f"{killed['restart_429s']} of {killed['restart_first_second']} sends"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("worker", help="one delivery worker (drains the outbox, prints a JSON report)")
    run.add_argument("--database-url", required=True)
    run.add_argument("--api-base", required=True)
    run.add_argument("--platform", default="telegram")
    run.add_argument("--rate", type=float, required=True)
    run.add_argument("--batch-size", type=int, default=500)
    run.add_argument("--max-in-flight", type=int, default=64)
    run.add_argument("--claim-lease", type=float, default=60)
    run.add_argument("--sender", choices=["aiogram", "raw"], default="aiogram")
    run.add_argument("--wait-for-go", action="store_true", help="start, then wait for a line on stdin")
    parser.add_argument(
        "--recipients", type=int, action="append", help="repeatable; default 10,000 and 100,000"
    )
    parser.add_argument("--limit", type=float, default=500, help="messages per second (messenger and sender)")
    parser.add_argument("--platform", default="telegram", choices=["telegram", "bale"])
    parser.add_argument("--no-kill", dest="kill", action="store_false", help="skip the kill -9 runs")
    args = parser.parse_args()
    if args.command == "worker":
        print(json.dumps(asyncio.run(worker(args))), flush=True)
        return
    asyncio.run(benchmark(args))


if __name__ == "__main__":
    main()
