"""Commands and main-menu buttons leave any unfinished flow.

A person in the middle of a flow (an amount to type, a complaint to describe) who sends a
command or presses a main-menu button wants that command, not the flow's next step: without this
the flow's state outlived the command, and the next text was read as the flow's input ("I could
not read that amount" after /mydonations). One outer middleware on the private chats clears the
state *before* the routers filter the update, so every handler sees the person outside any flow.

The person is told only when something was lost: a flow past its first step (its first step is
the choice the flow opened with — nothing typed or chosen yet). The flow's name comes from
`flow-left` in locales, selected by the flow's `StatesGroup` name.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import StatesGroup
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove, TelegramObject

from bot.i18n import Translator
from bot.ui import MenuCallback

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

# "/donate", "/donate@HamdelBot", "/start payload": a command is the first word.
_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@\w+)?(?:\s|$)")
# Commands that handle a running flow themselves: /cancel says what it cancelled.
_OWN_HANDLING = frozenset({"cancel"})
_MENU_PREFIX = MenuCallback.__prefix__ + MenuCallback.__separator__

# Set on the update's data when a flow was left with something in it: a button press shows it as
# the press's toast (bot.middlewares.CallbackAnswerer), a command as a message of its own.
FLOW_LEFT = "flow_left_notice"


def command_name(text: str | None) -> str | None:
    """The command a message starts with ("mydonations"), or None for other text."""
    if not text or not _COMMAND.match(text):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower()


def flow_group(state: str) -> str:
    """The `StatesGroup` a state belongs to: "DonateFlow:amount" → "DonateFlow"."""
    return state.split(":", 1)[0]


def _first_states() -> dict[str, str]:
    """Each flow's first state by group name, from every `StatesGroup` defined so far."""
    firsts: dict[str, str] = {}
    pending: list[type[StatesGroup]] = list(StatesGroup.__subclasses__())
    while pending:
        group = pending.pop()
        pending.extend(group.__subclasses__())
        states = group.__all_states__
        if states:
            firsts[group.__full_group_name__] = str(states[0].state)
    return firsts


def something_lost(state: str) -> bool:
    """Whether leaving `state` drops what the person typed or chose: every step after the
    flow's first."""
    first = _first_states().get(flow_group(state))
    return first is not None and state != first


class FlowExit(BaseMiddleware):
    """Outer middleware of the private-chat router (messages and button presses)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        raw_state: str | None = data.get("raw_state")
        if state is None or raw_state is None or not self._leaves_flow(event):
            return await handler(event, data)
        await state.clear()
        session = data.get("session")
        if session is not None and session.in_transaction():
            # End the update's transaction before talking to the platform (SQLite's one write
            # lock must not be held across a network call).
            await session.commit()
        # Filters read the state from `raw_state` (resolved before this middleware ran).
        data["raw_state"] = None
        if something_lost(raw_state):
            t: Translator = data["t"]
            notice = t("flow-left", flow=flow_group(raw_state))
            if isinstance(event, Message):
                # A flow may have left a reply keyboard (the contact button): take it away.
                await event.answer(notice, reply_markup=ReplyKeyboardRemove())
            else:
                data[FLOW_LEFT] = notice
        return await handler(event, data)

    @staticmethod
    def _leaves_flow(event: TelegramObject) -> bool:
        # Mounted on the private router, whose chat filter runs after its outer middlewares.
        if isinstance(event, Message):
            if event.chat.type != "private":
                return False
            name = command_name(event.text)
            return name is not None and name not in _OWN_HANDLING
        if isinstance(event, CallbackQuery):
            message = event.message
            if message is None or message.chat.type != "private":
                return False
            return (event.data or "").startswith(_MENU_PREFIX)
        return False
