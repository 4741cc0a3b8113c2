"""Block and unblock: Telegram's my_chat_member updates mark the user inactive or active."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus
from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import AsyncSession

from bot.platform import PlatformProfile
from bot.ui import Feature
from services.users import UserDirectory, set_blocked

router = Router(name="membership")

LEFT = {ChatMemberStatus.KICKED, ChatMemberStatus.LEFT}


@router.my_chat_member(F.chat.type == "private")
async def membership_changed(
    event: ChatMemberUpdated, session: AsyncSession, profile: PlatformProfile, users: UserDirectory
) -> None:
    blocked = event.new_chat_member.status in LEFT
    await set_blocked(session, platform=profile.platform.value, user_id=event.from_user.id, blocked=blocked)
    users.forget(event.from_user.id)


feature = Feature(name="membership", chatless=router)
