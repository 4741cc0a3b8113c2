"""bot/routing.py: a router gets a filter on the callback-data prefixes its button handlers (and
its sub-routers') can match, only when every one of them fixes its prefix; presses still reach
the same handlers."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Chat, Message, Update, User

import handlers
from bot.aiogram_compat import observer_filters
from bot.middlewares import KeptMessageMiddleware
from bot.routing import CallbackPrefixes, narrow_button_routing, subtree_prefixes
from bot.ui import KEPT_PREFIX

TOKEN = "123456:TEST"


class Pick(CallbackData, prefix="pk"):
    n: int


class Page(CallbackData, prefix="pg"):
    n: int


class Bare(CallbackData, prefix="bare"):
    pass


class Odd(CallbackData, prefix="odd"):
    @classmethod
    def unpack(cls, value: str) -> Odd:  # matches data of any prefix
        return cls()


class Form(StatesGroup):
    step = State()


def prefix_filters(router: Router) -> list[CallbackPrefixes]:
    return [
        item.callback
        for item in observer_filters(router.callback_query)
        if isinstance(item.callback, CallbackPrefixes)
    ]


def handled_by(seen: list[str], name: str) -> Any:
    async def handler(query: CallbackQuery) -> str:
        seen.append(name)
        return name

    return handler


def press(data: str | None, update_id: int = 1) -> Update:
    user = User(id=7, is_bot=False, first_name="U")
    chat = Chat(id=7, type="private")
    message = Message(message_id=1, date=0, chat=chat, text="x")  # type: ignore[arg-type]
    query = CallbackQuery(id=str(update_id), from_user=user, chat_instance="c", message=message, data=data)
    return Update(update_id=update_id, callback_query=query)


def test_a_router_of_callback_data_handlers_gets_their_prefixes() -> None:
    router = Router(name="feature")
    router.callback_query.register(handled_by([], "pick"), Pick.filter(F.n > 1))
    router.callback_query.register(handled_by([], "page"), StateFilter(Form.step), Page.filter())
    router.message.register(handled_by([], "text"))  # messages are not concerned

    assert subtree_prefixes(router) == {"pk", "pg"}
    assert narrow_button_routing(router) == [("feature", frozenset({"pk", "pg"}))]
    assert [f.prefixes for f in prefix_filters(router)] == [("pg", "pk")]
    assert observer_filters(router.message) == []


def test_a_handler_without_a_prefix_leaves_its_router_and_those_above_unfiltered() -> None:
    parent = Router(name="parent")
    parent.callback_query.register(handled_by([], "pick"), Pick.filter())
    stateful = Router(name="stateful")
    stateful.callback_query.register(handled_by([], "any-in-state"), StateFilter(Form.step))
    magic = Router(name="magic")
    magic.callback_query.register(handled_by([], "help"), F.data == "help")
    odd = Router(name="odd")
    odd.callback_query.register(handled_by([], "odd"), Odd.filter())
    bare = Router(name="bare")
    bare.callback_query.register(handled_by([], "bare"), Bare.filter())
    parent.include_routers(stateful, magic, odd, bare)

    assert subtree_prefixes(stateful) is None
    assert subtree_prefixes(magic) is None
    assert subtree_prefixes(odd) is None
    assert narrow_button_routing(parent) == [("bare", frozenset({"bare"}))]
    assert prefix_filters(parent) == prefix_filters(stateful) == prefix_filters(odd) == []


def test_nested_routers_add_up_and_a_sub_router_with_the_same_prefixes_gets_none() -> None:
    outer = Router(name="outer")
    outer.callback_query.register(handled_by([], "pick"), Pick.filter())
    inner = Router(name="inner")
    inner.callback_query.register(handled_by([], "page"), Page.filter())
    same = Router(name="same")
    same.callback_query.register(handled_by([], "page-again"), Page.filter(F.n == 2))
    inner.include_router(same)
    empty = Router(name="empty")
    empty.message.register(handled_by([], "text"))
    outer.include_routers(inner, empty)

    assert narrow_button_routing(outer) == [("outer", frozenset({"pk", "pg"})), ("inner", frozenset({"pg"}))]
    assert prefix_filters(same) == prefix_filters(empty) == []


def test_a_sub_router_with_outer_callback_middleware_keeps_seeing_every_press() -> None:
    outer = Router(name="outer")
    outer.callback_query.register(handled_by([], "pick"), Pick.filter())
    inner = Router(name="inner")
    inner.callback_query.register(handled_by([], "page"), Page.filter())
    inner.callback_query.outer_middleware(KeptMessageMiddleware())
    outer.include_router(inner)

    assert narrow_button_routing(outer) == [("inner", frozenset({"pg"}))]
    assert prefix_filters(outer) == []


def test_narrowing_again_updates_the_filter_instead_of_adding_one() -> None:
    router = Router(name="feature")
    router.callback_query.register(handled_by([], "pick"), Pick.filter())
    narrow_button_routing(router)
    router.callback_query.register(handled_by([], "page"), Page.filter())
    narrow_button_routing(router)
    assert [f.prefixes for f in prefix_filters(router)] == [("pg", "pk")]

    router.callback_query.register(handled_by([], "any"))
    narrow_button_routing(router)
    assert [f.prefixes for f in prefix_filters(router)] == [None]  # lets everything through


async def test_presses_reach_the_same_handlers_and_kept_buttons_are_unwrapped_first() -> None:
    seen: list[str] = []
    first = Router(name="first")
    first.callback_query.register(handled_by(seen, "pick"), Pick.filter())
    inner = Router(name="inner")
    inner.callback_query.register(handled_by(seen, "bare"), Bare.filter())
    first.include_router(inner)
    second = Router(name="second")
    second.callback_query.register(handled_by(seen, "page"), Page.filter())
    last = Router(name="last")
    last.callback_query.register(handled_by(seen, "anything"))
    dispatcher = Dispatcher()
    dispatcher.callback_query.outer_middleware(KeptMessageMiddleware())
    dispatcher.include_routers(first, second, last)
    assert [name for name, _ in narrow_button_routing(dispatcher)] == ["first", "inner", "second"]

    bot = Bot(TOKEN)
    try:
        for number, data in enumerate(
            ["pk:1", "pg:2", "bare", KEPT_PREFIX + "pg:3", KEPT_PREFIX + "bare", "pkx:1", "zz", None], 1
        ):
            await dispatcher.feed_update(bot, press(data, number))
    finally:
        await bot.session.close()
    assert seen == ["pick", "page", "bare", "page", "bare", "anything", "anything", "anything"]


def test_the_bot_s_routers_are_narrowed_where_every_button_fixes_its_prefix() -> None:
    root = handlers.build_router(-100)
    routers = {router.name: router for router in root.chain_tail}
    # The fallbacks answer any press: the scopes above them stay unfiltered.
    for name in ("root", "private", "fallback", "last-resort"):
        assert prefix_filters(routers[name]) == [], name
    assert [f.prefixes for f in prefix_filters(routers["cancel"])] == [("cancel",)]
    assert len(prefix_filters(routers["donations"])) == 1
    # Built again (tests, the sandbox): still one filter per router.
    root = handlers.build_router(-100)
    assert len(prefix_filters(routers["donations"])) == 1
