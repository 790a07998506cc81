"""A made-up Mastodon account with many posts, likes and replies, served by the replay server."""

from __future__ import annotations

ACCOUNT = "900"


def account(i: int, domain: str | None = None) -> dict:
    acct = f"warga{i}" + (f"@{domain}" if domain else "")
    return {"id": str(10_000 + i), "username": f"warga{i}", "acct": acct, "display_name": f"Warga Nomor {i}",
            "note": "<p>warga biasa</p>", "url": f"https://x.example/@warga{i}"}


def serve(replay, *, posts: int = 30, likes: int = 60, replies: int = 5, page: int = 40,
          more_likes_on_first: int = 0) -> int:
    """Register the routes; returns the number of interactions a complete crawl stores."""
    replay.routes.clear()
    me = {"id": ACCOUNT, "username": "calon", "acct": "calon", "display_name": "Calon",
          "followers_count": 0, "hide_collections": False}
    # the replay server stands in for warga.example, which answers its own user@domain as local
    for acct in ("calon", "calon@warga.example"):
        replay.add("/api/v1/accounts/lookup", me, query={"acct": acct})
    statuses = []
    for p in range(posts):
        sid = str(5_000_000 - p)
        n_likes = likes + (more_likes_on_first if p == 0 else 0)
        statuses.append({"id": sid, "created_at": f"2026-10-{1 + p % 28:02d}T10:00:00.000Z",
                         "account": {"id": ACCOUNT, "acct": "calon"}, "in_reply_to_id": None,
                         "replies_count": replies, "favourites_count": n_likes, "reblogs_count": 0,
                         "content": f"<p>post {p}</p>", "url": f"https://x.example/@calon/{sid}", "reblog": None})
        people = [account(p * 1000 + k, "remote.example" if k % 2 else None) for k in range(n_likes)]
        people.reverse()     # newest first, as Mastodon lists them
        for start in range(0, n_likes, page):
            chunk = people[start:start + page]
            headers = {}
            if start + page < n_likes:
                headers["Link"] = f'<https://warga.example/api/v1/statuses/{sid}/favourited_by?max_id={start + page}>; rel="next"'
            q = {"max_id": str(start)} if start else {}
            replay.add(f"/api/v1/statuses/{sid}/favourited_by", chunk, headers=headers, query=q)
        desc = [{"id": f"{sid}{k:03d}", "in_reply_to_id": sid, "replies_count": 0, "created_at": "2026-10-02T00:00:00Z",
                 "account": account(p * 1000 + 500 + k), "content": f"<p>balasan {k}</p>", "url": None,
                 "visibility": "public"} for k in range(replies)]
        replay.add(f"/api/v1/statuses/{sid}/context", {"ancestors": [], "descendants": desc})
    statuses.sort(key=lambda s: s["created_at"], reverse=True)
    for start in range(0, posts, page):
        chunk = statuses[start:start + page]
        headers = {}
        if start + page < posts:
            headers["Link"] = f'<https://warga.example/api/v1/accounts/{ACCOUNT}/statuses?max_id={chunk[-1]["id"]}>; rel="next"'
        q = {"max_id": statuses[start - 1]["id"]} if start else {}
        replay.add(f"/api/v1/accounts/{ACCOUNT}/statuses", chunk, headers=headers, query=q)
    return posts * (likes + replies) + more_likes_on_first


def watchlist(url: str) -> str:
    return f"""election: test
candidates:
  - name: Calon
    role: dpd
    accounts:
      - platform: mastodon
        handle: "@calon@warga.example"
        url: {url}/@calon
"""
