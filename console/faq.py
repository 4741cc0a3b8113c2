"""The console's FAQ pages: the list with search and feedback counts, the entry form (errors next
to each field, a preview of the answer as the chat shows it), an entry's history with revert,
the export and the import of a faq.yaml (a dry run first), and the learning loop (what people
asked, grouped).

Editing the FAQ is for EDITORS (checked on the server for every page here, refusals audited).
Views parse the request, call services.faq_admin (which validates, versions, audits and commits)
and, after a change, have this worker's LiveFaq rebuild its index and announce the change to the
others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from bot.ui import callback_int
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
from handlers.faq import answer_preview
from models.faq import FaqQuery
from services import faq_admin, faq_learning
from services.faq import LANGS, Entry, Text
from services.faq_admin import Actor, Draft, Outcome, Result
from services.roles import Role

if TYPE_CHECKING:
    from services.faq_live import LiveFaq

routes = web.RouteTableDef()

#: Who may edit the FAQ (there is no editor role apart from the admins yet).
EDITORS = frozenset({Role.ADMIN})
DONE = ("saved", "created", "deleted", "reverted", "phrasing", "unchanged", "imported")


def _live(console: Console) -> LiveFaq:
    live: LiveFaq = console.app.dispatcher.workflow_data["faq_live"]
    return live


def _actor(console: Console, staff: Staff) -> Actor:
    return Actor(platform=console.platform, user_id=staff.user_id, name=staff.name)


async def _refused(request: web.Request) -> web.Response | None:
    """A 403 (audited) unless the signed-in person may edit the FAQ."""
    return await refused_unless(request, EDITORS, "faq-role")


def _changed(console: Console, result: Result) -> None:
    """After a change: this worker rebuilds now, the others hear of it (or poll)."""
    if result.done:
        console.app.spawn(_live(console).announce(), name="faq-announce")


# -- the list ---------------------------------------------------------------------------------


@routes.get(PREFIX + "/faq")
async def faq_list(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    search = request.query.get("q", "")[:200]
    topic = request.query.get("topic", "")[:32]
    topics = await faq_admin.topics(db)
    rows = await faq_admin.listing(db, search=search, topic=topic if topic in topics else "")
    done = request.query.get("done", "")
    return console.render(
        request,
        "faq_list.html",
        staff.t,
        rows=rows,
        topics=topics,
        search=search,
        topic=topic if topic in topics else "",
        done=done if done in DONE else "",
        back=PREFIX + "/faq",
    )


@routes.get(PREFIX + "/faq/export.yaml")
async def faq_export(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    text = await faq_admin.export_yaml(db_of(request))
    return web.Response(
        text=text,
        content_type="application/x-yaml",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="faq.yaml"'},
    )


# -- import -----------------------------------------------------------------------------------

IMPORT_PATH = PREFIX + "/faq/import"


def _known(console: Console) -> str:
    """The settings an answer may quote, as the form's hint shows them."""
    # Left-to-right isolated: the names read right inside a Persian sentence.
    return "\u2066" + ", ".join("{ $" + v + " }" for v in sorted(_live(console).rules.variables)) + "\u2069"


async def _render_import(
    request: web.Request,
    *,
    plan: faq_admin.ImportPlan | None = None,
    text: str = "",
    problem: str = "",
    status: int = 200,
) -> web.Response:
    console = console_of(request)
    return console.render(
        request,
        "faq_import.html",
        staff_of(request).t,
        status=status,
        plan=plan,
        text=text,
        problem=problem,
        statuses=faq_admin.IMPORT_STATUSES,
        known=_known(console),
        back=IMPORT_PATH,
    )


@routes.get(IMPORT_PATH)
async def faq_import_form(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    return await _render_import(request)


async def _uploaded(form: Any) -> str | None:
    """The YAML of the form: the uploaded file (dry run) or the text the dry run carried over
    (apply). None when it is not UTF-8 text or larger than faq_admin.MAX_IMPORT_BYTES."""
    upload = form.get("file")
    if isinstance(upload, web.FileField):
        data = upload.file.read(faq_admin.MAX_IMPORT_BYTES + 1)
        if len(data) > faq_admin.MAX_IMPORT_BYTES:
            return None
        try:
            return str(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return None
    return str(form.get("yaml", ""))


@routes.post(IMPORT_PATH)
async def faq_import(request: web.Request) -> web.StreamResponse:
    """A faq.yaml: first a dry run (what would be new, changed, unchanged or wrong, entry by
    entry; nothing written), then, from that page, the import itself."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    form = await request.post()
    text = await _uploaded(form)
    if text is None or len(text.encode()) > faq_admin.MAX_IMPORT_BYTES:
        return await _render_import(request, problem="file", status=400)
    if not text.strip():
        return await _render_import(request, problem="empty", status=400)
    rules = _live(console).rules
    if form.get("do") != "apply":
        plan = await faq_admin.plan_import(db, text, rules)
        return await _render_import(request, plan=plan, text=text, status=200 if plan.ok else 400)
    expected = str(form.get("version", ""))
    result = await faq_admin.apply_import(
        db,
        text,
        expected_version=int(expected) if expected.isdigit() else None,
        actor=_actor(console, staff_of(request)),
        rules=rules,
        now=console.now(),
    )
    if result.outcome == Outcome.DONE:
        console.app.spawn(_live(console).announce(), name="faq-announce")
        raise web.HTTPSeeOther(f"{PREFIX}/faq?done=imported")
    if result.outcome == Outcome.UNCHANGED:
        raise web.HTTPSeeOther(f"{PREFIX}/faq?done=unchanged")
    # INVALID or STALE: the dry run of now, to look at again.
    return await _render_import(
        request,
        plan=result.plan,
        text=text,
        problem=result.outcome.value,
        status=409 if result.outcome == Outcome.STALE else 400,
    )


# -- the form ---------------------------------------------------------------------------------


def _lines(value: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in value.splitlines() if line.strip())


def _draft(form: Any, entry_id: str | None = None) -> Draft:
    def text(name: str, limit: int = 8000) -> str:
        return str(form.get(name, ""))[:limit]

    return Draft(
        id=entry_id if entry_id is not None else text("id", 64).strip(),
        topic=text("topic", 32),
        question_fa=text("question_fa"),
        question_en=text("question_en"),
        answer_fa=text("answer_fa"),
        answer_en=text("answer_en"),
        alternatives_fa=_lines(text("alternatives_fa", 20000)),
        alternatives_en=_lines(text("alternatives_en", 20000)),
        action=text("action", 32) or None,
    )


def _preview(
    console: Console, topics: dict[str, Text], entry: Entry
) -> dict[str, tuple[str, list[list[str]]]]:
    """The answer in each language as the chat shows it."""
    app = console.app
    sections = app.dispatcher.workflow_data["menu_sections"]
    return {
        lang: answer_preview(topics, entry, console.translator(lang), app.settings, sections)
        for lang in LANGS
    }


async def _render_form(
    request: web.Request,
    draft: Draft,
    *,
    creating: bool,
    revision: int = 0,
    errors: dict[str, str] | None = None,
    problem: str = "",
    status: int = 200,
    preview: bool = True,
) -> web.Response:
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    live = _live(console)
    topics = await faq_admin.topics(db)
    errors = dict(errors or {})
    shown = None
    if preview and not errors:
        entry = faq_admin.draft_entry(draft, topics, console.now())
        if entry is not None:
            shown = _preview(console, topics, entry)
    sections = console.app.dispatcher.workflow_data["menu_sections"]
    return console.render(
        request,
        "faq_edit.html",
        staff.t,
        status=status,
        draft=draft,
        creating=creating,
        revision=revision,
        errors=errors,
        problem=problem,
        topics=topics,
        actions=[(s.key, s.text_key) for s in sections if s.key in live.rules.actions],
        known=_known(console),
        preview=shown,
        done=request.query.get("done", "") if request.query.get("done", "") in DONE else "",
        back=request.path,
    )


@routes.get(PREFIX + "/faq/new")
async def faq_new(request: web.Request) -> web.Response:
    """An empty form, or one made of a question people asked (?from=<its number>) and the
    staff's answer to it, if any."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    db = db_of(request)
    question = answer = ""
    asked = await db.get(FaqQuery, callback_int(request.query.get("from", "0"), 0))
    if asked is not None and asked.text:
        question = " ".join(asked.text.split())
        answer = asked.staff_answer or ""
    english = bool(question) and question.isascii()
    draft = Draft(
        id="",
        topic="",
        question_fa="" if english else question,
        question_en=question if english else "",
        answer_fa="" if english else answer,
        answer_en=answer if english else "",
    )
    return await _render_form(request, draft, creating=True, preview=False)


@routes.post(PREFIX + "/faq/new")
async def faq_create(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    form = await request.post()
    draft = _draft(form)
    if form.get("do") == "preview":
        errors = faq_admin.validate(draft, await faq_admin.topics(db), _live(console).rules)
        return await _render_form(request, draft, creating=True, errors=errors)
    result = await faq_admin.create(
        db, draft, actor=_actor(console, staff_of(request)), rules=_live(console).rules, now=console.now()
    )
    if result.done:
        _changed(console, result)
        raise web.HTTPSeeOther(f"{PREFIX}/faq/{quote(draft.id)}?done=created")
    return await _render_form(request, draft, creating=True, errors=dict(result.errors), status=400)


async def _entry_or_404(request: web.Request) -> Any:
    row = await faq_admin.get(db_of(request), request.match_info["entry_id"])
    if row is None:
        return not_found_page(request, "console-faq-not-found")
    return row


@routes.get(PREFIX + "/faq/{entry_id}")
async def faq_entry(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    row = await _entry_or_404(request)
    if isinstance(row, web.Response):
        return row
    draft = Draft.of(faq_admin.to_entry(row))
    return await _render_form(request, draft, creating=False, revision=row.revision)


@routes.post(PREFIX + "/faq/{entry_id}")
async def faq_save(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    entry_id = request.match_info["entry_id"]
    form = await request.post()
    revision = callback_int(str(form.get("revision", "0")), 0)
    draft = _draft(form, entry_id)
    rules = _live(console).rules
    actor = _actor(console, staff_of(request))
    here = f"{PREFIX}/faq/{quote(entry_id)}"
    action = form.get("do")
    if action == "preview":
        errors = faq_admin.validate(draft, await faq_admin.topics(db), rules)
        return await _render_form(request, draft, creating=False, revision=revision, errors=errors)
    if action == "delete":
        result = await faq_admin.delete(
            db, entry_id, expected_revision=revision, actor=actor, now=console.now()
        )
        if result.done:
            _changed(console, result)
            raise web.HTTPSeeOther(f"{PREFIX}/faq?done=deleted")
    else:
        result = await faq_admin.edit(
            db, entry_id, draft, expected_revision=revision, actor=actor, rules=rules, now=console.now()
        )
        if result.done or result.outcome == Outcome.UNCHANGED:
            _changed(console, result)
            raise web.HTTPSeeOther(f"{here}?done={'saved' if result.done else 'unchanged'}")
    if result.outcome == Outcome.NOT_FOUND:
        raise web.HTTPNotFound()
    status = 409 if result.outcome == Outcome.STALE else 400
    return await _render_form(
        request,
        draft,
        creating=False,
        revision=revision,
        errors=dict(result.errors),
        problem=result.outcome.value if result.outcome == Outcome.STALE else "",
        status=status,
    )


# -- history ----------------------------------------------------------------------------------


@routes.get(PREFIX + "/faq/{entry_id}/history")
async def faq_history(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    entry_id = request.match_info["entry_id"][:64]
    revisions = await faq_admin.history(db, entry_id)
    if not revisions:
        raise web.HTTPNotFound()
    row = await faq_admin.get(db, entry_id)
    problem = request.query.get("problem", "")
    return console.render(
        request,
        "faq_history.html",
        staff.t,
        entry_id=entry_id,
        current=row.revision if row is not None else None,
        revisions=[(r, faq_admin.changed_fields(r.before, r.after)) for r in revisions],
        problem=problem if problem in ("invalid", "stale", "not-found") else "",
        back=request.path,
    )


@routes.post(PREFIX + "/faq/{entry_id}/revert")
async def faq_revert(request: web.Request) -> web.StreamResponse:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    entry_id = request.match_info["entry_id"][:64]
    form = await request.post()
    result = await faq_admin.revert(
        db,
        entry_id,
        number=callback_int(str(form.get("number", "0")), 0),
        actor=_actor(console, staff_of(request)),
        rules=_live(console).rules,
        now=console.now(),
    )
    _changed(console, result)
    if result.done:
        raise web.HTTPSeeOther(f"{PREFIX}/faq/{quote(entry_id)}?done=reverted")
    if result.outcome == Outcome.UNCHANGED:
        raise web.HTTPSeeOther(f"{PREFIX}/faq/{quote(entry_id)}?done=unchanged")
    raise web.HTTPSeeOther(f"{PREFIX}/faq/{quote(entry_id)}/history?problem={result.outcome.value}")


# -- the learning loop ------------------------------------------------------------------------


@routes.get(PREFIX + "/faq-asked")
async def faq_asked(request: web.Request) -> web.Response:
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    staff = staff_of(request)
    db = db_of(request)
    _, entries = await faq_admin.load(db)
    known = {faq_learning.learned_key(text) for e in entries for _, text in e.phrasings()}
    groups = await faq_learning.groups(db, now=console.now(), known=known)
    done = request.query.get("done", "")
    return console.render(
        request,
        "faq_asked.html",
        staff.t,
        groups=groups,
        entries=entries,
        kinds=faq_learning.KINDS,
        done=done if done in DONE else "",
        back=request.path,
    )


@routes.post(PREFIX + "/faq-asked/{query_id}/phrasing")
async def faq_asked_phrasing(request: web.Request) -> web.StreamResponse:
    """Add a question people asked as a phrasing of the chosen entry."""
    if (refusal := await _refused(request)) is not None:
        return refusal
    console = console_of(request)
    db = db_of(request)
    asked = await db.get(FaqQuery, callback_int(request.match_info["query_id"], 0))
    if asked is None or not asked.text:
        raise web.HTTPNotFound()
    form = await request.post()
    text = " ".join(asked.text.split())
    result = await faq_admin.add_phrasing(
        db,
        str(form.get("entry", ""))[:64],
        lang="en" if text.isascii() else "fa",
        text=text,
        actor=_actor(console, staff_of(request)),
        rules=_live(console).rules,
        now=console.now(),
    )
    _changed(console, result)
    if result.outcome == Outcome.NOT_FOUND:
        raise web.HTTPNotFound()
    if result.outcome == Outcome.INVALID:
        raise web.HTTPSeeOther(f"{PREFIX}/faq/{quote(result.entry_id or '')}/history?problem=invalid")
    raise web.HTTPSeeOther(f"{PREFIX}/faq-asked?done={'phrasing' if result.done else 'unchanged'}")


def add_routes(application: web.Application) -> None:
    application.add_routes(routes)
    # The seed faq.yaml is about 70 KB: more than the console's usual limit of a POST.
    application[BODY_LIMITS][IMPORT_PATH] = faq_admin.MAX_IMPORT_BYTES + 64 * 1024
