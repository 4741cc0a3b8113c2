"""The FAQ index every worker answers from, kept in step with the database.

The catalog's version (``faq_catalog``) moves with every change made through
:mod:`services.faq_admin`. :class:`LiveFaq` compares it with the version its index was built
from and, when it moved, loads the entries, checks them as the start-up does and builds the new
index in a thread (``asyncio.to_thread``: building takes about a second, the event loop keeps
serving). It learns of a change from Redis pub/sub when configured (the worker that made the
change announces it), and in any case from a short poll of the version.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services import faq_admin, live_changes
from services.faq import Entry, FaqError, FaqIndex, Text, entry_to_raw

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("hamdel.faq")

#: How often the version is read without Redis, and as a safety net with it.

_built: OrderedDict[str, FaqIndex] = OrderedDict()
_built_lock = threading.Lock()


def build(topics: Mapping[str, Text], entries: Sequence[Entry]) -> FaqIndex:
    """The index of these entries, remembered by content: workers and tests that start from the
    same FAQ build it once per process."""
    content = json.dumps(
        [{k: [v.fa, v.en] for k, v in topics.items()}, [entry_to_raw(e) for e in entries]],
        ensure_ascii=False,
        sort_keys=True,
    )
    key = hashlib.sha256(content.encode()).hexdigest()
    with _built_lock:
        if key in _built:
            _built.move_to_end(key)
            return _built[key]
    index = FaqIndex(entries, topics)
    with _built_lock:
        _built[key] = index
        while len(_built) > 4:
            _built.popitem(last=False)
    return index


class LiveFaq:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        rules: faq_admin.Rules,
        *,
        on_swap: Callable[[FaqIndex], None],
        redis: Redis | None = None,
        channel: str = "hamdel:faq",
    ) -> None:
        self.sessionmaker = sessionmaker
        self.rules = rules
        self.on_swap = on_swap
        self.redis = redis
        self.channel = channel
        self.index: FaqIndex | None = None
        self.version: int | None = None
        self._lock = asyncio.Lock()

    async def refresh(self) -> bool:
        """Rebuild the index if the catalog's version moved; True when it was swapped. Raises
        FaqError when the database's FAQ fails the checks (the old index stays)."""
        async with self._lock:
            async with self.sessionmaker() as session:
                version = await faq_admin.catalog_version(session)
                if version is None or version == self.version:
                    return False
                topics, entries = await faq_admin.load(session)
            self.version = version  # a broken version is reported once, not on every poll
            if not entries:
                raise FaqError("the FAQ has no entries")
            faq_admin.check_catalog(topics, entries, self.rules)
            index = await asyncio.to_thread(build, topics, entries)
            self.index = index
            self.on_swap(index)
            logger.info("FAQ version %s in use (%s entries)", version, len(entries))
            return True

    async def announce(self) -> None:
        """After a change: tell the other workers (Redis) and rebuild here."""
        await live_changes.announce(self.redis, self.channel, "FAQ", logger)
        await self._refresh_logged()

    async def _refresh_logged(self) -> None:
        try:
            await self.refresh()
        except FaqError as error:
            logger.error("the FAQ in the database is invalid, the previous one stays: %s", error)
        except Exception:
            logger.exception("FAQ refresh failed")

    async def run(self, stopping: asyncio.Event) -> None:
        """Until ``stopping``: wait for an announcement (or the poll's interval), refresh."""
        await live_changes.follow(self.redis, self.channel, stopping, self._refresh_logged, "FAQ", logger)
