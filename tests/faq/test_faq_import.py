"""The console's import of a faq.yaml, over HTTP (aiohttp client, no browser): a dry run that
writes nothing and reports each entry as new / changed / unchanged / wrong, then the import as
revisions (audited, the FAQ's version raised); the upload may be larger than the console's usual
64 KB; admins only, with the CSRF token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest
import yaml
from pydantic_settings import BaseSettings
from sqlalchemy import select

from bot.settings import ConsoleSettings
from messenger import MessengerUser
from models.faq import FaqEntry, FaqRevision
from services import faq, faq_admin
from services.roles import Role
from tests.conftest import Harness
from tests.console.conftest import browser, check_layout, free_port, sign_in_link, signed_in_page

__all__ = ["browser"]  # the browser fixture, for the one test in a real browser

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
NEW_ANSWER = "ثبت‌نام داوطلبان از دفتر بهزیستی شهرستان انجام می‌شود."
OFFICE_HOURS = """
  - id: office_hours
    topic: office
    updated: 2026-12-03
    question:
      fa: دفتر بهزیستی چه ساعتی باز است؟
      en: When is the office open?
    answer:
      fa: از دفتر بهزیستی شهرستان بپرسید.
      en: Ask the county office.
"""


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    port = free_port()
    return {"console": ConsoleSettings(public_url=f"http://127.0.0.1:{port}", listen_port=port)}


@asynccontextmanager
async def signed_in(hamdel: Harness, person: MessengerUser) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        async with client.post(await sign_in_link(hamdel, person), allow_redirects=False) as signed:
            assert signed.status == 303
        yield client


def url(hamdel: Harness, path: str) -> str:
    return hamdel.app.settings.console.public_url + "/console" + path


async def csrf_of(client: aiohttp.ClientSession, hamdel: Harness) -> str:
    async with client.get(url(hamdel, "/faq/import")) as page:
        assert page.status == 200
        found = CSRF.search(await page.text())
    assert found is not None
    return found.group(1)


def upload(csrf: str, text: str, **fields: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field("csrf", csrf)
    for name, value in fields.items():
        form.add_field(name, value)
    form.add_field("file", text.encode(), filename="faq.yaml", content_type="application/x-yaml")
    return form


def applying(csrf: str, text: str, version: str) -> aiohttp.FormData:
    form = aiohttp.FormData()
    for name, value in (("csrf", csrf), ("do", "apply"), ("version", version), ("yaml", text)):
        form.add_field(name, value)
    return form


async def post(
    client: aiohttp.ClientSession, hamdel: Harness, form: Any, path: str = "/faq/import"
) -> tuple[int, str]:
    async with client.post(url(hamdel, path), data=form, allow_redirects=False) as answer:
        return answer.status, await answer.text()


async def state(hamdel: Harness) -> tuple[int | None, dict[str, str]]:
    async with hamdel.db() as session:
        version = await faq_admin.catalog_version(session)
        rows = await session.scalars(select(FaqEntry))
        return version, {row.id: row.answer_fa for row in rows}


def edited_seed() -> str:
    """The seed file as staff would edit it (comments and all): volunteer_how's Persian answer
    changed, a topic and an entry added. About 70 KB, more than the console's usual limit."""
    seed = faq.DEFAULT_PATH.read_text(encoding="utf-8")
    old_answer = "در منوی اصلی «🤝 داوطلب شوید» را بزنید (یا دستور /volunteer را بفرستید): حوزه‌های همکاری"
    assert seed.count(old_answer) == 1
    start = seed.index(old_answer)
    end = seed.index("      en: >-", start)
    changed = (
        seed[:start].replace("topics:\n", "topics:\n  office:\n    fa: دفتر\n    en: Office\n", 1)
        + NEW_ANSWER
        + "\n"
        + seed[end:]
        + OFFICE_HOURS
    )
    assert len(changed.encode()) > 64 * 1024
    return changed


async def test_a_yaml_file_is_checked_then_imported_as_revisions(hamdel: Harness) -> None:
    async with signed_in(hamdel, hamdel.admin) as client:
        changed = edited_seed()
        csrf = await csrf_of(client, hamdel)
        before = await state(hamdel)

        # The dry run: a report, nothing written.
        status, page = await post(client, hamdel, upload(csrf, changed, do="check"))
        assert status == 200
        assert "۱ پرسش تازه" in page and "۱ پرسش تغییرکرده" in page and "۵۵ پرسش بی‌تغییر" in page
        assert re.search(r'id="line-office_hours">\s*<bdi dir="ltr">office_hours</bdi> — <strong>تازه', page)
        assert re.search(r'id="line-volunteer_how">.*?تغییر می‌کند.*?\(پاسخ\)', page, re.S)
        assert 'id="faq-import-apply"' in page
        assert await state(hamdel) == before
        found = VERSION.search(page)
        assert found is not None and int(found.group(1)) == before[0]

        # The import: two revisions, audited, the version raised.
        status, _ = await post(client, hamdel, applying(csrf, changed, found.group(1)))
        assert status == 303
        version, answers = await state(hamdel)
        assert before[0] is not None and version == before[0] + 2
        assert answers["volunteer_how"] == NEW_ANSWER and "office_hours" in answers
        async with hamdel.db() as session:
            revisions = await session.scalars(select(FaqRevision).where(FaqRevision.action == "import"))
            assert sorted(r.entry_id for r in revisions) == ["office_hours", "volunteer_how"]
            assert "office" in await faq_admin.topics(session)
        audited = await hamdel.audit("faq.import")
        assert sorted((e.target, e.channel, e.actor_id) for e in audited) == [
            ("faq:office_hours", "console", hamdel.admin.id),
            ("faq:volunteer_how", "console", hamdel.admin.id),
        ]

        # The same dry run again is out of date: the report of now, nothing written.
        status, page = await post(client, hamdel, applying(csrf, changed, found.group(1)))
        assert status == 409 and 'id="problem"' in page and "۰ پرسش تازه" in page
        assert (await state(hamdel))[0] == version


async def test_an_entry_with_errors_is_reported_and_blocks_the_import(hamdel: Harness) -> None:
    async with signed_in(hamdel, hamdel.admin) as client:
        async with client.get(url(hamdel, "/faq/export.yaml")) as exported:
            document = yaml.safe_load(await exported.text())
        document["entries"][0]["action"] = "no_such_section"
        document["entries"][1]["answer"]["fa"] = "کمترین مبلغ { $min_rial } است"
        del document["entries"][2]["question"]
        document["entries"].append(dict(document["entries"][3]))  # a repeated id
        broken = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
        csrf = await csrf_of(client, hamdel)
        before = await state(hamdel)
        status, page = await post(client, hamdel, upload(csrf, broken, do="check"))
        assert status == 400 and "۴ پرسش نادرست" in page
        assert "این دکمه در منوی ربات نیست" in page
        assert "تنظیمی را نام می‌برد که ربات نمی‌شناسد" in page and "min_toman" in page
        assert (
            "missing the &#39;fa&#39; text" in page or "expected &#39;fa&#39; and &#39;en&#39; texts" in page
        )
        assert "id is repeated" in page
        assert 'id="faq-import-apply"' not in page and 'id="fix-first"' in page
        # Applying it anyway (a forged form) writes nothing either.
        status, _ = await post(client, hamdel, applying(csrf, broken, str(before[0])))
        assert status == 400 and await state(hamdel) == before

        status, page = await post(client, hamdel, upload(csrf, "entries: [unclosed", do="check"))
        assert status == 400 and 'id="file-problem"' in page and "YAML درستی نیست" in page
        status, page = await post(client, hamdel, upload(csrf, "- just a list", do="check"))
        assert status == 400 and "قالب پرسش‌های پرتکرار را ندارد" in page


async def test_only_admins_with_the_csrf_token_may_import(hamdel: Harness) -> None:
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    async with signed_in(hamdel, hamdel.operator) as client:
        async with client.get(url(hamdel, "/")) as home:
            csrf = CSRF.search(await home.text())
        status, _ = await post(
            client, hamdel, upload(csrf.group(1) if csrf else "", "entries: []", do="check")
        )
        assert status == 403
    async with signed_in(hamdel, hamdel.admin) as client:
        status, _ = await post(client, hamdel, upload("not-the-token", "entries: []", do="check"))
        assert status == 403
        # The larger limit is the import's alone: another form still refuses a large body.
        csrf = await csrf_of(client, hamdel)
        status, page = await post(client, hamdel, {"csrf": csrf, "answer_fa": "ا" * 70_000}, "/faq/new")
        assert status == 413 and "از اندازهٔ مجاز این فرم بزرگ‌تر است" in page  # said in Persian
    refused = [e.note for e in await hamdel.audit("console.faq") if not e.allowed]
    assert refused == ["faq-role", "csrf"]


async def test_in_the_browser_the_checked_file_is_imported(
    hamdel: Harness, browser: Any, tmp_path: Any
) -> None:
    """The dry run carries the file over to the import in the page itself (a hidden field)."""
    upload_file = tmp_path / "faq.yaml"
    upload_file.write_text(edited_seed(), encoding="utf-8")
    page = await signed_in_page(hamdel, browser, hamdel.admin)
    await page.goto(url(hamdel, "/faq"))
    await page.click("#faq-import")
    await page.set_input_files("#f-file", str(upload_file))
    await page.click("#faq-import-check")
    await page.wait_for_selector("#report")
    assert "۱ پرسش تازه" in await page.inner_text("#counts")
    await check_layout(page, "faq-import")
    await page.click("#faq-import-apply")
    await page.wait_for_selector("#done")
    _, answers = await state(hamdel)
    assert answers["volunteer_how"] == NEW_ANSWER and "office_hours" in answers
