"""One aiogram Router per feature, mounted by chat scope.

Private chats: `cancel` first (it must win over any flow's state), the features, the main
menu, then `fallback` last so nothing goes unanswered. The staff chat gets the features'
`staff` routers; other groups get `groups` (quiet unless addressed); updates without a chat
(payments' pre-checkout, membership changes) get the `chatless` routers.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType

from bot.aiogram_compat import detach_router
from bot.flows import FlowExit
from bot.routing import narrow_routing
from bot.ui import Feature, MenuSection
from console import listener as console_web
from handlers import (
    admin,
    broadcasts,
    campaign_admin,
    campaigns,
    cancel,
    complaints,
    complaints_staff,
    console,
    donations,
    donations_web,
    eligibility,
    errors,
    exports,
    fallback,
    faq,
    groups,
    language,
    membership,
    menu,
    stats,
    status,
    subscriptions,
    volunteers,
)

FEATURES: tuple[Feature, ...] = (
    cancel.feature,
    donations.feature,
    donations_web.feature,
    campaigns.feature,
    language.feature,
    membership.feature,
    subscriptions.feature,
    broadcasts.feature,
    eligibility.feature,
    status.feature,
    faq.feature,
    complaints.feature,
    complaints_staff.feature,
    volunteers.feature,
    admin.feature,
    campaign_admin.feature,
    stats.feature,
    exports.feature,
    console.feature,
    console_web.feature,
    menu.feature,
    # Free text no flow took is answered from the FAQ: after every feature, before the fallback.
    faq.free_text_feature,
    fallback.feature,
)

GROUP_TYPES = {ChatType.GROUP, ChatType.SUPERGROUP}


def menu_sections(features: tuple[Feature, ...] = FEATURES) -> list[MenuSection]:
    return sorted((f.section for f in features if f.section), key=lambda section: section.order)


def user_commands(features: tuple[Feature, ...] = FEATURES) -> list[tuple[str, str]]:
    """Commands as the menu of the messenger shows them: /start and /help first, /cancel last."""
    commands = [command for feature in features for command in feature.commands]
    placement = {"start": 0, "help": 1, "cancel": 3}
    return sorted(commands, key=lambda command: placement.get(command[0], 2))


def admin_commands(features: tuple[Feature, ...] = FEATURES) -> list[tuple[str, str]]:
    return [command for feature in features for command in feature.admin_commands]


def _mount(parent: Router, children: list[Router | None]) -> None:
    """Include feature routers in a scope. Feature routers are module-level (aiogram style) and a
    router has one parent, so a router mounted by an earlier app in this process (tests, the
    sandbox) is detached from it first."""
    for child in children:
        if child is None:
            continue
        detach_router(child)
        parent.include_router(child)


def build_router(
    staff_chat_id: int | None,
    features: tuple[Feature, ...] = FEATURES,
    extra_staff_chats: frozenset[int] = frozenset(),
) -> Router:
    root = Router(name="root")
    _mount(root, [errors.router])

    chatless = Router(name="chatless")
    _mount(chatless, [f.chatless for f in features])

    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.edited_message.filter(F.chat.type == ChatType.PRIVATE)
    private.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)
    # Before any feature's filters: a command or a main-menu button ends the unfinished flow.
    private.message.outer_middleware(FlowExit())
    private.callback_query.outer_middleware(FlowExit())
    _mount(private, [f.private for f in features])

    root.include_routers(chatless, private)

    # The working group's chat, and the chats tickets are routed to by category.
    staff_chats = {staff_chat_id, *extra_staff_chats} - {None}
    if staff_chats:
        staff = Router(name="staff")
        staff.message.filter(F.chat.id.in_(staff_chats))
        staff.edited_message.filter(F.chat.id.in_(staff_chats))
        staff.callback_query.filter(F.message.chat.id.in_(staff_chats))
        _mount(staff, [f.staff for f in features])
        root.include_router(staff)

    other_groups = Router(name="other-groups")
    other_groups.message.filter(F.chat.type.in_(GROUP_TYPES), ~F.chat.id.in_(staff_chats))
    other_groups.callback_query.filter(
        F.message.chat.type.in_(GROUP_TYPES), ~F.message.chat.id.in_(staff_chats)
    )
    _mount(other_groups, [groups.router])
    root.include_router(other_groups)
    _mount(root, [groups.last_resort])
    # A button press or a message skips the routers none of whose handlers can take it.
    narrow_routing(root)
    return root
