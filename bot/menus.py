"""The staff menu's shared pieces: the /admin section button every staff module answers
(`AdminMenu` with its section key, behind its own `RequireRole`), the roles that open the menu,
role names as staff read them, and the small helpers of staff flows."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.filters.callback_data import CallbackData
from aiogram.types import Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator
from services.persian import format_date
from services.roles import Role

STAFF_ROLES = (Role.ADMIN, Role.CAMPAIGN_MANAGER, Role.OPERATOR)


class AdminMenu(CallbackData, prefix="adm"):
    section: str


def not_command(message: Message) -> bool:
    """Commands typed in the middle of a flow go to their own handlers, not into the answer."""
    return not (message.text or "").startswith("/")


def alert(callback_answer: CallbackAnswer, text: str) -> None:
    """Answer the pressed button with a pop-up (through aiogram's CallbackAnswerMiddleware, which
    answers every callback exactly once)."""
    callback_answer.text = text
    callback_answer.show_alert = True


def role_name(t: Translator, role: Role | str) -> str:
    return t(f"admin-role-{Role(role).value.replace('_', '-')}")


def range_text(t: Translator, start: datetime | None, end: datetime | None, now: datetime) -> str:
    """An export's period as staff read it (`end` excluded; none: up to now)."""
    if start is None and end is None:
        return t("export-range-all")
    last = (end - timedelta(seconds=1)) if end else now
    first = format_date(start, t.locale) if start else "—"
    return t("export-range", start=first, end=format_date(last, t.locale))
