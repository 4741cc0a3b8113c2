"""What tests and benchmarks share when they drive the real bot against the local messenger.

Bot worker processes (``WorkerSet``, ``worker_env``, ``wait_healthy``), reading a chat
(``buttons``, ``invoices_of``, ``receipts``), test money (``donation_settings``) and emptying
the PostgreSQL and Redis a run used (``empty_postgres``, ``clear_redis_keys``). Benchmarks
import these from here, never from ``tests/``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.settings import SANDBOX_TOKEN, DonationSettings
from models import Base

ROOT = Path(__file__).resolve().parents[1]
# The working group's chat in tests and benchmarks (a supergroup id).
STAFF_CHAT_ID = -1_001_000_000_001

# -- reading a chat ---------------------------------------------------------------------------


def buttons(user: Any) -> list[str]:
    """The newest bot message's buttons, [] before the bot said anything."""
    return list(user.buttons()) if user.messages else []


def invoices_of(user: Any) -> list[dict[str, Any]]:
    return [m for m in user.messages if "invoice" in m]


def receipts(user: Any) -> list[str]:
    return [m.get("text", "") for m in user.messages if "🧾" in (m.get("text") or "")]


# -- test money -------------------------------------------------------------------------------


def donation_settings(flavor: str, **extra: Any) -> DonationSettings:
    """In-chat invoices on both flavors: Bale's test wallet; Telegram Payments in USD cents at
    10,000 rials a cent (unless overridden, e.g. telegram_currency="XTR" for Stars)."""
    if flavor == "bale":
        values: dict[str, Any] = {"sandbox": True}
    else:
        values = {
            "provider_token": "284685063:TEST:hamdel",
            "telegram_currency": "USD",
            "rials_per_unit": 10_000,
        }
    values.update(extra)
    return DonationSettings(**values)


# -- the backends a run used ------------------------------------------------------------------


async def empty_postgres(connection: AsyncConnection) -> None:
    """Every table empty and ids from 1, as in a fresh database. DELETE of the few rows a test
    leaves costs ~7 ms; TRUNCATE of every table ~100 ms (it makes new files for each)."""
    for table in reversed(Base.metadata.sorted_tables):
        await connection.execute(table.delete())
    await connection.execute(
        text(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false)"
            " FROM pg_sequences WHERE schemaname = current_schema()"
        )
    )


async def clear_redis_keys(url: str, prefix: str) -> None:
    """Delete this run's keys only (other runs may share the Redis database)."""
    from redis.asyncio import Redis

    redis = Redis.from_url(url)
    try:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=500)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


# -- bot worker processes ---------------------------------------------------------------------


def free_port() -> int:
    """A port free now, for a server that binds it a moment later. Picked at random below the
    system's ephemeral range, where the kernel chooses the ports of outgoing connections and of
    `bind(0)`: a port found free there can be handed to another process's connection before the
    server binds it ("address already in use", seen in a suite run); below it, only another
    random pick can take it."""
    lowest_ephemeral = _ephemeral_ports_start()
    for _ in range(100):
        port = _PICK.randrange(20_000, max(lowest_ephemeral, 20_001))
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_PICK = random.SystemRandom()  # not the `random` a test may seed: processes would pick alike


def _ephemeral_ports_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default; elsewhere a guess


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    index: int = 0

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class WorkerSet:
    env: dict[str, str]
    tmp: Path
    port: int
    workers: list[Worker] = field(default_factory=list)

    def start(self, index: int = 0, *args: str) -> Worker:
        log = self.tmp / f"worker-{index}-{len(self.workers)}.log"
        command = [sys.executable, "-m", "bot", *(args or ("worker", "--index", str(index)))]
        handle = log.open("wb")
        process = subprocess.Popen(
            command, cwd=self.tmp, env=self.env, stdout=handle, stderr=subprocess.STDOUT
        )
        handle.close()
        worker = Worker(process, log, index)
        self.workers.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.process.poll() is None:
                worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()

    def logs(self) -> str:
        return "\n".join(f"--- worker {w.index} (pid {w.pid}) ---\n{w.output()}" for w in self.workers)


def worker_env(
    *,
    flavor: str,
    api_base: str,
    database_url: str,
    port: int,
    redis_url: str | None = None,
    redis_prefix: str = "hamdel",
    workers: int = 1,
    webhook: bool = True,
    **extra: str,
) -> dict[str, str]:
    """The environment of a `python -m bot` worker against the messenger at `api_base`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_", "PYTEST"))}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": SANDBOX_TOKEN,
            "PLATFORM": flavor,
            "BOT_API_BASE": api_base,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url or "",
            "REDIS_KEY_PREFIX": redis_prefix,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}" if webhook else "",
            "WEBHOOK_SECRET": "test-secret",
            "WEBHOOK_LISTEN_HOST": "127.0.0.1",
            "WEBHOOK_LISTEN_PORT": str(port),
            "WORKERS": str(workers),
            # Tests and benchmarks wait for /healthz on the webhook port (off there by default:
            # the ops endpoints live on METRICS_HOST:METRICS_PORT).
            "METRICS_ON_WEBHOOK": "true",
        }
    )
    for name in ("ADMIN_IDS", "STAFF_CHAT_ID", "METRICS_PORT", "DATABASE_ECHO"):
        env.pop(name, None)
    env.update({key.upper(): value for key, value in extra.items()})
    return {key: value for key, value in env.items() if value != ""}


async def wait_healthy(port: int, worker: Worker | None = None, within: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as client:
        while time.monotonic() < deadline:
            if worker is not None and worker.process.poll() is not None:
                raise AssertionError(f"worker exited with {worker.process.returncode}:\n{worker.output()}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with client.get(f"http://127.0.0.1:{port}/healthz") as response:
                    if response.status == 200:
                        return dict(await response.json())
            await asyncio.sleep(0.1)
    raise AssertionError(f"no healthy worker on port {port}:\n{worker.output() if worker else ''}")


async def wait_exit(worker: Worker, within: float) -> int:
    deadline = time.monotonic() + within
    while worker.process.poll() is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"worker {worker.pid} did not exit in {within} s:\n{worker.output()}")
        await asyncio.sleep(0.05)
    return int(worker.process.returncode)
