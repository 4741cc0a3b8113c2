"""Dowry-kit (جهیزیه) eligibility screener: a rulebook in YAML and a chat-flow state machine.

The rulebook (``data/eligibility.yaml``, format in ``data/README.md``) holds the questions, their
order and branching, the rules (criteria) and the three outcomes. It is validated when loaded:
any problem raises one :class:`RulebookError` that names the question or rule at fault.

The flow state is a small immutable :class:`State` that round-trips through plain JSON
(``state.to_dict()`` / ``State.from_dict(...)``), so the bot can keep it in its FSM storage::

    screener = default_screener()
    state = screener.start()
    question = screener.current_question(state)        # show question.prompt("fa") + buttons
    state, error = screener.answer(state, "۱۴۰۴/۰۷/۲۸")  # typed text or a button's option id
    if error: reply(error.text.get("fa"))               # and ask the same question again
    if screener.is_finished(state):
        outcome = screener.result(state, county_id="1003")

Dates are compared against an injectable ``today`` (a callable returning a Jalali date), so tests
and the bot agree on what "within 12 months" means.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jdatetime
import yaml

from services.dates import DateProblem, ParsedDate, month_name, parse_date
from services.persian import (
    TEHRAN,
    ZWNJ,
    normalize_letters,
    normalize_text,
    to_ascii_digits,
    to_fa_digits,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_RULEBOOK = DATA_DIR / "eligibility.yaml"
DEFAULT_OFFICES = DATA_DIR / "offices.yaml"

END = "end"
QuestionKind = Literal["yes_no", "choice", "number", "date"]
OutcomeKind = Literal["eligible", "may_be_eligible", "not_eligible"]
KINDS: tuple[str, ...] = ("yes_no", "choice", "number", "date")
OUTCOMES: tuple[OutcomeKind, ...] = ("eligible", "may_be_eligible", "not_eligible")
SEVERITIES = ("not_eligible", "review", "none")
AnswerValue = bool | int | str  # date answers are stored as "1404-07-28"

#: Leaves explored when proving that every outcome can be reached; past it the check is skipped.
SIMULATION_BUDGET = 200_000


class RulebookError(ValueError):
    """The rulebook is invalid. The message names the question, rule or outcome at fault."""


class StateError(ValueError):
    """A state that does not fit the loaded rulebook (an older version, an unknown question), or
    a result asked for before the flow is finished. The bot should restart the flow."""


# --------------------------------------------------------------------------------------------
# Rulebook model


@dataclass(frozen=True, slots=True)
class Text:
    """A text in Persian and English."""

    fa: str
    en: str

    def get(self, locale: str = "fa") -> str:
        return self.fa if locale == "fa" else self.en

    def format(self, **values: Text) -> Text:
        return Text(
            self.fa.format(**{k: v.fa for k, v in values.items()}),
            self.en.format(**{k: v.en for k, v in values.items()}),
        )


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    text: Text


@dataclass(frozen=True, slots=True)
class Condition:
    """``op`` is one of equals, in, gte, gt, lte, lt, within_months, all, any, not."""

    op: str
    question: str | None = None
    value: Any = None
    children: tuple[Condition, ...] = ()

    def questions(self) -> set[str]:
        found = {self.question} if self.question else set()
        for child in self.children:
            found |= child.questions()
        return found


@dataclass(frozen=True, slots=True)
class Branch:
    when: Condition
    next: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    kind: QuestionKind
    text: Text
    options: tuple[Option, ...] = ()
    branches: tuple[Branch, ...] = ()
    next: str = END
    min: int | None = None
    max: int | None = None
    unit: Text | None = None
    min_year: int = 1300
    hint: Text | None = None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def prompt(self, locale: str = "fa") -> str:
        """The question text, with the hint and, for choices, the numbered options."""
        lines = [self.text.get(locale)]
        if self.hint:
            lines.append(self.hint.get(locale))
        if self.kind == "choice":
            for n, opt in enumerate(self.options, 1):
                number = to_fa_digits(n) if locale == "fa" else str(n)
                lines.append(f"{number}. {opt.text.get(locale)}")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    when: Condition
    if_not_met: Literal["not_eligible", "review", "none"]
    met: Text
    not_met: Text
    applies_if: Condition | None = None
    documents: tuple[Text, ...] = ()

    def questions(self) -> set[str]:
        return self.when.questions() | (self.applies_if.questions() if self.applies_if else set())


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    title: Text
    documents: tuple[Text, ...]
    next_step: Text


@dataclass(frozen=True)
class Rulebook:
    version: str
    date: str
    status: str
    notice: Text
    start: str
    questions: Mapping[str, Question]
    rules: tuple[Rule, ...]
    outcomes: Mapping[str, OutcomeSpec]

    @classmethod
    def load(cls, path: str | Path = DEFAULT_RULEBOOK) -> Rulebook:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RulebookError(f"{path}: not valid YAML: {exc}") from exc
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Any) -> Rulebook:
        return _build_rulebook(raw)

    def question(self, question_id: str) -> Question:
        return self.questions[question_id]

    def next_question(
        self, question_id: str, answers: Mapping[str, AnswerValue], today: jdatetime.date
    ) -> str:
        question = self.questions[question_id]
        for branch in question.branches:
            if _evaluate(branch.when, answers, today):
                return branch.next
        return question.next


# --------------------------------------------------------------------------------------------
# Loading and validation


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, Mapping):
        raise RulebookError(f"{where}: expected a text with 'fa' and 'en', got {raw!r}")
    for lang in ("fa", "en"):
        value = raw.get(lang)
        if not isinstance(value, str) or not value.strip():
            raise RulebookError(f"{where}: missing the '{lang}' translation")
    unknown = set(raw) - {"fa", "en"}
    if unknown:
        raise RulebookError(f"{where}: unknown language key(s) {sorted(unknown)}")
    return Text(" ".join(raw["fa"].split()), " ".join(raw["en"].split()))


_LEAF_OPS = ("equals", "in", "gte", "gt", "lte", "lt", "within_months")
_GROUP_OPS = ("all", "any")


def _condition(raw: Any, where: str, default_question: str | None = None) -> Condition:
    if not isinstance(raw, Mapping):
        raise RulebookError(f"{where}: a condition must be a mapping, got {raw!r}")
    keys = set(raw) - {"question"}
    if len(keys) != 1:
        raise RulebookError(f"{where}: a condition needs exactly one operator, got {sorted(keys) or 'none'}")
    (op,) = keys
    question = raw.get("question", default_question)
    if op in _GROUP_OPS:
        items = raw[op]
        if not isinstance(items, list) or not items:
            raise RulebookError(f"{where}: '{op}' needs a non-empty list of conditions")
        return Condition(op, children=tuple(_condition(c, where, question) for c in items))
    if op == "not":
        return Condition(op, children=(_condition(raw[op], where, question),))
    if op not in _LEAF_OPS:
        raise RulebookError(f"{where}: unknown condition operator '{op}'")
    if question is None:
        raise RulebookError(f"{where}: condition '{op}' does not say which question it tests")
    return Condition(op, question=str(question), value=raw[op])


def _check_condition(cond: Condition, questions: Mapping[str, Question], where: str) -> None:
    for child in cond.children:
        _check_condition(child, questions, where)
    if cond.op not in _LEAF_OPS:
        return
    assert cond.question is not None
    question = questions.get(cond.question)
    if question is None:
        raise RulebookError(f"{where}: unknown question id '{cond.question}'")
    kind, value = question.kind, cond.value
    allowed = {
        "yes_no": ("equals",),
        "choice": ("equals", "in"),
        "number": ("equals", "in", "gte", "gt", "lte", "lt"),
        "date": ("within_months",),
    }[kind]
    if cond.op not in allowed:
        raise RulebookError(f"{where}: operator '{cond.op}' cannot test {kind} question '{question.id}'")
    values = value if cond.op == "in" else [value]
    if cond.op == "in" and (not isinstance(value, list) or not value):
        raise RulebookError(f"{where}: 'in' needs a non-empty list")
    for item in values:
        if kind == "yes_no" and not isinstance(item, bool):
            raise RulebookError(
                f"{where}: yes/no question '{question.id}' compares with true/false, not {item!r}"
            )
        if kind == "choice" and question.option(str(item)) is None:
            raise RulebookError(f"{where}: question '{question.id}' has no option '{item}'")
        if kind in ("number", "date") and (isinstance(item, bool) or not isinstance(item, int)):
            raise RulebookError(f"{where}: '{cond.op}' on '{question.id}' needs a whole number, not {item!r}")


def _build_question(raw: Any, index: int, following: str) -> Question:
    if not isinstance(raw, Mapping) or "id" not in raw:
        raise RulebookError(f"question #{index + 1}: needs an 'id'")
    qid = str(raw["id"])
    where = f"question '{qid}'"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise RulebookError(f"{where}: unknown kind {kind!r} (expected one of {', '.join(KINDS)})")
    options: tuple[Option, ...] = ()
    if kind == "choice":
        raw_options = raw.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise RulebookError(f"{where}: a choice needs at least two options")
        seen: set[str] = set()
        built = []
        for opt in raw_options:
            if not isinstance(opt, Mapping) or "id" not in opt:
                raise RulebookError(f"{where}: every option needs an 'id'")
            oid = str(opt["id"])
            if oid in seen:
                raise RulebookError(f"{where}: option id '{oid}' is repeated")
            seen.add(oid)
            built.append(Option(oid, _text(opt.get("text"), f"{where}, option '{oid}'")))
        options = tuple(built)
    elif "options" in raw:
        raise RulebookError(f"{where}: only a choice question has options")
    low, high = raw.get("min"), raw.get("max")
    if kind == "number" and low is not None and high is not None and low > high:
        raise RulebookError(f"{where}: min {low} is greater than max {high}")
    branches = []
    for n, branch in enumerate(raw.get("branches") or []):
        if not isinstance(branch, Mapping) or "when" not in branch or "next" not in branch:
            raise RulebookError(f"{where}, branch #{n + 1}: needs 'when' and 'next'")
        branches.append(
            Branch(_condition(branch["when"], f"{where}, branch #{n + 1}", qid), str(branch["next"]))
        )
    return Question(
        id=qid,
        kind=kind,
        text=_text(raw.get("text"), where),
        options=options,
        branches=tuple(branches),
        next=str(raw.get("next", following)),
        min=low,
        max=high,
        unit=_text(raw["unit"], f"{where}, unit") if "unit" in raw else None,
        min_year=int(raw.get("min_year", 1300)),
        hint=_text(raw["hint"], f"{where}, hint") if "hint" in raw else None,
    )


def _build_rulebook(raw: Any) -> Rulebook:
    if not isinstance(raw, Mapping):
        raise RulebookError("the rulebook must be a YAML mapping")
    for key in ("version", "notice", "start", "questions", "rules", "outcomes"):
        if key not in raw:
            raise RulebookError(f"the rulebook lacks '{key}'")
    raw_questions = raw["questions"]
    if not isinstance(raw_questions, list) or not raw_questions:
        raise RulebookError("'questions' must be a non-empty list")
    ids = [str(q.get("id")) if isinstance(q, Mapping) else "?" for q in raw_questions]
    questions: dict[str, Question] = {}
    for index, raw_q in enumerate(raw_questions):
        following = ids[index + 1] if index + 1 < len(ids) else END
        question = _build_question(raw_q, index, following)
        if question.id in questions or question.id == END:
            raise RulebookError(f"question '{question.id}': id is repeated or reserved")
        questions[question.id] = question

    start = str(raw["start"])
    if start not in questions:
        raise RulebookError(f"start: unknown question id '{start}'")
    for question in questions.values():
        where = f"question '{question.id}'"
        for target in [question.next, *(b.next for b in question.branches)]:
            if target != END and target not in questions:
                raise RulebookError(f"{where}: next question '{target}' is an unknown question id")
        for n, branch in enumerate(question.branches):
            _check_condition(branch.when, questions, f"{where}, branch #{n + 1}")

    _check_cycles(questions, start)

    rules: list[Rule] = []
    for n, raw_rule in enumerate(raw["rules"] or []):
        if not isinstance(raw_rule, Mapping) or "id" not in raw_rule:
            raise RulebookError(f"rule #{n + 1}: needs an 'id'")
        rid = str(raw_rule["id"])
        where = f"rule '{rid}'"
        if any(r.id == rid for r in rules):
            raise RulebookError(f"{where}: id is repeated")
        if "when" not in raw_rule:
            raise RulebookError(f"{where}: needs a 'when' condition")
        severity = raw_rule.get("if_not_met")
        if severity not in SEVERITIES:
            raise RulebookError(
                f"{where}: if_not_met must be one of {', '.join(SEVERITIES)}, not {severity!r}"
            )
        when = _condition(raw_rule["when"], where)
        _check_condition(when, questions, where)
        applies_if = None
        if "applies_if" in raw_rule:
            applies_if = _condition(raw_rule["applies_if"], f"{where}, applies_if")
            _check_condition(applies_if, questions, f"{where}, applies_if")
        documents = tuple(
            _text(d, f"{where}, document #{i + 1}") for i, d in enumerate(raw_rule.get("documents") or [])
        )
        rules.append(
            Rule(
                rid,
                when,
                severity,
                _text(raw_rule.get("met"), f"{where}, met"),
                _text(raw_rule.get("not_met"), f"{where}, not_met"),
                applies_if,
                documents,
            )
        )
    if not rules:
        raise RulebookError("the rulebook has no rules")

    raw_outcomes = raw["outcomes"]
    if not isinstance(raw_outcomes, Mapping):
        raise RulebookError("'outcomes' must be a mapping")
    unknown = set(raw_outcomes) - set(OUTCOMES)
    if unknown:
        raise RulebookError(
            f"outcome '{sorted(unknown)[0]}': unknown outcome (expected {', '.join(OUTCOMES)})"
        )
    outcomes: dict[str, OutcomeSpec] = {}
    for kind in OUTCOMES:
        spec = raw_outcomes.get(kind)
        where = f"outcome '{kind}'"
        if not isinstance(spec, Mapping):
            raise RulebookError(f"{where}: missing")
        next_step = _text(spec.get("next_step"), f"{where}, next_step")
        _check_placeholders(next_step, {"office"}, f"{where}, next_step")
        outcomes[kind] = OutcomeSpec(
            _text(spec.get("title"), f"{where}, title"),
            tuple(_text(d, f"{where}, document #{i + 1}") for i, d in enumerate(spec.get("documents") or [])),
            next_step,
        )

    book = Rulebook(
        version=str(raw["version"]),
        date=str(raw.get("date", "")),
        status=str(raw.get("status", "sample")),
        notice=_text(raw["notice"], "notice"),
        start=start,
        questions=questions,
        rules=tuple(rules),
        outcomes=outcomes,
    )
    _check_reachability(book)
    return book


_PLACEHOLDER = re.compile(r"{([^{}]*)}")


def _check_placeholders(text: Text, allowed: set[str], where: str) -> None:
    """A text filled by ``str.format``: only the ``allowed`` names in braces."""
    for value in (text.fa, text.en):
        unknown = sorted(set(_PLACEHOLDER.findall(value)) - allowed)
        if unknown or value.count("{") != value.count("}"):
            name = unknown[0] if unknown else "{"
            raise RulebookError(
                f"{where}: unknown placeholder '{name}' (allowed: {', '.join('{' + a + '}' for a in sorted(allowed))})"
            )


def _check_cycles(questions: Mapping[str, Question], start: str) -> None:
    def targets(q: Question) -> list[str]:
        return [t for t in dict.fromkeys([*(b.next for b in q.branches), q.next]) if t != END]

    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(qid: str) -> None:
        state[qid] = 1
        path.append(qid)
        for target in targets(questions[qid]):
            if state.get(target) == 1:
                cycle = [*path[path.index(target) :], target]
                raise RulebookError(f"question '{qid}': branching makes a cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target)
        path.pop()
        state[qid] = 2

    visit(start)
    for qid in questions:
        if qid not in state:
            raise RulebookError(f"question '{qid}': unreachable, no path from '{start}' leads to it")


# --------------------------------------------------------------------------------------------
# Evaluation


def _months_before(day: jdatetime.date, months: int) -> jdatetime.date:
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for d in range(day.day, 0, -1):
        try:
            return jdatetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _parse_iso(value: str) -> jdatetime.date:
    year, month, day = (int(p) for p in value.split("-"))
    return jdatetime.date(year, month, day)


def _evaluate(cond: Condition, answers: Mapping[str, AnswerValue], today: jdatetime.date) -> bool:
    if cond.op == "all":
        return all(_evaluate(c, answers, today) for c in cond.children)
    if cond.op == "any":
        return any(_evaluate(c, answers, today) for c in cond.children)
    if cond.op == "not":
        return not _evaluate(cond.children[0], answers, today)
    assert cond.question is not None
    if cond.question not in answers:
        return False
    answer = answers[cond.question]
    if cond.op == "equals":
        return answer == cond.value
    if cond.op == "in":
        return answer in cond.value
    if cond.op == "within_months":
        day = _parse_iso(str(answer))
        return _months_before(today, int(cond.value)) <= day <= today
    number = int(answer)
    return {
        "gte": number >= cond.value,
        "gt": number > cond.value,
        "lte": number <= cond.value,
        "lt": number < cond.value,
    }[cond.op]


@dataclass(frozen=True, slots=True)
class Reason:
    rule_id: str
    met: bool
    severity: str  # the rule's if_not_met: not_eligible | review | none
    text: Text


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    title: Text
    reasons: tuple[Reason, ...]
    documents: tuple[Text, ...]
    next_step: Text
    notice: Text
    rulebook_version: str

    def message(self, locale: str = "fa") -> str:
        """Plain text for the chat (no Markdown): title, notice, reasons, documents, next step."""
        heads = {
            "fa": ("دلایل:", "مدارک لازم:", "قدم بعدی:"),
            "en": ("Why:", "Documents to bring:", "Next step:"),
        }["fa" if locale == "fa" else "en"]
        marks = {"not_eligible": "❌", "review": "⚠️", "none": "ℹ️"}
        lines = [self.title.get(locale), "", self.notice.get(locale), "", heads[0]]
        for reason in self.reasons:
            mark = "✅" if reason.met else marks[reason.severity]
            lines.append(f"{mark} {reason.text.get(locale)}")
        if self.documents:
            lines += ["", heads[1], *(f"• {d.get(locale)}" for d in self.documents)]
        lines += ["", heads[2], self.next_step.get(locale)]
        return "\n".join(lines)


def _decide(
    book: Rulebook, answers: Mapping[str, AnswerValue], today: jdatetime.date
) -> tuple[OutcomeKind, list[Reason], list[Text]]:
    reasons: list[Reason] = []
    documents: list[Text] = []
    for rule in book.rules:
        if not rule.questions() <= answers.keys():
            continue
        if rule.applies_if is not None and not _evaluate(rule.applies_if, answers, today):
            continue
        met = _evaluate(rule.when, answers, today)
        reasons.append(Reason(rule.id, met, rule.if_not_met, rule.met if met else rule.not_met))
        documents.extend(rule.documents)
    failed = {r.severity for r in reasons if not r.met}
    kind: OutcomeKind = (
        "not_eligible"
        if "not_eligible" in failed
        else "may_be_eligible"
        if "review" in failed
        else "eligible"
    )
    order = {"not_eligible": 0, "review": 1, "none": 3}
    reasons.sort(key=lambda r: 2 if r.met else order[r.severity])
    return kind, reasons, documents


_SIM_TODAY = jdatetime.date(1404, 7, 28)
_RANDOM_PATHS = 3000


def _representatives(book: Rulebook) -> dict[str, list[AnswerValue]]:
    conditions: list[Condition] = []

    def collect(cond: Condition) -> None:
        conditions.append(cond)
        for child in cond.children:
            collect(child)

    for rule in book.rules:
        collect(rule.when)
        if rule.applies_if:
            collect(rule.applies_if)
    for question in book.questions.values():
        for branch in question.branches:
            collect(branch.when)

    reps: dict[str, list[AnswerValue]] = {}
    for question in book.questions.values():
        related = [c for c in conditions if c.question == question.id]
        values: list[AnswerValue] = []
        if question.kind == "yes_no":
            values = [True, False]
        elif question.kind == "choice":
            values = [o.id for o in question.options]
        elif question.kind == "number":
            low = question.min if question.min is not None else 0
            high = question.max if question.max is not None else 10**9
            numbers = {low}
            for c in related:
                for t in c.value if c.op == "in" else [c.value]:
                    numbers |= {t - 1, t, t + 1}
            values = sorted(n for n in numbers if low <= n <= high)
        else:
            days = {_SIM_TODAY}
            for c in related:
                edge = _months_before(_SIM_TODAY, int(c.value))
                days |= {edge + jdatetime.timedelta(days=1), edge - jdatetime.timedelta(days=1)}
            values = [f"{d.year:04d}-{d.month:02d}-{d.day:02d}" for d in sorted(days)]
        reps[question.id] = values
    return reps


def _check_reachability(book: Rulebook) -> None:
    """Walk every path through the questions with representative answers (boundary values of
    every threshold) and check that each of the three outcomes is reached by some path."""
    reps = _representatives(book)
    found: set[str] = set()

    # Fast pass: random paths (fixed seed) usually reach every outcome of a valid rulebook.
    rng = random.Random(1480)
    for _ in range(_RANDOM_PATHS):
        answers: dict[str, AnswerValue] = {}
        qid = book.start
        while qid != END:
            answers[qid] = rng.choice(reps[qid])
            qid = book.next_question(qid, answers, _SIM_TODAY)
        found.add(_decide(book, answers, _SIM_TODAY)[0])
        if len(found) == len(OUTCOMES):
            return

    # Exhaustive pass: proves that a missing outcome is unreachable (within the budget).
    budget = [SIMULATION_BUDGET]

    def walk(qid: str, answers: dict[str, AnswerValue]) -> None:
        if len(found) == len(OUTCOMES) or budget[0] <= 0:
            return
        if qid == END:
            budget[0] -= 1
            found.add(_decide(book, answers, _SIM_TODAY)[0])
            return
        for value in reps[qid]:
            answers[qid] = value
            walk(book.next_question(qid, answers, _SIM_TODAY), answers)
            del answers[qid]

    walk(book.start, {})
    if budget[0] > 0:
        for kind in OUTCOMES:
            if kind not in found:
                raise RulebookError(f"outcome '{kind}': unreachable, no combination of answers leads to it")


# --------------------------------------------------------------------------------------------
# Answer parsing


@dataclass(frozen=True, slots=True)
class AnswerError:
    """Why an answer was not accepted; ``text`` is ready to show (fa/en)."""

    code: str  # empty, not_yes_no, unknown_choice, not_a_number, out_of_range, not_a_date,
    #            date_in_future, date_too_old, finished
    text: Text


_YES = {"بله", "بلی", "اره", "آره", "آری", "اری", "هست", "هستم", "هستیم", "دارم", "داریم", "دارد", "درسته",
        "صحیح", "بعله", "yes", "y", "yeah", "yep", "true", "ok", "بلهه"}  # fmt: skip
_NO = {"نه", "خیر", "نخیر", "نیست", "نیستم", "نیستیم", "ندارم", "نداریم", "ندارد", "نع", "no", "n", "nope",
       "false", "نههه"}  # fmt: skip


def _parse_yes_no(raw: str) -> bool | None:
    text = normalize_text(raw)
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    words = text.split()
    yes, no = any(w in _YES for w in words), any(w in _NO for w in words)
    if words[0] in _YES and not no:
        return True
    if words[0] in _NO and not yes:
        return False
    return None


_NUMBER = re.compile(r"^(\d{1,9})\s*(?:سال|سالمه|ساله|سالشه|سالش|نفر|years?|yrs?|y)?$")


def _parse_number(raw: str) -> int | None:
    # Not normalize_text: it would drop a minus sign or a decimal point and accept «-5» as 5.
    text = normalize_letters(to_ascii_digits(raw)).replace(ZWNJ, " ").lower()
    text = re.sub(r"\s+", " ", text).strip().rstrip(".!?؟")
    match = _NUMBER.match(text)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------
# Flow state


@dataclass(frozen=True)
class State:
    """Where a user is in the screener. Immutable; round-trips through plain JSON."""

    version: str
    current: str | None
    answers: Mapping[str, AnswerValue] = field(default_factory=dict)
    history: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "current": self.current,
            "answers": dict(self.answers),
            "history": list(self.history),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        try:
            return cls(
                version=str(data["version"]),
                current=data["current"],
                answers=dict(data.get("answers", {})),
                history=tuple(data.get("history", ())),
            )
        except (KeyError, TypeError) as exc:
            raise StateError(f"not a screener state: {exc!r}") from exc


# --------------------------------------------------------------------------------------------
# Offices (the "next step" of an outcome)


@dataclass(frozen=True)
class Offices:
    default_county: Text
    default_province: Text
    default_unknown: Text
    provinces: Mapping[str, Mapping[str, Any]]
    counties: Mapping[str, Mapping[str, Any]]

    @classmethod
    def load(cls, path: str | Path = DEFAULT_OFFICES) -> Offices:
        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise RulebookError(f"{path}: not valid YAML: {exc}") from exc
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: Any) -> Offices:
        """The offices checked: the three default names (with only their own placeholder) and
        each province's or county's entry under a known region id, with a name and, where
        given, a phone number of digits and an address in both languages."""
        from services.regions import default_regions

        if not isinstance(raw, Mapping):
            raise RulebookError("offices: must be a mapping")
        default = raw.get("default_office")
        if not isinstance(default, Mapping):
            raise RulebookError("offices: default_office: missing")
        names = {}
        for key, allowed in (("county", {"county"}), ("province", {"province"}), ("unknown", set())):
            where = f"offices: default_office, {key}"
            names[key] = _text(default.get(key), where)
            _check_placeholders(names[key], allowed, where)
        regions = default_regions()
        scopes: dict[str, dict[str, Any]] = {}
        for scope, one, known in (
            ("provinces", "province", regions.find_province),
            ("counties", "county", regions.find_county),
        ):
            entries = raw.get(scope) or {}
            if not isinstance(entries, Mapping):
                raise RulebookError(f"offices: '{scope}' must be a mapping")
            for key, entry in entries.items():
                where = f"offices: {one} '{key}'"
                if known(str(key)) is None:
                    raise RulebookError(f"{where}: unknown region id '{key}'")
                _check_office(entry, where)
            scopes[scope] = {str(k): v for k, v in entries.items()}
        return cls(
            names["county"], names["province"], names["unknown"], scopes["provinces"], scopes["counties"]
        )

    def describe(self, county_id: str | None = None) -> Text:
        """How to name the user's office in a sentence, with its contact data when known."""
        from services.regions import default_regions

        regions = default_regions()
        county = regions.find_county(county_id) if county_id else None
        if county is None:
            return self.default_unknown
        entry = self.counties.get(county.id)
        if entry is None:
            name = self.default_county.format(county=Text(county.name_fa, county.name_en))
            return name
        name = _text(entry["name"], f"offices: county {county.id}")
        details = []
        if entry.get("phone"):
            details.append(Text(f"تلفن {to_fa_digits(entry['phone'])}", f"phone {entry['phone']}"))
        if entry.get("address"):
            address = _text(entry["address"], f"offices: county {county.id}, address")
            details.append(Text(f"نشانی: {address.fa}", f"address: {address.en}"))
        if not details:
            return name
        return Text(
            f"{name.fa} ({'، '.join(d.fa for d in details)})",
            f"{name.en} ({', '.join(d.en for d in details)})",
        )


_PHONE = re.compile(r"^[0-9][0-9 \-]{1,18}[0-9]$")


def _check_office(entry: Any, where: str) -> None:
    if not isinstance(entry, Mapping):
        raise RulebookError(f"{where}: an office must be a mapping")
    _text(entry.get("name"), f"{where}, name")
    phone = entry.get("phone")
    if phone is not None and (not isinstance(phone, str) or not _PHONE.match(phone)):
        raise RulebookError(f"{where}, phone: a phone number is digits (and dashes), not {phone!r}")
    if entry.get("address") is not None:
        _text(entry["address"], f"{where}, address")


def check_document(document: Any) -> tuple[Rulebook, Offices]:
    """A whole rulebook version as the database keeps it ({"rulebook": ..., "offices": ...}),
    checked exactly as the files are at start-up."""
    if not isinstance(document, Mapping) or "rulebook" not in document or "offices" not in document:
        raise RulebookError("a rulebook version needs 'rulebook' and 'offices'")
    return Rulebook.from_dict(document["rulebook"]), Offices.from_dict(document["offices"])


# --------------------------------------------------------------------------------------------
# The screener


def tehran_today() -> jdatetime.date:
    """Today's Jalali date in Tehran."""
    return jdatetime.date.fromgregorian(date=datetime.now(TEHRAN).date())


class Screener:
    """The chat flow over one rulebook. Stateless itself: every call takes and returns a State."""

    def __init__(
        self,
        rulebook: Rulebook,
        today: Callable[[], jdatetime.date] = tehran_today,
        offices: Offices | None = None,
    ) -> None:
        self.rulebook = rulebook
        self.today = today
        self.offices = offices

    def start(self) -> State:
        return State(version=self.rulebook.version, current=self.rulebook.start)

    def _check(self, state: State) -> None:
        if state.version != self.rulebook.version:
            raise StateError(
                f"state is for rulebook {state.version!r}, the loaded one is {self.rulebook.version!r}"
            )
        unknown = [q for q in [*state.history, *state.answers] if q not in self.rulebook.questions]
        if state.current is not None and state.current not in self.rulebook.questions:
            unknown.append(state.current)
        if unknown:
            raise StateError(f"state names unknown question(s) {unknown}")

    def current_question(self, state: State) -> Question | None:
        """The question to ask now, or None when the flow is finished."""
        self._check(state)
        return None if state.current is None else self.rulebook.questions[state.current]

    def is_finished(self, state: State) -> bool:
        self._check(state)
        return state.current is None

    def parse(self, question: Question, raw: str) -> tuple[AnswerValue | None, AnswerError | None]:
        """Parse one typed answer (or a button's option id / "yes" / "no") for a question."""
        if not raw or not raw.strip():
            return None, _error("empty", question)
        if question.kind == "yes_no":
            value = _parse_yes_no(raw)
            return (value, None) if value is not None else (None, _error("not_yes_no", question))
        if question.kind == "choice":
            option = _parse_choice(question, raw)
            return (option, None) if option is not None else (None, _error("unknown_choice", question))
        if question.kind == "number":
            number = _parse_number(raw)
            if number is None:
                return None, _error("not_a_number", question)
            if (question.min is not None and number < question.min) or (
                question.max is not None and number > question.max
            ):
                return None, _error("out_of_range", question)
            return number, None
        today = self.today()
        parsed = self.read_date(raw)
        day = parsed.day
        if day is None:
            return None, _date_error(parsed, question)
        if day > today:
            return None, _error("date_in_future", question)
        if day.year < question.min_year:
            return None, _error("date_too_old", question)
        return f"{day.year:04d}-{day.month:02d}-{day.day:02d}", None

    def read_date(self, raw: str) -> ParsedDate:
        """A typed date as the screener reads it (a date without a year is the latest such day);
        the handler shows it back when it was converted from Gregorian or its year was guessed."""
        return parse_date(raw, today=self.today(), missing_year="past")

    def answer(self, state: State, raw: str) -> tuple[State, AnswerError | None]:
        """Record the answer to the current question and move on. On a parse error the state is
        returned unchanged with the error to show; the same question should be asked again."""
        question = self.current_question(state)
        if question is None:
            return state, AnswerError("finished", _MESSAGES["finished"])
        value, error = self.parse(question, raw)
        if error is not None or value is None:
            return state, error
        answers = {**state.answers, question.id: value}
        nxt = self.rulebook.next_question(question.id, answers, self.today())
        return State(
            version=state.version,
            current=None if nxt == END else nxt,
            answers=answers,
            history=(*state.history, question.id),
        ), None

    def back(self, state: State) -> State:
        """Go back to the previous question (its old answer is dropped). At the start: unchanged."""
        self._check(state)
        if not state.history:
            return state
        previous = state.history[-1]
        answers = {k: v for k, v in state.answers.items() if k != previous}
        return State(state.version, previous, answers, state.history[:-1])

    def result(self, state: State, county_id: str | None = None) -> Outcome:
        """The outcome of a finished flow; ``county_id`` names the office in the next step."""
        self._check(state)
        if state.current is not None:
            raise StateError("the screener is not finished yet")
        kind, reasons, rule_documents = _decide(self.rulebook, state.answers, self.today())
        spec = self.rulebook.outcomes[kind]
        office = (self.offices or _default_offices()).describe(county_id)
        documents = list(spec.documents)
        if kind != "not_eligible":
            documents += [d for d in rule_documents if d not in documents]
        return Outcome(
            kind=kind,
            title=spec.title,
            reasons=tuple(reasons),
            documents=tuple(documents),
            next_step=spec.next_step.format(office=office),
            notice=self.rulebook.notice,
            rulebook_version=self.rulebook.version,
        )


def _parse_choice(question: Question, raw: str) -> str | None:
    stripped = raw.strip()
    if question.option(stripped) is not None:  # a button's callback data
        return stripped
    text = normalize_text(raw)
    if text.isdigit() and 1 <= int(text) <= len(question.options):
        return question.options[int(text) - 1].id
    from rapidfuzz import fuzz  # ~2.5 MB, loaded by the first fuzzy match, not at start

    best: tuple[float, str | None] = (0.0, None)
    for option in question.options:
        for label in (option.text.fa, option.text.en, option.id.replace("_", " ")):
            key = normalize_text(label)
            if text == key:
                return option.id
            score = fuzz.ratio(text, key)
            if score > best[0]:
                best = (score, option.id)
    return best[1] if best[0] >= 85 else None


_MESSAGES: dict[str, Text] = {
    "empty": Text("لطفاً جوابی بنویسید یا یکی از دکمه‌ها را بزنید.", "Please type an answer or tap a button."),
    "not_yes_no": Text("لطفاً «بله» یا «نه» جواب بدهید.", "Please answer “yes” or “no”."),
    "unknown_choice": Text(
        "این گزینه را نشناختم. لطفاً یکی از گزینه‌ها را انتخاب کنید یا شماره‌اش را بنویسید:",
        "I didn't recognise that option. Please pick one of the options or type its number:",
    ),
    "not_a_number": Text("لطفاً فقط یک عدد بنویسید، مثلاً ۲۵.", "Please type just a number, e.g. 25."),
    "out_of_range": Text("عدد باید بین {min} و {max} باشد.", "The number must be between {min} and {max}."),
    "not_a_date": Text(
        "تاریخ را به شکل سال/ماه/روز شمسی بنویسید، مثلاً ۱۴۰۴/۰۷/۲۸.",
        "Please type a Jalali date as year/month/day, e.g. 1404/07/28.",
    ),
    "date_in_future": Text(
        "این تاریخ هنوز نرسیده است. لطفاً تاریخ را دوباره بررسی کنید.", "That date is in the future."
    ),
    "date_too_old": Text(
        "این تاریخ خیلی قدیمی است. لطفاً سال را دوباره بررسی کنید.",
        "That date is too long ago. Please check the year.",
    ),
    "finished": Text("پرسش‌ها تمام شده است.", "The questions are finished."),
}


_DATE_PROBLEMS: dict[DateProblem, Text] = {
    DateProblem.BAD_MONTH: Text(
        "ماه باید عددی از ۱ تا ۱۲ باشد. تاریخ شمسی را به شکل سال/ماه/روز بنویسید، مثلاً ۱۴۰۴/۰۷/۲۸.",
        "The month must be 1 to 12. Please type a Jalali date as year/month/day, e.g. 1404/07/28.",
    ),
    DateProblem.AMBIGUOUS: Text(
        "این تاریخ را می‌شود دو جور خواند. لطفاً سال را چهاررقمی و به شمسی بنویسید، مثلاً ۱۴۰۴/۰۷/۲۸.",
        "That date can be read two ways. Please type a Jalali date with a four-digit year, e.g. 1404/07/28.",
    ),
    DateProblem.YEAR_OUT_OF_RANGE: Text(
        "سال را نفهمیدم. سال شمسی را چهاررقمی بنویسید، مثلاً ۱۴۰۴/۰۷/۲۸.",
        "I could not read the year. Please type a four-digit Jalali year, e.g. 1404/07/28.",
    ),
}


def _date_error(parsed: ParsedDate, question: Question) -> AnswerError:
    """Why a typed date was refused, as specifically as the parser can tell."""
    if parsed.problem is DateProblem.BAD_DAY and parsed.month_days and parsed.month:
        month = parsed.month
        return AnswerError(
            "not_a_date",
            Text(
                f"{month_name(month, 'fa')} {to_fa_digits(parsed.month_days)} روز دارد؛ "
                "لطفاً روز را دوباره بررسی کنید.",
                f"{month_name(month, 'en')} has {parsed.month_days} days that year; please check the day.",
            ),
        )
    if parsed.problem is DateProblem.BAD_DAY:  # a Gregorian date that does not exist
        return AnswerError(
            "not_a_date",
            Text(
                "چنین روزی در تقویم نیست. لطفاً تاریخ شمسی بنویسید، مثلاً ۱۴۰۴/۰۷/۲۸.",
                "That day does not exist. Please type a Jalali date, e.g. 1404/07/28.",
            ),
        )
    text = _DATE_PROBLEMS.get(parsed.problem) if parsed.problem else None
    return AnswerError("not_a_date", text) if text else _error("not_a_date", question)


def _error(code: str, question: Question) -> AnswerError:
    text = _MESSAGES[code]
    if code == "out_of_range":
        low, high = question.min, question.max
        text = Text(
            text.fa.format(min=to_fa_digits(low), max=to_fa_digits(high)), text.en.format(min=low, max=high)
        )
    elif code == "unknown_choice":
        text = Text(
            "\n".join(
                [text.fa, *(f"{to_fa_digits(n)}. {o.text.fa}" for n, o in enumerate(question.options, 1))]
            ),
            "\n".join([text.en, *(f"{n}. {o.text.en}" for n, o in enumerate(question.options, 1))]),
        )
    return AnswerError(code, text)


@cache
def _default_offices() -> Offices:
    return Offices.load(DEFAULT_OFFICES)


@cache
def default_rulebook() -> Rulebook:
    return Rulebook.load(DEFAULT_RULEBOOK)


@cache
def default_screener() -> Screener:
    return Screener(default_rulebook(), offices=_default_offices())


# Module-level shortcuts over the shipped rulebook (real Tehran "today").
def start() -> State:
    return default_screener().start()


def current_question(state: State) -> Question | None:
    return default_screener().current_question(state)


def answer(state: State, raw: str) -> tuple[State, AnswerError | None]:
    return default_screener().answer(state, raw)


def back(state: State) -> State:
    return default_screener().back(state)


def is_finished(state: State) -> bool:
    return default_screener().is_finished(state)


def result(state: State, county_id: str | None = None) -> Outcome:
    return default_screener().result(state, county_id)


__all__ = [
    "AnswerError",
    "Offices",
    "Outcome",
    "Question",
    "Reason",
    "Rulebook",
    "RulebookError",
    "Screener",
    "State",
    "StateError",
    "Text",
    "answer",
    "back",
    "check_document",
    "current_question",
    "default_rulebook",
    "default_screener",
    "is_finished",
    "result",
    "start",
]
