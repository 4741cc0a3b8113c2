"""/eligibility: the dowry-kit questionnaire, one question per screen.

The rulebook lives in the database in versions edited in the console (services.eligibility_admin);
the files (data/eligibility.yaml or ELIGIBILITY_RULEBOOK, and data/offices.yaml) seed it on the
first start, checked: a broken file stops the bot with one line naming the rule. A new
questionnaire uses the version in force (services.eligibility_live keeps every worker in step);
one begun earlier finishes on the version it began on, and the result records it. Progress lives in its
own table (services.eligibility_progress), not only in the conversation state, so a person who
left with /start, /cancel or the menu is offered «continue / start over» when they come back.

Yes/no and choice questions have buttons (typing the answer works too); numbers and Jalali dates
are typed in any digit script. Every step has Back and Cancel. After the questions, where the
result names the person's office, the province and county are asked (buttons or typed names).
"""

from __future__ import annotations

import asyncio
import copy
import functools
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jdatetime
from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AskStaff
from bot.i18n import Translator
from bot.platform import PlatformProfile
from bot.settings import SettingsError
from bot.ui import (
    CallbackInt,
    Feature,
    InlineKeyboardBuilder,
    MenuCallback,
    MenuSection,
    cancel_button,
    home_button,
    show,
)
from bot.widgets import region_picker as picker
from bot.widgets.region_picker import RegionPick
from services import eligibility_admin
from services import eligibility_progress as progress_store
from services.clock import Clock
from services.dates import ParsedDate, format_day
from services.eligibility import (
    DEFAULT_OFFICES,
    DEFAULT_RULEBOOK,
    Outcome,
    Question,
    Rulebook,
    RulebookError,
    Screener,
    StateError,
)
from services.eligibility import State as ScreenerState
from services.eligibility_admin import Edition
from services.eligibility_live import LiveRulebook
from services.eligibility_progress import Progress
from services.persian import format_date, to_tehran
from services.regions import MatchKind, Province, Regions, RegionsDataError, default_regions
from services.users import UserRecord

if TYPE_CHECKING:
    from bot.app import HamdelApp

router = Router(name="eligibility")

SECTION = MenuSection(key="eligibility", text_key="eligibility-menu", order=30)
FLOW = "el"  # this flow's tag in the shared region picker
logger = logging.getLogger("hamdel.eligibility")


class Eligibility(StatesGroup):
    # Answering a question, or naming the province/county: typed text comes here.
    answering = State()


class ElgAction(CallbackData, prefix="elg"):
    a: str  # go | resume | restart | back


class ElgAnswer(CallbackData, prefix="ela"):
    s: CallbackInt  # answers given when the question was shown (stale-button check)
    q: CallbackInt  # the question's position in the rulebook
    o: CallbackInt  # the option's position; yes/no: 1 yes, 0 no


@dataclass(frozen=True)
class Kit:
    """One rulebook version as the handlers use it."""

    screener: Screener
    regions: Regions
    positions: dict[str, int]
    asks_region: bool
    number: int

    @property
    def rulebook(self) -> Rulebook:
        return self.screener.rulebook


def kit_of(edition: Edition, regions: Regions, clock: Clock) -> Kit:
    def today() -> jdatetime.date:
        return jdatetime.date.fromgregorian(date=to_tehran(clock.now()).date())

    rulebook = edition.rulebook
    screener = Screener(rulebook, today=today, offices=edition.offices)
    asks_region = any("{office}" in spec.next_step.fa for spec in rulebook.outcomes.values())
    positions = {qid: n for n, qid in enumerate(rulebook.questions)}
    return Kit(screener, regions, positions, asks_region, edition.number)


@dataclass(frozen=True)
class Kits:
    """The rulebook versions the chat uses (dispatcher data `eligibility`): the one in force for
    a new questionnaire, and the one a questionnaire began on until it ends."""

    live: LiveRulebook
    regions: Regions
    clock: Clock
    _kits: dict[int, tuple[Edition, Kit]] = field(default_factory=dict)

    def _kit(self, edition: Edition) -> Kit:
        known = self._kits.get(edition.number)
        if known is not None and known[0] is edition:
            return known[1]
        kit = kit_of(edition, self.regions, self.clock)
        if len(self._kits) > 16:
            self._kits.clear()
        self._kits[edition.number] = (edition, kit)
        return kit

    @property
    def current(self) -> Kit:
        assert self.live.current is not None  # refreshed at start-up
        return self._kit(self.live.current)

    async def of(self, version: str, session: AsyncSession) -> Kit | None:
        """The version a saved questionnaire began on; None when it is not a known version."""
        if not version.isdigit():
            return None
        edition = await self.live.edition(int(version), session)
        return None if edition is None else self._kit(edition)


# ------------------------------------------------------------------------------------------
# Start-up: the rulebook from the database (the files seed it on the first start)


def read_seed(rulebook_path: str | Path | None) -> dict[str, Any]:
    """The rulebook file (ELIGIBILITY_RULEBOOK, data/eligibility.yaml by default) and the offices,
    checked at every start (a broken seed would break the next fresh install: the bot stops now,
    naming the rule); any problem is one SettingsError line."""
    path = Path(rulebook_path) if rulebook_path else DEFAULT_RULEBOOK
    try:
        stamps = (path.stat().st_mtime_ns, DEFAULT_OFFICES.stat().st_mtime_ns)
        return copy.deepcopy(_read_files(path.resolve(), stamps))
    except FileNotFoundError:
        raise SettingsError(f"dowry-kit rulebook {path} not found (setting ELIGIBILITY_RULEBOOK)") from None
    except RulebookError as error:
        raise SettingsError(f"dowry-kit rulebook {path} is invalid: {error}") from None
    except (RegionsDataError, KeyError, TypeError) as error:
        raise SettingsError(f"eligibility data is invalid: {error!r}") from None


@functools.lru_cache(maxsize=4)
def _read_files(path: Path, stamps: tuple[int, int]) -> dict[str, Any]:
    """Checking walks the answer paths: once per file version and process."""
    del stamps  # part of the cache key only
    return eligibility_admin.read_files(path, DEFAULT_OFFICES)


async def load_rulebook(app: HamdelApp) -> None:
    """The rulebook from the database (seeded from the files on the first start), kept in step
    with it by a LiveRulebook."""
    source = app.settings.knowledge.eligibility_rulebook or DEFAULT_RULEBOOK
    document = await asyncio.to_thread(read_seed, source)
    async with app.sessionmaker() as session:
        if await eligibility_admin.newest_number(session) is None:
            await eligibility_admin.seed_if_empty(
                session, document=document, source=Path(source).name, now=app.clock.now()
            )
    live = LiveRulebook(
        app.sessionmaker,
        app.clock.now,
        redis=app.redis,
        channel=f"{app.settings.redis.redis_key_prefix}:eligibility",
    )
    try:
        await live.refresh()
    except RulebookError as error:
        raise SettingsError(f"the dowry-kit rulebook in the database is invalid: {error}") from None
    if live.current is None:
        raise SettingsError("no dowry-kit rulebook version is in force")
    try:
        regions = default_regions()
    except RegionsDataError as error:
        raise SettingsError(f"eligibility data is invalid: {error!r}") from None
    app.dispatcher.workflow_data["eligibility"] = Kits(live, regions, app.clock)
    app.spawn(live.run(app.stopping), name="eligibility-live")
    # Unfinished questionnaires are forgotten by the housekeeping job (jobs/housekeeping.py).


# ------------------------------------------------------------------------------------------
# Screens


def _nav_row(t: Translator) -> list[InlineKeyboardButton]:
    back = InlineKeyboardButton(text=t("common-back-button"), callback_data=ElgAction(a="back").pack())
    return [back, cancel_button(t)]


def _question_screen(kit: Kit, state: ScreenerState, question: Question, t: Translator) -> tuple[str, Any]:
    prompt = question.prompt(t.locale)
    lines = [t("eligibility-question-header", number=len(state.history) + 1), "", prompt]
    # How to type the answer, unless the rulebook's text already shows an example.
    if question.kind in ("number", "date") and not any(ch.isdigit() for ch in prompt):
        lines.append(t(f"eligibility-type-{question.kind}"))
    builder = InlineKeyboardBuilder()
    step, position = len(state.history), kit.positions[question.id]
    if question.kind == "yes_no":
        builder.row(
            InlineKeyboardButton(
                text=t("eligibility-yes"), callback_data=ElgAnswer(s=step, q=position, o=1).pack()
            ),
            InlineKeyboardButton(
                text=t("eligibility-no"), callback_data=ElgAnswer(s=step, q=position, o=0).pack()
            ),
        )
    elif question.kind == "choice":
        for n, option in enumerate(question.options):
            builder.row(
                InlineKeyboardButton(
                    text=option.text.get(t.locale), callback_data=ElgAnswer(s=step, q=position, o=n).pack()
                )
            )
    builder.row(*_nav_row(t))
    return "\n".join(lines), builder.as_markup()


def _province_screen(t: Translator, page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    markup = picker.province_keyboard(
        t, FLOW, page=page, anywhere=t("eligibility-region-skip"), footer=[_nav_row(t)]
    )
    return t("eligibility-province"), markup


def _county_screen(
    kit: Kit, province_id: str, t: Translator, page: int = 0
) -> tuple[str, InlineKeyboardMarkup]:
    province = kit.regions.get_province(province_id)
    markup = picker.county_keyboard(
        t, FLOW, province_id, page=page, whole=t("eligibility-region-skip"), footer=[_nav_row(t)]
    )
    return t("eligibility-county", province=province.name(t.locale)), markup


def _intro_screen(kit: Kit, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    text = t("eligibility-intro", count=len(kit.rulebook.questions), notice=kit.rulebook.notice.get(t.locale))
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("eligibility-start-button"), callback_data=ElgAction(a="go").pack()
                )
            ],
            [cancel_button(t)],
        ]
    )
    return text, markup


def _rulebook_date(kit: Kit, locale: str) -> str:
    try:
        day = datetime.fromisoformat(kit.rulebook.date).replace(hour=12, tzinfo=UTC)
    except ValueError:
        return kit.rulebook.version
    return format_date(day, locale)


def result_preview(kit: Kit, outcome: Outcome, t: Translator) -> tuple[str, list[list[str]]]:
    """The result as the chat shows it: its text and its buttons' labels (the console's try-it
    panel)."""
    text, markup = _result_screen(kit, outcome, t)
    return text, [[button.text for button in row] for row in markup.inline_keyboard]


def question_preview(
    kit: Kit, state: ScreenerState, question: Question, t: Translator
) -> tuple[str, list[list[str]]]:
    """A question as the chat shows it (the console's try-it panel)."""
    text, markup = _question_screen(kit, state, question, t)
    return text, [[button.text for button in row] for row in markup.inline_keyboard]


def _result_screen(kit: Kit, outcome: Outcome, t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    locale = t.locale
    marks = {"not_eligible": "❌", "review": "⚠️", "none": "ℹ️"}
    lines = [t("eligibility-result-title", title=outcome.title.get(locale)), ""]
    # One notice per result: while the criteria are a sample, the sample warning (the rulebook's
    # own notice says the same, and was shown before the first question); once confirmed, the
    # organisation's notice.
    if kit.rulebook.status != "confirmed":
        lines += [t("eligibility-result-sample", date=_rulebook_date(kit, locale))]
    else:
        lines += [outcome.notice.get(locale)]
    lines += ["", t("eligibility-result-reasons")]
    for reason in outcome.reasons:
        lines.append(f"{'✅' if reason.met else marks.get(reason.severity, '•')} {reason.text.get(locale)}")
    if outcome.documents:
        lines += ["", t("eligibility-result-documents"), *(f"• {d.get(locale)}" for d in outcome.documents)]
    lines += ["", t("eligibility-result-next"), outcome.next_step.get(locale)]
    markup = InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=t("eligibility-ask-staff"),
                    callback_data=AskStaff(q=0, c=f"elg-{outcome.kind}").pack(),
                )
            ],
            [
                InlineKeyboardButton(
                    text=t("eligibility-again"), callback_data=ElgAction(a="restart").pack()
                ),
                home_button(t),
            ],
        ]
    )
    return "\n".join(lines), markup


# ------------------------------------------------------------------------------------------
# Flow helpers


@dataclass
class Ctx:
    """What every handler here needs, gathered once. ``kit`` is the version in force until a
    saved questionnaire is loaded: then the version it began on."""

    kits: Kits
    kit: Kit
    session: AsyncSession
    user: UserRecord
    t: Translator
    profile: PlatformProfile
    clock: Clock
    fsm: FSMContext

    @property
    def who(self) -> dict[str, Any]:
        return {"platform": self.user.platform, "user_id": self.user.user_id}

    async def load(self) -> Progress | None:
        """The saved progress on the version it began on, or None (also when that version is
        not known or the state does not fit it)."""
        try:
            saved = await progress_store.load(self.session, now=self.clock.now(), **self.who)
            if saved is None:
                return None
            kit = await self.kits.of(saved.state.version, self.session)
            if kit is None:
                raise StateError(f"unknown rulebook version {saved.state.version!r}")
            kit.screener.current_question(saved.state)  # validates against the rulebook
        except StateError:
            await progress_store.forget(self.session, **self.who)
            return None
        self.kit = kit
        return saved

    async def save(
        self, state: ScreenerState, stage: progress_store.Stage = "questions", province_id: str | None = None
    ) -> None:
        await progress_store.save(
            self.session, state=state, now=self.clock.now(), stage=stage, province_id=province_id, **self.who
        )


def _ctx(data: dict[str, Any]) -> Ctx:
    kits: Kits = data["eligibility"]
    return Ctx(
        kits=kits,
        kit=kits.current,
        session=data["session"],
        user=data["user"],
        t=data["t"],
        profile=data["profile"],
        clock=data["clock"],
        fsm=data["state"],
    )


async def _show(target: Message | CallbackQuery, ctx: Ctx, screen: tuple[str, Any]) -> None:
    await show(target, screen[0], screen[1], ctx.profile)


async def _show_step(target: Message | CallbackQuery, ctx: Ctx, saved: Progress) -> None:
    """Show where the person is: a question, the province or county list, or the result."""
    await ctx.fsm.set_state(Eligibility.answering)
    if saved.stage == "questions":
        question = ctx.kit.screener.current_question(saved.state)
        if question is not None:
            await _show(target, ctx, _question_screen(ctx.kit, saved.state, question, ctx.t))
            return
        after = await _after_questions(ctx, saved.state)
        if after is None:
            await _finish(target, ctx, saved_state=saved.state, county_id=None)
            return
        saved = after
    if saved.stage == "county" and saved.province_id and ctx.kit.regions.find_province(saved.province_id):
        await _show(target, ctx, _county_screen(ctx.kit, saved.province_id, ctx.t))
        return
    await _show(target, ctx, _province_screen(ctx.t))


async def _after_questions(ctx: Ctx, state: ScreenerState) -> Progress | None:
    """The questions are done: ask for the region when the result names an office."""
    if not ctx.kit.asks_region:
        return None
    await ctx.save(state, stage="province")
    return Progress(state, "province", None, ctx.clock.now())


async def _finish(
    target: Message | CallbackQuery, ctx: Ctx, *, saved_state: ScreenerState, county_id: str | None
) -> None:
    outcome = ctx.kit.screener.result(saved_state, county_id=county_id)
    await progress_store.forget(ctx.session, **ctx.who)
    await eligibility_admin.record_result(
        ctx.session, version=ctx.kit.number, outcome=outcome.kind, county_id=county_id, now=ctx.clock.now()
    )
    await ctx.fsm.clear()
    await _show(target, ctx, _result_screen(ctx.kit, outcome, ctx.t))


async def _entry(target: Message | CallbackQuery, ctx: Ctx) -> None:
    saved = await ctx.load()
    if saved is not None and (saved.state.history or saved.stage != "questions"):
        markup = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=ctx.t("eligibility-resume-button"), callback_data=ElgAction(a="resume").pack()
                    )
                ],
                [
                    InlineKeyboardButton(
                        text=ctx.t("eligibility-restart-button"), callback_data=ElgAction(a="restart").pack()
                    )
                ],
                [cancel_button(ctx.t)],
            ]
        )
        await show(
            target, ctx.t("eligibility-resume", answered=len(saved.state.history)), markup, ctx.profile
        )
        return
    await _show(target, ctx, _intro_screen(ctx.kit, ctx.t))


async def _begin(target: Message | CallbackQuery, ctx: Ctx) -> None:
    ctx.kit = ctx.kits.current
    state = ctx.kit.screener.start()
    await ctx.save(state)
    await _show_step(target, ctx, Progress(state, "questions", None, ctx.clock.now()))


async def _answered(target: Message | CallbackQuery, ctx: Ctx, state: ScreenerState) -> None:
    if ctx.kit.screener.is_finished(state):
        after = await _after_questions(ctx, state)
        if after is None:
            await _finish(target, ctx, saved_state=state, county_id=None)
            return
        await _show_step(target, ctx, after)
        return
    await ctx.save(state)
    await _show_step(target, ctx, Progress(state, "questions", None, ctx.clock.now()))


# ------------------------------------------------------------------------------------------
# Handlers


@router.message(Command("eligibility"))
async def eligibility_command(message: Message, **data: Any) -> None:
    ctx = _ctx(data)
    await ctx.fsm.clear()
    await _entry(message, ctx)


@router.callback_query(MenuCallback.filter(F.section == SECTION.key))
async def eligibility_menu(query: CallbackQuery, **data: Any) -> None:
    ctx = _ctx(data)
    await ctx.fsm.clear()
    await _entry(query, ctx)


@router.callback_query(ElgAction.filter())
async def eligibility_action(
    query: CallbackQuery, callback_data: ElgAction, callback_answer: CallbackAnswer, **data: Any
) -> None:
    ctx = _ctx(data)
    action = callback_data.a
    if action in ("go", "restart"):
        await _begin(query, ctx)
        return
    saved = await ctx.load()
    if saved is None:
        callback_answer.text = ctx.t("eligibility-expired")
        await _show(query, ctx, _intro_screen(ctx.kit, ctx.t))
        return
    if action == "resume":
        await _show_step(query, ctx, saved)
    elif action == "back":
        await _back(query, ctx, saved)
    else:
        callback_answer.text = ctx.t("eligibility-stale")
        await _show_step(query, ctx, saved)


async def _back(query: CallbackQuery, ctx: Ctx, saved: Progress) -> None:
    if saved.stage == "county":
        await ctx.save(saved.state, stage="province")
        await _show_step(query, ctx, Progress(saved.state, "province", None, ctx.clock.now()))
        return
    if saved.stage == "questions" and not saved.state.history:
        await progress_store.forget(ctx.session, **ctx.who)
        await ctx.fsm.clear()
        await _show(query, ctx, _intro_screen(ctx.kit, ctx.t))
        return
    state = ctx.kit.screener.back(saved.state)
    await ctx.save(state)
    await _show_step(query, ctx, Progress(state, "questions", None, ctx.clock.now()))


@router.callback_query(ElgAnswer.filter())
async def eligibility_button(
    query: CallbackQuery, callback_data: ElgAnswer, callback_answer: CallbackAnswer, **data: Any
) -> None:
    ctx = _ctx(data)
    saved = await ctx.load()
    if saved is None:
        callback_answer.text = ctx.t("eligibility-expired")
        await _show(query, ctx, _intro_screen(ctx.kit, ctx.t))
        return
    question = ctx.kit.screener.current_question(saved.state) if saved.stage == "questions" else None
    if (
        question is None
        or ctx.kit.positions[question.id] != callback_data.q
        or len(saved.state.history) != callback_data.s
        or (question.kind == "yes_no" and callback_data.o not in (0, 1))
        or (question.kind == "choice" and not 0 <= callback_data.o < len(question.options))
        or question.kind not in ("yes_no", "choice")
    ):
        callback_answer.text = ctx.t("eligibility-stale")
        await _show_step(query, ctx, saved)
        return
    raw = (
        ("yes" if callback_data.o else "no")
        if question.kind == "yes_no"
        else question.options[callback_data.o].id
    )
    state, error = ctx.kit.screener.answer(saved.state, raw)
    if error is not None:  # cannot happen for a button, but never leave the person stuck
        callback_answer.text = error.text.get(ctx.t.locale)
        await _show_step(query, ctx, saved)
        return
    await _answered(query, ctx, state)


@router.callback_query(RegionPick.filter(F.flow == FLOW))
async def eligibility_region_button(
    query: CallbackQuery, callback_data: RegionPick, callback_answer: CallbackAnswer, **data: Any
) -> None:
    ctx = _ctx(data)
    saved = await ctx.load()
    if saved is None:
        callback_answer.text = ctx.t("eligibility-expired")
        await _show(query, ctx, _intro_screen(ctx.kit, ctx.t))
        return
    regions = ctx.kit.regions
    kind = callback_data.kind
    if kind == picker.PROVINCE_PAGE and saved.stage in ("province", "county"):
        await ctx.fsm.set_state(Eligibility.answering)
        await _show(query, ctx, _province_screen(ctx.t, callback_data.page))
        return
    if kind == picker.COUNTY_PAGE and saved.stage == "county" and saved.province_id == callback_data.id:
        await ctx.fsm.set_state(Eligibility.answering)
        await _show(query, ctx, _county_screen(ctx.kit, callback_data.id, ctx.t, callback_data.page))
        return
    if (kind == picker.ANYWHERE and saved.stage in ("province", "county")) or (
        kind == picker.WHOLE_PROVINCE and saved.stage == "county" and saved.province_id == callback_data.id
    ):
        await _finish(query, ctx, saved_state=saved.state, county_id=None)
        return
    if (
        kind == picker.PROVINCE
        and saved.stage in ("province", "county")
        and regions.find_province(callback_data.id)
    ):
        await _province_chosen(query, ctx, saved, callback_data.id)
        return
    county = regions.find_county(callback_data.id) if kind == picker.COUNTY else None
    if county is not None and (
        # a county of the chosen province, or one offered for a city typed at the province step
        (saved.stage == "county" and saved.province_id == county.province_id) or saved.stage == "province"
    ):
        await _finish(query, ctx, saved_state=saved.state, county_id=callback_data.id)
        return
    callback_answer.text = ctx.t("eligibility-stale")
    await _show_step(query, ctx, saved)


async def _province_chosen(
    target: Message | CallbackQuery, ctx: Ctx, saved: Progress, province_id: str
) -> None:
    await ctx.save(saved.state, stage="county", province_id=province_id)
    await _show_step(target, ctx, Progress(saved.state, "county", province_id, ctx.clock.now()))


@router.message(StateFilter(Eligibility.answering), F.text, ~F.text.startswith("/"))
async def eligibility_typed(message: Message, **data: Any) -> None:
    ctx = _ctx(data)
    text = message.text or ""
    saved = await ctx.load()
    if saved is None:
        await ctx.fsm.clear()
        await message.answer(ctx.t("eligibility-updated"))
        await _show(message, ctx, _intro_screen(ctx.kit, ctx.t))
        return
    if saved.stage == "questions" and not ctx.kit.screener.is_finished(saved.state):
        question = ctx.kit.screener.current_question(saved.state)
        state, error = ctx.kit.screener.answer(saved.state, text[:200])
        if error is not None:
            await message.answer(error.text.get(ctx.t.locale))
            await _show_step(message, ctx, saved)
            return
        if question is not None and question.kind == "date":
            await _echo_date(message, ctx, ctx.kit.screener.read_date(text[:200]))
        await _answered(message, ctx, state)
        return
    await _typed_region(message, ctx, saved, text[:100])


async def _echo_date(message: Message, ctx: Ctx, parsed: ParsedDate) -> None:
    """Say how a Gregorian date (or one with a guessed year) was read, so a wrong guess shows."""
    if not parsed.needs_echo or parsed.day is None:
        return
    jalali = format_day(parsed.day, ctx.t.locale)
    if parsed.gregorian_typed is not None:
        await message.answer(
            ctx.t("eligibility-date-gregorian", jalali=jalali, gregorian=parsed.gregorian_typed.isoformat())
        )
    else:
        await message.answer(ctx.t("eligibility-date-understood", jalali=jalali))


async def _typed_region(message: Message, ctx: Ctx, saved: Progress, text: str) -> None:
    regions = ctx.kit.regions
    scope = saved.province_id if saved.stage == "county" and saved.province_id else None
    found = regions.match_region(text, scope)
    if found.kind is MatchKind.PROVINCE and found.province is not None:
        await _province_chosen(message, ctx, saved, found.province.id)
        return
    if found.kind is MatchKind.COUNTY and found.county is not None:  # «مشهد», «یاسوج»
        await _finish(message, ctx, saved_state=saved.state, county_id=found.county.id)
        return
    if not found.choices:
        await message.answer(ctx.t("eligibility-region-unknown", text=text))
        await _show_step(message, ctx, saved)
        return
    builder = InlineKeyboardBuilder()
    for choice in found.choices[:6]:
        label = choice.name(ctx.t.locale)
        if not isinstance(choice, Province) and scope is None:
            province = regions.get_province(choice.province_id).name(ctx.t.locale)
            label = ctx.t("common-county-in-province", county=label, province=province)
        builder.add(picker.choice_button(ctx.t, FLOW, choice, label))
    builder.adjust(2)
    builder.row(*_nav_row(ctx.t))
    await message.answer(ctx.t("eligibility-region-which"), reply_markup=builder.as_markup())


@router.message(StateFilter(Eligibility.answering), ~F.text)
async def eligibility_not_text(message: Message, **data: Any) -> None:
    ctx = _ctx(data)
    saved = await ctx.load()
    await message.answer(ctx.t("eligibility-text-expected"))
    if saved is not None:
        await _show_step(message, ctx, saved)


feature = Feature(
    name="eligibility",
    private=router,
    section=SECTION,
    commands=(("eligibility", "eligibility-cmd"),),
    on_startup=(load_rulebook,),
)
