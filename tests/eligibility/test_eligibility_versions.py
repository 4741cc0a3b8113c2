"""The rulebook's versions on a real database (both backends): the seed once, drafts checked as
at start-up with errors per field, the version in force by effective moment, revert, two
workers following a publish; and through the chat (both flavors): a questionnaire finishes on
the version it began on while a new one starts on the version in force, and results record it."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from handlers.eligibility import read_seed
from models import AuditEntry, EligibilityProgress, EligibilityResult
from services import eligibility_admin
from services.eligibility_admin import Actor, Outcome, Problem
from services.eligibility_live import LiveRulebook
from tests.conftest import Harness
from tests.dbkit import sessions_on
from tests.eligibility.test_eligibility_flow import Q_DATE, answer_all, begin, press, say

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
EDITOR = Actor(platform="telegram", user_id=42, name="مدیر")


def rule(document: Mapping[str, Any], rule_id: str) -> dict[str, Any]:
    return dict(next(r for r in document["rulebook"]["rules"] if r["id"] == rule_id))


async def save_rule(
    session: Any, base: int, raw: dict[str, Any], *, now: datetime = NOW
) -> eligibility_admin.Result:
    return await eligibility_admin.save_draft(
        session,
        base=base,
        change=lambda document: eligibility_admin.with_item(document, "rule", raw["id"], raw),
        describe=f"rule:{raw['id']}",
        kind="rule",
        item_id=raw["id"],
        actor=EDITOR,
        now=now,
    )


async def test_drafts_publish_by_effective_moment_and_revert(database_url: str) -> None:
    async with sessions_on(database_url) as sessions, sessions() as session:
        seed = read_seed(None)
        assert await eligibility_admin.seed_if_empty(
            session, document=seed, source="eligibility.yaml", now=NOW
        )
        assert not await eligibility_admin.seed_if_empty(session, document=seed, source="again", now=NOW)
        assert await eligibility_admin.in_force_number(session, NOW) == 1

        # Checked as at start-up, the problem on its field; nothing written.
        adult = rule(seed, "bride_adult")
        result = await save_rule(session, 1, {**adult, "when": {"question": "bride_agee", "gte": 18}})
        assert result.outcome == Outcome.INVALID
        assert result.errors == {"when": Problem("unknown-question", {"id": "bride_agee"})}
        result = await save_rule(session, 1, {**adult, "met": {"fa": "", "en": "x"}})
        assert result.errors == {"met": Problem("translation", {"lang": "fa"})}
        result = await save_rule(session, 1, {**adult, "if_not_met": "never"})
        assert result.errors == {"if_not_met": Problem("severity")}
        assert await save_rule(session, 1, adult) == eligibility_admin.Result(Outcome.UNCHANGED, 1)
        assert await eligibility_admin.newest_number(session) == 1

        # A draft is not in force; published for later, it takes effect at its moment.
        result = await save_rule(session, 1, {**adult, "when": {"question": "bride_age", "gte": 20}})
        assert result.done and result.number == 2
        assert (await save_rule(session, 1, adult)).outcome == Outcome.STALE  # built on an old version
        assert await eligibility_admin.in_force_number(session, NOW) == 1
        later = NOW + timedelta(hours=2)
        result = await eligibility_admin.publish(
            session, 2, effective_at=later, note="", actor=EDITOR, now=NOW
        )
        assert result.done
        again = await eligibility_admin.publish(
            session, 2, effective_at=later, note="", actor=EDITOR, now=NOW
        )
        assert again.outcome == Outcome.PUBLISHED
        assert await eligibility_admin.in_force_number(session, NOW + timedelta(hours=1)) == 1
        assert await eligibility_admin.in_force_number(session, later) == 2
        states = {row.version.number: row.state for row in await eligibility_admin.versions(session, NOW)}
        assert states == {2: "scheduled", 1: "in-force"}

        # A revert is a new version, a copy of the chosen one, in force at once.
        result = await eligibility_admin.revert(session, 1, note="بازگشت", actor=EDITOR, now=later)
        assert result.done and result.number == 3
        assert await eligibility_admin.in_force_number(session, later) == 3
        three, one = await eligibility_admin.get(session, 3), await eligibility_admin.get(session, 1)
        assert (
            three is not None and one is not None and three.document == one.document and three.based_on == 1
        )
        audited = list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [(a.action, a.target, a.channel, a.actor_id) for a in audited] == [
            ("eligibility.edit", "eligibility:2", "console", 42),
            ("eligibility.publish", "eligibility:2", "console", 42),
            ("eligibility.revert", "eligibility:3", "console", 42),
        ]
        two = await eligibility_admin.get(session, 2)
        assert two is not None
        assert eligibility_admin.changed_parts(one.document, two.document) == ["rule:bride_adult"]
        # The criteria's date, shown with every result, is the day the draft was written.
        assert (one.document["rulebook"]["date"], two.document["rulebook"]["date"]) == (
            "2026-11-30",
            "2026-12-03",
        )


def test_errors_of_other_parts_and_offices_find_their_field() -> None:
    seed = read_seed(None)
    # Renaming a question breaks the rules that test it: the form is told which.
    question = next(q for q in seed["rulebook"]["questions"] if q["id"] == "bride_age")
    renamed = eligibility_admin.with_item(seed, "question", "bride_age", {**question, "id": "age_of_bride"})
    assert eligibility_admin.try_document(renamed, "question", "age_of_bride") == {
        "form": Problem("unknown-question", {"id": "bride_age"})
    }
    # A branch into a loop, on the branch's own row.
    disability = next(q for q in seed["rulebook"]["questions"] if q["id"] == "disability")
    looped = {**disability, "branches": [{"when": {"equals": "none"}, "next": "covered"}]}
    errors = eligibility_admin.try_document(
        eligibility_admin.with_item(seed, "question", "disability", looped), "question", "disability"
    )
    assert list(errors) == ["next"] and errors["next"].code == "cycle"
    office = {"name": {"fa": "اداره", "en": "Office"}, "phone": "021 - ۵۵"}
    errors = eligibility_admin.try_document(
        eligibility_admin.with_item(seed, "office:county:2303", None, office), "office:county:2303", ""
    )
    assert errors == {"phone": Problem("phone")}
    steps = eligibility_admin.with_item(
        seed,
        "outcome",
        "eligible",
        {**seed["rulebook"]["outcomes"]["eligible"], "next_step": {"fa": "{city}", "en": "x"}},
    )
    assert eligibility_admin.try_document(steps, "outcome", "eligible") == {
        "next_step": Problem("placeholder", {"name": "city"})
    }


async def test_two_workers_seed_once_and_follow_a_publish(database_url: str, backend: str) -> None:
    from tests.conftest import REDIS_PREFIX, TEST_REDIS_URL

    redis = None
    if backend == "postgresql" and TEST_REDIS_URL:
        from bot.rediskit import create_redis

        redis = create_redis(TEST_REDIS_URL)
    seed = read_seed(None)
    clock = {"now": NOW}
    async with sessions_on(database_url) as sessions:

        async def start() -> bool:
            async with sessions() as session:
                return await eligibility_admin.seed_if_empty(session, document=seed, source="x", now=NOW)

        assert sorted(await asyncio.gather(start(), start())) == [False, True]
        channel = f"{REDIS_PREFIX}:eligibility"
        a = LiveRulebook(sessions, lambda: clock["now"], redis=redis, channel=channel)
        b = LiveRulebook(sessions, lambda: clock["now"], redis=redis, channel=channel)
        assert await a.refresh() and await b.refresh() and not await b.refresh()
        watching = asyncio.create_task(b.run(asyncio.Event()))
        try:
            await asyncio.sleep(0.2)  # subscribed
            async with sessions() as session:
                adult = rule(seed, "bride_adult")
                assert (
                    await save_rule(session, 1, {**adult, "when": {"question": "bride_age", "gte": 20}})
                ).done
                assert (
                    await eligibility_admin.publish(
                        session, 2, effective_at=NOW, note="", actor=EDITOR, now=NOW
                    )
                ).done
            await a.announce()
            assert a.current is not None and a.current.number == 2
            for _ in range(100):
                if b.current is not None and b.current.number == 2:
                    break
                await asyncio.sleep(0.1)
            assert b.current is not None and b.current.rulebook.version == "2"
            assert (await b.edition(1)) is not None  # a questionnaire begun on version 1 can finish
        finally:
            watching.cancel()
            if redis is not None:
                await redis.aclose()


async def test_a_questionnaire_finishes_on_the_version_it_began_on(hamdel: Harness) -> None:
    """Mid-questionnaire, a version saying a bride under 20 needs a review takes effect: the
    person who began earlier gets version 1's result; a person who begins now, version 2's."""
    early = hamdel.user()
    await begin(hamdel, early)
    await press(hamdel, early, "بله")
    assert Q_DATE in await press(hamdel, early, "بله")

    async with hamdel.db() as session:
        document = (await eligibility_admin.get(session, 1)).document  # type: ignore[union-attr]
    async with hamdel.app.sessionmaker() as session:
        adult = rule(document, "bride_adult")
        changed = {**adult, "when": {"question": "bride_age", "gte": 20}}
        assert (await save_rule(session, 1, changed, now=hamdel.clock.now())).done
        published = await eligibility_admin.publish(
            session, 2, effective_at=hamdel.clock.now(), note="", actor=EDITOR, now=hamdel.clock.now()
        )
        assert published.done
    await hamdel.app.dispatcher.workflow_data["eligibility"].live.announce()

    later = hamdel.user()
    assert "استان محل زندگی‌تان" in await answer_all(hamdel, later, bride_age="۱۹")
    await say(hamdel, later, "اصفهان")
    result = await press(hamdel, later, "خمینی‌شهر")
    assert "ممکن است واجد شرایط باشید" in result and "⚠️ سن عروس کمتر از ۱۸ سال است" in result

    # The early person goes on where they were, on version 1.
    assert "ازدواج اولِ هر دوی شماست" in await say(hamdel, early, "۱۴۰۵/۰۳/۰۱")
    async with hamdel.db() as session:
        progress = await session.scalar(
            select(EligibilityProgress).where(EligibilityProgress.user_id == early.id)
        )
        assert progress is not None and progress.rulebook_version == "1"
    await press(hamdel, early, "بله")  # first marriage
    assert "داماد چند سال دارد" in await say(hamdel, early, "۱۹")  # the bride's age
    await say(hamdel, early, "۲۵")
    await press(hamdel, early, "بله")  # a guardian
    await press(hamdel, early, "هیچ‌کدام")
    await press(hamdel, early, "کمتر از حداقل دستمزد رسمی")
    await press(hamdel, early, "خیر")
    await say(hamdel, early, "اصفهان")
    result = await press(hamdel, early, "خمینی‌شهر")
    assert "به احتمال زیاد واجد شرایط هستید" in result and "✅ سن عروس ۱۸ سال یا بیشتر است." in result

    await hamdel.settle()
    async with hamdel.db() as session:
        results = [
            (r.rulebook_version, r.outcome, r.county_id)
            for r in await session.scalars(select(EligibilityResult))
        ]
    assert sorted(results) == [(1, "eligible", "1003"), (2, "may_be_eligible", "1003")]
