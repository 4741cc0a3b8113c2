"""Small answer widgets: a yes/no row, a multi-select toggle, and the pop-up or short note that
answers a pressed button (sent by aiogram's CallbackAnswerMiddleware, once per press)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton
from aiogram.utils.callback_answer import CallbackAnswer

from bot.i18n import Translator


def _data(value: CallbackData | str) -> str:
    return value if isinstance(value, str) else value.pack()


def yes_no_row(
    t: Translator,
    yes: CallbackData | str,
    no: CallbackData | str,
    *,
    yes_key: str = "common-yes",
    no_key: str = "common-no",
) -> list[InlineKeyboardButton]:
    """«بله» / «خیر» (or the caller's own words for the two answers)."""
    return [
        InlineKeyboardButton(text=t(yes_key), callback_data=_data(yes)),
        InlineKeyboardButton(text=t(no_key), callback_data=_data(no)),
    ]


def toggle_button(t: Translator, label: str, chosen: bool, press: CallbackData | str) -> InlineKeyboardButton:
    """One option of a multi-select: «✅ label» when chosen, «⬜️ label» when not."""
    mark = t("common-mark-on") if chosen else t("common-mark-off")
    return InlineKeyboardButton(text=t("common-toggle", mark=mark, label=label), callback_data=_data(press))


def toast(answer: CallbackAnswer, text: str) -> None:
    """Answer the press with a short note at the top of the chat."""
    answer.text = text


def alert(answer: CallbackAnswer, text: str) -> None:
    """Answer the press with a pop-up the person must dismiss (a refusal, a stale button)."""
    answer.text = text
    answer.show_alert = True
