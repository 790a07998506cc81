"""X API v2 (the user's own bearer token, ``[platforms.x] api_key_env``).

users/by/username -> the user's tweets (``exclude=retweets``; the first run from
the window's start, later runs ``since_id`` the newest seen, plus a lookup of the
window's stored posts for their ``public_metrics``) -> per post, when its count
moved: liking_users, retweeted_by, quote_tweets (``expansions=author_id``) and
recent search ``conversation_id:ID`` for replies; and followers. Pages follow
``meta.next_token`` while it is given.

What X allows shapes the rest: followers need Enterprise access (a 403
``client-not-enrolled`` is a note on the account, remembered until the weekly
full pass); recent search reaches back 7 days, older replies cannot be listed;
likes carry no time. Rate limits are per endpoint (``RATE_LIMIT_SCOPE``) and come
as ``x-rate-limit-remaining`` / ``x-rate-limit-reset`` (epoch seconds, no
Retry-After): the retry middleware pauses that endpoint when the wait fits
``[crawl] max_retry_wait``, else the account is deferred to the next run. X's
monthly usage cap (429 ``usage-capped``) is never retried: it defers every X
account of the run. A protected account, or a 403 on the user or its posts,
stops the account with X's words and moves no cursor. The monthly read cap (``[platforms.x]
monthly_read_cap``) is a budget kept in the database: posts read are counted
per month, requests that return posts are planned newest first, and what did
not fit is named in the account's summary. Actors are keyed by the user id.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from typing import Iterable
from urllib.parse import quote, urlencode

from crawler import accountstats
from crawler.middlewares import loads
from crawler.spiders.api import ApiSpider
from crawler.spiders.base import StopAccount, iso, parse_time
from storage import platforms as registry
from storage.records import Actor, Interaction, Post

PLATFORM = registry.get("x")
X_EPOCH_MS = 1288834974657
PAGE = 100
FOLLOWERS_PAGE = 1000
LOOKUP_IDS = 100
#: how far back recent search reaches (docs.x.com: the last 7 days)
SEARCH_DAYS = 7
#: a ``since_id`` older than this is left out of a recent search: X rejects one from before its
#: 7 days with 400 Invalid Request (half a day to spare for the run's length and clocks)
SINCE_ID_DAYS = 6.5
TWEET_FIELDS = "created_at,public_metrics,conversation_id,in_reply_to_user_id,referenced_tweets,author_id"
USER_FIELDS = "created_at,description"
#: the watched user's own lookup: its followers count, and whether only approved followers see it
OWN_USER_FIELDS = "public_metrics,protected," + USER_FIELDS
#: listings a 403 refuses for the token's kind (app-only, not enrolled): the same all run long
TOKEN_REFUSALS = ("unsupported-authentication", "client-forbidden")
ENTERPRISE_NOTE = "followers: X lists them for Enterprise access only (403 client-not-enrolled)"


def snowflake_time(tweet_id: str) -> datetime | None:
    """When an X id was made (the high bits are milliseconds since X's epoch)."""
    try:
        ms = (int(tweet_id) >> 22) + X_EPOCH_MS
    except (TypeError, ValueError):
        return None
    return datetime.fromtimestamp(ms / 1000, timezone.utc)


def actor_from_user(u: dict, origin: str) -> Actor:
    username = u.get("username")
    return Actor(platform="x", actor_key=str(u["id"]), handle=username, display_name=u.get("name") or None,
                 bio=u.get("description") or None,
                 profile_url=f"{origin}/{username}" if username else None, platform_id=str(u["id"]))


def tweet_counts(t: dict) -> dict[str, int | None]:
    m = t.get("public_metrics") or {}
    return {"replies": m.get("reply_count"), "likes": m.get("like_count"),
            "reposts": m.get("retweet_count"), "quotes": m.get("quote_count")}


def replied_to(t: dict) -> str | None:
    """The id a tweet replies to (``referenced_tweets`` type ``replied_to``; newer specs: referenced_posts)."""
    for ref in t.get("referenced_tweets") or t.get("referenced_posts") or []:
        if ref.get("type") == "replied_to":
            return str(ref.get("id"))
    return None


def to_post(t: dict, target: str, origin: str, username: str) -> Post:
    m = t.get("public_metrics") or {}
    return Post(platform="x", post_id=t["id"], account=target, url=f"{origin}/{username}/status/{t['id']}",
                created_at=t.get("created_at"), text=(t.get("text") or "")[:500] or None,
                reply_count=m.get("reply_count"), like_count=m.get("like_count"),
                repost_count=m.get("retweet_count"), quote_count=m.get("quote_count"))


def conversation_interactions(data: dict, *, uid: str, target: str, origin: str, conversation: str,
                              own_root: bool) -> tuple[list[Interaction], int]:
    """Replies of a recent-search answer -> comments and replies; and how many were left out.

    A tweet in reply to the watched user (``in_reply_to_user_id``, its ``replied_to``
    tweet being theirs) is a comment on that tweet; any other tweet of a conversation
    the watched account started is a reply, on the conversation's first post. In a
    conversation someone else started only the comments are the account's business.
    The account's own tweets are posts, never interactions.
    """
    users = users_by_id(data)
    out, skipped = [], 0
    for t in data.get("data") or []:
        author = str(t.get("author_id") or "")
        if not author or author == uid:
            continue
        parent = replied_to(t)
        to_account = str(t.get("in_reply_to_user_id") or "") == uid
        if to_account or (own_root and parent == conversation):
            # a reply to one of the account's posts (the first post when no replied_to is given)
            kind, on = "comment", parent or conversation
        elif own_root:
            kind, on = "reply", conversation
        else:
            skipped += 1
            continue
        user = users.get(author) or {"id": author}     # without expansions=author_id: the id alone
        out.append(Interaction(
            platform="x", kind=kind, target_account=target, actor=actor_from_user(user, origin), post_id=on,
            post_url=f"{origin}/{target}/status/{on}", interaction_id=t["id"], parent_id=parent,
            url=f"{origin}/{user.get('username') or 'i/web'}/status/{t['id']}", text=t.get("text"),
            created_at=t.get("created_at"), raw=t))
    return out, skipped


def users_by_id(data: dict) -> dict[str, dict]:
    """``includes.users`` of an answer by id (ids as text, whatever the server sent)."""
    return {str(u["id"]): u for u in (data.get("includes") or {}).get("users") or [] if "id" in u}


def problem_type(body: dict | None) -> str:
    """The last part of an X problem's ``type`` (``usage-capped``, ``client-forbidden``), or ''."""
    if not isinstance(body, dict):
        return ""
    return str(body.get("type") or "").rstrip("/").rsplit("/", 1)[-1]


def problem_text(body: dict | None, status: int) -> str:
    """A one-line reason from an X error body (problem JSON, or ``errors`` in a 200)."""
    if not isinstance(body, dict):
        return f"HTTP {status}"
    if body.get("title") or body.get("detail"):
        parts = [str(body.get("title") or ""), str(body.get("reason") or body.get("detail") or "")]
        return f"{status} " + ": ".join(p for p in parts if p)
    errs = body.get("errors") or []
    if errs and isinstance(errs[0], dict):
        e = errs[0]
        return f"{status} {e.get('title') or ''}: {e.get('detail') or e.get('message') or ''}".strip()
    return f"HTTP {status}"


class ReadBudget:
    """The month's post reads: what the cap allows, what this run reserved and spent.

    A request that returns posts reserves its page size before it is sent and
    settles with what the page held, so requests in flight never overspend.
    Requests are issued newest post first; once one does not fit, none after it
    is sent (``closed``), so what is read is the newest and what waits is older.
    """

    def __init__(self, cap: int | None, spent_before: int):
        self.cap = cap
        self.spent_before = spent_before
        self.reserved = 0
        self.spent = 0
        self.closed = False

    @property
    def left(self) -> int | None:
        if self.cap is None:
            return None
        return max(0, self.cap - self.spent_before - self.spent - self.reserved)

    def reserve(self, n: int) -> bool:
        if self.cap is not None and (self.closed or n > self.left):
            self.closed = True
            return False
        self.reserved += n
        return True

    def settle(self, reserved: int, read: int) -> None:
        self.reserved = max(0, self.reserved - reserved)
        self.spent += read


class XSpider(ApiSpider):
    name = "x"
    platform = "x"
    DEFAULT_BASE_URL = PLATFORM.base_url
    WEB_HOSTS = PLATFORM.web_hosts
    HANDLED_STATUSES = (400, 401, 403, 404, 405, 410, 429, 501)
    RATE_LIMIT_SCOPE = "endpoint"       # docs.x.com: "Each endpoint has its own limit"
    PATIENT_SERVER_ERRORS = True        # docs.x.com: 503 "overloaded", wait and retry

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        # a lookup of 100 ids is a URL of about 2,300 characters, which X accepts and Scrapy's
        # default limit (2,083) would drop without a word
        settings.set("URLLENGTH_LIMIT", max(settings.getint("URLLENGTH_LIMIT", 2083), 4096), priority="spider")

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.budget: ReadBudget | None = None
        self.left_for_later: dict[int, int] = {}
        #: listings X refused for this token (403 unsupported-authentication): path -> reason
        self.refused_listings: dict[str, str] = {}

    def configure(self, settings) -> None:
        super().configure(settings)
        self.key_env = self.pconf.get("api_key_env") or PLATFORM.api_key_env
        self.token = (os.environ.get(self.key_env) or "").strip()
        self.month = self.now.strftime("%Y-%m")

    # ---- the read budget ----------------------------------------------------------------
    def read_budget(self) -> ReadBudget:
        if self.budget is None:
            spent = 0
            cap = self.pconf.get("monthly_read_cap")
            if cap is not None and self.db_path:
                from storage.queries import reads as reads_q
                spent = reads_q.spent(self.reader(), "x", self.month)
            self.budget = ReadBudget(cap, spent)
        return self.budget

    def cap_reached(self, acc: dict, what: str) -> None:
        """A request that returns posts does not fit in the month's cap: left for a later run.

        The account is not failed: what was read is kept with its cursors (a post
        with a listing left over keeps no counts, so a later run lists it again).
        """
        aid = acc["id"]
        self.left_for_later[aid] = self.left_for_later.get(aid, 0) + 1
        if what == "tweets":
            acc["_timeline_cut"] = True
        self.cap_message(acc)

    def cap_message(self, acc: dict) -> None:
        aid = acc["id"]
        n = self.left_for_later.get(aid)
        if not n:
            return
        b = self.read_budget()
        stats = self.crawler.stats
        old = accountstats.get(stats, aid, "message", None)
        if accountstats.status(stats, aid) in ("ok", "budget") and (not old or old.startswith("X monthly")):
            # set, not recorded once: the count of what waits grows while the run goes on
            stats.set_value(accountstats.key(aid, "status"), "budget")
            stats.set_value(accountstats.key(aid, "message"), (
                f"X monthly read cap reached ({b.spent_before + b.spent} of {b.cap} posts read in {self.month}): "
                f"{n} listing(s) left for a later run (the newest posts were read first)"))

    def account_complete(self, account: dict) -> Iterable:
        """As any account, except that a timeline cut short by the cap does not move ``since_id``."""
        if account.get("_timeline_cut"):
            self.account_done_patch.get(account["id"], {}).pop("newest_id", None)
        # posts with a listing left over are looked up again next run, even past the look-back
        self.account_done_patch.setdefault(account["id"], {})["pending_posts"] = sorted(
            account.get("_left_posts") or (), key=int)
        for item in super().account_complete(account):
            if account.get("_timeline_cut") and not (account.get("cursors") or {}).get("listed"):
                item.account_cursors.pop("listed", None)
            yield item
        self.cap_message(account)

    def post_request(self, url_base: str, params: dict, callback, acc: dict, *, post: str | None,
                     meta: dict, what: str):
        """A request that returns posts, if the read budget has room for its page; else None."""
        n = int(params.get("max_results") or len(str(params.get("ids") or "x").split(",")))
        if not self.read_budget().reserve(n):
            self.cap_reached(acc, what)
            if post is not None:
                self.post_done_state.pop((acc["id"], post), None)    # its counts are not settled
                acc.setdefault("_left_posts", set()).add(post)
            return None
        return self.api(url_base, params, callback, acc, post=post, meta={**meta, "reserved": n, "what": what})

    def settle(self, response, read: int) -> tuple[str, int] | None:
        n = response.meta.get("reserved")
        if n is None:
            return None
        response.meta["reserved"] = None
        self.read_budget().settle(n, read)
        return (self.month, read) if read else None

    # ---- requests -------------------------------------------------------------------------
    def api(self, path: str, params: dict, callback, acc: dict, *, post: str | None = None,
            meta: dict | None = None):
        query = urlencode({k: v for k, v in params.items() if v is not None})
        url = f"{acc['_base']}{path}" + (f"?{query}" if query else "")
        return self.request(url, callback, acc, post=post, meta=meta,
                            headers={"Authorization": f"Bearer {self.token}"})

    async def start(self):
        if not self.token:
            for acc in self.accounts.values():
                self.fail_account(acc["id"], f"no X bearer token: set {self.key_env} (or collect X by capture)",
                                  "skipped")
            return
        for acc in self.accounts.values():
            stopped = accountstats.stopped(self.crawler.stats)
            if stopped is not None:         # the monthly usage cap answered: nothing more is asked
                self.fail_account(acc["id"], stopped[1], stopped[0])
                continue
            acc["_base"] = self.base_url(acc)
            username = (acc.get("display_handle") or acc["handle"]).strip().lstrip("@")
            acc["_username"] = username
            yield self.api(f"/2/users/by/username/{quote(username)}", {"user.fields": OWN_USER_FIELDS},
                           self.parse_user, acc, meta={"what": "user"})

    def rate_limit_scope(self, url: str) -> str:
        """Host and endpoint: ``/2/tweets/:id/liking_users``, ``/2/users/by/username/:username``."""
        scope = super().rate_limit_scope(url)
        head, sep, _ = scope.partition("/2/users/by/username/")
        return head + sep + ":username" if sep else scope

    def quota_spent(self, response) -> bool:
        """A 429 for the month's usage cap (``type`` .../usage-capped), not the 15-minute window:
        read by the retry middleware, which then neither retries nor waits."""
        if response.status != 429:
            return False
        try:
            body = loads(response.body)         # only a 429's small body; not tied to its request yet
        except (ValueError, UnicodeDecodeError):
            return False
        return problem_type(body) == "usage-capped"

    def base_url(self, account: dict) -> str | None:
        """Only ``[platforms.x] base_url`` (default ``https://api.x.com``): the bearer token goes
        nowhere else, so a watchlist ``url`` (reviewed like code, but written by people) can
        never steer it to another host."""
        return (self.pconf.get("base_url") or self.DEFAULT_BASE_URL or "").rstrip("/")

    def target(self, acc: dict) -> str:
        return acc.get("display_handle") or acc["handle"]

    def site(self, acc: dict) -> str:
        return self.web_origin(acc, "https://x.com")

    # ---- errors -----------------------------------------------------------------------------
    def on_error_response(self, response) -> Iterable:
        meta = response.meta
        acc = self.accounts[meta["account_id"]]
        what = meta.get("what", "request")
        self.settle(response, 0)
        try:
            body = self.json(response)
        except ValueError:
            body = None
        reason = problem_text(body, response.status)
        kind = problem_type(body)
        if response.status == 429:
            if kind == "usage-capped":
                # X's count for the App, not this account's: every X account of the run waits
                message = (f"X says the monthly usage cap is spent ({reason}): every X account of this run "
                           f"is deferred to a later run, no further request was sent")
                accountstats.stop_all(self.crawler.stats, message, "budget")
                raise StopAccount(message, "budget")
            remaining = response.headers.get("x-rate-limit-remaining")
            if remaining and remaining.decode().strip().isdigit() and int(remaining.decode()) > 0:
                acc["_deferred"] = True
                raise StopAccount(f"X answered 429 Too Many Requests to {what} again and again with "
                                  f"{int(remaining.decode())} requests left in the window (too many at once, "
                                  f"not the window's limit): deferred to the next run", "budget")
            reset = response.headers.get("x-rate-limit-reset")
            until = ""
            if reset:
                try:
                    until = " until " + datetime.fromtimestamp(int(reset.decode()), timezone.utc).strftime(
                        "%H:%M:%S UTC")
                except ValueError:
                    pass
            acc["_deferred"] = True
            raise StopAccount(f"X rate limit of {what}{until}, longer than [crawl] max_retry_wait: "
                              f"deferred to the next run", "budget")
        if response.status == 401:
            raise StopAccount(f"X refused the bearer token in {self.key_env} ({reason})")
        if what == "tweets lookup":
            # a server without the lookup (or refusing it): the window's timeline gives the same counts
            if not acc.get("_relisted"):
                acc["_relisted"] = True
                self.note(acc["id"], f"tweets lookup unavailable ({reason}): the window's timeline read again")
                req = self.timeline(acc, {"start_time": iso(self.cutoff(acc))})
                if req is not None:
                    yield req
            return
        if response.status == 403:
            if what in ("user", "tweets"):
                # without the user or its posts nothing of the account can be read: not a note
                raise StopAccount(f"X refused {'the user lookup' if what == 'user' else 'the posts'} of "
                                  f"@{acc['_username']}: {reason}")
            if what == "followers":
                self.note(acc["id"], ENTERPRISE_NOTE)
                yield self.batch(acc, account_cursors={"followers": {"forbidden": True, "complete": False}})
                return
            if kind in TOKEN_REFUSALS and meta.get("path"):
                # the token's kind is refused: no other post's listing will fare better this run
                self.refused_listings.setdefault(meta["path"], f"{what}: {reason}")
                self.refused_note(acc, meta["path"])
                return
            self.note(acc["id"], f"{what}: {reason}")
            return
        if what == "user":
            raise StopAccount(f"X user @{acc['_username']}: {reason}")
        if response.status == 400 and what == "replies (search)":
            # recent search refused the query (e.g. a since_id older than its 7 days): the
            # conversation's replies wait for the next run, the account goes on
            self.note(acc["id"], f"replies (search): {reason}")
            self.post_done_state.pop((acc["id"], meta.get("post_key")), None)
            acc.setdefault("_left_posts", set()).add(meta.get("post_key"))
            return
        yield from super().on_error_response(response)

    def refused_note(self, acc: dict, path: str) -> None:
        """One note per account for a listing X refuses this token."""
        noted = acc.setdefault("_refused_noted", set())
        if path not in noted:
            noted.add(path)
            self.note(acc["id"], self.refused_listings[path])

    def errors_only(self, acc: dict, data: dict, what: str) -> bool:
        """A 200 whose body holds ``errors`` and no ``data`` (a post or user gone): a note."""
        if data.get("data") is None and data.get("errors"):
            e = data["errors"][0]
            self.note(acc["id"], f"{what}: {e.get('title') or 'error'}")
            return True
        return False

    def _errback(self, failure):
        meta = failure.request.meta
        if meta.get("reserved"):
            self.read_budget().settle(meta["reserved"], 0)
            meta["reserved"] = None
        yield from super()._errback(failure)

    # ---- the account --------------------------------------------------------------------------
    def parse_user(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        user = data.get("data")
        if not user:
            raise StopAccount(f"X user @{acc['_username']}: {problem_text(data, 200)}")
        uid = acc["_uid"] = str(user["id"])
        yield self.batch(acc, platform_id=uid)
        if user.get("protected"):
            # X answers its timeline with an Authorization Error only: nothing to read, and the
            # account must not count as listed (the run after it is unprotected starts at since)
            raise StopAccount(f"X user @{acc['_username']} is protected: X shows its posts to approved "
                              f"followers only, nothing was collected (capture by an approved follower "
                              f"is the only way)", "skipped")
        cursors = acc.get("cursors") or {}
        kinds = self.kinds(acc)
        newest = cursors.get("newest_id") if cursors.get("listed") else None
        acc["_newest"] = newest
        if newest:
            req = self.timeline(acc, {"since_id": newest})
            if req is not None:
                yield req
            yield from self.lookups(acc)
        else:
            req = self.timeline(acc, {"start_time": iso(self.cutoff(acc))})
            if req is not None:
                yield req
        if "follow" in kinds:
            fc = (user.get("public_metrics") or {}).get("followers_count")
            prev = cursors.get("followers") or {}
            if prev.get("forbidden") and not self.full_pass(acc):
                self.note(acc["id"], ENTERPRISE_NOTE)
            elif fc != 0 and (self.full_pass(acc) or not prev.get("complete") or prev.get("count") != fc):
                early = bool(prev.get("complete")) and not self.full_pass(acc)
                known = self.known_actors(acc, "follow") if early else set()
                yield self.api(f"/2/users/{uid}/followers",
                               {"max_results": self.page(FOLLOWERS_PAGE), "user.fields": USER_FIELDS},
                               self.parse_followers, acc, meta={"what": "followers", "count": fc, "known": known})

    def timeline(self, acc: dict, extra: dict, token: str | None = None):
        params = {"max_results": max(5, self.page(PAGE)), "exclude": "retweets", "tweet.fields": TWEET_FIELDS,
                  **extra, "pagination_token": token}
        return self.post_request(f"/2/users/{acc['_uid']}/tweets", params, self.parse_timeline, acc, post=None,
                                 meta={"extra": extra}, what="tweets")

    def lookups(self, acc: dict) -> Iterable:
        """The window's stored posts again, for their public_metrics (later runs)."""
        cutoff = self.cutoff(acc)
        pending = set((acc.get("cursors") or {}).get("pending_posts") or ())
        ids = sorted((pid for pid in self.load_state(acc)
                      if pid in pending or ((t := snowflake_time(pid)) and t >= cutoff)), key=int, reverse=True)
        for i in range(0, len(ids), LOOKUP_IDS):
            chunk = ids[i:i + LOOKUP_IDS]
            req = self.post_request("/2/tweets", {"ids": ",".join(chunk), "tweet.fields": TWEET_FIELDS,
                                                  "max_results": None},
                                    self.parse_lookup, acc, post=None, meta={"n": len(chunk)}, what="tweets lookup")
            if req is None:
                break
            yield req

    def parse_timeline(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        tweets = data.get("data") or []
        reads = self.settle(response, len(tweets))
        if data.get("data") is None and data.get("errors"):
            # a 200 with errors only (protected since the lookup, suspended: X's "Authorization
            # Error", section "data"): the posts were not listed, so no cursor may move
            raise StopAccount(f"X did not list the posts of @{acc['_username']}: {problem_text(data, 200)}")
        meta = data.get("meta") or {}
        newest = meta.get("newest_id")
        if newest and (acc.get("_newest") is None or int(newest) > int(acc["_newest"])):
            acc["_newest"] = newest
            self.account_done_patch.setdefault(acc["id"], {})["newest_id"] = newest
        yield from self.own_tweets(acc, tweets, reads)
        token = meta.get("next_token")
        req = None
        if token and not acc.get("_deferred"):
            req = self.timeline(acc, response.meta["extra"], token)
        if req is not None:
            yield req
        else:
            yield from self.decide_conversations(acc)

    def decide_conversations(self, acc: dict) -> Iterable:
        """The timeline is read: conversations of the account's replies whose first post did
        not turn up are someone else's (only direct replies to the account count there)."""
        searched = acc.setdefault("_searched", set())
        for conv, tid in (acc.pop("_undecided", None) or {}).items():
            if conv not in searched:
                searched.add(conv)
                own = conv in acc.get("_seen", ()) or conv in self.load_state(acc)
                req = self.search(acc, conv, own, tid)
                if req is not None:
                    yield req
            yield from self.release(acc, tid)
    def parse_lookup(self, response):
        acc = self.accounts[response.meta["account_id"]]
        data = self.json(response)
        tweets = data.get("data") or []
        reads = self.settle(response, len(tweets))
        errors = data.get("errors") or []
        gone = [e for e in errors if problem_type(e) == "resource-not-found"]
        if gone:
            self.note(acc["id"], "posts gone", len(gone))
        others: dict[str, int] = {}
        for e in errors:
            if problem_type(e) != "resource-not-found":
                title = str(e.get("title") or problem_type(e) or "error")
                others[title] = others.get(title, 0) + 1
        for title, n in others.items():         # e.g. Authorization Error: posts turned protected
            self.note(acc["id"], f"posts not readable in the lookup ({title})", n)
        yield from self.own_tweets(acc, tweets, reads)

    def own_tweets(self, acc: dict, tweets: list[dict], reads) -> Iterable:
        """Posts of the account (its replies too) -> post records and the listings that moved."""
        kinds = self.kinds(acc)
        target, origin, uid = self.target(acc), self.site(acc), acc["_uid"]
        searched = acc.setdefault("_searched", set())
        seen = acc.setdefault("_seen", set())
        search_floor = self.now - timedelta(days=SEARCH_DAYS)
        posts, requests, post_cursors = [], [], {}
        for t in tweets:
            tid = str(t["id"])
            if tid in seen or (t.get("author_id") and str(t["author_id"]) != uid):
                continue
            seen.add(tid)
            posts.append(to_post(t, target, origin, acc["_username"]))
            wanted = self.plan_post(acc, tid, tweet_counts(t))
            url = f"{origin}/{acc['_username']}/status/{tid}"
            n = 0
            if "replies" in wanted and kinds & {"comment", "reply"}:
                conv = str(t.get("conversation_id") or tid)
                created = parse_time(t.get("created_at")) or snowflake_time(tid)
                if created and created < search_floor:
                    self.note(acc["id"], "posts with replies older than 7 days (recent search cannot list those)")
                if conv in searched:
                    pass
                elif conv == tid or conv in seen or conv in self.load_state(acc):
                    searched.add(conv)          # a conversation the account started
                    req = self.search(acc, conv, True, tid, since_id=self.recent_since_id(self.newest_reply(acc, conv)))
                    if req is not None:
                        requests.append(req)
                        n += 1
                else:
                    # a reply of the account whose first post is not known yet: its own post may come
                    # on a later page of the timeline; decided when the timeline ends
                    undecided = acc.setdefault("_undecided", {})
                    if conv not in undecided:
                        undecided[conv] = tid
                        self.hold(acc, tid)
                        n += int(tid == undecided[conv])
            for count, kind, path, what in (("likes", "like", "liking_users", "liking_users"),
                                            ("reposts", "repost", "retweeted_by", "retweeted_by")):
                if count in wanted and kind in kinds and path in self.refused_listings:
                    self.refused_note(acc, path)
                elif count in wanted and kind in kinds:
                    requests.append(self.api(f"/2/tweets/{tid}/{path}",
                                             {"max_results": self.page(PAGE), "user.fields": USER_FIELDS},
                                             self.parse_users, acc, post=tid,
                                             meta={"what": what, "kind": kind, "path": path, "post_url": url}))
                    n += 1
            if "quotes" in wanted and "quote" in kinds:
                req = self.quotes(acc, tid, url, tweet_counts(t)["quotes"])
                if req is not None:
                    requests.append(req)
                    n += 1
            if n == 0 and (acc["id"], tid) in self.post_done_state:
                post_cursors[tid] = self.post_done_state.pop((acc["id"], tid))
        yield self.batch(acc, posts=posts, post_cursors=post_cursors, reads=reads)
        yield from requests

    def newest_reply(self, acc: dict, conversation: str) -> str | None:
        """The newest reply a complete search of the conversation saw (not on a full pass, which
        searches whole conversations again for replies X indexed late)."""
        if self.full_pass(acc):
            return None
        return (self.load_state(acc).get(conversation) or {}).get("newest_reply")

    def recent_since_id(self, since_id: str | None) -> str | None:
        """``since_id`` if recent search still takes it: X answers 400 to one older than its 7 days,
        so an older one is left out and the conversation's replies are searched whole."""
        made = snowflake_time(since_id) if since_id else None
        if made is None or made < self.now - timedelta(days=SINCE_ID_DAYS):
            return None
        return since_id

    def search(self, acc: dict, conversation: str, own_root: bool, post: str, token: str | None = None,
               since_id: str | None = None, newest: str | None = None):
        """Recent search of one conversation; with ``since_id`` only replies newer than the newest
        seen (a live thread re-read each night costs a request, no reads, when nothing is new)."""
        params = {"query": f"conversation_id:{conversation}", "max_results": max(10, self.page(PAGE)),
                  "expansions": "author_id", "tweet.fields": TWEET_FIELDS, "user.fields": USER_FIELDS,
                  "since_id": since_id, "next_token": token}
        return self.post_request("/2/tweets/search/recent", params, self.parse_search, acc, post=post,
                                 meta={"conversation": conversation, "own_root": own_root, "since_id": since_id,
                                       "newest": newest}, what="replies (search)")

    def quotes(self, acc: dict, tid: str, url: str, expected: int | None, token: str | None = None):
        size = max(10, min(self.page(PAGE), expected or PAGE))
        params = {"max_results": size, "expansions": "author_id", "tweet.fields": TWEET_FIELDS,
                  "user.fields": USER_FIELDS, "pagination_token": token}
        return self.post_request(f"/2/tweets/{tid}/quote_tweets", params, self.parse_quotes, acc, post=tid,
                                 meta={"post_url": url, "tid": tid}, what="quote_tweets")

    # ---- listings ------------------------------------------------------------------------------
    def parse_search(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        data = self.json(response)
        reads = self.settle(response, len(data.get("data") or []))
        items, skipped = conversation_interactions(
            data, uid=acc["_uid"], target=self.target(acc), origin=self.site(acc),
            conversation=meta["conversation"], own_root=meta["own_root"])
        if skipped:
            self.note(acc["id"], "replies in others' threads left out", skipped)
        newest = meta.get("newest") or (data.get("meta") or {}).get("newest_id")
        token = (data.get("meta") or {}).get("next_token")
        done = {}
        if not token and newest and meta["own_root"]:
            # the conversation is read to its end: later runs ask only for what is newer
            done = {meta["conversation"]: {"newest_reply": newest}}
        yield self.batch(acc, items, reads=reads, post_cursors=done)
        if token and not acc.get("_deferred"):
            req = self.search(acc, meta["conversation"], meta["own_root"], meta["post_key"], token,
                              since_id=meta.get("since_id"), newest=newest)
            if req is not None:
                yield req

    def parse_users(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        data = self.json(response)
        if self.errors_only(acc, data, meta["what"]):
            return
        origin = self.site(acc)
        items = [Interaction(platform="x", kind=meta["kind"], target_account=self.target(acc),
                             actor=actor_from_user(u, origin), post_id=meta["post_key"], post_url=meta["post_url"],
                             raw=u)
                 for u in data.get("data") or []]
        yield self.batch(acc, items)
        token = (data.get("meta") or {}).get("next_token")
        if token and not acc.get("_deferred"):
            yield self.api(f"/2/tweets/{meta['post_key']}/{meta['path']}",
                           {"max_results": self.page(PAGE), "user.fields": USER_FIELDS, "pagination_token": token},
                           self.parse_users, acc, post=meta["post_key"],
                           meta={k: meta[k] for k in ("what", "kind", "path", "post_url")})

    def parse_quotes(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        data = self.json(response)
        reads = self.settle(response, len(data.get("data") or []))
        if self.errors_only(acc, data, "quote_tweets"):
            return
        origin = self.site(acc)
        users = users_by_id(data)
        items = []
        for q in data.get("data") or []:
            author = str(q.get("author_id") or "")
            if not author or author == acc["_uid"]:
                continue
            user = users.get(author) or {"id": author}
            items.append(Interaction(
                platform="x", kind="quote", target_account=self.target(acc), actor=actor_from_user(user, origin),
                post_id=meta["tid"], post_url=meta["post_url"], interaction_id=q["id"],
                url=f"{origin}/{user.get('username') or 'i/web'}/status/{q['id']}", text=q.get("text"),
                created_at=q.get("created_at"), raw=q))
        yield self.batch(acc, items, reads=reads)
        token = (data.get("meta") or {}).get("next_token")
        if token and not acc.get("_deferred"):
            req = self.quotes(acc, meta["tid"], meta["post_url"], PAGE, token)
            if req is not None:
                yield req

    def parse_followers(self, response):
        acc = self.accounts[response.meta["account_id"]]
        meta = response.meta
        data = self.json(response)
        if self.errors_only(acc, data, "followers"):
            return
        origin = self.site(acc)
        items = [Interaction(platform="x", kind="follow", target_account=self.target(acc),
                             actor=actor_from_user(u, origin), raw=u) for u in data.get("data") or []]
        known = meta.get("known") or set()
        all_known = bool(known) and bool(items) and all(i.actor.actor_key in known for i in items)
        token = (data.get("meta") or {}).get("next_token")
        if token and not all_known and not acc.get("_deferred"):
            yield self.batch(acc, items)
            yield self.api(f"/2/users/{acc['_uid']}/followers",
                           {"max_results": self.page(FOLLOWERS_PAGE), "user.fields": USER_FIELDS,
                            "pagination_token": token},
                           self.parse_followers, acc, meta={k: meta[k] for k in ("what", "count", "known")})
        else:
            yield self.batch(acc, items, account_cursors={
                "followers": {"count": meta.get("count"), "complete": True, "forbidden": False}})
