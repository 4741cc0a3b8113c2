"""Status-change notices: an import queues a notice for each follower of a changed application
(services.applications); this job sends them, paced by the app's sending budget
(`app.send_limiter`: a 429 pauses every bulk sender), every STATUS_NOTIFY_INTERVAL_SECONDS and
at once when an import wakes it. How a notice looks is the status feature's (`screen`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError, TelegramRetryAfter
from aiogram.types import InlineKeyboardMarkup

from bot.i18n import Translator
from bot.outbound import send_paced
from jobs import Job, scheduler_for
from services import applications
from services.applications import MAX_ATTEMPTS, PendingNotice
from services.users import get_user, set_blocked

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.status")

NoticeScreen = Callable[[Translator, PendingNotice], tuple[str, InlineKeyboardMarkup]]
Outcome = Literal["sent", "blocked", "failed", "retry"]


class StatusNotices:
    def __init__(self, app: HamdelApp, screen: NoticeScreen) -> None:
        self.app = app
        self.screen = screen

    async def deliver(self) -> int:
        """Send every pending status-change notice of this platform; returns how many were sent."""
        app = self.app
        platform = app.profile.platform.value
        sent = 0
        while True:
            async with app.background_sessions() as session:
                notices = await applications.claim_notifications(
                    session, platform=platform, now=app.clock.now()
                )
                await session.commit()
            if not notices:
                return sent
            for notice in notices:
                outcome = await self._send(notice)
                sent += outcome == "sent"
                async with app.background_sessions() as session:
                    if outcome == "blocked":
                        await set_blocked(session, platform=platform, user_id=notice.user_id, blocked=True)
                    await applications.finish_notification(
                        session, notice.id, outcome=outcome, now=app.clock.now()
                    )
                    await session.commit()

    async def _send(self, notice: PendingNotice) -> Outcome:
        app = self.app
        async with app.background_sessions() as session:
            person = await get_user(session, platform=app.profile.platform.value, user_id=notice.user_id)
        t = app.i18n.translator(person.language if person else app.settings.locale.default_locale)
        text, markup = self.screen(t, notice)
        try:
            await send_paced(
                app.send_limiter,
                notice.chat_id,
                lambda: app.bot.send_message(notice.chat_id, text, reply_markup=markup),
            )
        except TelegramForbiddenError:
            return "blocked"
        except TelegramRetryAfter:
            return "retry"  # the sending budget is paused: the next send waits it out
        except TelegramAPIError as error:
            logger.warning("status notice %s not sent: %s", notice.id, error)
            return "failed" if notice.attempts >= MAX_ATTEMPTS else "retry"
        return "sent"


def start(app: HamdelApp, *, screen: NoticeScreen, wake: asyncio.Event) -> StatusNotices:
    notices = StatusNotices(app, screen)
    app.dispatcher.workflow_data["status_notices"] = notices
    interval = app.settings.status.status_notify_interval_seconds
    scheduler_for(app).add(
        Job("status-notices", notices.deliver, interval=interval, jitter=interval / 10, wake=wake)
    )
    return notices


async def deliver_notices(app: HamdelApp) -> int:
    """What the job does each interval, now (the command line's import leaves the notices to the
    running bot; tests call this)."""
    notices = app.dispatcher.workflow_data["status_notices"]
    assert isinstance(notices, StatusNotices)
    return await notices.deliver()
