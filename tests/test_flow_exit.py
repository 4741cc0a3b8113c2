"""Every command and every main-menu button leaves any unfinished flow (bot/flows.py), in both
flavors: the person's next text is no longer read as the old flow's input, and they are told
only when something they typed or chose was lost."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.filters import Command
from aiogram.fsm.state import StatesGroup
from aiogram.fsm.storage.base import StorageKey
from pydantic_settings import BaseSettings

import handlers
from bot.flows import command_name, flow_group, something_lost
from bot.i18n import get_i18n
from messenger import MessengerUser
from services.roles import Role
from tests.conftest import FLAVORS, Harness
from tests.donations.donation_helpers import add_campaign, donation_settings

AMOUNT_NOT_READ = "نتوانستم"
DONATION_LEFT = "کمک مالی نیمه‌تمام شما کنار گذاشته شد."


@pytest.fixture
def overrides(flavor: str) -> dict[str, BaseSettings]:
    return {"donations": donation_settings(flavor)}


def _private_states() -> list[str]:
    """Every state of every flow a person can be in in a private chat (the staff chat's reply
    mode lives in the group, where commands are the staff's own)."""
    states: list[str] = []
    pending: list[type[StatesGroup]] = list(StatesGroup.__subclasses__())
    while pending:
        group = pending.pop()
        pending.extend(group.__subclasses__())
        if group.__module__.startswith("handlers.") and group.__name__ != "StaffReply":
            states += [str(state.state) for state in group.__all_states__]
    return sorted(states)


def _commands(hamdel: Harness) -> list[str]:
    """Every command the private chats' routers answer, read off their Command filters."""
    found: set[str] = set()

    def walk(router: Any) -> None:
        for handler in router.message.handlers:
            for item in handler.filters or ():
                if isinstance(item.callback, Command):
                    found.update(str(c) for c in item.callback.commands if isinstance(c, str))
        for child in router.sub_routers:
            walk(child)

    private = next(r for r in hamdel.app.dispatcher.sub_routers[0].sub_routers if r.name == "private")
    walk(private)
    return sorted(found - {"cancel"})


async def _set_state(hamdel: Harness, chat_id: int, state: str | None) -> None:
    key = StorageKey(bot_id=hamdel.app.bot.id, chat_id=chat_id, user_id=chat_id)
    await hamdel.app.dispatcher.storage.set_state(key, state)


async def _get_state(hamdel: Harness, chat_id: int) -> str | None:
    key = StorageKey(bot_id=hamdel.app.bot.id, chat_id=chat_id, user_id=chat_id)
    return await hamdel.app.dispatcher.storage.get_state(key)


async def test_a_command_ends_the_donation_flow_before_the_next_text(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    for command in ("/mydonations", "/campaigns"):
        user = hamdel.user()
        await user.send("/donate")
        await user.next_message()
        await user.press(next(b for b in user.buttons() if "یلدای مهربانی" in b))
        await user.wait_until(lambda u: "۵۰٬۰۰۰ تومان" in u.buttons())
        await user.press("۵۰٬۰۰۰ تومان")
        await user.wait_until(lambda u: "لطفاً بررسی کنید" in u.last_text)

        await user.send(command)
        await hamdel.settle()
        assert DONATION_LEFT in [m.get("text") for m in user.messages]
        assert await _get_state(hamdel, user.id) is None

        user.skip_to_end()
        await user.send("hello")
        await hamdel.settle()
        assert not any(AMOUNT_NOT_READ in (m.get("text") or "") for m in user.messages)
        assert user.last_text  # answered (by the FAQ), not by the donation flow


async def test_leaving_a_flow_at_its_first_step_says_nothing(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/donate")
    await user.next_message()
    user.skip_to_end()
    await user.send("/campaigns")
    await hamdel.settle()
    texts = [m.get("text") or "" for m in user.messages]
    assert not any("کنار گذاشته شد" in text for text in texts)
    assert any("یلدای مهربانی" in text for text in texts)  # the campaigns list itself
    assert await _get_state(hamdel, user.id) is None


async def test_a_main_menu_button_ends_a_flow_and_says_so_in_the_toast(hamdel: Harness) -> None:
    await add_campaign(hamdel)
    user = hamdel.user()
    await user.send("/start")
    menu = await user.next_message()
    await user.send("/donate")
    await user.next_message()
    await user.press(next(b for b in user.buttons() if "یلدای مهربانی" in b))
    await user.wait_until(lambda u: "۵۰٬۰۰۰ تومان" in u.buttons())
    await user.press("۵۰٬۰۰۰ تومان")
    await user.wait_until(lambda u: "لطفاً بررسی کنید" in u.last_text)

    answer = await user.press("❓ پرسش‌ها", message=menu)
    await hamdel.settle()
    assert answer.get("text") == DONATION_LEFT
    assert await _get_state(hamdel, user.id) is None


@pytest.mark.slow
async def test_every_command_leaves_every_state_of_every_flow(hamdel: Harness, flavor: str) -> None:
    """The whole matrix, as admins (who may use every command): each flow's each state, then each
    command. After the command the person is where the same command takes them from outside any
    flow (no flow, or the first step of the flow it opens), and the notice came exactly when a step
    past a flow's first was left. The ~1,400 pairs are dealt between the two flavors (each pair
    runs once on SQLite, in one of them), and run by several admins at once."""
    states = _private_states()
    commands = _commands(hamdel)
    assert len(states) > 30 and {"donate", "mydonations", "campaigns", "broadcast", "export"} <= set(commands)
    admins = [hamdel.user(first_name="مدیر") for _ in range(8)]
    for admin in admins:
        await hamdel.grant(admin, Role.ADMIN)
    t = get_i18n().translator("fa")

    async def run(pairs: list[tuple[MessengerUser, str | None, str]]) -> list[tuple[str | None, list[str]]]:
        """Each admin of `pairs` in its state sends its command, all at once."""
        seen = []
        for person, state, _ in pairs:
            await _set_state(hamdel, person.id, state)
            seen.append(len(person.messages))
        for person, _, command in pairs:
            await person.send(f"/{command}")
        await hamdel.settle()
        return [
            (await _get_state(hamdel, person.id), [m.get("text") or "" for m in person.messages[before:]])
            for (person, _, _), before in zip(pairs, seen, strict=True)
        ]

    opens: dict[str, str | None] = {}
    for start in range(0, len(commands), len(admins)):
        batch = commands[start : start + len(admins)]
        results = await run([(admin, None, command) for admin, command in zip(admins, batch, strict=False)])
        opens.update((command, after) for command, (after, _) in zip(batch, results, strict=True))

    pairs = [(state, command) for state in states for command in commands]
    mine = pairs[FLAVORS.index(flavor) :: len(FLAVORS)]
    failures: list[str] = []
    for start in range(0, len(mine), len(admins)):
        batch = mine[start : start + len(admins)]
        results = await run([(admin, *pair) for admin, pair in zip(admins, batch, strict=False)])
        for (state, command), (after, texts) in zip(batch, results, strict=True):
            if after != opens[command]:
                failures.append(f"{state} + /{command} → {after}, not {opens[command]}")
            told = t("flow-left", flow=flow_group(state)) in texts
            if told != something_lost(state):
                failures.append(f"{state} + /{command}: notice {'shown' if told else 'missing'}")
            if not texts:
                failures.append(f"{state} + /{command}: no answer")
    assert not failures, "\n".join(failures)


def test_every_flow_has_a_name_in_both_languages() -> None:
    i18n = get_i18n()
    groups = {flow_group(state) for state in _private_states()}
    for locale in ("fa", "en"):
        t = i18n.translator(locale)
        generic = t("flow-left", flow="—")
        assert all(t("flow-left", flow=group) != generic for group in groups), locale


def test_commands_are_recognised_in_any_form() -> None:
    assert command_name("/mydonations") == "mydonations"
    assert command_name("/start ref_12") == "start"
    assert command_name("/Donate@HamdelBot") == "donate"
    assert command_name("۵۰ هزار") is None
    assert command_name("/") is None
    assert command_name("1/2") is None
    assert handlers.FEATURES  # the features are mounted by the harness above
