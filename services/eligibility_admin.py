"""Staff edit the dowry-kit rulebook: the database keeps its versions.

A version (:class:`~models.eligibility.EligibilityRulebook`) is the whole rulebook document,
``{"rulebook": <data/eligibility.yaml>, "offices": <data/offices.yaml>}``, checked exactly as the
files are at start-up (:func:`services.eligibility.check_document`). The files seed an empty
database on the first start (once, even with several workers starting together) and are the
download format.

A change made in the console is a new *draft* version built on the newest one (an edit made
from an older page is refused as stale). Publishing a draft gives it an effective moment; the
chat uses the version *in force*: the newest published version whose moment has passed
(:func:`in_force`). A revert publishes a copy of an earlier version as a new version, in force
at once. Every change is audited with channel "console".

Each use case owns its transaction and returns a typed :class:`Result`; field problems are
:class:`Problem` codes (``console-elig-error-<code>``) keyed by the form field they belong to.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from models.eligibility import EligibilityResult, EligibilityRulebook
from services import audit
from services.eligibility import KINDS, OUTCOMES, SEVERITIES, Offices, Rulebook, RulebookError, check_document
from services.persian import to_tehran

#: The actor of the seed (the files on the first start).
SEED_ACTOR = 0
#: A question or rule id typed in the console.
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Empty rows a list field (options, documents, branches) offers for adding one more.
SPARE_ROWS = 2


@dataclass(frozen=True, slots=True)
class Actor:
    platform: str
    user_id: int
    name: str


class Outcome(StrEnum):
    DONE = "done"
    INVALID = "invalid"  # see Result.errors
    STALE = "stale"  # a newer version was saved since the form was opened
    NOT_FOUND = "not-found"
    UNCHANGED = "unchanged"
    PUBLISHED = "published"  # publishing a version that is not a draft


@dataclass(frozen=True, slots=True)
class Problem:
    """Why a field was refused: ``code`` names the text console-elig-error-<code>; ``args``
    fill it (ids, the check's own words)."""

    code: str
    args: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    number: int | None = None
    #: form field → problem; "form" for the version as a whole.
    errors: Mapping[str, Problem] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.outcome == Outcome.DONE


@dataclass(frozen=True)
class Edition:
    """A version ready for the chat: its rulebook (whose ``version`` is the version's number, as
    the questionnaire's state records it) and offices."""

    number: int
    rulebook: Rulebook
    offices: Offices
    effective_at: datetime | None


def build_edition(number: int, document: Mapping[str, Any], effective_at: datetime | None = None) -> Edition:
    """Check a stored document as at start-up (raises RulebookError) and name it by its number."""
    rulebook, offices = check_document(document)
    rulebook = Rulebook(
        version=str(number),
        date=rulebook.date,
        status=rulebook.status,
        notice=rulebook.notice,
        start=rulebook.start,
        questions=rulebook.questions,
        rules=rulebook.rules,
        outcomes=rulebook.outcomes,
    )
    return Edition(number, rulebook, offices, effective_at)


# ------------------------------------------------------------------------------------------
# The seed and the download


def _plain(value: Any) -> Any:
    """YAML's dates as ISO text, so a document is JSON."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def read_files(rulebook_path: str | Path, offices_path: str | Path) -> dict[str, Any]:
    """The seed document from the two files, checked (raises RulebookError, FileNotFoundError)."""
    parts = {}
    for key, path in (("rulebook", rulebook_path), ("offices", offices_path)):
        try:
            parts[key] = _plain(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
        except yaml.YAMLError as exc:
            raise RulebookError(f"{path}: not valid YAML: {exc}") from exc
    check_document(parts)
    return parts


def export_yaml(document: Mapping[str, Any], part: str) -> str:
    """One part of a version ("rulebook" or "offices") in its file's format."""
    return yaml.safe_dump(document[part], allow_unicode=True, sort_keys=False, width=100)


async def seed_if_empty(
    session: AsyncSession, *, document: dict[str, Any], source: str, now: datetime
) -> bool:
    """On the first start, version 1 from the files, published and in force; False when the
    database has a rulebook already (another worker may have just seeded it)."""
    if await newest_number(session) is not None:
        return False
    try:
        session.add(
            EligibilityRulebook(
                number=1, document=document, action="seed", based_on=None, change="", note=source[:500],
                actor_id=SEED_ACTOR, actor_name=source[:128], created_at=now, effective_at=now,
                published_at=now, published_by=source[:128],
            )
        )  # fmt: skip
        await session.commit()
    except (IntegrityError, OperationalError):
        # Another worker seeded first (a duplicate key; on SQLite, a write lock lost to it).
        await session.rollback()
        if await newest_number(session) is not None:
            return False
        raise
    return True


# ------------------------------------------------------------------------------------------
# Reading


async def newest_number(session: AsyncSession) -> int | None:
    return await session.scalar(select(func.max(EligibilityRulebook.number)))


async def in_force_number(session: AsyncSession, now: datetime) -> int | None:
    """The number of the version the chat uses now: the newest published one in effect."""
    return await session.scalar(
        select(func.max(EligibilityRulebook.number)).where(EligibilityRulebook.effective_at <= now)
    )


async def get(session: AsyncSession, number: int) -> EligibilityRulebook | None:
    return await session.get(EligibilityRulebook, number)


async def in_force(session: AsyncSession, now: datetime) -> EligibilityRulebook | None:
    number = await in_force_number(session, now)
    return None if number is None else await get(session, number)


async def newest(session: AsyncSession) -> EligibilityRulebook | None:
    number = await newest_number(session)
    return None if number is None else await get(session, number)


@dataclass(frozen=True)
class VersionRow:
    version: EligibilityRulebook
    state: str  # draft | scheduled | in-force | earlier (was in force or superseded)
    results: int


async def versions(session: AsyncSession, now: datetime) -> list[VersionRow]:
    """Every version, newest first, with its state and how many results the chat showed on it."""
    rows = list(
        await session.scalars(select(EligibilityRulebook).order_by(EligibilityRulebook.number.desc()))
    )
    grouped = await session.execute(
        select(EligibilityResult.rulebook_version, func.count()).group_by(EligibilityResult.rulebook_version)
    )
    counts = {int(version): int(count) for version, count in grouped.all()}
    current = await in_force_number(session, now)
    found = []
    for row in rows:
        if row.effective_at is None:
            state = "draft"
        elif row.number == current:
            state = "in-force"
        elif row.effective_at > now and (current is None or row.number > current):
            state = "scheduled"
        else:
            state = "earlier"
        found.append(VersionRow(row, state, int(counts.get(row.number, 0))))
    return found


async def record_result(
    session: AsyncSession, *, version: int, outcome: str, county_id: str | None, now: datetime
) -> None:
    """A result the chat showed (no person, no answers); committed with the update."""
    session.add(EligibilityResult(rulebook_version=version, outcome=outcome, county_id=county_id, at=now))
    await session.flush()


# ------------------------------------------------------------------------------------------
# The start-up's error, next to the field it concerns

#: The check's messages (services.eligibility), read back as a code and its values.
_MESSAGES: tuple[tuple[str, str], ...] = (
    (r"unknown question id '(?P<id>[^']*)'", "unknown-question"),
    (r"next question '(?P<id>[^']*)' is an unknown question id", "unknown-next"),
    (r"has no option '(?P<id>[^']*)'", "unknown-option"),
    (r"operator '(?P<op>[^']*)' cannot test (?P<kind>\w+) question", "operator-kind"),
    (r"needs a whole number", "whole-number"),
    (r"compares with true/false", "true-false"),
    (r"missing the '(?P<lang>fa|en)' translation", "translation"),
    (r"expected a text with 'fa' and 'en'", "translation"),
    (r"branching makes a cycle: (?P<path>.+)$", "cycle"),
    (r"unreachable, no path from", "question-unreachable"),
    (r"unreachable, no combination of answers", "outcome-unreachable"),
    (r"min (?P<min>-?\d+) is greater than max (?P<max>-?\d+)", "min-max"),
    (r"a choice needs at least two options", "two-options"),
    (r"only a choice question has options", "options-not-choice"),
    (r"option id '(?P<id>[^']*)' is repeated", "option-repeated"),
    (r"id is repeated or reserved|id is repeated", "id-taken"),
    (r"unknown condition operator '(?P<op>[^']*)'", "operator-unknown"),
    (r"needs exactly one operator", "operator-one"),
    (r"does not say which question it tests", "condition-question"),
    (r"'in' needs a non-empty list", "in-list"),
    (r"needs a non-empty list of conditions", "group-list"),
    (r"a condition must be a mapping", "condition-syntax"),
    (r"unknown placeholder '(?P<name>[^']*)'", "placeholder"),
    (r"unknown region id '(?P<id>[^']*)'", "unknown-region"),
    (r"a phone number is digits", "phone"),
    (r"the rulebook has no rules", "no-rules"),
    (r"if_not_met must be one of", "severity"),
    (r"start: unknown question id", "unknown-question"),
)
_WHERE = re.compile(r"^(?P<kind>question|rule|outcome) '(?P<id>[^']*)'(?:, (?P<sub>[^:]+?))?: ")
_OFFICE_WHERE = re.compile(
    r"^offices: (?:(?P<scope>province|county) '(?P<id>[^']*)'|default_office)(?:, (?P<sub>[^:]+?))?: "
)


def problem_of(error: RulebookError) -> Problem:
    message = str(error)
    for pattern, code in _MESSAGES:
        found = re.search(pattern, message)
        if found:
            return Problem(code, {k: v for k, v in found.groupdict().items() if v is not None})
    return Problem("rulebook", {"detail": message})


def _question_field(sub: str | None, code: str) -> str:
    if sub is None:
        return {
            "min-max": "min", "unknown-next": "next", "two-options": "options", "option-repeated": "options",
            "options-not-choice": "options", "cycle": "next", "question-unreachable": "id",
            "id-taken": "id", "translation": "text",
        }.get(code, "form")  # fmt: skip
    if sub.startswith("option"):
        return "options"
    if sub.startswith("branch #"):
        return f"branch_{int(sub.removeprefix('branch #')) - 1}"
    return sub if sub in ("unit", "hint") else "form"


def _rule_field(sub: str | None, code: str) -> str:
    if sub is None:
        return {"id-taken": "id", "severity": "if_not_met"}.get(code, "when")
    if sub.startswith("document"):
        return "documents"
    return sub if sub in ("applies_if", "met", "not_met") else "form"


def field_errors(error: RulebookError, kind: str, item_id: str) -> dict[str, Problem]:
    """The start-up's error as {field: problem} for a form editing ``kind`` ``item_id``
    (question, rule, outcome, office:<scope>:<id>, office-defaults, general); an error about
    another part of the rulebook is the form's."""
    problem = problem_of(error)
    message = str(error)
    where = _WHERE.match(message)
    if where and where["kind"] == kind and where["id"] == item_id:
        sub = where["sub"]
        if kind == "question":
            return {_question_field(sub, problem.code): problem}
        if kind == "rule":
            return {_rule_field(sub, problem.code): problem}
        if sub and sub.startswith("document"):
            return {"documents": problem}
        return {sub if sub in ("title", "next_step") else "form": problem}
    office = _OFFICE_WHERE.match(message)
    if office and kind.startswith("office"):
        sub = office["sub"]
        if kind == "office-defaults" and office["scope"] is None:
            return {sub or "form": problem}
        if kind == f"office:{office['scope']}:{office['id']}":
            return {sub if sub in ("name", "phone", "address") else "form": problem}
    if kind == "general":
        if message.startswith("start:"):
            return {"start": problem}
        if message.startswith("notice"):
            return {"notice": problem}
    if kind == "question" and problem.code == "cycle" and f"'{item_id}'" in message:
        return {"next": problem}
    return {"form": problem}


# ------------------------------------------------------------------------------------------
# Forms: a field's text → the rulebook's format


def _text(fields: Mapping[str, str], name: str) -> dict[str, str]:
    return {"fa": fields.get(f"{name}_fa", "").strip(), "en": fields.get(f"{name}_en", "").strip()}


def _optional_text(fields: Mapping[str, str], name: str) -> dict[str, str] | None:
    text = _text(fields, name)
    return text if text["fa"] or text["en"] else None


def _rows(fields: Mapping[str, str], prefix: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    """Numbered rows (``<prefix>_<name>_<n>``), blank ones dropped."""
    found = []
    for n in range(200):
        row = {name: fields.get(f"{prefix}_{name}_{n}", "").strip() for name in names}
        if not any(f"{prefix}_{name}_{n}" in fields for name in names):
            break
        if any(row.values()):
            found.append(row)
    return found


def _condition(text: str, name: str, errors: dict[str, Problem]) -> Any:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        errors[name] = Problem("condition-syntax")
        return None
    if not isinstance(value, dict):
        errors[name] = Problem("condition-syntax")
        return None
    return value


def _whole(text: str, name: str, errors: dict[str, Problem]) -> int | None:
    from services.persian import to_ascii_digits

    text = to_ascii_digits(text.strip())
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,9}", text):
        errors[name] = Problem("not-a-number")
        return None
    return int(text)


#: Ids the console's addresses or the rulebook keep for themselves.
RESERVED_IDS = frozenset({"new", "end"})


def _check_id(value: str, errors: dict[str, Problem]) -> None:
    if not ID_PATTERN.match(value):
        errors["id"] = Problem("id-format")
    elif value in RESERVED_IDS:
        errors["id"] = Problem("id-taken")


def question_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    """A question as its form submits it, in the rulebook's format; errors the check cannot
    name (a number or a condition that does not read)."""
    errors: dict[str, Problem] = {}
    qid = fields.get("id", "").strip()
    _check_id(qid, errors)
    kind = fields.get("kind", "")
    raw: dict[str, Any] = {"id": qid, "kind": kind if kind in KINDS else "", "text": _text(fields, "text")}
    if kind not in KINDS:
        errors["kind"] = Problem("kind")
    if hint := _optional_text(fields, "hint"):
        raw["hint"] = hint
    if kind == "choice":
        raw["options"] = [
            {"id": row["id"], "text": {"fa": row["fa"], "en": row["en"]}}
            for row in _rows(fields, "option", ("id", "fa", "en"))
        ]
        for row in raw["options"]:
            if not ID_PATTERN.match(row["id"]):
                errors["options"] = Problem("option-id", {"id": row["id"]})
    if kind == "number":
        for name in ("min", "max"):
            value = _whole(fields.get(name, ""), name, errors)
            if value is not None:
                raw[name] = value
        if unit := _optional_text(fields, "unit"):
            raw["unit"] = unit
    if kind == "date":
        year = _whole(fields.get("min_year", ""), "min_year", errors)
        if year is not None:
            raw["min_year"] = year
    nxt = fields.get("next", "").strip()
    if nxt:
        raw["next"] = nxt
    branches = []
    for n, row in enumerate(_rows(fields, "branch", ("when", "next"))):
        when = _condition(row["when"], f"branch_{n}", errors)
        branches.append({"when": when, "next": row["next"] or "end"})
    if branches:
        raw["branches"] = branches
    return raw, errors


def rule_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    errors: dict[str, Problem] = {}
    rid = fields.get("id", "").strip()
    _check_id(rid, errors)
    raw: dict[str, Any] = {"id": rid}
    if fields.get("applies_if", "").strip():
        raw["applies_if"] = _condition(fields["applies_if"], "applies_if", errors)
    raw["when"] = _condition(fields.get("when", ""), "when", errors)
    severity = fields.get("if_not_met", "")
    raw["if_not_met"] = severity
    if severity not in SEVERITIES:
        errors["if_not_met"] = Problem("severity")
    raw["met"] = _text(fields, "met")
    raw["not_met"] = _text(fields, "not_met")
    documents = [{"fa": row["fa"], "en": row["en"]} for row in _rows(fields, "doc", ("fa", "en"))]
    if documents:
        raw["documents"] = documents
    return raw, errors


def outcome_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    return {
        "title": _text(fields, "title"),
        "documents": [{"fa": row["fa"], "en": row["en"]} for row in _rows(fields, "doc", ("fa", "en"))],
        "next_step": _text(fields, "next_step"),
    }, {}


def general_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    errors: dict[str, Problem] = {}
    status = fields.get("status", "")
    if status not in ("sample", "confirmed"):
        errors["status"] = Problem("status")
    label = fields.get("label", "").strip()
    if not label:
        errors["label"] = Problem("required")
    return {
        "version": label[:64],
        "status": status,
        "notice": _text(fields, "notice"),
        "start": fields.get("start", "").strip(),
    }, errors


def office_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    from services.persian import to_ascii_digits

    raw: dict[str, Any] = {"name": _text(fields, "name")}
    phone = to_ascii_digits(fields.get("phone", "").strip())
    if phone:
        raw["phone"] = phone
    if address := _optional_text(fields, "address"):
        raw["address"] = address
    for name in ("source", "checked"):
        if value := fields.get(name, "").strip():
            raw[name] = value[:500]
    return raw, {}


def office_defaults_from_form(fields: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, Problem]]:
    return {key: _text(fields, key) for key in ("county", "province", "unknown")}, {}


# ------------------------------------------------------------------------------------------
# Applying an item to a document


def _place(items: list[Any], old: int | None, item: Any, position: int | None) -> list[Any]:
    items = list(items)
    if old is not None:
        items.pop(old)
    at = len(items) if position is None else max(0, min(position, len(items)))
    if position is None and old is not None:
        at = old
    items.insert(at, item)
    return items


def _index(items: list[Any], item_id: str) -> int | None:
    return next(
        (n for n, item in enumerate(items) if isinstance(item, Mapping) and item.get("id") == item_id), None
    )


def with_item(
    document: Mapping[str, Any], kind: str, item_id: str | None, raw: Any, position: int | None = None
) -> dict[str, Any]:
    """A copy of ``document`` with one item put in (``item_id`` None: added) or, with ``raw``
    None, taken out. ``kind``: question, rule, outcome, general, office-defaults,
    office:<province|county>:<region id>."""
    changed = copy.deepcopy(dict(document))
    book, offices = changed["rulebook"], changed["offices"]
    if kind in ("question", "rule"):
        key = "questions" if kind == "question" else "rules"
        items = list(book.get(key) or [])
        old = _index(items, item_id) if item_id is not None else None
        if raw is None:
            if old is not None:
                items.pop(old)
        else:
            items = _place(items, old, raw, position)
        book[key] = items
    elif kind == "outcome":
        book["outcomes"] = {**book["outcomes"], str(item_id): raw}
    elif kind == "general":
        book.update(raw)
    elif kind == "office-defaults":
        offices["default_office"] = raw
    elif kind.startswith("office:"):
        _, scope, region = kind.split(":", 2)
        key = "provinces" if scope == "province" else "counties"
        entries = dict(offices.get(key) or {})
        if raw is None:
            entries.pop(region, None)
        else:
            entries[region] = raw
        offices[key] = entries
    return changed


# ------------------------------------------------------------------------------------------
# Changes


def _audit_target(number: int) -> str:
    return f"eligibility:{number}"


async def _add_version(
    session: AsyncSession,
    *,
    number: int,
    document: dict[str, Any],
    action: str,
    based_on: int | None,
    change: str,
    note: str,
    actor: Actor,
    now: datetime,
    effective_at: datetime | None = None,
) -> Result:
    session.add(
        EligibilityRulebook(
            number=number, document=document, action=action, based_on=based_on, change=change[:128],
            note=note[:2000], actor_id=actor.user_id, actor_name=actor.name[:128], created_at=now,
            effective_at=effective_at, published_at=now if effective_at else None,
            published_by=actor.name[:128] if effective_at else None,
        )
    )  # fmt: skip
    try:
        await session.flush()
        await audit.record(
            session,
            platform=actor.platform,
            actor_id=actor.user_id,
            action=f"eligibility.{action}",
            target=_audit_target(number),
            before={"version": based_on} if based_on else None,
            after={
                "version": number,
                "change": change,
                **({"effective_at": effective_at.isoformat()} if effective_at else {}),
            },
            note=note[:500] or None,
            channel="console",
            at=now,
        )
        await session.commit()
    except IntegrityError:  # a colleague's version took this number first
        await session.rollback()
        return Result(Outcome.STALE)
    return Result(Outcome.DONE, number)


async def save_draft(
    session: AsyncSession,
    *,
    base: int,
    change: Callable[[Mapping[str, Any]], dict[str, Any]],
    describe: str,
    kind: str,
    item_id: str,
    form_errors: Mapping[str, Problem] | None = None,
    note: str = "",
    actor: Actor,
    now: datetime,
) -> Result:
    """Apply ``change`` to version ``base`` (which must be the newest) and keep the result as a
    new draft version, if it passes the start-up's check; field errors otherwise."""
    row = await get(session, base)
    if row is None:
        return Result(Outcome.NOT_FOUND)
    latest = await newest_number(session)
    document = change(row.document)
    if form_errors:
        return Result(Outcome.INVALID, base, dict(form_errors))
    try:
        check_document(document)
    except RulebookError as error:
        return Result(Outcome.INVALID, base, field_errors(error, kind, item_id))
    if latest != base:
        return Result(Outcome.STALE, base)
    if document == row.document:
        return Result(Outcome.UNCHANGED, base)
    # The criteria's date (the chat's result says "sample criteria of <date>"): when written.
    document["rulebook"]["date"] = to_tehran(now).date().isoformat()
    return await _add_version(
        session, number=base + 1, document=document, action="edit", based_on=base, change=describe,
        note=note, actor=actor, now=now,
    )  # fmt: skip


def try_document(document: Mapping[str, Any], kind: str, item_id: str) -> dict[str, Problem]:
    """The start-up's check of a document, as field errors (empty: it passes)."""
    try:
        check_document(document)
    except RulebookError as error:
        return field_errors(error, kind, item_id)
    return {}


async def publish(
    session: AsyncSession, number: int, *, effective_at: datetime, note: str, actor: Actor, now: datetime
) -> Result:
    """Give draft ``number`` its effective moment (a past moment: now); audited."""
    row = await get(session, number)
    if row is None:
        return Result(Outcome.NOT_FOUND)
    if row.effective_at is not None:
        return Result(Outcome.PUBLISHED, number)
    try:
        check_document(row.document)  # the check may have grown stricter since it was saved
    except RulebookError as error:
        return Result(Outcome.INVALID, number, {"form": problem_of(error)})
    moment = max(effective_at, now)
    claimed = await session.execute(
        update(EligibilityRulebook)
        .where(EligibilityRulebook.number == number, EligibilityRulebook.effective_at.is_(None))
        .values(
            effective_at=moment,
            published_at=now,
            published_by=actor.name[:128],
            note="\n".join(part for part in (row.note, note.strip()) if part)[:2000],
        )
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        await session.rollback()
        return Result(Outcome.PUBLISHED, number)
    await audit.record(
        session,
        platform=actor.platform,
        actor_id=actor.user_id,
        action="eligibility.publish",
        target=_audit_target(number),
        after={"version": number, "effective_at": moment.isoformat()},
        note=note[:500] or None,
        channel="console",
        at=now,
    )
    await session.commit()
    return Result(Outcome.DONE, number)


async def revert(session: AsyncSession, number: int, *, note: str, actor: Actor, now: datetime) -> Result:
    """Publish a copy of version ``number`` as a new version, in force at once."""
    row = await get(session, number)
    if row is None:
        return Result(Outcome.NOT_FOUND)
    try:
        check_document(row.document)
    except RulebookError as error:
        return Result(Outcome.INVALID, number, {"form": problem_of(error)})
    latest = await newest_number(session)
    assert latest is not None
    return await _add_version(
        session, number=latest + 1, document=copy.deepcopy(row.document), action="revert", based_on=number,
        change=f"revert:{number}", note=note, actor=actor, now=now, effective_at=now,
    )  # fmt: skip


def changed_parts(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What a version changed compared with another: "question:<id>", "rule:<id>",
    "outcome:<kind>", "general", "offices" (nothing for the first version)."""
    if before is None:
        return []
    parts: list[str] = []
    old, new = before["rulebook"], after["rulebook"]
    for key, label in (("questions", "question"), ("rules", "rule")):
        old_items = {str(i.get("id")): (n, i) for n, i in enumerate(old.get(key) or [])}
        new_items = {str(i.get("id")): (n, i) for n, i in enumerate(new.get(key) or [])}
        for item_id in dict.fromkeys([*new_items, *old_items]):
            if old_items.get(item_id, (None, None))[1] != new_items.get(item_id, (None, None))[1]:
                parts.append(f"{label}:{item_id}")
        if [i for i in old_items] != [i for i in new_items] and not any(p.startswith(label) for p in parts):
            parts.append(f"{label}-order")
    for kind in OUTCOMES:
        if old["outcomes"].get(kind) != new["outcomes"].get(kind):
            parts.append(f"outcome:{kind}")
    apart = ("questions", "rules", "outcomes", "date")
    if {k: v for k, v in old.items() if k not in apart} != {k: v for k, v in new.items() if k not in apart}:
        parts.append("general")
    if before["offices"] != after["offices"]:
        parts.append("offices")
    return parts
