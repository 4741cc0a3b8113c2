"""Signing in to the console opened as a Mini App inside the messenger (a `web_app` button):
the platform hands the page its launch data ("init data"), signed with a key derived from the
bot's token (Telegram's scheme: HMAC-SHA256 under HMAC-SHA256("WebAppData", token)). Valid,
fresh and not used before, it names the person the way a sign-in link does; the console then
checks their role and opens an ordinary session.

Single use: the data's hash is kept as a used sign-in (console_sign_ins), so launch data copied
out of the messenger cannot open a second session.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from urllib.parse import parse_qsl

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models.console import ConsoleSignIn

MAX_LENGTH = 4096


class InitDataProblem(StrEnum):
    FORGED = "forged"  # missing, malformed, or not signed with this bot's token
    EXPIRED = "expired"
    USED = "used"


@dataclass(frozen=True, slots=True)
class InitDataCheck:
    user_id: int | None = None
    name: str = ""
    problem: InitDataProblem | None = None


def sign(fields: dict[str, str], bot_token: str) -> str:
    """The launch data's `hash`: what the platform computes, and what a valid one must equal."""
    check_string = "\n".join(f"{key}={fields[key]}" for key in sorted(fields) if key != "hash")
    key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    return hmac.new(key, check_string.encode(), hashlib.sha256).hexdigest()


def check_init_data(init_data: str, *, bot_token: str, now: datetime, max_age: timedelta) -> InitDataCheck:
    """Who the launch data names, if it is signed with this bot's token and fresh."""
    if not init_data or len(init_data) > MAX_LENGTH:
        return InitDataCheck(problem=InitDataProblem.FORGED)
    fields = dict(parse_qsl(init_data, keep_blank_values=True))
    if not hmac.compare_digest(fields.get("hash", ""), sign(fields, bot_token)):
        return InitDataCheck(problem=InitDataProblem.FORGED)
    try:
        person = json.loads(fields.get("user", ""))
        user_id = int(person["id"])
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), UTC)
    except (ValueError, KeyError, TypeError):
        return InitDataCheck(problem=InitDataProblem.FORGED)
    name = " ".join(str(person.get(part) or "") for part in ("first_name", "last_name")).strip()
    if not now - max_age <= signed_at <= now + timedelta(minutes=1):
        return InitDataCheck(user_id, name, InitDataProblem.EXPIRED)
    return InitDataCheck(user_id, name[:128] or str(user_id))


async def consume_init_data(
    session: AsyncSession,
    *,
    init_data: str,
    bot_token: str,
    platform: str,
    now: datetime,
    max_age: timedelta,
) -> InitDataCheck:
    """Check the launch data and use it up (kept as a used sign-in, unique by its hash: of two
    uses, even at once on two workers, one wins)."""
    check = check_init_data(init_data, bot_token=bot_token, now=now, max_age=max_age)
    if check.problem is not None or check.user_id is None:
        return check
    digest = hashlib.sha256(f"web-app:{dict(parse_qsl(init_data))['hash']}".encode()).hexdigest()
    try:
        async with session.begin_nested():
            session.add(
                ConsoleSignIn(
                    token_hash=digest,
                    platform=platform,
                    user_id=check.user_id,
                    name=check.name,
                    created_at=now,
                    expires_at=now + max_age,
                    used_at=now,
                )
            )
            await session.flush()
    except IntegrityError:
        return InitDataCheck(check.user_id, check.name, InitDataProblem.USED)
    return check
