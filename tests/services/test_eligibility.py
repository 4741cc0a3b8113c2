import copy
import json
from pathlib import Path
from typing import Any

import jdatetime
import pytest
import yaml

from services import eligibility
from services.eligibility import Rulebook, RulebookError, Screener, State, StateError

TODAY = jdatetime.date(1405, 9, 9)
RAW: dict[str, Any] = yaml.safe_load(eligibility.DEFAULT_RULEBOOK.read_text(encoding="utf-8"))

# Answers that meet every criterion of the shipped sample rulebook.
GOOD = {
    "covered": "بله",
    "marriage_registered": "بله",
    "marriage_date": "۱۴۰۵/۰۳/۰۱",  # ~6 months before TODAY
    "first_marriage": "بله",
    "bride_age": "۲۲",
    "groom_age": "۲۶",
    "bride_has_guardian": "بله",
    "disability": "none",
    "commission_confirmed": "بله",
    "income": "below_min_wage",
    "received_before": "نه",
}


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(eligibility.default_rulebook(), today=lambda: TODAY)


def run(screener: Screener, **changes: str) -> State:
    answers = {**GOOD, **changes}
    state = screener.start()
    for _ in range(50):
        question = screener.current_question(state)
        if question is None:
            return state
        state, error = screener.answer(state, answers[question.id])
        assert error is None, (question.id, answers[question.id], error)
        # the state survives the bot's JSON storage at every step
        state = State.from_dict(json.loads(json.dumps(state.to_dict())))
    raise AssertionError("flow did not finish")


def reason(outcome: eligibility.Outcome, rule_id: str) -> eligibility.Reason | None:
    return next((r for r in outcome.reasons if r.rule_id == rule_id), None)


def test_shipped_rulebook_is_marked_sample() -> None:
    book = eligibility.default_rulebook()
    assert book.status == "sample"
    assert "نمونه" in book.notice.fa and "sample" in book.notice.en.lower()
    assert "SAMPLE" in eligibility.DEFAULT_RULEBOOK.read_text(encoding="utf-8")


def test_all_good_answers_are_eligible(screener: Screener) -> None:
    outcome = screener.result(run(screener), county_id="1003")
    assert outcome.kind == "eligible"
    assert all(r.met for r in outcome.reasons if r.severity != "none")
    assert "خمینی‌شهر" in outcome.next_step.fa and "Khomeyni Shahr" in outcome.next_step.en
    assert outcome.documents and outcome.notice == screener.rulebook.notice
    text = outcome.message("fa")
    assert outcome.title.fa in text and "مدارک لازم" in text and "{office}" not in text
    assert "Next step:" in outcome.message("en")


# One case per rule of the shipped rulebook: answers that break it and the outcome they give.
RULE_CASES: dict[str, tuple[dict[str, str], str]] = {
    "under_coverage": ({"covered": "نه"}, "not_eligible"),
    "marriage_registered": ({"marriage_registered": "خیر"}, "not_eligible"),
    "marriage_within_24_months": ({"marriage_date": "1402/01/15"}, "not_eligible"),
    "marriage_within_12_months": ({"marriage_date": "۱۴۰۴/۰۳/۰۱"}, "may_be_eligible"),
    "first_marriage": ({"first_marriage": "نه"}, "may_be_eligible"),
    "bride_adult": ({"bride_age": "17"}, "may_be_eligible"),
    "groom_adult": ({"groom_age": "۱۷ سال"}, "may_be_eligible"),
    "bride_without_guardian": ({"bride_has_guardian": "بله"}, "eligible"),
    "disability_confirmed": ({"disability": "groom", "commission_confirmed": "نه"}, "may_be_eligible"),
    "income_band": ({"income": "above_twice_min_wage"}, "not_eligible"),
    "income_low": ({"income": "up_to_twice_min_wage"}, "may_be_eligible"),
    "not_received_before": ({"received_before": "آره"}, "not_eligible"),
}

# Answers that meet rules that the GOOD answers leave unevaluated or unmet.
MET_CASES: dict[str, dict[str, str]] = {
    "bride_without_guardian": {"bride_has_guardian": "نه"},
    "disability_confirmed": {"disability": "both", "commission_confirmed": "بله"},
}


def test_every_rule_has_a_case() -> None:
    assert {r.id for r in eligibility.default_rulebook().rules} == set(RULE_CASES)


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_not_met(screener: Screener, rule_id: str) -> None:
    changes, expected = RULE_CASES[rule_id]
    outcome = screener.result(run(screener, **changes))
    assert outcome.kind == expected
    found = reason(outcome, rule_id)
    assert found is not None and not found.met
    rule = next(r for r in screener.rulebook.rules if r.id == rule_id)
    assert found.text == rule.not_met
    if expected == "not_eligible":
        assert outcome.reasons[0].severity == "not_eligible" and not outcome.reasons[0].met


@pytest.mark.parametrize("rule_id", sorted(RULE_CASES))
def test_rule_met(screener: Screener, rule_id: str) -> None:
    outcome = screener.result(run(screener, **MET_CASES.get(rule_id, {})))
    found = reason(outcome, rule_id)
    assert found is not None and found.met
    assert outcome.kind == "eligible"


def test_branching_skips_questions(screener: Screener) -> None:
    state = run(screener, covered="نه")
    assert state.history == ("covered",)
    outcome = screener.result(state)
    assert [r.rule_id for r in outcome.reasons] == ["under_coverage"]
    assert outcome.documents == ()
    no_disability = run(screener)
    assert "commission_confirmed" not in no_disability.history
    assert reason(screener.result(no_disability), "disability_confirmed") is None
    with_disability = run(screener, disability="عروس")
    assert "commission_confirmed" in with_disability.history
    assert any("کمیسیون" in d.fa for d in screener.result(with_disability).documents)


def test_income_rules_do_not_contradict(screener: Screener) -> None:
    outcome = screener.result(run(screener, income="above_twice_min_wage"))
    assert reason(outcome, "income_low") is None


def test_dates_compare_against_injected_today() -> None:
    book = eligibility.default_rulebook()
    date = {"marriage_date": "1404/09/10"}
    # 1404/09/10 is within 12 months of 1405/09/09 but not of 1405/09/11
    assert Screener(book, today=lambda: jdatetime.date(1405, 9, 9)).result(
        run(Screener(book, today=lambda: jdatetime.date(1405, 9, 9)), **date)
    ).kind == ("eligible")
    later = Screener(book, today=lambda: jdatetime.date(1405, 9, 11))
    assert later.result(run(later, **date)).kind == "may_be_eligible"


def test_back(screener: Screener) -> None:
    state = screener.start()
    assert screener.back(state) == state
    state, _ = screener.answer(state, "بله")
    state, _ = screener.answer(state, "بله")
    assert state.current == "marriage_date"
    state = screener.back(state)
    assert state.current == "marriage_registered" and "marriage_registered" not in state.answers
    assert state.history == ("covered",)
    state = screener.back(state)
    assert state == screener.start()
    finished = run(screener, covered="نه")
    assert screener.is_finished(finished)
    reopened = screener.back(finished)
    assert reopened.current == "covered" and not screener.is_finished(reopened)


def test_state_errors(screener: Screener) -> None:
    state = screener.start()
    with pytest.raises(StateError):
        screener.result(state)
    stale = State("0.0.0-old", "covered")
    with pytest.raises(StateError):
        screener.current_question(stale)
    with pytest.raises(StateError):
        screener.answer(State(state.version, "no_such_question"), "بله")
    with pytest.raises(StateError):
        State.from_dict({"answers": {}})
    finished = run(screener)
    same, error = screener.answer(finished, "بله")
    assert same == finished and error is not None and error.code == "finished"


@pytest.mark.parametrize(
    ("question_id", "raw", "expected"),
    [
        ("covered", "بله", True),
        ("covered", "بلی", True),
        ("covered", "آره هستیم", True),
        ("covered", "YES", True),
        ("covered", "yes", True),
        ("covered", "نه", False),
        ("covered", "خیر، نیستیم", False),
        ("covered", "no", False),
        ("bride_age", "۲۵", 25),
        ("bride_age", "٢٥", 25),
        ("bride_age", "25 years", 25),
        ("bride_age", " ۲۵ سالمه ", 25),
        ("marriage_date", "۱۴۰۴/۰۷/۲۸", "1404-07-28"),
        ("marriage_date", "1404-7-28", "1404-07-28"),
        ("marriage_date", "١٤٠٤/٠٧/٢٨", "1404-07-28"),
        ("marriage_date", "28/07/1404", "1404-07-28"),
        ("marriage_date", "۲۸ مهر ۱۴۰۴", "1404-07-28"),
        ("marriage_date", "28 Mehr 1404", "1404-07-28"),
        ("marriage_date", "04/07/28", "1404-07-28"),
        ("marriage_date", "1404.7.28", "1404-07-28"),
        ("disability", "bride", "bride"),
        ("disability", "۲", "bride"),
        ("disability", "هر دو", "both"),
        ("disability", "هردو", "both"),
        ("disability", "Both of us", "both"),
        ("disability", "هیچکدام", "none"),
        ("income", "کمتر از حداقل دستمزد رسمی", "below_min_wage"),
    ],
)
def test_parse_accepts(screener: Screener, question_id: str, raw: str, expected: object) -> None:
    value, error = screener.parse(screener.rulebook.question(question_id), raw)
    assert error is None and value == expected


@pytest.mark.parametrize(
    ("question_id", "raw", "code"),
    [
        ("covered", "", "empty"),
        ("covered", "   ", "empty"),
        ("covered", "شاید", "not_yes_no"),
        ("covered", "بله نه", "not_yes_no"),
        ("bride_age", "بیست", "not_a_number"),
        ("bride_age", "-5", "not_a_number"),
        ("bride_age", "۲۵.۵", "not_a_number"),
        ("bride_age", "۵", "out_of_range"),
        ("bride_age", "150", "out_of_range"),
        ("marriage_date", "دیروز", "not_a_date"),
        ("marriage_date", "1404/13/01", "not_a_date"),
        ("marriage_date", "1404/02/32", "not_a_date"),
        ("marriage_date", "1405/10/01", "date_in_future"),
        ("marriage_date", "1370/01/01", "date_too_old"),
        ("disability", "7", "unknown_choice"),
        ("disability", "پدرم", "unknown_choice"),
    ],
)
def test_parse_rejects(screener: Screener, question_id: str, raw: str, code: str) -> None:
    question = screener.rulebook.question(question_id)
    value, error = screener.parse(question, raw)
    assert value is None and error is not None and error.code == code
    assert error.text.fa and error.text.en


def test_parse_error_keeps_state_and_explains(screener: Screener) -> None:
    state = run(screener)
    state = screener.start()
    for raw in ("بله", "بله", "۱۴۰۵/۰۳/۰۱", "بله"):
        state, _ = screener.answer(state, raw)
    assert state.current == "bride_age"
    same, error = screener.answer(state, "۵")
    assert same == state and error is not None
    assert "۱۰" in error.text.fa and "۱۰۰" in error.text.fa and "10" in error.text.en
    for raw in ("۲۲", "۲۶", "بله"):
        state, _ = screener.answer(state, raw)
    _, error = screener.answer(state, "پدرم")
    assert error is not None and "۴. هر دو" in error.text.fa


def test_question_prompt_lists_options() -> None:
    question = eligibility.default_rulebook().question("disability")
    prompt = question.prompt("fa")
    assert prompt.startswith(question.text.fa) and "۱. هیچ‌کدام" in prompt
    assert "4. Both of us" in question.prompt("en")


def test_module_level_api_uses_the_shipped_rulebook() -> None:
    state = eligibility.start()
    assert eligibility.current_question(state) is not None
    state, error = eligibility.answer(state, "نه")
    assert error is None and eligibility.is_finished(state)
    assert eligibility.result(state).kind == "not_eligible"
    assert eligibility.back(state).current == "covered"


# --- validation: every kind of mistake staff can make in the YAML gives one clear RulebookError


def broken(mutate: Any) -> dict[str, Any]:
    raw = copy.deepcopy(RAW)
    mutate(raw)
    return raw


def q(raw: dict[str, Any], qid: str) -> dict[str, Any]:
    return next(x for x in raw["questions"] if x["id"] == qid)


def rule(raw: dict[str, Any], rid: str) -> dict[str, Any]:
    return next(x for x in raw["rules"] if x["id"] == rid)


VALIDATION_CASES: list[tuple[str, Any, str]] = [
    (
        "unknown question in a rule",
        lambda r: rule(r, "first_marriage")["when"].update(question="first_wedding"),
        r"rule 'first_marriage'.*unknown question id 'first_wedding'",
    ),
    (
        "unknown next question",
        lambda r: q(r, "covered")["branches"][0].update(next="the_end"),
        r"question 'covered'.*'the_end' is an unknown question id",
    ),
    ("unknown start", lambda r: r.update(start="welcome"), r"start: unknown question id 'welcome'"),
    (
        "cycle",
        lambda r: q(r, "received_before").update(next="covered"),
        r"question 'received_before': branching makes a cycle: covered -> .* -> covered",
    ),
    (
        "missing en",
        lambda r: q(r, "bride_age")["text"].pop("en"),
        r"question 'bride_age'.*missing the 'en' translation",
    ),
    (
        "missing fa in a rule",
        lambda r: rule(r, "bride_adult")["not_met"].update(fa=" "),
        r"rule 'bride_adult', not_met: missing the 'fa' translation",
    ),
    (
        "missing fa in an option",
        lambda r: q(r, "income")["options"][1]["text"].pop("fa"),
        r"question 'income', option 'below_min_wage': missing the 'fa' translation",
    ),
    (
        "missing outcome text",
        lambda r: r["outcomes"]["eligible"]["next_step"].pop("en"),
        r"outcome 'eligible', next_step: missing the 'en' translation",
    ),
    (
        "bad kind",
        lambda r: q(r, "bride_age").update(kind="slider"),
        r"question 'bride_age': unknown kind 'slider'",
    ),
    (
        "unknown choice in a rule",
        lambda r: rule(r, "income_band")["when"].update({"in": ["none", "rich"]}),
        r"rule 'income_band'.*question 'income' has no option 'rich'",
    ),
    (
        "unknown choice in a branch",
        lambda r: q(r, "disability")["branches"][0]["when"].update(equals="nobody"),
        r"question 'disability', branch #1.*no option 'nobody'",
    ),
    (
        "repeated option",
        lambda r: q(r, "income")["options"][1].update(id="none"),
        r"question 'income': option id 'none' is repeated",
    ),
    (
        "operator does not fit",
        lambda r: (
            rule(r, "first_marriage")["when"].update({"gte": 3})
            or rule(r, "first_marriage")["when"].pop("equals")
        ),
        r"rule 'first_marriage'.*operator 'gte' cannot test yes_no",
    ),
    (
        "yes/no compared with text",
        lambda r: rule(r, "under_coverage")["when"].update(equals="yes"),
        r"rule 'under_coverage'.*true/false",
    ),
    (
        "bad severity",
        lambda r: rule(r, "groom_adult").update(if_not_met="maybe"),
        r"rule 'groom_adult': if_not_met must be one of",
    ),
    (
        "unknown operator",
        lambda r: rule(r, "groom_adult").update(when={"question": "groom_age", "above": 18}),
        r"rule 'groom_adult': unknown condition operator 'above'",
    ),
    (
        "unreachable outcome",
        lambda r: [x.update(if_not_met="review") for x in r["rules"] if x["if_not_met"] == "not_eligible"],
        r"outcome 'not_eligible': unreachable",
    ),
    (
        "unreachable eligible",
        lambda r: rule(r, "bride_adult").update(when={"question": "bride_age", "gt": 100}),
        r"outcome 'eligible': unreachable",
    ),
    (
        "unreachable question",
        lambda r: q(r, "first_marriage").update(next="groom_age"),
        r"question 'bride_age': unreachable",
    ),
    (
        "missing outcome",
        lambda r: r["outcomes"].pop("may_be_eligible"),
        r"outcome 'may_be_eligible': missing",
    ),
    ("unknown outcome", lambda r: r["outcomes"].update(maybe={}), r"outcome 'maybe': unknown outcome"),
    (
        "repeated question",
        lambda r: r["questions"].append(copy.deepcopy(q(r, "covered"))),
        r"question 'covered': id is repeated",
    ),
    ("min above max", lambda r: q(r, "groom_age").update(min=50, max=20), r"question 'groom_age': min 50"),
]


@pytest.mark.parametrize(
    ("name", "mutate", "message"), VALIDATION_CASES, ids=[c[0] for c in VALIDATION_CASES]
)
def test_validation_errors(name: str, mutate: Any, message: str) -> None:
    with pytest.raises(RulebookError, match=message):
        Rulebook.from_dict(broken(mutate))


def test_shipped_rulebook_is_valid_and_loading_reports_bad_yaml(tmp_path: Path) -> None:
    Rulebook.from_dict(copy.deepcopy(RAW))
    path = tmp_path / "bad.yaml"
    path.write_text("questions: [\n", encoding="utf-8")
    with pytest.raises(RulebookError, match="not valid YAML"):
        Rulebook.load(path)
    with pytest.raises(RulebookError, match="lacks 'rules'"):
        Rulebook.from_dict({k: v for k, v in RAW.items() if k != "rules"})
