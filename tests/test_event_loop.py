"""bot.workers.run_event_loop: the bot's processes run on the loop EVENT_LOOP names (uvloop by
default, asyncio's own on request or where uvloop is missing), and the tests run on the loop the
processes run (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import builtins
from typing import Any

import pytest

from bot.settings import ScaleSettings, load_settings
from bot.workers import run_event_loop


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_the_bot_runs_on_uvloop_by_default_and_on_asyncio_when_asked() -> None:
    settings = load_settings()
    assert settings.scale.event_loop == "uvloop"
    assert run_event_loop(_loop_module(), settings).startswith("uvloop")
    on_asyncio = settings.model_copy(update={"scale": ScaleSettings(event_loop="asyncio")})
    assert run_event_loop(_loop_module(), on_asyncio).startswith("asyncio")


def test_without_uvloop_the_bot_runs_on_asyncio(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_import = builtins.__import__

    def no_uvloop(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "uvloop":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_uvloop)
    assert run_event_loop(_loop_module(), load_settings()).startswith("asyncio")
    assert "uvloop is not installed" in caplog.text


async def test_the_tests_run_on_the_bot_s_loop() -> None:
    assert (await _loop_module()).startswith("uvloop")
