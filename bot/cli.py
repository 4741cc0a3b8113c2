"""`python -m bot admin …`: the staff tasks for when the chat is not an option.

    python -m bot admin roles
    python -m bot admin grant 12345678 campaign_manager
    python -m bot admin revoke 12345678 campaign_manager
    python -m bot admin export donations --from 1405/01/01 --to 1405/09/30 [--campaign 3] [--format xlsx] [--output FILE]

Every change is written to the audit log as done by "the command line" (actor 0) with the
operating-system user and host in the note. Texts follow DEFAULT_LOCALE. Exporters come from the
registry the features fill when they are imported (`services.exports`). Application statuses
are imported with `python -m bot import-statuses FILE` (handlers/status.py).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import socket
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.i18n import Translator
    from bot.settings import Settings

CLI_ACTOR = 0
ROLES = ("admin", "campaign_manager", "operator")


def add_parser(commands: Any) -> None:
    admin = commands.add_parser("admin", help="staff tasks: roles and exports (see bot/cli.py)")
    sub = admin.add_subparsers(dest="admin_command", required=True)
    sub.add_parser("roles", help="list granted roles")
    for name in ("grant", "revoke"):
        command = sub.add_parser(name, help=f"{name} a role")
        command.add_argument("user_id", help="the person's numeric user id on this platform")
        command.add_argument("role", choices=ROLES)
    export = sub.add_parser(
        "export", help="write an export file (donations, audit, and what features register)"
    )
    export.add_argument("name")
    export.add_argument("--from", dest="start", help="first Jalali day, e.g. 1405/01/01")
    export.add_argument("--to", dest="end", help="last Jalali day (included), e.g. 1405/09/30")
    export.add_argument("--campaign", type=int, help="only this campaign (where the export allows it)")
    export.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    export.add_argument("--output", help="file to write (default: a dated name here; - for standard output)")
    export.add_argument("--locale", choices=("fa", "en"), help="language of headers and names")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


def _say(text: str, *, error: bool = False) -> None:
    print(text, file=sys.stderr if error else sys.stdout)


def _note() -> str:
    try:
        who = getpass.getuser()
    except Exception:  # no user name in some containers
        who = "?"
    return f"command line ({who}@{socket.gethostname()})"


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    import handlers  # noqa: F401  (features register their exporters and importers on import)
    from bot.i18n import get_i18n
    from bot.migrate import upgrade_async
    from models.db import create_engine, create_sessionmaker

    locale = getattr(args, "locale", None) or settings.locale.default_locale
    t = get_i18n().translator(locale)
    await upgrade_async(settings.database.database_url)
    engine = create_engine(
        settings.database.database_url, busy_timeout_ms=settings.database.sqlite_busy_timeout_ms
    )
    try:
        async with create_sessionmaker(engine)() as session:
            code = await _dispatch(args, settings, session, t)
            await session.commit()
            return code
    finally:
        await engine.dispose()


async def _dispatch(
    args: argparse.Namespace, settings: Settings, session: AsyncSession, t: Translator
) -> int:
    platform = settings.platform.value
    command = args.admin_command
    if command == "roles":
        return await _roles(session, settings, t)
    if command in ("grant", "revoke"):
        return await _grant_or_revoke(session, settings, t, command, args.user_id, args.role)
    if command == "export":
        return await _export(session, t, args, platform)
    return 2


async def _roles(session: AsyncSession, settings: Settings, t: Translator) -> int:
    from sqlalchemy import select

    from models.staff import StaffRole

    for admin_id in settings.staff.admin_ids:
        _say(t("cli-role-line", user_id=str(admin_id), role="admin (ADMIN_IDS)"))
    rows = await session.scalars(
        select(StaffRole)
        .where(StaffRole.platform == settings.platform.value)
        .order_by(StaffRole.role, StaffRole.user_id)
    )
    for row in rows:
        _say(t("cli-role-line", user_id=str(row.user_id), role=row.role))
    return 0


async def _grant_or_revoke(
    session: AsyncSession, settings: Settings, t: Translator, command: str, raw_id: str, raw_role: str
) -> int:
    from handlers.admin import parse_user_id, role_name
    from services import audit, roles
    from services.roles import Role

    user_id = parse_user_id(raw_id)
    if user_id is None:
        _say(t("admin-roles-bad-person"), error=True)
        return 2
    role = Role(raw_role)
    platform = settings.platform.value
    before = sorted(
        r.value
        for r in await roles.roles_of(
            session, platform=platform, user_id=user_id, admin_ids=settings.staff.admin_ids
        )
    )
    if command == "grant":
        changed = await roles.grant(session, platform=platform, user_id=user_id, role=role, granted_by=None)
        message = "admin-roles-granted" if changed else "admin-roles-already"
    else:
        changed = await roles.revoke(session, platform=platform, user_id=user_id, role=role)
        message = "admin-roles-revoked" if changed else "admin-roles-not-held"
        if not changed and role == Role.ADMIN and user_id in settings.staff.admin_ids:
            message = "admin-roles-from-settings"
    if changed:
        after = sorted(
            r.value
            for r in await roles.roles_of(
                session, platform=platform, user_id=user_id, admin_ids=settings.staff.admin_ids
            )
        )
        await audit.record(
            session,
            platform=platform,
            actor_id=CLI_ACTOR,
            action=f"role.{command}",
            target=f"user:{user_id}",
            before={"roles": before},
            after={"roles": after},
            note=_note(),
        )
    _say(t(message, user_id=str(user_id), role=role_name(t, role)))
    return 0 if changed else 1


async def _export(session: AsyncSession, t: Translator, args: argparse.Namespace, platform: str) -> int:
    from handlers.exports import range_text
    from services import audit, exports
    from services.campaign_admin import day_start
    from services.clock import Clock
    from services.persian import jalali

    exporter = exports.get_exporter(args.name)
    if exporter is None:
        names = ", ".join(e.name for e in exports.exporters())
        _say(t("cli-export-unknown", name=args.name, names=names), error=True)
        return 2
    try:
        start = day_start(exports.parse_cli_date(args.start)) if args.start else None
        end = day_start(exports.parse_cli_date(args.end) + timedelta(days=1)) if args.end else None
    except exports.ExportInputError as error:
        _say(t(error.key), error=True)
        return 2
    if start and end and end <= start:
        _say(t("export-error-range-order"), error=True)
        return 2
    now = Clock().now()
    campaign_id = args.campaign if exporter.campaign_filter else None
    request = exports.ExportRequest(  # whoever runs the command line on the server is an admin
        start=start, end=end, campaign_id=campaign_id, locale=t.locale, text=t, roles=frozenset({"admin"})
    )
    table = await exports.run_export(session, exporter, request)
    summary = range_text(t, start, end, now)
    if not table.rows:
        _say(t("export-no-rows", title=t(exporter.title_key), range=summary), error=True)
        return 1
    content = await asyncio.to_thread(exports.render, table, args.format, locale=t.locale)
    j = jalali(now)
    output = (
        args.output
        or f"hamdel-{exporter.name}-{j.year:04d}{j.month:02d}{j.day:02d}-{j.hour:02d}{j.minute:02d}.{args.format}"
    )
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    else:
        await asyncio.to_thread(Path(output).write_bytes, content)
    await audit.record(
        session,
        platform=platform,
        actor_id=CLI_ACTOR,
        action=f"export.{exporter.name}"[:64],
        after={
            "rows": len(table.rows),
            "format": args.format,
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "campaign_id": campaign_id,
        },
        note=_note(),
    )
    if output != "-":
        _say(t("cli-export-written", path=output, count=len(table.rows), range=summary))
    if table.truncated:
        _say(t("export-truncated", limit=request.limit), error=True)
    return 0
