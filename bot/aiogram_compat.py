"""Every use of aiogram's private API, in one place.

aiogram is pinned in requirements.lock and allowed as ``>=3.31,<4`` in pyproject.toml; the
names below are not part of its public API and may change in any release. Nothing else in
Hamdel touches an underscored aiogram name: it calls these functions instead. ``PRIVATE_API``
lists what they rely on and ``problems()`` checks it against the installed aiogram;
tests/test_aiogram_compat.py runs that check and drives each function, so an upgrade that
changes one fails there, naming the attribute. (bot/aiogram_import.py, which must run before
aiogram is imported, relies on how aiogram builds its types at import; tests/test_aiogram_import.py
checks that.)
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import json
import ssl
import types
from collections.abc import AsyncGenerator, Callable
from typing import Any

import certifi
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.dispatcher.middlewares.manager import MiddlewareManager
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.types import Update
from aiogram.utils import keyboard
from aiogram.utils.keyboard import KeyboardBuilder
from aiogram.webhook.aiohttp_server import BaseRequestHandler
from aiohttp import TCPConnector
from aiohttp.payload import BytesPayload, Payload

# (owner, attribute, what Hamdel uses it for)
PRIVATE_API: tuple[tuple[type, str, str], ...] = (
    (Dispatcher, "_listen_updates", "HookedDispatcher: see each polled update before it is confirmed"),
    (Dispatcher, "_process_update", "HookedDispatcher: process a polled update through the inbox"),
    (Dispatcher, "_polling", "its loop calls _listen_updates, _process_update, _handle_update_tasks"),
    (Dispatcher, "_handle_update_tasks", "polling_update_tasks: wait for them on shutdown"),
    (TelegramEventObserver, "_handler", "observer_filters: an observer's own filters"),
    (FilterObject, "awaitable", "run_filter_on_loop: no worker thread for a pure filter"),
    (KeyboardBuilder, "_markup", "builder_rows: the rows without aiogram's deep copy"),
    (Router, "_parent_router", "detach_router: mount a module-level router in another app"),
    (BaseRequestHandler, "_build_response_writer", "webhook_response_body: the webhook's answer"),
    (AiohttpSession, "_connector_init", "init_aiohttp_session: its TLS context shared, not parsed anew"),
    (Router, "_propagate_event", "lighten_event_propagation: a router's handlers, then its sub-routers"),
    (TelegramEventObserver, "_resolve_middlewares", "lighten_event_propagation: the inner middlewares"),
)


def problems() -> list[str]:
    """What of ``PRIVATE_API`` the installed aiogram no longer has as Hamdel expects ([] = fine)."""
    import aiogram

    found: list[str] = []

    def gone(owner: type, name: str, why: str) -> None:
        found.append(
            f"aiogram {aiogram.__version__}: {owner.__name__}.{name} changed or is gone; "
            f"bot/aiogram_compat.py uses it for {why}"
        )

    dispatcher = Dispatcher()
    instance_attributes = {
        Dispatcher: dispatcher,
        TelegramEventObserver: dispatcher.message,
        FilterObject: FilterObject(lambda: True),
        KeyboardBuilder: keyboard.InlineKeyboardBuilder(),  # noqa: TID251 (aiogram's own, checked here)
        Router: Router(),
        AiohttpSession: AiohttpSession(),
    }
    for owner, name, why in PRIVATE_API:
        holder = instance_attributes.get(owner, owner)
        if not hasattr(holder, name):
            gone(owner, name, why)
    checks: list[tuple[bool, type, str, str]] = [
        (
            inspect.isasyncgenfunction(getattr(Dispatcher, "_listen_updates", None)),
            Dispatcher,
            "_listen_updates",
            "an async generator of updates",
        ),
        (
            list(_parameters(Dispatcher, "_process_update"))[:4] == ["self", "bot", "update", "call_answer"],
            Dispatcher,
            "_process_update",
            "(bot, update, call_answer, **kwargs)",
        ),
        (
            all(
                call in _source(Dispatcher, "_polling")
                for call in ("self._listen_updates(", "self._process_update(", "self._handle_update_tasks")
            ),
            Dispatcher,
            "_polling",
            "the polling loop calling _listen_updates, _process_update and _handle_update_tasks",
        ),
        (
            isinstance(getattr(dispatcher, "_handle_update_tasks", None), set),
            Dispatcher,
            "_handle_update_tasks",
            "a set of the polling loop's update tasks",
        ),
        (
            "self.awaitable" in _source(FilterObject, "call"),
            FilterObject,
            "awaitable",
            "FilterObject.call awaiting the callback when `awaitable`, else a worker thread",
        ),
        (
            {"bot", "result"} <= set(_parameters(BaseRequestHandler, "_build_response_writer")),
            BaseRequestHandler,
            "_build_response_writer",
            "(bot, result) -> payload",
        ),
        (
            _aiohttp_session_fields(AiohttpSession())
            == _aiohttp_session_fields(_session_as_hamdel_makes_it()),
            AiohttpSession,
            "__init__",
            "the fields init_aiohttp_session sets (_session, _connector_type, _connector_init, ...)",
        ),
        (
            "_dumps_json" in _parameters(BaseSession, "prepare_value"),
            BaseSession,
            "prepare_value",
            "prepare_value(value, bot, files, _dumps_json): nested values unencoded when False",
        ),
        (
            all(
                part in _source(AiohttpSession, "make_request")
                for part in ("form = self.build_form_data(", "data=form")
            ),
            AiohttpSession,
            "make_request",
            "make_request posting what build_form_data returns as aiohttp's `data`",
        ),
        (
            getattr(SendMessage, "__api_method__", None) == "sendMessage",
            TelegramMethod,
            "__api_method__",
            "the Bot API method name (bot/session.py, bot/observability.py)",
        ),
    ]
    checks += _propagation_checks()
    for ok, owner, name, why in checks:
        if not ok:
            gone(owner, name, why)
    return sorted(set(found))


def _parameters(owner: type, name: str) -> dict[str, inspect.Parameter]:
    function = getattr(owner, name, None)
    if function is None:
        return {}
    return dict(inspect.signature(function).parameters)


def _source(owner: type, name: str) -> str:
    function = getattr(owner, name, None)
    try:
        return inspect.getsource(function) if function is not None else ""
    except (OSError, TypeError):
        return ""


class HookedDispatcher(Dispatcher):
    """aiogram's dispatcher with two hooks into its polling loop (aiogram has none public):
    `on_polled_update` sees each update that getUpdates returned before the next getUpdates
    confirms it; `process_polled_update` processes one (by default as aiogram does)."""

    async def on_polled_update(self, update: Update) -> None:
        """Called for each polled update, before it is processed and before it is confirmed."""

    async def process_polled_update(
        self, bot: Bot, update: Update, call_answer: bool = True, **kwargs: Any
    ) -> bool:
        """One polled update; True when handled (aiogram's meaning)."""
        return await super()._process_update(bot, update, call_answer, **kwargs)

    async def _listen_updates(  # type: ignore[override]
        self, bot: Bot, **kwargs: Any
    ) -> AsyncGenerator[Update, None]:
        async for update in super()._listen_updates(bot, **kwargs):
            await self.on_polled_update(update)
            yield update

    async def _process_update(
        self, bot: Bot, update: Update, call_answer: bool = True, **kwargs: Any
    ) -> bool:
        return await self.process_polled_update(bot, update, call_answer, **kwargs)


def polling_update_tasks(dispatcher: Dispatcher) -> set[asyncio.Task[Any]]:
    """The tasks of the updates the polling loop is processing now."""
    return set(getattr(dispatcher, "_handle_update_tasks", ()))


def observer_filters(observer: TelegramEventObserver) -> list[Any]:
    """The filters set on the observer itself (``router.message.filter(...)``)."""
    return [*(observer._handler.filters or ())]


def run_filter_on_loop(item: FilterObject) -> bool:
    """Make aiogram call a plain-function filter on the event loop instead of in a worker
    thread (``asyncio.to_thread``). True when the filter was changed (False: already async)."""
    if item.awaitable:
        return False
    item.callback = _awaitable(item.callback)
    item.awaitable = True
    return True


def _awaitable(function: Any) -> Any:
    async def call(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    call.__wrapped__ = function  # type: ignore[attr-defined]  # what it checks (bot/routing.py)
    return call


def filter_as_registered(item: FilterObject) -> Any:
    """The filter as its handler registered it, also once `run_filter_on_loop` wrapped it."""
    found = item.callback
    if isinstance(found, types.FunctionType):
        return getattr(found, "__wrapped__", found)
    return found


def builder_rows(builder: KeyboardBuilder[Any]) -> list[list[Any]]:
    """The builder's rows, copied; the buttons shared (aiogram's `export` deep-copies them)."""
    return [list(row) for row in builder._markup]


def detach_router(router: Router) -> None:
    """Take a router out of its parent so that it can be included elsewhere (aiogram allows
    one parent per router and has no public way to leave it)."""
    parent = router.parent_router
    if parent is not None:
        parent.sub_routers.remove(router)
        router._parent_router = None


def webhook_response_body(
    handler: BaseRequestHandler, bot: Bot, result: TelegramMethod[Any] | None
) -> Payload:
    """The webhook's HTTP answer as aiogram writes it (a method call in the answer, or `{}`)."""
    return handler._build_response_writer(bot=bot, result=result)


def json_request_payload(session: BaseSession, bot: Bot, method: TelegramMethod[Any]) -> Payload | None:
    """The request as one UTF-8 JSON body (``application/json``), or None when it uploads a file
    (aiogram's multipart form then). ``build_form_data``'s values: ``prepare_value``'s (a Default
    from ``bot.default``, a datetime as its timestamp, an Enum's value, a file as ``attach://``),
    with the numbers, booleans and nested objects a form carries as JSON text carried as JSON;
    None and "" left out as the form leaves them out. One ``json.dumps`` of the whole request
    instead of one per nested field plus the form's URL-encoding of every field (a sendMessage
    with a six-button keyboard: ~25 us instead of ~80 us of CPU).
    aiogram's ``make_request`` posts what ``build_form_data`` returns as aiohttp's ``data``, which
    takes any payload: ``PlatformSession.build_form_data`` returns this one."""
    files: dict[str, Any] = {}
    params = {
        key: prepared
        for key, prepared in _json_object(
            session, method.model_dump(warnings=False, exclude_none=True), bot, files
        ).items()
        if prepared != ""
    }
    if files:
        return None
    body = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()
    return BytesPayload(body, content_type="application/json")


_JSON_SCALARS = frozenset({str, int, bool, float})


def _json_object(
    session: BaseSession, value: dict[str, Any], bot: Bot, files: dict[str, Any]
) -> dict[str, Any]:
    """``prepare_value(value, _dumps_json=False)`` for a dict: its JSON scalars, dicts and lists
    walked here (the bulk of a request, no call per string), everything else (Default, InputFile,
    datetime, Enum…) left to aiogram; what comes out None is left out."""
    prepared: dict[str, Any] = {}
    for key, item in value.items():
        if type(item) in _JSON_SCALARS:
            prepared[key] = item
        elif (done := _json_value(session, item, bot, files)) is not None:
            prepared[key] = done
    return prepared


def _json_value(session: BaseSession, value: Any, bot: Bot, files: dict[str, Any]) -> Any:
    """``prepare_value(value, _dumps_json=False)``, JSON scalars, dicts and lists walked here."""
    kind = type(value)
    if kind in _JSON_SCALARS:
        return value
    if kind is dict:
        return _json_object(session, value, bot, files)
    if kind is list:
        return [done for item in value if (done := _json_value(session, item, bot, files)) is not None]
    return session.prepare_value(value, bot=bot, files=files, _dumps_json=False)


@functools.cache
def shared_tls_context() -> ssl.SSLContext:
    """One TLS context for every Bot API session of the process: aiogram builds one per session,
    and parsing the CA bundle costs ~0.15 s of CPU each time (a start, each test's bot)."""
    return ssl.create_default_context(cafile=certifi.where())


def init_aiohttp_session(session: AiohttpSession, *, tls: ssl.SSLContext | bool, limit: int = 100) -> None:
    """What ``AiohttpSession.__init__`` sets after ``BaseSession.__init__`` (no proxy), with the TLS
    context given (``True`` for a plain-http Bot API: nothing to verify) instead of a new one."""
    session._session = None
    session._connector_type = TCPConnector
    session._connector_init = {"ssl": tls, "limit": limit, "ttl_dns_cache": 3600}
    session._should_reset_connector = True
    session._proxy = None


def _session_as_hamdel_makes_it() -> AiohttpSession:
    session = AiohttpSession.__new__(AiohttpSession)
    BaseSession.__init__(session)
    init_aiohttp_session(session, tls=shared_tls_context())
    return session


def _aiohttp_session_fields(session: AiohttpSession) -> tuple[object, ...]:
    """The instance's fields by name and type, and the connector's settings by name."""
    fields = {name: type(value) for name, value in vars(session).items() if name != "_connector_init"}
    return tuple(sorted(fields.items(), key=str)), tuple(sorted(session._connector_init))


# aiogram's own, kept before `lighten_event_propagation` replaces them (and checked by problems()).
_AIOGRAM_PROPAGATE_EVENT = Router.propagate_event
_AIOGRAM_PROPAGATE_WITHIN = Router._propagate_event
_AIOGRAM_WRAP_MIDDLEWARES = MiddlewareManager.wrap_middlewares
_AIOGRAM_TRIGGER = TelegramEventObserver.trigger
_AIOGRAM_EVENT_TYPE: property = Update.__dict__["event_type"]


#: What a router's or a handler's filters let through, judged from the event and the state alone:
#: False only where they would surely reject it (bot/routing.py computes them).
EntryCheck = Callable[[Any, str | None], bool]
_ENTERING: dict[TelegramEventObserver, EntryCheck] = {}
_TRYING: dict[int, tuple[HandlerObject, EntryCheck]] = {}  # by id: HandlerObject is unhashable


def check_before_entering(observer: TelegramEventObserver, check: EntryCheck | None) -> None:
    """Skip the observer's router (and its sub-routers) for an event `check` says none of their
    handlers can take, without entering it. Only for a router without outer middlewares for the
    event; the caller vouches that its own filters then reject the event too, reading the state
    it had on arrival. None removes it."""
    if check is None:
        _ENTERING.pop(observer, None)
    else:
        _ENTERING[observer] = check


def check_before_trying(handler: HandlerObject, check: EntryCheck | None) -> None:
    """Skip the handler for an event `check` says its filters reject, without running them (the
    caller vouches for that, with the state its filters would read). None removes it."""
    if check is None:
        _TRYING.pop(id(handler), None)
    else:
        _TRYING[id(handler)] = (handler, check)


def lighten_event_propagation() -> None:
    """aiogram's event propagation without its per-router overhead, the same in effect.

    An update passes every router from the dispatcher down to the one whose handler takes it
    (~15 in Hamdel's tree). At each, aiogram's `Router.propagate_event` made a closure and wrapped
    it in the observer's outer middlewares even when there were none, and every wrapping copied
    the handler's name, doc and dict onto a new function (`functools.wraps`), which nothing reads:
    ~4 % of a chat worker's CPU. Here a router without outer middlewares for the event goes
    straight to `_propagate_event`, and middlewares are chained as aiogram chains them, without
    the copied names. Its `trigger` skips a handler, and its `propagate_event` a router, that an
    entry check rules out (`check_before_trying`, `check_before_entering`; bot/routing.py sets
    them); a router passes an event on to its sub-routers without calling the ones ruled out, and
    without awaiting root filters it has none of (`_propagate_within`). Installed once by
    `bot.app.create_app`; tests/test_aiogram_compat.py runs a router tree both ways and compares
    what every middleware and handler saw.

    `Update.event_type` loses aiogram's `functools.lru_cache`, keyed by the update: it kept the
    last 128 updates alive with their messages (~1.2 MB of a worker's memory) and hashed the
    update at every look-up, which costs more than the look-up itself."""
    Update.event_type = property(_update_type)  # type: ignore[method-assign, assignment]
    Router.propagate_event = _propagate_event  # type: ignore[method-assign]
    Router._propagate_event = _propagate_within  # type: ignore[method-assign]
    TelegramEventObserver.trigger = _trigger  # type: ignore[method-assign]
    MiddlewareManager.wrap_middlewares = staticmethod(_wrap_middlewares)  # type: ignore[method-assign]


#: aiogram's own look-up of an update's type, without the cache around it.
_update_type = getattr(_AIOGRAM_EVENT_TYPE.fget, "__wrapped__", _AIOGRAM_EVENT_TYPE.fget)


async def _propagate_event(self: Router, update_type: str, event: Any, **kwargs: Any) -> Any:
    observer = self.observers.get(update_type)
    if _ruled_out(observer, event, kwargs):
        return UNHANDLED
    return await _enter(self, observer, update_type, event, kwargs)


def _ruled_out(observer: TelegramEventObserver | None, event: Any, kwargs: dict[str, Any]) -> bool:
    """Whether the observer's entry check says its router cannot take the event (never for a
    router with outer middlewares for it: they run before anything is decided)."""
    if observer is None or observer.outer_middleware:
        return False
    may_take = _ENTERING.get(observer)
    return may_take is not None and not may_take(event, kwargs.get("raw_state"))


async def _enter(
    router: Router,
    observer: TelegramEventObserver | None,
    update_type: str,
    event: Any,
    kwargs: dict[str, Any],
) -> Any:
    """Into `router`, its entry check passed: through aiogram's own `propagate_event` when it has
    outer middlewares for the event, else straight to its handlers and sub-routers."""
    if observer is not None and observer.outer_middleware:
        return await _AIOGRAM_PROPAGATE_EVENT(router, update_type, event, **kwargs)
    kwargs["event_router"] = router
    return await router._propagate_event(observer=observer, update_type=update_type, event=event, **kwargs)


async def _propagate_within(
    self: Router, observer: TelegramEventObserver | None, update_type: str, event: Any, **kwargs: Any
) -> Any:
    """aiogram's `Router._propagate_event`: the router's own handlers, then its sub-routers in
    turn until one handles the event. Root filters are awaited only where the router has some
    (without, aiogram's check returned the arguments unchanged), and a sub-router its entry check
    rules out is passed over without the call (a coroutine and a copy of every argument each:
    most of an update's ~15 routers are passed over)."""
    response = UNHANDLED
    if observer:
        if observer._handler.filters:
            result, data = await observer.check_root_filters(event, **kwargs)
            if not result:
                return UNHANDLED
            kwargs.update(data)
        response = await observer.trigger(event, **kwargs)
        if response is REJECTED:  # pragma: no cover  (a handler returned REJECTED)
            return UNHANDLED
        if response is not UNHANDLED:
            return response
    for router in self.sub_routers:
        entering = router.observers.get(update_type)
        if _ruled_out(entering, event, kwargs):
            continue
        response = await _enter(router, entering, update_type, event, kwargs)  # checked once, here
        if response is not UNHANDLED:
            break
    return response


async def _trigger(self: TelegramEventObserver, event: Any, **kwargs: Any) -> Any:
    """aiogram's `TelegramEventObserver.trigger`, skipping a handler its entry check rules out."""
    for handler in self.handlers:
        found = _TRYING.get(id(handler))
        if found is not None and found[0] is handler and not found[1](event, kwargs.get("raw_state")):
            continue
        kwargs["handler"] = handler
        result, data = await handler.check(event, **kwargs)
        if result:
            kwargs.update(data)
            try:
                wrapped_inner = self.outer_middleware.wrap_middlewares(
                    self._resolve_middlewares(),
                    handler.call,
                )
                return await wrapped_inner(event, kwargs)
            except SkipHandler:
                continue
    return UNHANDLED


def _wrap_middlewares(middlewares: Any, handler: Any) -> Any:
    def handler_wrapper(event: Any, kwargs: dict[str, Any]) -> Any:
        return handler(event, **kwargs)

    middleware: Any = handler_wrapper
    for outer in reversed(middlewares):
        middleware = functools.partial(outer, middleware)
    return middleware


def _propagation_checks() -> list[tuple[bool, type, str, str]]:
    """aiogram's propagation still does what `lighten_event_propagation` does without the
    overhead (else its replacement would drop whatever aiogram added)."""
    propagate = inspect.getsource(_AIOGRAM_PROPAGATE_EVENT)
    within = inspect.getsource(_AIOGRAM_PROPAGATE_WITHIN)
    wrap = inspect.getsource(_AIOGRAM_WRAP_MIDDLEWARES)
    trigger = inspect.getsource(_AIOGRAM_TRIGGER)
    return [
        (
            hasattr(_AIOGRAM_EVENT_TYPE.fget, "__wrapped__")
            and hasattr(_AIOGRAM_EVENT_TYPE.fget, "cache_info"),
            Update,
            "event_type",
            "a property whose getter is a functools.lru_cache around the look-up",
        ),
        (
            all(
                part in trigger
                for part in (
                    "for handler in self.handlers:",
                    'kwargs["handler"] = handler',
                    "result, data = await handler.check(event, **kwargs)",
                    "kwargs.update(data)",
                    "self._resolve_middlewares(),",
                    "handler.call,",
                    "return await wrapped_inner(event, kwargs)",
                    "except SkipHandler:",
                    "return UNHANDLED",
                )
            )
            and trigger.count("\n") < 26,
            TelegramEventObserver,
            "trigger",
            "each handler checked in turn, the first passing one called inside the inner middlewares",
        ),
        (
            all(
                part in propagate
                for part in (
                    "kwargs.update(event_router=self)",
                    "observer = self.observers.get(update_type)",
                    "return await self._propagate_event(",
                    "return await observer.wrap_outer_middleware(_wrapped, event=event, data=kwargs)",
                )
            )
            and propagate.count("\n") < 20,
            Router,
            "propagate_event",
            "event_router set, then the observer's outer middlewares around _propagate_event",
        ),
        (
            all(
                part in within
                for part in (
                    "response = UNHANDLED",
                    "result, data = await observer.check_root_filters(event, **kwargs)",
                    "kwargs.update(data)",
                    "response = await observer.trigger(event, **kwargs)",
                    "if response is REJECTED:",
                    "for router in self.sub_routers:",
                    "response = await router.propagate_event(update_type=update_type, event=event, **kwargs)",
                    "if response is not UNHANDLED:",
                )
            )
            and within.count("\n") < 32
            and "if not self.filters:\n            return True, kwargs"
            in inspect.getsource(HandlerObject.check),
            Router,
            "_propagate_event",
            "root filters checked, the observer triggered, then each sub-router in turn",
        ),
        (
            all(
                part in wrap
                for part in (
                    "return handler(event, **kwargs)",
                    "for m in reversed(middlewares):",
                    "middleware = functools.partial(m, middleware)",
                )
            )
            and wrap.count("\n") < 16,
            MiddlewareManager,
            "wrap_middlewares",
            "each middleware a functools.partial around the next, the handler called with **kwargs",
        ),
    ]
