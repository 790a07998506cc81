"""Response shapes public tools read that the first parsers missed: each imported through the real CLI.

One fixture a shape (tests/fixtures/capture/<platform>/README.md names its source). Each HAR
holds the response and, where the response does not name the post's owner, the page that does.
"""

from __future__ import annotations

import json
from pathlib import Path


from pantau.capture import zeeschuimer
from pantau.capture.model import Owners
from pantau.capture.parsers import instagram, tiktok
from tests.pantau.capture import scenario as sc

POST = f"{sc.IG}/p/C9xAbCdEfGh/"
TT_VIDEO = f"{sc.TT}/@calonsatu/video/7400000000000000001"



_rows = sc.stored_rows


def _fixture(name: str) -> bytes:
    return (sc.FIXTURES / name).read_bytes()


def _har(tmp_path: Path, name: str, entries: list[tuple]) -> Path:
    """``entries``: (fixture, request url, page, method, variables)."""
    items = [sc.har_entry(url, _fixture(f), "text/html; charset=utf-8" if f.endswith(".html") else "application/json",
                          page=page, method=method, variables=variables)
             for f, url, page, method, variables in entries]
    path = tmp_path / name
    path.write_text(json.dumps(sc.har_document(items)), encoding="utf-8")
    return path


def _import(pantau, path: Path):
    r = pantau("import", str(path))
    assert r.returncode == 0, r.stderr
    assert "0 not recognised" in r.stdout, r.stdout
    return r


def _response(url: str, fixture: str, page: str):
    """The fixture as one parsed response (its GraphQL variables read from the URL as the HAR reader does)."""
    from pantau.capture.har import _variables
    from pantau.capture.model import Response
    return Response("instagram", url, body=_fixture(fixture).decode("utf-8"), page_url=page, mime="application/json",
                    variables=_variables({}, url))


_POST_PAGE = ("instagram/post_page.html", POST, f"{sc.IG}/calon.satu/", "GET", None)


# --- Instagram -------------------------------------------------------------------------

def test_instagram_graphql_likers_are_likes_of_the_media_in_variables_id(ws, pantau, tmp_path):
    har = _har(tmp_path, "likers.har", [_POST_PAGE, (
        "instagram/graphql_likers.json", f"{sc.IG}/graphql/query", f"{POST}liked_by/", "POST", {"id": sc.MID})])
    _import(pantau, har)
    likes = [r for r in _rows(ws) if r["kind"] == "like"]
    assert sorted(r["handle"] for r in likes) == ["andi.prasetyo", "dewi_lestari"]
    assert {(r["post_id"], r["account"]) for r in likes} == {(sc.MID, "calon.satu")}


def test_instagram_child_comments_connection_takes_its_parent_from_the_request(ws, pantau, tmp_path):
    har = _har(tmp_path, "balasan.har", [_POST_PAGE, (
        "instagram/graphql_child_comments.json", f"{sc.IG}/graphql/query", POST, "POST",
        {"after": None, "first": 50, "media_id": sc.MID, "parent_comment_id": "17900000000000001"})])
    _import(pantau, har)
    (reply,) = [r for r in _rows(ws) if r["interaction_id"] == "17900000000000051"]
    assert (reply["kind"], reply["parent_id"], reply["post_id"]) == ("reply", "17900000000000001", sc.MID)


def test_instagram_threaded_replies_query_of_one_comment_are_replies_to_it(ws, pantau, tmp_path):
    url = f"{sc.IG}/graphql/query/?query_hash=51fdd02b67508306ad4484ff574a0b62&variables=" + json.dumps(
        {"comment_id": "17900000000000001", "first": 12})
    har = _har(tmp_path, "thread.har", [_POST_PAGE, ("instagram/qh_comment_threaded.json", url, POST, "GET", None)])
    _import(pantau, har)
    (reply,) = [r for r in _rows(ws) if r["interaction_id"] == "17900000000000052"]
    assert (reply["kind"], reply["parent_id"], reply["handle"], reply["account"]) == (
        "reply", "17900000000000001", "fitri.handayani", "calon.satu")


def test_instagram_likers_of_a_comment_are_not_likes_of_the_post(ws, pantau, tmp_path):
    url = f"{sc.IG}/graphql/query/?query_hash=5f0b1f6281e72053cbc07909c8d154ae&variables=" + json.dumps(
        {"comment_id": "17900000000000001", "first": 24})
    har = _har(tmp_path, "suka-komentar.har",
               [_POST_PAGE, ("instagram/qh_comment_likers.json", url, POST, "GET", None)])
    r = _import(pantau, har)
    assert "2 recognised" in r.stdout
    assert [r for r in _rows(ws) if r["kind"] == "like"] == []
    parsed = instagram.parse(_response(url, "instagram/qh_comment_likers.json", POST), Owners())
    assert parsed is not None and parsed.found == [] and "not collected" in parsed.shape


def test_instagram_page_with_its_query_result_as_a_json_string(ws, pantau, tmp_path):
    har = _har(tmp_path, "halaman.har", [("instagram/post_page_preloader.html", POST, f"{sc.IG}/calon.satu/", "GET",
                                          None)])
    _import(pantau, har)
    rows = _rows(ws)
    assert [(r["kind"], r["interaction_id"], r["handle"], r["post_id"], r["account"]) for r in rows] == [
        ("comment", "17900000000000061", "hendra.kurniawan", sc.MID, "calon.satu")]


def test_instagram_fork_child_comment_item_takes_its_parent_from_source_url():
    (item,) = list(zeeschuimer.items(sc.FIXTURES / "zeeschuimer" / "instagram_comments_child_item.ndjson"))
    parsed = instagram.parse_item(item, Owners())
    (f,) = parsed.found
    assert (f.kind, f.parent_id, f.post_id, f.actor_handle) == ("reply", "17900000000000001", sc.MID, "indra.wijaya")


# --- TikTok ----------------------------------------------------------------------------

def test_tiktok_reply_previews_are_replies_and_the_full_list_later_adds_only_new_ones(ws, pantau, tmp_path):
    preview = _har(tmp_path, "pratinjau.har", [(
        "tiktok/comment_list_reply_preview.json", f"{sc.TT}/api/comment/list/?aweme_id=7400000000000000001&cursor=0",
        TT_VIDEO, "GET", None)])
    _import(pantau, preview)
    got = [(r["kind"], r["interaction_id"], r["parent_id"], r["handle"]) for r in _rows(ws)]
    assert got == [("comment", "7400000000000010011", None, "yanti.susanti"),
                   ("reply", "7400000000000020011", "7400000000000010011", "tono.saputra")]
    full = _har(tmp_path, "semua.har", [(
        "tiktok/comment_list_reply_full.json",
        f"{sc.TT}/api/comment/list/reply/?comment_id=7400000000000010011&item_id=7400000000000000001&cursor=0",
        TT_VIDEO, "GET", None)])
    r = _import(pantau, full)
    assert "1 new" in r.stdout
    assert [(r["interaction_id"], r["parent_id"]) for r in _rows(ws) if r["kind"] == "reply"] == [
        ("7400000000000020011", "7400000000000010011"), ("7400000000000020012", "7400000000000010011")]
    r = _import(pantau, preview)
    assert "; 0 new, 0 new actors" in r.stdout and len(_rows(ws)) == 3


def test_tiktok_zeeschuimer_comment_item_brings_its_reply_previews():
    body = json.loads(_fixture("tiktok/comment_list_reply_preview.json"))
    item = zeeschuimer.Item(1, "tiktok", "comments", "tiktok-comments", {**body["comments"][0], "id": "x"}, TT_VIDEO,
                            None, None)
    parsed = tiktok.parse_item(item, Owners())
    assert [(f.kind, f.interaction_id, f.parent_id) for f in parsed.found] == [
        ("comment", "7400000000000010011", None), ("reply", "7400000000000020011", "7400000000000010011")]


# --- X ---------------------------------------------------------------------------------

def test_x_reply_without_its_user_takes_the_handle_from_its_own_media(ws, pantau, tmp_path):
    url = f"{sc.X}/i/api/graphql/nBS-WpgA6ZG0CyNHD517JQ/TweetDetail?variables=" + json.dumps(
        {"focalTweetId": "1870000000000000101"})
    har = _har(tmp_path, "x.har", [("x/tweet_detail_no_user.json", url, f"{sc.X}/calonsatu/status/1870000000000000101",
                                    "GET", None)])
    _import(pantau, har)
    got = {r["interaction_id"]: (r["handle"], r["actor_key"], r["account"]) for r in _rows(ws)}
    assert got["1870000000000000102"] == ("joko_santoso", "7700000002", "calonsatu")
    # media reused from another tweet names that tweet's author: no handle rather than a wrong one
    assert got["1870000000000000103"] == (None, "7700000003", "calonsatu")


# --- Facebook --------------------------------------------------------------------------

def test_facebook_sticker_and_photo_comments_are_kept_with_empty_text(ws, pantau, tmp_path):
    har = _har(tmp_path, "stiker.har", [("facebook/comments_sticker.json", f"{sc.FB}/api/graphql/",
                                         f"{sc.FB}/calon.satu/posts/pfbid02XyZ", "POST", {"feedbackSource": 2})])
    _import(pantau, har)
    got = [(r["interaction_id"], r["text"], r["account"]) for r in _rows(ws)]
    assert got == [("998877665544101", "Setuju pak", "calon.satu"), ("998877665544102", "", "calon.satu"),
                   ("998877665544103", "", "calon.satu")]


def test_facebook_group_post_owner_from_parent_feedback_and_its_story_actors(ws, pantau, tmp_path):
    har = _har(tmp_path, "grup.har", [("facebook/comments_group_post.json", f"{sc.FB}/api/graphql/",
                                       f"{sc.FB}/groups/relawan.kota/posts/1122334455668800/", "POST", {})])
    r = _import(pantau, har)
    assert "does not show" not in r.stdout
    got = [(r["kind"], r["interaction_id"], r["parent_id"], r["post_id"], r["account"]) for r in _rows(ws)]
    assert got == [("comment", "998877665544111", None, "1122334455668800", "calon.satu"),
                   ("reply", "998877665544112", "998877665544111", "1122334455668800", "calon.satu")]


# --- provenance --------------------------------------------------------------------------

def test_sources_name_no_zeeschuimer_module_upstream_does_not_have():
    """instagram-comments.js and twitter-comments.js exist only in a fork; facebook-comments.js
    in no repository history we could read; yt-dlp's tiktok.py reads no comments."""
    root = Path(__file__).resolve().parents[3]
    texts = {p: p.read_text(encoding="utf-8") for p in [
        *sorted((root / "pantau" / "capture").rglob("*.py")), *sorted((sc.FIXTURES).rglob("README.md")),
        root / "docs" / "capture.md", *sorted((root / "docs" / "platforms").glob("*.md"))]}
    for path, text in texts.items():
        for line in text.splitlines():
            if any(m in line for m in ("instagram-comments.js", "twitter-comments.js", "facebook-comments.js")):
                assert "fork" in line or "not upstream" in line, (path, line)
            if "yt-dlp" in line:
                assert "no comments" in line, (path, line)
