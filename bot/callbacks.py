"""Buttons one feature puts on another feature's screen: their callback data lives here, so
neither handler module imports the other."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData

from bot.ui import CallbackInt


class AskStaff(CallbackData, prefix="ask"):
    """Send a question to the staff chat (handled in handlers/faq.py): `q` a stored question (0:
    type one now), `c` where the button was (e.g. "elg-may_be_eligible" on the eligibility
    result)."""

    q: CallbackInt = 0
    c: str = ""
