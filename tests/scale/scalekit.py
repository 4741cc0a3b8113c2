"""Helpers for the scale-out tests: raw updates, inbox rows, bot worker subprocesses."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import select

from bot.app import SANDBOX_TOKEN, HamdelApp
from bot.inbox import real_now
from models.updates import InboxUpdate

ROOT = Path(__file__).resolve().parents[2]


def message_update(update_id: int, user_id: int, text: str, *, first_name: str = "سارا") -> dict[str, Any]:
    """A private text message as the messenger would deliver it."""
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900_000 + update_id,
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": first_name},
            "from": {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fa"},
            **content,
        },
    }


async def inbox_rows(app: HamdelApp) -> list[InboxUpdate]:
    async with app.sessionmaker() as session:
        return list((await session.scalars(select(InboxUpdate).order_by(InboxUpdate.update_id))).all())


async def put_row(
    app: HamdelApp,
    payload: dict[str, Any],
    *,
    status: str = "processing",
    owner: str | None = "dead-worker",
    lease_until: datetime | None = None,
    received_at: datetime | None = None,
    chat_key: int | None = None,
) -> None:
    """An inbox row as another (now dead) worker, or an earlier failure, left it."""
    from bot.inbox import digest_of

    now = real_now()
    async with app.sessionmaker() as session:
        session.add(
            InboxUpdate(
                platform=app.profile.platform.value,
                update_id=payload["update_id"],
                update_type=next(key for key in payload if key != "update_id"),
                chat_key=chat_key if chat_key is not None else payload["message"]["chat"]["id"],
                status=status,
                owner=owner,
                attempts=1,
                lease_until=lease_until or now - timedelta(seconds=1),
                received_at=received_at or now,
                payload=payload if status in ("processing", "pending") else None,
                digest=digest_of(payload),
            )
        )
        await session.commit()


def texts(chat: Any) -> list[str]:
    return [str(m.get("text") or m.get("caption") or "") for m in chat.messages]


# -- worker subprocesses ---------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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
            # These tests wait for /healthz on the webhook port (off by default: METRICS_PORT).
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


@contextlib.asynccontextmanager
async def held_lock(database_url: str, statement: str) -> AsyncIterator[Any]:
    """Hold a database lock from outside the bot (e.g. LOCK TABLE users) until the block ends."""
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            await connection.exec_driver_sql(statement)
            try:
                yield connection
            finally:
                await transaction.rollback()
    finally:
        await engine.dispose()


async def eventually(check: Any, within: float = 5.0, interval: float = 0.02) -> None:
    """Wait until `check()` (sync or async) is true: for effects that come after the messenger
    settled (a duplicate waiting for the first delivery to finish)."""
    deadline = time.monotonic() + within
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within} s: {check}")
        await asyncio.sleep(interval)
