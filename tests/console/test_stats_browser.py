"""The statistics dashboard and the status import in a real browser (headless Chromium) at a
phone's width: the charts and the map drawn by the server, nothing wider than the screen; an
import checked line by line, then confirmed, its report shown when the batches are done."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from models import Application
from tests.console.conftest import check_layout, signed_in_page
from tests.console.test_stats_console import paid
from tests.status.test_status_flow import GOOD_CSV


async def test_the_dashboard_fits_a_phone_with_its_charts_and_map(hamdel, browser) -> None:
    async with hamdel.db() as session:
        await paid(session, hamdel, donor=7001, rials=3_000_000, province_id="23")
        await paid(session, hamdel, donor=7002, rials=1_000_000, province_id="10", days_ago=3)
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.click("nav >> text=آمار")
    await page.wait_for_url("**/console/stats")
    await page.click("text=امسال")
    await page.wait_for_selector("#chart-provinces svg path[data-province='23']")
    assert "۴۰۰٬۰۰۰ تومان" in await page.inner_text("#total")
    filled = await page.get_attribute("#chart-provinces path[data-province='23']", "fill")
    assert filled not in (None, "#f3f4f6")
    assert await page.locator("#chart-donations svg rect").count() >= 1
    await check_layout(page, "stats")


async def test_an_import_is_checked_line_by_line_then_confirmed(hamdel, browser, tmp_path: Path) -> None:
    upload = tmp_path / "statuses.csv"
    upload.write_bytes(GOOD_CSV)
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.goto(hamdel.app.settings.console.public_url + "/console/exports")
    await page.click("#import-link")
    await page.set_input_files("#file", str(upload))
    await page.click("#check")
    await page.wait_for_selector("#confirm-import")
    assert "سطر ۴" in await page.inner_text("#lines")
    await check_layout(page, "import-check")
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(Application.id))) == 0
    await page.click("#confirm-import")
    await page.wait_for_selector("#done", timeout=15_000)  # the page refreshes itself until then
    assert await page.inner_text("#created") == "۵"
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(Application.id))) == 5
