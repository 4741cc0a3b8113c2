"""/admin: the staff menu by role; roles management, the audit log and /health for admins.

Every handler here sits behind `RequireRole`, so a forged or replayed button from someone
without the role is refused at the moment it arrives, answered briefly and audited.
"""

from __future__ import annotations

import json
import logging
import platform as host_platform
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

import bot as bot_package
from bot import lasterror
from bot.access import RequireRole
from bot.i18n import Translator
from bot.menus import STAFF_ROLES, AdminMenu, alert, not_command, role_name
from bot.platform import PlatformProfile
from bot.settings import Settings
from bot.ui import CallbackInt, Feature, InlineKeyboardBuilder, cancel_button, show
from models.broadcasts import SegmentKind
from models.staff import AuditEntry
from services import audit, broadcasts, console_auth, health, regions, roles, scopes
from services.audit import CLI_ACTOR
from services.broadcasts import Segment
from services.persian import format_datetime, format_number, format_toman, to_fa_digits
from services.roles import Role, RoleChange, RoleChangeOutcome, parse_role, parse_user_id
from services.staff_reports import StaffReports

if TYPE_CHECKING:
    from bot.app import HamdelApp

logger = logging.getLogger("hamdel.admin")

AUDIT_PAGE_SIZE = 8
ROLES_SHOWN = 40

# Menu sections: (key, text key, roles that may open it). The other staff modules handle their
# own section's button (AdminMenu with their key) behind their own RequireRole.
SECTIONS: tuple[tuple[str, str, frozenset[Role]], ...] = (
    ("campaigns", "admin-menu-campaigns", frozenset({Role.ADMIN, Role.CAMPAIGN_MANAGER})),
    ("broadcast", "admin-menu-broadcast", frozenset({Role.ADMIN, Role.CAMPAIGN_MANAGER})),
    ("statuses", "admin-menu-statuses", frozenset({Role.ADMIN})),
    ("stats", "admin-menu-stats", frozenset(STAFF_ROLES)),
    ("export", "admin-menu-export", frozenset(STAFF_ROLES)),
    ("audit", "admin-menu-audit", frozenset({Role.ADMIN})),
    ("roles", "admin-menu-roles", frozenset({Role.ADMIN})),
    ("health", "admin-menu-health", frozenset({Role.ADMIN})),
    ("console", "console-admin-button", console_auth.CONSOLE_ROLES),
)

# /admin for anyone with a staff role; the rest for admins only.
router = Router(name="admin")
admin_router = Router(name="admin-only")
for _router, _roles in ((router, STAFF_ROLES), (admin_router, (Role.ADMIN,))):
    _router.message.middleware(RequireRole(*_roles))
    _router.callback_query.middleware(RequireRole(*_roles))
router.include_router(admin_router)


class RoleAction(CallbackData, prefix="rol"):
    action: str  # add | pick | adminok | rm | rmok | list
    user_id: CallbackInt = 0
    role: str = ""


class AuditPage(CallbackData, prefix="aud"):
    actor: CallbackInt = 0  # 0: everyone
    page: CallbackInt = 0


class AuditFilter(CallbackData, prefix="audf"):
    pass


class RolesForm(StatesGroup):
    person = State()


class AuditForm(StatesGroup):
    person = State()


def _platform(profile: PlatformProfile) -> str:
    return profile.platform.value


def menu_markup(t: Translator, held: set[Role], exports_available: bool = True) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for key, text_key, allowed in SECTIONS:
        if not held & allowed or (key == "export" and not exports_available):
            continue
        builder.button(text=t(text_key), callback_data=AdminMenu(section=key))
    builder.adjust(2)
    return builder.as_markup()


@router.message(Command("admin"))
async def admin_command(
    message: Message, state: FSMContext, t: Translator, roles: set[Role], app: HamdelApp
) -> None:
    await state.clear()
    exports_available = bool(app.reports.exporters_for(roles))
    await message.answer(
        t("admin-menu-title", roles=_names(t, roles)), reply_markup=menu_markup(t, roles, exports_available)
    )


def _names(t: Translator, held: set[Role]) -> str:
    """Roles worth naming: an admin is just "admin" (admins may do everything)."""
    shown = [Role.ADMIN] if Role.ADMIN in held else sorted(held)
    return ("، " if t.locale == "fa" else ", ").join(role_name(t, r) for r in shown)


@router.callback_query(AdminMenu.filter(F.section == "home"))
async def admin_home(
    query: CallbackQuery,
    state: FSMContext,
    t: Translator,
    roles: set[Role],
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    await state.clear()
    exports_available = bool(app.reports.exporters_for(roles))
    await show(
        query,
        t("admin-menu-title", roles=_names(t, roles)),
        menu_markup(t, roles, exports_available),
        profile,
    )


def back_to_menu(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("admin-back-to-menu"), callback_data=AdminMenu(section="home"))
    return builder.as_markup()


# --- roles ------------------------------------------------------------------------------------


async def _roles_screen(
    session: AsyncSession, t: Translator, settings: Settings, profile: PlatformProfile
) -> tuple[str, InlineKeyboardMarkup]:
    rows = await roles.granted_roles(session, platform=_platform(profile), limit=ROLES_SHOWN)
    lines = [t("admin-roles-settings-admin", user_id=str(uid)) for uid in settings.staff.admin_ids]
    lines += [
        t("admin-roles-line", user_id=str(r.user_id), role=role_name(t, r.role))
        + _provinces_part(t, scopes.parse_stored(r.provinces))
        for r in rows
        if r.role in Role._value2member_map_
    ]
    builder = InlineKeyboardBuilder()
    builder.button(text=t("admin-roles-add"), callback_data=RoleAction(action="add"))
    for r in rows:
        if r.role in Role._value2member_map_:
            builder.button(
                text=t("admin-roles-remove-button", user_id=str(r.user_id), role=role_name(t, r.role)),
                callback_data=RoleAction(action="rm", user_id=r.user_id, role=r.role),
            )
    builder.button(text=t("admin-back-to-menu"), callback_data=AdminMenu(section="home"))
    builder.adjust(1)
    body = "\n".join(lines) if lines else t("admin-roles-none")
    return t("admin-roles-title", lines=body), builder.as_markup()


@admin_router.message(Command("roles"))
async def roles_command(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> None:
    await state.clear()
    text, markup = await _roles_screen(session, t, settings, profile)
    await message.answer(text, reply_markup=markup)


@admin_router.callback_query(AdminMenu.filter(F.section == "roles"))
@admin_router.callback_query(RoleAction.filter(F.action == "list"))
async def roles_button(
    query: CallbackQuery,
    state: FSMContext,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
) -> None:
    await state.clear()
    text, markup = await _roles_screen(session, t, settings, profile)
    await show(query, text, markup, profile)


def _role_choices(t: Translator, user_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for role in Role:
        builder.button(
            text=role_name(t, role), callback_data=RoleAction(action="pick", user_id=user_id, role=role.value)
        )
    builder.row(cancel_button(t))
    builder.adjust(1)
    return builder.as_markup()


@admin_router.callback_query(RoleAction.filter(F.action == "add"))
async def roles_add(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(RolesForm.person)
    if isinstance(query.message, Message):
        builder = InlineKeyboardBuilder()
        builder.row(cancel_button(t))
        await query.message.answer(t("admin-roles-ask-person"), reply_markup=builder.as_markup())


def _forwarded_id(message: Message) -> int | None:
    origin = message.forward_origin
    sender = getattr(origin, "sender_user", None)
    if sender is not None:
        return int(sender.id)
    if message.forward_from is not None:
        return int(message.forward_from.id)
    return None


@admin_router.message(StateFilter(RolesForm.person), not_command)
async def roles_person(
    message: Message, state: FSMContext, session: AsyncSession, t: Translator, profile: PlatformProfile
) -> None:
    user_id = _forwarded_id(message) or parse_user_id(message.text)
    if user_id is None:
        key = "admin-roles-forward-hidden" if message.forward_origin is not None else "admin-roles-bad-person"
        await message.answer(t(key))
        return
    if not await roles.is_known(session, platform=_platform(profile), user_id=user_id):
        await message.answer(t("admin-roles-unknown-user", user_id=str(user_id)))
        return  # still waiting for an id: another one, or Cancel
    await state.clear()
    await message.answer(t("admin-roles-pick", user_id=str(user_id)), reply_markup=_role_choices(t, user_id))


def _provinces_part(t: Translator, provinces: frozenset[str] | None) -> str:
    """« — استان‌ها: تهران، فارس» for a role limited to provinces; nothing for a national one."""
    if provinces is None:
        return ""
    return t("admin-roles-provinces", provinces="، ".join(scopes.names(provinces, t.locale)))


def _role_change_text(t: Translator, change: RoleChange, user_id: int, role: Role) -> str:
    """What the admin is told about a role change, in their language."""
    key = {
        RoleChangeOutcome.GRANTED: "admin-roles-granted",
        RoleChangeOutcome.REVOKED: "admin-roles-revoked",
        RoleChangeOutcome.UNKNOWN_USER: "admin-roles-unknown-user",
        RoleChangeOutcome.NEEDS_CONFIRMATION: "admin-roles-confirm-admin",
        RoleChangeOutcome.ALREADY: "admin-roles-already",
        RoleChangeOutcome.NOT_HELD: "admin-roles-not-held",
        RoleChangeOutcome.FROM_SETTINGS: "admin-roles-from-settings",
        RoleChangeOutcome.NOT_SELF: "admin-roles-not-self",
        RoleChangeOutcome.SCOPED: "admin-roles-scoped",
        RoleChangeOutcome.NATIONAL_ONLY: "admin-roles-national-only",
        RoleChangeOutcome.UNKNOWN_PROVINCE: "admin-roles-unknown-province",
    }[change.outcome]
    return t(key, user_id=str(user_id), role=role_name(t, role))


def _confirm_admin(t: Translator, user_id: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("common-yes"), callback_data=RoleAction(action="adminok", user_id=user_id, role="admin")
    )
    builder.button(text=t("common-no"), callback_data=RoleAction(action="list"))
    builder.adjust(2)
    return builder.as_markup()


async def _change(
    session: AsyncSession,
    bot: Bot,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    app: HamdelApp,
    *,
    actor_id: int,
    user_id: int,
    role: Role,
    give: bool,
    confirmed: bool = False,
    provinces: frozenset[str] | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Change a role through the one service; the text and buttons to show the admin."""
    change = await roles.change_role(
        session,
        platform=_platform(profile),
        actor_id=actor_id,
        user_id=user_id,
        role=role,
        give=give,
        admin_ids=settings.staff.admin_ids,
        confirmed=confirmed,
        provinces=provinces,
    )
    text = _role_change_text(t, change, user_id, role)
    if change.outcome == RoleChangeOutcome.GRANTED:
        text += _provinces_part(t, provinces)
    if change.outcome == RoleChangeOutcome.NEEDS_CONFIRMATION:
        return text, _confirm_admin(t, user_id)
    if change.outcome == RoleChangeOutcome.GRANTED:
        person_t = app.i18n.translator(settings.locale.default_locale)
        try:
            await bot.send_message(user_id, person_t("admin-roles-you-got", role=role_name(person_t, role)))
        except TelegramAPIError as error:  # they blocked the bot since
            logger.info("could not tell %s about their new role: %s", user_id, error)
    return text, _after_change(t)


def _after_change(t: Translator) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text=t("admin-roles-back"), callback_data=RoleAction(action="list"))
    return builder.as_markup()


@admin_router.callback_query(RoleAction.filter(F.action.in_({"pick", "adminok"})))
async def roles_pick(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RoleAction,
    session: AsyncSession,
    bot: Bot,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    role = parse_role(callback_data.role)
    if role is None or callback_data.user_id <= 0:
        alert(callback_answer, t("admin-stale"))
        return
    text, markup = await _change(
        session,
        bot,
        t,
        settings,
        profile,
        app,
        actor_id=query.from_user.id,
        user_id=callback_data.user_id,
        role=role,
        give=True,
        confirmed=callback_data.action == "adminok" and role == Role.ADMIN,
    )
    await show(query, text, markup, profile)


@admin_router.callback_query(RoleAction.filter(F.action == "rm"))
async def roles_remove_ask(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RoleAction,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    role = parse_role(callback_data.role)
    if role is None:
        alert(callback_answer, t("admin-stale"))
        return
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t("admin-roles-remove-confirm"),
        callback_data=RoleAction(action="rmok", user_id=callback_data.user_id, role=role.value),
    )
    builder.button(text=t("admin-roles-back"), callback_data=RoleAction(action="list"))
    builder.adjust(1)
    await show(
        query,
        t("admin-roles-remove-ask", user_id=str(callback_data.user_id), role=role_name(t, role)),
        builder.as_markup(),
        profile,
    )


@admin_router.callback_query(RoleAction.filter(F.action == "rmok"))
async def roles_remove(
    query: CallbackQuery,
    callback_answer: CallbackAnswer,
    callback_data: RoleAction,
    session: AsyncSession,
    bot: Bot,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    role = parse_role(callback_data.role)
    if role is None:
        alert(callback_answer, t("admin-stale"))
        return
    text, markup = await _change(
        session,
        bot,
        t,
        settings,
        profile,
        app,
        actor_id=query.from_user.id,
        user_id=callback_data.user_id,
        role=role,
        give=False,
    )
    await show(query, text, markup, profile)


@admin_router.message(Command("grant", "revoke"))
async def grant_command(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    bot: Bot,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    parts = (command.args or "").split(maxsplit=2)
    user_id = parse_user_id(parts[0]) if parts else None
    role = parse_role(parts[1]) if len(parts) > 1 else None
    limited = len(parts) == 3 and command.command == "grant"
    provinces = scopes.parse_provinces(parts[2]) if limited else None
    if user_id is None or role is None or (len(parts) != 2 and not limited):
        await message.answer(t("admin-roles-usage", command=command.command))
        return
    if limited and provinces is None:
        await message.answer(t("admin-roles-unknown-province"))
        return
    assert message.from_user is not None
    text, markup = await _change(
        session,
        bot,
        t,
        settings,
        profile,
        app,
        actor_id=message.from_user.id,
        user_id=user_id,
        role=role,
        give=command.command == "grant",
        provinces=provinces,
    )
    await message.answer(text, reply_markup=markup)


@admin_router.message(Command("scope"))
async def scope_command(
    message: Message, command: CommandObject, session: AsyncSession, t: Translator, profile: PlatformProfile
) -> None:
    """/scope ID ROLE PROVINCES (names or ids, comma-separated) or «all»: which province offices
    a granted role works for (services.roles.change_scope, audited)."""
    parts = (command.args or "").split(maxsplit=2)
    user_id = parse_user_id(parts[0]) if parts else None
    role = parse_role(parts[1]) if len(parts) > 1 else None
    if user_id is None or role is None or len(parts) != 3:
        await message.answer(t("admin-roles-scope-usage"))
        return
    national = parts[2].strip().lower() in ("all", "همه", "کشور", "national")
    provinces = None if national else scopes.parse_provinces(parts[2])
    if not national and provinces is None:
        await message.answer(t("admin-roles-unknown-province"))
        return
    assert message.from_user is not None
    change = await roles.change_scope(
        session,
        platform=_platform(profile),
        actor_id=message.from_user.id,
        user_id=user_id,
        role=role,
        provinces=provinces,
    )
    text = _role_change_text(t, change, user_id, role)
    if change.outcome == RoleChangeOutcome.SCOPED:
        text += _provinces_part(t, provinces) or t("admin-roles-national")
    await message.answer(text)


# --- audit log ----------------------------------------------------------------------------------


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _label(t: Translator, prefix: str, name: str) -> str | None:
    key = f"{prefix}-{_slug(name)}"
    return t(key) if key in t.i18n.keys(t.locale) else None


# Whose status a recorded "status" is, by the action's first part: the names staff see elsewhere.
STATUS_NAMES = {"campaign": "campadm-status", "ticket": "complaints-status", "broadcast": "broadcast-status"}


def _moment(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _value_text(session: AsyncSession, t: Translator, action: str, field: str, value: Any) -> str:
    """One recorded value as staff read it: names instead of codes, Jalali dates, toman, ۰–۹."""
    if value is None or value == "" or value == []:
        return t("audit-none")
    if isinstance(value, bool):
        return t("common-yes") if value else t("common-no")
    if field == "provinces" and isinstance(value, list):
        return ("، " if t.locale == "fa" else ", ").join(scopes.names(map(str, value), t.locale))
    if field == "role" and str(value) in Role._value2member_map_:
        return role_name(t, str(value))
    if field == "roles" and isinstance(value, list):
        names = [role_name(t, r) if r in Role._value2member_map_ else str(r) for r in value]
        return ("، " if t.locale == "fa" else ", ").join(names)
    if isinstance(value, int):
        if field.endswith("_rials"):
            return format_toman(value, t.locale)
        return _digits(t, value) if field.endswith("_id") else format_number(value, t.locale)
    text = str(value)
    if field == "status":
        prefix = STATUS_NAMES.get(action.split(".", 1)[0])
        key = f"{prefix}-{text}"
        return t(key) if prefix and key in t.i18n.keys(t.locale) else text
    if field == "purpose":
        return _label(t, "campadm-purpose", text) or text
    if field in ("province_id", "county_id", "province", "county"):
        province = regions.default_regions().find_province(text)
        county = regions.default_regions().find_county(text)
        place = province or county
        return place.name(t.locale) if place is not None else text
    if field == "segment" and ":" in text:
        kind, _, segment_value = text.partition(":")
        if kind in SegmentKind._value2member_map_:
            return await broadcasts.describe_segment(
                session, Segment(SegmentKind(kind), segment_value or None), t, t.locale
            )
    if field == "format":
        return text.upper()
    if field == "image_file_id":
        return t("campadm-image-yes")
    moment = _moment(text) if re.match(r"\d{4}-\d{2}-\d{2}", text) else None
    if moment is not None:
        return format_datetime(moment, t.locale)
    return _short(to_fa_digits(text) if t.locale == "fa" else text)


def _digits(t: Translator, value: int) -> str:
    """An id: no thousands separators, Persian digits in fa."""
    return to_fa_digits(value) if t.locale == "fa" else str(value)


def _field_name(t: Translator, field: str) -> str:
    return _label(t, "audit-field", field) or field


async def _changes(session: AsyncSession, t: Translator, entry: AuditEntry) -> list[str]:
    """«مبلغ هدف: ۱٬۰۰۰ تومان → ۲٬۰۰۰ تومان», one line per changed field (at most four)."""
    before, after = entry.before or {}, entry.after or {}
    note = _note_fields(entry)
    after = {**after, **note}
    keys = list(dict.fromkeys([*after.keys(), *before.keys()]))[:4]
    lines = []
    for key in keys:
        name = _field_name(t, key)
        if key in before and key in after:
            old = await _value_text(session, t, entry.action, key, before[key])
            new = await _value_text(session, t, entry.action, key, after[key])
            lines.append(f"{name}: {old} → {new}")
        elif key in after:
            lines.append(f"{name}: {await _value_text(session, t, entry.action, key, after[key])}")
        else:
            lines.append(
                f"{name}: {await _value_text(session, t, entry.action, key, before[key])} → {t('audit-none')}"
            )
    return lines


def _note_fields(entry: AuditEntry) -> dict[str, Any]:
    """A note recorded as a JSON object (a search's filters) is shown as fields."""
    if not entry.note or not entry.note.startswith("{"):
        return {}
    try:
        fields = json.loads(entry.note)
    except ValueError:
        return {}
    return fields if isinstance(fields, dict) else {}


def _note_text(t: Translator, entry: AuditEntry) -> str | None:
    """The free-text note, if it says something to staff: the command line's machine user and
    host stay in the database (and the audit export), not on the screen."""
    if not entry.note or entry.actor_id == CLI_ACTOR or _note_fields(entry):
        return None
    return _label(t, "audit-note", entry.note) or _short(entry.note)


def _actor_text(t: Translator, actor_id: int) -> str:
    return t("audit-actor-cli") if actor_id == CLI_ACTOR else t("audit-actor-user", id=_digits(t, actor_id))


def _target_text(t: Translator, target: str | None) -> str:
    """«user:12» → «کاربر ۱۲», «campaign:3» → «پویش ۳»; a ticket number stays as it is."""
    if not target:
        return t("audit-none")
    kind, _, ident = target.partition(":")
    key = f"audit-target-{_slug(kind)}"
    if ident and key in t.i18n.keys(t.locale):
        return t(key, id=to_fa_digits(ident) if t.locale == "fa" else ident)
    return to_fa_digits(target) if t.locale == "fa" else target


def _action_text(t: Translator, action: str) -> str:
    """«message:/stats» → «پیام «/stats»», «campaign.activate» → «فعال کردن پویش», «export.tickets»
    → «خروجی «درخواست‌ها»»; unknown actions are shown as recorded."""
    whole = _label(t, "audit-action", action)
    if whole is not None:
        return whole
    if ":" in action:
        head, detail = action.split(":", 1)
    else:
        head, _, detail = action.partition(".")
    label = _label(t, "audit-action", head)
    if label is not None:
        return label + (f" «{detail}»" if detail else "")
    return action


@dataclass(frozen=True, slots=True)
class EntryText:
    """An audit entry as staff read it (the chat's /audit and the console's audit page)."""

    actor: str
    action: str
    target: str
    details: list[str]


async def describe_entry(session: AsyncSession, t: Translator, entry: AuditEntry) -> EntryText:
    details = await _changes(session, t, entry)
    note = _note_text(t, entry)
    if note:
        details.append(note)
    return EntryText(
        _actor_text(t, entry.actor_id), _action_text(t, entry.action), _target_text(t, entry.target), details
    )


async def _audit_screen(
    session: AsyncSession, t: Translator, actor: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    found = await audit.page_of(session, actor=actor, page=page, per_page=AUDIT_PAGE_SIZE)
    total, page, pages = found.total, found.page, found.pages
    lines = []
    for e in found.entries:
        line = t(
            "audit-line",
            mark="✅" if e.allowed else "⛔",
            when=format_datetime(e.at, t.locale),
            actor=_actor_text(t, e.actor_id),
            action=_action_text(t, e.action),
            target=_target_text(t, e.target),
        )
        details = await _changes(session, t, e)
        note = _note_text(t, e)
        if note:
            details.append(note)
        lines.append("\n   ".join([line, *details]))
    header = t("audit-title-person", actor=str(actor)) if actor else t("audit-title")
    body = "\n\n".join(lines) if lines else t("audit-empty")
    text = f"{header}\n{t('audit-page', page=page + 1, pages=pages, count=total)}\n\n{body}"
    builder = InlineKeyboardBuilder()
    nav = []
    if page > 0:
        nav.append((t("common-previous-page"), AuditPage(actor=actor, page=page - 1)))
    if page + 1 < pages:
        nav.append((t("common-next-page"), AuditPage(actor=actor, page=page + 1)))
    for label, data in nav:
        builder.button(text=label, callback_data=data)
    builder.button(text=t("audit-filter-button"), callback_data=AuditFilter())
    if actor:
        builder.button(text=t("audit-all-button"), callback_data=AuditPage(actor=0, page=0))
    builder.button(text=t("admin-back-to-menu"), callback_data=AdminMenu(section="home"))
    builder.adjust(max(1, len(nav)), 1)
    return text[:4000], builder.as_markup()


@admin_router.message(Command("audit"))
async def audit_command(
    message: Message, command: CommandObject, state: FSMContext, session: AsyncSession, t: Translator
) -> None:
    await state.clear()
    actor = 0
    if command.args:
        parsed = parse_user_id(command.args)
        if parsed is None:
            await message.answer(t("audit-bad-person"))
            return
        actor = parsed
    text, markup = await _audit_screen(session, t, actor, 0)
    await message.answer(text, reply_markup=markup)


@admin_router.callback_query(AdminMenu.filter(F.section == "audit"))
async def audit_button(
    query: CallbackQuery, state: FSMContext, session: AsyncSession, t: Translator, profile: PlatformProfile
) -> None:
    await state.clear()
    text, markup = await _audit_screen(session, t, 0, 0)
    await show(query, text, markup, profile)


@admin_router.callback_query(AuditPage.filter())
async def audit_page(
    query: CallbackQuery,
    callback_data: AuditPage,
    session: AsyncSession,
    t: Translator,
    profile: PlatformProfile,
) -> None:
    text, markup = await _audit_screen(session, t, max(callback_data.actor, 0), callback_data.page)
    await show(query, text, markup, profile)


@admin_router.callback_query(AuditFilter.filter())
async def audit_filter(query: CallbackQuery, state: FSMContext, t: Translator) -> None:
    await state.set_state(AuditForm.person)
    if isinstance(query.message, Message):
        builder = InlineKeyboardBuilder()
        builder.row(cancel_button(t))
        await query.message.answer(t("audit-ask-person"), reply_markup=builder.as_markup())


@admin_router.message(StateFilter(AuditForm.person), not_command)
async def audit_person(message: Message, state: FSMContext, session: AsyncSession, t: Translator) -> None:
    actor = _forwarded_id(message) or parse_user_id(message.text)
    if actor is None:
        await message.answer(t("audit-bad-person"))
        return
    await state.clear()
    text, markup = await _audit_screen(session, t, actor, 0)
    await message.answer(text, reply_markup=markup)


# --- health -------------------------------------------------------------------------------------


async def health_text(
    session: AsyncSession, t: Translator, settings: Settings, profile: PlatformProfile, reports: StaffReports
) -> str:
    database = await health.check_database(session)
    if database.ok:
        db_line = t("health-db-ok", dialect=database.dialect, ms=database.latency_ms)
    else:
        db_line = t("health-db-failed", dialect=database.dialect, error=database.error or "?")
    readings = await health.read_backlogs(session, reports.backlogs)
    if readings:
        backlog = "\n".join(
            t("health-backlog-line", name=t(r.probe.title_key), count=r.value)
            if r.value is not None
            else t("health-backlog-failed", name=t(r.probe.title_key))
            for r in readings
        )
    else:
        backlog = t("health-backlog-none")
    error = lasterror.last_error()
    if error is None:
        error_line = t("health-no-error")
    else:
        error_line = t(
            "health-last-error",
            when=format_datetime(error.at, t.locale),
            source=error.logger,
            message=(error.exception + ": " if error.exception else "") + error.message[:200],
        )
    return t(
        "health-report",
        version=bot_package.__version__,
        platform=t(f"health-platform-{profile.platform.value}"),
        mode=t("health-mode-webhook") if settings.webhook.url else t("health-mode-polling"),
        python=host_platform.python_version(),
        database=db_line,
        backlog=backlog,
        error=error_line,
    )


@admin_router.message(Command("health"))
async def health_command(
    message: Message,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    text = await health_text(session, t, settings, profile, app.reports)
    await message.answer(text, reply_markup=back_to_menu(t))


@admin_router.callback_query(AdminMenu.filter(F.section == "health"))
async def health_button(
    query: CallbackQuery,
    session: AsyncSession,
    t: Translator,
    settings: Settings,
    profile: PlatformProfile,
    app: HamdelApp,
) -> None:
    await show(query, await health_text(session, t, settings, profile, app.reports), back_to_menu(t), profile)


# Any other staff button (stale, or a section this build lacks): answered, never an error.
@router.callback_query(AdminMenu.filter(~F.section.in_({"home", *(key for key, _, _ in SECTIONS)})))
@admin_router.callback_query(RoleAction.filter())
async def stale_admin_button(query: CallbackQuery, callback_answer: CallbackAnswer, t: Translator) -> None:
    alert(callback_answer, t("admin-stale"))


async def _install_error_memory(app: HamdelApp) -> None:
    lasterror.install()


feature = Feature(
    name="admin",
    private=router,
    admin_commands=(
        ("admin", "cmd-admin"),
        ("roles", "cmd-roles"),
        ("audit", "cmd-audit"),
        ("scope", "cmd-scope"),
        ("health", "cmd-health"),
    ),
    on_startup=(_install_error_memory,),
)
