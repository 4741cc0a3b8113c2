"""Who may act in a staff chat: one check for every staff-chat action (a reply to a question
card, a ticket's buttons and answers, blocking a person), refusals written to the audit log.

Admins and operators (roles in the database and ADMIN_IDS) may always act; anyone else must be
a member of that very chat. Membership lives in the messenger, so the caller passes a small
lookup (the handlers' getChatMember adapter); an unknown answer counts as "not a member".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from services import audit
from services.roles import Role, roles_of

#: getChatMember statuses that make a person part of the working group (not "restricted",
#: "left" or "kicked").
STAFF_STATUSES = frozenset({"creator", "administrator", "member"})

#: (chat id, user id) → the person's status in the chat, None when it could not be learnt.
MembershipLookup = Callable[[int, int], Awaitable[str | None]]


async def may_act(
    session: AsyncSession,
    *,
    platform: str,
    chat_id: int,
    user_id: int,
    admin_ids: Iterable[int],
    membership: MembershipLookup,
    sender_chat_id: int | None = None,
) -> bool:
    """Whether this person may act on the staff chat's cards. `sender_chat_id` is set when a
    message was sent on behalf of a chat: the chat's anonymous administrators act as the chat."""
    if sender_chat_id is not None and sender_chat_id == chat_id:
        return True
    held = await roles_of(session, platform=platform, user_id=user_id, admin_ids=admin_ids)
    if held & {Role.ADMIN, Role.OPERATOR}:
        return True
    return await membership(chat_id, user_id) in STAFF_STATUSES


async def check(
    session: AsyncSession,
    *,
    platform: str,
    chat_id: int,
    user_id: int,
    admin_ids: Iterable[int],
    membership: MembershipLookup,
    action: str,
    target: str | None,
    sender_chat_id: int | None = None,
) -> bool:
    """`may_act`, with a refusal recorded in the audit log."""
    allowed = await may_act(
        session,
        platform=platform,
        chat_id=chat_id,
        user_id=user_id,
        admin_ids=admin_ids,
        membership=membership,
        sender_chat_id=sender_chat_id,
    )
    if not allowed:
        await audit.record(
            session, platform=platform, actor_id=user_id, action=action, target=target, allowed=False
        )
    return allowed
