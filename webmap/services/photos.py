"""Photos of works: checked by content, limited in size, re-encoded without EXIF, stored by a random name.

A photo from a phone carries EXIF: the GPS position, the time, the phone's
make and serial. Published photos must lose it (DESIGN: "Photos lose their
EXIF"), so every upload is decoded with Pillow and written anew from its
pixels only; the orientation tag is applied to the pixels first. The file's
name and its declared type are ignored: the first bytes and Pillow decide.
"""

from __future__ import annotations

import os
import secrets
from io import BytesIO
from pathlib import Path
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

from webmap.errors import BadInput

# Pillow format -> file extension; nothing else is taken.
FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
MAX_PIXELS = 40_000_000  # a 40-megapixel photo; larger is refused (decompression bombs too)
SUBDIR = "works"


class PhotoError(BadInput):
    """An upload refused (400); its reason says why (shown to the crew)."""


def sniff(head: bytes) -> str | None:
    """The image format named by the file's first bytes, if it is one we take."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def read_limited(stream: IO[bytes], max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise PhotoError("photo_too_large", mb=max_bytes // (1024 * 1024) or 1)
    if not data:
        raise PhotoError("photo_missing")
    return data


def clean_image(data: bytes) -> tuple[bytes, str]:
    """The photo re-encoded from its pixels (no EXIF, XMP, ICC or text chunks) and its extension."""
    kind = sniff(data[:16])
    if kind is None:
        raise PhotoError("photo_format")
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format != kind:
                raise PhotoError("photo_format")
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError("photo_pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)  # the pixels as the phone meant them
    except PhotoError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PhotoError("photo_broken") from None
    pixels = upright.copy()
    # Drop exif, xmp, icc_profile, text chunks, comments; keep only a palette's transparent colour.
    pixels.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    out = BytesIO()
    if kind == "JPEG":
        if pixels.mode not in ("RGB", "L"):
            pixels = pixels.convert("RGB")
        pixels.save(out, "JPEG", quality=88, optimize=True, exif=b"")
    elif kind == "PNG":
        pixels.save(out, "PNG", optimize=False)
    else:
        pixels.save(out, "WEBP", quality=85, exif=b"", xmp=b"")
    return out.getvalue(), FORMATS[kind]


def store_photo(stream: IO[bytes], upload_dir: str | os.PathLike[str], max_bytes: int) -> str:
    """Check, clean and store an uploaded photo; returns its path relative to ``upload_dir``."""
    data, extension = clean_image(read_limited(stream, max_bytes))
    folder = Path(upload_dir) / SUBDIR
    folder.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + extension
    temporary = folder / (name + ".part")
    temporary.write_bytes(data)
    os.replace(temporary, folder / name)
    return f"{SUBDIR}/{name}"


def remove_photo(upload_dir: str | os.PathLike[str], relative: str) -> None:
    """Remove a stored photo (when the database refused the change it belonged to)."""
    try:
        (Path(upload_dir) / relative).unlink()
    except FileNotFoundError:
        pass
