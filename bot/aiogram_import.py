"""Import aiogram with its Bot API types built when first used, not all at import.

aiogram declares its ~400 types with pydantic's `defer_build`, then undoes it: the end of
`aiogram/types/__init__.py` calls `model_rebuild(_types_namespace=...)` on every one of them,
building all their validators (about 100 MB and most of aiogram's import time). A process that
meets a handful of types — the delivery worker sends messages and reads back `Message` — can
skip that: `import_aiogram_with_types_on_demand()` imports aiogram while that call only records
the namespace, then hands it to every aiogram model as its parent namespace, which pydantic
reads when it builds a model on first use (the types, the methods whose fields hold types, and
`Response[...]`, which inherits it).

The types so built also skip two costs of every object: aiogram's `remove_unset` validator
(`_types_without_unset_removal`) and pydantic's private-attribute wrappers
(`bind_bot_in_one_step`).

It must run before anything imports aiogram (afterwards it changes nothing), and it changes
nothing if aiogram stops making that call (tests/test_aiogram_import.py says so then). Used by
the delivery worker (bot/delivery_worker.py: `import_aiogram_for_sending`) and by the chat's
processes (`python -m bot run|worker|sandbox`, and the test suite: `import_aiogram_for_the_chat`).
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel


def import_aiogram_with_types_on_demand() -> None:
    if "aiogram" in sys.modules:
        return
    original = BaseModel.__dict__["model_rebuild"]
    types_namespace: dict[str, Any] = {}

    def record_namespace(cls: type[BaseModel], *args: Any, **kwargs: Any) -> bool | None:
        namespace = kwargs.get("_types_namespace")
        if namespace is not None and cls.__module__.startswith("aiogram.types."):
            types_namespace.update(namespace)
            return None
        kwargs["_parent_namespace_depth"] = kwargs.get("_parent_namespace_depth", 2) + 1  # the caller's
        return original.__func__(cls, *args, **kwargs)

    BaseModel.model_rebuild = classmethod(record_namespace)  # type: ignore[method-assign, assignment]
    try:
        import aiogram  # noqa: F401
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]
    if types_namespace:
        _give_namespace_to_models(types_namespace)
        _types_without_unset_removal()
    bind_bot_in_one_step()


def _give_namespace_to_models(namespace: dict[str, Any]) -> None:
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith("aiogram."):
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == module_name:
                value.__pydantic_parent_namespace__ = namespace


def _types_without_unset_removal() -> None:
    """Bot API types built without aiogram's `remove_unset` validator, which ran before every
    object of every update and answer (~3 % of a chat worker's CPU) to drop the `UNSET` sentinel
    from its fields. aiogram no longer passes `UNSET` to any model (its methods take `Default`
    values; tests/test_aiogram_import.py checks that), nor does Hamdel; what the platform sends
    cannot hold it. Only types not built yet are changed: these are built afterwards from their
    own list of validators."""
    from aiogram.types.base import TelegramObject

    for model in _subclasses(TelegramObject):
        if not model.__pydantic_complete__:
            model.__pydantic_decorators__.model_validators.pop("remove_unset", None)


def _subclasses(root: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    pending = [root]
    while pending:
        model = pending.pop()
        found.append(model)
        pending.extend(model.__subclasses__())
    return found


def _bind_bot(self: BaseModel, context: Any, /) -> None:
    bot = context.get("bot") if context else None
    private = self.__pydantic_private__
    if private is None:
        object.__setattr__(self, "__pydantic_private__", {"_bot": bot})
    else:  # a subclass's own private attributes, set by pydantic's wrapper of this
        private["_bot"] = bot


def bind_bot_in_one_step() -> None:
    """Every aiogram object, as pydantic builds it, keeps the bot it came from (its one private
    attribute, `_bot`): set here in one step.

    pydantic wraps aiogram's `model_post_init` once more at every level of a class's ancestry,
    and each wrapper looks up the attribute's default (a deep copy) before aiogram assigns it
    through `__setattr__`: that was ~6 % of a chat worker's CPU, as each update, each answer and
    each keyboard builds a few dozen objects. pydantic calls the hook by name, so the classes'
    own attribute replaces it; a class with any other private attribute keeps pydantic's."""
    from aiogram.client.context_controller import BotContextController

    for model in _subclasses(BotContextController):
        if (
            model.__private_attributes__.keys() == {"_bot"}
            and model.__pydantic_post_init__ == "model_post_init"
        ):
            model.model_post_init = _bind_bot  # type: ignore[method-assign]


def build_now(*models: type[BaseModel]) -> None:
    """Build these models now, at start-up, rather than on first use, where a large one (the
    `Message` of an answer) would hold the event loop for a fifth of a second."""
    for model in models:
        if not model.__pydantic_complete__:
            model.model_rebuild()


def import_aiogram_for_the_chat() -> None:
    """aiogram for a chat worker: its types built on first use, except what nearly every
    conversation meets — the update and its message, the keyboards, the methods the menus,
    donations and complaints call with their answers — built now (a worker's idle memory is
    ~100 MB smaller and its start ~3 s shorter on a slow machine; benchmarks/footprint.py). A
    rarer type (an export's document, a chart's photo) is built once, on its first use.

    `Message` first: the update, the answers and the others then reuse its validator rather
    than each building the whole tree again (half the memory and a quarter of the time)."""
    import_aiogram_with_types_on_demand()
    from aiogram import methods, types

    build_now(
        types.Message,
        types.Update,
        types.InlineKeyboardMarkup,
        types.InlineKeyboardButton,
        types.ReplyKeyboardMarkup,
        types.KeyboardButton,
        types.ReplyKeyboardRemove,
        types.LabeledPrice,
    )
    build_methods(
        methods.SendMessage,
        methods.EditMessageText,
        methods.EditMessageReplyMarkup,
        methods.AnswerCallbackQuery,
        methods.DeleteMessage,
        methods.SendPhoto,
        methods.SendInvoice,
        methods.AnswerPreCheckoutQuery,
        methods.GetChat,
        methods.SendChatAction,
        methods.GetUpdates,
    )


def build_methods(*methods: Any) -> None:
    """Build these Bot API methods now, each with the `Response[...]` its answer is read with."""
    from bot.session import response_type

    for method in methods:
        build_now(method, response_type(method.__returning__))
