"""Where the bot's CPU goes on the scale benchmark's mixed conversation, in one process.

    python -m benchmarks.profile_mix                 # SQLite, 30 users (~690 updates) x 3 runs
    python -m benchmarks.profile_mix --postgres      # PostgreSQL + Redis (BENCH_/TEST_DATABASE_URL,
                                                     # BENCH_/TEST_REDIS_URL, or the local defaults)
    python -m benchmarks.profile_mix --no-profile    # only the CPU figures
    python -m benchmarks.profile_mix --sql           # and the SQL statements per update
    python -m benchmarks.profile_mix --save mix.folded --top 40   # the sampled stacks, for a
                                                     # flame graph (flamegraph.pl, speedscope)

The real bot (create_app, webhook mode with the update inbox, INFO logging to a file with the
same loggers quieted, the heap settled after start, aiogram imported and the event loop chosen
(EVENT_LOOP) as `python -m bot worker` does) serves its webhook on this process's main thread.
The local messenger and the simulated users
(benchmarks.scale.VirtualUser: /start, the language, /help, a donation paid in the chat, a
complaint, a FAQ question, /volunteer, /cancel — 23 updates each) run on a second thread with
their own event loop, so the two can be told apart. Printed:

- **bot CPU per update**, per run (`--repeat`, default 3) and their median and lowest: this
  process's CPU time (every thread: the bot's loop, aiosqlite's threads) minus the messenger
  thread's, over the updates the users sent; split into the bot's event loop and the other
  threads (SQLite's), and the garbage collector's share on the bot's thread. Measured without
  the profiler. On a shared machine CPU time varies ±10 % with the neighbours' load: compare
  the lowest figures, or alternate A and B runs.
- **function calls per update**: one more run with a hook counting the bot thread's Python and
  C function calls. Unlike CPU time it does not change with the neighbours' load: the figure to
  compare two versions by on a shared machine (it leaves out SQLite's own work on aiosqlite's
  threads, and a C event loop's).
- **profile** (unless `--no-profile`): one more run with a sampling profiler on the bot's
  thread (`Sampler`: a profile hook reads the thread's CPU clock and charges each 0.5 ms to the
  stack at that moment; coroutines chain to their task, SQLAlchemy's greenlets to the frame
  that switched to them, so "inclusive" times are right for async code — cProfile's are not).
  Tables: own time by package; time under the main entry points (the webhook handler, the inbox,
  aiogram's feed_update, the middlewares, Bot API requests, SQL, texts); the top functions by
  own time, by "our innermost function on the stack" (what each of our functions costs with the
  library code it calls — the list to work from), and by inclusive time. The hook slows Python
  code about twofold: compare shares, not absolute figures.

All users are seeded, warmed up (imports, caches, connections) and then start at once, as in the
scale benchmark; CPU time does not depend on free cores, but the neighbours' load and GIL
contention with the messenger thread add some noise.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.aiogram_import import import_aiogram_for_the_chat  # noqa: E402

import_aiogram_for_the_chat()  # as `python -m bot` imports it, before anything else does

from sqlalchemy.engine import make_url  # noqa: E402

from benchmarks.scale import Result, VirtualUser, _admin, _seed  # noqa: E402
from bot.__main__ import quiet_chatty_loggers  # noqa: E402
from bot.app import HamdelApp, create_app  # noqa: E402
from bot.migrate import upgrade  # noqa: E402
from bot.settings import (  # noqa: E402
    SANDBOX_TOKEN,
    DatabaseSettings,
    LocaleSettings,
    RedisSettings,
    StaffSettings,
    TelegramSettings,
    WebhookSettings,
    load_settings,
)
from bot.workers import run_event_loop, settle_heap  # noqa: E402
from messenger import LocalMessenger  # noqa: E402
from messenger.testkit import STAFF_CHAT_ID, clear_redis_keys, donation_settings, free_port  # noqa: E402

T = TypeVar("T")

OWN = ("bot/", "handlers/", "services/", "models/")
# Where the bot's time is summed up: a title and a piece of the frames' labels.
ENTRY_POINTS = [
    ("webhook handler (whole update)", "(PlatformWebhookHandler.handle)"),
    ("inbox.record (before the handler)", "(UpdateInbox.record)"),
    ("inbox._finish (after the handler)", "(UpdateInbox._finish)"),
    ("aiogram feed_update (middlewares+handlers)", "(Dispatcher.feed_update)"),
    ("DatabaseMiddleware", "(DatabaseMiddleware.__call__)"),
    ("UserMiddleware", "(UserMiddleware.__call__)"),
    ("filters (HandlerObject.check)", "(HandlerObject.check)"),
    ("Bot API requests (Bot.__call__)", "(Bot.__call__)"),
    ("Fluent texts (I18n.text)", "(I18n.text)"),
    ("SQL (AsyncSession)", "sqlalchemy/ext/asyncio/session.py"),
    ("FSM storage (get/set state and data)", "Storage.get_"),
    ("FSM storage (get/set state and data)", "Storage.set_"),
    ("logging", "logging/__init__.py"),
]


def _label(code: Any) -> str:
    if isinstance(code, str):  # a builtin (C) function
        return code
    path = code.co_filename
    for marker in (
        "/site-packages/",
        "/lib/python3.11/",
        "/lib/python3.12/",
        "/lib/python3.13/",
        str(ROOT) + "/",
    ):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{code.co_firstlineno}({code.co_qualname})"


def _package(label: str) -> str:
    if label.startswith(OWN):
        return "ours (" + label.split("/", 1)[0] + "/)"
    if label.startswith("<built-in"):
        return "builtins (C)"
    if label.startswith("<sqlalchemy generated"):
        return "sqlalchemy"
    if label.startswith("<attrs generated methods "):
        return label.split()[3].split(".")[0]
    top = label.split("/", 1)[0].split(":")[0].removesuffix(".py")
    if top in sys.stdlib_module_names or top.startswith("<frozen"):
        return "stdlib: " + top
    return top


class CallCounter:
    """Counts the function calls (Python and C) made on this thread while enabled: unlike CPU
    time, the same for the same code however busy the machine is — what to compare between two
    versions on a shared machine (SQLite's own work on aiosqlite's threads is not in it)."""

    def __init__(self) -> None:
        self.python = 0
        self.c = 0

    def enable(self) -> None:
        sys.setprofile(self._hook)

    def disable(self) -> None:
        sys.setprofile(None)

    def _hook(self, _frame: Any, event: str, _arg: Any) -> None:
        if event == "call":
            self.python += 1
        elif event == "c_call":
            self.c += 1


class Sampler:
    """A statistical profiler of this thread's CPU time that sees through asyncio and greenlets.

    A profile hook (sys.setprofile) looks at the thread's CPU clock every few events; once
    `interval` seconds of CPU passed, the current stack gets them. Coroutine frames chain to the
    task that runs them; a greenlet's frames (SQLAlchemy runs its sync core in one) continue in
    the frame that switched to it, so time under `AsyncSession.execute` includes the SQL
    compilation and row processing. The hook's own cost is spread over the samples (call-heavy
    code looks a little heavier than it is): compare shares, and confirm with the plain CPU run."""

    def __init__(self, interval: float = 0.0005) -> None:
        import greenlet

        self.getcurrent = greenlet.getcurrent
        self.interval = interval
        self.stacks: dict[tuple[Any, ...], float] = {}
        self.events = 0
        self.last = 0.0

    def enable(self) -> None:
        self.last = time.thread_time()
        sys.setprofile(self._hook)

    def disable(self) -> None:
        sys.setprofile(None)

    def _hook(self, frame: Any, event: str, arg: Any) -> None:
        self.events += 1
        if self.events & 15:
            return
        now = time.thread_time()
        elapsed = now - self.last
        if elapsed < self.interval:
            return
        self.last = now
        codes: list[Any] = []
        if event == "c_return" or event == "c_exception":
            codes.append(f"<built-in {getattr(arg, '__qualname__', arg)}>")
        current = frame
        while current is not None:
            codes.append(current.f_code)
            current = current.f_back
        child = self.getcurrent()
        while child.parent is not None:  # a greenlet: its caller is where the parent switched
            current = child.parent.gr_frame
            while current is not None:
                codes.append(current.f_code)
                current = current.f_back
            child = child.parent
        key = tuple(codes)
        self.stacks[key] = self.stacks.get(key, 0.0) + elapsed

    @property
    def total(self) -> float:
        return sum(self.stacks.values())


def _top(tally: dict[str, float], count: int | None = None) -> list[tuple[str, float]]:
    return sorted(tally.items(), key=lambda item: -item[1])[:count]


def _report(sampler: Sampler, updates: int, top: int, save: str | None) -> None:
    total = sampler.total
    per = 1000 / updates
    labels: dict[Any, str] = {}

    def label(code: Any) -> str:
        if code not in labels:
            labels[code] = _label(code)
        return labels[code]

    own: defaultdict[str, float] = defaultdict(float)
    inclusive: defaultdict[str, float] = defaultdict(float)
    packages: defaultdict[str, float] = defaultdict(float)
    closest: defaultdict[str, float] = defaultdict(float)
    entries: defaultdict[str, float] = defaultdict(float)
    for stack, seconds in sampler.stacks.items():
        names = [label(code) for code in stack]
        own[names[0]] += seconds
        packages[_package(names[0])] += seconds
        for name in set(names):
            inclusive[name] += seconds
        mine = next((name for name in names if name.startswith(OWN)), "(none of ours on the stack)")
        closest[mine] += seconds
        found = {title for title, piece in ENTRY_POINTS for name in names if piece in name}
        for title in found:
            entries[title] += seconds
    print(
        f"\nsampled CPU of the bot's thread: {total * per:.2f} ms per update with the sampler on"
        " (inflated by it: compare shares)"
    )
    print(f"\n{'by package (own time)':46} {'ms/upd':>8} {'share':>7}")
    for name, seconds in _top(packages, 16):
        print(f"{name:46} {seconds * per:8.3f} {seconds / total:7.1%}")
    print(f"\n{'under (inclusive)':46} {'ms/upd':>8} {'share':>7}")
    for title in dict.fromkeys(title for title, _piece in ENTRY_POINTS):
        print(f"{title:46} {entries[title] * per:8.3f} {entries[title] / total:7.1%}")
    tables = [
        ("own time", own),
        ("time of our innermost function on the stack (it and the library code it calls)", closest),
        ("inclusive time, our functions", {k: v for k, v in inclusive.items() if k.startswith(OWN)}),
        ("inclusive time, everything", inclusive),
    ]
    for title, counter in tables:
        print(f"\ntop {top} by {title}:")
        for name, seconds in _top(counter, top):
            print(f"  {seconds * per:8.3f} ms {seconds / total:6.1%}  {name}")
    if save:
        with open(save, "w", encoding="utf-8") as out:
            for stack, seconds in sampler.stacks.items():
                out.write(";".join(label(code) for code in reversed(stack)) + f" {round(seconds * 1e6)}\n")
        print(f"\ncollapsed stacks (microseconds) written to {save}: flamegraph.pl / speedscope")


class GcClock:
    """CPU time the bot's thread spends in the garbage collector, by generation (collections
    the messenger's thread happens to trigger are the messenger's)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()
        self.seconds = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self._started: dict[int, float] = {}
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        ident = threading.get_ident()
        if ident != self.thread:
            return
        if phase == "start":
            self._started[ident] = time.thread_time()
        elif ident in self._started:
            generation = info["generation"]
            self.seconds[generation] += time.thread_time() - self._started.pop(ident)
            self.count[generation] += 1

    def snapshot(self) -> tuple[list[float], list[int]]:
        return list(self.seconds), list(self.count)


class MessengerThread:
    """The local messenger and the simulated users, on an event loop of their own thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="messenger", daemon=True)
        self.thread.start()

    async def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the messenger's loop; awaited from the bot's loop."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self.loop))

    def cpu(self) -> float:
        """CPU seconds the messenger thread used so far."""
        assert self.thread.ident is not None
        return time.clock_gettime(time.pthread_getcpuclockid(self.thread.ident))

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


async def _users(messenger: LocalMessenger, first: int, count: int, result: Result) -> None:
    async def one(n: int) -> None:
        try:
            await VirtualUser(messenger, first + n, result, random.Random(first + n)).conversation()
        except Exception as error:
            result.errors += 1
            if result.errors <= 3:
                print(f"    user {first + n}: {type(error).__name__}: {str(error)[:200]}", flush=True)

    await asyncio.gather(*(one(n) for n in range(count)))


async def _start_messenger() -> LocalMessenger:
    messenger = LocalMessenger(
        flavor="telegram", token=SANDBOX_TOKEN, strict=False, max_recorded_requests=5000
    )
    await messenger.start()
    messenger.group(STAFF_CHAT_ID, "کارگروه")  # where the tickets' cards go
    return messenger


def _settings(api_base: str, database_url: str, redis_url: str | None, port: int, prefix: str) -> Any:
    return load_settings(
        telegram=TelegramSettings(bot_token=SANDBOX_TOKEN, platform="telegram", bot_api_base=api_base),
        database=DatabaseSettings(database_url=database_url),
        redis=RedisSettings(redis_url=redis_url, redis_key_prefix=prefix),
        staff=StaffSettings(admin_ids=[], staff_chat_id=STAFF_CHAT_ID),
        locale=LocaleSettings(default_locale="fa"),
        webhook=WebhookSettings(
            url=f"http://127.0.0.1:{port}", secret="test-secret", listen_host="127.0.0.1", listen_port=port
        ),
        donations=donation_settings("telegram"),
    )


async def _phase(
    side: MessengerThread, messenger: LocalMessenger, first: int, users: int, *, around: Any = None
) -> tuple[Result, float, float]:
    """Run `users` conversations; the result, the bot's CPU seconds, the wall seconds."""
    result = Result("mix", 1, 0, 0.0)
    cpu, side_cpu, started = time.process_time(), side.cpu(), time.perf_counter()
    own = time.thread_time()
    if around is not None:
        around.enable()
    try:
        await side.run(_users(messenger, first, users, result))
    finally:
        if around is not None:
            around.disable()
    wall = time.perf_counter() - started
    bot_cpu = (time.process_time() - cpu) - (side.cpu() - side_cpu)
    result.harness_cpu = time.thread_time() - own  # here: the bot's event loop thread alone
    return result, bot_cpu, wall


def _count_sql(app: HamdelApp) -> Counter[str]:
    """Count the statements the bot sends to the database (by their first 110 characters)."""
    from sqlalchemy import event

    counts: Counter[str] = Counter()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counts[" ".join(statement.split())[:110]] += 1

    event.listen(app.engine.sync_engine, "before_cursor_execute", before)
    counts["__listener__"] = 0
    _LISTENERS[id(counts)] = before
    return counts


_LISTENERS: dict[int, Any] = {}


def _stop_counting(app: HamdelApp, counts: Counter[str]) -> None:
    from sqlalchemy import event

    event.remove(app.engine.sync_engine, "before_cursor_execute", _LISTENERS.pop(id(counts)))
    del counts["__listener__"]


def _report_sql(counts: Counter[str], updates: int, top: int) -> None:
    print(f"\nSQL statements: {sum(counts.values()) / updates:.2f} per update; the most frequent:")
    for statement, count in counts.most_common(top):
        print(f"  {count / updates:6.2f}  {statement}")


async def main(args: argparse.Namespace) -> None:
    run = uuid.uuid4().hex[:6]
    folder = Path(tempfile.mkdtemp(prefix="hamdel-profile-"))
    log = folder / "bot.log"
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.FileHandler(log)],
    )
    quiet_chatty_loggers()  # as `python -m bot` does
    logging.getLogger("messenger").setLevel(logging.ERROR)
    server = None
    redis_url = None
    if args.postgres:
        server = (
            os.environ.get("BENCH_DATABASE_URL")
            or os.environ.get("TEST_DATABASE_URL")
            or "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        )
        redis_url = (
            os.environ.get("BENCH_REDIS_URL")
            or os.environ.get("TEST_REDIS_URL")
            or "redis://127.0.0.1:6379/15"
        )
        name = f"hamdel_profile_{run}"
        await _admin(server, f'CREATE DATABASE "{name}"')
        database_url = make_url(server).set(database=name).render_as_string(hide_password=False)
    else:
        database_url = f"sqlite+aiosqlite:///{folder / 'hamdel.db'}"
    prefix = f"hamdel-profile-{run}"
    side = MessengerThread()
    app: HamdelApp | None = None
    runner = None
    messenger: LocalMessenger | None = None
    try:
        await asyncio.to_thread(upgrade, database_url)
        await _seed(database_url)
        messenger = await side.run(_start_messenger())
        port = free_port()
        app = create_app(_settings(messenger.base_url, database_url, redis_url, port, prefix))
        runner = await app.start_webhook()
        settle_heap()  # as `python -m bot worker` does after its startup
        print(
            f"Hamdel CPU profile: {'PostgreSQL + Redis' if server else 'SQLite'}, webhook, "
            f"{args.users} users at once; cores: {os.cpu_count()}",
            flush=True,
        )
        warm, _, _ = await _phase(side, messenger, 10_000, 4)
        statements = _count_sql(app) if args.sql else None
        figures: list[float] = []
        collector = GcClock()
        for run_index in range(args.repeat):
            gc_before, gc_count = collector.snapshot()
            measured, bot_cpu, wall = await _phase(side, messenger, 20_000 + 1000 * run_index, args.users)
            updates = max(measured.updates, 1)
            figures.append(bot_cpu * 1000 / updates)
            gc_seconds = sum(collector.seconds) - sum(gc_before)
            full = collector.count[2] - gc_count[2]
            print(
                f"run {run_index + 1}: {measured.updates} updates in {wall:.1f} s ({measured.updates / wall:.0f}/s), "
                f"errors {measured.errors + warm.errors}; bot CPU {bot_cpu:.2f} s = "
                f"{figures[-1]:.2f} ms per update (its event loop {measured.harness_cpu * 1000 / updates:.2f}, "
                f"other threads {(bot_cpu - measured.harness_cpu) * 1000 / updates:.2f}); garbage collection "
                f"{gc_seconds * 1000 / updates:.2f} ms per update, {full} full",
                flush=True,
            )
            if statements is not None:
                _stop_counting(app, statements)
                _report_sql(statements, updates, args.top)
                statements = None
        print(
            f"bot CPU per update: median {statistics.median(figures):.2f} ms, lowest {min(figures):.2f} ms"
            f" ({args.repeat} runs of {args.users} users)",
            flush=True,
        )
        counter = CallCounter()
        counted, _, _ = await _phase(side, messenger, 80_000, args.users, around=counter)
        print(
            f"function calls per update: {counter.python / max(counted.updates, 1):,.0f} Python, "
            f"{counter.c / max(counted.updates, 1):,.0f} C (one more run, counted; the same for the "
            "same code on a busy machine)",
            flush=True,
        )
        if not args.no_profile:
            sampler = Sampler()
            profiled, _, _ = await _phase(side, messenger, 90_000, args.users, around=sampler)
            _report(sampler, max(profiled.updates, 1), args.top, args.save)
    finally:
        if app is not None:
            if runner is not None:
                await app.stop_webhook(runner)
            await app.close()
        if messenger is not None:
            await side.run(messenger.stop())
        side.stop()
        shutil.rmtree(folder, ignore_errors=True)
        if server is not None:
            await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            assert redis_url is not None
            await clear_redis_keys(redis_url, prefix)


def _arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile_mix", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--users", type=int, default=30, help="simulated users per run (about 23 updates each)"
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis instead of SQLite")
    parser.add_argument("--no-profile", action="store_true", help="only the CPU per update")
    parser.add_argument("--repeat", type=int, default=3, help="measured runs (median and lowest printed)")
    parser.add_argument("--sql", action="store_true", help="count the SQL statements of the measured run")
    parser.add_argument("--top", type=int, default=30, help="functions listed per table")
    parser.add_argument("--save", help="write the sampled stacks here (collapsed format, for flame graphs)")
    return parser.parse_args(argv)


if __name__ == "__main__":
    run_event_loop(main(_arguments()), load_settings())  # the loop `python -m bot` runs on
