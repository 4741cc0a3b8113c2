"""The FAQ in the console, in a real browser (headless Chromium): an admin edits an answer with
its preview, the chat answers with the new text within seconds (no restart), the history
restores the old one; a colleague who is not an editor is refused on the server."""

from __future__ import annotations

import asyncio

from messenger import MessengerUser
from models.staff import AuditEntry
from services.faq import FaqIndex
from services.roles import Role
from tests.conftest import Harness
from tests.console.conftest import check_layout, signed_in_page

INDEX = FaqIndex.load()
NEW_ANSWER = "ثبت‌نام داوطلبان این ماه از طریق دفتر بهزیستی شهرستان انجام می‌شود."


async def chat_answer(hamdel: Harness, user: MessengerUser, wanted: str) -> str:
    """Ask until the answer has ``wanted`` (the worker polls the FAQ's version every ~2 s)."""
    text = ""
    for _ in range(40):
        user.skip_to_end()
        await user.send("ثبت نام داوطلب")
        text = (await user.next_message(timeout=10))["text"]
        if wanted in text:
            break
        await asyncio.sleep(0.25)
    return text


async def test_an_answer_edited_in_the_browser_reaches_the_chat_and_can_be_restored(hamdel, browser) -> None:
    old = INDEX.get("volunteer_how")
    assert old is not None
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.click("text=پرسش‌های پرتکرار")
    await page.wait_for_url("**/console/faq")
    await page.fill("#q", "داوطلب")
    await page.click("form[role=search] button")
    await page.wait_for_selector(f"text={old.question.fa}")
    await check_layout(page, "faq-list")
    await page.click(f"text={old.question.fa}")
    await page.wait_for_selector("#f-answer_fa")

    # A broken answer is refused with the problem next to its field.
    await page.fill("#f-answer_fa", "کمترین مبلغ { $min_rial } است")
    await page.click("#faq-save")
    error = await page.inner_text("#error-answer_fa")
    assert "تنظیمی را نام می‌برد که ربات نمی‌شناسد" in error and "min_toman" in error

    await page.fill("#f-answer_fa", NEW_ANSWER)
    await page.click("#faq-preview")
    await page.wait_for_selector("#preview-fa")
    preview = await page.inner_text("#preview-fa")
    assert NEW_ANSWER in preview and "👍 مفید بود" in preview and "👎 جوابم را نگرفتم" in preview
    await check_layout(page, "faq-edit")
    await page.click("#faq-save")
    await page.wait_for_selector("#done")

    user = hamdel.user()
    assert NEW_ANSWER in await chat_answer(hamdel, user, NEW_ANSWER)
    entries = await hamdel.audit("faq.edit")
    assert [(e.channel, e.target, e.actor_id) for e in entries] == [
        ("console", "faq:volunteer_how", hamdel.admin.id)
    ]

    await page.click("text=تاریخچه")
    await page.wait_for_selector("#revert-1")
    await page.click("#revert-1")
    await page.wait_for_selector("#done")
    assert old.answer.fa in await chat_answer(hamdel, user, old.answer.fa[:40])

    # The learning loop: a question the FAQ could not answer becomes an entry in one click.
    user.skip_to_end()
    await user.send("ساعت کاری دفتر بهزیستی شهرستان چنده")
    assert "جوابی در پرسش‌های پرتکرار پیدا نکردم" in (await user.next_message(timeout=10))["text"]
    await hamdel.settle()
    await page.click("text=پرسش‌های پرتکرار")
    await page.click("text=آنچه مردم پرسیدند")
    await page.wait_for_selector("#asked")
    await check_layout(page, "faq-asked")
    await page.click("text=➕ پرسش تازه از همین")
    await page.wait_for_selector("#f-id")
    assert await page.input_value("#f-question_fa") == "ساعت کاری دفتر بهزیستی شهرستان چنده"
    await page.fill("#f-id", "office_hours")
    await page.select_option("#f-topic", "contact")
    await page.fill("#f-question_en", "What are the county office's hours?")
    await page.fill("#f-answer_fa", "ساعت کاری دفترها را از اداره بهزیستی شهرستان‌تان بپرسید.")
    await page.fill("#f-answer_en", "Ask your county Welfare office for its hours.")
    await page.click("#faq-save")
    await page.wait_for_selector("#done")
    for _ in range(40):
        user.skip_to_end()
        await user.send("ساعت کاری دفتر بهزیستی شهرستان چنده")
        if "از اداره بهزیستی شهرستان‌تان بپرسید" in (await user.next_message(timeout=10))["text"]:
            break
        await asyncio.sleep(0.25)
    assert "از اداره بهزیستی شهرستان‌تان بپرسید" in user.last_text


async def test_a_colleague_who_is_not_an_editor_is_refused(hamdel, browser) -> None:
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    page = await signed_in_page(hamdel, browser, hamdel.operator)
    response = await page.goto(page.url + "faq/volunteer_how")
    assert response is not None and response.status == 403
    assert "فقط برای مدیران" in await page.inner_text("main")
    async with hamdel.db() as session:
        refused = await session.get(AuditEntry, (await hamdel.audit("console.faq"))[-1].id)
    assert refused is not None and refused.allowed is False and refused.actor_id == hamdel.operator.id
