"""The console's dowry-kit rulebook pages: the rulebook (general settings, questions, rules,
outcomes, documents, offices), one form per item (errors next to the field, checked exactly as
at start-up), the versions (publish with an effective Jalali date and time, revert, download),
and a "try it" panel that walks a version with chosen answers and shows the result as the chat
does.

Editing is for EDITORS (admins; checked on the server for every page here, refusals audited).
Every save is a new draft version built on the newest one (services.eligibility_admin);
publishing and reverting have this worker's LiveRulebook refresh and tell the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jdatetime
from aiohttp import web

from bot.ui import callback_int
from console.server import (
    PREFIX,
    Console,
    Staff,
    console_of,
    db_of,
    not_found_page,
    refused_unless,
    staff_of,
)
from handlers.eligibility import Kit, kit_of, question_preview, result_preview
from services import eligibility_admin
from services.dates import parse_date, parse_time
from services.eligibility import END, KINDS, OUTCOMES, SEVERITIES, Question, StateError
from services.eligibility_admin import SPARE_ROWS, Actor, Outcome, Problem, Result
from services.persian import TEHRAN, to_fa_digits, to_tehran
from services.regions import default_regions
from services.roles import Role

if TYPE_CHECKING:
    from handlers.eligibility import Kits
    from models.eligibility import EligibilityRulebook

routes = web.RouteTableDef()

#: Who may edit the rulebook (there is no editor role apart from the admins yet).
EDITORS = frozenset({Role.ADMIN})
HOME = PREFIX + "/eligibility"
DONE = ("saved", "deleted", "published", "reverted", "unchanged")
PROBLEMS = ("stale", "invalid", "published", "not-found", "when")


def _kits(console: Console) -> Kits:
    kits: Kits = console.app.dispatcher.workflow_data["eligibility"]
    return kits


def _actor(console: Console, staff: Staff) -> Actor:
    return Actor(platform=console.platform, user_id=staff.user_id, name=staff.name)


async def _refused(request: web.Request) -> web.Response | None:
    """A 403 (audited) unless the signed-in person may edit the rulebook."""
    return await refused_unless(request, EDITORS, "eligibility-role")


def _changed(console: Console, result: Result) -> None:
    """After a publish or revert: this worker refreshes now, the others hear of it (or poll)."""
    if result.done:
        console.app.spawn(_kits(console).live.announce(), name="eligibility-announce")


def _flag(request: web.Request, name: str, allowed: tuple[str, ...]) -> str:
    value = request.query.get(name, "")
    return value if value in allowed else ""


async def _newest(request: web.Request) -> EligibilityRulebook:
    row = await eligibility_admin.newest(db_of(request))
    if row is None:  # seeded at start-up
        raise web.HTTPServiceUnavailable()
    return row


# -- the rulebook ---------------------------------------------------------------------------


def _documents(book: Mapping[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """Every document the rulebook asks for, with where it is asked: (outcome or rule id, text)."""
    found = []
    for kind in OUTCOMES:
        for doc in book["outcomes"][kind].get("documents") or []:
            found.append((f"outcome:{kind}", doc))
    for rule in book["rules"]:
        for doc in rule.get("documents") or []:
            found.append((f"rule:{rule['id']}", doc))
    return found


def _region_names(offices: Mapping[str, Any], locale: str) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(scope, region id, region name, entry) of every office entry."""
    regions = default_regions()
    rows = []
    for scope, key in (("province", "provinces"), ("county", "counties")):
        for region_id, entry in (offices.get(key) or {}).items():
            place = (
                regions.find_province(region_id) if scope == "province" else regions.find_county(region_id)
            )
            rows.append((scope, region_id, place.name(locale) if place else region_id, entry))
    return rows


@routes.get(HOME)
async def book_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    newest = await _newest(request)
    in_force = await eligibility_admin.in_force(db, console.now())
    document = newest.document
    book = document["rulebook"]
    regions = default_regions()
    return console.render(
        request,
        "elig_book.html",
        staff.t,
        newest=newest,
        in_force=in_force,
        book=book,
        offices=document["offices"],
        documents=_documents(book),
        office_rows=_region_names(document["offices"], staff.t.locale),
        provinces=regions.provinces(),
        counties=sorted(regions.all_counties(), key=lambda c: c.name(staff.t.locale)),
        done=_flag(request, "done", DONE),
        problem=_flag(request, "problem", PROBLEMS),
        back=request.path,
    )


# -- one item's form ------------------------------------------------------------------------


@dataclass
class Field:
    """One form field as elig_item.html draws it."""

    name: str
    label: str  # a text key
    kind: str  # text | textarea | number | select | pair | rows
    value: Any = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # select: (value, shown)
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # rows: (name, label key, dir)
    column_choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    hint: str = ""  # a text key
    ltr: bool = False
    prefix: str = ""  # rows: their inputs are <prefix>_<column>_<n>
    errors: list[Problem] = field(default_factory=list)


def _pair(name: str, label: str, value: Any, hint: str = "") -> Field:
    text = value if isinstance(value, Mapping) else {}
    return Field(name, label, "pair", {"fa": text.get("fa", ""), "en": text.get("en", "")}, hint=hint)


def _condition_text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    import yaml

    return str(yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000)).strip()


def _next_choices(book: Mapping[str, Any], t: Any, default: bool) -> list[tuple[str, str]]:
    choices = [("", t("console-elig-next-following"))] if default else []
    choices.append((END, t("console-elig-next-end")))
    choices += [(str(q.get("id")), str(q.get("id"))) for q in book["questions"]]
    return choices


def _question_fields(book: Mapping[str, Any], raw: Mapping[str, Any], t: Any) -> list[Field]:
    options = [
        {
            "id": o.get("id", ""),
            "fa": (o.get("text") or {}).get("fa", ""),
            "en": (o.get("text") or {}).get("en", ""),
        }
        for o in raw.get("options") or []
    ]
    branches = [
        {"when": _condition_text(b.get("when")), "next": str(b.get("next", ""))}
        for b in raw.get("branches") or []
    ]
    return [
        Field("id", "console-elig-field-id", "text", raw.get("id", ""), hint="console-elig-hint-id", ltr=True),
        Field("kind", "console-elig-field-kind", "select", raw.get("kind", ""),
              [(k, t(f"console-elig-kind-{k}")) for k in KINDS]),
        _pair("text", "console-elig-field-text", raw.get("text")),
        _pair("hint", "console-elig-field-hint", raw.get("hint"), "console-elig-hint-optional"),
        Field("options", "console-elig-field-options", "rows", options,
              columns=[("id", "console-elig-col-id", "ltr"), ("fa", "console-elig-col-fa", "rtl"),
                       ("en", "console-elig-col-en", "ltr")], hint="console-elig-hint-options", prefix="option"),
        Field("min", "console-elig-field-min", "number", raw.get("min", ""), hint="console-elig-hint-number"),
        Field("max", "console-elig-field-max", "number", raw.get("max", ""), hint="console-elig-hint-number"),
        _pair("unit", "console-elig-field-unit", raw.get("unit"), "console-elig-hint-number"),
        Field("min_year", "console-elig-field-min-year", "number", raw.get("min_year", ""),
              hint="console-elig-hint-date"),
        Field("next", "console-elig-field-next", "select", str(raw.get("next", "")), _next_choices(book, t, True)),
        Field("branches", "console-elig-field-branches", "rows", branches,
              columns=[("when", "console-elig-col-when", "ltr"), ("next", "console-elig-col-next", "")],
              column_choices={"next": _next_choices(book, t, False)}, hint="console-elig-hint-branches",
              prefix="branch"),
    ]  # fmt: skip


def _rule_fields(book: Mapping[str, Any], raw: Mapping[str, Any], t: Any) -> list[Field]:
    del book
    docs = [{"fa": d.get("fa", ""), "en": d.get("en", "")} for d in raw.get("documents") or []]
    return [
        Field("id", "console-elig-field-id", "text", raw.get("id", ""), hint="console-elig-hint-id", ltr=True),
        Field("when", "console-elig-field-when", "textarea", _condition_text(raw.get("when")),
              hint="console-elig-hint-condition", ltr=True),
        Field("applies_if", "console-elig-field-applies-if", "textarea", _condition_text(raw.get("applies_if")),
              hint="console-elig-hint-optional", ltr=True),
        Field("if_not_met", "console-elig-field-severity", "select", raw.get("if_not_met", ""),
              [(s, t(f"console-elig-severity-{s}")) for s in SEVERITIES]),
        _pair("met", "console-elig-field-met", raw.get("met")),
        _pair("not_met", "console-elig-field-not-met", raw.get("not_met")),
        Field("documents", "console-elig-field-documents", "rows", docs,
              columns=[("fa", "console-elig-col-fa", "rtl"), ("en", "console-elig-col-en", "ltr")],
              hint="console-elig-hint-rule-documents", prefix="doc"),
    ]  # fmt: skip


def _outcome_fields(book: Mapping[str, Any], raw: Mapping[str, Any], t: Any) -> list[Field]:
    del book, t
    docs = [{"fa": d.get("fa", ""), "en": d.get("en", "")} for d in raw.get("documents") or []]
    return [
        _pair("title", "console-elig-field-title", raw.get("title")),
        Field("documents", "console-elig-field-documents", "rows", docs,
              columns=[("fa", "console-elig-col-fa", "rtl"), ("en", "console-elig-col-en", "ltr")], prefix="doc"),
        _pair("next_step", "console-elig-field-next-step", raw.get("next_step"), "console-elig-hint-office"),
    ]  # fmt: skip


def _general_fields(book: Mapping[str, Any], raw: Mapping[str, Any], t: Any) -> list[Field]:
    return [
        Field("label", "console-elig-field-label", "text", raw.get("version", ""), ltr=True,
              hint="console-elig-hint-label"),
        Field("status", "console-elig-field-status", "select", raw.get("status", ""),
              [(s, t(f"console-elig-status-{s}")) for s in ("sample", "confirmed")]),
        _pair("notice", "console-elig-field-notice", raw.get("notice")),
        Field("start", "console-elig-field-start", "select", str(raw.get("start", "")),
              [(str(q.get("id")), str(q.get("id"))) for q in book["questions"]]),
    ]  # fmt: skip


def _office_fields(book: Mapping[str, Any], raw: Mapping[str, Any], t: Any) -> list[Field]:
    del book, t
    return [
        _pair("name", "console-elig-field-office-name", raw.get("name")),
        Field("phone", "console-elig-field-phone", "text", raw.get("phone", ""), ltr=True,
              hint="console-elig-hint-phone"),
        _pair("address", "console-elig-field-address", raw.get("address"), "console-elig-hint-optional"),
        Field("source", "console-elig-field-source", "text", raw.get("source", ""), ltr=True,
              hint="console-elig-hint-source"),
        Field("checked", "console-elig-field-checked", "text", raw.get("checked", ""), ltr=True,
              hint="console-elig-hint-checked"),
    ]  # fmt: skip


def _defaults_fields(book: Mapping[str, Any], raw: Mapping[str, Any], t: Any) -> list[Field]:
    del book, t
    return [
        _pair("county", "console-elig-field-default-county", raw.get("county"), "console-elig-hint-county"),
        _pair("province", "console-elig-field-default-province", raw.get("province"), "console-elig-hint-province"),
        _pair("unknown", "console-elig-field-default-unknown", raw.get("unknown")),
    ]  # fmt: skip


@dataclass(frozen=True)
class ItemKind:
    """How one kind of item is found in a document, drawn and read back from its form."""

    fields: Callable[[Mapping[str, Any], Mapping[str, Any], Any], list[Field]]
    parse: Callable[[Mapping[str, str]], tuple[dict[str, Any], dict[str, Problem]]]
    removable: bool
    ordered: bool


KINDS_OF_ITEM: dict[str, ItemKind] = {
    "question": ItemKind(_question_fields, eligibility_admin.question_from_form, True, True),
    "rule": ItemKind(_rule_fields, eligibility_admin.rule_from_form, True, True),
    "outcome": ItemKind(_outcome_fields, eligibility_admin.outcome_from_form, False, False),
    "general": ItemKind(_general_fields, eligibility_admin.general_from_form, False, False),
    "office-defaults": ItemKind(_defaults_fields, eligibility_admin.office_defaults_from_form, False, False),
    "office": ItemKind(_office_fields, eligibility_admin.office_from_form, True, False),
}


def _find(document: Mapping[str, Any], kind: str, item_id: str) -> Mapping[str, Any] | None:
    """The item in the document (None: not there; {} for a new question, rule or office)."""
    book, offices = document["rulebook"], document["offices"]
    if kind in ("question", "rule"):
        items = book["questions" if kind == "question" else "rules"]
        if item_id == "new":
            return {}
        return next((i for i in items if str(i.get("id")) == item_id), None)
    if kind == "outcome":
        found = book["outcomes"].get(item_id)
        return found if isinstance(found, Mapping) else None
    if kind == "general":
        return book
    if kind == "office-defaults":
        found = offices.get("default_office")
        return found if isinstance(found, Mapping) else None
    scope, _, region = item_id.partition(":")
    key = "provinces" if scope == "province" else "counties"
    regions = default_regions()
    known = regions.find_province(region) if scope == "province" else regions.find_county(region)
    if scope not in ("province", "county") or known is None:
        return None
    return (offices.get(key) or {}).get(region, {})


def _document_kind(kind: str, item_id: str) -> str:
    return f"office:{item_id}" if kind == "office" else kind


def _item_path(kind: str, item_id: str) -> str:
    return f"{HOME}/edit/{kind}" + (f"/{quote(item_id, safe=':')}" if item_id else "")


def _title(kind: str, item_id: str, t: Any) -> str:
    if kind == "office":
        scope, _, region = item_id.partition(":")
        regions = default_regions()
        place = regions.find_province(region) if scope == "province" else regions.find_county(region)
        name = place.name(t.locale) if place else region
        return str(t(f"console-elig-title-office-{scope}", name=name))
    if item_id == "new":
        return str(t(f"console-elig-title-new-{kind}"))
    return str(t(f"console-elig-title-{kind}", id=item_id))


def _attach(fields: list[Field], errors: Mapping[str, Problem]) -> dict[str, Problem]:
    """Put each error on its field; what fits no field is returned (shown above the form)."""
    left = dict(errors)
    for item in fields:
        for key in list(left):
            base = key.rsplit("_", 1)[0] if key.startswith("branch_") else key
            if base == item.name or (item.name == "branches" and key.startswith("branch_")):
                item.errors.append(left.pop(key))
    return left


async def _render_item(
    request: web.Request,
    kind: str,
    item_id: str,
    raw: Mapping[str, Any],
    *,
    base: int,
    errors: Mapping[str, Problem] | None = None,
    problem: str = "",
    status: int = 200,
    position: str = "",
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    newest = await _newest(request)
    book = newest.document["rulebook"]
    fields = KINDS_OF_ITEM[kind].fields(book, raw, staff.t)
    for item in fields:
        if item.kind == "rows":
            item.value = list(item.value) + [
                dict.fromkeys(n for n, _, _ in item.columns) for _ in range(SPARE_ROWS)
            ]
    left = _attach(fields, errors or {})
    ordered = KINDS_OF_ITEM[kind].ordered
    items = book["questions" if kind == "question" else "rules"] if ordered else []
    return console.render(
        request,
        "elig_item.html",
        staff.t,
        status=status,
        kind=kind,
        item_id=item_id,
        title=_title(kind, item_id, staff.t),
        fields=fields,
        form_errors=list(left.values()),
        base=base,
        action=_item_path(kind, item_id),
        removable=KINDS_OF_ITEM[kind].removable and item_id != "new",
        positions=[(str(n), str(i.get("id"))) for n, i in enumerate(items)] if ordered else [],
        position=position,
        problem=problem,
        done=_flag(request, "done", DONE),
        explain=lambda found: problem_text(staff.t, found),
        back=request.path,
    )


def _checked_kind(request: web.Request) -> tuple[str, str]:
    kind = request.match_info["kind"]
    if kind not in KINDS_OF_ITEM:
        raise web.HTTPNotFound()
    return kind, request.match_info.get("item_id", "")[:64]


@routes.get(HOME + "/edit/{kind}")
@routes.get(HOME + "/edit/{kind}/{item_id}")
async def item_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    kind, item_id = _checked_kind(request)
    if kind == "office" and not item_id and "region" in request.query:  # the rulebook page's picker
        raise web.HTTPSeeOther(_item_path(kind, request.query["region"][:16]))
    if kind in ("general", "office-defaults"):
        item_id = ""
    newest = await _newest(request)
    raw = _find(newest.document, kind, item_id)
    if raw is None or (kind not in ("general", "office-defaults") and not item_id):
        return not_found_page(request, "console-elig-not-found")
    return await _render_item(request, kind, item_id, raw, base=newest.number)


@routes.post(HOME + "/edit/{kind}")
@routes.post(HOME + "/edit/{kind}/{item_id}")
async def item_save(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    kind, item_id = _checked_kind(request)
    if kind in ("general", "office-defaults"):
        item_id = ""
    form = await request.post()
    fields = {str(k): str(v)[:4000] for k, v in form.items() if isinstance(v, str)}
    base = callback_int(fields.get("base", "0"), 0)
    newest = await _newest(request)
    if _find(newest.document, kind, item_id) is None:
        return not_found_page(request, "console-elig-not-found")
    removing = fields.get("do") == "delete" and KINDS_OF_ITEM[kind].removable
    raw, form_errors = ({}, {}) if removing else KINDS_OF_ITEM[kind].parse(fields)
    new_id = str(raw.get("id", item_id)) if kind in ("question", "rule") else item_id
    position = fields.get("position", "")
    if kind in ("question", "rule") and new_id != item_id:
        items = newest.document["rulebook"]["questions" if kind == "question" else "rules"]
        if any(str(i.get("id")) == new_id for i in items):
            form_errors = {**form_errors, "id": Problem("id-taken")}
    document_kind = _document_kind(kind, item_id)

    def change(document: Mapping[str, Any]) -> dict[str, Any]:
        old = None if item_id in ("new", "") and kind in ("question", "rule") else item_id
        return eligibility_admin.with_item(
            document,
            document_kind,
            old,
            None if removing else raw,
            int(position) if position.isdigit() else None,
        )

    result = await eligibility_admin.save_draft(
        db,
        base=base,
        change=change,
        describe=f"{kind}:{new_id or item_id}" + (":deleted" if removing else ""),
        kind=document_kind,
        item_id=new_id,
        form_errors=form_errors,
        note=fields.get("note", "")[:500],
        actor=_actor(console, staff_of(request)),
        now=console.now(),
    )
    if result.done or result.outcome == Outcome.UNCHANGED:
        flag = "unchanged" if not result.done else "deleted" if removing else "saved"
        if removing or kind in ("general", "office-defaults"):
            raise web.HTTPSeeOther(f"{HOME}?done={flag}")
        raise web.HTTPSeeOther(f"{_item_path(kind, new_id)}?done={flag}")
    if result.outcome == Outcome.NOT_FOUND:
        raise web.HTTPNotFound()
    shown = raw if not removing else (_find(newest.document, kind, item_id) or {})
    return await _render_item(
        request,
        kind,
        item_id,
        shown,
        base=base,
        errors=result.errors,
        problem="stale" if result.outcome == Outcome.STALE else "",
        status=409 if result.outcome == Outcome.STALE else 400,
        position=position,
    )


# -- versions ---------------------------------------------------------------------------------


def _default_moment(now: datetime) -> tuple[str, str]:
    local = to_tehran(now)
    day = jdatetime.date.fromgregorian(date=local.date())
    return to_fa_digits(f"{day.year:04d}/{day.month:02d}/{day.day:02d}"), to_fa_digits(
        local.strftime("%H:%M")
    )


def change_label(change: str, t: Any) -> str:
    """What a version changed, for people: «معیار bride_adult (حذف)», «اداره شهرستان ری»."""
    kind, _, rest = change.partition(":")
    deleted = rest.endswith(":deleted")
    rest = rest.removesuffix(":deleted")
    if kind == "office":
        label = _title("office", rest, t)
    elif kind == "revert":
        label = str(t("console-elig-part-revert", number=to_fa_digits(rest) if t.locale == "fa" else rest))
    elif kind in ("question", "rule", "outcome", "general", "office-defaults", "offices"):
        label = str(t(f"console-elig-part-{kind}", id=rest))
    elif kind.endswith("-order"):
        label = str(t("console-elig-part-order"))
    else:
        label = change
    return str(t("console-elig-part-deleted", part=label)) if deleted else label


@routes.get(HOME + "/versions")
async def versions_page(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    rows = await eligibility_admin.versions(db, console.now())
    by_number = {row.version.number: row.version for row in rows}
    changes = {}
    for row in rows:
        version = row.version
        before = by_number.get(version.based_on) if version.based_on is not None else None
        parts = [version.change] if version.change else eligibility_admin.changed_parts(
            before.document if before is not None else None, version.document
        )  # fmt: skip
        changes[version.number] = [change_label(part, staff.t) for part in parts]
    day, clock = _default_moment(console.now())
    return console.render(
        request,
        "elig_versions.html",
        staff.t,
        rows=rows,
        changes=changes,
        default_day=day,
        default_time=clock,
        done=_flag(request, "done", DONE),
        problem=_flag(request, "problem", PROBLEMS),
        back=request.path,
    )


def read_moment(day_text: str, time_text: str, now: datetime) -> datetime | None:
    """A Jalali date and a time of day in Tehran, typed (any digits); None when unreadable."""
    today = jdatetime.date.fromgregorian(date=to_tehran(now).date())
    parsed = parse_date(day_text, today=today, missing_year="future")
    clock = parse_time(time_text) if time_text.strip() else None
    if parsed.day is None or (time_text.strip() and clock is None):
        return None
    day = parsed.day.togregorian()
    hour, minute = (clock.hour, clock.minute) if clock else (0, 0)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TEHRAN)


@routes.post(HOME + "/versions/{number}/publish")
async def version_publish(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    form = await request.post()
    moment = read_moment(str(form.get("day", ""))[:40], str(form.get("time", ""))[:20], console.now())
    if moment is None:
        raise web.HTTPSeeOther(f"{HOME}/versions?problem=when")
    result = await eligibility_admin.publish(
        db_of(request),
        callback_int(request.match_info["number"], 0),
        effective_at=moment,
        note=str(form.get("note", ""))[:500],
        actor=_actor(console, staff_of(request)),
        now=console.now(),
    )
    _changed(console, result)
    if result.done:
        raise web.HTTPSeeOther(f"{HOME}/versions?done=published")
    raise web.HTTPSeeOther(f"{HOME}/versions?problem={result.outcome.value}")


@routes.post(HOME + "/versions/{number}/revert")
async def version_revert(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    form = await request.post()
    result = await eligibility_admin.revert(
        db_of(request),
        callback_int(request.match_info["number"], 0),
        note=str(form.get("note", ""))[:500],
        actor=_actor(console, staff_of(request)),
        now=console.now(),
    )
    _changed(console, result)
    if result.done:
        raise web.HTTPSeeOther(f"{HOME}/versions?done=reverted")
    raise web.HTTPSeeOther(f"{HOME}/versions?problem={result.outcome.value}")


@routes.get(HOME + "/versions/{number}/{part}.yaml")
async def version_download(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    part = request.match_info["part"]
    files = {"eligibility": "rulebook", "offices": "offices"}
    row = await eligibility_admin.get(db_of(request), callback_int(request.match_info["number"], 0))
    if row is None or part not in files:
        raise web.HTTPNotFound()
    return web.Response(
        text=eligibility_admin.export_yaml(row.document, files[part]),
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{part}-v{row.number}.yaml"'},
    )


# -- try it -----------------------------------------------------------------------------------


@dataclass
class Asked:
    """One question on the tried path: its chat screen, the answer given, why it was refused."""

    question: Question
    screen: str
    answer: str
    error: str = ""


def _answer_choices(question: Question, t: Any) -> list[tuple[str, str]]:
    if question.kind == "yes_no":
        return [("yes", t("eligibility-yes")), ("no", t("eligibility-no"))]
    return [(o.id, o.text.get(t.locale)) for o in question.options]


def walk(kit: Kit, answers: Mapping[str, str], t: Any) -> tuple[list[Asked], Any]:
    """Walk the questionnaire with the chosen answers as the chat would; the questions asked
    (the first unanswered or refused one last) and the result, if the walk finished."""
    screener = kit.screener
    state = screener.start()
    asked: list[Asked] = []
    for _ in range(len(kit.rulebook.questions) + 1):
        question = screener.current_question(state)
        if question is None:
            return asked, state
        screen, _ = question_preview(kit, state, question, t)
        given = answers.get(question.id, "").strip()
        if not given:
            asked.append(Asked(question, screen, ""))
            return asked, None
        following, error = screener.answer(state, given[:200])
        asked.append(Asked(question, screen, given, error.text.get(t.locale) if error else ""))
        if error is not None:
            return asked, None
        state = following
    return asked, None


@routes.get(HOME + "/try")
async def try_page(request: web.Request) -> web.Response:
    """Nothing changes here (a GET form): the chosen version walked with the chosen answers."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    rows = await eligibility_admin.versions(db, console.now())
    if not rows:
        raise web.HTTPServiceUnavailable()
    number = callback_int(request.query.get("v", "0"), 0) or rows[0].version.number
    edition = await _kits(console).live.edition(number, db)
    if edition is None:
        return not_found_page(request, "console-elig-not-found")
    kits = _kits(console)
    kit = kit_of(edition, kits.regions, kits.clock)
    answers = {q: request.query.get(f"a_{q}", "")[:200] for q in kit.rulebook.questions}
    county = request.query.get("county", "")[:8]
    county = county if kit.regions.find_county(county) else ""
    asked: list[Asked] = []
    results: dict[str, tuple[str, list[list[str]]]] = {}
    tried = "go" in request.query
    if tried:
        try:
            asked, state = walk(kit, answers, staff.t)
            if state is not None:
                outcome = kit.screener.result(state, county_id=county or None)
                for lang in ("fa", "en"):
                    results[lang] = result_preview(kit, outcome, console.translator(lang))
        except StateError:  # pragma: no cover - a walk starts from the version's own start
            raise web.HTTPInternalServerError() from None
    return console.render(
        request,
        "elig_try.html",
        staff.t,
        rows=rows,
        number=number,
        questions=[(q, _answer_choices(q, staff.t)) for q in kit.rulebook.questions.values()],
        answers=answers,
        county=county,
        counties=sorted(kit.regions.all_counties(), key=lambda c: c.name(staff.t.locale)),
        asked=asked,
        results=results,
        tried=tried,
        back=request.path + ("?" + urlencode({"v": number}) if number else ""),
    )


def problem_text(t: Any, problem: Problem) -> str:
    """A field's problem in the reader's language (numbers in its digits)."""
    args = {
        k: to_fa_digits(v) if t.locale == "fa" and k in ("min", "max") else v for k, v in problem.args.items()
    }
    return str(t(f"console-elig-error-{problem.code}", **args))


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
