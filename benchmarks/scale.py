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
Each virtual user does a mixed conversation of about 23 updates, in the language it picks:
- menu: /start, the language menu and a choice (Persian or English), /help;
- donation steps: 💝 from the main menu → a campaign (or 🎯 a purpose → anywhere in Iran) → a
  preset amount → Pay → the invoice paid (pre-checkout query and successful_payment) → receipt;
- complaint: 🏠 main menu → 📝 → a category → the description (text) → no attachment → the
  donation it concerns (or none) → named or anonymous → a mobile number (typed) or «No number» → submit → ticket;
- FAQ: a free-text question; then the volunteer sign-up entry and /cancel.
Every update the user sends (message, callback query, pre-checkout query, successful_payment) is
counted, and timed from the user's action to the bot's answer: the reply message, the callback
or pre-checkout answer, the receipt. Before each configuration the sample campaigns are seeded
(as `python -m bot seed`) and the working group's chat exists; after it, the benchmark's database
is checked: donations recorded == payments made (count and amount) and tickets created ==
complaints submitted. Buttons are pressed in the language the bot shows; a button found only in
the language the user has just left counts as an old-language tap (it must stay 0: with several
workers each one re-reads the user's language, services.users.UserDirectory(shared=True)).

Baseline, run first: a bare aiogram 3 echo bot (benchmarks.echo_bot: one Router, every text
echoed with a «دوباره» button, every callback answered) in its own process, on webhook (aiogram's
SimpleRequestHandler, answering after the update was handled, as the bot does), registered with
its own local messenger as the bot registers itself. Its users are the same users: each replays
the updates its Hamdel conversation sends (a dry run of that conversation with the same random
choices) — every text as that text, every button press as a press of the echo's button, the
pre-checkout query and the successful payment as two texts — with the same concurrency, timed
from the send to the echo or the callback answer. The summary gives each configuration's
updates/s and p95 as multiples of the echo bot's ("vs bare aiogram").

The messenger and the load generator share this one Python process, and all workers share the
machine's cores: on a 2-core machine more than 2 workers cannot add CPU, and the figures say so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.echo_bot import BUTTON as ECHO_BUTTON  # noqa: E402
from bot.i18n import I18n, Translator  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.settings import SANDBOX_TOKEN, DonationSettings  # noqa: E402
from handlers.complaints import NO_DONATION  # noqa: E402
from messenger import LocalMessenger  # noqa: E402
from messenger.testkit import (  # noqa: E402
    STAFF_CHAT_ID,
    WorkerSet,
    buttons,
    clear_redis_keys,
    donation_settings,
    free_port,
    invoices_of,
    receipts,
    wait_healthy,
    worker_env,
)
from models.db import create_engine, create_sessionmaker  # noqa: E402
from models.donation import Donation, DonationStatus  # noqa: E402
from models.tickets import Ticket, TicketCategory  # noqa: E402
from services.campaigns import SAMPLE_CAMPAIGNS, seed_sample_campaigns  # noqa: E402
from services.clock import Clock  # noqa: E402
from services.donations import PURPOSES  # noqa: E402
from services.persian import format_toman  # noqa: E402

QUESTIONS = [
    "شرایط دریافت جهیزیه چیست؟",
    "چطور می‌توانم کمک کنم؟",
    "سلام، وقت بخیر",
    "پرونده‌ام را چطور پیگیری کنم؟",
    "آیا کمک به استان خاصی ممکن است؟",
]
COMPLAINTS = [
    "رسید پرداخت ۵۰ هزار تومانی من نیامد و مبلغ از حسابم کم شده است.",
    "گزارش هزینه‌کرد پویش یلدا را کجا می‌توانم ببینم؟",
    "دکمهٔ پرداخت چند بار خطا داد؛ لطفاً بررسی کنید.",
    "پیشنهاد می‌کنم امکان پرداخت ماهانه هم اضافه شود.",
]
CAMPAIGN = SAMPLE_CAMPAIGNS[0]  # seeded before each configuration, like `python -m bot seed`
TEXTS = I18n()  # the bot's own labels, so the user presses what the bot shows in either language
TRANSLATORS = [TEXTS.translator(locale) for locale in TEXTS.locales]
Label = Callable[[Translator], str]  # a button's text in a given language


def text(key: str, **args: Any) -> Label:
    return lambda t: t(key, **args)


@dataclass
class Result:
    name: str
    workers: int
    updates: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    payments: int = 0  # successful_payment updates sent (the pre-checkout query was accepted)
    paid_rials: int = 0
    complaints: int = 0  # submit presses answered
    stale_language: int = 0  # buttons still in the language before the user's switch
    check: Check | None = None  # the database after the run (warm-up users included)
    bot_cpu: float = 0.0  # CPU seconds of the bot's processes during the measured run
    harness_cpu: float = 0.0  # CPU seconds of this process (messenger + simulated users)
    baseline: bool = False  # the bare aiogram echo bot (no database to check)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


@dataclass
class Check:
    """What the configuration's database holds after the run, against what the users did."""

    payments: int  # warm-up and measured users together
    paid_rials: int
    complaints: int
    donations: int = 0
    donated_rials: int = 0
    tickets: int = 0

    @property
    def ok(self) -> bool:
        return (self.donations, self.donated_rials, self.tickets) == (
            self.payments,
            self.paid_rials,
            self.complaints,
        )


class VirtualUser:
    """One person in the private chat: every update it sends is timed to the bot's answer and
    counted in `result`. Before a press it waits (untimed) for the button on the newest message,
    as a person reads before tapping, and taps it in the language the bot shows: in the chosen
    one, or in the previous one when an answer still comes in that (counted as `stale_language`)."""

    def __init__(self, messenger: LocalMessenger, user_id: int, result: Result, rng: random.Random) -> None:
        self.chat: Any = messenger.user(user_id, "سارا", language_code="fa")
        self.result = result
        self.rng = rng
        self.locale = "fa"

    def _timed(self, started: float) -> None:
        self.result.latencies.append(time.perf_counter() - started)
        self.result.updates += 1

    async def _read(self, label: Label) -> str:
        """Wait until the newest message shows the button; its text, preferring the chosen language."""
        chosen = label(TEXTS.translator(self.locale))
        options = [chosen, *(label(t) for t in TRANSLATORS)]

        def shown(chat: Any) -> str | None:
            visible = buttons(chat)
            return next((option for option in options if option in visible), None)

        await self.chat.wait_until(lambda chat: shown(chat) is not None, timeout=60)
        found = shown(self.chat)
        assert found is not None
        if found != chosen:
            self.result.stale_language += 1
        return found

    async def _first_button(self, label: Label) -> str:
        """The first button of the newest message, once that shows `label`."""
        await self._read(label)
        return buttons(self.chat)[0]

    async def send(self, message: str) -> None:
        """A message; answered by the bot's next message."""
        self.chat.skip_to_end()
        started = time.perf_counter()
        await self.chat.send(message)
        await self.chat.next_message(timeout=60)
        self._timed(started)

    async def press(self, label: Label) -> None:
        """A callback query; answered by the bot's callback answer (after its handler ran)."""
        shown = await self._read(label)
        started = time.perf_counter()
        await self.chat.press(shown, timeout=60)
        self._timed(started)

    async def pay(self, rials: int) -> None:
        """Pay the invoice: the pre-checkout query (answered by the bot) and the successful
        payment (answered by the receipt)."""
        await self.chat.wait_until(lambda chat: invoices_of(chat), timeout=60)
        started = time.perf_counter()
        paid = await self.chat.pay(timeout=60)
        self._timed(started)
        if not paid["ok"]:
            raise RuntimeError(f"pre-checkout declined: {paid['error_message']}")
        self.result.payments += 1
        self.result.paid_rials += rials
        started = time.perf_counter()
        await self.chat.wait_until(lambda chat: receipts(chat), timeout=60)
        self._timed(started)

    async def conversation(self) -> None:
        await self.send("/start")
        await self.press(text("menu-language"))
        locale = self.rng.choice(TEXTS.locales)
        await self.press(text(f"language-name-{locale}"))
        self.locale = locale
        await self.send("/help")
        await self.donate()
        await self.complain()
        await self.send(self.rng.choice(QUESTIONS))
        await self.send("/volunteer")
        await self.send("/cancel")

    async def donate(self) -> None:
        rng = self.rng
        await self.press(text("donations-menu"))
        if rng.random() < 0.5:
            title = {"fa": CAMPAIGN.title_fa, "en": CAMPAIGN.title_en}
            await self.press(lambda t: t("donations-campaign-button", title=title[t.locale]))
        else:
            await self.press(text("donations-choose-purpose-button"))
            await self.press(text(f"donations-purpose-button-{rng.choice(PURPOSES).value}"))
            await self.press(text("donations-province-anywhere"))
        rials = rng.choice(DonationSettings().presets_toman[:3]) * 10
        await self.press(lambda t: t("donations-amount-button", amount=format_toman(rials, t.locale)))
        await self.press(text("donations-pay-telegram"))
        await self.pay(rials)

    async def complain(self) -> None:
        rng = self.rng
        await self.press(text("common-home-button"))
        await self.press(text("complaints-menu"))
        category = rng.choice(list(TicketCategory)).value
        await self.press(text(f"complaints-category-{category}"))
        await self.send(rng.choice(COMPLAINTS))
        await self.press(text("complaints-button-no-attachment"))
        if category in NO_DONATION:
            pass  # a complaint about people is never linked to a donation: no such question
        elif rng.random() < 0.5:
            await self.press(text("complaints-button-no-donation"))
        else:  # the donation just made: the first button under the question
            donation = await self._first_button(text("complaints-button-no-donation"))
            await self.press(lambda _: donation)
        await self.press(text(rng.choice(["complaints-button-anonymous", "complaints-button-named"])))
        if rng.random() < 0.5:  # the "No number" reply-keyboard button, in the chosen language
            await self.send(TEXTS.text(self.locale, "complaints-button-skip-contact"))
        else:
            await self.send(f"0912{rng.randrange(10**7):07d}")
        await self.press(text("complaints-button-submit"))
        self.result.complaints += 1


class Script(VirtualUser):
    """A dry run of `VirtualUser.conversation` with the same random choices: the updates the
    user would send, in order — ("callback", label) or ("message", text); the pre-checkout query
    and the successful payment are two messages."""

    def __init__(self, rng: random.Random) -> None:
        self.result = Result("script", 0, 0, 0.0)
        self.rng = rng
        self.locale = "fa"
        self.steps: list[tuple[str, str]] = []

    async def _read(self, label: Label) -> str:
        return label(TEXTS.translator(self.locale))

    async def _first_button(self, label: Label) -> str:
        return "donation"

    async def send(self, message: str) -> None:
        self.steps.append(("message", message))

    async def press(self, label: Label) -> None:
        self.steps.append(("callback", await self._read(label)))

    async def pay(self, rials: int) -> None:
        self.steps += [("message", "pre_checkout_query"), ("message", "successful_payment")]


def script(rng: random.Random) -> list[tuple[str, str]]:
    """The steps of the user seeded with `rng` (a fresh one: the dry run consumes it)."""
    dry = Script(rng)
    coroutine = dry.conversation()
    try:
        coroutine.send(None)  # nothing in the dry run waits, so it finishes in one step
    except StopIteration:
        return dry.steps
    coroutine.close()
    raise RuntimeError("the conversation's dry run waited for something")


class EchoUser(VirtualUser):
    """A user of the bare echo bot sending what `script` says: each text of the real mix as a
    text (answered by its echo), each button press as a press of the echo's «دوباره» (answered by
    the callback answer). Timed and counted exactly as `VirtualUser`."""

    async def replay(self, steps: list[tuple[str, str]]) -> None:
        for kind, content in steps:
            if kind == "callback":
                await self.press(lambda _: ECHO_BUTTON)
            else:
                await self.send(content)


async def _conversation(
    messenger: LocalMessenger,
    user_id: int,
    result: Result,
    rng: random.Random,
    steps: list[tuple[str, str]] | None = None,
) -> None:
    """The mixed conversation with Hamdel; with `steps`, their replay with the echo bot."""
    try:
        if steps is None:
            await VirtualUser(messenger, user_id, result, rng).conversation()
        else:
            await EchoUser(messenger, user_id, result, rng).replay(steps)
    except Exception as error:  # counted, and the run goes on
        result.errors += 1
        if result.errors <= 3:
            print(f"    user {user_id}: {type(error).__name__}: {str(error)[:200]}", flush=True)


@dataclass
class Running:
    """A bot under test: its messenger and the supervisor process (`python -m bot run`)."""

    messenger: LocalMessenger
    supervisor: Any

    @property
    def pids(self) -> list[int]:
        return _bot_pids(self.supervisor.pid)


@contextlib.asynccontextmanager
async def running_bot(
    workers: int, database_url: str, redis_url: str | None, prefix: str, tmp: Path
) -> AsyncIterator[Running]:
    """The real bot (`python -m bot run`, WORKERS=workers, webhook) behind a fresh local messenger,
    with the sample campaigns seeded and the working group's chat; stopped (drained) on exit."""
    messenger = LocalMessenger(
        flavor="telegram", token=SANDBOX_TOKEN, strict=False, max_recorded_requests=5000
    )
    await messenger.start()
    messenger.group(STAFF_CHAT_ID, "کارگروه")  # where the tickets' cards go
    await _seed(database_url)
    port = free_port()
    env = worker_env(
        flavor="telegram",
        api_base=messenger.base_url,
        database_url=database_url,
        redis_url=redis_url,
        redis_prefix=prefix,
        port=port,
        workers=workers,
        staff_chat_id=str(STAFF_CHAT_ID),
    )
    env.update(  # in-chat invoices as the donation tests pay them (Telegram Payments, USD cents)
        {
            f"DONATION_{key.upper()}": str(value)
            for key, value in donation_settings("telegram").model_dump(exclude_unset=True).items()
        }
    )
    group = WorkerSet(env, tmp, port)
    supervisor = group.start(0, "run")
    try:
        await messenger.wait_for_request(lambda r: r.method == "setWebhook", timeout=120)
        await wait_healthy(port, supervisor, within=120)
        await asyncio.sleep(1.0 + workers * 0.5)  # every worker up and listening
        yield Running(messenger, supervisor)
    finally:
        group.stop_all()  # drains the updates in flight
        await messenger.stop()


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
    result = Result(name, workers, 0, 0.0)
    warm = Result("warm-up", workers, 0, 0.0)
    async with running_bot(workers, database_url, redis_url, prefix, tmp) as bot:
        messenger = bot.messenger
        await asyncio.gather(
            *(
                _conversation(messenger, first_user - 1 - n, warm, random.Random(n))
                for n in range(4 * workers)
            )
        )
        pids = bot.pids
        cpu_before, own_before = _cpu(pids), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(
            *(_conversation(messenger, first_user + n, result, random.Random(n)) for n in range(users))
        )
        result.seconds = time.perf_counter() - started
        result.bot_cpu = _cpu(pids) - cpu_before
        result.harness_cpu = time.process_time() - own_before
    result.check = await _check(
        database_url,
        Check(
            payments=warm.payments + result.payments,
            paid_rials=warm.paid_rials + result.paid_rials,
            complaints=warm.complaints + result.complaints,
        ),
    )
    return result


async def _run_echo(users: int, tmp: Path, first_user: int) -> Result:
    """The baseline: a bare aiogram echo bot (benchmarks.echo_bot) in its own process, on webhook,
    against a local messenger set up as for the bot; each user replays its conversation's steps."""
    messenger = LocalMessenger(
        flavor="telegram", token=SANDBOX_TOKEN, strict=False, max_recorded_requests=5000
    )
    await messenger.start()
    port = free_port()
    log = tmp / "echo-bot.log"
    process = _start_echo(port, messenger.base_url, log)
    result = Result("bare aiogram echo bot (webhook)", 1, 0, 0.0, baseline=True)
    warm = Result("warm-up", 1, 0, 0.0, baseline=True)
    try:
        request = asyncio.ensure_future(
            messenger.wait_for_request(lambda r: r.method == "setWebhook", timeout=120)
        )
        while not request.done():  # registered once it listens
            if process.poll() is not None:
                request.cancel()
                raise RuntimeError(f"the echo bot exited with {process.returncode}:\n{log.read_text()}")
            await asyncio.sleep(0.05)
        request.result()
        await asyncio.gather(
            *(
                _conversation(messenger, first_user - 1 - n, warm, random.Random(n), script(random.Random(n)))
                for n in range(4)
            )
        )
        steps = [script(random.Random(n)) for n in range(users)]  # the same users as the real mix
        cpu_before, own_before = _cpu([process.pid]), time.process_time()
        started = time.perf_counter()
        await asyncio.gather(
            *(
                _conversation(messenger, first_user + n, result, random.Random(n), steps[n])
                for n in range(users)
            )
        )
        result.seconds = time.perf_counter() - started
        result.bot_cpu = _cpu([process.pid]) - cpu_before
        result.harness_cpu = time.process_time() - own_before
    finally:
        _stop(process)
        await messenger.stop()
    return result


def _start_echo(port: int, api_base: str, log: Path) -> subprocess.Popen[bytes]:
    """`python -m benchmarks.echo_bot` in its own process, its output in `log`."""
    command = [sys.executable, "-m", "benchmarks.echo_bot", "--port", str(port), "--api-base", api_base]
    command += ["--token", SANDBOX_TOKEN, "--secret", "test-secret"]
    with log.open("wb") as handle:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def _seed(database_url: str) -> None:
    """The sample campaigns, as `python -m bot seed` adds them."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await seed_sample_campaigns(session, Clock().now())
            await session.commit()
    finally:
        await engine.dispose()


async def _check(database_url: str, check: Check) -> Check:
    """Fill in what the database recorded: paid donations (count, rials) and tickets."""
    engine = create_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            paid = Donation.status == DonationStatus.PAID.value
            check.donations = int(await session.scalar(select(func.count(Donation.id)).where(paid)) or 0)
            check.donated_rials = int(
                await session.scalar(select(func.sum(Donation.amount_rials)).where(paid)) or 0
            )
            check.tickets = int(await session.scalar(select(func.count(Ticket.id))) or 0)
    finally:
        await engine.dispose()
    return check


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


def _print_run(result: Result) -> None:
    print(
        f"    {result.updates} updates   {result.rate:7.1f} updates/s   p50 {result.percentile(0.5):6.0f} ms   "
        f"p95 {result.percentile(0.95):6.0f} ms   errors {result.errors}   "
        f"old-language taps {result.stale_language}",
        flush=True,
    )


def postgres_targets() -> tuple[str, str]:
    """The PostgreSQL server and the Redis database the benchmark uses (see the module's doc)."""
    server = (
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or ("postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    )
    redis_url = (
        os.environ.get("BENCH_REDIS_URL") or os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
    )
    return server, redis_url


@contextlib.contextmanager
def scratch_folder(kind: str, run: str) -> Iterator[Path]:
    """`var/{kind}-{run}`, for a run's SQLite database and its bots' logs: removed when the run
    ends, kept when it fails (its logs say why)."""
    folder = ROOT / "var" / f"{kind}-{run}"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        yield folder
    except BaseException:
        print(f"    its files are kept in {folder}", flush=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)


async def measure(users: int, counts: list[int], postgres: bool = True) -> list[Result]:
    """The echo bot, SQLite (1 process), then PostgreSQL + Redis with each of `counts` workers
    (none without `postgres`), the echo bot again after each: one Result each, in that order,
    progress printed as it goes. Each configuration's yardstick is the echo bot's runs just
    before and after it (`yardstick_runs`): a shared machine's speed drifts by tens of percent
    within minutes, and one echo run at the start judged the last configuration by another
    minute's speed."""
    server, redis_url = postgres_targets()
    run = uuid.uuid4().hex[:6]
    name = f"hamdel_bench_{run}"
    prefix = f"hamdel-bench-{run}"
    with scratch_folder("bench", run) as tmp:
        if postgres:
            await _admin(server, f'CREATE DATABASE "{name}"')
        postgres_url = make_url(server).set(database=name).render_as_string(hide_password=False)
        results: list[Result] = []
        try:
            sqlite_url = f"sqlite+aiosqlite:///{tmp / 'hamdel.db'}"
            await asyncio.to_thread(upgrade, sqlite_url)
            configs: list[tuple[str, int, str, str | None]] = [("SQLite, 1 process", 1, sqlite_url, None)]
            if postgres:
                await asyncio.to_thread(upgrade, postgres_url)
                configs += [
                    (f"PostgreSQL + Redis, {n} worker{'s' if n > 1 else ''}", n, postgres_url, redis_url)
                    for n in counts
                ]
            print("  running: bare aiogram echo bot (webhook, 1 process) …", flush=True)
            echo = await _run_echo(users, tmp, first_user=50_000)
            results.append(echo)
            _print_run(echo)
            for index, (label, workers, database_url, redis) in enumerate(configs):
                if database_url == postgres_url:
                    await _truncate(postgres_url)
                print(f"  running: {label} …", flush=True)
                result = await _run_config(
                    label, workers, database_url, redis, prefix, users, tmp, first_user=100_000 * (index + 1)
                )
                results.append(result)
                _print_run(result)
                print("  running: bare aiogram echo bot again …", flush=True)
                echo = await _run_echo(users, tmp, first_user=50_000 - 1000 * (index + 1))
                results.append(echo)
                _print_run(echo)
        finally:
            if postgres:
                await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                await clear_redis_keys(redis_url, prefix)
        return results


def yardstick_runs(results: list[Result], result: Result) -> list[Result]:
    """The bare aiogram runs just before and after `result` in `measure`'s list."""
    at = next(index for index, run in enumerate(results) if run is result)
    return [r for r in results[max(at - 1, 0) : at + 2] if r.baseline and r is not result]


def cpu_per_update(result: Result) -> float:
    """The bot's CPU milliseconds per update of the measured run."""
    return result.bot_cpu * 1000 / max(result.updates, 1)


@dataclass(frozen=True)
class Yardstick:
    """The bare aiogram bot's figures for one configuration: the means of its runs just before
    and after it (`yardstick_runs`)."""

    rate: float
    p95: float
    cpu: float


def yardstick(results: list[Result], result: Result) -> Yardstick:
    bare = yardstick_runs(results, result)
    return Yardstick(
        rate=statistics.mean(r.rate for r in bare),
        p95=statistics.mean(r.percentile(0.95) for r in bare),
        cpu=statistics.mean(cpu_per_update(r) for r in bare),
    )


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.scale")
    parser.add_argument("--users", type=int, default=120, help="virtual users per configuration")
    parser.add_argument("--workers", default="1,2,4", help="worker counts on PostgreSQL + Redis")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",") if n]
    print(
        f"Hamdel scale benchmark: {args.users} users × 22–24 updates each (menu, donation, complaint, FAQ);"
        f" cores: {os.cpu_count()}"
    )
    results = await measure(args.users, counts)
    print()
    print(
        f"{'configuration':34} {'updates/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'vs 1 PG worker':>15}"
        f" {'vs bare aiogram':>16} {'bot CPU/update':>15} {'messenger CPU':>14}"
    )
    base = next((r.rate for r in results if r.workers == 1 and "PostgreSQL" in r.name), None)
    for result in results:
        scale = f"{result.rate / base:.2f}×" if base else "-"
        bare = None if result.baseline else yardstick(results, result)
        versus = (
            f"{result.rate / bare.rate:.2f}× / {result.percentile(0.95) / bare.p95:.1f}×"
            if bare is not None and bare.rate and not math.isnan(bare.p95)
            else "-"
        )
        per_update = cpu_per_update(result)
        print(
            f"{result.name:34} {result.rate:10.1f} {result.percentile(0.5):8.0f} "
            f"{result.percentile(0.95):8.0f} {scale:>15} {versus:>16} {per_update:12.1f} ms"
            f" {result.harness_cpu:12.1f} s"
        )
    measured = [x for r in results for x in r.latencies]
    if measured:
        mean = statistics.mean(measured) * 1000
        print(
            f"(mean latency over all configurations: {mean:.0f} ms; load average now {os.getloadavg()[0]:.1f})"
        )
    print(
        "vs bare aiogram: updates/s and p95 as multiples of the bare aiogram echo bot's in this run,\n"
        "its runs just before and after the configuration (same messenger, webhook, users and number\n"
        "of updates; its texts echoed, its presses answered).\n"
        "bot CPU/update: CPU time of the bot's processes per update (independent of how many cores\n"
        "are free); messenger CPU: this process (local messenger + simulated users) during the run."
    )
    print()
    print("Correctness (each configuration's database after its run, warm-up users included):")
    print(
        f"{'configuration':34} {'payments':>9} {'donations':>10} {'paid toman':>13} {'recorded toman':>15}"
        f" {'complaints':>11} {'tickets':>8}"
    )
    for result in results:
        if result.baseline:
            continue
        check = result.check
        assert check is not None
        print(
            f"{result.name:34} {check.payments:9} {check.donations:10} {check.paid_rials // 10:13,}"
            f" {check.donated_rials // 10:15,} {check.complaints:11} {check.tickets:8}"
            f"   {'ok' if check.ok else 'MISMATCH'}"
        )
    print(
        "old-language taps (per run above): buttons a user found only in the language it had just left"
        " (expected 0)."
    )
    clean = all(
        r.errors == 0 and r.stale_language == 0 and (r.baseline or (r.check is not None and r.check.ok))
        for r in results
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
