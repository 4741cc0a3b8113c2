"""Pictures uploaded in the console (a campaign's image, a broadcast's photo).

The bytes are checked (services.images: a real JPEG or PNG by its content, within the size
and shape the messenger takes), then sent by the bot to the uploader's own chat: the messenger
makes its photo sizes of it, and what is kept is its file id, exactly what the chat's composers
keep when a photo is sent to them. Between a form's preview and its saving, the file id travels
in the form signed with the console's key, so a form cannot name a file the bot never made.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from typing import Any

from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile
from aiohttp import web

from console.server import Console, Staff
from services import images
from services.images import ImageInfo, ImageProblem

logger = logging.getLogger("hamdel.console")

# A form with a picture may be this large (services.images takes pictures up to 5 MB).
UPLOAD_LIMIT = 6 * 1024 * 1024


def sign(console: Console, file_id: str) -> str:
    """A file id and its signature, for a form's hidden field."""
    mac = hmac.new(console.secret.encode(), f"picture:{file_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"{file_id}~{mac}"


def verified(console: Console, token: str) -> str | None:
    """The file id in a signed token, or None when it was not made by this console."""
    file_id, _, _mac = token.rpartition("~")
    if not file_id or len(token) > 400:
        return None
    return file_id if hmac.compare_digest(sign(console, file_id), token) else None


def uploaded(form: Any, name: str) -> bytes | None:
    """The bytes of a file field, or None when no file was chosen."""
    field = form.get(name)
    if not isinstance(field, web.FileField) or not field.filename:
        return None
    data: bytes = field.file.read(images.MAX_BYTES + 1)
    return data


async def to_messenger(console: Console, staff: Staff, data: bytes) -> str | ImageProblem:
    """Check a picture and have the bot send it to the uploader: its file id, or the problem."""
    checked = images.inspect(data)
    if not isinstance(checked, ImageInfo):
        return checked
    try:
        sent = await console.app.bot.send_photo(
            staff.user_id,
            BufferedInputFile(data, filename=f"picture.{checked.kind}"),
            caption=staff.t("console-upload-caption"),
        )
    except TelegramAPIError as error:
        logger.warning("console picture not taken by the messenger: %s", error)
        return ImageProblem.NOT_DELIVERED
    if not sent.photo:
        return ImageProblem.NOT_DELIVERED
    return sent.photo[-1].file_id


async def picture(console: Console, file_id: str) -> web.Response:
    """A photo the bot holds, fetched (getFile) and passed through: the browser never sees a Bot
    API address (which carries the token)."""
    bot = console.app.bot
    try:
        file = await bot.get_file(file_id)
        if not file.file_path:
            raise web.HTTPNotFound()
        data = await bot.download_file(file.file_path)
    except TelegramAPIError:
        raise web.HTTPNotFound() from None
    assert data is not None
    body = data.read()
    kind = "image/png" if body.startswith(images.PNG_SIGNATURE) else "image/jpeg"
    return web.Response(body=body, content_type=kind, headers={"Cache-Control": "private, max-age=3600"})
