"""The console's roles page: the staff with their roles and provinces, granting and removing a
role (granting admin asks again first), and a role's province offices (a picker of the 31
provinces). Admins only (admins are national), checked on the server for every page and form,
refusals audited. Every change goes through services.roles, as /grant and /scope in the chat do
(only people the bot has seen get a role; audited with channel "console").
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.menus import role_name
from console.server import PREFIX, console_of, db_of, forbidden, staff_of
from services import regions, roles, scopes, ticket_desk
from services.roles import Role, RoleChangeOutcome, parse_role, parse_user_id

routes = web.RouteTableDef()

DONE = tuple(outcome.value for outcome in RoleChangeOutcome)


async def _refused(request: web.Request) -> web.Response | None:
    """A 403 (audited) unless the signed-in person is an admin."""
    if staff_of(request).national_admin:
        return None
    return await forbidden(request, console_of(request), db_of(request), "admin-role")


def _chosen_provinces(form: Any) -> frozenset[str] | None:
    """The ticked provinces (None: none ticked, the whole country)."""
    ticked = frozenset(str(value) for value in form.getall("province", []))
    return ticked or None


def _redirect(outcome: str, user_id: int = 0) -> web.HTTPSeeOther:
    suffix = f"&user={user_id}" if user_id else ""
    return web.HTTPSeeOther(f"{PREFIX}/roles?done={outcome}{suffix}")


@routes.get(PREFIX + "/roles")
async def roles_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    return await _render(request)


async def _render(request: web.Request, *, status: int = 200, **extra: Any) -> web.Response:
    console = console_of(request)
    db = db_of(request)
    staff = staff_of(request)
    members = await roles.staff_list(
        db, platform=console.platform, admin_ids=console.app.settings.staff.admin_ids
    )
    names = await ticket_desk.staff_names(db, platform=console.platform, ids=[m.user_id for m in members])
    done = request.query.get("done", "")
    context: dict[str, Any] = {
        "members": members,
        "names": names,
        "roles": list(Role),
        "role_name": lambda role: role_name(staff.t, role),
        "province_names": lambda ids: scopes.names(ids, staff.t.locale),
        "provinces": regions.provinces(),
        "done": done if done in DONE else "",
        "done_user": request.query.get("user", "")[:16],
        "confirm": None,
        "form": {},
        "back": PREFIX + "/roles",
    }
    context.update(extra)
    return console.render(request, "roles.html", staff.t, status=status, **context)


@routes.post(PREFIX + "/roles/grant")
async def grant(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    form = await request.post()
    user_id = parse_user_id(str(form.get("user_id", "")))
    role = parse_role(str(form.get("role", "")))
    provinces = _chosen_provinces(form)
    kept = {
        "user_id": str(form.get("user_id", ""))[:32],
        "role": str(form.get("role", "")),
        "ticked": provinces,
    }
    if user_id is None or role is None:
        return await _render(request, status=400, problem="bad-person" if role else "bad-role", form=kept)
    change = await roles.change_role(
        db_of(request),
        platform=console.platform,
        actor_id=staff.user_id,
        user_id=user_id,
        role=role,
        give=True,
        admin_ids=console.app.settings.staff.admin_ids,
        confirmed=form.get("confirm") == "1",
        provinces=provinces,
        channel="console",
    )
    if change.outcome == RoleChangeOutcome.NEEDS_CONFIRMATION:
        return await _render(request, confirm=user_id, form=kept)
    if change.outcome in (RoleChangeOutcome.UNKNOWN_USER, RoleChangeOutcome.UNKNOWN_PROVINCE):
        return await _render(request, status=400, problem=change.outcome.value, form=kept)
    return _redirect(change.outcome.value, user_id)


@routes.post(PREFIX + "/roles/revoke")
async def revoke(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    form = await request.post()
    user_id = parse_user_id(str(form.get("user_id", "")))
    role = parse_role(str(form.get("role", "")))
    if user_id is None or role is None:
        raise web.HTTPBadRequest()
    change = await roles.change_role(
        db_of(request),
        platform=console.platform,
        actor_id=staff_of(request).user_id,
        user_id=user_id,
        role=role,
        give=False,
        admin_ids=console.app.settings.staff.admin_ids,
        channel="console",
    )
    return _redirect(change.outcome.value, user_id)


@routes.post(PREFIX + "/roles/scope")
async def scope(request: web.Request) -> web.StreamResponse:
    """A granted role's provinces: the ticked ones, or the whole country when none is ticked."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    form = await request.post()
    user_id = parse_user_id(str(form.get("user_id", "")))
    role = parse_role(str(form.get("role", "")))
    if user_id is None or role is None:
        raise web.HTTPBadRequest()
    change = await roles.change_scope(
        db_of(request),
        platform=console.platform,
        actor_id=staff_of(request).user_id,
        user_id=user_id,
        role=role,
        provinces=_chosen_provinces(form),
        channel="console",
    )
    if change.outcome == RoleChangeOutcome.UNKNOWN_PROVINCE:
        return await _render(request, status=400, problem=change.outcome.value)
    return _redirect(change.outcome.value, user_id)


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
