"""Staff edit the FAQ: the database is its source of truth.

The entries live in ``faq_entries`` (topics in ``faq_topics``); ``data/faq.yaml`` seeds an empty
database on the first start and is the import/export format. Every change is a
:class:`~models.faq.FaqRevision` (who, when, the entry before and after) that can be restored,
an audit record (channel "console"), and a step of the catalog's version, which every worker
watches (:mod:`services.faq_live`) to rebuild its index without a restart.

Each use case validates as the start-up does (:func:`services.faq.parse_entries`,
:func:`services.faq.check_entries` and the chat's limits in :class:`Rules`), owns its
transaction (commits on success, rolls back otherwise) and returns a typed :class:`Result`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import yaml
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from models.faq import FaqCatalog, FaqEntry, FaqQuery, FaqRevision, FaqTopic
from services import audit
from services.faq import (
    LANGS,
    Entry,
    FaqError,
    Text,
    check_entries,
    entry_to_raw,
    parse_entries,
    parse_topics,
    placeholders,
)
from services.persian import normalize_text

CATALOG_ID = 1
#: An entry id typed in the console: lower-case Latin letters, digits and "_".
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: The actor of the seed (data/faq.yaml on the first start).
SEED_ACTOR = 0


@dataclass(frozen=True, slots=True)
class Rules:
    """What the chat needs of an entry beyond faq.yaml's format (handlers.faq.faq_rules): the
    menu sections an answer's button may open, the settings an answer may quote, how long an
    entry or topic id may be to fit in a button, and how long question + answer may be."""

    actions: frozenset[str]
    variables: frozenset[str]
    entry_id_bytes: int
    topic_id_bytes: int
    max_chars: int


@dataclass(frozen=True, slots=True)
class Actor:
    platform: str
    user_id: int
    name: str


class Outcome(StrEnum):
    DONE = "done"
    INVALID = "invalid"  # see Result.errors
    STALE = "stale"  # changed by someone else since the form was opened
    NOT_FOUND = "not-found"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    entry_id: str | None = None
    #: field name → error code (console-faq-error-<code>); "form" for the entry as a whole.
    errors: Mapping[str, str] = field(default_factory=dict)
    revision: int | None = None

    @property
    def done(self) -> bool:
        return self.outcome == Outcome.DONE


@dataclass(frozen=True)
class Draft:
    """An entry as a form submits it (alternatives one per line)."""

    id: str
    topic: str
    question_fa: str
    question_en: str
    answer_fa: str
    answer_en: str
    alternatives_fa: tuple[str, ...] = ()
    alternatives_en: tuple[str, ...] = ()
    action: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> Draft:
        return cls(
            id=entry.id,
            topic=entry.topic,
            question_fa=entry.question.fa,
            question_en=entry.question.en,
            answer_fa=entry.answer.fa,
            answer_en=entry.answer.en,
            alternatives_fa=tuple(entry.alternatives.get("fa", ())),
            alternatives_en=tuple(entry.alternatives.get("en", ())),
            action=entry.action,
        )

    def raw(self, updated: str) -> dict[str, Any]:
        """The draft in faq.yaml's format (blank phrasings dropped)."""
        alternatives = {
            lang: [a.strip() for a in alts if a.strip()]
            for lang, alts in (("fa", self.alternatives_fa), ("en", self.alternatives_en))
        }
        raw: dict[str, Any] = {
            "id": self.id,
            "topic": self.topic,
            "updated": updated,
            "question": {"fa": self.question_fa, "en": self.question_en},
            "alternatives": {lang: alts for lang, alts in alternatives.items() if alts},
            "answer": {"fa": self.answer_fa, "en": self.answer_en},
        }
        if self.action:
            raw["action"] = self.action
        return raw


@dataclass(frozen=True)
class Row:
    """An entry in the console's list, with the chat's feedback on it."""

    entry: Entry
    revision: int
    updated_at: datetime
    helpful: int
    unhelpful: int


# ------------------------------------------------------------------------------------------
# Validation


def check_catalog(topics: Mapping[str, Text], entries: Sequence[Entry], rules: Rules) -> None:
    """The start-up's checks of a whole FAQ; raises FaqError naming the entry at fault."""
    check_entries(entries, actions=rules.actions, variables=rules.variables)
    for entry in entries:
        if max(len(entry.answer.fa), len(entry.answer.en)) + len(entry.question.fa) > rules.max_chars:
            raise FaqError(f"entry '{entry.id}': the answer is too long for one message")
        if ":" in entry.id or len(entry.id.encode()) > rules.entry_id_bytes:
            raise FaqError(f"entry '{entry.id}': the id is too long for a button")
    for topic in topics:
        if ":" in topic or len(topic.encode()) > rules.topic_id_bytes:
            raise FaqError(f"topic '{topic}': the id is too long for a button")


def validate(
    draft: Draft, topics: Collection[str], rules: Rules, *, taken: Collection[str] = ()
) -> dict[str, str]:
    """Field errors of a draft (field → code), empty when it may be saved. ``taken``: ids in
    use (for a new entry)."""
    errors: dict[str, str] = {}
    if not ID_PATTERN.match(draft.id):
        errors["id"] = "id-format"
    elif len(draft.id.encode()) > rules.entry_id_bytes:
        errors["id"] = "id-too-long"
    elif draft.id in taken:
        errors["id"] = "id-taken"
    if draft.topic not in topics:
        errors["topic"] = "topic-unknown"
    for name in ("question_fa", "question_en", "answer_fa", "answer_en"):
        if not getattr(draft, name).strip():
            errors[name] = "required"
    if draft.action and draft.action not in rules.actions:
        errors["action"] = "action-unknown"
    for lang in LANGS:
        answer = f"answer_{lang}"
        if answer not in errors and placeholders(getattr(draft, answer)) - rules.variables:
            errors[answer] = "placeholder-unknown"
        question = f"question_{lang}"
        if question not in errors and placeholders(getattr(draft, question)):
            errors[question] = "placeholder-in-question"
        alternatives = getattr(draft, f"alternatives_{lang}")
        if any(placeholders(a) for a in alternatives):
            errors[f"alternatives_{lang}"] = "placeholder-in-question"
    longest = max(len(" ".join(draft.answer_fa.split())), len(" ".join(draft.answer_en.split())))
    if longest + len(" ".join(draft.question_fa.split())) > rules.max_chars:
        errors.setdefault(
            "answer_fa" if len(draft.answer_fa) >= len(draft.answer_en) else "answer_en", "too-long"
        )
    if not errors:
        try:  # the start-up's own checks, as a backstop
            entry = _parse(draft.raw("2000-01-01"), topics)
            check_catalog({}, [entry], rules)
        except FaqError:
            errors["form"] = "invalid"
    return errors


def draft_entry(draft: Draft, topics: Collection[str], now: datetime) -> Entry | None:
    """The entry a valid draft makes (for a preview); None when it does not parse."""
    try:
        return _parse(draft.raw(now.date().isoformat()), topics)
    except FaqError:
        return None


def _parse(raw: Mapping[str, Any], topics: Collection[str]) -> Entry:
    names = {topic: {"fa": topic, "en": topic} for topic in topics}
    _, entries = parse_entries({"topics": names, "entries": [dict(raw)]})
    return entries[0]


# ------------------------------------------------------------------------------------------
# Reading


def to_entry(row: FaqEntry) -> Entry:
    return Entry(
        id=row.id,
        topic=row.topic,
        updated=row.updated_at.date().isoformat(),
        question=Text(row.question_fa, row.question_en),
        answer=Text(row.answer_fa, row.answer_en),
        alternatives={
            lang: tuple(row.alternatives.get(lang) or ()) for lang in LANGS if row.alternatives.get(lang)
        },
        action=row.action,
    )


def _columns(entry: Entry, now: datetime) -> dict[str, Any]:
    return {
        "id": entry.id,
        "topic": entry.topic,
        "question_fa": entry.question.fa,
        "question_en": entry.question.en,
        "answer_fa": entry.answer.fa,
        "answer_en": entry.answer.en,
        "alternatives": {
            lang: list(entry.alternatives[lang]) for lang in LANGS if entry.alternatives.get(lang)
        },
        "action": entry.action,
        "updated_at": now,
    }


def _fill(row: FaqEntry, entry: Entry, now: datetime) -> None:
    for name, value in _columns(entry, now).items():
        if name != "id":
            setattr(row, name, value)


async def catalog_version(session: AsyncSession) -> int | None:
    """The FAQ's version (None: not seeded yet)."""
    return await session.scalar(select(FaqCatalog.version).where(FaqCatalog.id == CATALOG_ID))


async def topics(session: AsyncSession) -> dict[str, Text]:
    rows = await session.scalars(select(FaqTopic).order_by(FaqTopic.position, FaqTopic.key))
    return {row.key: Text(row.name_fa, row.name_en) for row in rows}


async def load(session: AsyncSession) -> tuple[dict[str, Text], list[Entry]]:
    """The whole FAQ as the index is built from it, in the entries' order."""
    rows = await session.scalars(select(FaqEntry).order_by(FaqEntry.position, FaqEntry.id))
    return await topics(session), [to_entry(row) for row in rows]


async def get(session: AsyncSession, entry_id: str) -> FaqEntry | None:
    return await session.get(FaqEntry, entry_id[:64])


async def feedback(session: AsyncSession) -> dict[str, tuple[int, int]]:
    """Per entry: how many said the answer helped, and how many said it did not."""
    rows = await session.execute(
        select(FaqQuery.entry_id, FaqQuery.helpful, func.count())
        .where(FaqQuery.entry_id.is_not(None), FaqQuery.helpful.is_not(None))
        .group_by(FaqQuery.entry_id, FaqQuery.helpful)
    )
    counts: dict[str, list[int]] = {}
    for entry_id, helpful, count in rows.all():
        counts.setdefault(str(entry_id), [0, 0])[0 if helpful else 1] += int(count)
    return {key: (value[0], value[1]) for key, value in counts.items()}


def _haystack(entry: Entry) -> str:
    texts = [entry.id, *(text for _, text in entry.phrasings()), entry.answer.fa, entry.answer.en]
    return normalize_text(" ".join(texts)).replace(" ", "")


async def listing(session: AsyncSession, *, search: str = "", topic: str = "") -> list[Row]:
    """Entries (of a topic, containing the searched words in any language and phrasing, letter
    forms, digits and spaces aside), with their feedback counts."""
    rows = list(await session.scalars(select(FaqEntry).order_by(FaqEntry.position, FaqEntry.id)))
    counts = await feedback(session)
    words = [w for w in normalize_text(search[:200]).split() if w]
    found: list[Row] = []
    for row in rows:
        entry = to_entry(row)
        if topic and entry.topic != topic:
            continue
        if words:
            haystack = _haystack(entry)
            if not all(word in haystack for word in words):
                continue
        helpful, unhelpful = counts.get(entry.id, (0, 0))
        found.append(Row(entry, row.revision, row.updated_at, helpful, unhelpful))
    return found


async def history(session: AsyncSession, entry_id: str) -> list[FaqRevision]:
    """An entry's revisions, newest first."""
    rows = await session.scalars(
        select(FaqRevision).where(FaqRevision.entry_id == entry_id[:64]).order_by(FaqRevision.number.desc())
    )
    return list(rows)


def changed_fields(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    """The fields a revision changed (all of them for a creation or deletion)."""
    keys = ("topic", "question", "alternatives", "answer", "action")
    return [k for k in keys if (before or {}).get(k) != (after or {}).get(k)]


# ------------------------------------------------------------------------------------------
# Seed and export


@functools.lru_cache(maxsize=2)
def _read_yaml(text: str) -> tuple[dict[str, Text], tuple[Entry, ...]]:
    try:
        raw = yaml.load(text, Loader=_Loader)  # a safe loader (C or Python)
    except yaml.YAMLError as exc:
        raise FaqError(f"not valid YAML: {exc}") from exc
    found, entries = parse_entries(raw)
    return found, tuple(entries)


def read_yaml(text: str) -> tuple[dict[str, Text], list[Entry]]:
    """A faq.yaml's topics and entries, validated (remembered: every start reads the seed)."""
    found, entries = _read_yaml(text)
    return dict(found), list(entries)


#: libyaml's safe loader where installed (ten times faster on the 70 KB seed).
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


async def seed_if_empty(
    session: AsyncSession, *, topics: Mapping[str, Text], entries: Sequence[Entry], source: str, now: datetime
) -> bool:
    """On the first start, the FAQ of data/faq.yaml (read and checked by the caller, as at every
    start); False when the database already has it (another worker may have just seeded it)."""
    if await catalog_version(session) is not None:
        return False
    try:
        session.add(FaqCatalog(id=CATALOG_ID, version=1, changed_at=now))
        await session.flush()  # the claim: a second worker seeding now fails here
        # Bulk inserts: this runs at every start of a fresh database (each test's too).
        await session.execute(
            insert(FaqTopic),
            [
                {"key": key, "name_fa": name.fa, "name_en": name.en, "position": position}
                for position, (key, name) in enumerate(topics.items())
            ],
        )
        await session.execute(
            insert(FaqEntry),
            [
                {**_columns(entry, now), "position": position, "revision": 1}
                for position, entry in enumerate(entries)
            ],
        )
        await session.execute(
            insert(FaqRevision),
            [
                {
                    "entry_id": entry.id,
                    "number": 1,
                    "action": "seed",
                    "actor_id": SEED_ACTOR,
                    "actor_name": source[:128],
                    "at": now,
                    "before": None,
                    "after": entry_to_raw(entry),
                    "restored": None,
                }
                for entry in entries
            ],
        )
        await session.commit()
    except (IntegrityError, OperationalError):
        # Another worker seeded first (a duplicate key; on SQLite, a write lock lost to it).
        await session.rollback()
        if await catalog_version(session) is not None:
            return False
        raise
    return True


async def export_yaml(session: AsyncSession) -> str:
    """The FAQ in faq.yaml's format (read_yaml reads it back)."""
    found, entries = await load(session)
    document = {
        "version": 1,
        "topics": {key: {"fa": name.fa, "en": name.en} for key, name in found.items()},
        "entries": [entry_to_raw(entry) for entry in entries],
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)


# ------------------------------------------------------------------------------------------
# Changes


async def _bump(session: AsyncSession, now: datetime) -> None:
    await session.execute(
        update(FaqCatalog)
        .where(FaqCatalog.id == CATALOG_ID)
        .values(version=FaqCatalog.version + 1, changed_at=now)
    )


async def _next_number(session: AsyncSession, entry_id: str) -> int:
    latest = await session.scalar(
        select(func.max(FaqRevision.number)).where(FaqRevision.entry_id == entry_id)
    )
    return int(latest or 0) + 1


async def _record(
    session: AsyncSession,
    *,
    entry_id: str,
    number: int,
    action: str,
    actor: Actor,
    now: datetime,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    restored: int | None = None,
) -> None:
    session.add(
        FaqRevision(
            entry_id=entry_id,
            number=number,
            action=action,
            actor_id=actor.user_id,
            actor_name=actor.name[:128],
            at=now,
            before=before,
            after=after,
            restored=restored,
        )
    )
    fields = changed_fields(before, after)
    await audit.record(
        session,
        platform=actor.platform,
        actor_id=actor.user_id,
        action=f"faq.{action}",
        target=f"faq:{entry_id}",
        before={k: (before or {}).get(k) for k in fields} if before else None,
        after={k: (after or {}).get(k) for k in fields} if after else None,
        note=f"revision {number}" + (f", restores {restored}" if restored else ""),
        channel="console",
        at=now,
    )
    await _bump(session, now)


async def _commit(session: AsyncSession, entry_id: str, number: int) -> Result:
    try:
        await session.commit()
    except IntegrityError:  # a colleague's change took this revision number first
        await session.rollback()
        return Result(Outcome.STALE, entry_id)
    return Result(Outcome.DONE, entry_id, revision=number)


async def _taken_ids(session: AsyncSession) -> set[str]:
    return set(await session.scalars(select(FaqEntry.id)))


async def create(session: AsyncSession, draft: Draft, *, actor: Actor, rules: Rules, now: datetime) -> Result:
    known = await topics(session)
    errors = validate(draft, known, rules, taken=await _taken_ids(session))
    if errors:
        return Result(Outcome.INVALID, draft.id, errors)
    entry = _parse(draft.raw(now.date().isoformat()), known)
    position = await session.scalar(select(func.max(FaqEntry.position)))
    number = await _next_number(session, entry.id)  # an id used before keeps its history
    row = FaqEntry(id=entry.id, position=int(position or 0) + 1, revision=number)
    _fill(row, entry, now)
    session.add(row)
    await _record(
        session, entry_id=entry.id, number=number, action="create", actor=actor, now=now,
        before=None, after=entry_to_raw(entry),
    )  # fmt: skip
    return await _commit(session, entry.id, number)


async def _change(
    session: AsyncSession,
    row: FaqEntry,
    entry: Entry,
    *,
    expected: int,
    action: str,
    actor: Actor,
    now: datetime,
    restored: int | None = None,
) -> Result:
    """Write ``entry`` over ``row`` if nobody changed it since revision ``expected``."""
    written = await _write_change(
        session, row, entry, expected=expected, action=action, actor=actor, now=now, restored=restored
    )
    if isinstance(written, Result):
        return written
    return await _commit(session, row.id, written)


async def _write_change(
    session: AsyncSession,
    row: FaqEntry,
    entry: Entry,
    *,
    expected: int,
    action: str,
    actor: Actor,
    now: datetime,
    restored: int | None = None,
) -> Result | int:
    """:func:`_change` without the commit: the new revision's number, or UNCHANGED / STALE
    (rolled back)."""
    before = entry_to_raw(to_entry(row))
    after = entry_to_raw(entry)
    if changed_fields(before, after) == []:
        return Result(Outcome.UNCHANGED, row.id, revision=row.revision)
    number = row.revision + 1
    claimed = await session.execute(
        update(FaqEntry)
        .where(FaqEntry.id == row.id, FaqEntry.revision == expected)
        .values(revision=number)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:  # type: ignore[attr-defined]
        await session.rollback()
        return Result(Outcome.STALE, row.id)
    _fill(row, entry, now)
    row.revision = number
    await _record(
        session, entry_id=row.id, number=number, action=action, actor=actor, now=now,
        before=before, after=after, restored=restored,
    )  # fmt: skip
    return number


async def edit(
    session: AsyncSession,
    entry_id: str,
    draft: Draft,
    *,
    expected_revision: int,
    actor: Actor,
    rules: Rules,
    now: datetime,
) -> Result:
    """Save a changed entry (its id stays); STALE when it changed since ``expected_revision``."""
    row = await get(session, entry_id)
    if row is None:
        return Result(Outcome.NOT_FOUND, entry_id)
    if row.revision != expected_revision:
        return Result(Outcome.STALE, entry_id)
    draft = replace(draft, id=row.id)
    known = await topics(session)
    errors = validate(draft, known, rules)
    if errors:
        return Result(Outcome.INVALID, entry_id, errors)
    entry = _parse(draft.raw(now.date().isoformat()), known)
    return await _change(session, row, entry, expected=expected_revision, action="edit", actor=actor, now=now)


async def delete(
    session: AsyncSession, entry_id: str, *, expected_revision: int, actor: Actor, now: datetime
) -> Result:
    """Remove an entry from the chat; its history stays and a revert brings it back."""
    row = await get(session, entry_id)
    if row is None:
        return Result(Outcome.NOT_FOUND, entry_id)
    if row.revision != expected_revision:
        return Result(Outcome.STALE, entry_id)
    before = entry_to_raw(to_entry(row))
    number = row.revision + 1
    await session.delete(row)
    await _record(
        session, entry_id=entry_id, number=number, action="delete", actor=actor, now=now,
        before=before, after=None,
    )  # fmt: skip
    return await _commit(session, entry_id, number)


async def revert(
    session: AsyncSession, entry_id: str, *, number: int, actor: Actor, rules: Rules, now: datetime
) -> Result:
    """Bring the entry back to what revision ``number`` made of it (a deleted entry is restored;
    restoring a deletion deletes it). The restored content is checked against today's rules
    (a menu section or setting it names may be gone): INVALID then, with the errors."""
    revision = await session.scalar(
        select(FaqRevision).where(FaqRevision.entry_id == entry_id[:64], FaqRevision.number == number)
    )
    if revision is None:
        return Result(Outcome.NOT_FOUND, entry_id)
    row = await get(session, entry_id)
    if revision.after is None:
        if row is None:
            return Result(Outcome.UNCHANGED, entry_id)
        return await delete(session, entry_id, expected_revision=row.revision, actor=actor, now=now)
    known = await topics(session)
    try:
        restored = _parse({**revision.after, "updated": now.date().isoformat()}, known)
    except FaqError:
        return Result(Outcome.INVALID, entry_id, {"form": "invalid"})
    errors = validate(Draft.of(restored), known, rules)
    if errors:
        return Result(Outcome.INVALID, entry_id, errors)
    if row is None:
        latest = await _next_number(session, entry_id)
        position = await session.scalar(select(func.max(FaqEntry.position)))
        row = FaqEntry(id=entry_id, position=int(position or 0) + 1, revision=latest)
        _fill(row, restored, now)
        session.add(row)
        await _record(
            session, entry_id=entry_id, number=latest, action="revert", actor=actor, now=now,
            before=None, after=entry_to_raw(restored), restored=number,
        )  # fmt: skip
        return await _commit(session, entry_id, latest)
    return await _change(
        session, row, restored, expected=row.revision, action="revert", actor=actor, now=now, restored=number
    )


async def add_phrasing(
    session: AsyncSession, entry_id: str, *, lang: str, text: str, actor: Actor, rules: Rules, now: datetime
) -> Result:
    """Add a question people asked as one more phrasing of an entry (the learning loop)."""
    row = await get(session, entry_id)
    if row is None:
        return Result(Outcome.NOT_FOUND, entry_id)
    phrasing = " ".join(text.split())
    if lang not in LANGS or not phrasing:
        return Result(Outcome.INVALID, entry_id, {"text": "required"})
    draft = Draft.of(to_entry(row))
    existing = draft.alternatives_fa if lang == "fa" else draft.alternatives_en
    if phrasing in existing:
        return Result(Outcome.UNCHANGED, entry_id, revision=row.revision)
    if lang == "fa":
        draft = replace(draft, alternatives_fa=(*existing, phrasing))
    else:
        draft = replace(draft, alternatives_en=(*existing, phrasing))
    known = await topics(session)
    errors = validate(draft, known, rules)
    if errors:
        return Result(Outcome.INVALID, entry_id, errors)
    entry = _parse(draft.raw(now.date().isoformat()), known)
    return await _change(session, row, entry, expected=row.revision, action="phrasing", actor=actor, now=now)


# ------------------------------------------------------------------------------------------
# Import of a faq.yaml


@dataclass(frozen=True, slots=True)
class ImportLine:
    """What importing would do to one entry of the file."""

    id: str
    status: str  # one of IMPORT_STATUSES
    #: For "changed": the parts that change (changed_fields' names).
    parts: tuple[str, ...] = ()
    #: For "error": field → error code (console-faq-error-<code>) ...
    errors: Mapping[str, str] = field(default_factory=dict)
    #: ... or the start-up validator's message, when the entry does not even parse.
    detail: str = ""


IMPORT_STATUSES = ("new", "changed", "unchanged", "error")


@dataclass(frozen=True)
class ImportPlan:
    """A dry run of importing a faq.yaml: nothing is written. ``problem`` is set when the file as
    a whole cannot be read ("yaml": not YAML; "format": not a faq file; ``detail`` says why);
    ``version`` is the FAQ's version the plan was made against (the apply step checks it)."""

    lines: tuple[ImportLine, ...] = ()
    new_topics: tuple[str, ...] = ()
    #: Entries in the database that the file does not name: an import leaves them as they are.
    kept: tuple[str, ...] = ()
    version: int | None = None
    problem: str | None = None
    detail: str = ""

    def count(self, status: str) -> int:
        return sum(line.status == status for line in self.lines)

    @property
    def ok(self) -> bool:
        return self.problem is None and self.count("error") == 0

    @property
    def changes(self) -> int:
        return self.count("new") + self.count("changed")


#: The largest faq.yaml the console takes (the seed is about 70 KB).
MAX_IMPORT_BYTES = 1024 * 1024


def _read_import(text: str) -> tuple[Mapping[str, Any] | None, str | None, str]:
    try:
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        return None, "yaml", str(exc)[:500]
    if not isinstance(raw, Mapping) or not isinstance(raw.get("entries"), list) or not raw["entries"]:
        return None, "format", "faq file needs 'topics' and a list of 'entries'"
    return raw, None, ""


async def plan_import(session: AsyncSession, text: str, rules: Rules) -> ImportPlan:
    """Check a faq.yaml entry by entry as the start-up does (and as the console's form does),
    and compare it with the database: new, changed (which parts), unchanged, or an error."""
    version = await catalog_version(session)
    raw, problem, detail = _read_import(text)
    if raw is None:
        return ImportPlan(version=version, problem=problem, detail=detail)
    try:
        file_topics = parse_topics(raw.get("topics"))
    except FaqError as exc:
        return ImportPlan(version=version, problem="format", detail=str(exc))
    known_topics, entries = await load(session)
    current = {entry.id: entry for entry in entries}
    names = {key: {"fa": name.fa, "en": name.en} for key, name in {**known_topics, **file_topics}.items()}
    lines: list[ImportLine] = []
    seen: set[str] = set()
    for n, item in enumerate(raw["entries"]):
        entry_id = str(item.get("id") or f"#{n + 1}") if isinstance(item, Mapping) else f"#{n + 1}"
        if entry_id in seen:
            lines.append(ImportLine(entry_id, "error", detail=f"entry '{entry_id}': id is repeated"))
            continue
        seen.add(entry_id)
        try:
            _, (entry,) = parse_entries({"topics": names, "entries": [item]})
        except FaqError as exc:
            lines.append(ImportLine(entry_id, "error", detail=str(exc)))
            continue
        # The form's checks, per field (the start-up's check_catalog among them, as a backstop).
        errors = validate(Draft.of(entry), names, rules)
        if errors:
            lines.append(ImportLine(entry_id, "error", errors=errors))
            continue
        existing = current.get(entry.id)
        if existing is None:
            lines.append(ImportLine(entry.id, "new"))
            continue
        parts = changed_fields(entry_to_raw(existing), entry_to_raw(entry))
        lines.append(ImportLine(entry.id, "changed" if parts else "unchanged", tuple(parts)))
    return ImportPlan(
        lines=tuple(lines),
        new_topics=tuple(key for key in file_topics if key not in known_topics),
        kept=tuple(entry_id for entry_id in current if entry_id not in seen),
        version=version,
    )


@dataclass(frozen=True)
class ImportResult:
    outcome: Outcome  # DONE, UNCHANGED, INVALID (see plan), STALE (the FAQ changed since)
    plan: ImportPlan


async def apply_import(
    session: AsyncSession,
    text: str,
    *,
    expected_version: int | None,
    actor: Actor,
    rules: Rules,
    now: datetime,
) -> ImportResult:
    """Import a faq.yaml whose dry run (``expected_version``: the version it was made against)
    the staff member saw: checked again, then every new and changed entry written as a revision
    (action "import", audited, the version raised) in one transaction. New topics are added;
    existing topics' names and entries the file does not name stay as they are. STALE when the
    FAQ changed since the dry run (a new dry run shows what the import would do now)."""
    plan = await plan_import(session, text, rules)
    if not plan.ok:
        return ImportResult(Outcome.INVALID, plan)
    if plan.version != expected_version:
        return ImportResult(Outcome.STALE, plan)
    if not plan.changes:
        return ImportResult(Outcome.UNCHANGED, plan)
    raw, _, _ = _read_import(text)
    assert raw is not None  # the plan read it
    file_topics = parse_topics(raw.get("topics"))
    position = int(await session.scalar(select(func.max(FaqTopic.position))) or 0)
    for key in plan.new_topics:
        position += 1
        name = file_topics[key]
        session.add(FaqTopic(key=key, name_fa=name.fa, name_en=name.en, position=position))
    names = {key: {"fa": "-", "en": "-"} for key in {*await topics(session), *file_topics}}
    wanted = {line.id for line in plan.lines if line.status in ("new", "changed")}
    last = int(await session.scalar(select(func.max(FaqEntry.position))) or 0)
    for item in raw["entries"]:
        if str(item["id"]) not in wanted:
            continue
        _, (entry,) = parse_entries(
            {"topics": names, "entries": [{**item, "updated": now.date().isoformat()}]}
        )
        row = await get(session, entry.id)
        if row is None:
            number = await _next_number(session, entry.id)
            last += 1
            row = FaqEntry(id=entry.id, position=last, revision=number)
            _fill(row, entry, now)
            session.add(row)
            await _record(
                session, entry_id=entry.id, number=number, action="import", actor=actor, now=now,
                before=None, after=entry_to_raw(entry),
            )  # fmt: skip
            continue
        written = await _write_change(
            session, row, entry, expected=row.revision, action="import", actor=actor, now=now
        )
        if isinstance(written, Result) and written.outcome == Outcome.STALE:
            return ImportResult(Outcome.STALE, plan)
    try:
        await session.commit()
    except IntegrityError:  # a colleague created one of these ids or took a revision number
        await session.rollback()
        return ImportResult(Outcome.STALE, plan)
    return ImportResult(Outcome.DONE, plan)
