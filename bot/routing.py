"""Button presses skip the routers that cannot handle them.

aiogram offers a callback query to the routers in the order they were included and, in each, to
every handler in turn, trying its filters: a press for a feature mounted late passed through the
handlers of every feature before it (~60 filter checks and a dozen routers per update). Almost
every button handler is registered with a ``SomeCallback.filter(...)`` (aiogram's
``CallbackQueryFilter``), which matches only data whose first ``__separator__``-separated part
is the class's ``__prefix__``. So the prefixes a router's callback handlers — and its
sub-routers' — can possibly match are known once the routers are built, and
``narrow_button_routing`` gives each such router one filter of its own, on the observer
(``router.callback_query.filter``): aiogram checks an observer's own filters once before its
handlers and sub-routers, and a press whose data starts with none of the prefixes skips the
whole subtree at the cost of one ``str.startswith``.

Nothing is listed by hand: the prefixes come from the handlers' filters. The filter is added
only when it cannot change which handler answers:

- every callback handler in the subtree has a ``CallbackQueryFilter`` of an ordinary
  ``CallbackData`` class (its ``unpack`` not overridden) among its filters, or the router (or a
  sub-router) has one among its own filters. A handler with none (no filter at all, only a
  state, a magic filter, a filter of our own) leaves its router and every router above it
  without the filter — those are tried as before;
- no router below has outer middlewares on its callback queries (they run for every press that
  reaches their router, before its filters; skipping the subtree would skip them).

The filter only narrows: data passing it may still match no handler (``startswith(prefix)``
is wider than aiogram's exact prefix). A router's filter goes after the filters it already has
(the chat type of ``private``), and a sub-router gets none when its prefixes are its nearest
filtered ancestor's. The data seen is the unwrapped one: the dispatcher's outer middlewares
(``KeptMessageMiddleware``) run before the event is propagated into any router.

Idempotent: feature routers are module-level and mounted again by every app in a process; a
router that has the filter from an earlier build gets its prefixes recomputed, not a second one.
"""

from __future__ import annotations

from collections.abc import Iterable

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.filters import Filter
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.types import CallbackQuery

from bot.aiogram_compat import observer_filters

Prefixes = frozenset[str]


class CallbackPrefixes(Filter):
    """A router's own callback-query filter: the data starts with one of ``prefixes`` (``None``:
    every press passes — a router whose handlers no longer fix a prefix)."""

    def __init__(self, prefixes: Iterable[str] | None) -> None:
        self.set(prefixes)

    def set(self, prefixes: Iterable[str] | None) -> None:
        self.prefixes: tuple[str, ...] | None = None if prefixes is None else tuple(sorted(prefixes))

    async def __call__(self, query: CallbackQuery) -> bool:
        if self.prefixes is None:
            return True
        data = query.data
        return data is not None and data.startswith(self.prefixes)

    def __str__(self) -> str:
        return f"CallbackPrefixes({self.prefixes!r})"


def filter_prefixes(item: FilterObject) -> Prefixes | None:
    """The prefixes that callback data must start with for this filter to pass, when it fixes
    them (None: it does not, or not in a way known here)."""
    found = item.callback
    if type(found) is CallbackQueryFilter:
        data_class = found.callback_data
        if getattr(data_class.unpack, "__func__", None) is CallbackData.unpack.__func__:  # type: ignore[attr-defined]
            return frozenset({data_class.__prefix__})
    return None


def handler_prefixes(filters: Iterable[FilterObject]) -> Prefixes | None:
    """A handler passes only when all its filters do: the first filter that fixes prefixes
    fixes them for the handler."""
    for item in filters:
        prefixes = filter_prefixes(item)
        if prefixes is not None:
            return prefixes
    return None


def subtree_prefixes(router: Router) -> Prefixes | None:
    """The prefixes of every press the router or its sub-routers can handle (an empty set: no
    callback handler at all); None when some handler does not fix them, or when a sub-router has
    outer callback middlewares (they must keep seeing every press that reaches them)."""
    own = handler_prefixes(observer_filters(router.callback_query))
    if own is not None:
        return own
    found: set[str] = set()
    for handler in router.callback_query.handlers:
        prefixes = handler_prefixes(handler.filters or ())
        if prefixes is None:
            return None
        found |= prefixes
    for child in router.sub_routers:
        prefixes = subtree_prefixes(child)
        if prefixes is None or len(child.callback_query.outer_middleware):
            return None
        found |= prefixes
    return frozenset(found)


def narrow_button_routing(router: Router) -> list[tuple[str, Prefixes]]:
    """Give each router of the tree whose button presses fix their prefixes a filter on them
    (see the module's docstring). Returns (router name, prefixes) for each router filtered."""
    filtered: list[tuple[str, Prefixes]] = []
    _narrow(router, None, filtered)
    return filtered


def _narrow(router: Router, inherited: Prefixes | None, filtered: list[tuple[str, Prefixes]]) -> None:
    prefixes = subtree_prefixes(router)
    wanted = bool(prefixes) and prefixes != inherited
    existing = next(
        (
            item.callback
            for item in observer_filters(router.callback_query)
            if isinstance(item.callback, CallbackPrefixes)
        ),
        None,
    )
    if existing is not None:
        # From an earlier build: kept right (or letting everything through) rather than removed.
        existing.set(prefixes)
    elif wanted:
        router.callback_query.filter(CallbackPrefixes(prefixes))
    if wanted and prefixes is not None:
        filtered.append((router.name, prefixes))
        inherited = prefixes
    for child in router.sub_routers:
        _narrow(child, inherited, filtered)
