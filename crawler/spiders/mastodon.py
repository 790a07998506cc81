"""Mastodon REST API (public endpoints, no token).

Account lookup -> statuses (newest first, down to the window's start) -> per
status: context (comments and replies), favourited_by (likes), reblogged_by
(reposts); followers. Pages are followed through the ``Link`` header exactly as
given (its ids are favourite/follow ids, not account ids). Actors are keyed by
``user@domain`` in lower case; an ``acct`` without a domain is local to the server
asked: the watched handle's domain when the watched account is local there, else
the API host (a server showing a remote account, ``https://A/@user@B``). The
watched account's own favourites and boosts of its statuses are not interactions.
"""

from __future__ import annotations

import re
import time
from typing import Iterable
from urllib.parse import quote, urlsplit

from crawler.spiders.api import ApiSpider
from crawler.spiders.base import StopAccount, html_to_text, parse_time
from storage.records import Actor, Interaction, Post

# ---- endpoints ---------------------------------------------------------------------------
LOOKUP = "{base}/api/v1/accounts/lookup?acct={acct}"
STATUSES = "{base}/api/v1/accounts/{id}/statuses?limit={limit}&exclude_reblogs=true"
CONTEXT = "{base}/api/v1/statuses/{id}/context"
FAVOURITED_BY = "{base}/api/v1/statuses/{id}/favourited_by?limit={limit}"
REBLOGGED_BY = "{base}/api/v1/statuses/{id}/reblogged_by?limit={limit}"
FOLLOWERS = "{base}/api/v1/accounts/{id}/followers?limit={limit}"

#: logged-out context limits (descendants, depth): deeper parts need another context call
CONTEXT_MAX_DESCENDANTS = 60
CONTEXT_MAX_DEPTH = 20
#: the longest wait for a server that is still fetching a thread's remote replies
ASYNC_REFRESH_MAX_WAIT = 30.0
_RETRY_PARAM = re.compile(r"retry=(\d+)")


def async_refresh_wait(header: bytes | str | None) -> float | None:
    """Seconds to wait before asking a context again, when the server says it is still fetching
    its remote replies (``Mastodon-Async-Refresh: id="…", retry=3``, Mastodon 4.4); else None."""
    if not header:
        return None
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    m = _RETRY_PARAM.search(text)
    return float(m.group(1)) if m else 3.0

_LINK = re.compile(r'<([^>]+)>\s*;\s*rel="?([a-z]+)"?')


def next_link(link_header: str | bytes | None) -> str | None:
    """The ``rel="next"`` url of a Link header, as given."""
    if not link_header:
        return None
    if isinstance(link_header, bytes):
        link_header = link_header.decode("latin-1")
    for url, rel in _LINK.findall(link_header):
        if rel == "next":
            return url
    return None


def lookup_acct(handle: str, url: str | None) -> str:
    """The ``acct`` to look the watched account up by: ``user@host`` unless its url is
    ``/@user`` on the handle's own server (then ``user``, the server's local account).

    A url ``https://A/@user@B`` is B's account as A shows it: asking A for ``user`` would
    find A's own, different, local ``user``. Mastodon resolves ``user@its-own-domain`` as
    local, so the qualified form is right wherever the handle names a domain.
    """
    user, host = split_handle(handle)
    path = urlsplit(url).path.rstrip("/") if url else ""
    m = re.fullmatch(r"/@([^/@]+)(?:@([^/@]+))?", path)
    if host is None and m and m.group(2):
        host = m.group(2).lower()                  # a bare handle with a /@user@host url
    if host is None:
        return user
    if m and not m.group(2) and (urlsplit(url).hostname or "").lower() == host:
        return user
    return f"{user}@{host}"


def split_handle(handle: str) -> tuple[str, str | None]:
    """``@user@host`` -> (user, host); ``user`` -> (user, None)."""
    h = handle.strip().lstrip("@")
    if "@" in h:
        user, host = h.split("@", 1)
        return user, host.lower()
    return h, None


def actor_from_account(acc: dict, local_domain: str) -> Actor:
    """A Mastodon Account entity -> Actor keyed ``user@domain`` (lower case)."""
    acct = acc.get("acct") or acc.get("username") or ""
    if "@" not in acct:
        acct = f"{acct}@{local_domain}"
    return Actor(platform="mastodon", actor_key=acct.lower(), handle=acct,
                 display_name=acc.get("display_name") or None, bio=html_to_text(acc.get("note")) or None,
                 profile_url=acc.get("url"), platform_id=str(acc["id"]) if acc.get("id") is not None else None)


def status_counts(status: dict) -> dict[str, int | None]:
    return {"replies": status.get("replies_count"), "likes": status.get("favourites_count"),
            "reposts": status.get("reblogs_count")}


def status_to_post(status: dict, account_handle: str) -> Post:
    return Post(platform="mastodon", post_id=str(status["id"]), account=account_handle,
                url=status.get("url") or status.get("uri"), created_at=status.get("created_at"),
                text=(html_to_text(status.get("content")) or "")[:500] or None,
                reply_count=status.get("replies_count"), like_count=status.get("favourites_count"),
                repost_count=status.get("reblogs_count"), quote_count=status.get("quotes_count"))


def own_posts(statuses: list[dict], account_id: str) -> list[dict]:
    """The watched account's own statuses of a page: boosts of others' posts are left out."""
    return [s for s in statuses if not s.get("reblog") and str(s.get("account", {}).get("id")) == str(account_id)]


def thread_interactions(context: dict, *, watched_account_id: str, queried_id: str, thread_post: str,
                        target: str, local_domain: str, post_urls: dict[str, str] | None = None
                        ) -> tuple[list[Interaction], list[str]]:
    """Comments and replies of a context answer, and the statuses whose context must be asked again.

    A status replying to one of the watched account's statuses is a ``comment``
    on it; a status further down is a ``reply`` to the nearest watched status
    above it (``thread_post`` when the ancestors are cut off). The watched
    account's own statuses are posts, not interactions.
    """
    watched = str(watched_account_id)
    by_id: dict[str, dict] = {}
    for s in (context.get("ancestors") or []) + (context.get("descendants") or []):
        by_id[str(s["id"])] = s
    descendants = context.get("descendants") or []

    def is_watched(sid: str | None) -> bool:
        if sid is None:
            return False
        if sid == queried_id and sid == thread_post:
            return True
        s = by_id.get(sid)
        return s is not None and str(s.get("account", {}).get("id")) == watched

    def watched_above(sid: str | None) -> str:
        seen = 0
        while sid is not None and seen < 10_000:
            if is_watched(sid):
                return sid
            s = by_id.get(sid)
            if s is None:
                break
            sid = str(s["in_reply_to_id"]) if s.get("in_reply_to_id") is not None else None
            seen += 1
        return thread_post

    children: dict[str, int] = {}
    for s in descendants:
        if s.get("in_reply_to_id") is not None:
            p = str(s["in_reply_to_id"])
            children[p] = children.get(p, 0) + 1

    out: list[Interaction] = []
    again: list[str] = []
    for s in descendants:
        sid = str(s["id"])
        # Mastodon cuts the descendant ids at CONTEXT_MAX_DESCENDANTS (and the depth at
        # CONTEXT_MAX_DEPTH) *before* it drops what a logged-out reader may not see, so an answer
        # of fewer than 60 can be cut too: a status with more replies than the answer holds may
        # have lost them to the cut (or they are followers-only): its own context tells
        if (s.get("replies_count") or 0) > children.get(sid, 0):
            again.append(sid)
        if str(s.get("account", {}).get("id")) == watched or s.get("visibility") == "direct":
            continue
        parent = str(s["in_reply_to_id"]) if s.get("in_reply_to_id") is not None else None
        if is_watched(parent):
            kind, post = "comment", parent
        else:
            kind, post = "reply", watched_above(parent)
        p_status = by_id.get(post)
        post_url = (p_status.get("url") or p_status.get("uri")) if p_status else (post_urls or {}).get(post)
        out.append(Interaction(
            platform="mastodon", kind=kind, target_account=target,
            actor=actor_from_account(s["account"], local_domain), post_id=post, post_url=post_url,
            interaction_id=sid, parent_id=parent, url=s.get("url") or s.get("uri"),
            text=html_to_text(s.get("content")), created_at=s.get("created_at"), raw=s))
    return out, again


def context_capped(context: dict, queried_id: str, replies_count: int | None) -> bool:
    """The queried status has more replies than its context answer holds direct replies: the
    answer was cut (``CONTEXT_MAX_DESCENDANTS`` counts before followers-only replies are
    dropped) or some replies are not public. Asking it again gives the same answer."""
    if not replies_count:
        return False
    direct = sum(1 for s in context.get("descendants") or [] if str(s.get("in_reply_to_id")) == str(queried_id))
    return replies_count > direct


class MastodonSpider(ApiSpider):
    name = "mastodon"
    platform = "mastodon"
    DEFAULT_BASE_URL = None

    def handle_origin(self, account: dict) -> str | None:
        _, host = split_handle(account.get("display_handle") or account["handle"])
        return f"https://{host}" if host else None

    def local_domain(self, account: dict, base: str) -> str:
        _, host = split_handle(account.get("display_handle") or account["handle"])
        return host or (urlsplit(base).hostname or "").lower()

    async def start(self):
        for acc in self.accounts.values():
            base = self.base_url(acc)
            if not base:
                self.fail_account(acc["id"], "no server to ask: write the handle as @user@server "
                                  "or give the account a url")
                continue
            acc["_base"] = base
            acct = lookup_acct(acc.get("display_handle") or acc["handle"], acc.get("url"))
            # until the lookup says whether the account is local on the server asked: a url
            # /@user@B shows a remote account, so bare accts there are the API host's
            remote_view = "@" in urlsplit(acc.get("url") or "").path.strip("/").lstrip("@")
            acc["_domain"] = (urlsplit(base).hostname or "").lower() if remote_view else self.local_domain(acc, base)
            yield self.request(LOOKUP.format(base=base, acct=quote(acct)), self.parse_lookup, acc,
                               meta={"what": "lookup"})
            if acc.get("platform_id"):
                # the account id found by an earlier run: the statuses need not wait for the lookup
                # (which still checks the id and reads the follower count)
                yield self.statuses_request(acc, str(acc["platform_id"]))

    def statuses_request(self, acc: dict, account_id: str, url: str | None = None):
        acc["_id"] = account_id
        url = url or STATUSES.format(base=acc["_base"], id=account_id, limit=self.page(40))
        return self.request(url, self.parse_statuses, acc, meta={"what": "statuses", "for_id": account_id})

    def on_error_response(self, response) -> Iterable:
        what = response.meta.get("what")
        acc = self.accounts[response.meta["account_id"]]
        if what == "lookup" and response.status == 404:
            raise StopAccount(f"account {acc.get('display_handle') or acc['handle']} not found on "
                              f"{acc['_base']}")
        if what == "lookup" and response.status == 401:
            # servers in limited-federation / authorized-fetch setups refuse logged-out API calls
            raise StopAccount(f"{acc['_base']} requires sign-in for its API (HTTP 401): account "
                              f"{acc.get('display_handle') or acc['handle']} cannot be read logged out")
        if what == "followers" and response.status in (401, 403):
            # some servers refuse a hidden collection with an error instead of answering []
            self.note(acc["id"], "followers hidden by the account")
            return []
        if what in ("context", "favourited_by", "reblogged_by") and response.status == 404:
            self.note(acc["id"], "posts gone or private")   # deleted since listed: nothing to fetch
            return []
        if what == "statuses":
            looked_up = acc.get("_looked_up")
            if looked_up is None:
                acc["_early_failed"] = True     # listed under the stored id: the lookup lists again
                return []
            if response.meta.get("for_id") != looked_up:
                return []                       # an id the lookup has replaced
        return super().on_error_response(response)

    def parse_lookup(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        found = str(data["id"])
        kinds = self.kinds(acc)
        base = acc["_base"]
        yield self.batch(acc, platform_id=found)
        acc["_looked_up"] = found
        # an acct without a domain is local to the server asked: then the handle's domain is the
        # server's; a remote one means the server shows another server's account
        if "@" in (data.get("acct") or ""):
            acc["_domain"] = (urlsplit(base).hostname or "").lower()
        else:
            acc["_domain"] = self.local_domain(acc, base)
        if acc.get("_id") != found or acc.pop("_early_failed", False):
            if acc.get("_id") and acc["_id"] != found:
                self.logger.warning("mastodon %s: account id changed from %s to %s", acc["handle"], acc["_id"], found)
            yield self.statuses_request(acc, found)
        if "follow" in kinds:
            fc = data.get("followers_count")
            prev = acc.get("cursors", {}).get("followers") or {}
            if data.get("hide_collections"):
                self.note(acc["id"], "followers hidden by the account")
            elif fc == 0:
                pass
            elif self.full_pass(acc) or not prev.get("complete") or prev.get("count") != fc:
                early = bool(prev.get("complete")) and not self.full_pass(acc)
                known = self.known_actors(acc, "follow") if early else set()
                yield self.request(FOLLOWERS.format(base=base, id=acc["_id"], limit=self.page(80)), self.parse_followers, acc,
                                   meta={"what": "followers", "followers_count": fc, "known": known})

    def parse_statuses(self, response):
        acc = self.accounts[response.meta["account_id"]]
        if response.meta.get("for_id") != acc["_id"]:
            return          # listed under an account id the lookup has since replaced
        statuses = self.json(response)
        cutoff = self.cutoff(acc)
        kinds = self.kinds(acc)
        base = acc["_base"]
        target = acc.get("display_handle") or acc["handle"]
        posts, requests, post_cursors = [], [], {}
        reached_end = False
        for s in statuses:
            if s.get("reblog"):
                self.note(acc["id"], "boosts skipped")
                continue
            created = parse_time(s.get("created_at"))
            if created is not None and created < cutoff:
                reached_end = True
                continue
            if str(s.get("account", {}).get("id")) != acc["_id"]:
                continue
            pid = str(s["id"])
            posts.append(status_to_post(s, target))
            counts = status_counts(s)
            wanted = self.plan_post(acc, pid, counts)
            url = s.get("url") or s.get("uri")
            n = 0
            if "replies" in wanted and kinds & {"comment", "reply"}:
                requests.append(self.request(CONTEXT.format(base=base, id=pid), self.parse_context, acc,
                                             post=pid, meta={"what": "context", "thread_post": pid,
                                                             "queried": pid, "post_url": url,
                                                             "replies_count": s.get("replies_count")}))
                n += 1
            if "likes" in wanted and "like" in kinds:
                requests.append(self.request(FAVOURITED_BY.format(base=base, id=pid, limit=self.page(80)), self.parse_people,
                                             acc, post=pid, meta={"what": "favourited_by", "kind": "like",
                                                                  "post_url": url}))
                n += 1
            if "reposts" in wanted and "repost" in kinds:
                requests.append(self.request(REBLOGGED_BY.format(base=base, id=pid, limit=self.page(80)), self.parse_people,
                                             acc, post=pid, meta={"what": "reblogged_by", "kind": "repost",
                                                                  "post_url": url}))
                n += 1
            if n == 0 and (acc["id"], pid) in self.post_done_state:
                post_cursors[pid] = self.post_done_state.pop((acc["id"], pid))
        yield self.batch(acc, posts=posts, post_cursors=post_cursors)
        yield from requests
        nxt = next_link(response.headers.get("Link"))
        if nxt and statuses and not reached_end:
            yield self.statuses_request(acc, acc["_id"], response.urljoin(nxt))

    def parse_context(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        items, again = thread_interactions(
            self.json(response), watched_account_id=acc["_id"], queried_id=meta["queried"],
            thread_post=meta["thread_post"], target=acc.get("display_handle") or acc["handle"],
            local_domain=acc["_domain"], post_urls={meta["thread_post"]: meta.get("post_url")})
        yield self.batch(acc, items)
        context = self.json(response)
        wait = async_refresh_wait(response.headers.get("Mastodon-Async-Refresh"))
        if wait is not None and not meta.get("refreshed"):
            # the server is still fetching this thread's remote replies: what it gave is stored,
            # and the same context is asked once more when it says the fetch should be done
            cap = min(ASYNC_REFRESH_MAX_WAIT, self.settings.getfloat("PANTAU_MAX_RETRY_WAIT", 900.0))
            yield self.request(response.url, self.parse_context, acc, post=meta["post_key"],
                               meta={k: meta.get(k) for k in ("what", "thread_post", "queried", "post_url",
                                                                "replies_count")}
                               | {"refreshed": True, "_not_before": time.time() + min(wait, cap)})
            return
        if context_capped(context, meta["queried"], meta.get("replies_count")):
            self.note(acc["id"], "context capped")
        counts = {str(s["id"]): s.get("replies_count") for s in context.get("descendants") or []}
        asked = acc.setdefault("_context_asked", set())
        for sid in again:
            if sid in asked:
                continue
            asked.add(sid)
            above = next((i.post_id for i in items if i.interaction_id == sid), meta["thread_post"])
            yield self.request(CONTEXT.format(base=acc["_base"], id=sid), self.parse_context, acc,
                               post=meta["post_key"], meta={"what": "context", "thread_post": above,
                                                            "queried": sid, "post_url": meta.get("post_url"),
                                                            "replies_count": counts.get(sid)})

    def parse_people(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        people = self.json(response)
        pid = meta["post_key"]
        # the watched account's own favourite or boost of its status is no one's interaction with it
        items = [self.interaction(acc, meta["kind"], actor_from_account(p, acc["_domain"]), post_id=pid,
                                  post_url=meta.get("post_url"), raw=p)
                 for p in people if str(p.get("id")) != acc.get("_id")]
        yield self.batch(acc, items)
        nxt = next_link(response.headers.get("Link"))
        if nxt and people:
            yield self.request(response.urljoin(nxt), self.parse_people, acc, post=pid,
                               meta={k: meta[k] for k in ("what", "kind", "post_url")})

    def parse_followers(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        people = self.json(response)
        items = [self.interaction(acc, "follow", actor_from_account(p, acc["_domain"]), raw=p) for p in people]
        known = meta.get("known") or set()
        all_known = bool(known) and bool(items) and all(i.actor.actor_key in known for i in items)
        nxt = next_link(response.headers.get("Link"))
        if nxt and people and not all_known:
            yield self.batch(acc, items)
            yield self.request(response.urljoin(nxt), self.parse_followers, acc,
                               meta={k: meta[k] for k in ("what", "followers_count", "known")})
        else:
            yield self.batch(acc, items, account_cursors={
                "followers": {"count": meta.get("followers_count"), "complete": True}})
