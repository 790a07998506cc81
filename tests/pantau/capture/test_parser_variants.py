"""Parser variants public sources show (fields that moved, wrappers, lists that are not interactions)."""

from __future__ import annotations

import json

from pantau.capture.model import Owners, Response
from pantau.capture.parsers import facebook, instagram, tiktok, x


def _resp(platform, url, body, page=None, variables=None):
    return Response(platform, url, body=json.dumps(body), page_url=page, variables=variables, mime="application/json")


def test_instagram_child_comment_connection_and_owner_from_profile_page():
    body = {"data": {"xdt_api__v1__media__media_id__comments__parent_comment_id__child_comments__connection": {
        "edges": [{"node": {"pk": "2", "text": "balas", "created_at": 1767225600, "parent_comment_id": "1",
                            "user": {"pk": "9", "username": "ani"}}}]}}}
    p = instagram.parse(_resp("instagram", "https://www.instagram.com/graphql/query", body,
                              page="https://www.instagram.com/calon.satu/p/CODE1/", variables={"media_id": "55"}),
                        Owners())
    (f,) = p.found
    assert (f.kind, f.parent_id, f.post_id, f.post_url) == ("reply", "1", "55", "https://www.instagram.com/p/CODE1/")
    assert instagram.page_fallback(f, "https://www.instagram.com/calon.satu/p/CODE1/") == "calon.satu"


def test_instagram_following_list_is_not_followers():
    p = instagram.parse(_resp("instagram", "https://www.instagram.com/api/v1/friendships/5/following/",
                              {"users": [{"pk": "1", "username": "a"}]}), Owners())
    assert p is not None and p.found == []


def test_tiktok_following_scene_is_ignored_and_camel_case_users_read():
    p = tiktok.parse(_resp("tiktok", "https://www.tiktok.com/api/user/list/?scene=21&secUid=S",
                           {"userList": [{"user": {"id": "1", "uniqueId": "a"}}]}), Owners())
    assert p is not None and p.found == []
    owners = Owners()
    p = tiktok.parse(_resp("tiktok", "https://www.tiktok.com/api/user/list/?scene=67&secUid=S",
                           {"userList": [{"user": {"id": "1", "uniqueId": "a", "nickname": "A"}}]}), owners)
    (f,) = p.found
    assert (f.kind, f.actor_key, f.actor_handle, f.owner_refs) == ("follow", "1", "a", ("S",))


def test_x_followers_favoriters_and_legacy_global_objects():
    user = {"__typename": "User", "rest_id": "7", "legacy": {"screen_name": "budi", "name": "Budi"}}
    timeline = {"data": {"user": {"result": {"timeline": {"timeline": {"instructions": [{"entries": [
        {"content": {"itemContent": {"user_results": {"result": user}}}}]}]}}}}}}
    p = x.parse(_resp("x", "https://x.com/i/api/graphql/a/Followers", timeline,
                      page="https://x.com/calonsatu/followers", variables={"userId": "15"}), Owners())
    (f,) = p.found
    assert (f.kind, f.actor_handle, f.owner_refs) == ("follow", "budi", ("15",))
    assert x.page_fallback(f, "https://x.com/calonsatu/followers") == "calonsatu"
    p = x.parse(_resp("x", "https://x.com/i/api/graphql/a/Favoriters", timeline, variables={"tweetId": "99"}),
                Owners())
    assert [(f.kind, f.post_id) for f in p.found] == [("like", "99")]
    p = x.parse(_resp("x", "https://x.com/i/api/graphql/a/Following", timeline), Owners())
    assert p.found == []
    old = {"globalObjects": {"tweets": {"5": {"id_str": "5", "full_text": "hi", "conversation_id_str": "1",
                                              "in_reply_to_status_id_str": "1", "in_reply_to_screen_name": "calonsatu",
                                              "user_id_str": "8", "created_at": "Thu Jan 01 12:00:00 +0000 2026"}},
                             "users": {"8": {"id_str": "8", "screen_name": "sari", "name": "Sari"}}}}
    p = x.parse(_resp("x", "https://x.com/i/api/2/timeline/conversation/1.json", old), Owners())
    (f,) = p.found
    assert (f.kind, f.actor_handle, f.owner, f.created_at) == ("comment", "sari", "calonsatu", "2026-01-01T12:00:00Z")


def test_x_retweet_in_a_timeline_is_a_repost_and_tombstones_are_skipped():
    rt_of = {"__typename": "Tweet", "rest_id": "1", "legacy": {"id_str": "1", "full_text": "asli"},
             "core": {"user_results": {"result": {"rest_id": "15", "core": {"screen_name": "calonsatu"}}}}}
    t = {"__typename": "Tweet", "rest_id": "2", "legacy": {"id_str": "2", "full_text": "RT",
                                                            "retweeted_status_result": {"result": rt_of}},
         "core": {"user_results": {"result": {"rest_id": "8", "core": {"screen_name": "sari"}}}}}
    body = {"data": {"x": [{"tweet_results": {"result": t}},
                           {"tweet_results": {"result": {"__typename": "TweetTombstone"}}}]}}
    p = x.parse(_resp("x", "https://x.com/i/api/graphql/a/UserTweets", body), Owners())
    (f,) = p.found
    assert (f.kind, f.actor_handle, f.owner, f.post_id) == ("repost", "sari", "calonsatu", "1")


def test_facebook_preferred_body_and_permalink_owner_by_id():
    import base64
    node = {"__typename": "Comment", "id": base64.b64encode(b"comment:10_20").decode(), "created_time": 1767225600,
            "preferred_body": {"text": "ok"}, "author": {"id": "3", "name": "Tri"},
            "feedback": {"url": "https://www.facebook.com/permalink.php?story_fbid=10&id=444&comment_id=20"}}
    p = facebook.parse(_resp("facebook", "https://www.facebook.com/api/graphql/", {"data": {"node": node}}), Owners())
    (f,) = p.found
    assert (f.kind, f.interaction_id, f.post_id, f.owner, f.owner_id) == ("comment", "20", "10", None, "444")


def test_facebook_replies_loaded_on_their_own_know_their_parent():
    """``Depth1CommentsListPaginationQuery``: the parent comment's Feedback with its replies."""
    import base64
    b = lambda s: base64.b64encode(s.encode()).decode()  # noqa: E731
    reply = {"__typename": "Comment", "id": b("comment:10_31"), "legacy_fbid": "31", "depth": 1,
             "body": {"text": "setuju"}, "author": {"id": "5", "name": "Lia", "url": "https://www.facebook.com/lia.x"},
             "created_time": 1767225600,
             "feedback": {"__typename": "Feedback", "id": b("feedback:10_31"),
                          "url": "https://www.facebook.com/calon.satu/posts/pfbid0X?comment_id=30&reply_comment_id=31"}}
    body = {"data": {"node": {"__typename": "Feedback", "id": b("feedback:10_30"),
                              "replies_connection": {"edges": [{"node": reply}]}}}}
    p = facebook.parse(_resp("facebook", "https://www.facebook.com/api/graphql/", body), Owners())
    (f,) = p.found
    assert (f.kind, f.interaction_id, f.parent_id, f.owner, f.actor_handle) == ("reply", "31", "30", "calon.satu",
                                                                               "lia.x")
