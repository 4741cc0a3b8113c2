"""The console's volunteers, audit log and exports pages in a real browser (headless Chromium) at a
phone's width: a volunteer accepted with a message that reaches the person in the chat, the
acceptance found in the audit log by its action, with its Persian label, and the volunteers'
export downloaded as a CSV for Excel (with its BOM)."""

from __future__ import annotations

from tests.console.conftest import check_layout, signed_in_page
from tests.console.test_volunteers_console import SHEMIRANAT, TEHRAN, sign_up


async def test_a_volunteer_accepted_is_audited_and_exported(hamdel, browser) -> None:
    sara = hamdel.user()
    volunteer = await sign_up(hamdel, sara, province=TEHRAN, county=SHEMIRANAT, areas=["health"])
    page = await signed_in_page(hamdel, browser, hamdel.admin)

    await page.click("nav >> text=داوطلبان")
    await page.wait_for_selector(f"#volunteer-{volunteer}")
    await check_layout(page, "volunteers")
    await page.fill(f"#message-{volunteer}", "شنبه با شما تماس می‌گیریم.")
    await page.click(f"#accept-{volunteer}")
    await page.wait_for_selector("#done")
    await sara.wait_until(lambda u: "شنبه با شما تماس می‌گیریم." in (u.last_text or ""))

    await page.click("nav >> text=گزارش کارها")
    await page.fill("#action", "volunteer")
    await page.click("#audit-search button")
    await page.wait_for_selector("#entries >> text=پذیرفتن داوطلب")
    await check_layout(page, "audit")

    await page.goto(hamdel.app.settings.console.public_url + "/console/exports")
    await page.wait_for_selector("#export-volunteers")
    await check_layout(page, "exports")
    async with page.expect_download() as waiting:
        await page.click("#export-volunteers-csv")
    download = await waiting.value
    content = open(await download.path(), "rb").read()  # noqa: ASYNC230 (a small local file)
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads the Persian as UTF-8
    assert len(content.decode("utf-8-sig").strip().splitlines()) == 2  # the header and Sara
