"""The per-update shortcuts taken for CPU (benchmarks/profile_mix.py) change nothing visible:
the same keyboards, the same filters, the same answers."""

from __future__ import annotations

import ast
import gc
import json
import os
import platform
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.utils import keyboard

from bot import workers
from bot.app import create_app
from bot.platform import profile_for
from bot.session import PlatformSession
from bot.settings import SANDBOX_TOKEN, DatabaseSettings, Platform, TelegramSettings, load_settings
from bot.ui import InlineKeyboardBuilder
from bot.workers import GC_YOUNG_THRESHOLD, release_free_memory, settle_heap
from models.db import dialect_module

ROOT = Path(__file__).resolve().parent.parent


def test_the_keyboard_builder_builds_what_aiograms_builds() -> None:
    def build(builder: Any) -> Any:
        for n in range(7):
            builder.button(text=f"دکمه {n}", callback_data=f"item:{n}")
        builder.adjust(2, 3)
        builder.row(keyboard.InlineKeyboardButton(text="بازگشت", callback_data="back"))
        return builder

    ours, aiograms = build(InlineKeyboardBuilder()), build(keyboard.InlineKeyboardBuilder())
    assert ours.as_markup() == aiograms.as_markup()
    exported = ours.export()
    exported[0].append(exported[1][0])  # a caller's change to an export stays out of the builder
    assert ours.as_markup() == aiograms.as_markup()


def test_no_filter_is_sent_to_a_worker_thread(tmp_path: Path) -> None:
    app = create_app(
        load_settings(
            telegram=TelegramSettings(bot_token=SANDBOX_TOKEN),
            database=DatabaseSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/hamdel.db"),
        )
    )
    filters = []
    routers = [app.dispatcher]
    while routers:
        router = routers.pop()
        routers += router.sub_routers
        for observer in router.observers.values():
            filters += observer._handler.filters or []
            for handler in observer.handlers:
                filters += handler.filters or []
    assert len(filters) > 100
    assert all(f.awaitable for f in filters if isinstance(f, FilterObject))


async def test_bot_api_answer_types_survive_garbage_collection() -> None:
    session = PlatformSession(profile_for(Platform.TELEGRAM), "http://127.0.0.1:1", 30)
    bot = Bot(SANDBOX_TOKEN, session=session)
    answer = '{"ok":true,"result":{"message_id":1,"date":0,"chat":{"id":1,"type":"private"},"text":"x"}}'
    method = SendMessage(chat_id=1, text="x")
    result = session.check_response(bot, method, 200, answer)
    assert isinstance(result.result, Message)
    kept = weakref.ref(type(result))  # Response[Message]: pydantic caches it weakly
    del result
    gc.collect()
    assert kept() is not None
    await session.close()


def test_a_worker_settles_its_heap_after_start() -> None:
    threshold = gc.get_threshold()
    gc.disable()  # as `serve` starts a worker
    try:
        settle_heap()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == GC_YOUNG_THRESHOLD
    finally:
        gc.enable()
        gc.unfreeze()
        gc.set_threshold(*threshold)


async def test_a_worker_starts_without_the_collector_and_never_stays_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`serve` turns the garbage collector off for the start (settle_heap turns it on); a start
    that fails before that leaves it on again."""
    seen: list[bool] = []

    async def failing_start(*_args: Any, **_kwargs: Any) -> None:
        seen.append(gc.isenabled())
        raise RuntimeError("the start failed")

    monkeypatch.setattr(workers, "_serve", failing_start)
    assert gc.isenabled()
    with pytest.raises(RuntimeError, match="the start failed"):
        await workers.serve(load_settings())
    assert seen == [False]
    assert gc.isenabled()


def test_a_worker_gives_the_memory_its_start_freed_back_to_the_system() -> None:
    """settle_heap ends with malloc_trim where the C library is glibc (the servers'), and is a
    no-op elsewhere."""
    assert release_free_memory() is (platform.libc_ver()[0] == "glibc")


# Imported by a worker only when used (inside the function that needs it): the XLSX writer for
# an export, Jinja2 for the console, matplotlib for a chart, Alembic when a migration is pending
# (tests/test_migrations.py checks the start skips it), numpy for a FAQ too large to score in
# Python (services/tfidf.py); Playwright never (tests only).
ON_DEMAND = frozenset({"alembic", "xlsxwriter", "jinja2", "matplotlib", "numpy", "playwright"})
RUNTIME = ("bot", "handlers", "services", "models", "console")


def test_the_runtime_imports_what_only_some_work_needs_on_demand() -> None:
    """A module-level import of one of ON_DEMAND would load it into every worker at start
    (about 25 MB and a second of CPU together; benchmarks/footprint.py)."""
    root = Path(__file__).resolve().parent.parent
    offenders = []
    for package in RUNTIME:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:  # module level only
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                offenders += [
                    f"{path.relative_to(root)}: {name}" for name in names if name.split(".")[0] in ON_DEMAND
                ]
    assert offenders == []


def test_a_worker_with_the_real_faq_loads_none_of_them() -> None:
    """Nor does anything the runtime imports load one (a library's own import would): a fresh
    interpreter imports what a worker does and builds the real FAQ's index (not a timed test).
    Nor a database's dialect module (models.db.dialect_module loads the one in use), nor
    rapidfuzz (the first fuzzy match of a typed word loads it)."""
    unwanted = sorted(
        ON_DEMAND | {"sqlalchemy.dialects.postgresql", "sqlalchemy.dialects.sqlite", "rapidfuzz"}
    )
    probe = (
        "import sys, bot.app, handlers; from services.faq import FaqIndex; FaqIndex.load(); "
        f"print(sorted(m for m in {unwanted!r} if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[]"


def test_the_dialect_module_is_the_database_s() -> None:
    assert dialect_module("postgresql").__name__ == "sqlalchemy.dialects.postgresql"
    assert dialect_module("sqlite").__name__ == "sqlalchemy.dialects.sqlite"


ARENAS_PROBE = """
import ctypes, json, os, sys, tempfile, threading
from bot.workers import limit_malloc_arenas
limited = limit_malloc_arenas()
kept = []
together = threading.Barrier(8)
def allocate():  # objects over 512 bytes come from malloc, in the thread's own arena by default
    together.wait()  # all alive at once: none leaves a free arena for the next
    kept.append([bytearray(1000) for _ in range(2000)])
    together.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc = ctypes.CDLL("libc.so.6")
libc.fopen.restype = ctypes.c_void_p
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = os.path.join(tempfile.mkdtemp(), "malloc.xml")
stream = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, stream)
libc.fclose(stream)
print(json.dumps({"limited": limited, "arenas": open(path).read().count("<heap nr=")}))
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc arenas are glibc's")
@pytest.mark.parametrize("environment", [{}, {"MALLOC_ARENA_MAX": "8"}])
def test_a_worker_keeps_to_two_malloc_arenas_unless_told_otherwise(environment: dict[str, str]) -> None:
    """`limit_malloc_arenas` (python -m bot run|worker|deliver): eight threads that allocate
    share two glibc heaps instead of getting one each; MALLOC_ARENA_MAX set by an operator wins."""
    env = {key: value for key, value in os.environ.items() if key != "MALLOC_ARENA_MAX"}
    output = subprocess.run(
        [sys.executable, "-c", ARENAS_PROBE],
        cwd=str(ROOT),
        env={**env, **environment, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    probe = json.loads(output)
    if environment:
        assert probe == {"limited": False, "arenas": probe["arenas"]}
        assert probe["arenas"] > 2, "eight allocating threads should have spread over more heaps"
    else:
        assert probe == {"limited": True, "arenas": 2}
