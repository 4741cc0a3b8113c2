"""The console's campaign pages: the list (status, progress from paid donations, dates), the
form to create or edit one with a preview of the card donors see in the chat, and activate,
pause and close.

For admins and campaign managers, as the chat's campaign tools (checked on the server for every
page here, refusals audited). Views read the form with the chat's own parsers
(services.campaign_admin: amounts in words or any digits, Jalali dates) and save through the
same use cases, audited with the channel "console".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jdatetime
from aiohttp import web

from bot.donation_views import card_text, purpose_name, region_text
from bot.ui import callback_int
from console import uploads
from console.server import (
    BODY_LIMITS,
    PREFIX,
    Console,
    Staff,
    console_of,
    db_of,
    not_found_page,
    refused_unless,
    staff_of,
)
from models.donation import Campaign, CampaignStatus, Purpose
from services import campaign_admin as svc
from services import campaigns as campaign_service
from services import regions
from services.campaign_admin import CampaignDraft, CampaignInputError, CampaignStateError
from services.images import ImageProblem
from services.persian import format_toman, jalali, to_fa_digits
from services.roles import Role

routes = web.RouteTableDef()

#: Who runs campaigns (as the chat's /campaigns admin tools).
MANAGERS = frozenset({Role.ADMIN, Role.CAMPAIGN_MANAGER})
ACTIONS = ("activate", "pause", "close")
DONE = ("created", "saved", "unchanged", "activate", "pause", "close")
TEXT_LIMIT = 20_000  # read no more of a field than this (the parsers refuse long ones by name)
FIELDS = ("title_fa", "title_en", "description_fa", "description_en", "goal", "starts", "ends")


def provinces_in_scope(request: web.Request) -> frozenset[str] | None:
    """The provinces the signed-in person may act on (None: all), read from the database on
    this request (console.server.signed_in): a province office sees its campaigns only."""
    return staff_of(request).scope.provinces


async def _refused(request: web.Request) -> web.Response | None:
    """A 403 (audited) unless the signed-in person may run campaigns."""
    return await refused_unless(request, MANAGERS, "campaign-role")


async def _rolled_back(request: web.Request) -> None:
    """After a refused change: nothing of it kept; the session row the page shows (its CSRF
    token) read again."""
    db = db_of(request)
    await db.rollback()
    await db.refresh(staff_of(request).session)


# -- the form ---------------------------------------------------------------------------------


@dataclass
class Form:
    """What was typed, as typed (shown again with the errors next to each field)."""

    title_fa: str = ""
    title_en: str = ""
    description_fa: str = ""
    description_en: str = ""
    purpose: str = Purpose.GENERAL.value
    province: str = ""
    county: str = ""
    goal: str = ""
    starts: str = ""
    ends: str = ""
    picture: str = ""  # a signed file id (console.uploads), or ""
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, campaign: Campaign, console: Console) -> Form:
        def day(moment: Any) -> str:
            return to_fa_digits(svc.jalali_text(jalali(moment).date()))

        return cls(
            title_fa=campaign.title_fa,
            title_en=campaign.title_en,
            description_fa=campaign.description_fa,
            description_en=campaign.description_en,
            purpose=campaign.purpose,
            province=campaign.province_id or "",
            county=campaign.county_id or "",
            goal=to_fa_digits(f"{campaign.goal_rials // 10:,}").replace(",", "٬"),
            starts=day(campaign.starts_at),
            ends=day(campaign.ends_at),
            picture=uploads.sign(console, campaign.image_file_id) if campaign.image_file_id else "",
        )


@dataclass(frozen=True, slots=True)
class Parsed:
    """A valid form's values, as the use cases take them."""

    draft: CampaignDraft
    start: jdatetime.date
    end: jdatetime.date


def _read(form: Any, console: Console) -> Form:
    def text(name: str) -> str:
        return str(form.get(name, "") or "")[:TEXT_LIMIT]

    picture = text("picture")
    return Form(
        title_fa=text("title_fa"),
        title_en=text("title_en"),
        description_fa=text("description_fa"),
        description_en=text("description_en"),
        purpose=text("purpose")[:32],
        province=text("province")[:16],
        county=text("county")[:16],
        goal=text("goal")[:200],
        starts=text("starts")[:64],
        ends=text("ends")[:64],
        picture=picture if picture and uploads.verified(console, picture) else "",
    )


def _parse(typed: Form, console: Console, scope: frozenset[str] | None) -> Parsed | None:
    """The form's values through the chat's parsers; problems go into `typed.errors` (a region
    outside the person's provinces too)."""
    values: dict[str, Any] = {}
    parsers = {
        "title_fa": svc.parse_title,
        "title_en": svc.parse_title,
        "description_fa": svc.parse_description,
        "description_en": svc.parse_description,
        "goal": svc.parse_goal,
        "starts": svc.parse_jalali_date,
        "ends": svc.parse_jalali_date,
        "purpose": svc.parse_purpose,
    }
    for name, parse in parsers.items():
        try:
            values[name] = parse(getattr(typed, name))
        except CampaignInputError as error:
            typed.errors[name] = (error.key, error.args_)
    province = typed.province or None
    county = typed.county or None
    if county and province is None:
        found = regions.default_regions().find_county(county)
        province = found.province_id if found is not None else None
    try:
        region = svc.check_region(province, county)
    except CampaignInputError as error:
        typed.errors["region"] = (error.key, error.args_)
        region = ("", None, None)
    if scope is not None and region[1] not in scope:
        typed.errors["region"] = ("console-campaign-error-scope", {})
    if "starts" in values and "ends" in values and values["ends"] < values["starts"]:
        typed.errors["ends"] = ("campadm-error-end-before-start", {})
    if typed.errors:
        return None
    draft = CampaignDraft(
        title_fa=values["title_fa"],
        title_en=values["title_en"],
        description_fa=values["description_fa"],
        description_en=values["description_en"],
        purpose=values["purpose"],
        scope=region[0],
        province_id=region[1],
        county_id=region[2],
        goal_rials=values["goal"],
        starts=svc.jalali_text(values["starts"]),
        ends=svc.jalali_text(values["ends"]),
        image_file_id=uploads.verified(console, typed.picture) if typed.picture else None,
    )
    return Parsed(draft, values["starts"], values["ends"])


async def _take_picture(request: web.Request, form: Any, typed: Form) -> None:
    """A newly chosen picture replaces the kept one (or «without a picture» drops it)."""
    console = console_of(request)
    if form.get("no_picture") == "1":
        typed.picture = ""
        return
    data = uploads.uploaded(form, "image")
    if data is None:
        return
    result = await uploads.to_messenger(console, staff_of(request), data)
    if isinstance(result, ImageProblem):
        typed.errors["image"] = (f"console-picture-{result.value}", {})
        return
    typed.picture = uploads.sign(console, result)


@dataclass(frozen=True, slots=True)
class CardPreview:
    """The card as donors see it in the chat, in one language."""

    lang: str
    text: str
    buttons: list[str]
    with_picture: bool  # the chat sends the card as the picture's caption when it fits


def _preview(console: Console, parsed: Parsed, existing: Campaign | None, totals: Any) -> list[CardPreview]:
    """The chat's campaign card (bot.donation_views.card_text, as /campaigns shows it): a new
    campaign on its first day, an edited one as of now with what it has raised."""
    campaign = svc.unsaved_campaign(parsed.draft)
    campaign.status = CampaignStatus.ACTIVE.value  # as it will be once activated
    if existing is not None:
        campaign.id = existing.id
    now = console.now() if existing is not None else campaign.starts_at
    progress = campaign_service.progress(campaign, totals, max(now, campaign.starts_at))
    shown = []
    limit = console.app.profile.max_caption_length
    for lang in ("fa", "en"):
        t = console.translator(lang)
        text = card_text(t, campaign, progress)
        buttons = [t("campaigns-donate"), t("common-home-button")]
        shown.append(CardPreview(lang, text, buttons, bool(campaign.image_file_id) and len(text) <= limit))
    return shown


def _choices(t: Any) -> dict[str, Any]:
    provinces = regions.provinces()
    return {
        "purposes": [(p.value, purpose_name(t, p.value)) for p in Purpose],
        "provinces": [(p.id, p.name(t.locale)) for p in provinces],
        "counties": [
            (p.name(t.locale), [(c.id, c.name(t.locale)) for c in regions.counties(p.id)]) for p in provinces
        ],
    }


def _render_form(
    request: web.Request,
    typed: Form,
    *,
    campaign: Campaign | None,
    preview: list[CardPreview] | None = None,
    problem: str = "",
    status: int = 200,
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    done = request.query.get("done", "")
    return console.render(
        request,
        "campaign_edit.html",
        staff.t,
        status=status,
        form=typed,
        campaign=campaign,
        preview=preview,
        picture_url=_picture_url(typed.picture),
        problem=problem,
        done=done if done in DONE else "",
        status_name=lambda value: staff.t(f"campadm-status-{value}"),
        back=request.path,
        **_choices(staff.t),
    )


def _picture_url(token: str) -> str:
    from urllib.parse import quote

    return f"{PREFIX}/campaigns/picture?f={quote(token)}" if token else ""


# -- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    campaign: Campaign
    raised: int
    donors: int
    percent: int
    region: str
    purpose: str


@routes.get(PREFIX + "/campaigns")
async def campaign_list(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    campaigns = await svc.list_campaigns(db, limit=100, provinces=provinces_in_scope(request))
    totals = await campaign_service.campaign_totals(db, [c.id for c in campaigns])
    rows = []
    for campaign in campaigns:
        total = totals.get(campaign.id, campaign_service.CampaignTotals())
        percent = total.raised_rials * 100 // campaign.goal_rials if campaign.goal_rials else 0
        rows.append(
            Row(
                campaign,
                total.raised_rials,
                total.donors,
                percent,
                region_text(staff.t, campaign.province_id, campaign.county_id),
                purpose_name(staff.t, campaign.purpose),
            )
        )
    done = request.query.get("done", "")
    return console.render(
        request,
        "campaign_list.html",
        staff.t,
        rows=rows,
        done=done if done in DONE else "",
        status_name=lambda value: staff.t(f"campadm-status-{value}"),
        toman_of=lambda rials: format_toman(rials, staff.t.locale),
        back=request.path,
    )


@routes.get(PREFIX + "/campaigns/picture")
async def campaign_picture(request: web.Request) -> web.StreamResponse:
    """A picture of the form or of a campaign (only a file id this console signed)."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    file_id = uploads.verified(console, request.query.get("f", ""))
    if file_id is None:
        raise web.HTTPNotFound()
    return await uploads.picture(console, file_id)


# -- creating ---------------------------------------------------------------------------------


@routes.get(PREFIX + "/campaigns/new")
async def campaign_new(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    return _render_form(request, Form(), campaign=None)


@routes.post(PREFIX + "/campaigns/new")
async def campaign_create(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    form = await request.post()
    typed = _read(form, console)
    await _take_picture(request, form, typed)
    parsed = _parse(typed, console, provinces_in_scope(request))
    if parsed is not None and parsed.end < svc.tehran_today(console.now()):
        typed.errors["ends"] = ("campadm-error-end-past", {})
        parsed = None
    if parsed is None:
        return _render_form(request, typed, campaign=None, status=400)
    if form.get("do") != "save" or typed.errors:
        preview = _preview(console, parsed, None, campaign_service.CampaignTotals())
        return _render_form(request, typed, campaign=None, preview=preview)
    try:
        campaign = await svc.create_campaign(
            db,
            parsed.draft,
            platform=console.platform,
            actor_id=staff.user_id,
            now=console.now(),
            channel="console",
        )
    except CampaignInputError as error:
        typed.errors["form"] = (error.key, error.args_)
        return _render_form(request, typed, campaign=None, status=400)
    return web.HTTPSeeOther(f"{PREFIX}/campaigns/{campaign.id}?done=created")


# -- one campaign -----------------------------------------------------------------------------


async def _campaign_or_404(request: web.Request) -> Campaign | web.Response:
    campaign = await svc.get_campaign(db_of(request), callback_int(request.match_info["campaign_id"], 0))
    if campaign is None or not svc.in_scope(campaign, provinces_in_scope(request)):
        return not_found_page(request, "console-campaign-not-found")
    return campaign


@routes.get(PREFIX + "/campaigns/{campaign_id:\\d+}")
async def campaign_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    campaign = await _campaign_or_404(request)
    if isinstance(campaign, web.Response):
        return campaign
    typed = Form.of(campaign, console)
    parsed = _parse(typed, console, provinces_in_scope(request))
    preview = None
    if parsed is not None:
        totals = await campaign_service.campaign_total(db_of(request), campaign.id)
        preview = _preview(console, parsed, campaign, totals)
    return _render_form(request, typed, campaign=campaign, preview=preview)


async def _apply(
    request: web.Request, campaign: Campaign, parsed: Parsed, staff: Staff
) -> tuple[bool, tuple[str, str, dict[str, Any]] | None]:
    """Save each changed field through the chat's edit use case (each audited); (changed, the
    field and text of the first refusal)."""
    console = console_of(request)
    db = db_of(request)
    draft = parsed.draft
    before = svc.draft_of(campaign)
    if (parsed.start, parsed.end) != (before.start_date, before.end_date):
        try:  # both dates checked together before anything is saved
            svc.check_dates(parsed.start, parsed.end, svc.tehran_today(console.now()))
        except CampaignInputError as error:
            return False, ("ends", error.key, error.args_)
    current: dict[str, Any] = {
        "title_fa": before.title_fa,
        "title_en": before.title_en,
        "description_fa": before.description_fa,
        "description_en": before.description_en,
        "purpose": before.purpose,
        "region": (before.province_id, before.county_id),
        "goal": before.goal_rials,
        "starts": before.start_date,
        "ends": before.end_date,
        "image": before.image_file_id,
    }
    current_start = before.start_date
    dates: list[tuple[str, Any]] = [("starts", parsed.start), ("ends", parsed.end)]
    if parsed.start > before.end_date or parsed.end < current_start:
        dates.reverse()  # move the end first when the new start is past the old end (and back)
    changes: list[tuple[str, Any]] = [
        ("title_fa", draft.title_fa),
        ("title_en", draft.title_en),
        ("description_fa", draft.description_fa),
        ("description_en", draft.description_en),
        ("purpose", draft.purpose),
        ("region", (draft.province_id, draft.county_id)),
        ("goal", draft.goal_rials),
        *dates,
        ("image", draft.image_file_id),
    ]
    changed = False
    for name, value in changes:
        if current[name] == value:
            continue  # unchanged (an ended campaign's title can still be fixed)
        try:
            changed |= await svc.update_field(
                db,
                campaign,
                name,
                value,
                platform=console.platform,
                actor_id=staff.user_id,
                now=console.now(),
                channel="console",
            )
        except (CampaignInputError, CampaignStateError) as error:
            await _rolled_back(request)
            return changed, (name, error.key, error.args_)
    return changed, None


@routes.post(PREFIX + "/campaigns/{campaign_id:\\d+}")
async def campaign_save(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    campaign = await _campaign_or_404(request)
    if isinstance(campaign, web.Response):
        return campaign
    form = await request.post()
    typed = _read(form, console)
    await _take_picture(request, form, typed)
    if campaign.status == CampaignStatus.CLOSED.value:
        return _render_form(request, typed, campaign=campaign, problem="campadm-error-closed", status=409)
    parsed = _parse(typed, console, provinces_in_scope(request))
    if parsed is None:
        return _render_form(request, typed, campaign=campaign, status=400)
    totals = await campaign_service.campaign_total(db, campaign.id)
    if form.get("do") != "save" or typed.errors:
        return _render_form(
            request, typed, campaign=campaign, preview=_preview(console, parsed, campaign, totals)
        )
    campaign_id = campaign.id
    changed, refused = await _apply(request, campaign, parsed, staff)
    if refused is not None:
        name, key, args = refused
        typed.errors[name if name in (*FIELDS, "region", "image") else "form"] = (key, args)
        fresh = await svc.get_campaign(db, campaign_id)
        return _render_form(request, typed, campaign=fresh, status=400)
    return web.HTTPSeeOther(f"{PREFIX}/campaigns/{campaign_id}?done={'saved' if changed else 'unchanged'}")


@routes.get(PREFIX + "/campaigns/{campaign_id:\\d+}/close")
async def campaign_close_page(request: web.Request) -> web.Response:
    """Closing is final: a page that asks first (as the chat does)."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    campaign = await _campaign_or_404(request)
    if isinstance(campaign, web.Response):
        return campaign
    staff = staff_of(request)
    return console_of(request).render(
        request, "campaign_close.html", staff.t, campaign=campaign, back=request.path
    )


@routes.post(PREFIX + "/campaigns/{campaign_id:\\d+}/{action}")
async def campaign_status(request: web.Request) -> web.StreamResponse:
    """Activate, pause or close (the chat's use case: a second press changes nothing)."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound()
    campaign = await _campaign_or_404(request)
    if isinstance(campaign, web.Response):
        return campaign
    campaign_id = campaign.id
    try:
        await svc.change_status(
            db,
            campaign_id,
            action,
            platform=console.platform,
            actor_id=staff.user_id,
            now=console.now(),
            channel="console",
        )
    except CampaignStateError as error:
        await _rolled_back(request)
        fresh = await svc.get_campaign(db, campaign_id)
        assert fresh is not None
        typed = Form.of(fresh, console)
        return _render_form(request, typed, campaign=fresh, problem=error.key, status=409)
    return web.HTTPSeeOther(f"{PREFIX}/campaigns/{campaign_id}?done={action}")


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
    application[BODY_LIMITS][f"{PREFIX}/campaigns"] = uploads.UPLOAD_LIMIT  # forms with a picture
