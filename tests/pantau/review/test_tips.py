"""The public form /lapor and the reviewers' triage, through the real app (TestClient)."""

from __future__ import annotations

import io
import time
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from pantau.review.app import create_app
from pantau.review.fixtures import make_nip
from pantau.workspace import open_settings
from tests.pantau.review.conftest import Env, csrf_of
from tests.pantau.tips import images as make

MASTODON_ACTOR = "https://mastodon.example/@bambang.suryono"
TIPS_CONFIG = "\n[tips]\nenabled = true\nclient_limit = {client}\ntotal_per_hour = {total}\n"


def tips_env(env, *, client: int = 10, total: int = 200, enabled: bool = True) -> Env:
    ws = env.settings.workspace
    text = (ws / "pantau.toml").read_text(encoding="utf-8")
    extra = TIPS_CONFIG.format(client=client, total=total)
    (ws / "pantau.toml").write_text(text + (extra if enabled else ""), encoding="utf-8")
    settings = open_settings(ws)
    return Env(settings, env.db, env.data, create_app(settings))


@pytest.fixture
def tenv(env):
    return tips_env(env)


def form_fields(**over) -> dict:
    fields = {"links": MASTODON_ACTOR + "\nhttps://mastodon.example/@calonsatu/1001",
              "what": "Pak Bambang menyukai dan mengomentari unggahan kampanye Calon Satu.",
              "person_name": "Bambang Suryono", "person_nip": "", "person_unit": "Dinas Pendidikan",
              "contact": "0812-0000-1111", "website": ""}
    fields.update(over)
    return fields


def submit(client, files=(), token: str | None = "auto", **over):
    page = client.get("/lapor")
    data = form_fields(**over)
    if token == "auto":
        data["csrf_token"] = csrf_of(page.text)
    elif token is not None:
        data["csrf_token"] = token
    upload = [("images", (name, content, ctype)) for name, content, ctype in files] or None
    return client.post("/lapor", data=data, files=upload, follow_redirects=False)


def receipt(client, response) -> str:
    assert response.status_code == 303, response.text[:2000]
    assert response.headers["location"] == "/lapor/terkirim"
    page = client.get("/lapor/terkirim")
    import re
    return re.search(r'id="receipt-code">([A-Z0-9-]+)<', page.text).group(1)


def tip_rows(env):
    return list(env.db.query("SELECT * FROM tips ORDER BY id"))


def test_the_form_is_404_unless_switched_on(env):
    off = tips_env(env, enabled=False)
    c = off.client()
    assert c.get("/lapor").status_code == 404
    assert c.post("/lapor", data={"links": "https://x.com/a"}).status_code in (404, 405)
    assert c.get("/lapor/status").status_code == 404
    assert tip_rows(env) == []


def test_a_report_is_stored_and_the_reporter_sees_only_its_status(tenv):
    c = tenv.client()
    page = c.get("/lapor")
    assert page.status_code == 200
    assert 'lang="id"' in page.text and "Laporkan ASN yang tidak netral" in page.text
    assert 'name="website"' in page.text and 'enctype="multipart/form-data"' in page.text
    assert "<script" not in page.text                      # works without JavaScript
    r = submit(c, files=[("bukti.jpg", make.jpeg_with_gps(), "image/jpeg"), ("b.png", make.png(), "image/png")])
    code = receipt(c, r)
    [tip] = tip_rows(tenv)
    assert tip["code"] == code and tip["status"] == "new" and tip["contact"] == "0812-0000-1111"
    assert tip["person_name"] == "Bambang Suryono"
    assert c.get("/lapor/terkirim", follow_redirects=False).status_code == 303   # shown once
    token = csrf_of(c.get("/lapor/status").text)
    r = c.post("/lapor/status", data={"code": code.lower().replace("-", " "), "csrf_token": token})
    assert r.status_code == 200 and "Diterima" in r.text
    assert "Bambang" not in r.text and "0812" not in r.text and "mastodon.example" not in r.text
    r = c.post("/lapor/status", data={"code": "AAAA-BBBB-CCCC", "csrf_token": token})
    assert r.status_code == 404 and "Tidak ada laporan" in r.text
    audit = tenv.audit("tip.receive")
    assert len(audit) == 1 and "Bambang" not in audit[0]["detail"] and "0812" not in audit[0]["detail"]


def test_status_words_follow_the_reviewers_steps(tenv):
    c = tenv.client()
    code = receipt(c, submit(c))
    tip_id = tip_rows(tenv)[0]["id"]

    def public_status():
        token = csrf_of(c.get("/lapor/status").text)
        return c.post("/lapor/status", data={"code": code, "csrf_token": token}).text
    assert "Diterima" in public_status()
    rev = tenv.client("reviewer")
    token = csrf_of(rev.get(f"/tips/{tip_id}").text)
    rev.post(f"/tips/{tip_id}/verdict", data={"verdict": "valid", "csrf_token": token})
    assert "Sedang diperiksa" in public_status()
    rev.post(f"/tips/{tip_id}/status", data={"status": "closed", "csrf_token": token})
    page = public_status()
    assert "Selesai" in page and "valid" not in page.lower().replace("invalid", "")


def test_gps_exif_is_gone_from_the_stored_image(tenv):
    c = tenv.client()
    receipt(c, submit(c, files=[("foto.jpg", make.jpeg_with_gps(), "image/jpeg")]))
    [row] = list(tenv.db.query("SELECT * FROM tip_images"))
    path = tenv.settings.tips_dir / row["path"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    data = path.read_bytes()
    img = Image.open(io.BytesIO(data))
    assert img.format == "JPEG" and img.getexif().get_ifd(0x8825) == {} and dict(img.getexif()) == {}
    assert b"Rahasia Kamera" not in data and b"secret comment" not in data


@pytest.mark.parametrize("name,content,ctype", [
    ("gambar.svg", make.SVG, "image/svg+xml"),
    ("gambar.png", make.HTML, "image/png"),                   # HTML pretending to be a PNG
    ("halaman.html", make.HTML, "text/html"),
    ("foto.jpg", make.png_bomb(), "image/jpeg"),               # a bomb, mislabeled too
], ids=["svg", "html-as-png", "html", "bomb"])
def test_refused_files_store_nothing_and_say_why(tenv, name, content, ctype):
    c = tenv.client()
    r = submit(c, files=[("ok.png", make.png(), "image/png"), (name, content, ctype)])
    assert r.status_code == 400
    assert 'role="alert"' in r.text
    if name.endswith(".jpg"):
        assert "Gambar ke-2 terlalu besar ukuran pikselnya" in r.text
    else:
        assert "Berkas ke-2 bukan gambar PNG, JPEG, atau WebP" in r.text
    assert "Pak Bambang menyukai" in r.text                    # what was typed is kept
    assert tip_rows(tenv) == [] and not list(tenv.db.query("SELECT * FROM tip_images"))
    assert not tenv.settings.tips_dir.exists() or not any(tenv.settings.tips_dir.rglob("*.*"))


def test_an_oversized_image_is_refused(tenv):
    c = tenv.client()
    big = make.png() + b"\0" * (5 * 1_048_576 + 10)
    r = submit(c, files=[("besar.png", big, "image/png")])
    assert r.status_code == 400 and "lebih besar dari 5 MB" in r.text      # Babel's Indonesian numbers
    assert tip_rows(tenv) == []


def test_more_images_than_allowed_are_refused(tenv):
    c = tenv.client()
    r = submit(c, files=[(f"{i}.png", make.png(), "image/png") for i in range(6)])
    assert r.status_code == 400 and "paling banyak 5 gambar" in r.text
    assert tip_rows(tenv) == []


def test_a_body_over_the_cap_is_refused_before_it_is_read(tenv):
    c = tenv.client()
    token = csrf_of(c.get("/lapor").text)
    blob = b"\0" * (5 * 5 * 1_048_576 + 600_000)
    t0 = time.perf_counter()
    r = c.post("/lapor", data={**form_fields(), "csrf_token": token},
               files=[("images", ("x.png", blob, "image/png"))], follow_redirects=False)
    assert r.status_code == 413 and "Laporan terlalu besar" in r.text
    assert time.perf_counter() - t0 < 5
    assert tip_rows(tenv) == []


def test_links_must_be_http(tenv):
    c = tenv.client()
    r = submit(c, links="javascript:alert(1)")
    assert r.status_code == 400 and "harus diawali http:// atau https://" in r.text
    assert tip_rows(tenv) == []


def test_missing_or_wrong_csrf_token_is_refused(tenv):
    c = tenv.client()
    assert submit(c, token=None).status_code == 403
    assert submit(c, token="forged").status_code == 403
    other = tenv.client()
    foreign = csrf_of(other.get("/lapor").text)
    assert submit(c, token=foreign).status_code == 403
    assert tip_rows(tenv) == []
    status = c.post("/lapor/status", data={"code": "AAAA-BBBB-CCCC"})
    assert status.status_code == 403


def test_a_stale_form_comes_back_with_the_text_kept(tenv):
    # the anonymous cookie expired (a new client has none) or the token is wrong: the public page, not the app's
    old_token = csrf_of(tenv.client().get("/lapor").text)
    expired = tenv.client().post("/lapor", data={**form_fields(), "csrf_token": old_token}, follow_redirects=False)
    for r in (submit(tenv.client(), token="forged"), expired):
        assert r.status_code == 403
        assert "Laporkan ASN yang tidak netral" in r.text and "Formulir sudah kedaluwarsa" in r.text
        assert "Pak Bambang menyukai dan mengomentari" in r.text and "0812-0000-1111" in r.text
        assert "keys.js" not in r.text and "<script" not in r.text and 'href="/"' not in r.text
    assert tip_rows(tenv) == []
    # the page carries a fresh token: sending it again from there works
    c = tenv.client()
    r = submit(c, token="forged")
    again = {**form_fields(), "csrf_token": csrf_of(r.text)}
    receipt(c, c.post("/lapor", data=again, follow_redirects=False))
    assert len(tip_rows(tenv)) == 1


def test_a_stale_status_form_keeps_the_public_page(tenv):
    c = tenv.client()
    r = c.post("/lapor/status", data={"code": "aaaa bbbb cccc", "csrf_token": "forged"})
    assert r.status_code == 403 and "Status laporan" in r.text and "Formulir sudah kedaluwarsa" in r.text
    assert 'value="AAAA-BBBB-CCCC"' in r.text and "keys.js" not in r.text


def test_a_looked_up_code_is_shown_as_stored(tenv):
    c = tenv.client()
    token = csrf_of(c.get("/lapor/status").text)
    r = c.post("/lapor/status", data={"code": "aaaa bbbb cccc", "csrf_token": token})
    assert r.status_code == 404 and 'value="AAAA-BBBB-CCCC"' in r.text
    r = c.post("/lapor/status", data={"code": "bukan kode", "csrf_token": token})
    assert 'value="bukan kode"' in r.text                      # not a code: as typed, to be corrected


def test_a_foreign_referer_without_origin_is_refused(tenv):
    c = tenv.client()
    token = csrf_of(c.get("/lapor").text)
    data = {**form_fields(), "csrf_token": token}
    r = c.post("/lapor", data=data, headers={"Referer": "https://evil.example/page"}, follow_redirects=False)
    assert r.status_code == 403 and tip_rows(tenv) == []
    assert "situs web lain" in r.text and "Pak Bambang" not in r.text     # another site's text is not echoed
    r = c.post("/lapor", data=data, headers={"Referer": "http://testserver/lapor"}, follow_redirects=False)
    assert r.status_code == 303 and len(tip_rows(tenv)) == 1


def test_cross_site_post_is_refused_even_with_the_token(tenv):
    c = tenv.client()
    token = csrf_of(c.get("/lapor").text)
    r = c.post("/lapor", data={**form_fields(), "csrf_token": token}, headers={"Origin": "https://evil.example"},
               follow_redirects=False)
    assert r.status_code == 403 and tip_rows(tenv) == []


def test_the_honeypot_gets_a_fake_receipt_and_stores_nothing(tenv):
    c = tenv.client()
    code = receipt(c, submit(c, website="http://spam.example"))
    assert tip_rows(tenv) == []
    token = csrf_of(c.get("/lapor/status").text)
    assert c.post("/lapor/status", data={"code": code, "csrf_token": token}).status_code == 404


def test_a_burst_of_100_is_limited_and_reviewers_still_work(env):
    tenv = tips_env(env, client=5, total=200)
    c = tenv.client()
    reviewer = tenv.client("reviewer")
    codes = []
    t0 = time.perf_counter()
    for _ in range(100):
        codes.append(submit(c).status_code)
        if len(codes) % 20 == 0:
            t = time.perf_counter()
            assert reviewer.get("/").status_code == 200
            assert reviewer.get("/tips").status_code == 200
            assert time.perf_counter() - t < 2
    assert time.perf_counter() - t0 < 60
    assert codes.count(303) == 5 and codes.count(429) == 95
    assert len(tip_rows(tenv)) == 5
    r = submit(c)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0 and "Terlalu banyak laporan" in r.text
    assert c.get("/lapor").status_code == 200                  # the form itself still answers


def test_the_overall_limit_holds_across_clients(env):
    tenv = tips_env(env, client=100, total=3)
    statuses = [submit(tenv.client()).status_code for _ in range(5)]
    assert statuses == [303, 303, 303, 429, 429]


# --- triage ----------------------------------------------------------------------------------------

def test_reports_are_hidden_from_signed_out_users_and_viewers(tenv):
    c = tenv.client()
    receipt(c, submit(c, files=[("a.png", make.png(), "image/png")]))
    tip_id = tip_rows(tenv)[0]["id"]
    image_id = tenv.db.execute("SELECT id FROM tip_images").fetchone()[0]
    for url in ("/tips", f"/tips/{tip_id}", f"/tips/{tip_id}/images/{image_id}", "/tips/export.csv"):
        r = c.get(url, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), url
        assert tenv.client("viewer").get(url, follow_redirects=False).status_code == 403, url
    assert tenv.client("reviewer").get("/tips/export.csv").status_code == 403      # contacts: admins only


def test_triage_shows_what_pantau_knows_and_every_step_is_audited(tenv):
    c = tenv.client()
    receipt(c, submit(c, files=[("a.png", make.png(), "image/png")]))
    tip_id = tip_rows(tenv)[0]["id"]
    rev = tenv.client("reviewer")
    queue = rev.get("/tips")
    assert queue.status_code == 200 and f"/tips/{tip_id}" in queue.text and "Pak Bambang" in queue.text
    page = rev.get(f"/tips/{tip_id}")
    assert page.status_code == 200
    assert "0812-0000-1111" in page.text                          # reviewers see the contact
    assert "Menyebut akun bambang.suryono@mastodon.example di mastodon." in page.text
    assert "Akun calon yang dipantau: Calon Satu." in page.text
    assert "Pantau mengumpulkan" in page.text
    assert "Drs. Bambang Suryono, M.Si." in page.text              # the matcher found the roster entry
    image_id = tenv.db.execute("SELECT id FROM tip_images").fetchone()[0]
    img = rev.get(f"/tips/{tip_id}/images/{image_id}")
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    assert "sandbox" in img.headers["content-security-policy"]
    assert tenv.audit("tip.view")
    token = csrf_of(page.text)
    nip = make_nip(1)
    r = rev.post(f"/tips/{tip_id}/employee", data={"nip": nip, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    match_id = tenv.data.match_ids[0]
    rev.post(f"/tips/{tip_id}/link", data={"kind": "match", "ref_id": match_id, "csrf_token": token})
    interaction = tenv.db.execute("SELECT id FROM interactions ORDER BY id LIMIT 1").fetchone()[0]
    rev.post(f"/tips/{tip_id}/link", data={"kind": "interaction", "ref_id": interaction, "csrf_token": token})
    rev.post(f"/tips/{tip_id}/verdict", data={"verdict": "valid", "note": "cek", "csrf_token": token})
    tip = tip_rows(tenv)[0]
    assert tip["nip"] == nip and tip["verdict"] == "valid" and tip["status"] == "checking"
    assert tip["reviewer"] == "rudi"
    from storage.queries.tips import tips_for_employee
    [source] = tips_for_employee(tenv.db, nip)
    assert source["id"] == tip_id and "contact" not in source
    for action in ("tip.link_employee", "tip.link", "tip.verdict"):
        rows = tenv.audit(action)
        assert rows and rows[-1]["user"] == "rudi", action
    assert len(tenv.audit("tip.link")) == 2
    page = rev.get(f"/tips/{tip_id}").text
    assert "Ditautkan ke laporan ini" in page


def test_duplicate_needs_an_existing_other_report(tenv):
    c = tenv.client()
    receipt(c, submit(c))
    receipt(c, submit(c))
    first, second = (t["id"] for t in tip_rows(tenv))
    rev = tenv.client("reviewer")
    page = rev.get(f"/tips/{second}").text
    assert f'href="/tips/{first}"' in page                        # the same links: a likely duplicate
    token = csrf_of(page)
    rev.post(f"/tips/{second}/verdict", data={"verdict": "duplicate", "duplicate_of": str(second),
                                              "csrf_token": token})
    assert tip_rows(tenv)[1]["verdict"] is None
    rev.post(f"/tips/{second}/verdict", data={"verdict": "duplicate", "duplicate_of": f"#{first}",
                                              "csrf_token": token})
    t = tip_rows(tenv)[1]
    assert t["verdict"] == "duplicate" and t["duplicate_of"] == first and t["status"] == "closed"


def test_add_the_named_account_to_a_watchlist(tenv):
    c = tenv.client()
    receipt(c, submit(c, links="https://x.com/calonlima/status/123"))
    tip_id = tip_rows(tenv)[0]["id"]
    rev = tenv.client("reviewer")
    page = rev.get(f"/tips/{tip_id}").text
    assert "Menyebut akun calonlima di x." in page
    token = csrf_of(page)
    r = rev.post(f"/tips/{tip_id}/watchlist", data={"platform": "x", "handle": "calonlima", "candidate": "Calon Lima",
                                                    "role": "dpr", "url": "https://x.com/calonlima",
                                                    "csrf_token": token})
    assert r.status_code == 200
    from pantau import watchlist
    ws = watchlist.load(tenv.settings.watchlists_dir)
    assert [(a.platform, a.handle, a.candidate) for a in ws.accounts] == [("x", "calonlima", "Calon Lima")]
    [row] = tenv.audit("tip.watchlist_add")
    assert row["user"] == "rudi" and "calonlima" in row["detail"]
    r = rev.post(f"/tips/{tip_id}/watchlist", data={"platform": "x", "handle": "calonlima", "candidate": "Calon Lima",
                                                    "csrf_token": token})
    assert "sudah ada di daftar pantauan" in r.text
    assert len(tenv.audit("tip.watchlist_add")) == 1
    # another account for the same name with another role is its own problem, not "already there"
    r = rev.post(f"/tips/{tip_id}/watchlist", data={"platform": "x", "handle": "calonlima2", "candidate": "Calon Lima",
                                                    "role": "dprd", "csrf_token": token})
    assert "Calon Lima sudah tercantum dengan peran dpr" in r.text and "sudah ada di daftar pantauan" not in r.text
    assert len(tenv.audit("tip.watchlist_add")) == 1


def test_record_an_interaction_by_hand_with_the_images_as_evidence(tenv):
    c = tenv.client()
    receipt(c, submit(c, files=[("a.jpg", make.jpeg_with_gps(), "image/jpeg"), ("b.png", make.png(), "image/png")]))
    tip_id = tip_rows(tenv)[0]["id"]
    rev = tenv.client("reviewer")
    token = csrf_of(rev.get(f"/tips/{tip_id}").text)
    account_id = tenv.db.execute("SELECT id FROM accounts WHERE platform='mastodon'").fetchone()[0]
    r = rev.post(f"/tips/{tip_id}/record", data={
        "account_id": account_id, "kind": "comment", "actor_handle": "@pak.bambang@mastodon.example",
        "actor_name": "Pak Bambang", "post_url": "https://mastodon.example/@calonsatu/1001",
        "text": "Lanjutkan pak!", "created_at": "2029-01-05 10:30", "csrf_token": token})
    assert r.status_code == 200 and "dicatat dengan gambar laporan" in r.text
    [i] = list(tenv.db.query("SELECT * FROM interactions WHERE source='tip'"))
    assert i["kind"] == "comment" and i["text"] == "Lanjutkan pak!"
    ev = list(tenv.db.query("SELECT * FROM evidence WHERE interaction_id=?", [i["id"]]))
    assert len(ev) == 2 and all((tenv.settings.evidence_dir / e["path"]).is_file() for e in ev)
    data = (tenv.settings.evidence_dir / ev[0]["path"]).read_bytes()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825) == {}
    assert tenv.db.execute("SELECT count(*) FROM tip_refs WHERE tip_id=? AND kind='interaction'",
                           [tip_id]).fetchone()[0] == 1
    [row] = tenv.audit("tip.record_interaction")
    assert row["user"] == "rudi"
    r = rev.post(f"/tips/{tip_id}/record", data={"account_id": account_id, "kind": "comment", "actor_handle": "x",
                                                 "post_url": "javascript:alert(1)", "csrf_token": token})
    assert "harus diawali http" in r.text


def test_a_recorded_time_without_a_zone_is_the_offices_clock(tenv):
    # stored like an imported interaction: read in [schedule] timezone (Asia/Jakarta), kept in UTC
    c = tenv.client()
    receipt(c, submit(c))
    tip_id = tip_rows(tenv)[0]["id"]
    rev = tenv.client("reviewer")
    token = csrf_of(rev.get(f"/tips/{tip_id}").text)
    account_id = tenv.db.execute("SELECT id FROM accounts WHERE platform='mastodon'").fetchone()[0]
    base = {"account_id": account_id, "kind": "comment", "actor_handle": "@pak.bambang@mastodon.example",
            "post_url": "https://mastodon.example/@calonsatu/1001", "csrf_token": token}
    rev.post(f"/tips/{tip_id}/record", data={**base, "created_at": "2028-12-03 10:00"})
    rev.post(f"/tips/{tip_id}/record", data={**base, "actor_handle": "@lain@mastodon.example",
                                             "created_at": "2028-12-03T10:00:00+08:00"})
    times = [r["created_at"] for r in tenv.db.query("SELECT created_at FROM interactions WHERE source='tip' ORDER BY id")]
    assert times == ["2028-12-03T03:00:00Z", "2028-12-03T02:00:00Z"]
    r = rev.post(f"/tips/{tip_id}/record", data={**base, "actor_handle": "@tiga@mastodon.example",
                                                 "created_at": "0001-01-01 00:00"})
    assert r.status_code == 200 and "Waktu tidak berbentuk" in r.text


def test_admin_export_carries_contacts_and_is_formula_safe(tenv):
    c = tenv.client()
    receipt(c, submit(c, contact="=HYPERLINK(\"http://evil.example\")"))
    admin = tenv.client("admin")
    r = admin.get("/tips/export.csv")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    text = r.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "Kontak pelapor" in text
    x = admin.get("/tips/export.xlsx")
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(x.content)).active
    values = [c.value for c in ws[2]]
    assert '=HYPERLINK("http://evil.example")' in values
    assert ws.cell(2, list(ws.iter_rows(max_row=1, values_only=True))[0].index("Kontak pelapor") + 1).data_type == "s"
    assert [r["detail"] for r in tenv.audit("tip.export")]


class _ServerClock:
    """``datetime`` of a server whose clock runs in UTC, at 2026-12-06 19:58:35 UTC (02:58 the 7th in Jakarta)."""

    from datetime import datetime as _dt, timezone as _tz
    MOMENT = _dt(2026, 12, 6, 19, 58, 35, tzinfo=_tz.utc)

    @classmethod
    def now(cls, tz=None):
        return cls.MOMENT.replace(tzinfo=None) if tz is None else cls.MOMENT.astimezone(tz)


def test_exports_write_the_offices_times_and_date(tenv, monkeypatch):
    import csv
    from pantau.review.routes import reports as reports_routes
    from pantau.review.routes import tips as tips_routes
    monkeypatch.setattr(tips_routes, "datetime", _ServerClock)
    monkeypatch.setattr(reports_routes, "datetime", _ServerClock)
    c = tenv.client()
    receipt(c, submit(c))
    tenv.db.execute("UPDATE tips SET received_at='2026-12-06T19:58:35Z'")
    admin = tenv.client("admin")
    for fmt in ("csv", "xlsx"):
        r = admin.get(f"/tips/export.{fmt}")
        assert 'filename="pantau-laporan-warga-20261207.' in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(admin.get("/tips/export.csv").content.decode("utf-8-sig"))))
    assert rows[0]["Diterima"] == "2026-12-07T02:58:35+07:00"
    from openpyxl import load_workbook
    ws = load_workbook(io.BytesIO(admin.get("/tips/export.xlsx").content)).active
    assert "2026-12-07T02:58:35+07:00" in [cell.value for cell in ws[2]]
    r = admin.get("/reports/confirmed.csv")
    assert r.headers["content-disposition"].endswith('20261207.csv"')


def test_english_form(tenv):
    c = tenv.client()
    token = csrf_of(c.get("/lapor").text)
    c.post("/language", data={"lang": "en", "next": "/lapor", "csrf_token": token})
    page = c.get("/lapor")
    assert "Report a civil servant who is not neutral" in page.text and 'lang="en"' in page.text
    r = submit(c, links="ftp://x.example/a")
    assert "must start with http:// or https://" in r.text


def test_receipt_lookups_are_rate_limited(env):
    ws = env.settings.workspace
    cfg = ws / "pantau.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n[tips]\nenabled = true\nstatus_limit = 3\n", encoding="utf-8")
    settings = open_settings(ws)
    tenv = Env(settings, env.db, env.data, create_app(settings))
    c = tenv.client()
    token = csrf_of(c.get("/lapor/status").text)
    answers = [c.post("/lapor/status", data={"code": f"AAAA-BBBB-CCC{i}", "csrf_token": token}).status_code
               for i in range(5)]
    assert answers == [404, 404, 404, 429, 429]
    r = c.post("/lapor/status", data={"code": "AAAA-BBBB-CCCC", "csrf_token": token})
    assert "Terlalu banyak pemeriksaan" in r.text and "Terlalu banyak laporan" not in r.text
    assert submit(c).status_code == 303                       # reports have their own budget


def test_a_report_never_reaches_a_spider_on_its_own(tenv):
    accounts_before = list(tenv.db.query("SELECT id, platform, handle, enabled FROM accounts ORDER BY id"))
    files_before = sorted(p.name for p in tenv.settings.watchlists_dir.glob("*"))
    c = tenv.client()
    receipt(c, submit(c, links="https://x.com/calonbaru\nhttps://bsky.app/profile/baru.bsky.social"))
    rev = tenv.client("reviewer")
    tip_id = tip_rows(tenv)[0]["id"]
    assert rev.get(f"/tips/{tip_id}").status_code == 200          # looking at it changes nothing either
    assert list(tenv.db.query("SELECT id, platform, handle, enabled FROM accounts ORDER BY id")) == accounts_before
    assert sorted(p.name for p in tenv.settings.watchlists_dir.glob("*")) == files_before
    assert tenv.db.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_a_shared_post_link_finds_the_interactions_collected_on_that_post(tenv):
    post_url, n = tenv.db.execute("SELECT post_url, count(*) FROM interactions WHERE post_url IS NOT NULL "
                                  "GROUP BY post_url ORDER BY 2 DESC LIMIT 1").fetchone()
    c = tenv.client()
    receipt(c, submit(c, links=post_url.replace("https://", "https://www.") + "?utm_source=whatsapp"))
    tip_id = tip_rows(tenv)[0]["id"]
    page = tenv.client("reviewer").get(f"/tips/{tip_id}").text
    assert page.count('name="kind" value="interaction"') == n


def test_a_streamed_body_without_length_is_cut_off_at_the_cap(tenv):
    c = tenv.client()
    token = csrf_of(c.get("/lapor").text)
    boundary = "pantauBOUNDARY"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"images\"; filename=\"x.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode()
    sent = []

    def body():
        yield head
        for _ in range(40):                                   # 40 MB, more than the 25.5 MB cap
            sent.append(1)
            yield b"\0" * 1_048_576
        yield f"\r\n--{boundary}--\r\n".encode()
    r = c.post("/lapor", content=body(), headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
               follow_redirects=False)
    assert r.status_code == 413 and "Laporan terlalu besar" in r.text
    assert tip_rows(tenv) == []


def test_a_linked_report_is_a_source_of_the_case_and_its_report(tenv):
    import shutil
    import subprocess

    from storage.queries import matches as matches_q
    c = tenv.client()
    receipt(c, submit(c, files=[("a.png", make.png(), "image/png")]))
    tip_id = tip_rows(tenv)[0]["id"]
    nip = make_nip(1)
    rev = tenv.client("reviewer")
    token = csrf_of(rev.get(f"/tips/{tip_id}").text)
    rev.post(f"/tips/{tip_id}/employee", data={"nip": nip, "csrf_token": token})
    assert f'href="/cases/{nip}"' in rev.get(f"/tips/{tip_id}").text
    case = rev.get(f"/cases/{nip}")
    assert case.status_code == 200 and f'id="tip-source-{tip_id}"' in case.text
    assert "Pak Bambang menyukai" in case.text and f'href="/tips/{tip_id}"' in case.text
    assert "0812-0000-1111" not in case.text                       # the contact never leaves the report's page
    viewer = tenv.client("viewer").get(f"/cases/{nip}").text
    assert f'id="tip-source-{tip_id}"' in viewer and "Pak Bambang menyukai" not in viewer
    assert "mastodon.example/@calonsatu/1001" not in viewer
    assert f'href="/tips/{tip_id}"' not in viewer
    matches_q.record_decision(tenv.db, tenv.data.match_ids[0], "confirmed", reviewer="rudi")
    report = rev.get(f"/cases/{nip}/report")
    assert report.status_code == 200
    assert "Laporan warga yang ditautkan ke kasus ini" in report.text and f"#{tip_id}" in report.text
    # nothing the reporter gave goes out in a report: not the contact, the words or the links
    assert "0812-0000-1111" not in report.text and "Pak Bambang menyukai" not in report.text
    assert "mastodon.example/@calonsatu/1001" not in report.text
    if shutil.which("pdftotext"):
        pdf = rev.get(f"/cases/{nip}/report.pdf")
        assert pdf.status_code == 200
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True).stdout
        text = text.decode()
        assert "Laporan warga yang ditautkan ke kasus ini" in text and "0812-0000-1111" not in text


def test_an_employee_named_only_by_a_report_has_a_case_page(tenv):
    c = tenv.client()
    receipt(c, submit(c))
    tip_id = tip_rows(tenv)[0]["id"]
    nip = make_nip(105)                                            # an employee with no match at all
    assert tenv.db.execute("SELECT count(*) FROM matches WHERE nip=?", [nip]).fetchone()[0] == 0
    rev = tenv.client("reviewer")
    token = csrf_of(rev.get(f"/tips/{tip_id}").text)
    rev.post(f"/tips/{tip_id}/employee", data={"nip": nip, "csrf_token": token})
    page = rev.get(f"/cases/{nip}")
    assert page.status_code == 200 and f'id="tip-source-{tip_id}"' in page.text


def test_pantau_review_logs_no_reporter_address(workspace):
    import os
    import socket
    import subprocess
    import sys

    import httpx
    cfg = workspace / "pantau.toml"
    cfg.write_text(cfg.read_text(encoding="utf-8") + "\n[tips]\nenabled = true\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "pantau", "review", "--port", str(port)], cwd=workspace,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 30
        while True:
            try:
                if httpx.get(base + "/lapor", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.time() < deadline and proc.poll() is None, "pantau review did not start"
            time.sleep(0.2)
        assert httpx.post(base + "/lapor/status", data={"code": "x"}).status_code == 403
        assert httpx.get(base + "/login").status_code == 200
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0]
    lapor = [line for line in out.splitlines() if "/lapor" in line and "HTTP/1.1" in line]
    assert len(lapor) >= 2 and not any("127.0.0.1" in line for line in lapor), out
    assert any("127.0.0.1" in line and "/login" in line for line in out.splitlines())


def test_an_admin_erases_what_the_reporter_gave(tenv):
    c = tenv.client()
    code = receipt(c, submit(c, files=[("a.png", make.png(), "image/png"), ("b.jpg", make.jpeg_with_gps(), "image/jpeg")]))
    receipt(c, submit(c, files=[("a.png", make.png(), "image/png")]))      # the same picture in another report
    first, second = (t["id"] for t in tip_rows(tenv))
    paths = [r[0] for r in tenv.db.execute("SELECT path FROM tip_images WHERE tip_id=? ORDER BY position", [first])]
    rev = tenv.client("reviewer")
    token = csrf_of(rev.get(f"/tips/{first}").text)
    assert 'id="erase-form"' not in rev.get(f"/tips/{first}").text
    assert rev.post(f"/tips/{first}/erase", data={"confirm": "yes", "csrf_token": token},
                    follow_redirects=False).status_code == 403
    admin = tenv.client("admin")
    token = csrf_of(admin.get(f"/tips/{first}").text)
    admin.post(f"/tips/{first}/erase", data={"csrf_token": token})                 # not confirmed: nothing happens
    assert tip_rows(tenv)[0]["contact"] == "0812-0000-1111"
    r = admin.post(f"/tips/{first}/erase", data={"confirm": "yes", "csrf_token": token})
    assert r.status_code == 200 and 'id="tip-erased"' in r.text
    t = tip_rows(tenv)[0]
    assert (t["what"], t["links"], t["contact"], t["person_name"], t["status"]) == ("", "[]", None, None, "closed")
    assert t["erased_by"] == "ani"
    assert not (tenv.settings.tips_dir / paths[1]).exists()                       # the JPEG was only here
    assert (tenv.settings.tips_dir / paths[0]).exists()                           # the PNG is in report 2 too
    assert tenv.db.execute("SELECT count(*) FROM tip_images WHERE tip_id=?", [second]).fetchone()[0] == 1
    assert "Pak Bambang" not in admin.get(f"/tips/{first}").text
    [row] = tenv.audit("tip.erase")
    assert row["user"] == "ani" and "Bambang" not in row["detail"]
    token = csrf_of(c.get("/lapor/status").text)
    assert "Selesai" in c.post("/lapor/status", data={"code": code, "csrf_token": token}).text


def test_xlsx_export_drops_control_characters_xlsx_cannot_hold():
    """A report stored before the form cleaned its input (or by a future path) must still export:
    openpyxl refuses control characters, so the one spreadsheet writer drops them."""
    from openpyxl import load_workbook

    from pantau.review.tips_export import COLUMNS, write
    row = {c: None for c in COLUMNS}
    row.update(id=7, code="ABCD-1234", status="new", what="kepala dinas\x07 like\x1b[31m", contact="=1+1")
    data, n = write([row], "xlsx", lambda s: s, ZoneInfo("Asia/Jakarta"))
    ws = load_workbook(io.BytesIO(data)).active
    values = [c.value for c in ws[2]]
    assert n == 1 and "kepala dinas like[31m" in values and "=1+1" in values
    assert ws.cell(2, 1).value == 7 and ws.freeze_panes == "A2"
