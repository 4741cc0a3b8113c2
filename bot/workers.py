"""Running the bot: one worker process, or N webhook workers on one port under a supervisor.

`python -m bot run` with WORKERS=1 runs `serve()` in this process (polling, or webhook when
WEBHOOK_URL is set). With WORKERS=N>1 (webhook mode, PostgreSQL and Redis) it migrates once and
supervises N `python -m bot worker --index i` processes; each listens on WEBHOOK_LISTEN_PORT with
SO_REUSEPORT, so the kernel spreads the messenger's connections over them (a reverse proxy
with N upstreams on N ports works as well: run `python -m bot worker --index i` yourself with
WEBHOOK_LISTEN_PORT set per worker). A worker that dies is started again (1 s, then up to 30 s
apart while it keeps dying); its unfinished updates are taken over by the others when its lease
lapses. SIGTERM (or Ctrl-C) is passed to every worker, which stop taking updates (503), finish
those in flight and exit; the supervisor waits SHUTDOWN_TIMEOUT (+5 s) before killing.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Coroutine
from types import FrameType
from typing import Any, TypeVar

from bot.settings import Settings

logger = logging.getLogger("hamdel")
T = TypeVar("T")


def check_scale_out(settings: Settings) -> str | None:
    """Why these settings cannot run several workers (None: they can)."""
    if settings.scale.workers <= 1:
        return None
    if not settings.webhook.url:
        return "WORKERS > 1 needs webhook mode: set WEBHOOK_URL (polling allows one consumer)"
    if not settings.database.database_url.startswith("postgresql"):
        return "WORKERS > 1 needs PostgreSQL: set DATABASE_URL=postgresql+asyncpg://… (SQLite serves one process)"
    if not settings.redis.redis_url:
        return "WORKERS > 1 needs Redis: set REDIS_URL (conversation state and per-user locks are shared)"
    return None


# Young-generation threshold of the garbage collector in a worker (Python's default: 700).
GC_YOUNG_THRESHOLD = 7000


def settle_heap() -> None:
    """Garbage collection for a long-running worker, once it has started. The heap after start is
    large and lives as long as the process (aiogram's and pydantic's Bot API types, the FAQ's
    TF-IDF index, the texts): every full collection walked all of it, ~1–1.5 ms of CPU per
    update on the scale benchmark's mix. `gc.freeze()` moves it out of the collector's sight
    (cyclic garbage made later is still collected), and a higher young-generation threshold lets
    most of an update's short-lived objects die by reference counting before a collection looks
    at them. Together: ~0.1 ms per update (benchmarks/profile_mix).

    Then the C allocator gives back what the start freed (`release_free_memory`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
    gc.enable()  # `serve` starts a worker with it off
    release_free_memory()


def run_event_loop(main: Coroutine[Any, Any, T], settings: Settings) -> T:
    """Run a process's main coroutine on the event loop EVENT_LOOP names: uvloop by default
    (libuv's loop, its transports in C: `python -m benchmarks.profile_mix`, median of 5 runs
    against 3 on asyncio's, 13–14 % less CPU per update on either database; benchmarks/README.md),
    asyncio's own where uvloop is not installed."""
    if settings.scale.event_loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            logger.warning("EVENT_LOOP=uvloop, but uvloop is not installed: asyncio's loop instead")
        else:
            return uvloop.run(main)
    return asyncio.run(main)


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system (glibc's `malloc_trim`); False where there is
    no glibc. Start-up frees a lot — parsed texts and files, the FAQ index's temporaries — that
    glibc keeps in its heap below live objects: ~5.5 MB of a worker's idle resident memory
    (benchmarks/footprint.py). Python's own arenas are returned when empty; this is the rest."""
    import ctypes  # ~0.3 MB, once

    libc = _glibc()
    if libc is None:
        return False
    trim = libc.malloc_trim
    trim.argtypes = [ctypes.c_size_t]
    trim(0)
    return True


# glibc heaps ("arenas") a process may use; see `limit_malloc_arenas`.
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number (malloc.h)


def limit_malloc_arenas() -> bool:
    """At most MALLOC_ARENAS glibc heaps for this process, unless MALLOC_ARENA_MAX says otherwise;
    False where there is no glibc. glibc gives each thread that allocates a heap of its own (up
    to 8 per core) and each keeps what it once held: the database driver's threads (aiosqlite
    runs one per connection, and connections beyond the pool's come and go) left 16 heaps of
    ~2 MB each after a few thousand updates (~2 MB more resident memory than two heaps keep,
    benchmarks/memory.py). Python's allocation is serialised by the interpreter lock anyway.
    Call before any thread starts."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    libc = _glibc()
    return libc is not None and bool(libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS))


def _glibc() -> Any:
    import ctypes  # ~0.3 MB, once

    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018 - glibc has both; musl or macOS do not
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to do
        return None
    return libc


async def _settle_heap_after_startup() -> None:
    settle_heap()


async def serve(settings: Settings, *, worker_index: int = 0, migrate: bool = True) -> None:
    """One worker until SIGTERM/SIGINT, then a graceful shutdown (see `HamdelApp.drain`).

    The garbage collector is off until the worker has started (`settle_heap` turns it on): the
    start builds the objects the process keeps for life (aiogram's and pydantic's types, the
    routers, texts, indexes), and each full collection on the way walked all of them — 5 of
    them, ~0.55 s of CPU before the first getUpdates (benchmarks/footprint.py). The start's
    garbage is collected once, in `settle_heap`."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        await _serve(settings, worker_index=worker_index, migrate=migrate)
    finally:
        if collecting:
            gc.enable()


async def _serve(settings: Settings, *, worker_index: int, migrate: bool) -> None:
    from aiohttp import web

    from bot.app import create_app
    from bot.migrate import upgrade_async

    if migrate:
        await upgrade_async(settings.database.database_url)
    app = create_app(settings, worker_index=worker_index)
    # After the app's own startup (registered first): the features' indexes are built by then.
    app.dispatcher.startup.register(_settle_heap_after_startup)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    runners: list[web.AppRunner] = []
    polling: asyncio.Task[None] | None = None
    try:
        webhook = settings.webhook
        if webhook.url:
            runners.append(await app.start_webhook())
            logger.info("worker %d: webhook on %s:%s", worker_index, webhook.listen_host, webhook.listen_port)
        else:
            polling = asyncio.create_task(app.run_polling(handle_signals=False))
            logger.info("polling %s", settings.telegram.api_base)
        port = settings.scale.metrics_port
        if port is not None:
            host = settings.scale.metrics_host
            runner, bound = await app.serve_web(host, port + worker_index, application=app.build_ops_app())
            runners.append(runner)
            logger.info("worker %d: /healthz and /metrics on %s:%d", worker_index, host, bound)
        waiters: set[asyncio.Future[object]] = {asyncio.ensure_future(stop.wait())}
        if polling is not None:
            waiters.add(polling)  # type: ignore[arg-type]
        done, _ = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        if polling is not None and polling in done:
            polling.result()  # polling died: raise its error
        logger.info("worker %d: stopping: no new updates; finishing those in flight", worker_index)
        if polling is not None:
            await app.dispatcher.stop_polling()
            await asyncio.wait({polling}, timeout=10)
        finished = await app.drain()
        if webhook.url and runners:
            await app.stop_webhook(runners.pop(0))
        logger.info("worker %d: stopped%s", worker_index, "" if finished else " (some work was cut short)")
    finally:
        for runner in runners:
            await runner.cleanup()
        if polling is not None and not polling.done():
            polling.cancel()
        await app.close()


def supervise(settings: Settings) -> int:
    """Migrate once, run WORKERS webhook workers, restart the ones that die, stop them all on
    SIGTERM/SIGINT."""
    from bot.migrate import upgrade

    upgrade(settings.database.database_url)
    count = settings.scale.workers
    children: dict[int, subprocess.Popen[bytes]] = {}
    started: dict[int, float] = {}
    backoff: dict[int, float] = dict.fromkeys(range(count), 1.0)
    restart_at: dict[int, float] = {}
    stopping = False

    def start(index: int) -> None:
        children[index] = subprocess.Popen([sys.executable, "-m", "bot", "worker", "--index", str(index)])
        started[index] = time.monotonic()
        logger.info("supervisor: worker %d started (pid %d)", index, children[index].pid)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            logger.info("supervisor: %s: stopping %d workers", signal.Signals(signum).name, len(children))
        stopping = True
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for index in range(count):
        start(index)
    while not stopping:
        time.sleep(0.2)
        now = time.monotonic()
        for index, child in list(children.items()):
            code = child.poll()
            if code is None or stopping:
                continue
            if index not in restart_at:
                ran = now - started[index]
                if ran > 60:
                    backoff[index] = 1.0
                logger.error(
                    "supervisor: worker %d exited with %s after %.0f s: restarting in %.0f s",
                    index,
                    code,
                    ran,
                    backoff[index],
                )
                restart_at[index] = now + backoff[index]
                backoff[index] = min(backoff[index] * 2, 30.0)
            elif now >= restart_at[index]:
                del restart_at[index]
                start(index)
    deadline = time.monotonic() + settings.scale.shutdown_timeout + 5
    for child in children.values():
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            logger.error("supervisor: worker pid %d did not stop in time: killing it", child.pid)
            child.kill()
            child.wait()
    logger.info("supervisor: all workers stopped")
    return 0


def worker_main(settings: Settings, index: int) -> int:
    """`python -m bot worker --index i`: one webhook worker of several (no migration: the
    supervisor, or `python -m bot migrate`, did it)."""
    os.environ.setdefault("HAMDEL_WORKER_INDEX", str(index))
    run_event_loop(serve(settings, worker_index=index, migrate=False), settings)
    return 0
