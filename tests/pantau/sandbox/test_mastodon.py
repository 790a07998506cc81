"""The sandbox's Mastodon API against the recorded shapes, over real HTTP."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from pantau.sandbox import Sandbox
from tests.pantau.sandbox.conftest import Client, fixture, parse_link

ISO_RESET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def lookup(client: Client, acct: str) -> dict:
    return client.json("/api/v1/accounts/lookup", acct=acct)


def all_pages(client: Client, path: str, **params) -> tuple[list, int]:
    """Follow rel=next until there is none; return the items and the number of requests."""
    r = client.get(path, **params)
    items, n = [], 1
    while True:
        assert r.status_code == 200, r.text
        items += r.json()
        nxt = parse_link(r.headers.get("link")).get("next")
        if not nxt:
            return items, n
        r = client.follow(nxt)
        n += 1


def own_statuses(client: Client, account_id: str) -> list[dict]:
    items, _ = all_pages(client, f"/api/v1/accounts/{account_id}/statuses", limit="40")
    return items


def test_lookup_has_the_recorded_shape(client):
    acc = lookup(client, "calonsatu")
    assert list(acc) == list(fixture("mastodon", "accounts_lookup.json")["body"])
    assert acc["acct"] == "calonsatu" and acc["username"] == "calonsatu"
    assert acc["url"] == f"{client.sb.url}/@calonsatu"
    # the qualified and the @-prefixed forms find the same local account
    assert lookup(client, "@calonsatu@mastodon.sandbox.test")["id"] == acc["id"]


def test_lookup_unknown_is_record_not_found(client):
    r = client.get("/api/v1/accounts/lookup", acct="tidak_ada")
    rec = fixture("mastodon", "accounts_lookup.404.json")
    assert r.status_code == 404 and r.json() == rec["body"]


def test_rate_limit_headers(client):
    r = client.get("/api/v1/accounts/lookup", acct="calonsatu")
    assert int(r.headers["x-ratelimit-limit"]) > 0
    assert 0 <= int(r.headers["x-ratelimit-remaining"]) < int(r.headers["x-ratelimit-limit"])
    assert ISO_RESET.match(r.headers["x-ratelimit-reset"])


def test_statuses_pagination_reblogs_and_replies(client):
    acc = lookup(client, "calonsatu")
    items, requests = all_pages(client, f"/api/v1/accounts/{acc['id']}/statuses", limit="7")
    ids = [int(s["id"]) for s in items]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)
    assert len(items) == acc["statuses_count"] and requests >= len(items) // 7
    reblogs = [s for s in items if s["reblog"]]
    assert reblogs, "the account reposts someone else's post"
    rb = reblogs[0]
    assert rb["content"] == "" and rb["application"] is None and rb["url"].endswith("/activity")
    assert rb["reblog"]["account"]["acct"] != "calonsatu"
    replies = [s for s in items if s["in_reply_to_id"]]
    assert any(s["in_reply_to_account_id"] == acc["id"] for s in replies), "a self-reply in its own thread"
    assert any(s["in_reply_to_account_id"] != acc["id"] for s in replies), "an answer to a commenter"
    rec = fixture("mastodon", "account_statuses.page1.json")["body"][0]
    plain = next(s for s in items if not s["reblog"] and not s["in_reply_to_id"])
    assert list(plain) == list(rec)
    assert list(plain["account"]) == list(rec["account"])
    assert plain["url"] == f"{client.sb.url}/@calonsatu/{plain['id']}"


def test_statuses_filters(client):
    acc = lookup(client, "calonsatu")
    path = f"/api/v1/accounts/{acc['id']}/statuses"
    no_replies, _ = all_pages(client, path, limit="40", exclude_replies="true")
    assert all(s["in_reply_to_id"] is None or s["in_reply_to_account_id"] == acc["id"] for s in no_replies)
    assert any(s["in_reply_to_id"] for s in no_replies), "self-replies stay"
    no_reblogs, _ = all_pages(client, path, limit="40", exclude_reblogs="true")
    assert no_reblogs and not any(s["reblog"] for s in no_reblogs)
    r = client.get(path, limit="3", exclude_replies="true")
    assert "exclude_replies=true" in parse_link(r.headers["link"])["next"]


def test_full_page_then_empty_page_without_link(client):
    acc = lookup(client, "calonsatu")
    total = acc["statuses_count"]
    r = client.get(f"/api/v1/accounts/{acc['id']}/statuses", limit=str(total))
    assert len(r.json()) == total
    nxt = parse_link(r.headers["link"])["next"]       # a full page always offers a next one ...
    last = client.follow(nxt)
    assert last.status_code == 200 and last.json() == [] and "link" not in last.headers   # ... which may be empty


def test_limit_is_capped_at_40(client):
    acc = lookup(client, "calondua")
    r = client.get(f"/api/v1/accounts/{acc['id']}/statuses", limit="500")
    assert len(r.json()) <= 40


def test_context_is_capped_and_deeper_calls_find_the_rest(client, sandbox):
    acc = lookup(client, "calonsatu")
    roots = [s for s in own_statuses(client, acc["id"]) if not s["reblog"] and not s["in_reply_to_id"]]
    busy = max(roots, key=lambda s: s["replies_count"])
    ctx = client.json(f"/api/v1/statuses/{busy['id']}/context")
    assert ctx["ancestors"] == [] and len(ctx["descendants"]) == 60
    recorded = fixture("mastodon", "status_context.json")["body"]["descendants"]
    for local in (True, False):      # local authors show their application, remote ones do not
        ours = next(s for s in ctx["descendants"] if ("@" not in s["account"]["acct"]) == local)
        theirs = next(s for s in recorded if ("@" not in s["account"]["acct"]) == local)
        assert list(ours) == list(theirs)
    seen = {s["id"]: s for s in ctx["descendants"]}
    direct = [s for s in seen.values() if s["in_reply_to_id"] == busy["id"]]
    assert len(direct) == busy["replies_count"], "every direct comment is in the first answer"
    # a crawler asks again for replies whose children it has not all seen
    rounds = 0
    while True:
        children: dict[str, int] = {}
        for s in seen.values():
            children[s["in_reply_to_id"]] = children.get(s["in_reply_to_id"], 0) + 1
        todo = [s for s in seen.values() if s["replies_count"] > children.get(s["id"], 0)]
        if not todo:
            break
        rounds += 1
        assert rounds < 10
        for s in todo:
            more = client.json(f"/api/v1/statuses/{s['id']}/context")
            assert more["ancestors"][0]["id"] == busy["id"]
            for d in more["descendants"]:
                seen[d["id"]] = d
    assert rounds >= 1 and len(seen) > 60
    depth = {busy["id"]: 0}
    for s in sorted(seen.values(), key=lambda s: int(s["id"])):
        depth[s["id"]] = depth[s["in_reply_to_id"]] + 1
    assert max(depth.values()) > 20


def test_context_depth_and_ancestor_limits_at_size_large():
    with Sandbox(port=0, seed=1, size="large") as sb:
        client = Client(sb)
        try:
            acc = lookup(client, "calonsatu")
            roots = [s for s in own_statuses(client, acc["id"]) if not s["reblog"] and not s["in_reply_to_id"]]
            busy = max(roots, key=lambda s: s["replies_count"])
            ctx = client.json(f"/api/v1/statuses/{busy['id']}/context")
            assert len(ctx["descendants"]) == 60
            # walk down the long chain to its end: ancestors stop at 40
            node = max(ctx["descendants"], key=lambda s: int(s["id"]))
            for _ in range(10):
                more = client.json(f"/api/v1/statuses/{node['id']}/context")
                if not more["descendants"]:
                    break
                node = max(more["descendants"], key=lambda s: int(s["id"]))
            assert len(client.json(f"/api/v1/statuses/{node['id']}/context")["ancestors"]) == 40
        finally:
            client.close()


def test_favourited_by_pages_by_favourite_ids(client):
    acc = lookup(client, "calonsatu")
    roots = [s for s in own_statuses(client, acc["id"]) if not s["reblog"] and not s["in_reply_to_id"]]
    post = max(roots, key=lambda s: s["favourites_count"])
    assert post["favourites_count"] >= 3
    r = client.get(f"/api/v1/statuses/{post['id']}/favourited_by", limit="2")
    links = parse_link(r.headers["link"])
    account_ids = {a["id"] for a in r.json()}
    max_id = parse_qs(urlsplit(links["next"]).query)["max_id"][0]
    assert max_id not in account_ids, "Link ids are favourite ids, not account ids"
    assert "since_id" in links["prev"]
    likers, _ = all_pages(client, f"/api/v1/statuses/{post['id']}/favourited_by", limit="2")
    assert len({a["acct"] for a in likers}) == len(likers) == post["favourites_count"]


def test_reblogged_by_and_followers(client):
    acc = lookup(client, "calonsatu")
    roots = [s for s in own_statuses(client, acc["id"]) if not s["reblog"] and not s["in_reply_to_id"]]
    post = max(roots, key=lambda s: s["reblogs_count"])
    boosters, _ = all_pages(client, f"/api/v1/statuses/{post['id']}/reblogged_by")
    assert len(boosters) == post["reblogs_count"] > 0
    followers, requests = all_pages(client, f"/api/v1/accounts/{acc['id']}/followers", limit="7")
    assert len(followers) == acc["followers_count"] and requests >= 3
    assert len({a["id"] for a in followers}) == len(followers)
    everyone = [*followers, *boosters]
    assert any("@" in a["acct"] for a in everyone) and any("@" not in a["acct"] for a in everyone)
    remote = next(a for a in everyone if "@" in a["acct"])
    local = next(a for a in everyone if "@" not in a["acct"])
    assert "roles" not in remote and "noindex" not in remote and "roles" in local
    assert list(remote) == list(fixture("mastodon", "followers.page1.json")["body"][0])          # remote
    assert list(local) == list(fixture("mastodon", "favourited_by.page1.json")["body"][0])        # local


def test_hide_collections_followers_are_empty(client):
    acc = lookup(client, "calondua")
    assert acc["hide_collections"] is True and acc["followers_count"] > 0
    r = client.get(f"/api/v1/accounts/{acc['id']}/followers")
    assert r.status_code == 200 and r.json() == [] and "link" not in r.headers


def test_unknown_status_is_404(client):
    for path in ("/api/v1/statuses/1234567/context", "/api/v1/statuses/99999999999999999999/favourited_by"):
        r = client.get(path)
        assert r.status_code == 404 and "error" in r.json()


def test_status_url_serves_an_escaped_html_page(client):
    acc = lookup(client, "calonsatu")
    roots = [s for s in own_statuses(client, acc["id"]) if not s["reblog"] and not s["in_reply_to_id"]]
    ctx = client.json(f"/api/v1/statuses/{roots[0]['id']}/context")
    status = (ctx["descendants"] or roots)[0]
    r = client.follow(status["url"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    text = re.sub(r"<[^>]+>", "", status["content"]).split("</span> ")[-1]
    assert text.split()[-1].replace("&", "&amp;")[:10] in r.text
    assert "<script>" not in r.text


@pytest.mark.parametrize("acct", ["calonsatu", "calondua"])
def test_account_ids_round_trip(client, acct):
    acc = lookup(client, acct)
    assert client.json(f"/api/v1/accounts/{acc['id']}")["acct"] == acct
