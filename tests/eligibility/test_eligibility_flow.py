"""The dowry-kit questionnaire through the real bot, in both flavors: a path to each outcome,
typed answers in any digit script, back, cancel, resume after /start, stale buttons, and the
rulebook checked at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from bot.app import create_app
from bot.settings import KnowledgeSettings, Settings, SettingsError
from messenger import LocalMessenger, MessengerUser
from models import EligibilityProgress
from services.eligibility import DEFAULT_RULEBOOK
from tests.conftest import Harness

ROOT = Path(__file__).resolve().parents[2]

Q_COVERED = "تحت پوشش سازمان بهزیستی"
Q_REGISTERED = "در دفترخانه رسمی ثبت شده"
Q_DATE = "تاریخ ثبت عقد"
Q_FIRST = "ازدواج اولِ هر دوی شماست"
Q_BRIDE_AGE = "عروس چند سال دارد"
Q_GROOM_AGE = "داماد چند سال دارد"
Q_GUARDIAN = "پدر یا سرپرستی دارد"
Q_DISABILITY = "یکی از شما معلولیت دارد"
Q_COMMISSION = "در کمیسیون پزشکی ـ توانبخشی بهزیستی بررسی و تأیید شده"
Q_INCOME = "درآمد ماهانه خانوار"
Q_RECEIVED = "جهیزیه یا کمک‌هزینه جهیزیه گرفته‌اید"
PROVINCE = "استان محل زندگی‌تان را انتخاب کنید"


async def press(hamdel: Harness, user: MessengerUser, label: str) -> str:
    """Press a button; the screen the person then sees (the callback is answered after the
    handler finished, so the screen is complete)."""
    answer = await user.press(label)
    assert answer is not None
    return await hamdel.screen(user)


async def say(hamdel: Harness, user: MessengerUser, text: str) -> str:
    """Send a text; the last message once the bot has answered."""
    user.skip_to_end()
    await user.send(text)
    await user.next_message(timeout=10)
    return await hamdel.screen(user)


async def begin(hamdel: Harness, user: MessengerUser) -> str:
    intro = await say(hamdel, user, "/eligibility")
    assert "سنجش شرایط دریافت جهیزیه" in intro
    assert "نمونه" in intro  # the sample-criteria notice before anything is asked
    return await press(hamdel, user, "▶️ شروع پرسش‌ها")


async def answer_all(hamdel: Harness, user: MessengerUser, **changes: str) -> str:
    """Walk the questionnaire; every answer can be changed. Buttons are pressed for yes/no and
    choices (value starts with «press:»), other answers are typed."""
    answers = {
        Q_COVERED: "press:بله",
        Q_REGISTERED: "press:بله",
        Q_DATE: "۱۴۰۵/۰۳/۰۱",  # six months before the harness's today (9 Azar 1405)
        Q_FIRST: "press:بله",
        Q_BRIDE_AGE: "۲۲",
        Q_GROOM_AGE: "26",
        Q_GUARDIAN: "press:بله",
        Q_DISABILITY: "press:هیچ‌کدام",
        Q_COMMISSION: "press:بله",
        Q_INCOME: "press:کمتر از حداقل دستمزد رسمی",
        Q_RECEIVED: "press:خیر",
    }
    names = {
        "covered": Q_COVERED,
        "registered": Q_REGISTERED,
        "date": Q_DATE,
        "first": Q_FIRST,
        "bride_age": Q_BRIDE_AGE,
        "groom_age": Q_GROOM_AGE,
        "guardian": Q_GUARDIAN,
        "disability": Q_DISABILITY,
        "commission": Q_COMMISSION,
        "income": Q_INCOME,
        "received": Q_RECEIVED,
    }
    for name, value in changes.items():
        answers[names[name]] = value
    screen = await begin(hamdel, user)
    for _ in range(20):
        question = next((q for q in answers if q in screen), None)
        if question is None:
            return screen
        value = answers[question]
        if value.startswith("press:"):
            screen = await press(hamdel, user, value.removeprefix("press:"))
        else:
            screen = await say(hamdel, user, value)
    raise AssertionError(f"the questionnaire did not end; last screen:\n{screen}")


async def progress_rows(hamdel: Harness) -> int:
    await hamdel.settle()
    async with hamdel.db() as session:
        return int(await session.scalar(select(func.count()).select_from(EligibilityProgress)) or 0)


async def test_eligible_path_names_the_county_office(hamdel: Harness) -> None:
    user = hamdel.user()
    screen = await answer_all(hamdel, user)
    assert PROVINCE in screen
    assert "اصفهان" in user.buttons() and "⏭ نمی‌خواهم بگویم" in user.buttons()
    screen = await say(hamdel, user, "اصفهان")
    assert "شهرستان محل زندگی‌تان در استان اصفهان" in screen
    result = await press(hamdel, user, "خمینی‌شهر")
    assert "🧾 نتیجه سنجش اولیه: به احتمال زیاد واجد شرایط هستید" in result
    assert "معیارهای نمونه" in result and "باید سازمان بهزیستی آن‌ها را تأیید کند" in result
    assert "نمونه‌اند" not in result  # the sample notice once (the rulebook's said it again)
    assert "✅ تحت پوشش سازمان بهزیستی هستید." in result
    assert "مدارکی که همراه ببرید:" in result and "• سند ازدواج (عقدنامه)" in result
    assert "اداره بهزیستی شهرستان خمینی‌شهر" in result
    assert "💬 گفت‌وگو با کارشناس" in user.buttons()
    assert await progress_rows(hamdel) == 0  # answers are not kept once the result is shown

    # The result's "talk to a staff member" sends a typed question with where it came from.
    user.skip_to_end()
    await user.press("💬 گفت‌وگو با کارشناس")
    assert (await user.next_message())["text"].startswith("پرسش‌تان را در یک پیام بنویسید")
    await user.send("کی باید به اداره برویم؟")
    assert (await user.next_message())["text"].startswith("✅ پرسش شما")
    card = await hamdel.staff_chat.next_message()
    assert "ℹ️ از صفحه نتیجه سنجش جهیزیه (نتیجه: به احتمال زیاد واجد شرایط)." in card["text"]
    assert "کی باید به اداره برویم؟" in card["text"]


async def test_not_eligible_path_ends_early_and_region_can_be_skipped(hamdel: Harness) -> None:
    user = hamdel.user()
    screen = await answer_all(hamdel, user, covered="press:خیر")
    assert PROVINCE in screen  # straight after the first question
    result = await press(hamdel, user, "⏭ نمی‌خواهم بگویم")
    assert "با معیارهای نمونه، واجد شرایط نیستید" in result
    assert "❌ جهیزیه بهزیستی برای خانواده‌های تحت پوشش است" in result
    assert "اداره بهزیستی شهرستان محل زندگی‌تان" in result
    assert "مدارکی که همراه ببرید" not in result


async def test_may_be_eligible_path_with_typed_answers_in_other_scripts(hamdel: Harness) -> None:
    user = hamdel.user()
    screen = await answer_all(
        hamdel,
        user,
        first="نه",  # typed instead of pressed
        bride_age="١٧",  # Arabic-Indic digits
        disability="press:عروس",
        commission="آره",
        income="۳",  # the option's number
        received="خیر",
    )
    assert PROVINCE in screen, user.transcript
    await say(hamdel, user, "تهران")
    result = await say(hamdel, user, "ری")
    assert "ممکن است واجد شرایط باشید" in result
    assert "⚠️ ازدواج اول نیست" in result and "⚠️ سن عروس کمتر از ۱۸ سال است" in result
    assert "⚠️ درآمد خانوار بین یک تا دو برابر" in result
    assert "اداره بهزیستی شهرستان ری" in result


async def test_bad_answers_are_explained_and_the_question_is_asked_again(hamdel: Harness) -> None:
    user = hamdel.user()
    await begin(hamdel, user)
    await press(hamdel, user, "بله")
    await press(hamdel, user, "بله")
    await user.send("دیروز")
    assert (await user.next_message())["text"].startswith("تاریخ را به شکل سال/ماه/روز شمسی بنویسید")
    assert Q_DATE in (await user.next_message())["text"]
    await user.send("۱۴۰۶/۰۱/۰۱")
    assert "هنوز نرسیده" in (await user.next_message())["text"]
    await user.next_message()
    await user.send_sticker()
    assert (await user.next_message())["text"] == "لطفاً جواب را بنویسید یا یکی از دکمه‌ها را بزنید."
    assert Q_DATE in (await user.next_message())["text"]
    screen = await say(hamdel, user, "۱ خرداد ۱۴۰۵")
    assert Q_FIRST in screen
    await press(hamdel, user, "بله")
    await user.send("صد و بیست")
    assert "لطفاً فقط یک عدد بنویسید" in (await user.next_message())["text"]
    await user.next_message()
    await user.send("150")
    assert "عدد باید بین ۱۰ و ۱۰۰ باشد" in (await user.next_message())["text"]


async def test_back_goes_one_question_back_and_drops_its_answer(hamdel: Harness) -> None:
    user = hamdel.user()
    await begin(hamdel, user)
    await press(hamdel, user, "بله")
    screen = await press(hamdel, user, "بله")
    assert Q_DATE in screen and "📝 پرسش ۳" in screen
    screen = await press(hamdel, user, "→ بازگشت")
    assert Q_REGISTERED in screen and "📝 پرسش ۲" in screen
    screen = await press(hamdel, user, "→ بازگشت")
    assert Q_COVERED in screen
    screen = await press(hamdel, user, "→ بازگشت")
    assert "سنجش شرایط دریافت جهیزیه" in screen  # back from the first question: the intro
    await hamdel.settle()
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count()).select_from(EligibilityProgress)) == 0


async def test_a_stale_button_shows_the_current_question(hamdel: Harness) -> None:
    user = hamdel.user()
    await begin(hamdel, user)
    first = user.last
    assert first is not None
    await press(hamdel, user, "بله")  # covered: yes
    if hamdel.app.profile.can_edit_keyboards:
        # Telegram edited the first message in place; a forged answer to question 1 is stale.
        answer = await user.press_data("ela:0:0:1")
    else:
        answer = await user.press("خیر", message=first)  # Bale: the old message is still there
    assert answer["text"] == "این دکمه مربوط به پرسش دیگری است؛ پرسش فعلی را دوباره آوردم."
    assert Q_REGISTERED in await hamdel.screen(user)
    forged = await user.press_data("rg:el:p:99:0")
    assert forged["text"] == "این دکمه مربوط به پرسش دیگری است؛ پرسش فعلی را دوباره آوردم."


async def test_cancel_leaves_and_the_questionnaire_resumes_later(hamdel: Harness) -> None:
    user = hamdel.user()
    await begin(hamdel, user)
    await press(hamdel, user, "بله")
    await press(hamdel, user, "بله")
    await press(hamdel, user, "✖️ انصراف")
    assert "کار جاری لغو شد. هر وقت خواستید از منو دوباره شروع کنید." in [
        m["text"] for m in user.messages[-2:]
    ]
    screen = await say(hamdel, user, "/eligibility")
    assert "نیمه‌کاره" in screen and "۲ پرسش جواب داده شده" in screen
    assert user.buttons()[:2] == ["▶️ ادامه از همان‌جا", "🔄 شروع دوباره"]
    screen = await press(hamdel, user, "▶️ ادامه از همان‌جا")
    assert Q_DATE in screen and "📝 پرسش ۳" in screen
    await say(hamdel, user, "/eligibility")
    screen = await press(hamdel, user, "🔄 شروع دوباره")
    assert Q_COVERED in screen and "📝 پرسش ۱" in screen


async def test_resume_after_start_clears_the_conversation(hamdel: Harness) -> None:
    user = hamdel.user()
    await begin(hamdel, user)
    await press(hamdel, user, "بله")
    assert Q_DATE in await press(hamdel, user, "بله")
    assert (await say(hamdel, user, "/start")).startswith("سلام سارا")
    # The conversation state is gone: a typed date is now a question for the FAQ, not an answer.
    assert Q_FIRST not in await say(hamdel, user, "۱۴۰۵/۰۳/۰۱")
    assert (await press(hamdel, user, "🏠 منوی اصلی")).startswith("منوی اصلی همدل")
    screen = await press(hamdel, user, "🎁 شرایط جهیزیه")
    assert "نیمه‌کاره" in screen
    screen = await press(hamdel, user, "▶️ ادامه از همان‌جا")
    assert Q_DATE in screen
    screen = await say(hamdel, user, "1405-3-1")
    assert Q_FIRST in screen


async def test_an_updated_rulebook_restarts_old_progress(hamdel: Harness) -> None:
    user = hamdel.user()
    await begin(hamdel, user)
    await press(hamdel, user, "بله")
    await hamdel.settle()
    async with hamdel.db() as session:
        row = await session.scalar(select(EligibilityProgress))
        assert row is not None
        row.state = {**row.state, "version": "0.0.1-old"}
        row.rulebook_version = "0.0.1-old"
    screen = await say(hamdel, user, "/eligibility")
    assert "نیمه‌کاره" not in screen and "سنجش شرایط دریافت جهیزیه" in screen


# --------------------------------------------------------------------------------------------
# The rulebook is validated at start


def _broken_rulebook(tmp_path: Path) -> Path:
    raw = yaml.safe_load(DEFAULT_RULEBOOK.read_text(encoding="utf-8"))
    rule = next(r for r in raw["rules"] if r["id"] == "bride_adult")
    rule["when"] = {"question": "bride_agee", "gte": 18}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


async def test_a_broken_rulebook_stops_the_bot_at_start(
    tmp_path: Path, settings: Settings, messenger: LocalMessenger
) -> None:
    broken = settings.model_copy(
        update={
            "knowledge": KnowledgeSettings(eligibility_rulebook=str(_broken_rulebook(tmp_path))),
            "telegram": settings.telegram.model_copy(update={"bot_api_base": messenger.base_url}),
        }
    )
    app = create_app(broken)
    try:
        with pytest.raises(SettingsError, match=r"rule 'bride_adult': unknown question id 'bride_agee'"):
            await app.on_startup()
    finally:
        await app.close()


@pytest.mark.slow  # starts `python -m bot`
def test_python_m_bot_says_which_rule_is_broken_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL", "REDIS_URL"}}
    env["PYTHONPATH"] = str(ROOT)
    env["ELIGIBILITY_RULEBOOK"] = str(_broken_rulebook(tmp_path))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox"],
        cwd=tmp_path,
        env=env,
        input=":quit\n",
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("hamdel:")]
    assert len(lines) == 1, result.stderr
    assert "rule 'bride_adult': unknown question id 'bride_agee'" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_missing_rulebook_is_named() -> None:
    from handlers.eligibility import read_seed

    with pytest.raises(
        SettingsError, match=r"rulebook /nowhere/rules.yaml not found \(setting ELIGIBILITY_RULEBOOK\)"
    ):
        read_seed("/nowhere/rules.yaml")


async def stored_answers(hamdel: Harness) -> dict[str, object]:
    await hamdel.settle()
    async with hamdel.db() as session:
        row = await session.scalar(select(EligibilityProgress))
        assert row is not None
        return dict(row.state["answers"])


async def test_the_date_question_reads_gregorian_and_month_names_and_explains_bad_dates(
    hamdel: Harness,
) -> None:
    """Issue 13 defect 5: «2025-10-20» was "not arrived yet"; now it is converted, shown back in
    Jalali, and stored as the Jalali day; a month name is read; a bad day says why."""
    user = hamdel.user()
    await begin(hamdel, user)
    await press(hamdel, user, "بله")
    await press(hamdel, user, "بله")
    await user.send("2025-10-20")
    echo = (await user.next_message())["text"]
    assert echo == "📅 تاریخ میلادی 2025-10-20 را ۲۸ مهر ۱۴۰۴ (شمسی) در نظر گرفتم.", user.transcript
    assert Q_FIRST in (await user.next_message())["text"]
    assert (await stored_answers(hamdel))["marriage_date"] == "1404-07-28"

    await press(hamdel, user, "→ بازگشت")
    await user.send("20 Oct 2025")
    assert "۲۸ مهر ۱۴۰۴" in (await user.next_message())["text"]
    assert Q_FIRST in (await user.next_message())["text"]

    await press(hamdel, user, "→ بازگشت")
    screen = await say(hamdel, user, "۲۰ مهرماه ۱۴۰۴")
    assert Q_FIRST in screen
    assert (await stored_answers(hamdel))["marriage_date"] == "1404-07-20"

    await press(hamdel, user, "→ بازگشت")
    await user.send("۳۱ مهر ۱۴۰۴")
    assert (await user.next_message())["text"] == "مهر ۳۰ روز دارد؛ لطفاً روز را دوباره بررسی کنید."
    assert Q_DATE in (await user.next_message())["text"]
    await user.send("1404/13/01")
    assert "ماه باید عددی از ۱ تا ۱۲ باشد" in (await user.next_message())["text"]
    assert Q_DATE in (await user.next_message())["text"]
    assert "marriage_date" not in await stored_answers(hamdel)


async def test_a_typed_city_names_its_county_office_and_khorasan_asks_which(hamdel: Harness) -> None:
    """Issue 13: «خراسان» offers the three provinces; a town that is not a county's name
    («برازجان») or a county seat («مشهد») goes straight to its county's office."""
    user = hamdel.user()
    screen = await answer_all(hamdel, user, covered="press:خیر")
    assert PROVINCE in screen
    which = await say(hamdel, user, "خراسان")
    assert which == "منظورتان کدام است؟"
    assert user.buttons()[:3] == ["خراسان رضوی", "خراسان شمالی", "خراسان جنوبی"]
    result = await say(hamdel, user, "برازجان")
    assert "اداره بهزیستی شهرستان دشتستان" in result

    screen = await answer_all(hamdel, user, covered="press:خیر")
    assert PROVINCE in screen
    result = await say(hamdel, user, "Mashhad")
    assert "اداره بهزیستی شهرستان مشهد" in result
