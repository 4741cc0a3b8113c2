"""The console's exports and status import through its aiohttp pages: the chat's exporters as
CSV (BOM) and XLSX with the same privacy rules and audit entry; the status import's dry run
(nothing written), then the import as a job with its report; bad uploads refused."""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile

import aiohttp
import pytest
from pydantic_settings import BaseSettings
from sqlalchemy import func, select

from bot.settings import ConsoleSettings, StatusSettings
from models import Application
from services.roles import Role
from tests.console.conftest import free_port
from tests.console.test_stats_console import console_client, paid
from tests.console.test_ticket_desk import _ticket
from tests.status.test_status_flow import GOOD_CSV


@pytest.fixture
def overrides() -> dict[str, BaseSettings]:
    port = free_port()
    return {
        "console": ConsoleSettings(public_url=f"http://127.0.0.1:{port}", listen_port=port),
        "status": StatusSettings(status_csv_max_bytes=4000),
    }


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


async def test_the_chat_exports_download_as_csv_and_xlsx_with_the_same_rules_and_audit(hamdel) -> None:
    async with hamdel.db() as session:
        await paid(session, hamdel, donor=6001, rials=1_230_000, province_id="23")
        await _ticket(session, hamdel, donor=6002)
    await hamdel.grant(hamdel.operator, Role.OPERATOR)
    async with console_client(hamdel, hamdel.admin) as (client, base, csrf):
        async with client.get(f"{base}/exports") as page:
            html = await page.text()
            assert page.status == 200 and 'id="export-donations"' in html and 'id="export-volunteers"' in html
        form = {"csrf": csrf, "period": "all", "format": "csv", "campaign": "0"}
        async with client.post(f"{base}/exports/donations", data=form) as answer:
            assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
            table = rows_of(await answer.read())
        assert table[0][3] == "مبلغ (تومان)" or "تومان" in ",".join(table[0])
        assert len(table) == 2 and "123000" in table[1]
        assert str(6001) not in ",".join(table[1])  # the donor as the bot's number, not the messenger id
        async with client.post(f"{base}/exports/donations", data={**form, "format": "xlsx"}) as answer:
            assert answer.status == 200
            book = zipfile.ZipFile(io.BytesIO(await answer.read()))
        strings = book.read("xl/sharedStrings.xml").decode()
        assert "تهران" in strings and 'rightToLeft="1"' in book.read("xl/worksheets/sheet1.xml").decode()
        # A typed range with nothing in it: no file, said on the page.
        custom = {**form, "period": "custom", "from": "۱۴۰۰/۰۱/۰۱", "to": "۱۴۰۰/۰۱/۳۱"}
        async with client.post(f"{base}/exports/donations", data=custom) as answer:
            assert answer.status == 200 and "ردیفی برای" in await answer.text()
        async with client.post(f"{base}/exports/donations", data={**custom, "from": "فردا"}) as answer:
            assert answer.status == 400
        async with client.post(f"{base}/exports/donations", data={**form, "format": "pdf"}) as answer:
            assert answer.status == 400
        async with client.post(f"{base}/exports/donations", data={**form, "csrf": "forged"}) as answer:
            assert answer.status == 403
        async with client.post(f"{base}/exports/tickets", data=form) as answer:
            assert "تلفن همراه" in rows_of(await answer.read())[0]  # admins see the contact mobile
    async with console_client(hamdel, hamdel.operator) as (client, base, csrf):
        form = {"csrf": csrf, "period": "all", "format": "csv"}
        async with client.get(f"{base}/exports") as page:
            html = await page.text()
            assert 'id="export-tickets"' in html and 'id="export-donations"' not in html
        async with client.post(f"{base}/exports/donations", data=form) as answer:
            assert answer.status == 403  # the exporter's roles, as in the chat
        async with client.post(f"{base}/exports/tickets", data=form) as answer:
            assert "تلفن همراه" not in rows_of(await answer.read())[0]  # operators do not
    exports = await hamdel.audit("export.%")
    assert [(e.action, e.actor_id, e.channel, e.after["format"], e.after["rows"]) for e in exports] == [
        ("export.donations", hamdel.admin.id, "console", "csv", 1),
        ("export.donations", hamdel.admin.id, "console", "xlsx", 1),
        ("export.tickets", hamdel.admin.id, "console", "csv", 1),
        ("export.tickets", hamdel.operator.id, "console", "csv", 1),
    ]
    refused = await hamdel.audit("console.exports")
    assert [(e.actor_id, e.allowed, e.note) for e in refused] == [
        (hamdel.admin.id, False, "csrf"),
        (hamdel.operator.id, False, "exports-role"),
    ]


async def test_the_status_import_shows_every_line_before_writing_then_imports_in_batches(hamdel) -> None:
    async with console_client(hamdel, hamdel.admin) as (client, base, csrf):

        async def upload(data: bytes, name: str = "statuses.csv", kind: str = "text/csv") -> tuple[int, str]:
            body = aiohttp.FormData()
            body.add_field("csrf", csrf)
            body.add_field("file", io.BytesIO(data), filename=name, content_type=kind)
            async with client.post(f"{base}/import", data=body) as answer:
                return answer.status, await answer.text()

        status, html = await upload(b"\x89PNG\r\n\x1a\n....", name="photo.png", kind="image/png")
        assert status == 400 and "CSV نیست" in html
        status, html = await upload(b"a,b\n" * 2000)
        assert status == 400 and "بزرگ‌تر از حد مجاز" in html
        status, html = await upload(b"name,phone\nx,y\n")
        assert status == 400 and "کد پیگیری" in html

        status, html = await upload(GOOD_CSV)
        assert status == 200, html
        assert "سطر ۴" in html and "کد ملی ندارد یا نادرست است" in html
        assert "پروندهٔ تازه با وضعیت «در نوبت»" in html
        async with hamdel.db() as session:
            assert await session.scalar(select(func.count(Application.id))) == 0  # a dry run only
        fields = dict(re.findall(r'name="(name|data|signature)" value="([^"]*)"', html))
        tampered = {**fields, "csrf": csrf, "signature": "0" * 64}
        async with client.post(f"{base}/import/confirm", data=tampered) as answer:
            assert answer.status == 400
        async with client.post(
            f"{base}/import/confirm", data={**fields, "csrf": csrf}, allow_redirects=False
        ) as answer:
            assert answer.status == 303
            job = answer.headers["Location"]
        for _ in range(100):
            async with client.get(base + job.removeprefix("/console")) as page:
                html = await page.text()
            if 'id="done"' in html:
                break
            assert 'http-equiv="refresh"' in html
            await asyncio.sleep(0.05)
        assert 'id="done"' in html and 'id="created">۵<' in html
    async with hamdel.db() as session:
        assert await session.scalar(select(func.count(Application.id))) == 5
    imports = await hamdel.audit("status-import")
    assert [(e.channel, e.after["created"]) for e in imports] == [("console", 5)]
