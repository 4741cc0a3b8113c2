"""The web console's listener, started with the bot (the chat's /console is handlers/console.py).

The console's web application (console.server and its pages) is imported only when
CONSOLE_PUBLIC_URL turns the console on: a worker without it does not carry its code (~0.5 MB of
idle memory, benchmarks/footprint.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.ui import Feature

if TYPE_CHECKING:
    from bot.app import HamdelApp


async def start_console(app: HamdelApp) -> None:
    """The feature's startup hook: `console.server.start_console` when the console is on."""
    if app.settings.console.enabled:
        from console import server

        await server.start_console(app)


feature = Feature(name="console-web", on_startup=(start_console,))
