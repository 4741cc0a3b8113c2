"""Button presses and messages skip the routers that cannot handle them.

aiogram offers an update to the routers in the order they were included and, in each, to every
handler in turn, trying its filters: an update for a feature mounted late passed through the
handlers of every feature before it (~60 filter checks and a dozen routers per button press, ~70
per message). What a router's handlers — and its sub-routers' — can possibly take is known once
the routers are built, from the filters aiogram itself checks, and ``narrow_routing`` gives each
router where it is known one filter of its own, on the observer (``router.callback_query.filter``,
``router.message.filter``): aiogram checks an observer's own filters once before its handlers and
sub-routers, and an update none of them can take skips the whole subtree.

- **Button presses** (``narrow_button_routing``): almost every button handler is registered with
  a ``SomeCallback.filter(...)`` (aiogram's ``CallbackQueryFilter``), which matches only data
  whose first ``__separator__``-separated part is the class's ``__prefix__``: the router's filter
  (``CallbackPrefixes``) lets through data starting with one of its handlers' prefixes (one
  ``str.startswith``). Taken from a ``CallbackData`` class whose ``unpack`` is not overridden.
- **Messages** (``narrow_message_routing``): almost every message handler waits in a flow (a
  ``State`` or ``StateFilter`` among its filters: ``raw_state`` in the update's data is one of a
  known few — ``None``, "in no flow", too; not ``"*"``) or takes a command (``Command``,
  ``CommandStart``: the first word of the text or caption is a prefix character and one of the
  names, before any ``@mention``; names as regular expressions fix nothing). The router's filter
  (``MessageNeeds``) lets through a message whose state is one of its handlers' or whose first
  word is one of their commands: a set lookup, and a split of the text where commands are taken.
  The mention, the deep link and a ``magic`` only narrow what a command takes: not looked at.
  The state read is the one in the data the router's filter is called with — after the outer
  middlewares above (``FlowExit`` clears the state of a person leaving a flow), as the handlers'
  state filters read it unless a filter in between rewrote it (aiogram merges a filter's dict
  result into the data): so a state filter counts only when the filters before it in its handler
  return no data (state filters, commands without ``magic``), and a sub-router only when its own
  filters are such ones.

Nothing is listed by hand: the prefixes, states and commands come from the handlers' filters. A
filter is added only when it cannot change which handler answers:

- every handler of the kind in the subtree has a filter fixing what it takes (the first one
  does: a handler passes only when all its filters do), or the router (or a sub-router) has one
  among its own filters. A handler with none (no filter at all, a magic filter, a filter of our
  own, a state filter after a filter of ours) leaves its router and every router above it
  without the filter — those are tried as before;
- no router below has outer middlewares on that kind of update (they run for every update that
  reaches their router, before its filters — and may change the event or its data; skipping the
  subtree would skip them).

The filter only narrows: an update passing it may still match no handler (``startswith(prefix)``
is wider than aiogram's exact prefix; a command's mention is not checked). A router's filter goes
after the filters it already has (the chat type of ``private``, whose ``FlowExit`` runs before
them), and a sub-router gets none when what it takes is its nearest filtered ancestor's. The data
seen is the unwrapped one: the dispatcher's outer middlewares (``KeptMessageMiddleware``) run
before the event is propagated into any router. (A handler raising ``SkipHandler`` after its
filters rewrote ``raw_state`` would hand the rewritten state to the next: Hamdel raises none.)

The same decisions are also made before aiogram enters a router or tries a handler
(``set_entry_checks``, with ``bot.aiogram_compat.lighten_event_propagation``): without entering
a router whose filter would refuse the update, or trying a handler whose prefix or needs rule it
out.

Idempotent: feature routers are module-level and mounted again by every app in a process; a
router that has the filter from an earlier build gets it recomputed, not a second one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from inspect import isclass
from re import Pattern
from typing import Any, Generic, TypeVar

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.filters import Command, CommandStart, Filter, StateFilter
from aiogram.filters.callback_data import CallbackData, CallbackQueryFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from bot.aiogram_compat import (
    EntryCheck,
    check_before_entering,
    check_before_trying,
    filter_as_registered,
    observer_filters,
)

Prefixes = frozenset[str]
Takes = TypeVar("Takes")


@dataclass(frozen=True)
class Needs:
    """What a message must have for a handler to take it: its ``raw_state`` among ``states``,
    or a first word made of a character of ``prefixes`` and a name among ``commands`` (as typed)
    or ``folded`` (compared casefolded: ``ignore_case``). Handlers' needs add up."""

    states: frozenset[str | None] = frozenset()
    commands: frozenset[str] = frozenset()
    folded: frozenset[str] = frozenset()
    prefixes: frozenset[str] = frozenset()

    def __or__(self, other: Needs) -> Needs:
        return Needs(
            self.states | other.states,
            self.commands | other.commands,
            self.folded | other.folded,
            self.prefixes | other.prefixes,
        )

    def __bool__(self) -> bool:
        return bool(self.states or self.commands or self.folded)

    def met_by(self, message: Message, raw_state: str | None) -> bool:
        if raw_state in self.states:
            return True
        if not self.prefixes:
            return False
        # As aiogram's Command reads a command: the first word of the text or the caption.
        text = message.text or message.caption
        words = text.split(maxsplit=1) if text else None
        if not words or words[0][0] not in self.prefixes:
            return False
        name = words[0][1:].partition("@")[0]
        return name in self.commands or (bool(self.folded) and name.casefold() in self.folded)


class Narrowing(Filter, Generic[Takes]):
    """A router's own filter set by this module; ``set(None)`` makes it let everything through
    (a router whose handlers no longer fix what they take)."""

    def __init__(self, takes: Takes | None) -> None:
        self.set(takes)

    def set(self, takes: Takes | None) -> None:
        self.takes = takes


class CallbackPrefixes(Narrowing[Prefixes]):
    """A router's own callback-query filter: the data starts with one of the prefixes."""

    def set(self, takes: Prefixes | None) -> None:
        super().set(takes)
        self.prefixes: tuple[str, ...] | None = None if takes is None else tuple(sorted(takes))

    async def __call__(self, query: CallbackQuery) -> bool:
        if self.prefixes is None:
            return True
        data = query.data
        return data is not None and data.startswith(self.prefixes)

    def __str__(self) -> str:
        return f"CallbackPrefixes({self.prefixes!r})"


class MessageNeeds(Narrowing[Needs]):
    """A router's own message filter: the person's state or the message's command is one its
    handlers take. Reads ``raw_state`` as aiogram's ``StateFilter`` does (None when absent)."""

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        return self.takes is None or self.takes.met_by(message, raw_state)

    def __str__(self) -> str:
        return f"MessageNeeds({self.takes!r})"


# -- button presses -----------------------------------------------------------------------------


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
    return _subtree_takes(router, _callback_queries, handler_prefixes, Prefixes(), _any_filters)


def narrow_button_routing(router: Router) -> list[tuple[str, Prefixes]]:
    """Give each router of the tree whose button presses fix their prefixes a filter on them
    (see the module's docstring). Returns (router name, prefixes) for each router filtered."""
    filtered: list[tuple[str, Prefixes]] = []
    _narrow(router, _callback_queries, subtree_prefixes, CallbackPrefixes, None, filtered)
    return filtered


# -- messages -----------------------------------------------------------------------------------


def state_names(state: Any) -> frozenset[str | None] | None:
    """The raw states one of ``StateFilter``'s states (or a ``State`` used as a filter) lets
    through, as aiogram compares them; None for "any state" or a kind not known here."""
    if state is None or isinstance(state, str):
        return None if state == "*" else frozenset({state})
    if type(state) is State:
        return None if state.state == "*" else frozenset({state.state})
    group = state if isclass(state) else type(state)
    if isclass(group) and issubclass(group, StatesGroup) and group.__call__ is StatesGroup.__call__:
        return frozenset(group.__all_states_names__)
    return None


def filter_needs(item: FilterObject) -> Needs | None:
    """What a message needs for this filter to pass, when it fixes that (None: it does not, or
    not in a way known here)."""
    return _needs_of(filter_as_registered(item))


def returns_no_data(item: FilterObject) -> bool:
    """Filters known not to change the data the filters after them read (``raw_state``)."""
    return _no_data(filter_as_registered(item))


def _needs_of(found: object) -> Needs | None:
    if type(found) is State:
        states = state_names(found)
        return None if states is None else Needs(states=states)
    if type(found) is StateFilter:
        union: set[str | None] = set()
        for state in found.states:
            states = state_names(state)
            if states is None:
                return None
            union |= states
        return Needs(states=frozenset(union))
    command = aiograms_command(found)
    if command is None or any(isinstance(name, Pattern) for name in command.commands):
        return None  # a regular expression fixes no name
    names = frozenset(str(name) for name in command.commands)  # casefolded by aiogram: ignore_case
    if command.ignore_case:
        return Needs(folded=names, prefixes=frozenset(command.prefix))
    return Needs(commands=names, prefixes=frozenset(command.prefix))


def _no_data(found: object) -> bool:
    command = aiograms_command(found)
    if command is not None:
        return command.magic is None  # {"command": ...}, and the magic's result when it is a dict
    return type(found) in (State, StateFilter, MessageNeeds)


def aiograms_command(found: object) -> Command | None:
    """The filter when it is aiogram's ``Command`` or ``CommandStart`` itself (a subclass may
    read commands its own way)."""
    return found if isinstance(found, Command) and type(found) in (Command, CommandStart) else None


def handler_needs(filters: Iterable[FilterObject]) -> Needs | None:
    """A handler passes only when all its filters do: the first filter that fixes what the
    message needs fixes it — a state filter only when no filter before it may have changed the
    state it reads."""
    unchanged = True
    for item in filters:
        needs = filter_needs(item)
        if needs is not None and (unchanged or not needs.states):
            return needs
        unchanged = unchanged and returns_no_data(item)
    return None


def subtree_needs(router: Router) -> Needs | None:
    """What every message the router or its sub-routers can handle needs (an empty ``Needs``:
    no message handler at all); None when some handler does not fix it, or when a sub-router has
    outer message middlewares or own filters that may change the data (the state) its handlers
    read."""
    return _subtree_takes(router, _messages, handler_needs, Needs(), _filters_return_no_data)


def narrow_message_routing(router: Router) -> list[tuple[str, Needs]]:
    """Give each router of the tree whose messages fix what they need a filter on it (see the
    module's docstring). Returns (router name, needs) for each router filtered."""
    filtered: list[tuple[str, Needs]] = []
    _narrow(router, _messages, subtree_needs, MessageNeeds, None, filtered)
    return filtered


def narrow_routing(router: Router) -> None:
    """Both narrowings and the entry checks, once the routers are built
    (``handlers.build_router``)."""
    narrow_button_routing(router)
    narrow_message_routing(router)
    set_entry_checks(router)


# -- entry checks -------------------------------------------------------------------------------


def prefixes_check(prefixes: Prefixes) -> EntryCheck:
    """Whether a press's data starts with one of the prefixes (none: never)."""
    ordered = tuple(sorted(prefixes))

    def may_take(query: CallbackQuery, _raw_state: str | None) -> bool:
        data = query.data
        return data is not None and data.startswith(ordered)

    return may_take


def needs_check(needs: Needs) -> EntryCheck:
    """Whether a message has what the needs ask (empty needs: never)."""
    return needs.met_by


def set_entry_checks(root: Router) -> None:
    """What the narrowing filters decide, decided before aiogram enters a router or tries a
    handler (``bot.aiogram_compat.lighten_event_propagation``): entering a router only to have
    its filter refuse the update cost four copies of the update's data and half a dozen calls,
    ~16 routers and ~30 handlers an update. A router gets a check when its subtree fixes what it
    takes (a subtree with no handler of the kind: never entered) and, for messages, its own
    filters leave the state as it arrived; a handler when its filters fix what it takes, as the
    narrowing reads them. Anything else is entered and tried as aiogram does."""
    for router in root.chain_tail:
        presses, messages = _callback_queries(router), _messages(router)
        prefixes = subtree_prefixes(router)
        check_before_entering(presses, None if prefixes is None else prefixes_check(prefixes))
        needs = subtree_needs(router)
        enters = needs is not None and _filters_return_no_data(messages)
        check_before_entering(messages, needs_check(needs) if enters and needs is not None else None)
        for handler in presses.handlers:
            taken = handler_prefixes(handler.filters or ())
            check_before_trying(handler, None if taken is None else prefixes_check(taken))
        for handler in messages.handlers:
            wanted = handler_needs(handler.filters or ())
            check_before_trying(handler, None if wanted is None else needs_check(wanted))


def forget_entry_checks(root: Router) -> None:
    """No entry checks in the tree: every router entered and every handler tried (tests)."""
    for router in root.chain_tail:
        for observer in (_callback_queries(router), _messages(router)):
            check_before_entering(observer, None)
            for handler in observer.handlers:
                check_before_trying(handler, None)


# -- shared -------------------------------------------------------------------------------------


def _callback_queries(router: Router) -> TelegramEventObserver:
    return router.callback_query


def _messages(router: Router) -> TelegramEventObserver:
    return router.message


def _subtree_takes(
    router: Router,
    observer_of: Callable[[Router], TelegramEventObserver],
    handler_takes: Callable[[Iterable[FilterObject]], Takes | None],
    nothing: Takes,
    sub_router_filters_allowed: Callable[[TelegramEventObserver], bool],
) -> Takes | None:
    """What every update of the kind the router or its sub-routers can handle takes, the union
    over their handlers (``nothing``: no handler at all); None when some handler does not fix
    it, or when a sub-router has outer middlewares for the kind or own filters not allowed."""
    observer = observer_of(router)
    own = handler_takes(observer_filters(observer))
    if own is not None:
        return own
    found = nothing
    for handler in observer.handlers:
        takes = handler_takes(handler.filters or ())
        if takes is None:
            return None
        found = found | takes  # type: ignore[operator]  # frozenset or Needs: both have |
    for child in router.sub_routers:
        child_observer = observer_of(child)
        takes = _subtree_takes(child, observer_of, handler_takes, nothing, sub_router_filters_allowed)
        if takes is None or len(child_observer.outer_middleware):
            return None
        if not sub_router_filters_allowed(child_observer):
            return None
        found = found | takes  # type: ignore[operator]
    return found


def _any_filters(_observer: TelegramEventObserver) -> bool:
    return True


def _filters_return_no_data(observer: TelegramEventObserver) -> bool:
    """A sub-router's own filters leave the state its handlers read as it was."""
    return all(returns_no_data(item) for item in observer_filters(observer))


def _narrow(
    router: Router,
    observer_of: Callable[[Router], TelegramEventObserver],
    takes_of: Callable[[Router], Takes | None],
    kind: type[Narrowing[Takes]],
    inherited: Takes | None,
    filtered: list[tuple[str, Takes]],
) -> None:
    observer = observer_of(router)
    takes = takes_of(router)
    wanted = bool(takes) and takes != inherited
    existing = next(
        (item.callback for item in observer_filters(observer) if isinstance(item.callback, kind)), None
    )
    if existing is not None:
        # From an earlier build: kept right (or letting everything through) rather than removed.
        existing.set(takes)
    elif wanted:
        observer.filter(kind(takes))
    if wanted and takes is not None:
        filtered.append((router.name, takes))
        inherited = takes
    for child in router.sub_routers:
        _narrow(child, observer_of, takes_of, kind, inherited, filtered)
