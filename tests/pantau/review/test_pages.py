"""The screens: queue order and filters, the match page, evidence, activity, reports, language, escaping, headers."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from pantau.review import fixtures
from storage.queries import transaction
from storage.queries.interactions import InteractionWriter
from storage.records import Actor, Interaction
from tests.pantau.review.conftest import csrf_of

SCORES = [p[4] for p in fixtures.PEOPLE]


def queue_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'<tr class="row" data-href="/matches/(\d+)', html)]


def decide(c, match_id: int, decision: str, note: str = ""):
    token = csrf_of(c.get(f"/matches/{match_id}").text)
    return c.post(f"/matches/{match_id}/decision", data={"decision": decision, "note": note, "csrf_token": token},
                  follow_redirects=False)


def test_queue_is_pending_highest_score_first_with_counts(env):
    c = env.client("reviewer")
    html = c.get("/").text
    ids = queue_ids(html)
    scores = [env.db.execute("SELECT score FROM matches WHERE id=?", [i]).fetchone()[0] for i in ids]
    assert scores == sorted(scores, reverse=True) and len(ids) == len(SCORES) + 1
    decide(c, env.data.match_ids[0], "confirmed")
    decide(c, env.data.match_ids[1], "rejected")
    html = c.get("/").text
    assert env.data.match_ids[0] not in queue_ids(html)
    assert re.search(r'id="tab-pending">[^<]*<span class="count">11<', html)
    assert re.search(r'id="tab-confirmed">[^<]*<span class="count">1<', html)
    assert re.search(r'id="tab-all">[^<]*<span class="count">13<', html)
    assert queue_ids(c.get("/?status=confirmed").text) == [env.data.match_ids[0]]


@pytest.mark.parametrize("query,expect", [
    ("unit=Dinas+Kesehatan", lambda p, i: fixtures.UNITS[i % len(fixtures.UNITS)] == "Dinas Kesehatan"),
    ("platform=bluesky", lambda p, i: p[6] == "bluesky"),
    ("band=namesake", lambda p, i: p[5] == "namesake"),
    ("score_min=70&score_max=87", lambda p, i: 70 <= p[4] <= 87),
    ("account=3", lambda p, i: p[6] == "youtube"),
])
def test_queue_filters(env, query, expect):
    c = env.client("viewer")
    got = set(queue_ids(c.get("/?" + query).text))
    want = {env.data.match_ids[i] for i, p in enumerate(fixtures.PEOPLE) if expect(p, i)}
    assert want and got == want


def test_queue_date_filter_and_bad_values_are_refused(env):
    c = env.client("viewer")
    assert queue_ids(c.get("/?date_from=2000-01-01&date_to=2000-01-02").text) == []
    assert len(queue_ids(c.get("/?date_from=2000-01-01").text)) == len(SCORES) + 1
    for query, name in [("score_min=abc", "score_min"), ("date_from=yesterday", "date_from"),
                        ("account=x", "account"), ("platform=<b>", "platform"), ("score_max=1e999", "score_max"),
                        ("kind=poke", "kind"), ("status=maybe", "status"), ("view=grid", "view"),
                        ("interaction_to=2029-02-30", "interaction_to"), ("decided_from=x", "decided_from"),
                        ("page=0", "page"), ("band=huge", "band")]:
        r = c.get("/?" + query)
        assert r.status_code == 400, query
        assert f"“{name}”" in r.text and "tidak sah" in r.text, query
    assert "<b>" not in c.get("/?platform=<b>").text


def test_queue_pagination(env):
    env.app.state.review.page_size = 5
    c = env.client("viewer")
    p1, p2, p3 = (queue_ids(c.get(f"/?page={n}").text) for n in (1, 2, 3))
    assert len(p1) == 5 and len(p2) == 5 and len(p3) == 3
    assert not set(p1) & set(p2)
    assert "Halaman 1 dari 3" in c.get("/").text


def test_match_page_shows_actor_employee_why_and_interactions(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    html = c.get(f"/matches/{m}").text
    name, handle, display, bio, score, band, platform = fixtures.PEOPLE[0]
    assert fixtures.make_nip(1) in html
    assert "Dinas Pendidikan" in html and "Guru Ahli Pertama" in html
    assert bio in html and "https://mastodon.example/@bambang.suryono" in html
    assert "<mark>Bambang</mark> <mark>Suryono</mark>" in html          # display name marked
    assert "<mark>bambang</mark>.<mark>suryono</mark>" in html          # handle marked
    assert '<td title="display_name:exact">Nama tampilan</td>' in html  # feature named in the reader's language
    # how the score is formed: the points add up to it, shown as a sum
    assert re.search(r'id="score-sum"><strong>%.1f</strong>' % score, html)
    assert 'id="score-old-model"' not in html and 'id="score-formed"' in html
    assert 'class="badge kind-comment"' in html
    ev = env.data.evidence_ids
    assert f'<img src="/evidence/{ev[1]}"' in html and f'href="/evidence/{ev[0]}"' in html
    assert 'id="nav-next"' in html and 'id="nav-prev"' not in html


def test_match_page_numbers_are_written_the_readers_way(env):
    c = env.client("reviewer")
    m = env.data.match_ids[1]                      # score 91.5
    html = c.get(f"/matches/{m}").text
    assert 'id="score-sum"><strong>91,5</strong>' in html
    formed = re.search(r'id="score-formed">([^<]*)<', html).group(1)
    assert "Skor 91,5" in formed and "91.5" not in formed
    c.post("/language", data={"lang": "en", "csrf_token": csrf_of(html)})
    html = c.get(f"/matches/{m}").text
    assert 'id="score-sum"><strong>91.5</strong>' in html and "Score 91.5" in html



    c = env.client("reviewer")
    ids = queue_ids(c.get("/").text)
    html = c.get(f"/matches/{ids[1]}?status=pending").text
    assert 'id="nav-next" rel="next">' in html
    assert re.search(rf'href="/matches/{ids[2]}\?status=pending" id="nav-next"', html)
    assert re.search(rf'href="/matches/{ids[0]}\?status=pending" id="nav-prev"', html)


def test_evidence_served_by_id_only_inside_the_evidence_folder(env):
    c = env.client("viewer")
    ev = env.data.evidence_ids
    r = c.get(f"/evidence/{ev[1]}")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content[:4] == b"\x89PNG"
    assert "sandbox" in r.headers["content-security-policy"]
    r = c.get(f"/evidence/{ev[0]}")
    assert r.headers["content-type"].startswith("text/plain")
    secret = env.settings.data_dir / "review-secret.key"
    assert secret.exists()
    with transaction(env.db):
        env.db.execute("UPDATE evidence SET path='../review-secret.key' WHERE id=?", [ev[0]])
    assert c.get(f"/evidence/{ev[0]}").status_code == 404
    assert c.get("/evidence/999999").status_code == 404
    assert c.get("/evidence/..%2F..%2Fpantau.toml").status_code in (404, 422)
    assert c.get("/static/../pantau.toml").status_code == 404


def test_hostile_text_is_escaped_and_script_links_are_not_links(env):
    c = env.client("admin")
    m = env.data.hostile_match_id
    decide(c, m, "confirmed", note='<script>alert("xss-note")</script>')
    for url in (f"/matches/{m}", "/?status=", f"/matches/{m}/report", f"/cases/{fixtures.make_nip(999)}",
                "/?view=cases&status="):
        html = c.get(url).text
        assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
        assert "&lt;script&gt;alert(&#34;xss-name&#34;)&lt;/script&gt;" in html
        assert 'href="javascript' not in html.lower()
    html = c.get(f"/matches/{m}").text
    assert "&lt;script&gt;alert(&#34;xss-comment&#34;)" in html
    assert 'Dinas &#34;&lt;b&gt;Uji&lt;/b&gt;&#34;' in html


def test_security_headers_on_every_kind_of_response(env):
    c = env.client("admin")
    for url in ("/", "/login", "/nowhere", f"/matches/{env.data.match_ids[0]}", "/reports/confirmed.csv"):
        r = c.get(url)
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
    assert c.get("/nowhere").status_code == 404
    html = c.get("/").text
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/keys.js" defer>']
    assert " style=" not in html and "onclick" not in html


def test_activity_lists_new_interactions_of_confirmed_people(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    decide(c, m, "confirmed")
    assert "Tidak ada aktivitas baru" in c.get("/activity").text
    name, handle, display, *_ = fixtures.PEOPLE[0]
    actor = Actor(platform="mastodon", actor_key=f"{handle}@mastodon.example", handle=f"@{handle}@mastodon.example")
    InteractionWriter(env.db).write([Interaction(
        platform="mastodon", kind="comment", target_account="@calonsatu@mastodon.example", actor=actor,
        post_id="p-new", interaction_id="new-after-confirm", text="Komentar baru setelah konfirmasi")],
        observed_at="2999-01-01T00:00:00Z")
    html = c.get("/activity").text
    assert "Komentar baru setelah konfirmasi" in html and f'href="/matches/{m}"' in html


def test_exports_are_formula_safe_per_unit_and_audited(env):
    c = env.client("reviewer")
    m = env.data.match_ids[0]
    decide(c, m, "confirmed", note="=HYPERLINK(\"http://evil\")")
    decide(c, env.data.hostile_match_id, "confirmed", note="+1-2")
    r = c.get("/reports/confirmed.csv")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Kecocokan", "Unit kerja", "NIP"]
    assert len(rows) == 3
    notes = {row[2]: row[16] for row in rows[1:]}
    assert notes[fixtures.make_nip(1)] == "'=HYPERLINK(\"http://evil\")"
    assert notes[fixtures.make_nip(999)] == "'+1-2"
    r = c.get("/reports/confirmed.xlsx?unit=Dinas+Pendidikan")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["Ringkasan", "Dinas Pendidikan", "Interaksi"]
    ws = wb["Dinas Pendidikan"]
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert len(values) == 2 and values[1][2] == fixtures.make_nip(1)
    note_cell = ws.cell(row=2, column=17)
    assert note_cell.value == "=HYPERLINK(\"http://evil\")" and note_cell.data_type == "s"
    exports = env.audit("export")
    assert [e["user"] for e in exports] == ["rudi", "rudi"]
    assert '"format":"xlsx"' in exports[-1]["detail"] and '"unit":"Dinas Pendidikan"' in exports[-1]["detail"]
    reports = c.get("/reports").text
    assert "Dinas Pendidikan" in reports and 'href="/reports/confirmed.xlsx?unit=Dinas+Pendidikan"' in reports


def test_case_report_is_printable_and_audited(env):
    c = env.client("viewer")
    m = env.data.match_ids[0]
    assert c.get(f"/matches/{m}/report").status_code == 404          # nothing confirmed yet: no report
    decide(env.client("reviewer"), m, "confirmed", note="Foto profil sama")
    r = c.get(f"/matches/{m}/report")
    assert r.status_code == 200 and str(r.url).endswith(f"/cases/{fixtures.make_nip(1)}/report")
    assert "Laporan dugaan pelanggaran netralitas ASN" in r.text and 'class="report"' in r.text
    assert fixtures.make_nip(1) in r.text and "Foto profil sama" in r.text and "WIB (+07:00)" in r.text
    assert f'<img src="/evidence/{env.data.evidence_ids[1]}"' in r.text
    assert 'id="report-pdf"' not in r.text                          # a viewer may read, not download
    assert "@media print" in c.get("/static/app.css").text and "@page" in c.get("/static/report.css").text
    last = env.audit("export")[-1]
    assert last["object_type"] == "case" and last["object_id"] == "**************" + fixtures.make_nip(1)[-4:]


def test_language_switch_and_locale_dates(env):
    c = env.client("reviewer")
    html = c.get("/").text
    assert '<html lang="id">' in html and "Kemungkinan kecocokan" in html
    token = csrf_of(html)
    r = c.post("/language", data={"lang": "en", "next": "/activity", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/activity"
    html = c.get("/").text
    assert '<html lang="en">' in html and "Possible matches" in html and "Kemungkinan" not in html
    m = env.data.match_ids[0]
    with transaction(env.db):
        env.db.execute("UPDATE actors SET first_seen='2028-03-05T01:00:00Z' WHERE id=?", [env.data.actor_ids[0]])
    assert "Mar 5, 2028" in c.get(f"/matches/{m}").text
    # the choice survives signing out (kept in the session and its own cookie)
    c.post("/logout", data={"csrf_token": csrf_of(html)})
    assert "Pantau shows leads" in c.get("/login").text
    c.post("/language", data={"lang": "id", "csrf_token": csrf_of(c.get("/login").text)})
    assert "Pantau menampilkan petunjuk" in c.get("/login").text
    c.post("/login", data={"name": "rudi", "password": "correct-horse-battery",
                           "csrf_token": csrf_of(c.get("/login").text)})
    assert "5 Mar 2028" in c.get(f"/matches/{m}").text


def test_default_language_comes_from_settings(env):
    env.app.state.review.default_language = "en"
    assert "Sign in" in env.client().get("/login").text
