"""`python -m bot admin …`: the staff tasks for when the chat is not an option.

    python -m bot admin roles
    python -m bot admin grant 12345678 campaign_manager
    python -m bot admin grant 12345678 admin [--yes] [--force]
    python -m bot admin revoke 12345678 campaign_manager
    python -m bot admin export donations --from 1405/01/01 --to 1405/09/30 [--campaign 3] [--format xlsx] [--output FILE]

Roles change through the same service as /grant in the chat (`services.roles.change_role`): only
people who have used the bot get a role, and granting admin asks to confirm (`--yes` answers it);
`--force` grants to an id the bot has never seen — the bootstrap of the first admin. Every change
is written to the audit log as done by the command line (actor 0) with the operating-system user
and host in the note. Texts follow DEFAULT_LOCALE. Exporters come from the
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

ROLES = ("admin", "campaign_manager", "operator")


def add_parser(commands: Any) -> None:
    admin = commands.add_parser("admin", help="staff tasks: roles and exports (see bot/cli.py)")
    sub = admin.add_subparsers(dest="admin_command", required=True)
    sub.add_parser("roles", help="list granted roles")
    for name in ("grant", "revoke"):
        command = sub.add_parser(name, help=f"{name} a role")
        command.add_argument("user_id", help="the person's numeric user id on this platform")
        command.add_argument("role", choices=ROLES)
        if name == "grant":
            command.add_argument(
                "--yes", action="store_true", help="grant admin without asking to confirm (scripts)"
            )
            command.add_argument(
                "--force",
                action="store_true",
                help="also for an id that has never used the bot (the first admin, before the bot"
                " is running); implies --yes",
            )
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
            # Each command's service owns its transaction (a role change, an export's record).
            return await _dispatch(args, settings, session, t)
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
        return await _grant_or_revoke(session, settings, t, args)
    if command == "export":
        return await _export(session, settings, t, args, platform)
    return 2


async def _roles(session: AsyncSession, settings: Settings, t: Translator) -> int:
    from services import roles

    for admin_id in settings.staff.admin_ids:
        _say(t("cli-role-line", user_id=str(admin_id), role="admin (ADMIN_IDS)"))
    for row in await roles.granted_roles(session, platform=settings.platform.value):
        limited = f" [{row.provinces}]" if row.provinces else ""  # province ids (services.scopes)
        _say(t("cli-role-line", user_id=str(row.user_id), role=row.role + limited))
    return 0


async def _grant_or_revoke(
    session: AsyncSession, settings: Settings, t: Translator, args: argparse.Namespace
) -> int:
    from bot.menus import role_name
    from services import roles
    from services.audit import CLI_ACTOR
    from services.roles import Role, RoleChangeOutcome, parse_user_id

    user_id = parse_user_id(args.user_id)
    if user_id is None:
        _say(t("admin-roles-bad-person"), error=True)
        return 2
    role = Role(args.role)
    give = args.admin_command == "grant"
    force = give and args.force

    async def change(confirmed: bool) -> roles.RoleChange:
        return await roles.change_role(
            session,
            platform=settings.platform.value,
            actor_id=CLI_ACTOR,
            user_id=user_id,
            role=role,
            give=give,
            admin_ids=settings.staff.admin_ids,
            confirmed=confirmed,
            allow_unknown=force,
            note=_note(),
        )

    result = await change(confirmed=force or (give and args.yes))
    if result.outcome == RoleChangeOutcome.NEEDS_CONFIRMATION:
        question = t("admin-roles-confirm-admin", user_id=str(user_id))
        await session.rollback()  # hold no transaction open while a person thinks
        if not sys.stdin.isatty():
            _say(question + "\n" + t("cli-confirm-with-yes"), error=True)
            return 1
        if not _confirmed(await asyncio.to_thread(input, f"{question} {t('cli-yes-no')} ")):
            _say(t("cli-not-confirmed"), error=True)
            return 1
        result = await change(confirmed=True)
    text = t(
        f"admin-roles-{result.outcome.value.replace('_', '-')}", user_id=str(user_id), role=role_name(t, role)
    )
    if result.outcome == RoleChangeOutcome.UNKNOWN_USER:
        text += "\n" + t("cli-force-hint")
    _say(text, error=not result.changed)
    return 0 if result.changed else 1


def _confirmed(answer: str) -> bool:
    """A typed yes, in either language."""
    return answer.strip().lower() in {"y", "yes", "بله", "آره", "بلی"}


async def _export(
    session: AsyncSession, settings: Settings, t: Translator, args: argparse.Namespace, platform: str
) -> int:
    import handlers
    from bot.menus import range_text
    from bot.ui import staff_reports_of
    from services import audit, exports
    from services.campaign_admin import day_start
    from services.clock import Clock
    from services.persian import jalali

    reports = staff_reports_of(handlers.FEATURES, settings, Clock())
    exporter = reports.exporter(args.name)
    if exporter is None:
        names = ", ".join(e.name for e in reports.exporters)
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
    await exports.record_export(
        session,
        platform=platform,
        actor_id=audit.CLI_ACTOR,
        exporter=exporter,
        table=table,
        file_format=args.format,
        start=start,
        end=end,
        campaign_id=campaign_id,
        note=_note(),
    )
    if output != "-":
        _say(t("cli-export-written", path=output, count=len(table.rows), range=summary))
    if table.truncated:
        _say(t("export-truncated", limit=request.limit), error=True)
    return 0
