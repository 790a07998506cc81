"""A case is a person: the case page, the queue by cases, search and the new filters (TestClient level)."""

from __future__ import annotations

import re

import pytest

from pantau.review import fixtures
from storage.queries import matches as matches_q
from tests.pantau.review.test_pages import queue_ids

NIP1 = fixtures.make_nip(1)


def case_nips(html: str) -> list[str]:
    return re.findall(r'<tr class="row" data-href="/cases/(\d{18})"', html)


@pytest.fixture
def more(env):
    return fixtures.add_more_accounts(env.db)


def test_case_page_shows_every_account_interaction_decision_and_note(env, more):
    first = env.data.match_ids[0]
    matches_q.record_decision(env.db, first, "confirmed", reviewer="rudi", note="Foto profil sama")
    matches_q.record_decision(env.db, more.match_ids[1], "escalated", reviewer="ani", note="Perlu cek unit")
    c = env.client("viewer")
    html = c.get(f"/cases/{NIP1}").text
    # three accounts on three platforms, the YouTube channel without a handle shown by its name
    for text in ("@bambang.suryono@mastodon.example", "bambangs.bsky.social", ">Bambang Suryono</a>"):
        assert text in html, text
    assert ">None<" not in html and "None" not in re.sub(r"<[^>]+>", " ", html)
    # interactions of all three, with kind, candidate, text and link
    for text in ("Calon Satu", "Calon Dua", "Calon Tiga", "Hidup Calon Tiga! Maju terus.",
                 "Program yang bagus, saya dukung penuh.", "Kutipan"):
        assert text in html, text
    assert 'href="https://bsky.app/profile/bambangs.bsky.social/post/q1"' in html
    # decisions with notes, reviewer and time
    assert "Foto profil sama" in html and "Perlu cek unit" in html
    assert html.count('class="badge status-confirmed"') >= 2 and "status-escalated" in html
    assert 'id="nav-report"' in html and 'id="nav-report-pdf"' not in html      # a viewer: no download
    assert 'id="nav-report-pdf"' in env.client("reviewer").get(f"/cases/{NIP1}").text
    assert c.get("/cases/123").status_code == 404
    assert c.get("/cases/198001012000011999").status_code == 404


def test_queue_shows_cases_or_pairs_with_candidates_and_kinds(env, more):
    c = env.client("viewer")
    pairs = c.get("/?status=").text
    assert len(queue_ids(pairs)) == len(fixtures.PEOPLE) + 1 + 2
    # a pair row names the candidates the account interacted with and the kinds
    row = pairs[pairs.index(f'data-href="/matches/{more.match_ids[1]}'):]
    row = row[:row.index("</tr>")]
    assert "Calon Tiga" in row and "Komentar" in row and "Bambang Suryono" in row and "None" not in row
    cases = c.get("/?view=cases&status=").text
    nips = case_nips(cases)
    assert len(nips) == len(set(nips)) == len(fixtures.PEOPLE) + 1          # one row per employee
    row = cases[cases.index(f'data-href="/cases/{NIP1}"'):]
    row = row[:row.index("</tr>")]
    for text in ("Calon Satu", "Calon Dua", "Calon Tiga", "Kutipan", "Komentar", "bambangs.bsky.social"):
        assert text in row, text
    assert re.search(r'id="view-cases" class="tab current"', cases)
    assert "13 kasus" in cases
    # the cases view keeps its mode through the status tabs and pagination
    tab = re.search(r'<a href="([^"]*)" class="tab[^"]*" id="tab-pending"', cases).group(1)
    assert "view=cases" in tab and "status=pending" in tab


@pytest.mark.parametrize("q, expect_nips", [
    ("Bambang", [NIP1]),
    ("bambang suryono", [NIP1]),
    (NIP1, [NIP1]),
    (NIP1[-4:], None),                        # last digits: at least this employee
    ("bambangs.bsky", [NIP1]),
    ("@bambang.suryono@mastodon.example", [NIP1]),
    ("Wahyuningsih", [fixtures.make_nip(2)]),
    ("100%_", []),                            # LIKE wildcards are literal
])
def test_search_by_name_nip_and_handle(env, more, q, expect_nips):
    c = env.client("viewer")
    r = c.get("/", params={"q": q, "status": "", "view": "cases"})
    assert r.status_code == 200
    nips = case_nips(r.text)
    if expect_nips is None:
        assert NIP1 in nips and all(n.endswith(q) for n in nips)
    else:
        assert nips == expect_nips
    pairs = c.get("/", params={"q": q, "status": ""}).text
    if expect_nips == [NIP1]:
        assert set(queue_ids(pairs)) <= {env.data.match_ids[0], *more.match_ids} and queue_ids(pairs)


def test_filters_candidate_kind_dates_reviewer_decision_date(env, more):
    c = env.client("viewer")
    matches_q.record_decision(env.db, env.data.match_ids[2], "rejected", reviewer="rudi")
    # candidate across platforms: Calon Tiga is on YouTube only
    got = set(queue_ids(c.get("/?status=&candidate=Calon+Tiga").text))
    want = {env.data.match_ids[i] for i, p in enumerate(fixtures.PEOPLE) if p[6] == "youtube"} | {more.match_ids[1]}
    assert got == want
    # kind: quotes only by the Bluesky account
    assert queue_ids(c.get("/?status=&kind=quote").text) == [more.match_ids[0]]
    # interaction date range (platform time, in days)
    got = set(queue_ids(c.get("/?status=&interaction_from=2028-12-14&interaction_to=2028-12-14").text))
    assert more.match_ids[0] in got and more.match_ids[1] not in got
    assert queue_ids(c.get("/?status=&interaction_from=2031-01-01").text) == []
    # reviewer and decision date
    assert queue_ids(c.get("/?status=&reviewer=rudi").text) == [env.data.match_ids[2]]
    today = env.db.execute("SELECT substr(decided_at, 1, 10) FROM matches WHERE id=?",
                           [env.data.match_ids[2]]).fetchone()[0]
    assert queue_ids(c.get(f"/?status=&decided_from={today}&decided_to={today}").text) == [env.data.match_ids[2]]
    assert queue_ids(c.get("/?status=&decided_to=2000-01-01").text) == []
    # the filters survive into the cases view
    assert case_nips(c.get("/?status=&view=cases&kind=quote").text) == [NIP1]


def test_app_xlsx_survives_control_characters_and_has_an_interactions_sheet(env, more):
    import io

    from openpyxl import load_workbook

    from storage.queries import transaction
    with transaction(env.db):
        env.db.execute("UPDATE actors SET display_name=? WHERE id=?", ["Bambang\x07 S\x1b.", more.actor_ids[0]])
    matches_q.record_decision(env.db, more.match_ids[0], "confirmed", reviewer="rudi", note="=1+1")
    r = env.client("reviewer").get("/reports/confirmed.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames[-1] == "Interaksi"
    unit = wb[fixtures.UNITS[0]]
    assert unit.freeze_panes == "A2" and unit.auto_filter.ref
    header = [c.value for c in unit[1]]
    row = dict(zip(header, [c.value for c in unit[2]]))
    assert row["Nama tampilan"] == "Bambang S." and row["Catatan"] == "=1+1"
    assert row["Kategori"] == "Mungkin" and row["Diputuskan pada"].endswith("+07:00")
    inter = wb["Interaksi"]
    kinds = {c.value for c in inter["F"][1:]}
    assert kinds == {"Bagikan ulang", "Kutipan"}


def test_single_letters_in_sentences_are_not_marked_as_initials():
    from pantau.review.highlight import explain, mark_words
    targets = ["slamet", "riyadi"]
    assert str(mark_words("S. Riyadi", targets)) == "<mark>S</mark>. <mark>Riyadi</mark>"     # a name: an initial
    sentence = mark_words("Handle 's riyadi' is a shortened form", targets, initials=False)
    assert "<mark>s</mark>" not in str(sentence) and "<mark>riyadi</mark>" in str(sentence)
    m = {"employee_name": "Slamet Riyadi, S.Sos.", "display_name": "S. Riyadi", "handle": "sriyadi", "score": 5.0,
         "features_list": [{"feature": "x", "detail": "a s r Riyadi", "weight": 5.0}]}
    why = explain(m)
    assert str(why["features"][0]["detail"]) == "a s r <mark>Riyadi</mark>"
    assert why["points"] == 5.0 and why["adds_up"]


def test_access_log_lines_hold_no_whole_nip():
    import logging

    from pantau.review.app import MaskNips
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/cases/{NIP1}/report.pdf?q={NIP1}", "1.1", 200), None)
    assert MaskNips().filter(record)
    line = record.getMessage()
    assert NIP1 not in line and line.count("*" * 14 + NIP1[-4:]) == 2


def test_a_search_looks_through_every_status(env):
    matches_q.record_decision(env.db, env.data.match_ids[0], "confirmed", reviewer="rudi")
    c = env.client("viewer")
    assert queue_ids(c.get(f"/?q={NIP1}").text) == [env.data.match_ids[0]]               # decided, still found
    assert queue_ids(c.get(f"/?q={NIP1}&status=pending").text) == []                      # unless asked
    assert 'name="status"' not in c.get("/?q=x").text.split('id="search-form"')[1].split("</form>")[0]


def test_a_channel_without_handle_is_never_none_on_the_activity_page(env, more):
    from storage.queries.interactions import InteractionWriter
    from storage.records import Actor, Interaction
    matches_q.record_decision(env.db, more.match_ids[1], "confirmed", reviewer="rudi")
    yt = Actor(platform="youtube", actor_key="UCbambangSuryono000000001", handle=None, display_name="Bambang Suryono")
    InteractionWriter(env.db).write([Interaction(
        platform="youtube", kind="comment", target_account="@calontiga", actor=yt, post_id="youtube-post-9",
        interaction_id="yt-late-1", text="Komentar setelah konfirmasi")], observed_at="2999-01-01T00:00:00Z")
    html = env.client("viewer").get("/activity").text
    assert "Komentar setelah konfirmasi" in html and "youtube Bambang Suryono" in html
    assert "None" not in re.sub(r"<[^>]+>", " ", html)


def test_admin_sets_a_reviewers_full_name_that_case_reports_print(env):
    from tests.pantau.review.test_admin import post
    c = env.client("admin")
    r = post(c, "/admin/users/fullname", {"name": "rudi", "full_name": "  Rudi   Hartono, S.H. "})
    assert r.status_code == 303
    assert env.db.execute("SELECT full_name FROM users WHERE name='rudi'").fetchone()[0] == "Rudi Hartono, S.H."
    assert 'value="Rudi Hartono, S.H."' in c.get("/admin/users").text
    post(c, "/admin/users/add", {"name": "sari", "role": "reviewer", "password": "a-long-password",
                                 "password2": "a-long-password", "full_name": "Sari Dewi, S.Sos."})
    assert env.db.execute("SELECT full_name FROM users WHERE name='sari'").fetchone()[0] == "Sari Dewi, S.Sos."
    matches_q.record_decision(env.db, env.data.match_ids[0], "confirmed", reviewer="rudi", note="cek")
    html = env.client("viewer").get(f"/cases/{NIP1}/report").text
    assert "Rudi Hartono, S.H." in html
    assert env.audit("user.full_name")[0]["user"] == "ani"
    assert env.client("reviewer").post("/admin/users/fullname", data={"name": "rudi", "full_name": "x"},
                                       follow_redirects=False).status_code == 403
