"""A POST's body is capped by who sends it, before the form (and its files) is parsed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from pantau.review import bodycap
from tests.pantau.review.conftest import csrf_of


def _spooled() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).iterdir()}


def test_a_signed_out_upload_is_refused_before_it_is_read(env):
    c = env.client()
    token = csrf_of(c.get("/login").text)
    big = b"x" * (bodycap.SIGNED_OUT_BYTES + 1)
    before = _spooled()
    r = c.post("/admin/roster", data={"csrf_token": token}, files={"file": ("p.csv", big, "text/csv")})
    assert r.status_code == 413
    assert "Terlalu besar" in r.text                     # the catalogue's words, the reader's language
    assert r.headers["x-content-type-options"] == "nosniff"
    assert _spooled() - before == set()


def test_an_undeclared_body_is_cut_off_while_it_streams(env):
    c = env.client()
    token = csrf_of(c.get("/login").text)

    def chunks():
        yield f"csrf_token={token}&name=".encode()
        for _ in range(100):
            yield b"a" * 4096

    r = c.post("/login", content=chunks(), headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_a_signed_in_form_and_a_sign_in_pass(env):
    c = env.client("admin")
    assert c.get("/admin/roster").status_code == 200
    small = env.client()
    token = csrf_of(small.get("/login").text)
    r = small.post("/login", data={"name": "nobody", "password": "x", "csrf_token": token}, follow_redirects=False)
    assert r.status_code in (401, 429)                    # checked, not refused for its size
