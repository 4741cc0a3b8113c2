"""Province offices: which provinces a staff member works for, and the one way to filter by it.

A granted role may be limited to provinces (`staff_roles.provinces`); a role without a limit, and
every admin (ADMIN_IDS or a granted admin role), is national. A person's scope is the union of
their roles' scopes: national when any of their roles is. Every front door (the chat, the
console, the command line) asks `scope_of` on each request and filters through `Scope.allows`
(one object) or `province_filter` (a query); something with no province (a ticket without a
linked donation, a question to a person, an application's status) is national staff's only.

Other services take `provinces: frozenset[str] | None` (None: every province): `Scope.provinces`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from models.staff import StaffRole
from services import regions


@dataclass(frozen=True, slots=True)
class Scope:
    """The provinces a person works for; `provinces` None is the whole country."""

    provinces: frozenset[str] | None = None

    @property
    def national(self) -> bool:
        return self.provinces is None

    def allows(self, province_id: str | None) -> bool:
        """May this person see or act on something of `province_id` (None: nationwide)?"""
        return self.provinces is None or (province_id is not None and province_id in self.provinces)

    def sorted_ids(self) -> list[str]:
        return sorted(self.provinces or ())


ALL = Scope()


def province_filter(column: Any, scope: Scope) -> Any:
    """A query condition keeping `scope`'s rows: always true for national staff; for a province
    office, the column in its provinces (a NULL province never matches)."""
    if scope.provinces is None:
        return true()
    if not scope.provinces:
        return false()
    return column.in_(sorted(scope.provinces))


def parse_stored(value: str | None) -> frozenset[str] | None:
    """`staff_roles.provinces` as a set (None: national)."""
    if value is None:
        return None
    return frozenset(part for part in value.split(",") if part)


def to_stored(provinces: Iterable[str] | None) -> str | None:
    return None if provinces is None else ",".join(sorted(set(provinces)))


def known_provinces(ids: Iterable[str]) -> frozenset[str] | None:
    """The ids if every one is a province of data/regions.json, else None."""
    data = regions.default_regions()
    wanted = frozenset(ids)
    if not wanted or any(data.find_province(value) is None for value in wanted):
        return None
    return wanted


def parse_provinces(text: str) -> frozenset[str] | None:
    """Province ids or names, separated by commas («تهران، فارس», «23,07»); None when any part
    is not one province."""
    data = regions.default_regions()
    found: set[str] = set()
    for part in (p.strip() for p in text.replace("،", ",").split(",")):
        if not part:
            continue
        if data.find_province(part) is not None:
            found.add(part)
            continue
        match = data.match_province(part, limit=2)
        if len(match) != 1 and not (match and match[0].score >= 99):
            return None
        found.add(match[0].region.id)
    return frozenset(found) or None


def names(provinces: Iterable[str], locale: str) -> list[str]:
    """The provinces' names in `locale`, in the data's order."""
    wanted = set(provinces)
    return [p.name(locale) for p in regions.provinces() if p.id in wanted]


async def scope_of(
    session: AsyncSession,
    *,
    platform: str,
    user_id: int,
    admin_ids: Iterable[int],
    roles: Iterable[str] | None = None,
) -> Scope:
    """The person's scope, from their granted roles (only `roles`, when given and held: e.g. the
    ticket desk counts admin and operator roles). Admins are national; so is anyone with no
    granted role at all (a member of the staff chat acting there, checked by membership)."""
    if user_id in set(admin_ids):
        return ALL
    query = select(StaffRole.role, StaffRole.provinces).where(
        StaffRole.platform == platform, StaffRole.user_id == user_id
    )
    rows = list(await session.execute(query))
    if not rows:
        return ALL
    wanted = None if roles is None else {str(r) for r in roles} | {"admin"}
    counted = [row for row in rows if wanted is None or row[0] in wanted] or rows
    provinces: set[str] = set()
    for role, stored in counted:
        limited = parse_stored(stored)
        if role == "admin" or limited is None:
            return ALL
        provinces |= limited
    return Scope(frozenset(provinces))
