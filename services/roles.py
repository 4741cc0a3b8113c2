"""Staff roles, checked on the server for every staff action.

Admins come from ADMIN_IDS (and grants by an admin); campaign managers and operators are granted.
Members of the working group's chat count as operators for ticket work (checked by the handler
with the platform's getChatMember, since membership lives in the messenger).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staff import StaffRole


class Role(StrEnum):
    ADMIN = "admin"
    CAMPAIGN_MANAGER = "campaign_manager"
    OPERATOR = "operator"


# What each role may also do: an admin may do everything.
IMPLIES: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset(Role),
    Role.CAMPAIGN_MANAGER: frozenset({Role.CAMPAIGN_MANAGER}),
    Role.OPERATOR: frozenset({Role.OPERATOR}),
}


async def roles_of(
    session: AsyncSession, *, platform: str, user_id: int, admin_ids: Iterable[int]
) -> set[Role]:
    """Every role the person effectively holds."""
    granted = {Role.ADMIN} if user_id in set(admin_ids) else set()
    rows = await session.scalars(
        select(StaffRole.role).where(StaffRole.platform == platform, StaffRole.user_id == user_id)
    )
    granted.update(Role(value) for value in rows if value in Role._value2member_map_)
    effective: set[Role] = set()
    for role in granted:
        effective |= IMPLIES[role]
    return effective


async def has_role(
    session: AsyncSession, *, platform: str, user_id: int, admin_ids: Iterable[int], role: Role
) -> bool:
    return role in await roles_of(session, platform=platform, user_id=user_id, admin_ids=admin_ids)


async def grant(
    session: AsyncSession, *, platform: str, user_id: int, role: Role, granted_by: int | None
) -> bool:
    """Grant a role; False when the person already had it."""
    existing = await session.scalar(
        select(StaffRole).where(
            StaffRole.platform == platform, StaffRole.user_id == user_id, StaffRole.role == role
        )
    )
    if existing is not None:
        return False
    session.add(StaffRole(platform=platform, user_id=user_id, role=role.value, granted_by=granted_by))
    await session.flush()
    return True


async def revoke(session: AsyncSession, *, platform: str, user_id: int, role: Role) -> bool:
    result = await session.execute(
        delete(StaffRole).where(
            StaffRole.platform == platform, StaffRole.user_id == user_id, StaffRole.role == role
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
