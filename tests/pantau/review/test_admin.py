"""Administration in the review app: admins only, CSRF, audited, files stay the source of truth, no secrets."""

from __future__ import annotations

import re
import stat

import pytest
from openpyxl import Workbook

from pantau import watchlist as wl
from pantau.review.auth import verify_password
from storage.queries import runs as runs_q
from tests.pantau.review.conftest import csrf_of

ADMIN_PAGES = ("/admin/runs", "/admin/users", "/admin/watchlists", "/admin/roster", "/admin/settings")
ADMIN_POSTS = ("/admin/users/add", "/admin/users/password", "/admin/users/role", "/admin/users/active",
               "/admin/watchlists/add", "/admin/watchlists/enabled", "/admin/roster")


def post(client, url, data=None, page="/admin/users", **kw):
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False, **kw)


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_only_admins_see_or_change_anything(env, role):
    c = env.client(role)
    assert 'id="nav-admin"' not in c.get("/").text
    for path in ADMIN_PAGES + ("/admin",):
        assert c.get(path).status_code == 403, path
    token = csrf_of(c.get("/").text)
    for path in ADMIN_POSTS:
        r = c.post(path, data={"csrf_token": token, "name": "vina", "role": "admin", "active": "0",
                               "password": "x" * 12, "password2": "x" * 12}, follow_redirects=False)
        assert r.status_code == 403, path
    assert env.db.execute("SELECT role, active FROM users WHERE name='vina'").fetchone() == ("viewer", 1)
    anonymous = env.client()
    assert anonymous.get("/admin/users", follow_redirects=False).headers["location"].startswith("/login")


def test_every_admin_page_renders_in_both_languages(env):
    c = env.client("admin")
    assert 'id="nav-admin"' in c.get("/").text
    for lang, word in (("id", "Administrasi"), ("en", "Administration")):
        c.post("/language", data={"lang": lang, "csrf_token": csrf_of(c.get("/").text)})
        for path in ADMIN_PAGES + ("/audit",):
            r = c.get(path)
            assert r.status_code == 200 and f"<h1>{word}</h1>" in r.text, (lang, path)


def test_users_add_role_password_deactivate_audited(env):
    c = env.client("admin")
    r = post(c, "/admin/users/add", {"name": "dewi", "role": "reviewer", "password": "a-long-password",
                                     "password2": "a-long-password"})
    assert r.status_code == 303
    row = env.db.execute("SELECT role, active, password_hash FROM users WHERE name='dewi'").fetchone()
    assert row[:2] == ("reviewer", 1) and verify_password(row[2], "a-long-password")
    # refusals change nothing
    post(c, "/admin/users/add", {"name": "eko", "role": "reviewer", "password": "short", "password2": "short"})
    post(c, "/admin/users/add", {"name": "eko", "role": "reviewer", "password": "a-long-password",
                                 "password2": "another-password"})
    post(c, "/admin/users/add", {"name": "e ko", "role": "reviewer", "password": "a-long-password",
                                 "password2": "a-long-password"})
    assert env.db.execute("SELECT count(*) FROM users WHERE name LIKE 'e%'").fetchone()[0] == 0
    page = c.get("/admin/users").text
    assert "dewi" in page and "a-long-password" not in page and "$argon2" not in page

    dewi = env.client()
    assert dewi.post("/login", data={"name": "dewi", "password": "a-long-password",
                                     "csrf_token": csrf_of(dewi.get("/login").text)},
                     follow_redirects=False).status_code == 303
    assert dewi.get("/", follow_redirects=False).status_code == 200

    post(c, "/admin/users/role", {"name": "dewi", "role": "viewer"})
    post(c, "/admin/users/password", {"name": "dewi", "password": "brand-new-password",
                                      "password2": "brand-new-password"})
    assert dewi.get("/", follow_redirects=False).status_code == 303      # her session ended
    post(c, "/admin/users/active", {"name": "dewi", "active": "0"})
    assert env.db.execute("SELECT role, active FROM users WHERE name='dewi'").fetchone() == ("viewer", 0)
    post(c, "/admin/users/active", {"name": "dewi", "active": "1"})
    actions = [(r["action"], r["user"]) for r in env.db.query(
        "SELECT action, user FROM audit_log WHERE object_id='dewi' AND action LIKE 'user.%' ORDER BY id")]
    assert actions == [("user.add", "ani"), ("user.role", "ani"), ("user.passwd", "ani"),
                       ("user.disable", "ani"), ("user.enable", "ani")]


def test_the_last_admin_and_oneself_are_protected(env):
    c = env.client("admin")
    r = post(c, "/admin/users/role", {"name": "ani", "role": "viewer"})
    assert r.headers["location"] == "/admin/users"
    assert "administrator aktif terakhir" in c.get("/admin/users").text
    post(c, "/admin/users/active", {"name": "ani", "active": "0"})
    assert "tidak dapat menonaktifkan akun Anda sendiri" in c.get("/admin/users").text
    assert env.db.execute("SELECT role, active FROM users WHERE name='ani'").fetchone() == ("admin", 1)
    # an admin who sets their own password stays signed in
    post(c, "/admin/users/password", {"name": "ani", "password": "my-new-password", "password2": "my-new-password"})
    assert c.get("/admin/users", follow_redirects=False).status_code == 200


def test_watchlist_add_by_profile_url_and_switch_off_keep_the_file(env):
    folder = env.settings.watchlists_dir
    f = folder / "pilkada.yaml"
    f.write_text("# reviewed by the inspectorate\nelection: Pilkada 2029\ncandidates:\n"
                 "  - name: Calon Satu   # petahana\n    role: kepala-daerah\n    accounts:\n"
                 "      - platform: x\n        handle: calonsatu\n", encoding="utf-8")
    c = env.client("admin")
    page = "/admin/watchlists"
    r = post(c, "/admin/watchlists/add", {"account": "https://www.instagram.com/calon.satu/", "platform": "",
                                          "candidate": "Calon Satu", "role": ""}, page=page)
    assert r.status_code == 303
    text = f.read_text()
    assert "# reviewed by the inspectorate" in text and "# petahana" in text
    assert [(a.platform, a.handle, a.candidate, a.role) for a in wl.load(folder).accounts] == [
        ("x", "calonsatu", "Calon Satu", "kepala-daerah"), ("instagram", "calon.satu", "Calon Satu", "kepala-daerah")]
    # synced at once: the database mirrors the files
    assert env.db.execute("SELECT candidate, enabled, origin FROM accounts WHERE platform='instagram' "
                          "AND handle='calon.satu'").fetchone() == ("Calon Satu", 1, "watchlist")
    # a role that contradicts the candidate is refused, the file untouched
    before = f.read_text()
    post(c, "/admin/watchlists/add", {"account": "calonsatu.bsky.social", "platform": "bluesky",
                                      "candidate": "Calon Satu", "role": "dpr"}, page=page)
    assert f.read_text() == before
    assert "sudah tercantum dengan peran" in c.get(page).text
    # an unknown URL and a duplicate are refused in words
    post(c, "/admin/watchlists/add", {"account": "https://example.org/x", "candidate": "A"}, page=page)
    assert "bukan alamat profil yang dikenal Pantau" in c.get(page).text
    post(c, "/admin/watchlists/add", {"account": "@calon.satu", "platform": "instagram", "candidate": "B"}, page=page)
    assert "sudah ada di daftar pantauan" in c.get(page).text
    assert f.read_text() == before
    # switch off and on again through the same editor
    post(c, "/admin/watchlists/enabled", {"platform": "x", "handle": "calonsatu", "enabled": "0"}, page=page)
    assert "enabled: false" in f.read_text() and "# petahana" in f.read_text()
    assert env.db.execute("SELECT enabled FROM accounts WHERE platform='x' AND handle='calonsatu'").fetchone()[0] == 0
    post(c, "/admin/watchlists/enabled", {"platform": "x", "handle": "calonsatu", "enabled": "1"}, page=page)
    assert env.db.execute("SELECT enabled FROM accounts WHERE platform='x' AND handle='calonsatu'").fetchone()[0] == 1
    actions = [(r["action"], r["user"], r["object_id"]) for r in env.db.query(
        "SELECT action, user, object_id FROM audit_log WHERE action LIKE 'watchlist.%' AND action != 'watchlist.sync' "
        "ORDER BY id")]
    assert actions == [("watchlist.add", "ani", "instagram:calon.satu"), ("watchlist.disable", "ani", "x:calonsatu"),
                       ("watchlist.enable", "ani", "x:calonsatu")]
    assert {r["user"] for r in env.db.query("SELECT user FROM audit_log WHERE action='watchlist.sync'")} == {"ani"}


def upload(c, name, data, **fields):
    token = csrf_of(c.get("/admin/roster").text)
    return c.post("/admin/roster", data={"csrf_token": token, **fields}, files={"file": (name, data)})


def test_roster_upload_reports_each_row_and_strict_stores_nothing(env):
    import os
    stale = env.settings.data_dir / "uploads" / "left-by-a-killed-app"
    stale.mkdir(parents=True)
    (stale / "pegawai.csv").write_text("198503122010011001;Budi")
    os.utime(stale, (1, 1))
    c = env.client("admin")
    before = env.db.execute("SELECT count(*) FROM employees").fetchone()[0]
    bad = ("NIP;NAMA PEGAWAI;UNIT KERJA;JABATAN;KETERANGAN\n"
           "198503122010011001;Budi Santoso;Dinas Pendidikan;Guru;\n"
           "198503122010011000;Ani Rahma;Dinas Kesehatan;Bidan;\n"
           "199013012015012007;Siti Aminah;Dinas Kesehatan;Perawat;\n").encode()
    r = upload(c, "pegawai.csv", bad, strict="1", source="bkd")
    assert r.status_code == 200
    assert re.search(r'id="nothing-stored"', r.text)
    rows = re.findall(r'<tr><td class="num">(\d+)</td><td>([^<]*)</td></tr>', r.text)
    assert rows == [("3", "Excel menyimpan NIP sebagai angka dan kehilangan digit: format kolom NIP sebagai Teks "
                          "lalu ekspor berkas lagi"),
                    ("4", "NIP **************2007: 8 digit pertama bukan tanggal lahir yang sah (TTTTBBHH)")]
    assert "KETERANGAN" in r.text
    assert env.db.execute("SELECT count(*) FROM employees").fetchone()[0] == before      # --strict: nothing
    r = upload(c, "pegawai.csv", bad, source="bkd")
    assert "Disimpan di sumber bkd: 1 baru" in r.text
    assert env.db.execute("SELECT name FROM employees WHERE source='bkd'").fetchall() == [("Budi Santoso",)]
    audit = list(env.db.query("SELECT user, detail FROM audit_log WHERE action='roster.import' ORDER BY id"))
    assert [a["user"] for a in audit] == ["ani", "ani"] and '"file":"pegawai.csv"' in audit[0]["detail"]
    # the upload is gone again, and nothing of it is left in data/
    uploads = env.settings.data_dir / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700


def test_roster_upload_xlsx_and_refusals(env, tmp_path):
    c = env.client("admin")
    wb = Workbook()
    ws = wb.active
    ws.append(["NIP BARU", "NAMA", "UNIT KERJA", "JABATAN"])
    ws.append(["198503122010011001", "Budi Santoso", "Dinas Pendidikan", "Guru"])
    ws.append([199001012015012007, "Siti Aminah", "Dinas Kesehatan", "Perawat"])
    wb.save(tmp_path / "p.xlsx")
    r = upload(c, "p.xlsx", (tmp_path / "p.xlsx").read_bytes())
    assert "1 diterima, 1 ditolak" in r.text and "Excel menyimpan NIP sebagai angka" in r.text
    r = upload(c, "p.csv", b"nip;nama\n198503122010011001;Budi\n")
    assert r.status_code == 422 and 'id="roster-refused"' in r.text
    assert "p.csv: kolom wajib tidak ada: unit_kerja (atau unit)" in r.text and "missing" not in r.text
    assert "uploads" not in r.text
    # a file refused whole explains why in the reader's language, as rejected rows do
    r = upload(c, "hello.csv", b"hello world\n")
    assert r.status_code == 422 and "hello.csv: tidak ada baris judul dengan kolom daftar pegawai" in r.text
    assert "no header row" not in r.text
    r = upload(c, "p.pdf", b"%PDF")
    assert r.status_code == 400 and "berkas .csv atau .xlsx" in r.text
    c.post("/language", data={"lang": "en", "csrf_token": csrf_of(c.get("/").text)})
    r = upload(c, "hello.csv", b"hello world\n")
    assert "hello.csv: no header row with the roster columns in the first" in r.text


def test_settings_never_show_secrets(env, monkeypatch):
    monkeypatch.setenv("PANTAU_SMTP_PASSWORD", "hunter2-very-secret")
    env.settings.notify.webhook_url = "https://chat.example/hooks/T0KEN-abc123"
    c = env.client("admin")
    c.post("/language", data={"lang": "en", "csrf_token": csrf_of(c.get("/").text)})
    page = c.get("/admin/settings").text
    assert "hunter2-very-secret" not in page and "T0KEN-abc123" not in page
    assert "PANTAU_SMTP_PASSWORD" in page and "https://chat.example/…" in page
    row = re.search(r'data-key="notify.smtp_password_env">(.*?)</tr>', page, re.S).group(1)
    assert ">set<" in row
    assert re.search(r'data-key="schedule.timezone">.*?Asia/Jakarta', page, re.S)
    assert re.search(r'id="settings-platforms-youtube".*?PANTAU_YOUTUBE_API_KEY', page, re.S)


def test_runs_and_health(env):
    db = env.db
    acc = db.execute("SELECT id FROM accounts WHERE platform='bluesky'").fetchone()[0]
    for items, status in ((40, "ok"), (0, "ok")):
        rid = runs_q.start(db, "nightly", trigger="schedule")
        runs_q.record_account(db, rid, acc, "bluesky", requests=3, items=items, status=status)
        runs_q.finish(db, rid, "ok", summary={"new_interactions": items, "errors": []})
    rid = runs_q.start(db, "crawl", trigger="cli")
    yt = db.execute("SELECT id FROM accounts WHERE platform='youtube'").fetchone()[0]
    runs_q.record_account(db, rid, yt, "youtube", status="failed", message="no API key (PANTAU_YOUTUBE_API_KEY)")
    runs_q.finish(db, rid, "failed", error="1 account(s) not collected")
    c = env.client("admin")
    page = c.get("/admin/runs").text
    assert page.count('class="bar"') == 30
    today = re.findall(r'data-day="([\d-]+)" data-count="(\d+)"', page)[-1]
    assert int(today[1]) == 40                     # what today's runs reported: 40 + 0 (+ a failed crawl)
    # older nights: ?until= moves the window; nothing was collected a year ago
    old = c.get("/admin/runs?until=2020-01-31").text
    days = re.findall(r'data-day="([\d-]+)" data-count="(\d+)"', old)
    assert days[-1] == ("2020-01-31", "0") and days[0][0] == "2020-01-02"
    runs_table = re.search(r'<table class="admin-table" id="runs">(.*?)</table>', page, re.S).group(1)
    assert runs_table.count('class="run ') == 3 and "Proses malam" in runs_table and "penjadwal" in runs_table
    assert "Gagal" in runs_table and "1 account(s) not collected" in runs_table
    silent = re.search(r'id="silent"(.*?)</ul>', page, re.S).group(1)
    assert "calondua.bsky.social" in silent
    failures = re.search(r'id="failures"(.*?)</table>', page, re.S).group(1)
    assert "no API key" in failures and "calontiga" in failures
    assert "None" not in page


def test_audit_log_speaks_peoples_words(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    token = csrf_of(c.get(f"/matches/{m}").text)
    c.post(f"/matches/{m}/decision", data={"decision": "confirmed", "csrf_token": token})
    a = env.client("admin")
    for lang, words in (("id", ("Keputusan atas kemungkinan kecocokan", "Orang yang sama", "Menunggu")),
                        ("en", ("Decision on a possible match", "Same person", "Pending"))):
        a.post("/language", data={"lang": lang, "csrf_token": csrf_of(a.get("/").text)})
        page = a.get("/audit").text
        table = re.search(r'<table class="audit" id="audit">(.*?)</table>', page, re.S).group(1)
        text = re.sub(r"<[^>]+>", " ", table)
        for w in words:
            assert w in text, (lang, w)
        assert "match.decide" not in text and "None" not in text and "signin" not in text
        assert "user.add" not in text


def test_every_audit_action_written_anywhere_has_words():
    """A new audit action needs a label in pantau/review/labels.py AUDIT_ACTION (both catalogues)."""
    from pantau.review import labels
    from tests.conftest import REPO
    found = set()
    for folder in ("pantau", "storage", "crawler"):
        for path in (REPO / folder).rglob("*.py"):
            found |= set(re.findall(r"audit(?:_q)?\.write\(\s*\w+,\s*\"([a-z_.]+)\"", path.read_text("utf-8")))
            found |= set(re.findall(r"\"(user\.(?:enable|disable))\"", path.read_text("utf-8")))
    assert len(found) > 15
    assert sorted(found - set(labels.AUDIT_ACTION)) == []


def test_audit_words_for_every_kind_of_detail():
    from pantau.review.auditwords import describe
    from pantau.review.i18n import translations
    row = {"at": "2029-01-10T01:00:00Z", "user": "cli:root", "action": "roster.import", "object_type": "roster",
           "object_id": "bkd", "detail": '{"file": "p.csv", "strict": false, "stored": true, "note": null, '
                                         '"unknown_columns": ["NO", "KET"], "rows": 3, "empty": ""}'}
    for lang, want in (("id", {"who": "baris perintah (root)", "what": "Daftar pegawai diimpor",
                               "object": "sumber daftar pegawai bkd",
                               "details": [("berkas", "p.csv"), ("ketat", "tidak"), ("disimpan", "ya"),
                                           ("kolom tidak dibaca", "NO, KET"), ("baris", "3")]}),
                       ("en", {"who": "command line (root)", "what": "Roster imported",
                               "object": "roster source bkd",
                               "details": [("file", "p.csv"), ("strict", "no"), ("stored", "yes"),
                                           ("columns not read", "NO, KET"), ("rows", "3")]})):
        d = describe(row, translations(lang).gettext)
        assert {k: d[k] for k in want} == want
    role = describe({"user": "ani", "action": "user.role", "object_type": "user", "object_id": "rudi",
                     "detail": '{"from": "reviewer", "to": "admin"}'}, translations("id").gettext)
    assert role["details"] == [("sebelum", "Peninjau"), ("sesudah", "Administrator")]
    unknown = describe({"user": "x", "action": "someday.new", "detail": '{"k": 1}'}, translations("en").gettext)
    assert unknown["what"] == "someday.new" and unknown["details"] == [("k", "1")]       # shown, never dropped


def test_roster_link_and_export_codes_are_translated():
    from pantau.review.auditwords import describe
    from pantau.review.i18n import translations
    gt = translations("id").gettext
    roster = describe({"user": "ani", "action": "roster.import", "object_type": "roster", "object_id": "bkd",
                       "detail": '{"rows": 1, "force": false, "refused": true}'}, gt)
    assert roster["details"] == [("baris", "1"), ("dipaksa", "tidak"), ("ditolak", "ya")]
    for kind, word in (("interaction", "interaksi"), ("match", "kemungkinan kecocokan")):
        link = describe({"user": "rudi", "action": "tip.link", "object_type": "tip", "object_id": "3",
                         "detail": '{"kind": "%s", "id": 9}' % kind}, gt)
        assert link["details"] == [("jenis", word), ("nomor", "9")]
    case = describe({"user": "rudi", "action": "export", "object_type": "case", "object_id": "**************0001",
                     "detail": '{"format": "pdf", "report": "case"}'}, gt)
    assert ("laporan", "laporan kasus") in case["details"]
    tips = describe({"user": "ani", "action": "tip.export", "object_type": "tip", "object_id": "all",
                     "detail": '{"format": "csv", "rows": 2}'}, gt)
    assert tips["object"] == "laporan warga semua"



    """What `pantau purge` writes (its own row and each citizen report it erased) reads as words."""
    from pantau.review.auditwords import describe
    from pantau.review.i18n import translations
    purge = {"user": "cli", "action": "purge", "object_type": "retention", "object_id": "180",
             "detail": '{"cutoff": "2029-01-01T00:00:00Z", "interactions": 4, "actors": 1, "evidence_rows": 2, '
                       '"evidence_files": 1, "tips": 2, "tip_files": 1, "by_platform": {"x": 4}, "run_id": 7}'}
    erase = {"user": "retention", "action": "tip.erase", "object_type": "tip", "object_id": "5",
             "detail": '{"images": 1}'}
    for lang, want in (("id", ("laporan warga dihapus isinya", "berkas bukti dihapus", "masa retensi", "gambar")),
                       ("en", ("citizen reports erased", "evidence files deleted", "the retention period", "images"))):
        gt = translations(lang).gettext
        p, e = describe(purge, gt), describe(erase, gt)
        labels_shown = [k for k, _ in p["details"]] + [k for k, _ in e["details"]]
        if lang == "id":        # English words may equal the stored keys ("images")
            assert not {"tips", "tip_files", "evidence_files", "images", "run_id"} & set(labels_shown), labels_shown
        text = " ".join(labels_shown) + " " + e["who"]
        for w in want:
            assert w in text, (lang, w)
