"""services.images: a picture is known by its bytes (signature and header), never its name."""

from __future__ import annotations

import struct

from services import images
from services.images import ImageInfo, ImageProblem
from tests.console.console_client import png


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's segments up to its frame header (APP0, a quantisation table, SOF0)."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\xff\xdb" + struct.pack(">H", 67) + bytes(65)
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)
    return b"\xff\xd8" + app0 + dqt + sof + b"\xff\xda" + bytes(20) + b"\xff\xd9"


def test_real_pictures_and_their_sizes() -> None:
    assert images.inspect(png(320, 200)) == ImageInfo("png", 320, 200, len(png(320, 200)))
    found = images.inspect(jpeg(1280, 720))
    assert isinstance(found, ImageInfo) and (found.kind, found.width, found.height) == ("jpeg", 1280, 720)


def test_what_is_not_a_photo_the_messenger_takes() -> None:
    assert images.inspect(b"") is ImageProblem.EMPTY
    assert images.inspect(b"GIF89a" + bytes(100)) is ImageProblem.NOT_AN_IMAGE
    assert images.inspect(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is ImageProblem.NOT_AN_IMAGE
    assert images.inspect(b"\xff\xd8\xff\xe0 cut short") is ImageProblem.NOT_AN_IMAGE
    assert images.inspect(png(320, 200)[:20]) is ImageProblem.NOT_AN_IMAGE
    assert images.inspect(jpeg(50, 400)) is ImageProblem.TOO_SMALL
    assert images.inspect(jpeg(9000, 2000)) is ImageProblem.TOO_LARGE
    assert images.inspect(jpeg(4200, 200)) is ImageProblem.SHAPE
    assert images.inspect(jpeg(800, 600) + bytes(images.MAX_BYTES)) is ImageProblem.TOO_BIG
