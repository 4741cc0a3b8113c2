"""The console's test harness: the bot (`hamdel`) with its console on a free port, and a real
headless Chromium from the distribution's package, driven by Playwright (no browser download).
Without the browser these tests skip with one reason."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pydantic_settings import BaseSettings

from bot.settings import ConsoleSettings
from messenger.testkit import free_port as free_port  # the console tests pick ports with it

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
PHONE = {"width": 360, "height": 740}
LINK = re.compile(r"https?://\S+/console/signin/\S+")


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "browser tests need Chromium (apt-get install chromium) and the playwright package"
    if not Path(CHROMIUM).exists():
        return "browser tests need Chromium (apt-get install chromium) and the playwright package"
    return None


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    port = free_port()
    return {"console": ConsoleSettings(public_url=f"http://127.0.0.1:{port}", listen_port=port)}


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Any]:
    """A fresh headless Chromium profile at a phone's width (360 px)."""
    reason = browser_missing()
    if reason:
        pytest.skip(reason)
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        context = await driver.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            viewport=PHONE,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield context
        finally:
            await context.close()


async def sign_in_link(hamdel: Any, person: Any) -> str:
    """Ask the bot for a sign-in link, as a staff member would (/console)."""
    before = len(person.messages)
    await person.send("/console")
    await person.wait_until(lambda p: len(p.messages) > before and LINK.search(p.last_text or ""))
    found = LINK.search(person.last_text)
    assert found is not None
    return found.group(0)


async def signed_in_page(hamdel: Any, browser: Any, person: Any) -> Any:
    page = await browser.new_page()
    await page.goto(await sign_in_link(hamdel, person))
    await page.click("#signin")
    await page.wait_for_url("**/console/")
    return page


async def check_layout(page: Any, name: str) -> None:
    """RTL at 360 px with nothing wider than the screen; a screenshot kept as an artifact."""
    assert await page.evaluate("document.documentElement.dir") in ("rtl", "ltr")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width}px wide at {PHONE['width']}px"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"console-{name}.png"), full_page=True)
