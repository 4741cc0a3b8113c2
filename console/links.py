"""The console's addresses and signing key, for the chat's /console (handlers/console.py) and the
console itself, without the console's pages: the chat imports this, never the web application."""

from __future__ import annotations

from bot.settings import SANDBOX_TOKEN, Settings, SettingsError
from services import console_auth

PREFIX = "/console"


def console_secret(settings: Settings) -> str:
    """CONSOLE_SECRET, or in the sandbox and tests (no real staff there) a key derived from the
    token. A real bot with the console on refuses to start without it."""
    secret = settings.console.secret
    if secret is not None:
        return secret.get_secret_value()
    token = settings.telegram.bot_token
    if token and token != SANDBOX_TOKEN:
        raise SettingsError(
            "setting CONSOLE_SECRET is missing: the web console signs its sign-in links with it"
            " (e.g. `openssl rand -hex 32`); keep it private"
        )
    return console_auth.derived_secret(token or SANDBOX_TOKEN)


def console_url(settings: Settings, path: str) -> str:
    """An address under the console (CONSOLE_PUBLIC_URL, which the caller checked is set)."""
    assert settings.console.public_url is not None
    return f"{settings.console.public_url}{PREFIX}{path}"
