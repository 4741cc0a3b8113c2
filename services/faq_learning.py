"""The learning loop: what people asked the FAQ lately, grouped by similar questions, with what the
bot did and what they said of it, for staff to turn into entries or phrasings.

Question texts are masked of personal numbers before they are stored (services.faq_queries) and
cleared after a while (a question whose answer helped too: the page shows what was answered
well, for staff to confirm it as a phrasing); a question already among the
FAQ's phrasings is left out (it has been learned). A staff member's answer to a question sent to
a person is kept with it (masked) and offered as the new entry's answer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.faq import FaqQuery
from services.faq import prepare
from services.persian import normalize_text
from services.tfidf import TfidfIndex, char_wb_ngrams

DAYS = 30
LIMIT = 400
#: Two questions whose character n-gram cosine reaches this are "the same question".
SIMILAR = 0.45
#: What the bot did, as the page names it.
KINDS = ("confident", "suggest", "none", "long", "direct")


@dataclass(frozen=True, slots=True)
class Asked:
    id: int
    text: str
    kind: str
    entry_id: str | None
    helpful: bool | None
    to_person: bool
    answered: bool
    at: datetime
    staff_answer: str | None = None


@dataclass
class Group:
    """Similar questions, newest first; the first one stands for the group."""

    questions: list[Asked] = field(default_factory=list)

    @property
    def lead(self) -> Asked:
        return self.questions[0]

    @property
    def kinds(self) -> Counter[str]:
        return Counter(q.kind for q in self.questions)

    @property
    def helpful(self) -> int:
        return sum(q.helpful is True for q in self.questions)

    @property
    def unhelpful(self) -> int:
        return sum(q.helpful is False for q in self.questions)

    @property
    def to_person(self) -> int:
        return sum(q.to_person for q in self.questions)

    @property
    def answered(self) -> int:
        return sum(q.answered for q in self.questions)

    @property
    def staff_answer(self) -> Asked | None:
        """The newest question of the group a staff member answered (its answer may become the
        entry's answer)."""
        return next((q for q in self.questions if q.staff_answer), None)

    @property
    def entry_id(self) -> str | None:
        """The entry the bot answered most of these with (None: none)."""
        found = Counter(q.entry_id for q in self.questions if q.entry_id)
        return found.most_common(1)[0][0] if found else None


def learned_key(text: str) -> str:
    return normalize_text(text).replace(" ", "")


async def groups(
    session: AsyncSession, *, now: datetime, known: Collection[str] = (), days: int = DAYS, limit: int = LIMIT
) -> list[Group]:
    """The last ``days``' questions (at most ``limit``, newest first) grouped, biggest group
    first. ``known``: learned_key of every phrasing the FAQ has (those questions are left out)."""
    rows = await session.scalars(
        select(FaqQuery)
        .where(
            FaqQuery.text.is_not(None),
            FaqQuery.kind.in_(KINDS),
            FaqQuery.created_at >= now - timedelta(days=days),
        )
        .order_by(FaqQuery.created_at.desc(), FaqQuery.id.desc())
        .limit(limit)
    )
    learned = set(known)
    asked = [
        Asked(
            id=row.id,
            text=row.text or "",
            kind=row.kind,
            entry_id=row.entry_id,
            helpful=row.helpful,
            to_person=row.asked_staff_at is not None,
            answered=row.answered_at is not None,
            at=row.created_at,
            staff_answer=row.staff_answer,
        )
        for row in rows
        if learned_key(row.text or "") not in learned
    ]
    if not asked:
        return []
    prepared = [prepare(a.text) or normalize_text(a.text) for a in asked]
    index = TfidfIndex(prepared, char_wb_ngrams)
    leaders: list[int] = []
    found: list[Group] = []
    for i, text in enumerate(prepared):
        if leaders and text:
            scores = index.similarities(text)
            similar = [scores[leader] for leader in leaders]
            best = max(range(len(similar)), key=similar.__getitem__)  # the first of equals
            if similar[best] >= SIMILAR:
                found[best].questions.append(asked[i])
                continue
        leaders.append(i)
        found.append(Group([asked[i]]))
    order = {id(g): n for n, g in enumerate(found)}
    return sorted(found, key=lambda g: (-len(g.questions), order[id(g)]))
