"""The console's rulebook pages over HTTP (aiohttp's test client on the running bot's console
app): admins only, refusals audited; an item's form shows the start-up check's errors next to
the field; a save is a draft that the try-it panel shows and the chat ignores until published;
publishing with a Jalali date; revert."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from console.server import COOKIE, build_console_app
from services import console_auth, eligibility_admin
from services.roles import Role
from tests.conftest import Harness


@pytest.fixture
def flavor() -> str:
    """The console's pages do not depend on the chat's platform: one flavor, on every backend
    (the chat's side runs on both flavors in test_eligibility_versions)."""
    return "telegram"


class Console:
    """A signed-in staff member's browser without JavaScript: GET and POST forms."""

    def __init__(self, client: TestClient[Any, Any], csrf: str) -> None:
        self.client = client
        self.csrf = csrf

    async def get(self, path: str, status: int = 200) -> str:
        response = await self.client.get(f"/console{path}")
        text = await response.text()
        assert response.status == status, text[:2000]
        return text

    async def post(self, path: str, data: dict[str, str], status: int = 200) -> tuple[int, str, str]:
        response = await self.client.post(
            f"/console{path}", data={"csrf": self.csrf, **data}, allow_redirects=True
        )
        text = await response.text()
        assert response.status == status, text[:3000]
        return response.status, str(response.url), text


async def _console(hamdel: Harness, person_id: int, name: str, locale: str = "fa") -> AsyncIterator[Console]:
    async with hamdel.db() as session:
        opened = await console_auth.open_session(
            session,
            platform=hamdel.app.profile.platform.value,
            user_id=person_id,
            name=name,
            locale=locale,
            now=hamdel.clock.now(),
            lifetime=timedelta(hours=8),
        )
        cookie, csrf = opened.cookie, opened.session.csrf_token
    client = TestClient(TestServer(build_console_app(hamdel.app)), cookie_jar=None)
    await client.start_server()
    client.session.cookie_jar.update_cookies({COOKIE: cookie})
    try:
        yield Console(client, csrf)
    finally:
        await client.close()


@pytest.fixture
async def admin(hamdel: Harness) -> AsyncIterator[Console]:
    async for console in _console(hamdel, hamdel.admin.id, "مدیر"):
        yield console


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The values a form would submit as shown (inputs, selected options, textareas)."""
    start = html.index(f'id="{form_id}"')
    body = html[start : html.index("</form>", start)]
    fields: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body):
        fields[name] = value
    for name, inner in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', body, re.S):
        fields[name] = inner
    for name, inner in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', inner)
        first = re.search(r'<option value="([^"]*)"', inner)
        fields[name] = chosen.group(1) if chosen else first.group(1) if first else ""
    import html as html_lib

    return {k: html_lib.unescape(v) for k, v in fields.items() if k != "csrf"}


async def test_an_operator_is_refused_and_audited(hamdel: Harness) -> None:
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    async for operator in _console(hamdel, hamdel.operator.id, "کارشناس"):
        page = await operator.get("/eligibility", status=403)
        assert "ویرایش قواعد جهیزیه فقط برای مدیران است" in page
        await operator.post("/eligibility/edit/rule/bride_adult", {"id": "x"}, status=403)
        await operator.post("/eligibility/versions/1/revert", {}, status=403)
    refused = await hamdel.audit("console.eligibility")
    assert [(e.allowed, e.channel, e.actor_id) for e in refused] == [
        (False, "console", hamdel.operator.id)
    ] * 3


async def test_the_rulebook_page_lists_every_part(hamdel: Harness, admin: Console) -> None:
    page = await admin.get("/eligibility")
    assert 'dir="rtl"' in page and "قواعد سنجش جهیزیه" in page
    assert "نسخه در حال اجرا: نسخه ۱" in page
    for text in (
        "آیا عقدتان در دفترخانه رسمی ثبت شده",  # a question
        "سن عروس ۱۸ سال یا بیشتر است.",  # a rule
        "به احتمال زیاد واجد شرایط هستید",  # an outcome
        "سند ازدواج (عقدنامه)",  # a document
        "اداره بهزیستی شهرستان {county}",  # the offices' default name
    ):
        assert text in page, text
    rulebook = await admin.get("/eligibility/versions/1/eligibility.yaml")
    assert "bride_adult" in rulebook and "version: 0.1.0-sample" in rulebook


async def test_errors_are_shown_next_to_their_field(hamdel: Harness, admin: Console) -> None:
    page = await admin.get("/eligibility/edit/rule/bride_adult")
    fields = form_fields(page, "elig-form")
    assert fields["when"] == "{gte: 18, question: bride_age}" or "bride_age" in fields["when"]

    _, _, page = await admin.post(
        "/eligibility/edit/rule/bride_adult",
        {**fields, "when": "{question: bride_agee, gte: 18}"},
        status=400,
    )
    assert re.search(r'id="error-when">پرسشی با شناسه «bride_agee» نیست', page)

    _, _, page = await admin.post(
        "/eligibility/edit/rule/bride_adult", {**fields, "when": "{question: [", "met_en": ""}, status=400
    )
    assert 'id="error-when">این شرط خوانده نشد' in page

    _, _, page = await admin.post("/eligibility/edit/rule/bride_adult", {**fields, "met_en": ""}, status=400)
    assert 'id="error-met">متن فارسی و انگلیسی هر دو لازم است' in page

    question = form_fields(await admin.get("/eligibility/edit/question/bride_age"), "elig-form")
    _, _, page = await admin.post(
        "/eligibility/edit/question/bride_age", {**question, "min": "50", "max": "20"}, status=400
    )
    assert 'id="error-min">کمترین عدد (۵۰) از بیشترین عدد (۲۰) بزرگ‌تر است' in page
    _, _, page = await admin.post(
        "/eligibility/edit/question/bride_age", {**question, "min": "ده"}, status=400
    )
    assert 'id="error-min">اینجا فقط یک عدد صحیح بنویسید' in page

    disability = form_fields(await admin.get("/eligibility/edit/question/disability"), "elig-form")
    _, _, page = await admin.post(
        "/eligibility/edit/question/disability", {**disability, "branch_next_0": "disability"}, status=400
    )
    assert 'id="error-next">این انشعاب‌ها دور می‌سازند' in page or 'id="error-branches">' in page
    async with hamdel.db() as session:
        assert await eligibility_admin.newest_number(session) == 1  # nothing saved


async def test_a_draft_is_tried_then_published_and_a_revert_restores(hamdel: Harness, admin: Console) -> None:
    fields = form_fields(await admin.get("/eligibility/edit/rule/bride_adult"), "elig-form")
    _, url, page = await admin.post(
        "/eligibility/edit/rule/bride_adult",
        {**fields, "when": "{question: bride_age, gte: 20}", "note": "سن تازه"},
    )
    assert url.endswith("/eligibility/edit/rule/bride_adult?done=saved") and "در پیش‌نویس ذخیره شد" in page
    assert "پیش‌نویس نسخه ۲" in await admin.get("/eligibility")

    # Try it on the draft: a 19-year-old bride now needs a review.
    answers = {
        "v": "2", "go": "1", "a_covered": "yes", "a_marriage_registered": "yes", "a_marriage_date": "۱۴۰۵/۰۳/۰۱",
        "a_first_marriage": "yes", "a_bride_age": "۱۹", "a_groom_age": "25", "a_bride_has_guardian": "yes",
        "a_disability": "none", "a_income": "below_min_wage", "a_received_before": "no", "county": "",
    }  # fmt: skip
    query = "&".join(f"{k}={v}" for k, v in answers.items())
    tried = await admin.get(f"/eligibility/try?{query}")
    assert "ممکن است واجد شرایط باشید" in tried and "⚠️ سن عروس کمتر از ۱۸ سال است" in tried
    assert "💬 گفت‌وگو با کارشناس" in tried  # the result's buttons, as the chat shows them
    assert "به احتمال زیاد واجد شرایط" in await admin.get(f"/eligibility/try?{query.replace('v=2', 'v=1')}")

    # A missing answer stops the walk where the chat would ask it.
    missing = await admin.get(f"/eligibility/try?{query.replace('a_groom_age=25', 'a_groom_age=')}")
    assert 'id="try-missing"' in missing and "groom_age" in missing

    # Unreadable moments are refused; a Jalali date and time are read in Tehran time.
    _, url, page = await admin.post("/eligibility/versions/2/publish", {"day": "فردا", "time": ""})
    assert url.endswith("problem=when")
    _, url, page = await admin.post(
        "/eligibility/versions/2/publish", {"day": "۱۴۰۵/۰۹/۰۹", "time": "۱۱:۴۵", "note": "از ظهر"}
    )
    assert url.endswith("done=published")
    async with hamdel.db() as session:
        row = await eligibility_admin.get(session, 2)
        assert row is not None and row.effective_at is not None
        assert row.effective_at.isoformat() == "2026-11-30T08:15:00+00:00"  # 11:45 in Tehran
        assert await eligibility_admin.in_force_number(session, hamdel.clock.now()) == 1
    versions = await admin.get("/eligibility/versions")
    assert (
        "منتشرشده، هنوز اجرا نشده" in versions
        and "معیار bride_adult" in versions
        and "سن تازه" in versions
        and "از ظهر" in versions
    )

    hamdel.clock.advance(minutes=15)
    async with hamdel.db() as session:
        assert await eligibility_admin.in_force_number(session, hamdel.clock.now()) == 2

    _, url, _ = await admin.post("/eligibility/versions/1/revert", {})
    assert url.endswith("done=reverted")
    async with hamdel.db() as session:
        assert await eligibility_admin.in_force_number(session, hamdel.clock.now()) == 3
        three = await eligibility_admin.get(session, 3)
        one = await eligibility_admin.get(session, 1)
        assert three is not None and one is not None and three.document == one.document
    entries = await hamdel.audit("eligibility.%")
    assert [(e.action, e.target, e.channel) for e in entries] == [
        ("eligibility.edit", "eligibility:2", "console"),
        ("eligibility.publish", "eligibility:2", "console"),
        ("eligibility.revert", "eligibility:3", "console"),
    ]


async def test_questions_and_offices_are_added_and_a_stale_form_is_refused(
    hamdel: Harness, admin: Console
) -> None:
    new = {
        "id": "children", "kind": "number", "text_fa": "چند فرزند دارید؟", "text_en": "How many children?",
        "min": "۰", "max": "20", "base": "1", "position": "",
    }  # fmt: skip
    _, url, _ = await admin.post("/eligibility/edit/question/new", new)
    assert url.endswith("/eligibility/edit/question/children?done=saved")
    # The same form again, from the version it was opened on: a colleague's save came first.
    _, _, page = await admin.post("/eligibility/edit/question/new", {**new, "id": "pets"}, status=409)
    assert 'id="problem"' in page

    office = {
        "base": "2", "name_fa": "اداره بهزیستی شهرستان ری", "name_en": "Rey county Welfare office",
        "phone": "۰۲۱-۵۵۵۵", "address_fa": "", "address_en": "",
    }  # fmt: skip
    _, _, page = await admin.post("/eligibility/edit/office/county:9999", office, status=404)
    _, _, page = await admin.post(
        "/eligibility/edit/office/county:2306", {**office, "phone": "تلفن"}, status=400
    )
    assert 'id="error-phone">تلفن فقط رقم و خط تیره است' in page
    _, url, _ = await admin.post("/eligibility/edit/office/county:2306", office)
    async with hamdel.db() as session:
        row = await eligibility_admin.newest(session)
        assert row is not None and row.number == 3 and row.effective_at is None
        assert row.document["offices"]["counties"]["2306"]["phone"] == "021-5555"
        assert [q["id"] for q in row.document["rulebook"]["questions"]][-1] == "children"


async def test_deleting_is_checked_like_any_change(hamdel: Harness, admin: Console) -> None:
    # A question the criteria test cannot go: the form says which one is missing.
    fields = form_fields(await admin.get("/eligibility/edit/question/bride_age"), "elig-form")
    _, _, page = await admin.post(
        "/eligibility/edit/question/bride_age", {**fields, "do": "delete"}, status=400
    )
    assert 'id="error-form">پرسشی با شناسه «bride_age» نیست' in page
    # An informational criterion can; the id "new" is kept for the console's own address.
    fields = form_fields(await admin.get("/eligibility/edit/rule/bride_without_guardian"), "elig-form")
    _, _, page = await admin.post("/eligibility/edit/rule/new", {**fields, "id": "new"}, status=400)
    assert 'id="error-id">این شناسه پیش‌تر به کار رفته است' in page
    _, url, _ = await admin.post("/eligibility/edit/rule/bride_without_guardian", {**fields, "do": "delete"})
    assert url.endswith("/eligibility?done=deleted")
    async with hamdel.db() as session:
        row = await eligibility_admin.newest(session)
        assert row is not None and row.number == 2 and row.change == "rule:bride_without_guardian:deleted"
        assert "bride_without_guardian" not in [r["id"] for r in row.document["rulebook"]["rules"]]


async def test_the_pages_in_english(hamdel: Harness) -> None:
    async for console in _console(hamdel, hamdel.admin.id, "Admin", locale="en"):
        assert "In force: version 1" in await console.get("/eligibility")
        page = await console.get("/eligibility/edit/question/disability")
        assert 'dir="ltr"' in page and "Question disability" in page and "Multiple choice" in page
        assert "From the initial files" in await console.get("/eligibility/versions")
        tried = await console.get("/eligibility/try?go=1&a_covered=no")
        assert "Under the sample criteria you are not eligible" in tried
