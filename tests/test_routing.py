"""bot/routing.py: a router gets a filter on the callback-data prefixes its button handlers (and
its sub-routers') can match, only when every one of them fixes its prefix, and one on the states
and commands its message handlers take, only when every one of them waits in known states or
takes known commands; presses and messages still reach the same handlers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.dispatcher.event.handler import FilterObject, HandlerObject
from aiogram.filters import Command, CommandStart, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State, StatesGroup, any_state, default_state
from aiogram.types import BotCommand, CallbackQuery, Chat, Message, PhotoSize, TelegramObject, Update, User

import handlers
from bot.aiogram_compat import lighten_event_propagation, observer_filters
from bot.app import run_sync_filters_inline
from bot.middlewares import KeptMessageMiddleware
from bot.routing import (
    CallbackPrefixes,
    MessageNeeds,
    Needs,
    filter_needs,
    forget_entry_checks,
    narrow_button_routing,
    narrow_message_routing,
    narrow_routing,
    set_entry_checks,
    subtree_needs,
    subtree_prefixes,
)
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


class Other(StatesGroup):
    first = State()
    second = State()

    class Nested(StatesGroup):
        deep = State()


class CommandOfOurs(Command):
    """A subclass may read commands its own way: it fixes nothing."""


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


def press(data: str | None, update_id: int = 1, *, chat_id: int = 7) -> Update:
    user = User(id=7, is_bot=False, first_name="U")
    chat = Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup")
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


# -- messages -----------------------------------------------------------------------------------


def needs_filters(router: Router) -> list[MessageNeeds]:
    return [
        item.callback for item in observer_filters(router.message) if isinstance(item.callback, MessageNeeds)
    ]


def said(seen: list[str], name: str) -> Any:
    async def handler(message: Message) -> str:
        seen.append(name)
        return name

    return handler


async def returns_data(message: Message) -> dict[str, Any]:
    """What a filter of ours could do: the state filters after it read this state."""
    return {"raw_state": Form.step.state}


def message(
    text: str | None = None, update_id: int = 1, *, caption: str | None = None, chat_id: int = 7
) -> Update:
    chat = Chat(id=chat_id, type="private" if chat_id > 0 else "supergroup")
    user = User(id=7, is_bot=False, first_name="U")
    photo = [PhotoSize(file_id="p", file_unique_id="p", width=1, height=1)] if caption is not None else None
    sent = Message(
        message_id=update_id, date=0, chat=chat, from_user=user, text=text, caption=caption, photo=photo
    )  # type: ignore[arg-type]
    return Update(update_id=update_id, message=sent)


def test_a_router_of_flow_and_command_handlers_gets_their_states_and_commands() -> None:
    router = Router(name="feature")
    router.message.register(
        said([], "donate"), Command("donate", BotCommand(command="give", description="d"))
    )
    router.message.register(said([], "start"), CommandStart(deep_link=True, magic=F.args))
    router.message.register(said([], "help"), Command("Help", ignore_case=True, prefix="/!"))
    router.message.register(said([], "step"), Form.step, F.text)
    router.message.register(said([], "other"), StateFilter(Other, Other.Nested()), F.photo)
    router.message.register(said([], "idle"), StateFilter(default_state, None), F.document)
    router.message.register(said([], "named"), StateFilter("Named:x"))
    router.message.register(said([], "command-first"), Command("reply"), StateFilter(Form.step), returns_data)
    router.callback_query.register(said([], "any-press"))  # presses are not concerned

    needs = Needs(
        states=frozenset({"Form:step", "Other:first", "Other:second", "Other.Nested:deep", None, "Named:x"}),
        commands=frozenset({"donate", "give", "start", "reply"}),
        folded=frozenset({"help"}),
        prefixes=frozenset({"/", "!"}),
    )
    assert subtree_needs(router) == needs
    assert narrow_message_routing(router) == [("feature", needs)]
    assert [f.takes for f in needs_filters(router)] == [needs]
    assert observer_filters(router.callback_query) == []


@pytest.mark.parametrize(
    "filters",
    [
        (),  # no filter: takes every message
        (F.text == "hello",),
        (any_state,),
        (StateFilter("*"),),
        (StateFilter(Form.step, any_state),),
        (Command(re.compile(r"item_\d+")),),
        (Command("items", re.compile(r"item_\d+")),),
        (CommandOfOurs("ours"),),
        (~Command("not"),),
        (returns_data, StateFilter(Form.step)),  # the state it reads may be the filter's
        (F.text, Form.step),  # a magic filter's result may be data too
        (Command(re.compile("m.*"), magic=F.args.as_("raw_state")), Form.step),
    ],
)
def test_a_message_handler_fixing_nothing_leaves_its_router_and_those_above_unfiltered(filters: Any) -> None:
    parent = Router(name="parent")
    parent.message.register(said([], "donate"), Command("donate"))
    loose = Router(name="loose")
    loose.message.register(said([], "loose"), *filters)
    fixed = Router(name="fixed")
    fixed.message.register(said([], "step"), Form.step)
    parent.include_routers(loose, fixed)

    assert subtree_needs(loose) is None
    assert narrow_message_routing(parent) == [("fixed", Needs(states=frozenset({"Form:step"})))]
    assert needs_filters(parent) == needs_filters(loose) == []


def test_commands_fix_a_handler_whatever_filters_come_before_them() -> None:
    router = Router(name="feature")
    router.message.register(said([], "after-data"), returns_data, F.text, Command("late"))
    router.message.register(said([], "magic"), Command("magic", magic=F.args.as_("raw_state")), Form.step)
    assert subtree_needs(router) == Needs(commands=frozenset({"late", "magic"}), prefixes=frozenset({"/"}))


def sub_router(kind: str) -> Router:
    child = Router(name=kind)
    child.message.register(said([], "step"), Form.step)
    if kind == "middleware":
        child.message.outer_middleware(KeptMessageMiddleware())
    elif kind == "data-filter":  # its own filter's result (data) comes before its handlers'
        child.message.filter(F.text.as_("raw_state"))
    elif kind == "state-filter":  # its own filters return no data
        child.message.filter(StateFilter(Form.step, Other.first), Command("x", "y"))
    return child


@pytest.mark.parametrize("kind", ["middleware", "data-filter"])
def test_a_sub_router_changing_what_its_handlers_read_keeps_seeing_every_message(kind: str) -> None:
    outer = Router(name="outer")
    outer.message.register(said([], "donate"), Command("donate"))
    outer.include_router(sub_router(kind))

    assert subtree_needs(outer) is None
    assert narrow_message_routing(outer) == [(kind, Needs(states=frozenset({"Form:step"})))]
    assert needs_filters(outer) == []


def test_a_sub_router_s_own_state_filter_fixes_what_it_takes() -> None:
    outer = Router(name="outer")
    outer.message.register(said([], "donate"), Command("donate"))
    outer.include_router(sub_router("state-filter"))

    own = Needs(states=frozenset({"Form:step", "Other:first"}))
    both = Needs(states=own.states, commands=frozenset({"donate"}), prefixes=frozenset({"/"}))
    assert subtree_needs(outer) == both
    assert narrow_message_routing(outer) == [("outer", both), ("state-filter", own)]


def test_narrowing_messages_again_updates_the_filter_instead_of_adding_one() -> None:
    router = Router(name="feature")
    router.message.register(said([], "donate"), Command("donate"))
    narrow_message_routing(router)
    router.message.register(said([], "step"), Form.step)
    narrow_message_routing(router)
    assert [f.takes for f in needs_filters(router)] == [
        Needs(states=frozenset({"Form:step"}), commands=frozenset({"donate"}), prefixes=frozenset({"/"}))
    ]

    router.message.register(said([], "any"))
    narrow_message_routing(router)
    assert [f.takes for f in needs_filters(router)] == [None]  # lets everything through


TEXTS = [
    "/start",
    "/start payload",
    "/START",
    "/Help",
    "/help@HamdelBot",
    "/help@OtherBot",
    "!help",
    "  /donate  now",
    "/donate\nmore",
    "/donatex",
    "/ donate",
    "/",
    "donate",
    "hello /donate",
    "",
    "   ",
    "/item_12",
]


async def test_the_needs_of_a_command_take_every_message_the_command_takes() -> None:
    commands = [
        Command("start", "donate"),
        CommandStart(deep_link=True),
        Command("help", ignore_case=True, prefix="/!"),
        Command("Help", ignore_case=True),
        Command(BotCommand(command="donate", description="d"), ignore_mention=True),
    ]
    bot = Bot(TOKEN)

    async def me() -> User:
        return User(id=1, is_bot=True, first_name="Hamdel", username="HamdelBot")

    bot.me = me  # type: ignore[method-assign]
    taken_by_commands = 0
    try:
        for command in commands:
            needs = filter_needs(FilterObject(command))
            assert needs is not None
            for text in TEXTS:
                for update in (message(text), message(caption=text)):
                    sent = update.message
                    assert sent is not None
                    taken = bool(await command(sent, bot))
                    met = needs.met_by(sent, "Some:state")
                    assert met or not taken, (command, text)
                    taken_by_commands += taken
                    plain = not text.strip() or text.split()[0][0] not in "/!"
                    assert not (met and plain), (command, text)  # only commands pass
    finally:
        await bot.session.close()
    assert taken_by_commands >= 20


class ClearForCommands(BaseMiddleware):
    """As bot.flows.FlowExit does: a command leaves the flow before the routers filter."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Message) and (event.text or "").startswith("/"):
            data["raw_state"] = None
        return await handler(event, data)


def flow_routers(seen: list[str]) -> list[Router]:
    scope = Router(name="scope")
    scope.message.outer_middleware(ClearForCommands())
    flow = Router(name="flow")
    flow.message.register(said(seen, "step-text"), Form.step, F.text)
    flow.message.register(said(seen, "step-other"), StateFilter(Form.step))
    commands = Router(name="commands")
    commands.message.register(said(seen, "start"), CommandStart())
    commands.message.register(said(seen, "donate"), Command("donate", "give"))
    commands.message.register(said(seen, "other"), StateFilter(Other))
    idle = Router(name="idle")
    idle.message.register(said(seen, "idle-photo"), StateFilter(None), F.photo)
    fallback = Router(name="fallback")
    fallback.message.register(said(seen, "anything"))
    scope.include_routers(flow, commands, idle)
    return [scope, fallback]


async def test_messages_reach_the_same_handlers_with_the_state_the_handlers_read() -> None:
    answered: dict[bool, list[str]] = {}
    for narrowed in (False, True):
        seen: list[str] = []
        dispatcher = Dispatcher()
        dispatcher.include_routers(*flow_routers(seen))
        if narrowed:
            assert [name for name, _ in narrow_message_routing(dispatcher)] == [
                "scope",
                "flow",
                "commands",
                "idle",
            ]
        bot = Bot(TOKEN)
        try:
            number = 0
            for state in (None, Form.step, Other.first, Other.Nested.deep, "Elsewhere:x"):
                for text, caption in [
                    ("hello", None),
                    ("/start x", None),
                    ("/give", None),
                    ("/donate@", None),
                    (None, "/donate"),
                    (None, "a photo"),
                ]:
                    number += 1
                    await dispatcher.fsm.get_context(bot, chat_id=7, user_id=7).set_state(state)
                    await dispatcher.feed_update(bot, message(text, number, caption=caption))
        finally:
            await bot.session.close()
        answered[narrowed] = seen
    assert answered[True] == answered[False]
    # The state the handlers read: /start in a flow is the command's, not the flow's.
    assert answered[True][6:12] == ["step-text", "start", "donate", "donate", "step-other", "step-other"]


def test_the_bot_s_routers_are_narrowed_where_every_message_handler_waits_in_a_flow_or_takes_a_command() -> (
    None
):
    root = handlers.build_router(-100)
    routers = {router.name: router for router in root.chain_tail}
    # /cancel's words, a reply to a ticket, free text, the fallbacks: the scopes above stay unfiltered.
    for name in ("root", "private", "cancel", "complaints", "faq-free-text", "fallback", "staff"):
        assert needs_filters(routers[name]) == [], name
    assert [f.takes for f in needs_filters(routers["menu"])] == [
        Needs(commands=frozenset({"start", "help", "menu"}), prefixes=frozenset({"/"}))
    ]
    [donations] = needs_filters(routers["donations"])
    taken = donations.takes
    assert taken is not None and "DonateFlow:amount" in taken.states
    # Built again (tests, the sandbox) after an app wrapped the States among the filters for the
    # event loop: still one filter per router, taking the same.
    run_sync_filters_inline(root)
    root = handlers.build_router(-100)
    assert needs_filters(routers["donations"]) == [donations]
    assert donations.takes == taken


def passing_handlers(
    root: Router, monkeypatch: pytest.MonkeyPatch, kind: str = "message"
) -> Callable[..., Awaitable[tuple[list[str], int]]]:
    """Every handler of the tree whose filters pass, in the order aiogram tries them (with
    Hamdel's propagation: entry checks skip what they rule out); none is called (each answers
    "not mine", so the update goes on through the routers). Also how many handlers were tried."""
    lighten_event_propagation()
    handlers_of = {
        id(h): f"{r.name}.{getattr(h.callback, '__name__', '?')}"
        for r in root.chain_tail
        for h in r.observers[kind].handlers
    }
    passed: list[str] = []
    checks: list[int] = []
    original = HandlerObject.check

    async def check(self: HandlerObject, *args: Any, **kwargs: Any) -> tuple[bool, dict[str, Any]]:
        result, data = await original(self, *args, **kwargs)
        if id(self) not in handlers_of:
            return result, data  # an observer's own filters
        checks.append(1)
        if result:
            passed.append(handlers_of[id(self)])
        return False, data

    monkeypatch.setattr(HandlerObject, "check", check)

    async def run(update: Update, bot: Bot, raw_state: str | None) -> tuple[list[str], int]:
        passed.clear()
        checks.clear()
        event = update.message if kind == "message" else update.callback_query
        assert event is not None
        await root.propagate_event(
            kind,
            event,
            bot=bot,
            raw_state=raw_state,
            session=None,
            user=None,
            profile=None,
            settings=None,
            t=None,
        )
        return list(passed), len(checks)

    return run


async def both_ways(
    run: Callable[..., Awaitable[tuple[list[str], int]]],
    root: Router,
    narrowed: dict[Any, Any],
    update: Update,
    bot: Bot,
    state: str | None,
) -> dict[bool, tuple[list[str], int]]:
    """`run`'s answer with the routers' filters and the entry checks (True) and without (False)."""
    found: dict[bool, tuple[list[str], int]] = {}
    for active in (True, False):
        for item, takes in narrowed.items():
            item.set(takes if active else None)
        (set_entry_checks if active else forget_entry_checks)(root)
        found[active] = await run(update, bot, state)
    return found


async def test_the_bot_s_messages_reach_the_same_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every state a narrowed router waits in with plain texts, every command it takes in and out
    of a flow: in the private chat and the staff chat, the handlers whose filters
    pass are the same with the routers' filters as without."""
    root = handlers.build_router(-100)
    narrowed = {item: item.takes for router in root.chain_tail for item in needs_filters(router)}
    assert len(narrowed) > 10
    states: set[str | None] = {None, "Elsewhere:x"}
    commands = ["/unknown", "/start payload", "/DONATE", "  /faq x"]
    for needs in narrowed.values():
        assert needs is not None
        states |= needs.states
        commands += [f"/{name}" for name in sorted(needs.commands)]
    plain: list[tuple[str | None, str | None]] = [
        ("hello", None),
        ("1234", None),
        (None, "/donate"),
        (None, "a photo"),
    ]
    cases = [(state, sent) for state in sorted(states, key=str) for sent in plain] + [
        (state, (command, None))
        for command in commands
        for state in (None, "Elsewhere:x", "DonateFlow:amount")
    ]
    run = passing_handlers(root, monkeypatch)
    bot = Bot(TOKEN)
    checked = {True: 0, False: 0}
    taken: set[str] = set()
    try:
        for chat_id in (7, -100):
            for state, (text, caption) in cases:
                update = message(text, caption=caption, chat_id=chat_id)
                found = await both_ways(run, root, narrowed, update, bot, state)
                answers = {active: passed for active, (passed, _) in found.items()}
                for active, (_, count) in found.items():
                    checked[active] += count
                assert answers[True] == answers[False], (chat_id, state, text, caption)
                taken.update(answers[True])
    finally:
        narrow_routing(root)
        await bot.session.close()
    assert {
        "menu.start",
        "donations.amount_typed",
        "volunteers-search.search_command",
        "fallback.unexpected_text",
    } <= taken
    assert checked[True] < checked[False] / 2


async def test_the_bot_s_presses_reach_the_same_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every callback prefix of the bot's buttons, data of no button, no data, in the private chat
    and the staff chat, in and out of a flow: the handlers whose filters pass are the same with
    the routers' filters and the entry checks as without, and far fewer are tried."""
    root = handlers.build_router(-100)
    narrowed = {item: item.takes for router in root.chain_tail for item in prefix_filters(router)}
    assert len(narrowed) > 10
    prefixes = sorted({prefix for taken in narrowed.values() if taken for prefix in taken})
    datas: list[str | None] = [f"{prefix}:1" for prefix in prefixes] + [f"{prefix}" for prefix in prefixes]
    datas += [KEPT_PREFIX + "x", "zz:1", "", None]
    run = passing_handlers(root, monkeypatch, "callback_query")
    bot = Bot(TOKEN)
    tried = {True: 0, False: 0}
    taken: set[str] = set()
    try:
        for chat_id in (7, -100):
            for state in (None, "DonateFlow:amount"):
                for data in datas:
                    update = press(data, chat_id=chat_id)
                    found = await both_ways(run, root, narrowed, update, bot, state)
                    answers = {active: passed for active, (passed, _) in found.items()}
                    for active, (_, count) in found.items():
                        tried[active] += count
                    assert answers[True] == answers[False], (chat_id, state, data)
                    taken.update(answers[True])
    finally:
        narrow_routing(root)
        await bot.session.close()
    assert len(taken) > 20
    assert tried[True] < tried[False] / 2
