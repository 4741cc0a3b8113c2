"""The dowry-kit rulebook in the console, in a real browser (headless Chromium, 360 px): an admin
changes a rule, sees its effect in the try-it panel before publishing, publishes it, and the
chat follows it; a colleague who is not an admin is refused on the server."""

from __future__ import annotations

from models.staff import AuditEntry
from services.roles import Role
from tests.conftest import Harness
from tests.console.conftest import check_layout, signed_in_page
from tests.eligibility.test_eligibility_flow import answer_all, press, say

ANSWERS = {
    "#a-covered": "yes",
    "#a-marriage_registered": "yes",
    "#a-first_marriage": "yes",
    "#a-bride_has_guardian": "yes",
    "#a-disability": "none",
    "#a-income": "below_min_wage",
    "#a-received_before": "no",
}


async def test_a_rule_change_is_tried_then_published_and_the_chat_follows(hamdel: Harness, browser) -> None:
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.click("text=قواعد جهیزیه")
    await page.wait_for_url("**/console/eligibility")
    await check_layout(page, "eligibility-rulebook")
    await page.click("text=سن عروس ۱۸ سال یا بیشتر است.")
    await page.wait_for_selector("#f-when")

    # Checked as at start-up: the problem next to its field, nothing saved.
    await page.fill("#f-when", "{question: bride_agee, gte: 20}")
    await page.click("#elig-save")
    assert "پرسشی با شناسه «bride_agee» نیست" in await page.inner_text("#error-when")
    await page.fill("#f-when", "{question: bride_age, gte: 20}")
    await page.fill("#f-not_met_fa", "سن عروس کمتر از ۲۰ سال است؛ مددکار اجتماعی باید پرونده را بررسی کند.")
    await page.click("#elig-save")
    await page.wait_for_selector("#done")
    await check_layout(page, "eligibility-rule")

    # Try the draft: a 19-year-old bride now needs a review.
    await page.click("text=🧪 امتحان کنید")
    await page.wait_for_selector("#try-form")
    for selector, value in ANSWERS.items():
        await page.select_option(selector, value)
    await page.fill("#a-marriage_date", "۱۴۰۵/۰۳/۰۱")
    await page.fill("#a-bride_age", "۱۹")
    await page.fill("#a-groom_age", "۲۵")
    await page.click("#try-go")
    await page.wait_for_selector("#result-fa")
    shown = await page.inner_text("#result-fa")
    assert "ممکن است واجد شرایط باشید" in shown and "⚠️ سن عروس کمتر از ۲۰ سال است" in shown
    await check_layout(page, "eligibility-try")

    # Not in the chat before it is published.
    user = hamdel.user()
    await answer_all(hamdel, user, bride_age="۱۹")
    await say(hamdel, user, "اصفهان")
    assert "به احتمال زیاد واجد شرایط هستید" in await press(hamdel, user, "خمینی‌شهر")

    await page.click("text=↩️ قواعد جهیزیه")
    await page.click("#elig-versions")
    await page.wait_for_selector("#publish-button-2")
    await check_layout(page, "eligibility-versions")
    await page.click("#publish-button-2")
    await page.wait_for_selector("#done")

    # This worker swapped it in when it was published; the chat follows at once.
    user = hamdel.user()
    await answer_all(hamdel, user, bride_age="۱۹")
    await say(hamdel, user, "اصفهان")
    result = await press(hamdel, user, "خمینی‌شهر")
    assert "ممکن است واجد شرایط باشید" in result and "⚠️ سن عروس کمتر از ۲۰ سال است" in result
    audited = await hamdel.audit("eligibility.%")
    assert [(e.action, e.channel, e.actor_id) for e in audited] == [
        ("eligibility.edit", "console", hamdel.admin.id),
        ("eligibility.publish", "console", hamdel.admin.id),
    ]


async def test_a_colleague_who_is_not_an_admin_is_refused(hamdel: Harness, browser) -> None:
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    page = await signed_in_page(hamdel, browser, hamdel.operator)
    response = await page.goto(page.url + "eligibility/edit/rule/bride_adult")
    assert response is not None and response.status == 403
    assert "ویرایش قواعد جهیزیه فقط برای مدیران است" in await page.inner_text("main")
    refused = (await hamdel.audit("console.eligibility"))[-1]
    async with hamdel.db() as session:
        entry = await session.get(AuditEntry, refused.id)
    assert entry is not None and entry.allowed is False and entry.actor_id == hamdel.operator.id
