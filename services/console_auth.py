"""Console sign-in and sessions: no passwords.

A staff member asks the bot for a link (/console). The link carries a random token and the
person's id, signed with CONSOLE_SECRET (HMAC-SHA256); the database keeps only the token's hash,
the person, the expiry and whether it was used. Opening the link and confirming consumes it by one
conditional UPDATE (single use even with two browsers or two workers at once) and opens a
session: a random id in an HttpOnly cookie, stored hashed, with the CSRF token of its forms, an
idle timeout and an absolute lifetime. Roles are not stored in the session: the console checks
them on every request, so a role removed in the chat ends access at the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models.console import ConsoleSession, ConsoleSignIn
from services.roles import Role, roles_of

# Who may use the console: the roles that handle tickets, and campaign managers for the campaign
# and broadcast pages (admins may do everything).
CONSOLE_ROLES = frozenset({Role.ADMIN, Role.OPERATOR, Role.CAMPAIGN_MANAGER})
# Who may use the ticket desk (home, tickets, questions, attachments) and what it links to.
DESK_ROLES = frozenset({Role.ADMIN, Role.OPERATOR})
# A session's last-seen time is written at most this often (not on every page).
TOUCH_EVERY = timedelta(seconds=60)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _signature(secret: str, platform: str, user_id: int, nonce: str) -> str:
    message = f"console-sign-in:{platform}:{user_id}:{nonce}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def derived_secret(bot_token: str) -> str:
    """The sandbox's and tests' signing key (no real staff data there): derived from the token."""
    return hashlib.sha256(f"hamdel-console:{bot_token}".encode()).hexdigest()


async def may_use_console(
    session: AsyncSession, *, platform: str, user_id: int, admin_ids: list[int]
) -> bool:
    held = await roles_of(session, platform=platform, user_id=user_id, admin_ids=admin_ids)
    return bool(held & CONSOLE_ROLES)


async def issue_link_token(
    session: AsyncSession,
    *,
    secret: str,
    platform: str,
    user_id: int,
    name: str,
    now: datetime,
    ttl: timedelta,
) -> str:
    """A new sign-in token for `user_id` (the caller checked the role): `<id>.<nonce>.<sig>`."""
    nonce = secrets.token_urlsafe(24)
    session.add(
        ConsoleSignIn(
            token_hash=_digest(nonce),
            platform=platform,
            user_id=user_id,
            name=name[:128],
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return f"{user_id}.{nonce}.{_signature(secret, platform, user_id, nonce)}"


class LinkProblem(StrEnum):
    FORGED = "forged"  # malformed, or the signature does not match (someone else's id put in)
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """What a sign-in token is: the person it is bound to, or the problem."""

    user_id: int | None
    problem: LinkProblem | None
    name: str = ""


async def check_link(
    session: AsyncSession, *, secret: str, platform: str, token: str, now: datetime
) -> LinkCheck:
    """Whether the token may sign in now (without using it up: the confirmation page)."""
    user_id, nonce = _parse(secret, platform, token)
    if user_id is None or nonce is None:
        return LinkCheck(None, LinkProblem.FORGED)
    row = await session.scalar(select(ConsoleSignIn).where(ConsoleSignIn.token_hash == _digest(nonce)))
    if row is None or row.user_id != user_id or row.platform != platform:
        return LinkCheck(None, LinkProblem.FORGED)
    if row.used_at is not None:
        return LinkCheck(user_id, LinkProblem.USED, row.name)
    if row.expires_at <= now:
        return LinkCheck(user_id, LinkProblem.EXPIRED, row.name)
    return LinkCheck(user_id, None, row.name)


async def consume_link(
    session: AsyncSession, *, secret: str, platform: str, token: str, now: datetime
) -> LinkCheck:
    """Use the token up: one conditional UPDATE, so of two concurrent uses exactly one wins."""
    check = await check_link(session, secret=secret, platform=platform, token=token, now=now)
    if check.problem is not None:
        return check
    _, nonce = _parse(secret, platform, token)
    assert nonce is not None
    result = await session.execute(
        update(ConsoleSignIn)
        .where(
            ConsoleSignIn.token_hash == _digest(nonce),
            ConsoleSignIn.used_at.is_(None),
            ConsoleSignIn.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not isinstance(result, CursorResult) or result.rowcount != 1:
        return LinkCheck(check.user_id, LinkProblem.USED, check.name)
    return check


def _parse(secret: str, platform: str, token: str) -> tuple[int | None, str | None]:
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isascii() or not parts[0].isdigit() or len(parts[0]) > 19:
        return None, None
    user_id, nonce, signature = int(parts[0]), parts[1], parts[2]
    if not hmac.compare_digest(signature, _signature(secret, platform, user_id, nonce)):
        return None, None
    return user_id, nonce


# -- sessions -------------------------------------------------------------------------------


# A Mini App session's cookie starts with this: its pages may be shown in the messenger's web
# client's frame (the cookie is hashed whole, so the mark cannot be added to another session).
MINI_APP_MARK = "app."


@dataclass(frozen=True, slots=True)
class Opened:
    cookie: str  # the session id the browser keeps; only its hash is stored
    session: ConsoleSession

    @property
    def in_mini_app(self) -> bool:
        return opened_in_mini_app(self.cookie)


def opened_in_mini_app(cookie: str) -> bool:
    """Whether this session was opened by a Mini App's launch data (see MINI_APP_MARK)."""
    return cookie.startswith(MINI_APP_MARK)


async def open_session(
    session: AsyncSession,
    *,
    platform: str,
    user_id: int,
    name: str,
    locale: str,
    now: datetime,
    lifetime: timedelta,
    in_mini_app: bool = False,
) -> Opened:
    cookie = (MINI_APP_MARK if in_mini_app else "") + secrets.token_urlsafe(32)
    row = ConsoleSession(
        session_hash=_digest(cookie),
        platform=platform,
        user_id=user_id,
        name=name[:128],
        csrf_token=secrets.token_urlsafe(32),
        locale=locale,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(row)
    await session.flush()
    return Opened(cookie, row)


async def find_session(
    session: AsyncSession, *, platform: str, cookie: str, now: datetime, idle: timedelta
) -> ConsoleSession | None:
    """The live session of this cookie (not ended, not idle too long, within its lifetime); its
    last-seen time moves forward (written at most once a minute)."""
    if not cookie or len(cookie) > 128:
        return None
    row = await session.scalar(
        select(ConsoleSession).where(
            ConsoleSession.session_hash == _digest(cookie), ConsoleSession.platform == platform
        )
    )
    if row is None or row.ended_at is not None or row.expires_at <= now or row.last_seen_at + idle <= now:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        await session.flush()
    return row


async def end_session(session: AsyncSession, row: ConsoleSession, now: datetime) -> None:
    row.ended_at = now
    await session.flush()


async def end_all_sessions(session: AsyncSession, *, platform: str, user_id: int, now: datetime) -> int:
    """Sign out everywhere: every live session of this person ends."""
    result = await session.execute(
        update(ConsoleSession)
        .where(
            ConsoleSession.platform == platform,
            ConsoleSession.user_id == user_id,
            ConsoleSession.ended_at.is_(None),
        )
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) if isinstance(result, CursorResult) else 0


def csrf_ok(row: ConsoleSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(row.csrf_token, submitted or "")
