"""Reporters' images: judged by their bytes, bounded, and re-encoded without metadata or trailers."""

import io

import pytest
from PIL import Image

from pantau.tips.images import ImageRefused, clean_image, sniff
from tests.pantau.tips import images as make

LIMITS = {"max_bytes": 5 * 1_048_576, "max_pixels": 40_000_000}


def test_a_jpeg_loses_its_gps_exif_and_comment():
    raw = make.jpeg_with_gps()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)       # the fixture really has GPS
    assert b"Rahasia Kamera" in raw and b"secret comment" in raw
    out = clean_image(raw, **LIMITS)
    assert out.format == "jpeg" and (out.width, out.height) == (64, 48)
    img = Image.open(io.BytesIO(out.data))
    assert dict(img.getexif()) == {}
    assert img.getexif().get_ifd(0x8825) == {}
    assert "exif" not in img.info and "comment" not in img.info
    assert b"Rahasia Kamera" not in out.data and b"secret comment" not in out.data


def test_data_hidden_after_the_image_is_gone():
    raw = make.png() + b"PK\x03\x04hidden-zip-archive" + b"<script>alert(1)</script>"
    out = clean_image(raw, **LIMITS)
    assert b"hidden-zip-archive" not in out.data and b"<script>" not in out.data
    assert out.data.endswith(b"IEND\xaeB`\x82")


def test_png_icc_profile_and_text_chunks_are_dropped():
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "nama pelapor")
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG", pnginfo=info, icc_profile=b"\0" * 200)
    out = clean_image(buf.getvalue(), **LIMITS)
    assert b"nama pelapor" not in out.data and b"iCCP" not in out.data


def test_webp_is_accepted_and_stays_webp():
    out = clean_image(make.webp(), **LIMITS)
    assert out.format == "webp" and out.ext == "webp"
    assert Image.open(io.BytesIO(out.data)).format == "WEBP"


@pytest.mark.parametrize("data", [make.SVG, make.HTML, b"%PDF-1.7\n", b"GIF89a" + b"\0" * 20,
                                  b"RIFF\0\0\0\0AVI LIST"], ids=["svg", "html", "pdf", "gif", "avi"])
def test_anything_but_png_jpeg_webp_is_refused_by_its_bytes(data):
    with pytest.raises(ImageRefused) as exc:
        clean_image(data, **LIMITS)
    assert exc.value.code == "image.type"


def test_a_mislabeled_file_is_judged_by_its_bytes_not_its_name():
    assert sniff(make.HTML) is None
    assert sniff(make.png()) == "png"        # a PNG named .jpg is still a PNG, and is re-encoded as one
    assert clean_image(make.png(), **LIMITS).format == "png"


def test_a_file_with_image_magic_but_broken_body_is_refused():
    with pytest.raises(ImageRefused) as exc:
        clean_image(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, **LIMITS)
    assert exc.value.code == "image.broken"


def test_an_oversized_upload_is_refused_before_decoding():
    with pytest.raises(ImageRefused) as exc:
        clean_image(make.png() + b"\0" * (5 * 1_048_576), **LIMITS)
    assert exc.value.code == "image.too_big" and exc.value.params["mb"] == 5.0


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = make.png_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(ImageRefused) as exc:
        clean_image(bomb, **LIMITS)
    assert exc.value.code == "image.pixels"


def test_the_pixel_limit_is_the_configured_one():
    with pytest.raises(ImageRefused):
        clean_image(make.png((100, 100)), max_bytes=LIMITS["max_bytes"], max_pixels=9_999)
    assert clean_image(make.png((100, 100)), max_bytes=LIMITS["max_bytes"], max_pixels=10_000).width == 100


def test_empty_upload_is_refused():
    with pytest.raises(ImageRefused) as exc:
        clean_image(b"", **LIMITS)
    assert exc.value.code == "image.empty"
