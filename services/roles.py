"""Staff roles, checked on the server for every staff action.

Admins come from ADMIN_IDS (and grants by an admin); campaign managers and operators are granted.
Members of the working group's chat count as operators for ticket work (checked by the handler
with the platform's getChatMember, since membership lives in the messenger).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from models.staff import StaffRole
from models.user import User
from services import audit, scopes
from services.persian import to_ascii_digits


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


async def granted_roles(session: AsyncSession, *, platform: str, limit: int | None = None) -> list[StaffRole]:
    """The roles granted on this platform (not ADMIN_IDS), by role then person."""
    query = (
        select(StaffRole)
        .where(StaffRole.platform == platform)
        .order_by(StaffRole.role, StaffRole.user_id)
        .limit(limit)
    )
    return list(await session.scalars(query))


def parse_user_id(text: str | None) -> int | None:
    """A numeric user id in any digit script (a leading @ or spaces tolerated)."""
    cleaned = re.sub(r"[\s\u200c]", "", to_ascii_digits(text or "")).lstrip("@")
    if not re.fullmatch(r"\d{1,15}", cleaned) or int(cleaned) == 0:
        return None
    return int(cleaned)


def parse_role(text: str | None) -> Role | None:
    """A role by its name, or "manager"/"campaign" for the campaign manager."""
    value = (text or "").strip().lower().replace("-", "_")
    aliases = {"manager": Role.CAMPAIGN_MANAGER, "campaign": Role.CAMPAIGN_MANAGER}
    if value in Role._value2member_map_:
        return Role(value)
    return aliases.get(value)


async def has_role(
    session: AsyncSession, *, platform: str, user_id: int, admin_ids: Iterable[int], role: Role
) -> bool:
    return role in await roles_of(session, platform=platform, user_id=user_id, admin_ids=admin_ids)


async def grant(
    session: AsyncSession,
    *,
    platform: str,
    user_id: int,
    role: Role,
    granted_by: int | None,
    provinces: frozenset[str] | None = None,
) -> bool:
    """Grant a role; False when the person already had it."""
    existing = await session.scalar(
        select(StaffRole).where(
            StaffRole.platform == platform, StaffRole.user_id == user_id, StaffRole.role == role
        )
    )
    if existing is not None:
        return False
    session.add(
        StaffRole(
            platform=platform,
            user_id=user_id,
            role=role.value,
            granted_by=granted_by,
            provinces=scopes.to_stored(provinces),
        )
    )
    await session.flush()
    return True


async def revoke(session: AsyncSession, *, platform: str, user_id: int, role: Role) -> bool:
    result = await session.execute(
        delete(StaffRole).where(
            StaffRole.platform == platform, StaffRole.user_id == user_id, StaffRole.role == role
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


class RoleChangeOutcome(StrEnum):
    GRANTED = "granted"
    REVOKED = "revoked"
    UNKNOWN_USER = "unknown_user"  # never talked to the bot on this platform: likely a typo
    NEEDS_CONFIRMATION = "needs_confirmation"  # granting admin: ask "are you sure?" first
    ALREADY = "already"
    NOT_HELD = "not_held"
    FROM_SETTINGS = "from_settings"  # an admin by ADMIN_IDS: only the settings can change that
    NOT_SELF = "not_self"  # an admin may not take their own admin role away
    SCOPED = "scoped"  # a role's provinces changed
    NATIONAL_ONLY = "national_only"  # admins work for the whole country: no provinces
    UNKNOWN_PROVINCE = "unknown_province"


@dataclass(frozen=True, slots=True)
class RoleChange:
    outcome: RoleChangeOutcome
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.outcome in (
            RoleChangeOutcome.GRANTED,
            RoleChangeOutcome.REVOKED,
            RoleChangeOutcome.SCOPED,
        )


async def is_known(session: AsyncSession, *, platform: str, user_id: int) -> bool:
    """Has this person ever talked to the bot on this platform?"""
    found = await session.scalar(select(User.id).where(User.platform == platform, User.user_id == user_id))
    return found is not None


async def _effective(
    session: AsyncSession, platform: str, user_id: int, admin_ids: Iterable[int]
) -> tuple[str, ...]:
    held = await roles_of(session, platform=platform, user_id=user_id, admin_ids=admin_ids)
    return tuple(sorted(role.value for role in held))


async def change_role(
    session: AsyncSession,
    *,
    platform: str,
    actor_id: int,
    user_id: int,
    role: Role,
    give: bool,
    admin_ids: Iterable[int],
    confirmed: bool = False,
    allow_unknown: bool = False,
    note: str | None = None,
    provinces: frozenset[str] | None = None,
    channel: str = "chat",
) -> RoleChange:
    """Grant (`give`) or revoke a role, audit the change and commit it — the one way roles change,
    for the chat, the console and the command line alike.

    A grant goes only to someone who has used the bot on this platform (`allow_unknown` is the
    command line's bootstrap escape), and granting admin needs `confirmed`. `provinces` limits a
    granted role to those province offices (None: national; never for admin). Nothing is
    written unless the outcome is GRANTED or REVOKED."""
    admin_ids = frozenset(admin_ids)
    if give and provinces is not None:
        if role == Role.ADMIN:
            return RoleChange(RoleChangeOutcome.NATIONAL_ONLY)
        if scopes.known_provinces(provinces) is None:
            return RoleChange(RoleChangeOutcome.UNKNOWN_PROVINCE)
    if not give:
        if user_id == actor_id and role == Role.ADMIN:
            return RoleChange(RoleChangeOutcome.NOT_SELF)
        if role == Role.ADMIN and user_id in admin_ids:
            return RoleChange(RoleChangeOutcome.FROM_SETTINGS)
    elif not allow_unknown and not await is_known(session, platform=platform, user_id=user_id):
        return RoleChange(RoleChangeOutcome.UNKNOWN_USER)
    before = await _effective(session, platform, user_id, admin_ids)
    if give:
        if role == Role.ADMIN and user_id in admin_ids:
            return RoleChange(RoleChangeOutcome.ALREADY, before, before)
        held = await session.scalar(
            select(StaffRole.id).where(
                StaffRole.platform == platform, StaffRole.user_id == user_id, StaffRole.role == role.value
            )
        )
        if held is not None:
            return RoleChange(RoleChangeOutcome.ALREADY, before, before)
        if role == Role.ADMIN and not confirmed:
            return RoleChange(RoleChangeOutcome.NEEDS_CONFIRMATION, before, before)
        changed = await grant(
            session,
            platform=platform,
            user_id=user_id,
            role=role,
            granted_by=actor_id or None,
            provinces=provinces,
        )
        outcome = RoleChangeOutcome.GRANTED
    else:
        changed = await revoke(session, platform=platform, user_id=user_id, role=role)
        outcome = RoleChangeOutcome.REVOKED
    if not changed:  # a concurrent change got there first
        return RoleChange(RoleChangeOutcome.ALREADY if give else RoleChangeOutcome.NOT_HELD, before, before)
    after = await _effective(session, platform, user_id, admin_ids)
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action="role.grant" if give else "role.revoke",
        target=f"user:{user_id}",
        before={"roles": list(before)},
        after={"roles": list(after), **({"provinces": sorted(provinces)} if give and provinces else {})},
        note=note,
        channel=channel,
    )
    await session.commit()  # durable before anyone is told
    return RoleChange(outcome, before, after)


async def change_scope(
    session: AsyncSession,
    *,
    platform: str,
    actor_id: int,
    user_id: int,
    role: Role,
    provinces: frozenset[str] | None,
    channel: str = "chat",
) -> RoleChange:
    """Limit a granted role to `provinces` (None: the whole country), audited ("role.scope")
    and committed. Admin is national only; a role not granted is NOT_HELD."""
    if role == Role.ADMIN:
        return RoleChange(RoleChangeOutcome.NATIONAL_ONLY)
    if provinces is not None and scopes.known_provinces(provinces) is None:
        return RoleChange(RoleChangeOutcome.UNKNOWN_PROVINCE)
    row = await session.scalar(
        select(StaffRole)
        .where(StaffRole.platform == platform, StaffRole.user_id == user_id, StaffRole.role == role.value)
        .with_for_update()
    )
    if row is None:
        return RoleChange(RoleChangeOutcome.NOT_HELD)
    before = sorted(scopes.parse_stored(row.provinces) or ())
    stored = scopes.to_stored(provinces)
    if stored == row.provinces:
        return RoleChange(RoleChangeOutcome.ALREADY)
    row.provinces = stored
    await audit.record(
        session,
        platform=platform,
        actor_id=actor_id,
        action="role.scope",
        target=f"user:{user_id}",
        before={"role": role.value, "provinces": before},
        after={"role": role.value, "provinces": sorted(provinces or ())},
        channel=channel,
    )
    await session.commit()
    return RoleChange(RoleChangeOutcome.SCOPED, tuple(before), tuple(sorted(provinces or ())))


@dataclass(frozen=True, slots=True)
class HeldRole:
    role: Role
    provinces: frozenset[str] | None  # None: the whole country


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One person with a role: the roles granted here, and whether ADMIN_IDS makes them admin."""

    user_id: int
    from_settings: bool
    held: tuple[HeldRole, ...]


async def staff_list(session: AsyncSession, *, platform: str, admin_ids: Iterable[int]) -> list[StaffMember]:
    """Everyone with a role on this platform, by user id: ADMIN_IDS and the granted roles with
    their provinces."""
    settings_admins = frozenset(admin_ids)
    people: dict[int, list[HeldRole]] = {user_id: [] for user_id in settings_admins}
    for row in await granted_roles(session, platform=platform):
        if row.role in Role._value2member_map_:
            held = HeldRole(Role(row.role), scopes.parse_stored(row.provinces))
            people.setdefault(row.user_id, []).append(held)
    return [
        StaffMember(user_id, user_id in settings_admins, tuple(sorted(held, key=lambda h: h.role.value)))
        for user_id, held in sorted(people.items())
    ]
