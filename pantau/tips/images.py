"""Reporters' images: only real PNG, JPEG or WebP, within size and pixel limits, re-encoded.

An upload is judged by its first bytes, never by its name or declared type, so a
renamed SVG or HTML file is refused. The pixel count is read from the header and
checked *before* decoding, so a decompression bomb costs nothing; Pillow's own
``MAX_IMAGE_PIXELS`` guard is raised to an error as a second line. The decoded
pixels are then written out fresh: EXIF (GPS included), ICC and XMP blocks,
comments and anything appended after the image data are not carried over.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("png", "jpeg", "webp")
#: images decoded at once, process-wide: a burst of reports each near the pixel limit must not
#: hold gigabytes of pixels at the same time (the rest wait their turn)
DECODING = threading.BoundedSemaphore(2)


class ImageRefused(ValueError):
    """An upload that is not stored; ``code`` says why (translated by the review app)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str          # png | jpeg | webp
    width: int
    height: int

    @property
    def ext(self) -> str:
        return "jpg" if self.format == "jpeg" else self.format


def sniff(data: bytes) -> str | None:
    """The format named by the file's magic bytes, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def clean_image(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanImage:
    """Check one upload and return it decoded and re-encoded, or raise ``ImageRefused``."""
    with DECODING:
        return _clean(data, max_bytes=max_bytes, max_pixels=max_pixels)


def _clean(data: bytes, *, max_bytes: int, max_pixels: int) -> CleanImage:
    if not data:
        raise ImageRefused("image.empty")
    if len(data) > max_bytes:
        raise ImageRefused("image.too_big", mb=round(max_bytes / 1_048_576, 1))
    fmt = sniff(data)
    if fmt is None:
        raise ImageRefused("image.type")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[fmt.upper()])
            width, height = img.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise ImageRefused("image.pixels", pixels=max_pixels)
            if getattr(img, "n_frames", 1) > 1:
                img.seek(0)                   # an animation keeps its first frame only
            img.load()
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("image.pixels", pixels=max_pixels) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ImageRefused("image.broken") from None
    img = ImageOps.exif_transpose(img)        # keep what the camera meant, drop the tag itself
    # nothing of the original's metadata travels: savers read ICC profiles (PNG) from ``info``
    img.info = {k: v for k, v in img.info.items() if k == "transparency" and img.mode in ("P", "L", "RGB")}
    out = io.BytesIO()
    if fmt == "jpeg":
        img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
        img.save(out, "JPEG", quality=88, optimize=True)
    elif fmt == "png":
        if img.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            img = img.convert("RGBA")
        img.save(out, "PNG", optimize=False)
    else:
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
        img.save(out, "WEBP", quality=85)
    return CleanImage(out.getvalue(), fmt, img.width, img.height)
