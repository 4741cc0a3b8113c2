"""The rulebook every worker's chat uses, kept in step with the database.

As :mod:`services.faq_live` does for the FAQ: each worker reads, every couple of seconds (and at
once when another worker announces a change over Redis pub/sub), which version is in force
(:func:`services.eligibility_admin.in_force_number`: the newest published one whose effective
moment has passed, so a version scheduled for later takes over on its own when its moment
comes), and swaps in that version when it moved. A version is checked as at start-up and built
off the event loop. Questionnaires begun on an earlier version still finish on it: any version
is loaded on demand by its number (:meth:`LiveRulebook.edition`) and a few are remembered.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import eligibility_admin, live_changes
from services.eligibility import RulebookError
from services.eligibility_admin import Edition

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("hamdel.eligibility")

#: How often the version in force is read without Redis, and as a safety net with it.
#: Versions remembered besides the one in force (for questionnaires begun on them).
KEEP = 8


class LiveRulebook:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        now: Callable[[], datetime],
        *,
        redis: Redis | None = None,
        channel: str = "hamdel:eligibility",
    ) -> None:
        self.sessionmaker = sessionmaker
        self.now = now
        self.redis = redis
        self.channel = channel
        self.current: Edition | None = None
        self._editions: OrderedDict[int, Edition] = OrderedDict()
        self._broken: set[int] = set()
        self._lock = asyncio.Lock()

    def _remember(self, edition: Edition) -> None:
        self._editions[edition.number] = edition
        self._editions.move_to_end(edition.number)
        while len(self._editions) > KEEP:
            oldest = next(iter(self._editions))
            if self.current is not None and oldest == self.current.number:
                self._editions.move_to_end(oldest)
                continue
            self._editions.popitem(last=False)

    async def edition(self, number: int, session: AsyncSession | None = None) -> Edition | None:
        """Version ``number`` ready for the chat; None when there is none (or it fails the check)."""
        found = self._editions.get(number)
        if found is not None:
            return found
        if number in self._broken:
            return None
        if session is None:
            async with self.sessionmaker() as own:
                row = await eligibility_admin.get(own, number)
        else:
            row = await eligibility_admin.get(session, number)
        if row is None:
            return None
        try:
            edition = await asyncio.to_thread(
                eligibility_admin.build_edition, row.number, row.document, row.effective_at
            )
        except RulebookError as error:
            logger.error("rulebook version %s fails the check: %s", number, error)
            self._broken.add(number)
            return None
        self._remember(edition)
        return edition

    async def refresh(self) -> bool:
        """Swap in the version in force if it moved; True when swapped. Raises RulebookError when
        that version fails the check (the previous one stays)."""
        async with self._lock:
            async with self.sessionmaker() as session:
                number = await eligibility_admin.in_force_number(session, self.now())
                if number is None or (self.current is not None and number == self.current.number):
                    return False
                if number in self._broken:
                    return False
                row = await eligibility_admin.get(session, number)
            assert row is not None
            edition = self._editions.get(number)
            if edition is None:
                try:
                    edition = await asyncio.to_thread(
                        eligibility_admin.build_edition, row.number, row.document, row.effective_at
                    )
                except RulebookError:
                    self._broken.add(number)  # reported once, not on every poll
                    raise
            self.current = edition
            self._remember(edition)
            logger.info("dowry-kit rulebook version %s in use", number)
            return True

    async def announce(self) -> None:
        """After a change: tell the other workers (Redis) and refresh here."""
        await live_changes.announce(self.redis, self.channel, "rulebook", logger)
        await self._refresh_logged()

    async def _refresh_logged(self) -> None:
        try:
            await self.refresh()
        except RulebookError as error:
            logger.error("the rulebook in force fails the check, the previous one stays: %s", error)
        except Exception:
            logger.exception("rulebook refresh failed")

    async def run(self, stopping: asyncio.Event) -> None:
        """Until ``stopping``: wait for an announcement (or the poll's interval), refresh."""
        await live_changes.follow(
            self.redis, self.channel, stopping, self._refresh_logged, "rulebook", logger
        )
