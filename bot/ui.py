"""Shared pieces of the chat interface: features, the main menu, cancel, showing a screen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils import keyboard
from aiogram.utils.callback_answer import CallbackAnswer
from aiohttp import web
from pydantic import Field

from bot.aiogram_compat import builder_rows
from bot.i18n import Translator
from bot.platform import PlatformProfile

if TYPE_CHECKING:
    from bot.app import HamdelApp
    from bot.settings import Settings
    from services.clock import Clock
    from services.staff_reports import StaffReports


MAX_ROW_ID = 2**63 - 1

# A number in callback data (a row id, a page, an index). Forged data outside the databases'
# 64-bit integers does not unpack, so the press is answered as a stale button instead of
# failing in the query.
CallbackInt = Annotated[int, Field(ge=-MAX_ROW_ID - 1, le=MAX_ROW_ID)]


def callback_int(value: str, default: int) -> int:
    """A number carried in a text field of callback data: ASCII digits within the 64-bit range,
    else `default` (forged data such as «²» passes `str.isdigit` and fails `int`)."""
    if value.isascii() and value.isdigit() and int(value) <= MAX_ROW_ID:
        return int(value)
    return default


class InlineKeyboardBuilder(keyboard.InlineKeyboardBuilder):  # noqa: TID251
    """aiogram's builder without its deep copies: aiogram's `export()` deep-copies every button
    (pydantic models) and `add()` calls it for each button, so a keyboard of n buttons cost n²/2
    button copies — half a millisecond for the main menu. Here the rows are copied and the
    buttons shared: nothing in Hamdel changes a button after building it."""

    def export(self) -> list[list[InlineKeyboardButton]]:
        return builder_rows(self)


class PressAnswer(CallbackAnswer):
    """aiogram's answer to a press (bot.middlewares.CallbackAnswerer makes one per callback
    query), which a handler may also send before it ends: `await callback_answer.send_now(query)`
    once the person's screen shows the outcome and what is left is work they do not wait for
    (posting a new ticket's card to the staff chat). The button's spinner then stops with the
    outcome instead of after that work — with a real Bot API, one or two more round trips."""

    async def send_now(self, query: CallbackQuery) -> None:
        if self.answered or self.disabled:
            return
        await query.answer(
            text=self.text, show_alert=self.show_alert, url=self.url, cache_time=self.cache_time
        )
        self._answered = True  # the middleware's answer after the handler is then skipped


class MenuCallback(CallbackData, prefix="menu"):
    """A main-menu button: `section` is a feature's `MenuSection.key`, or "home"."""

    section: str


class CancelCallback(CallbackData, prefix="cancel"):
    pass


@dataclass(frozen=True, slots=True)
class MenuSection:
    key: str
    text_key: str
    order: int


@dataclass(frozen=True, slots=True)
class Feature:
    """One product feature as the app factory mounts it.

    `private` handles private chats, `staff` the working group's chat, `chatless` updates
    without a chat (pre_checkout_query, my_chat_member) — each router is mounted under the
    matching scope. `commands` are (command, description text key) pairs for setMyCommands.
    `admin_commands` are shown to admins only. `on_startup` hooks run once the bot starts
    (polling or webhook) and may start background work with `app.spawn(...)`; `web_routes`
    add pages to the bot's own web server, which also runs in polling mode when `web_needed`
    says so for the settings (a payment gateway's callback, for instance). `reports` declares
    what the feature adds to the staff tools (exports, /stats sections, /health backlogs)."""

    name: str
    private: Router | None = None
    staff: Router | None = None
    chatless: Router | None = None
    section: MenuSection | None = None
    commands: tuple[tuple[str, str], ...] = ()
    admin_commands: tuple[tuple[str, str], ...] = ()
    on_startup: tuple[Callable[[HamdelApp], Awaitable[None]], ...] = ()
    web_routes: tuple[Callable[[HamdelApp, web.Application], None], ...] = ()
    web_needed: Callable[[Settings], bool] | None = None
    reports: Callable[[Settings, Clock], StaffReports] | None = None


def staff_reports_of(features: Sequence[Feature], settings: Settings, clock: Clock) -> StaffReports:
    """What the features add to the staff tools, merged (a name declared twice is an error)."""
    from services.staff_reports import StaffReports

    return sum((f.reports(settings, clock) for f in features if f.reports is not None), StaffReports())


def main_menu(t: Translator, sections: list[MenuSection]) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(text=t(section.text_key), callback_data=MenuCallback(section=section.key).pack())
        for section in sorted(sections, key=lambda s: s.order)
    ]
    return InlineKeyboardMarkup(inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def masked_notice(t: Translator, kinds: Sequence[str]) -> str:
    """The line telling a person which personal numbers were masked in their message ("" when
    none were; see services.privacy)."""
    if not kinds:
        return ""
    return t("privacy-masked", kinds=t("privacy-kinds-separator").join(t(f"privacy-kind-{k}") for k in kinds))


def with_masked_notice(t: Translator, text: str, kinds: Sequence[str]) -> str:
    """`text` with the masked-numbers line below it when something was masked."""
    notice = masked_notice(t, kinds)
    return f"{text}\n\n{notice}" if notice else text


def cancel_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=t("common-cancel-button"), callback_data=CancelCallback().pack())


def home_button(t: Translator) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t("common-home-button"), callback_data=MenuCallback(section="home").pack()
    )


# A message that is a record (a receipt) must never be edited away: its buttons carry this prefix
# (`kept`), which `bot.middlewares.KeptMessageMiddleware` strips before any filter sees the data,
# setting `pressed_message_kept` so that `show` answers with a new message instead of an edit.
KEPT_PREFIX = "k~"
pressed_message_kept: ContextVar[bool] = ContextVar("pressed_message_kept", default=False)


def kept(markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
    """The same keyboard for a message that stays as it is: each button opens its screen in a
    new message (callback data that would grow past 64 bytes is left as it is)."""
    rows = [
        [
            button.model_copy(update={"callback_data": KEPT_PREFIX + button.callback_data})
            if button.callback_data and len((KEPT_PREFIX + button.callback_data).encode()) <= 64
            else button
            for button in row
        ]
        for row in markup.inline_keyboard
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def show(
    target: Message | CallbackQuery,
    text: str,
    markup: InlineKeyboardMarkup | None,
    profile: PlatformProfile,
) -> Message:
    """Show a screen: on a button press, edit the pressed message where the platform edits
    keyboards reliably (Telegram), otherwise send a new message (Bale, a typed command, or a
    button of a message kept as a record)."""
    if isinstance(target, CallbackQuery):
        message = target.message
        if profile.can_edit_keyboards and isinstance(message, Message) and not pressed_message_kept.get():
            try:
                edited = await message.edit_text(text, reply_markup=markup)
            except TelegramBadRequest as error:
                if "message is not modified" in str(error):
                    return message
            else:
                if isinstance(edited, Message):
                    return edited
        bot = target.bot
        assert isinstance(bot, Bot)
        return await bot.send_message(target.from_user.id, text, reply_markup=markup)
    return await target.answer(text, reply_markup=markup)
