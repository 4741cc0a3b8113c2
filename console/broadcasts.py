"""The console's broadcast pages: the composer (fa/en text, a photo, a button, a segment with its
recipient count, now or at a Jalali date and time), the review with the message exactly as
recipients get it, the history, and a running broadcast's live progress with pause, resume and
cancel.

For the roles the chat's /broadcast requires (admins and campaign managers), checked on the
server for every page. The same rules and the same engine as the chat's composer: a draft row
(services.broadcasts.create_draft), the same checks (check_text, clean_url, Segment.valid,
parse_schedule), the duplicate warning, `confirm` (which refuses an empty segment or a moment
past), `control` for pause/resume/cancel, audited with the channel "console", and the delivery
engine woken. The engine reports to the author's chat as it does for the chat's composer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.broadcast_delivery import duration
from bot.broadcast_views import render_broadcast
from bot.ui import callback_int
from console import uploads
from console.campaigns import MANAGERS, provinces_in_scope
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
from console.views import LIVE_RELOAD, Live
from handlers.broadcasts import SCHEDULE_EXAMPLE
from models.broadcasts import Broadcast, BroadcastStatus, ButtonKind, SegmentKind, Topic
from services import audit, broadcasts, regions, roles
from services import campaigns as campaign_service
from services.broadcasts import (
    ConfirmOutcome,
    ContentProblem,
    ControlOutcome,
    Progress,
    ScheduleProblem,
    Segment,
)
from services.delivery import Content, DeliveryEngine
from services.images import ImageProblem
from services.subscriptions import topic_key

routes = web.RouteTableDef()

CONTROLS = ("pause", "resume", "cancel")
DONE = ("sent", "scheduled", "pause", "resume", "cancel", "unchanged", "unsure", "discarded")
PROGRESS_EVERY_MS = 2_000  # a running broadcast's page asks this often whether it moved
FIELD_LIMIT = 100_000  # read no more of a text field than this (longer is refused by its length)


async def _refused(request: web.Request) -> web.Response | None:
    return await refused_unless(request, MANAGERS, "broadcast-role")


def _rate(console: Console) -> float:
    settings = console.app.settings
    return settings.broadcast.rate_for(settings.platform, paid=console.app.paid_broadcasts)


def _wake(console: Console) -> None:
    engine = console.app.dispatcher.workflow_data.get("delivery")
    if isinstance(engine, DeliveryEngine):
        engine.wake()


async def _audit(
    console: Console, db: AsyncSession, staff: Staff, action: str, target: str, **kw: Any
) -> None:
    await audit.record(
        db,
        platform=console.platform,
        actor_id=staff.user_id,
        action=action,
        target=target,
        channel="console",
        **kw,
    )


# -- segments ---------------------------------------------------------------------------------


def segment_of(value: str) -> Segment | None:
    """A segment from the form's one choice («all», «topic:new_campaigns», «province:<id>»…)."""
    kind, _, rest = value.partition(":")
    if kind not in SegmentKind._value2member_map_:
        return None
    segment = Segment(SegmentKind(kind), rest or None)
    if segment.kind is SegmentKind.PROVINCE and regions.default_regions().find_province(rest) is None:
        return None
    return segment if segment.valid() else None


def segment_value(segment: Segment) -> str:
    return segment.kind.value if segment.value is None else f"{segment.kind.value}:{segment.value}"


async def _segment_choices(
    db: AsyncSession, t: Any, provinces: frozenset[str] | None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """The segments as the chat's composer offers them, grouped (an officer's: their provinces
    and their provinces' campaigns' donors, broadcasts.segment_within)."""
    donors_group = (
        t("broadcast-segment-donors-button"),
        [
            (f"donors:{c.id}", c.title(t.locale)[:60])
            for c in await broadcasts.recent_campaigns(db, provinces=provinces)
        ],
    )
    province_group = (
        t("broadcast-segment-province-button"),
        [
            (f"province:{p.id}", p.name(t.locale))
            for p in regions.provinces()
            if provinces is None or p.id in provinces
        ],
    )
    if provinces is not None:
        return [group for group in (donors_group, province_group) if group[1]]
    return [
        (t("broadcast-segment-all-button"), [("all", t("broadcast-segment-all"))]),
        (
            t("broadcast-segment-topic-button"),
            [(f"topic:{topic.value}", t(topic_key(topic))) for topic in Topic],
        ),
        donors_group,
        province_group,
        (
            t("broadcast-segment-language-button"),
            [(f"language:{code}", t(f"broadcast-language-{code}")) for code in broadcasts.LANGUAGES],
        ),
    ]


@routes.get(PREFIX + "/broadcasts/count")
async def recipient_count(request: web.Request) -> web.Response:
    """The live recipient count of a segment (JSON, for static/broadcast-count.js)."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    segment = segment_of(request.query.get("segment", "")[:64])
    if segment is None or not await broadcasts.segment_within(db, segment, provinces_in_scope(request)):
        raise web.HTTPNotFound()
    count = await broadcasts.count_recipients(db, console.platform, segment)
    await db.rollback()  # a poll is not the person's activity
    return web.json_response({"count": count, "text": staff.t("console-broadcast-count", count=count)})


# -- the composer -----------------------------------------------------------------------------


@dataclass
class Compose:
    """The composer's fields as typed (shown again with the problems next to each)."""

    text_fa: str = ""
    text_en: str = ""
    photo: str = ""  # a signed file id (console.uploads), or ""
    button: str = ""  # "" | "url" | "campaign:<id>"
    url: str = ""
    segment: str = "all"
    when: str = ""
    errors: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, draft: Broadcast, console: Console, when: str = "") -> Compose:
        button = ""
        if draft.button_kind == ButtonKind.URL.value:
            button = "url"
        elif draft.button_kind == ButtonKind.CAMPAIGN.value and draft.button_campaign_id:
            button = f"campaign:{draft.button_campaign_id}"
        return cls(
            text_fa=draft.text_fa or "",
            text_en=draft.text_en or "",
            photo=uploads.sign(console, draft.photo_file_id) if draft.photo_file_id else "",
            button=button,
            url=draft.button_url or "",
            segment=segment_value(Segment.of(draft)),
            when=when,
        )


def _read(form: Any, console: Console) -> Compose:
    def text(name: str, limit: int = FIELD_LIMIT) -> str:
        return str(form.get(name, "") or "").replace("\r\n", "\n")[:limit]

    photo = text("photo", 400)
    return Compose(
        text_fa=text("text_fa").strip(),
        text_en=text("text_en").strip(),
        photo=photo if photo and uploads.verified(console, photo) else "",
        button=text("button", 32),
        url=text("url", 2100).strip(),
        segment=text("segment", 64) or "all",
        when=text("when", 64).strip(),
    )


def _text_error(problem: ContentProblem, text: str, console: Console) -> tuple[str, dict[str, Any]]:
    profile = console.app.profile
    if problem is ContentProblem.EMPTY:
        return "broadcast-empty-text", {}
    if problem is ContentProblem.CAPTION_TOO_LONG:
        return "broadcast-caption-too-long", {"limit": profile.max_caption_length, "length": len(text)}
    return "broadcast-too-long", {"limit": profile.max_text_length, "length": len(text)}


_SCHEDULE_KEYS = {
    ScheduleProblem.FORMAT: "broadcast-schedule-format",
    ScheduleProblem.INVALID: "broadcast-schedule-invalid",
    ScheduleProblem.PAST: "broadcast-schedule-past",
    ScheduleProblem.TOO_FAR: "broadcast-schedule-too-far",
}


def _schedule(typed: Compose, console: Console) -> datetime | None:
    """The moment to send at (None: now); a problem goes into `typed.errors`."""
    if not typed.when:
        return None
    parsed = broadcasts.parse_schedule(typed.when, now=console.now())
    if isinstance(parsed, ScheduleProblem):
        typed.errors["when"] = (_SCHEDULE_KEYS[parsed], {"example": SCHEDULE_EXAMPLE})
        return None
    return parsed


async def _check(request: web.Request, typed: Compose) -> tuple[Segment | None, Any]:
    """The chat composer's rules on what was typed: (the segment, the button's campaign)."""
    console = console_of(request)
    db = db_of(request)
    profile = console.app.profile
    with_photo = bool(typed.photo)
    for name in ("text_fa", "text_en"):
        value = getattr(typed, name)
        if name == "text_en" and not value:
            continue
        problem = broadcasts.check_text(
            value,
            with_photo=with_photo,
            max_text=profile.max_text_length,
            max_caption=profile.max_caption_length,
        )
        if problem is not None:
            typed.errors[name] = _text_error(problem, value, console)
    campaign = None
    if typed.button == "url":
        cleaned = broadcasts.clean_url(typed.url)
        if cleaned is None:
            typed.errors["url"] = ("broadcast-bad-url", {})
        else:
            typed.url = cleaned
    elif typed.button.startswith("campaign:"):
        campaign_id = callback_int(typed.button.partition(":")[2], 0)
        campaign = await campaign_service.get_campaign(db, campaign_id) if campaign_id else None
        if campaign is None or not campaign_service.is_open(campaign, console.now()):
            typed.errors["button"] = ("console-broadcast-error-campaign", {})
    elif typed.button:
        typed.errors["button"] = ("console-broadcast-error-button", {})
    segment = segment_of(typed.segment)
    if segment is None or not await broadcasts.segment_within(db, segment, provinces_in_scope(request)):
        typed.errors["segment"] = ("console-broadcast-error-segment", {})
        segment = None
    _schedule(typed, console)
    return segment, campaign


def _fill(draft: Broadcast, typed: Compose, segment: Segment, campaign: Any, console: Console) -> None:
    """The draft row as the chat's composer fills it (the same button labels)."""
    i18n = console.app.i18n
    draft.text_fa = typed.text_fa
    draft.text_en = typed.text_en or None
    draft.photo_file_id = uploads.verified(console, typed.photo) if typed.photo else None
    draft.button_kind = draft.button_url = draft.button_campaign_id = None
    draft.button_text_fa = draft.button_text_en = None
    if typed.button == "url":
        draft.button_kind = ButtonKind.URL.value
        draft.button_url = typed.url
        draft.button_text_fa = i18n.text("fa", "broadcast-button-link")
        draft.button_text_en = i18n.text("en", "broadcast-button-link")
    elif campaign is not None:
        draft.button_kind = ButtonKind.CAMPAIGN.value
        draft.button_campaign_id = campaign.id
        for locale in ("fa", "en"):
            title = campaign.title(locale)
            title = title if len(title) <= 40 else title[:39] + "…"
            setattr(
                draft, f"button_text_{locale}", i18n.text(locale, "broadcast-button-campaign", title=title)
            )
    draft.segment_kind = segment.kind.value
    draft.segment_value = segment.value


async def _render_compose(
    request: web.Request,
    typed: Compose,
    *,
    draft_id: int | None = None,
    count: int | None = None,
    status: int = 200,
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    provinces = provinces_in_scope(request)
    if count is None and typed.segment:
        segment = segment_of(typed.segment)
        if segment is not None and await broadcasts.segment_within(db, segment, provinces):
            count = await broadcasts.count_recipients(db, console.platform, segment)
    open_campaigns = (await campaign_service.active_campaigns(db, console.now()))[:20]
    return console.render(
        request,
        "broadcast_compose.html",
        staff.t,
        status=status,
        form=typed,
        draft_id=draft_id,
        count=count,
        segments=await _segment_choices(db, staff.t, provinces),
        campaigns=[(f"campaign:{c.id}", c.title(staff.t.locale)[:60]) for c in open_campaigns],
        picture_url=_picture_url(typed.photo),
        example=SCHEDULE_EXAMPLE,
        limits=(console.app.profile.max_text_length, console.app.profile.max_caption_length),
        back=request.path,
    )


def _picture_url(token: str) -> str:
    return f"{PREFIX}/campaigns/picture?f={quote(token)}" if token else ""


@routes.get(PREFIX + "/broadcasts/new")
async def compose_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    provinces = provinces_in_scope(request)
    first = "all" if provinces is None else f"province:{sorted(provinces)[0]}" if provinces else ""
    return await _render_compose(request, Compose(segment=first))


async def _compose(request: web.Request, draft: Broadcast | None) -> web.StreamResponse:
    """A composer's POST: «count» shows the form again with its count; «review» saves the draft
    (new or the same one) and shows it as recipients will get it."""
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    form = await request.post()
    typed = _read(form, console)
    if form.get("no_photo") == "1":
        typed.photo = ""
    data = uploads.uploaded(form, "image")
    if data is not None and form.get("no_photo") != "1":
        result = await uploads.to_messenger(console, staff, data)
        if isinstance(result, ImageProblem):
            typed.errors["image"] = (f"console-picture-{result.value}", {})
        else:
            typed.photo = uploads.sign(console, result)
    segment, campaign = await _check(request, typed)
    draft_id = draft.id if draft is not None else None
    if typed.errors or segment is None:
        return await _render_compose(request, typed, draft_id=draft_id, status=400)
    if form.get("do") != "review":
        return await _render_compose(request, typed, draft_id=draft_id)
    if draft is None:
        held = await roles.roles_of(
            db,
            platform=console.platform,
            user_id=staff.user_id,
            admin_ids=console.app.settings.staff.admin_ids,
        )
        draft = await broadcasts.create_draft(
            db,
            platform=console.platform,
            author_id=staff.user_id,
            author_role=broadcasts.author_role(held),
            author_language=staff.t.locale,
            now=console.now(),
        )
    _fill(draft, typed, segment, campaign, console)
    await db.flush()
    query = urlencode({"when": typed.when}) if typed.when else ""
    return web.HTTPSeeOther(f"{PREFIX}/broadcasts/{draft.id}/review" + (f"?{query}" if query else ""))


@routes.post(PREFIX + "/broadcasts/new")
async def compose(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    return await _compose(request, None)


def _broadcast_id(request: web.Request) -> int:
    value = callback_int(request.match_info["broadcast_id"], 0)
    if value <= 0:
        raise web.HTTPNotFound()
    return value


async def _own_draft(request: web.Request) -> Broadcast | web.Response:
    """The signed-in person's draft (as the chat: only its author confirms it)."""
    db = db_of(request)
    draft = await broadcasts.get_draft(db, _broadcast_id(request), staff_of(request).user_id)
    if draft is None or not await broadcasts.in_scope(db, draft, provinces_in_scope(request)):
        return not_found_page(request, "console-broadcast-not-draft")
    return draft


@routes.get(PREFIX + "/broadcasts/{broadcast_id:\\d+}/edit")
async def edit_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    draft = await _own_draft(request)
    if isinstance(draft, web.Response):
        return draft
    typed = Compose.of(draft, console_of(request), request.query.get("when", "")[:64])
    return await _render_compose(request, typed, draft_id=draft.id)


@routes.post(PREFIX + "/broadcasts/{broadcast_id:\\d+}/edit")
async def edit(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    draft = await _own_draft(request)
    if isinstance(draft, web.Response):
        return draft
    return await _compose(request, draft)


# -- the review and the confirmation ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    """The message in one language exactly as a recipient gets it."""

    lang: str
    text: str
    photo: str
    buttons: list[str]


def _shown(console: Console, draft: Broadcast) -> list[Shown]:
    content = Content.of(draft)
    result = []
    for lang in ["fa", "en"] if draft.text_en else ["fa"]:
        text, photo, markup = render_broadcast(content, lang, console.translator(lang))
        buttons = [button.text for row in markup.inline_keyboard for button in row]
        result.append(Shown(lang, text, _picture_url(uploads.sign(console, photo)) if photo else "", buttons))
    return result


async def _render_review(
    request: web.Request,
    draft: Broadcast,
    *,
    when: str,
    problem: str = "",
    duplicate: Broadcast | None = None,
    status: int = 200,
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    segment = Segment.of(draft)
    count = await broadcasts.count_recipients(db, console.platform, segment)
    moment = broadcasts.parse_schedule(when, now=console.now()) if when else None
    return console.render(
        request,
        "broadcast_review.html",
        staff.t,
        status=status,
        draft=draft,
        shown=_shown(console, draft),
        segment=await broadcasts.describe_segment(db, segment, staff.t, staff.t.locale),
        count=count,
        eta=duration(staff.t, count / _rate(console)),
        when_text=when,
        moment=moment if isinstance(moment, datetime) else None,
        problem=problem,
        duplicate=duplicate,
        back=request.path,
    )


@routes.get(PREFIX + "/broadcasts/{broadcast_id:\\d+}/review")
async def review(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    draft = await _own_draft(request)
    if isinstance(draft, web.Response):
        return draft
    return await _render_review(request, draft, when=request.query.get("when", "")[:64])


@routes.post(PREFIX + "/broadcasts/{broadcast_id:\\d+}/confirm")
async def confirm(request: web.Request) -> web.StreamResponse:
    """Send now or schedule: the chat's confirmation (a duplicate within a day is asked about
    first; an empty segment or a moment past is refused; a second press does nothing)."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    form = await request.post()
    when = str(form.get("when", ""))[:64].strip()
    draft = await _own_draft(request)
    if isinstance(draft, web.Response):
        existing = await db.get(Broadcast, _broadcast_id(request))
        if existing is not None and existing.author_id == staff.user_id:
            return web.HTTPSeeOther(f"{PREFIX}/broadcasts/{existing.id}")  # a second press
        return draft
    now = console.now()
    scheduled_at = None
    if when:
        parsed = broadcasts.parse_schedule(when, now=now)
        if isinstance(parsed, ScheduleProblem):
            return await _render_review(request, draft, when=when, problem=_SCHEDULE_KEYS[parsed], status=400)
        scheduled_at = parsed
    elif form.get("anyway") != "1":
        duplicate = await broadcasts.find_duplicate(db, draft, now=now)
        if duplicate is not None and duplicate.confirmed_at is not None:
            return await _render_review(request, draft, when=when, duplicate=duplicate, status=409)
    outcome, broadcast = await broadcasts.confirm(
        db, draft.id, author_id=staff.user_id, now=now, scheduled_at=scheduled_at
    )
    if outcome is ConfirmOutcome.PAST:
        return await _render_review(request, draft, when=when, problem="broadcast-schedule-past", status=400)
    if outcome is ConfirmOutcome.EMPTY_SEGMENT:
        return await _render_review(
            request, draft, when=when, problem="console-broadcast-empty-segment", status=400
        )
    if outcome is ConfirmOutcome.NOT_DRAFT or broadcast is None:
        return web.HTTPSeeOther(f"{PREFIX}/broadcasts/{draft.id}")
    await _audit(
        console,
        db,
        staff,
        "broadcast.schedule" if scheduled_at else "broadcast.send",
        f"broadcast:{broadcast.id}",
        after={
            "segment": f"{broadcast.segment_kind}:{broadcast.segment_value or ''}",
            "recipients": broadcast.estimate,
            "scheduled_at": scheduled_at.isoformat() if scheduled_at else None,
        },
    )
    await db.commit()  # durable before the engine looks
    _wake(console)
    return web.HTTPSeeOther(
        f"{PREFIX}/broadcasts/{broadcast.id}?done={'scheduled' if scheduled_at else 'sent'}"
    )


@routes.post(PREFIX + "/broadcasts/{broadcast_id:\\d+}/discard")
async def discard(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    draft = await _own_draft(request)
    if isinstance(draft, web.Response):
        return draft
    await broadcasts.control(
        db_of(request), draft.id, "cancel", actor_id=staff_of(request).user_id, now=console.now()
    )
    return web.HTTPSeeOther(f"{PREFIX}/broadcasts?done=discarded")


# -- history and progress ---------------------------------------------------------------------


@routes.get(PREFIX + "/broadcasts")
async def history(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    items = await broadcasts.recent(db, console.platform, limit=100, provinces=provinces_in_scope(request))
    rows = [
        (item, await broadcasts.describe_segment(db, Segment.of(item), staff.t, staff.t.locale))
        for item in items
    ]
    done = request.query.get("done", "")
    return console.render(
        request,
        "broadcast_list.html",
        staff.t,
        rows=rows,
        done=done if done in DONE else "",
        back=request.path,
    )


async def _visible(request: web.Request) -> Broadcast | web.Response:
    db = db_of(request)
    broadcast = await db.get(Broadcast, _broadcast_id(request), populate_existing=True)
    if broadcast is None or not await broadcasts.in_scope(db, broadcast, provinces_in_scope(request)):
        return not_found_page(request, "console-broadcast-not-found")
    if broadcast.status == BroadcastStatus.DRAFT.value:
        if broadcast.author_id == staff_of(request).user_id:
            return web.HTTPSeeOther(f"{PREFIX}/broadcasts/{broadcast.id}/review")
        return not_found_page(request, "console-broadcast-not-found")
    return broadcast


def _stamp(snapshot: Progress) -> str:
    return f"{snapshot.status}:{snapshot.sent}:{snapshot.failed}:{snapshot.blocked}:{snapshot.skipped}:{snapshot.remaining}"


@routes.get(PREFIX + "/broadcasts/{broadcast_id:\\d+}")
async def progress_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    if request.query.get("live") == "1":
        await db.rollback()  # shown again by live.js: not the person's activity
        await db.refresh(staff.session)
    broadcast = await _visible(request)
    if isinstance(broadcast, web.Response):
        return broadcast
    snapshot = await broadcasts.progress(db, broadcast.id, rate=_rate(console), now=console.now())
    assert snapshot is not None
    live = None
    if not snapshot.finished:
        here = f"{PREFIX}/broadcasts/{broadcast.id}"
        live = Live(f"{here}/changes", _stamp(snapshot), f"{here}?{LIVE_RELOAD}", PROGRESS_EVERY_MS)
    done = request.query.get("done", "")
    return console.render(
        request,
        "broadcast_progress.html",
        staff.t,
        broadcast=broadcast,
        progress=snapshot,
        shown=_shown(console, broadcast),
        segment=await broadcasts.describe_segment(db, Segment.of(broadcast), staff.t, staff.t.locale),
        eta=duration(staff.t, snapshot.eta_seconds) if snapshot.eta_seconds is not None else "",
        live=live,
        done=done if done in DONE else "",
        back=request.path,
    )


@routes.get(PREFIX + "/broadcasts/{broadcast_id:\\d+}/changes")
async def progress_changes(request: web.Request) -> web.Response:
    """A running broadcast's stamp, for live updates (JSON)."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    await db.rollback()  # a poll is not the person's activity
    broadcast = await db.get(Broadcast, _broadcast_id(request))
    if broadcast is None or not await broadcasts.in_scope(db, broadcast, provinces_in_scope(request)):
        raise web.HTTPNotFound()
    snapshot = await broadcasts.progress(db, broadcast.id, rate=_rate(console), now=console.now())
    assert snapshot is not None
    await db.rollback()
    return web.json_response({"stamp": _stamp(snapshot)})


@routes.post(PREFIX + "/broadcasts/{broadcast_id:\\d+}/{action}")
async def control(request: web.Request) -> web.StreamResponse:
    """Pause, resume or cancel, as the chat's buttons under the progress message."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    action = request.match_info["action"]
    if action not in CONTROLS:
        raise web.HTTPNotFound()
    broadcast = await _visible(request)
    if isinstance(broadcast, web.Response):
        return broadcast
    here = f"{PREFIX}/broadcasts/{broadcast.id}"
    if action == "cancel" and (await request.post()).get("sure") != "1":
        return web.HTTPSeeOther(f"{here}?done=unsure")  # cancelling is final: asked first, as the chat does
    outcome, _ = await broadcasts.control(db, broadcast.id, action, actor_id=staff.user_id, now=console.now())
    if outcome is not ControlOutcome.DONE:  # pressed twice, or finished meanwhile
        return web.HTTPSeeOther(f"{here}?done=unchanged")
    await _audit(console, db, staff, f"broadcast.{action}", f"broadcast:{broadcast.id}")
    await db.commit()  # durable before the engine looks
    _wake(console)
    return web.HTTPSeeOther(f"{here}?done={action}")


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
    application[BODY_LIMITS][f"{PREFIX}/broadcasts"] = uploads.UPLOAD_LIMIT  # forms with a picture
