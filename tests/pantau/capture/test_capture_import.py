"""`pantau import FILE.har|FILE.ndjson`: real CLI, real SQLite, files built from the fixtures' shapes."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from tests.pantau.capture import scenario as sc



_rows = sc.stored_rows


def _evidence(ws: Path) -> list[dict]:
    from pantau.workspace import open_database, open_settings
    db = open_database(open_settings(ws))
    try:
        return list(db.query("SELECT * FROM evidence"))
    finally:
        db.close()


def _check_expected(rows: list[dict]) -> None:
    got: dict = {}
    for r in rows:
        key = r["interaction_id"] if r["kind"] in ("comment", "reply", "quote") else r["handle"]
        got.setdefault((r["platform"], r["kind"]), set()).add(key)
    assert got == sc.EXPECTED
    ids = {r["interaction_id"] for r in rows}
    assert not ids & sc.OWN, "the candidate's own comments are posts, not interactions"
    assert not ids & sc.UNWATCHED
    accounts = {(r["platform"], r["account"]) for r in rows}
    assert accounts == {("instagram", "calon.satu"), ("tiktok", "calonsatu"), ("x", "calonsatu"),
                        ("facebook", "calon.satu")}


def _no_secret_anywhere(ws: Path) -> None:
    hits = []
    for p in (ws / "data").rglob("*"):
        if p.is_file() and sc.SECRET.encode() in p.read_bytes():
            hits.append(str(p))
    assert hits == []


@pytest.mark.parametrize("style,b64", [("chromium", False), ("chromium", True), ("firefox", False)])
def test_har_import_lands_each_interaction_on_the_watched_account(ws, pantau, tmp_path, style, b64):
    har = sc.build_har(tmp_path / f"sesi-{style}.har", style=style, b64=b64)
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    assert "dropped 2 interactions on accounts in no watchlist: akun.lain (2)" in r.stdout
    assert "skipped 3 comments by the watched accounts themselves" in r.stdout
    assert "not recognised: x https://x.com/i/api/1.1/jot/client_event.json (1)" in r.stdout
    rows = _rows(ws)
    _check_expected(rows)
    assert {r["source"] for r in rows} == {"capture"}
    # replies know what they answer
    by_id = {r["interaction_id"]: r for r in rows}
    assert by_id["17900000000000012"]["parent_id"] == "17900000000000001"
    assert by_id["7400000000000020002"]["parent_id"] == "7400000000000020001"
    assert by_id["1870000000000000013"]["parent_id"] == "1870000000000000011"
    assert by_id["998877665544002"]["parent_id"] == "998877665544001"
    # a TikTok commenter the response names only by uid is keyed by that uid
    assert by_id["7400000000000010002"]["actor_key"] == "6900000000000000002"
    # every interaction is linked to the response it came from, kept as a private file
    ev = _evidence(ws)
    assert {e["interaction_id"] for e in ev} == {r["id"] for r in rows}
    assert {e["kind"] for e in ev} == {"capture"}
    root = ws / "data" / "evidence"
    for e in ev:
        f = root / e["path"]
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        import hashlib
        assert hashlib.sha256(f.read_bytes()).hexdigest() == e["sha256"] == f.stem
        assert e["source_url"].startswith("https://")
        assert e["captured_at"].startswith("2026-01-02T03:04:05")
    doc = json.loads((root / next(e["path"] for e in ev if "comment/list/?" in e["source_url"])).read_text())
    assert "msToken" not in doc["request"]["url"] and "X-Bogus" not in doc["request"]["url"]
    assert json.loads(doc["body"])["comments"][0]["cid"] == "7400000000000010001"
    _no_secret_anywhere(ws)


def test_reimporting_the_same_har_adds_nothing(ws, pantau, tmp_path):
    har = sc.build_har(tmp_path / "sesi.har")
    assert pantau("import", str(har)).returncode == 0
    before = (len(_rows(ws)), len(_evidence(ws)), sorted(p.name for p in (ws / "data" / "evidence").rglob("*.json")))
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    assert "; 0 new, 0 new actors; 0 new evidence files" in r.stdout
    assert (len(_rows(ws)), len(_evidence(ws)),
            sorted(p.name for p in (ws / "data" / "evidence").rglob("*.json"))) == before
    # the same session saved by the other browser is the same interactions
    assert pantau("import", str(sc.build_har(tmp_path / "ff.har", style="firefox"))).returncode == 0
    assert len(_rows(ws)) == before[0]


def test_zeeschuimer_export(ws, pantau, tmp_path):
    nd = sc.build_zeeschuimer(tmp_path / "zeeschuimer-export.ndjson")
    r = pantau("import", str(nd))
    assert r.returncode == 0, r.stderr
    assert "not recognised: linkedin.com items (1)" in r.stdout
    rows = _rows(ws)
    got = {(r["platform"], r["kind"], r["interaction_id"]) for r in rows}
    assert got == {
        ("tiktok", "comment", "7400000000000010001"), ("tiktok", "comment", "7400000000000010002"),
        ("tiktok", "comment", "7400000000000010004"), ("tiktok", "reply", "7400000000000020001"),
        ("tiktok", "reply", "7400000000000020002"),
        ("instagram", "comment", "17900000000000001"), ("instagram", "comment", "17900000000000003"),
        ("instagram", "reply", "17900000000000011"),
        ("x", "comment", "1870000000000000011"), ("x", "comment", "1870000000000000012"),
        ("x", "reply", "1870000000000000013"),
        ("facebook", "comment", "998877665544001"), ("facebook", "comment", "998877665544003"),
        ("facebook", "reply", "998877665544002")}
    assert len(_evidence(ws)) == len(rows)
    # the same comments seen in a HAR later are the same interactions
    assert pantau("import", str(sc.build_har(tmp_path / "s.har"))).returncode == 0
    assert {(r["platform"], r["kind"], r["interaction_id"]) for r in _rows(ws)} >= got
    assert len([r for r in _rows(ws) if r["kind"] in ("comment", "reply")]) == 20
    assert pantau("import", str(nd)).returncode == 0
    assert len(_rows(ws)) == 30


def test_pantau_jsonl_with_ndjson_suffix_still_imports_as_interactions(ws, pantau, tmp_path):
    f = tmp_path / "lain.ndjson"
    f.write_text(json.dumps({"platform": "instagram", "kind": "like", "target_account": "calon.satu",
                             "actor_handle": "budi", "post_id": "1"}) + "\n", encoding="utf-8")
    r = pantau("import", str(f))
    assert r.returncode == 0, r.stderr
    assert "1 lines, 1 accepted" in r.stdout


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_truncated_har_stores_nothing(ws, pantau, tmp_path, cut):
    whole = sc.build_har(tmp_path / "whole.har").read_bytes()
    bad = tmp_path / "terpotong.har"
    bad.write_bytes(whole[: int(len(whole) * cut)])
    r = pantau("import", str(bad))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "terpotong.har" in lines[0] and "truncated or corrupt HAR" in lines[0]
    assert "Traceback" not in r.stderr
    assert _rows(ws) == [] and _evidence(ws) == []
    assert not list((ws / "data" / "evidence").rglob("*.json"))


def test_not_a_har_and_corrupt_zeeschuimer_line(ws, pantau, tmp_path):
    f = tmp_path / "kosong.har"
    f.write_text('{"log": {"version": "1.2", "entries": []}}', encoding="utf-8")
    r = pantau("import", str(f))
    assert r.returncode == 1 and "kosong.har: no HAR entries" in r.stderr
    g = tmp_path / "rusak.har"
    g.write_text("<html>not json</html>", encoding="utf-8")
    r = pantau("import", str(g))
    assert r.returncode == 1 and "rusak.har: not a HAR file" in r.stderr
    nd = sc.build_zeeschuimer(tmp_path / "z.ndjson")
    lines = nd.read_text(encoding="utf-8").splitlines()
    nd.write_text("\n".join(lines[:5]) + "\n" + lines[5][: len(lines[5]) // 2], encoding="utf-8")
    r = pantau("import", str(nd))
    assert r.returncode == 1
    assert "z.ndjson:6: malformed JSON" in r.stderr and "truncated" in r.stderr
    assert _rows(ws) == [] and _evidence(ws) == []


@pytest.mark.parametrize("field, value, says", [
    ("text", 12345, "entry 2: response.content.text is not text"),
    ("url", 5, "entry 2: request.url is not text"),
    ("request", "x", "entry 2: request is not an object"),
])
def test_a_har_field_of_the_wrong_type_refuses_the_file_in_one_line(ws, pantau, tmp_path, field, value, says):
    doc = sc.har_document(sc.entries(noise=False))
    entry = doc["log"]["entries"][1]
    if field == "text":
        entry["response"]["content"]["text"] = value
    elif field == "url":
        entry["request"]["url"] = value
    else:
        entry["request"] = value
    bad = tmp_path / "aneh.har"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    r = pantau("import", str(bad))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "aneh.har" in lines[0] and says in lines[0], r.stderr
    assert _rows(ws) == [] and _evidence(ws) == []


@pytest.mark.parametrize("damage", ["bom", "bad first line"])
def test_a_zeeschuimer_export_with_a_mark_or_a_bad_first_line_is_still_read_as_one(ws, pantau, tmp_path, damage):
    nd = sc.build_zeeschuimer(tmp_path / "z.ndjson")
    body = nd.read_bytes()
    nd.write_bytes(b"\xef\xbb\xbf" + body if damage == "bom" else b'{"item_id": \n' + body)
    r = pantau("import", str(nd))
    if damage == "bom":
        assert r.returncode == 0, r.stderr
        assert len(_rows(ws)) == 14          # as test_zeeschuimer_export reads the file without the mark
    else:
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 1 and len(lines) == 1 and "z.ndjson:1: malformed JSON" in lines[0], r.stderr
        assert _rows(ws) == []


def test_a_damaged_base64_body_is_counted_apart_and_the_rest_imported(ws, pantau, tmp_path):
    doc = sc.har_document(sc.entries(b64=True, noise=False))
    entries = doc["log"]["entries"]
    damaged = next(e for e in entries if e["response"]["content"].get("encoding") == "base64")
    damaged["response"]["content"]["text"] = "@@not base64@@"
    har = tmp_path / "rusak-sebagian.har"
    har.write_text(json.dumps(doc), encoding="utf-8")
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    assert "1 with a damaged body" in r.stdout and "save the HAR again" in r.stdout
    assert "saved without content" not in r.stdout and len(_rows(ws)) > 0


def test_unrecognised_shapes_and_missing_bodies_are_counted_not_fatal(ws, pantau, tmp_path):
    items = sc.entries("firefox", noise=False)
    items.append(sc.har_entry(f"{sc.IG}/api/v1/media/1/comments/", b'{"weird": [1, 2, 3]}', "application/json",
                              style="firefox"))
    items.append(sc.har_entry(f"{sc.TT}/api/comment/list/?aweme_id=5", b'{"comments": "moved"}',
                              "application/json", style="firefox"))
    items.append(sc.har_entry(f"{sc.X}/i/api/graphql/q/TweetDetail", b"", "application/json", style="firefox",
                              with_text=False))
    items.append(sc.har_entry(f"{sc.TT}/api/comment/list/?aweme_id=6", b"{}", "application/json", status=429))
    har = tmp_path / "aneh.har"
    har.write_text(json.dumps(sc.har_document(items, "firefox")), encoding="utf-8")
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    assert "19 recognised, 2 not recognised, 1 saved without content, 1 failed requests" in r.stdout
    assert "instagram https://www.instagram.com/api/v1/media/1/comments/ (1)" in r.stdout
    assert "tiktok https://www.tiktok.com/api/comment/list/ (1)" in r.stdout
    _check_expected(_rows(ws))


def test_stored_captures_are_private(ws, pantau, tmp_path):
    assert pantau("import", str(sc.build_har(tmp_path / "s.har"))).returncode == 0
    for p in (ws / "data" / "evidence").rglob("*"):
        assert stat.S_IMODE(p.stat().st_mode) == (0o700 if p.is_dir() else 0o600), p
    assert not (ws / "data" / "import-staging").exists() or not any((ws / "data" / "import-staging").iterdir())


def test_a_post_seen_by_shortcode_and_by_media_id_is_one_post(ws, pantau, tmp_path):
    """Likes keyed by post: the post page names both the shortcode and the media id, so a like
    seen on a list that names the post only by shortcode is the same like as by media id."""
    from tests.pantau.capture.scenario import har_document, har_entry
    likes_by_code = {"data": {"shortcode_media": {"shortcode": "C9xAbCdEfGh", "edge_liked_by": {"edges": [
        {"node": {"id": "6600000010", "username": "yanti.kusuma", "full_name": "Yanti Kusuma"}}]}}}}
    items = [har_entry(e[1], (sc.FIXTURES / e[0]).read_bytes(), "text/html" if e[0].endswith("html") else
                       "application/json", page=e[2]) for e in sc.ENTRIES if e[0] in (
        "instagram/post_page.html", "instagram/v1_likers.json")]
    items.append(har_entry(f"{sc.IG}/graphql/query/?query_hash=d5d763b1", json.dumps(likes_by_code).encode(),
                           "application/json", page=f"{sc.IG}/p/C9xAbCdEfGh/"))
    har = tmp_path / "likes.har"
    har.write_text(json.dumps(har_document(items)), encoding="utf-8")
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    assert "interactions on watched accounts: 3 (1 comment, 2 like); 3 new" in r.stdout
    assert "does not show" not in r.stdout
    likes = [r for r in _rows(ws) if r["kind"] == "like"]
    assert sorted(r["handle"] for r in likes) == ["budi_santoso88", "yanti.kusuma"]
    assert {r["post_id"] for r in likes} == {sc.MID}


def test_without_referer_the_page_of_the_entry_names_the_owner(ws, pantau, tmp_path):
    """A HAR without Referer headers: Chromium's ``pages[].title`` (the page URL) via ``pageref``."""
    from tests.pantau.capture.scenario import har_entry
    items = []
    for fixture, url, page in (("tiktok/comment_list_reply.json", f"{sc.TT}/api/comment/list/reply/?comment_id=1",
                                f"{sc.TT}/@calonsatu/video/7400000000000000001"),
                               ("x/retweeters.json", f"{sc.X}/i/api/graphql/q/Retweeters",
                                f"{sc.X}/calonsatu/status/1870000000000000001/retweets")):
        body = json.loads((sc.FIXTURES / fixture).read_text(encoding="utf-8"))
        for c in body.get("comments") or ():
            c.pop("share_info")                       # the response itself does not name the owner
        e = har_entry(url, json.dumps(body).encode(), "application/json")
        e["request"]["headers"] = [h for h in e["request"]["headers"] if h["name"].lower() != "referer"]
        e["pageref"] = f"page_{len(items)}"
        items.append((e, page))
    doc = {"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
                   "pages": [{"startedDateTime": "2026-01-02T03:04:00.000Z", "id": e["pageref"], "title": page,
                              "pageTimings": {}} for e, page in items],
                   "entries": [e for e, _ in items]}}
    har = tmp_path / "tanpa-referer.har"
    har.write_text(json.dumps(doc), encoding="utf-8")
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    got = {(r["platform"], r["kind"], r["account"]) for r in _rows(ws)}
    assert got == {("tiktok", "reply", "calonsatu"), ("x", "repost", "calonsatu")}
    assert len(_rows(ws)) == 4


def test_a_har_with_a_byte_order_mark(ws, pantau, tmp_path):
    har = sc.build_har(tmp_path / "bom.har", noise=False)
    har.write_bytes(b"\xef\xbb\xbf" + har.read_bytes())
    r = pantau("import", str(har))
    assert r.returncode == 0, r.stderr
    _check_expected(_rows(ws))
