"""A signed-in console visitor over plain HTTP (aiohttp's client): fast tests of the console's
pages and forms without a browser. Signs in with a /console link like a staff member."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from typing import Any

import aiohttp

from tests.console.conftest import sign_in_link

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Answer:
    status: int
    text: str
    location: str


class ConsoleClient:
    def __init__(self, client: aiohttp.ClientSession, base: str) -> None:
        self.client = client
        self.base = base
        self.csrf = ""

    async def get(self, path: str, **params: str) -> Answer:
        async with self.client.get(
            self.base + path, params=params or None, allow_redirects=False
        ) as response:
            text = await response.text()
            found = CSRF.search(text)
            if found:
                self.csrf = found.group(1)
            return Answer(response.status, text, response.headers.get("Location", ""))

    async def post(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None
    ) -> Answer:
        """A form as the page sends it: multipart when it carries a file field (the campaign and
        broadcast forms always do), with the session's CSRF token."""
        data = aiohttp.FormData()
        data.add_field("csrf", self.csrf)
        for name, value in fields.items():
            data.add_field(name, value)
        for name, (filename, body) in (files or {}).items():
            data.add_field(name, body, filename=filename, content_type="application/octet-stream")
        async with self.client.post(self.base + path, data=data, allow_redirects=False) as response:
            return Answer(response.status, await response.text(), response.headers.get("Location", ""))

    async def get_json(self, path: str, **params: str) -> tuple[int, Any]:
        async with self.client.get(self.base + path, params=params or None) as response:
            return response.status, (await response.json() if response.status == 200 else None)


async def signed_in(hamdel: Any, person: Any, client: aiohttp.ClientSession) -> ConsoleClient:
    link = await sign_in_link(hamdel, person)
    base = link.split("/console/")[0] + "/console"
    async with client.get(link) as page:
        assert page.status == 200
    async with client.post(link, allow_redirects=False) as signed:
        assert signed.status == 303, await signed.text()
    visitor = ConsoleClient(client, base)
    assert (await visitor.get("/")).status == 200
    return visitor


def png(width: int = 320, height: int = 200) -> bytes:
    """A real (tiny, one-colour) PNG picture."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xe0\x70\x30" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
