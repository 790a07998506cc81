"""Image bytes for the tests, made with Pillow on the spot (no binary fixtures to go stale)."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_LAT = (7.0, 15.0, 30.0)


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF holds a GPS position, a camera model and a comment."""
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Rahasia Kamera X"              # Model
    exif[0x010E] = "lokasi pelapor"                 # ImageDescription
    gps = {1: "S", 2: GPS_LAT, 3: "E", 4: (110.0, 25.0, 0.0)}
    exif[0x8825] = gps                              # GPSInfo IFD
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, comment=b"secret comment")
    return buf.getvalue()


def png(size=(40, 30), color=(10, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def webp(size=(40, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (30, 200, 30)).save(buf, "WEBP")
    return buf.getvalue()


def png_bomb(width=30_000, height=30_000) -> bytes:
    """A valid PNG header claiming ``width`` x ``height`` pixels, with a tiny compressed body.

    900 million pixels decode to gigabytes; the file itself is a few kilobytes.
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)       # 1-bit greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(200)) + comp.flush()   # the rest is missing: truncated
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
