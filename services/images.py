"""Checking an uploaded picture before the bot sends it to the messenger as a photo.

The check reads the file's own bytes (the signature and the header's dimensions), never its name
or the browser's word for its type. Resizing is the messenger's: a photo sent through the Bot API
comes back in the sizes the platform made of it, and the chat keeps only its file id, as the
chat's own composer does. What the Bot API refuses as a photo is refused here first, with a
reason staff can act on.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import StrEnum

# The Bot API takes photos up to 10 MB; a campaign or broadcast picture needs far less.
MAX_BYTES = 5 * 1024 * 1024
# The Bot API's own limits for a photo: width + height at most 10000, sides at most 20:1.
MAX_SIDES = 10_000
MAX_RATIO = 20
MIN_SIDE = 100  # smaller than this shows as a blur on a phone


class ImageProblem(StrEnum):
    EMPTY = "empty"
    TOO_BIG = "too_big"
    NOT_AN_IMAGE = "not_an_image"
    TOO_SMALL = "too_small"
    TOO_LARGE = "too_large"  # width + height beyond what the messenger takes
    SHAPE = "shape"  # too long and thin
    NOT_DELIVERED = "not_delivered"  # fine here, but the messenger did not take it


@dataclass(frozen=True, slots=True)
class ImageInfo:
    kind: str  # "jpeg" | "png"
    width: int
    height: int
    size: int


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers carry the dimensions (not DHT C4, JPG C8, DAC CC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _png_size(data: bytes) -> tuple[int, int] | None:
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """The frame's size from the first start-of-frame segment (walking the segments)."""
    position = 2
    end = len(data)
    while position + 4 <= end:
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # no length
            position += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if length < 2:
            return None
        if marker in _SOF:
            if position + 9 > end:
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + length
    return None


def inspect(data: bytes, *, max_bytes: int = MAX_BYTES) -> ImageInfo | ImageProblem:
    """What the bytes are (a JPEG or PNG picture, and its size), or why they cannot be a photo."""
    if not data:
        return ImageProblem.EMPTY
    if len(data) > max_bytes:
        return ImageProblem.TOO_BIG
    if data.startswith(PNG_SIGNATURE):
        kind, size = "png", _png_size(data)
    elif data.startswith(b"\xff\xd8\xff"):
        kind, size = "jpeg", _jpeg_size(data)
    else:
        return ImageProblem.NOT_AN_IMAGE
    if size is None or 0 in size:
        return ImageProblem.NOT_AN_IMAGE
    width, height = size
    if min(width, height) < MIN_SIDE:
        return ImageProblem.TOO_SMALL
    if width + height > MAX_SIDES:
        return ImageProblem.TOO_LARGE
    if max(width, height) > MAX_RATIO * min(width, height):
        return ImageProblem.SHAPE
    return ImageInfo(kind=kind, width=width, height=height, size=len(data))
