"""How the delivery engine's messages look with aiogram: the recipients' broadcasts
(`AiogramSender`) and the author's progress message with its controls (`AiogramProgressSink`).
Used by the bot (handlers/broadcasts.py hands them to jobs.broadcasts at boot) and by the
delivery worker (`python -m bot deliver`, bot/delivery_worker.py), which imports only this
module, the engine and the models — no handlers, no FAQ, no charts."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.broadcast_views import render_broadcast
from bot.i18n import I18n, Translator
from bot.platform import PlatformProfile
from bot.ui import CallbackInt
from models.broadcasts import BroadcastStatus
from services import broadcasts
from services.broadcasts import Progress
from services.delivery import Envelope, Outcome, ProgressMessages, SendResult
from services.persian import format_datetime, to_fa_digits

logger = logging.getLogger("hamdel.broadcasts")


class BcControl(CallbackData, prefix="bcx"):
    """A broadcast's controls: show, pause, resume, cancel (asks), cancelok (cancels)."""

    id: CallbackInt
    action: str


def duration(t: Translator, seconds: float) -> str:
    minutes = max(0, round(seconds / 60))
    if seconds < 60:
        return t("broadcast-duration-seconds")
    if minutes < 60:
        return t("broadcast-duration-minutes", minutes=minutes)
    return t("broadcast-duration-hours", hours=minutes // 60, minutes=minutes % 60)


def number(value: int, t: Translator) -> str:
    return str(value) if t.locale != "fa" else to_fa_digits(value)


def progress_text(progress: Progress, t: Translator) -> str:
    status = t(f"broadcast-status-{progress.status}")
    ident = number(progress.broadcast_id, t)
    if progress.status == BroadcastStatus.SCHEDULED.value and progress.scheduled_at:
        return t("broadcast-scheduled", id=ident, when=format_datetime(progress.scheduled_at, t.locale))
    if progress.status == BroadcastStatus.DONE.value:
        return t(
            "broadcast-finished",
            id=ident,
            sent=progress.sent,
            blocked=progress.blocked,
            failed=progress.failed,
            skipped=progress.skipped,
            unsubscribed=progress.unsubscribed,
        )
    if progress.status == BroadcastStatus.CANCELLED.value:
        not_sent = progress.total - progress.sent - progress.failed - progress.blocked - progress.skipped
        return t("broadcast-cancelled-report", id=ident, sent=progress.sent, cancelled=max(0, not_sent))
    if progress.eta_seconds is not None:
        eta = t("broadcast-eta", duration=duration(t, progress.eta_seconds))
    elif progress.status == BroadcastStatus.PAUSED.value:
        eta = t("broadcast-eta-paused")
    else:
        eta = t("broadcast-eta-unknown")
    return t(
        "broadcast-progress",
        id=ident,
        status=status,
        sent=progress.sent,
        blocked=progress.blocked,
        failed=progress.failed,
        skipped=progress.skipped,
        remaining=progress.remaining,
        total=progress.total,
        eta=eta,
    )


def progress_keyboard(progress: Progress, t: Translator) -> InlineKeyboardMarkup | None:
    status = progress.status
    buttons: list[InlineKeyboardButton] = []
    ident = progress.broadcast_id
    if status == BroadcastStatus.SENDING.value:
        buttons.append(
            InlineKeyboardButton(
                text=t("broadcast-pause-button"), callback_data=BcControl(id=ident, action="pause").pack()
            )
        )
    elif status == BroadcastStatus.PAUSED.value:
        buttons.append(
            InlineKeyboardButton(
                text=t("broadcast-resume-button"), callback_data=BcControl(id=ident, action="resume").pack()
            )
        )
    if status in (s.value for s in broadcasts.LIVE):
        buttons.append(
            InlineKeyboardButton(
                text=t("broadcast-cancel-button"), callback_data=BcControl(id=ident, action="cancel").pack()
            )
        )
    if not buttons:
        return None
    refresh = InlineKeyboardButton(
        text=t("broadcast-refresh-button"), callback_data=BcControl(id=ident, action="show").pack()
    )
    return InlineKeyboardMarkup(inline_keyboard=[buttons, [refresh]])


def _too_many_requests(error: TelegramAPIError) -> bool:
    text = error.message.lower()
    return "too many requests" in text or "429" in text


def _photo_problem(error: TelegramBadRequest) -> bool:
    text = error.message.lower()
    return any(word in text for word in ("photo", "file", "image", "wrong type"))


class AiogramSender:
    """`services.delivery.Sender` with aiogram: renders the envelope for its recipient's
    language and maps the Bot API's answers to outcomes."""

    def __init__(self, bot: Bot, i18n: I18n, profile: PlatformProfile, *, paid: bool) -> None:
        self.bot = bot
        self.i18n = i18n
        self.profile = profile
        self.paid = True if paid and profile.paid_broadcast else None

    async def send(self, envelope: Envelope) -> SendResult:
        t = self.i18n.translator(envelope.language)
        text, photo, markup = render_broadcast(envelope.content, envelope.language, t)
        try:
            if photo and len(text) <= self.profile.max_caption_length:
                try:
                    message = await self.bot.send_photo(
                        envelope.chat_id,
                        photo,
                        caption=text,
                        reply_markup=markup,
                        allow_paid_broadcast=self.paid,
                    )
                except TelegramBadRequest as error:
                    if not _photo_problem(error):
                        raise
                    logger.warning(
                        "broadcast %s: photo refused (%s), sent as text", envelope.content.broadcast_id, error
                    )
                    message = await self.bot.send_message(
                        envelope.chat_id, text, reply_markup=markup, allow_paid_broadcast=self.paid
                    )
            else:
                message = await self.bot.send_message(
                    envelope.chat_id, text, reply_markup=markup, allow_paid_broadcast=self.paid
                )
        except TelegramRetryAfter as error:
            return SendResult(Outcome.RETRY_AFTER, retry_after=float(error.retry_after), error=error.message)
        except TelegramForbiddenError as error:
            return SendResult(Outcome.BLOCKED, error=error.message)
        except TelegramUnauthorizedError as error:
            # The token was revoked: hold everything (nothing is lost) until someone fixes it.
            logger.error("the Bot API refuses our token; broadcasts wait: %s", error)
            return SendResult(Outcome.RETRY_AFTER, retry_after=60.0, error=error.message)
        except TelegramEntityTooLarge as error:
            return SendResult(Outcome.FAILED, error=error.message)
        except (TelegramServerError, TelegramNetworkError) as error:
            return SendResult(Outcome.TRANSIENT, error=error.message)
        except TelegramAPIError as error:
            if _too_many_requests(error):
                return SendResult(Outcome.RETRY_AFTER, error=error.message)
            return SendResult(Outcome.FAILED, error=error.message)
        except TimeoutError:
            return SendResult(Outcome.TRANSIENT, error="timeout")
        return SendResult(Outcome.SENT, message_id=message.message_id)


class AiogramProgressSink:
    """The author's progress message. Telegram: one message, edited (text and buttons). Bale,
    where editing a message with buttons is unreliable: a text-only progress message that is
    edited, and the buttons in a separate message sent once (deleted at the end).

    The completion report is shown exactly once: the progress message becomes the report, or,
    where it cannot be edited (gone, too old), one new message carries it."""

    def __init__(self, bot: Bot, i18n: I18n, profile: PlatformProfile) -> None:
        self.bot = bot
        self.i18n = i18n
        self.profile = profile
        # What each progress message shows now: an unchanged snapshot is not edited again.
        self._shown: dict[int, tuple[str, str, int | None]] = {}

    async def report(self, progress: Progress, *, final: bool) -> ProgressMessages:
        assert progress.author_id is not None
        t = self.i18n.translator(progress.author_language)
        text = progress_text(progress, t)
        chat = progress.author_id
        shown = (text, progress.status, progress.progress_message_id)
        if not final and self._shown.get(progress.broadcast_id) == shown:
            return ProgressMessages(progress.progress_message_id, progress.control_message_id)
        self._shown[progress.broadcast_id] = shown
        if final:
            self._shown.pop(progress.broadcast_id, None)
        if self.profile.can_edit_keyboards:
            markup = None if final else progress_keyboard(progress, t)
            message_id = await self._edit_or_send(chat, progress.progress_message_id, text, markup)
            return ProgressMessages(message_id, progress.control_message_id)
        message_id = await self._edit_or_send(chat, progress.progress_message_id, text, None)
        control = progress.control_message_id
        if final:
            if control is not None:
                await self._delete(chat, control)
            return ProgressMessages(message_id, None)
        if control is None:
            markup = progress_keyboard(progress, t)
            if markup is not None:
                control = await self._send(
                    chat, t("broadcast-controls", id=number(progress.broadcast_id, t)), markup
                )
        return ProgressMessages(message_id, control)

    async def _send(self, chat: int, text: str, markup: InlineKeyboardMarkup | None) -> int | None:
        try:
            return (await self.bot.send_message(chat, text, reply_markup=markup)).message_id
        except TelegramAPIError as error:
            logger.warning("progress message to %s failed: %s", chat, error)
            return None

    async def _edit_or_send(
        self, chat: int, message_id: int | None, text: str, markup: InlineKeyboardMarkup | None
    ) -> int | None:
        if message_id is not None:
            try:
                await self.bot.edit_message_text(
                    text=text, chat_id=chat, message_id=message_id, reply_markup=markup
                )
                return message_id
            except TelegramBadRequest as error:
                if "not modified" in error.message:
                    return message_id
                logger.info("progress message %s not editable (%s); sending a new one", message_id, error)
            except TelegramAPIError as error:
                logger.warning("progress edit failed: %s", error)
                return message_id
        return await self._send(chat, text, markup)

    async def _delete(self, chat: int, message_id: int) -> None:
        try:
            await self.bot.delete_message(chat, message_id)
        except TelegramAPIError:
            pass
