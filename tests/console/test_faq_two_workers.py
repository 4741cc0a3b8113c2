"""The FAQ edited in the browser reaches every worker: two real `python -m bot worker` processes
on PostgreSQL + Redis, webhook and console each on one shared port (SO_REUSEPORT), so the browser
and the messenger reach either process. An admin signs in with a /console link and saves a new
answer; the worker that saved it announces the change over Redis, the other rebuilds its index.
Within a few seconds every donor's answer, from both processes, carries the new text.

Which process answered is read from each worker's own /metrics (METRICS_PORT + its index): its
count of handled messages. Two processes importing aiogram make this 20-30 s on a busy 2-core
machine (load 4-6; ~55 s the first time, with cold file caches); the part after both workers
are up (sign-in, save, 16 donors) takes ~4 s."""

from __future__ import annotations

import asyncio
import contextlib
import re
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from messenger import LocalMessenger, MessengerUser
from messenger.testkit import WorkerSet, free_port, worker_env
from tests.conftest import ADMIN_ID, SANDBOX_TOKEN, TEST_DATABASE_URL, TEST_REDIS_URL
from tests.console.conftest import browser_missing, signed_in_page
from tests.dbkit import emptied_for_workers
from tests.scale.scalekit import eventually

MISSING = browser_missing() or (
    None
    if TEST_DATABASE_URL and TEST_REDIS_URL
    else "two workers need PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL"
)
pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING is not None, reason=MISSING or "")]

QUESTION = "ثبت نام داوطلب"  # answered by the entry volunteer_how
NEW_ANSWER = "ثبت‌نام داوطلبان این ماه فقط از طریق دفتر بهزیستی شهرستان انجام می‌شود."
# Donors asking at once: the messenger opens a connection for each delivery in flight and the
# kernel spreads connections over the two listeners, so both processes answer some (all 16 on
# one of them: about 1 in 30,000).
DONORS = 16
# From the save to every answer carrying the new text: the other worker rebuilds its index
# (~1 s) once Redis tells it, or at its next poll of the version (5 s) if the message is lost.
WITHIN = 10.0
UPDATES = re.compile(r"^hamdel_updates_total\{([^}]*)\} (\S+)$", re.MULTILINE)


@dataclass
class TwoWorkers:
    workers: WorkerSet
    metrics_port: int  # worker i: metrics_port + i

    async def handled(self, client: aiohttp.ClientSession) -> list[int]:
        """The messages each worker handled so far, from its own /metrics."""
        counts = []
        for index in (0, 1):
            async with client.get(f"http://127.0.0.1:{self.metrics_port + index}/metrics") as response:
                body = await response.text()
            counts.append(
                sum(
                    int(float(value))
                    for labels, value in UPDATES.findall(body)
                    if 'type="message"' in labels and 'outcome="handled"' in labels
                )
            )
        return counts


def neighbouring_free_ports() -> int:
    """A free port p with p + 1 free as well."""
    for _ in range(50):
        port = free_port()
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port + 1))
            return port
    raise RuntimeError("no two neighbouring free ports")


@pytest.fixture
async def messenger() -> AsyncIterator[LocalMessenger]:
    m = LocalMessenger(flavor="telegram", token=SANDBOX_TOKEN, strict=True)
    await m.start()
    try:
        yield m
    finally:
        await m.stop()
    assert not m.violations, "Bot API violations:\n" + "\n".join(m.violations)


@pytest.fixture
async def two_workers(
    messenger: LocalMessenger, tmp_path: Path, postgres_url: str, redis_prefix: str
) -> AsyncIterator[TwoWorkers]:
    """Two webhook workers with the console on, from an empty database (they seed the FAQ).
    Started before the browser fixture, so Chromium launches while they import."""
    assert TEST_REDIS_URL
    await emptied_for_workers(postgres_url, TEST_REDIS_URL, redis_prefix)
    port, console_port, metrics_port = free_port(), free_port(), neighbouring_free_ports()
    env = worker_env(
        flavor="telegram",
        api_base=messenger.base_url,
        database_url=postgres_url,
        redis_url=TEST_REDIS_URL,
        redis_prefix=redis_prefix,
        port=port,
        workers=2,
        admin_ids=str(ADMIN_ID),
        metrics_port=str(metrics_port),
        console_public_url=f"http://127.0.0.1:{console_port}",
        console_listen_port=str(console_port),
    )
    workers = WorkerSet(env, tmp_path, port)
    workers.start(0)
    workers.start(1)
    try:
        yield TwoWorkers(workers, metrics_port)
    finally:
        workers.stop_all()


async def ask(donor: MessengerUser) -> str:
    donor.skip_to_end()
    await donor.send(QUESTION)
    return str((await donor.next_message(timeout=10))["text"])


async def test_an_answer_saved_in_the_browser_reaches_both_worker_processes(
    messenger: LocalMessenger, two_workers: TwoWorkers, browser: Any
) -> None:
    workers = two_workers.workers
    await messenger.wait_for_request(lambda r: r.method == "setWebhook", timeout=90)
    for worker in workers.workers:
        # Logged after the startup hooks: the console listens, the FAQ is loaded.
        await eventually(lambda w=worker: "webhook on" in w.output(), within=90)

    admin = messenger.user(ADMIN_ID, "مدیر", "fa")
    page = await signed_in_page(None, browser, admin)
    await page.goto(page.url + "faq/volunteer_how")
    await page.wait_for_selector("#f-answer_fa")
    assert NEW_ANSWER not in await page.input_value("#f-answer_fa")
    await page.fill("#f-answer_fa", NEW_ANSWER)
    await page.click("#faq-save")
    await page.wait_for_selector("#done")
    saved = time.monotonic()

    # Every donor asks at once, again until every answer is the new one (the first round may
    # meet a worker still rebuilding its index).
    donors = [messenger.user(2001 + i, "سارا", "fa") for i in range(DONORS)]
    async with aiohttp.ClientSession() as client:
        while True:
            before = await two_workers.handled(client)
            answers = await asyncio.gather(*(ask(donor) for donor in donors))
            after = await two_workers.handled(client)
            stale = [text for text in answers if NEW_ANSWER not in text]
            if not stale:
                break
            assert time.monotonic() - saved < WITHIN, (
                f"{len(stale)} of {DONORS} answers still the old one {WITHIN} s after the save:\n"
                f"{stale[0]}\n{workers.logs()}"
            )
    by_worker = [b - a for a, b in zip(before, after, strict=True)]
    assert sum(by_worker) == DONORS, by_worker
    assert min(by_worker) >= 1, f"one process answered all {DONORS} donors: {by_worker}\n{workers.logs()}"
    for worker in workers.workers:
        assert worker.process.poll() is None, worker.output()
        assert "FAQ version 2 in use" in worker.output(), workers.logs()  # 1 was the seed
