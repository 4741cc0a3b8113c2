"""What the bot's tasks were waiting on when a test gave up waiting for an answer: a hang then
shows where it is (an update stuck releasing a lock, a request never answered) instead of only
that nothing came."""

from __future__ import annotations

import asyncio
import types
from pathlib import Path
from typing import Any

_ROOT = str(Path(__file__).resolve().parent.parent) + "/"
_OWN = ("bot/", "handlers/", "services/", "jobs/", "console/", "models/")


def _frames(awaitable: Any) -> list[str]:
    """The chain of our own frames an awaiting coroutine (or async generator) is suspended in."""
    lines: list[str] = []
    current = awaitable
    for _ in range(64):
        if isinstance(current, types.AsyncGeneratorType):
            frame, current = current.ag_frame, current.ag_await
        else:
            frame = getattr(current, "cr_frame", None) or getattr(current, "gi_frame", None)
            current = getattr(current, "cr_await", None) or getattr(current, "gi_yieldfrom", None)
        if frame is None:
            break
        name = frame.f_code.co_filename.removeprefix(_ROOT)
        if name.startswith(_OWN):
            lines.append(f"    {name}:{frame.f_lineno} {frame.f_code.co_name}")
        if current is None:
            break
    return lines


def waiting_tasks() -> str:
    """One block per task of the running loop suspended inside the bot's own code."""
    blocks = []
    for task in asyncio.all_tasks():
        if task.done() or task is asyncio.current_task():
            continue
        lines = _frames(task.get_coro())
        if lines:
            blocks.append(f"  task {task.get_name()}:\n" + "\n".join(lines))
    return "\n".join(blocks) or "  (no task inside the bot's code)"
