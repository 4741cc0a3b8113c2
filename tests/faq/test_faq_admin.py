"""The FAQ's use cases on a real database (both backends): the seed from faq.yaml, edits checked
as at start-up with errors per field, every change a revision with its audit record and a step
of the catalog's version, stale edits refused, delete and revert."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

import handlers
from handlers.faq import faq_rules, read_seed
from models import AuditEntry, FaqEntry
from services import faq_admin
from services.faq import DEFAULT_PATH
from services.faq_admin import Actor, Draft, Outcome
from tests.dbkit import sessions_on

ACTIONS = [section.key for section in handlers.menu_sections()]
RULES = faq_rules(ACTIONS)
NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)
EDITOR = Actor(platform="telegram", user_id=42, name="مدیر")


async def seed(session: AsyncSession) -> bool:
    topics, entries = read_seed(DEFAULT_PATH, ACTIONS)
    return await faq_admin.seed_if_empty(session, topics=topics, entries=entries, source="faq.yaml", now=NOW)


async def test_edit_delete_and_revert_are_versioned_and_audited(database_url: str) -> None:
    async with sessions_on(database_url) as sessions, sessions() as session:
        assert await seed(session)
        assert not await seed(session)
        assert await faq_admin.catalog_version(session) == 1
        row = await faq_admin.get(session, "bot_what")
        assert row is not None and row.revision == 1
        original = Draft.of(faq_admin.to_entry(row))

        # Checked as at start-up, each problem next to its field; nothing written.
        bad = replace(
            original,
            question_en=" ",
            answer_fa="کمترین { $min_rial }",
            action="lottery",
            alternatives_en=("{ $x }",),
        )
        result = await faq_admin.edit(
            session, "bot_what", bad, expected_revision=1, actor=EDITOR, rules=RULES, now=NOW
        )
        assert result.outcome == Outcome.INVALID
        assert result.errors == {
            "question_en": "required",
            "answer_fa": "placeholder-unknown",
            "action": "action-unknown",
            "alternatives_en": "placeholder-in-question",
        }
        assert await faq_admin.catalog_version(session) == 1

        edited = replace(original, answer_fa="پاسخ تازه", alternatives_fa=("ربات همدل چی کار میکنه",))
        later = NOW + timedelta(minutes=5)
        result = await faq_admin.edit(
            session, "bot_what", edited, expected_revision=1, actor=EDITOR, rules=RULES, now=later
        )
        assert result.outcome == Outcome.DONE and result.revision == 2
        assert await faq_admin.catalog_version(session) == 2
        # The same form sent again (a colleague's, or a reload) is stale now.
        again = await faq_admin.edit(
            session, "bot_what", edited, expected_revision=1, actor=EDITOR, rules=RULES, now=later
        )
        assert again.outcome == Outcome.STALE

        revisions = await faq_admin.history(session, "bot_what")
        assert [(r.number, r.action, r.actor_id) for r in revisions] == [(2, "edit", 42), (1, "seed", 0)]
        assert faq_admin.changed_fields(revisions[0].before, revisions[0].after) == ["alternatives", "answer"]
        audits = list(await session.scalars(select(AuditEntry).where(AuditEntry.target == "faq:bot_what")))
        assert [(a.action, a.channel, a.actor_id) for a in audits] == [("faq.edit", "console", 42)]
        assert audits[0].after == {
            "alternatives": {"fa": ["ربات همدل چی کار میکنه"], "en": list(original.alternatives_en)},
            "answer": {"fa": "پاسخ تازه", "en": original.answer_en},
        }

        # Revert to the seed's text, then delete and bring the entry back.
        result = await faq_admin.revert(session, "bot_what", number=1, actor=EDITOR, rules=RULES, now=later)
        assert result.outcome == Outcome.DONE and result.revision == 3
        row = await faq_admin.get(session, "bot_what")
        assert row is not None and row.answer_fa == original.answer_fa
        result = await faq_admin.delete(session, "bot_what", expected_revision=3, actor=EDITOR, now=later)
        assert result.outcome == Outcome.DONE
        assert await session.get(FaqEntry, "bot_what") is None
        _, entries = await faq_admin.load(session)
        assert "bot_what" not in {e.id for e in entries}
        result = await faq_admin.revert(session, "bot_what", number=2, actor=EDITOR, rules=RULES, now=later)
        assert result.outcome == Outcome.DONE and result.revision == 5
        row = await faq_admin.get(session, "bot_what")
        assert row is not None and row.answer_fa == "پاسخ تازه"
        assert [r.action for r in await faq_admin.history(session, "bot_what")] == [
            "revert", "delete", "revert", "edit", "seed",
        ]  # fmt: skip
        assert await faq_admin.catalog_version(session) == 5


async def test_a_new_entry_and_a_phrasing_from_the_learning_loop(database_url: str) -> None:
    async with sessions_on(database_url) as sessions, sessions() as session:
        await seed(session)
        draft = Draft(
            id="bot_what",
            topic="nope",
            question_fa="ساعت کاری دفتر بهزیستی؟",
            question_en="Office hours?",
            answer_fa="از ساعت ۸ تا ۱۴",
            answer_en="8 to 14",
        )
        result = await faq_admin.create(session, draft, actor=EDITOR, rules=RULES, now=NOW)
        assert result.outcome == Outcome.INVALID
        assert result.errors == {"id": "id-taken", "topic": "topic-unknown"}
        result = await faq_admin.create(
            session, replace(draft, id="office_hours", topic="contact"), actor=EDITOR, rules=RULES, now=NOW
        )
        assert result.outcome == Outcome.DONE and result.revision == 1
        result = await faq_admin.add_phrasing(
            session, "office_hours", lang="fa", text="  دفتر  کی بازه ", actor=EDITOR, rules=RULES, now=NOW
        )
        assert result.outcome == Outcome.DONE
        row = await faq_admin.get(session, "office_hours")
        assert row is not None and row.alternatives == {"fa": ["دفتر کی بازه"]}
        rows = await faq_admin.listing(session, search="دفتر كی")  # an Arabic kaf typed
        assert [r.entry.id for r in rows] == ["office_hours"]
        exported = await faq_admin.export_yaml(session)
        topics, entries = faq_admin.read_yaml(exported)
        assert "office_hours" in {e.id for e in entries} and "contact" in topics


async def test_the_learning_loop_groups_similar_questions_and_drops_learned_ones(database_url: str) -> None:
    from services import faq_learning, faq_queries

    async with sessions_on(database_url) as sessions, sessions() as session:
        asked = [
            ("none", "ساعت کاری دفتر بهزیستی چنده", None),
            ("none", "ساعت کاری دفتر بهزیستی چنده؟", None),
            ("suggest", "ساعت کار دفتر بهزیستی", None),
            ("confident", "رسید پرداختمو گم کردم", "receipt_get"),
        ]
        for n, (kind, text, entry) in enumerate(asked):
            recorded = await faq_queries.record(
                session, platform="telegram", user_id=n + 1, chat_id=n + 1, kind=kind,
                now=NOW - timedelta(minutes=n), text=text, entry_id=entry,
            )  # fmt: skip
            if n == 0:
                first = recorded
            if entry is not None:
                await faq_queries.mark_helpful(session, recorded, False)
        await faq_queries.answered(session, first, staff_id=7, now=NOW, text="از ۸ تا ۱۴؛ تلفن ۰۹۱۲۱۲۳۴۵۶۷")
        await session.commit()
        groups = await faq_learning.groups(session, now=NOW)
        answered = groups[0].staff_answer
        assert answered is not None and answered.staff_answer is not None
        assert "۰۹۱۲۱۲۳۴۵۶۷" not in answered.staff_answer  # masked before it is kept
        assert [len(g.questions) for g in groups] == [3, 1]
        assert groups[0].lead.text == "ساعت کاری دفتر بهزیستی چنده" and groups[0].kinds["none"] == 2
        assert groups[1].entry_id == "receipt_get" and groups[1].unhelpful == 1
        assert await faq_admin.feedback(session) == {"receipt_get": (0, 1)}  # the console list's counts
        known = {faq_learning.learned_key("رسید پرداختمو گم کردم")}
        assert [len(g.questions) for g in await faq_learning.groups(session, now=NOW, known=known)] == [3]
        assert await faq_learning.groups(session, now=NOW + timedelta(days=31)) == []


async def test_a_question_whose_answer_helped_reaches_the_learning_loop(database_url: str) -> None:
    """«👍 مفید بود» keeps the (masked) question, so the learning page shows what was answered
    well; it is cleared with every other question after KEEP_UNSENT_DAYS."""
    from services import faq_learning, faq_queries

    async with sessions_on(database_url) as sessions, sessions() as session:
        recorded = await faq_queries.record(
            session, platform="telegram", user_id=1, chat_id=1, kind="confident", now=NOW,
            text="رسید پرداختم کو؟ شماره‌ام ۰۹۱۲۱۲۳۴۵۶۷", entry_id="receipt_get",
        )  # fmt: skip
        await faq_queries.mark_helpful(session, recorded, True)
        await session.commit()
        (group,) = await faq_learning.groups(session, now=NOW)
        assert group.helpful == 1 and group.entry_id == "receipt_get"
        assert "رسید پرداختم" in group.lead.text and "۰۹۱۲۱۲۳۴۵۶۷" not in group.lead.text
        assert await faq_admin.feedback(session) == {"receipt_get": (1, 0)}
        later = NOW + timedelta(days=faq_queries.KEEP_UNSENT_DAYS + 1)
        assert await faq_queries.forget_old_texts(session, now=later) == 1
        await session.commit()
        assert await faq_learning.groups(session, now=NOW) == []


async def test_a_change_reaches_another_worker_within_seconds(database_url: str, backend: str) -> None:
    """Two workers' LiveFaq on one database: one saves and announces, the other rebuilds (off the
    event loop) within seconds, over Redis pub/sub on PostgreSQL + Redis, else by its poll."""
    import asyncio

    from services.faq_live import LiveFaq
    from tests.conftest import REDIS_PREFIX, TEST_REDIS_URL

    redis = None
    if backend == "postgresql" and TEST_REDIS_URL:
        from bot.rediskit import create_redis

        redis = create_redis(TEST_REDIS_URL)
    async with sessions_on(database_url) as sessions:
        async with sessions() as session:
            await seed(session)
        swapped: dict[str, list[object]] = {"a": [], "b": []}
        channel = f"{REDIS_PREFIX}:faq"
        a = LiveFaq(sessions, RULES, on_swap=swapped["a"].append, redis=redis, channel=channel)
        b = LiveFaq(sessions, RULES, on_swap=swapped["b"].append, redis=redis, channel=channel)
        assert await a.refresh() and await b.refresh() and not await b.refresh()
        watching = asyncio.create_task(b.run(asyncio.Event()))
        try:
            await asyncio.sleep(0.2)  # subscribed
            async with sessions() as session:
                row = await faq_admin.get(session, "bot_what")
                assert row is not None
                draft = replace(Draft.of(faq_admin.to_entry(row)), answer_fa="پاسخ تازه برای همه")
                result = await faq_admin.edit(
                    session, "bot_what", draft, expected_revision=1, actor=EDITOR, rules=RULES, now=NOW
                )
                assert result.done
            await a.announce()
            assert a.index is not None and a.version == 2
            for _ in range(100):
                # The swap, not the version: the version is taken before the index is built
                # (off the event loop), so it moves a build's time earlier.
                if len(swapped["b"]) == 2:
                    break
                await asyncio.sleep(0.1)
            assert b.index is not None and len(swapped["b"]) == 2 and b.version == 2
            entry = b.index.get("bot_what")
            assert entry is not None and entry.answer.fa == "پاسخ تازه برای همه"
        finally:
            watching.cancel()
            if redis is not None:
                await redis.aclose()


async def test_two_workers_starting_at_once_seed_the_faq_once(database_url: str) -> None:
    import asyncio

    async with sessions_on(database_url) as sessions:

        async def start() -> bool:
            async with sessions() as session:
                return await seed(session)

        assert sorted(await asyncio.gather(start(), start())) == [False, True]
        async with sessions() as session:
            _, entries = await faq_admin.load(session)
        assert len(entries) == len(read_seed(DEFAULT_PATH, ACTIONS)[1])
