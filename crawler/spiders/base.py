"""PlatformSpider: what every spider shares.

Its accounts, where their requests go (base_url), the since-date and look-back
window, incremental state (cursors), and bookkeeping that decides when a post or
an account is *completely* fetched, so its cursor may advance. Spiders only
yield requests and ``Batch`` items; the pipeline writes, the middlewares retry.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterable
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.items import Batch
from storage.records import Actor, Interaction, Post

log = logging.getLogger(__name__)


def origin_of(url: str | None) -> str | None:
    if not url:
        return None
    u = urlsplit(url.strip())
    if u.scheme in ("http", "https") and u.netloc:
        return f"{u.scheme}://{u.netloc}"
    return None


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 (``Z`` or offset) -> aware UTC datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)


def html_to_text(value: str | None) -> str | None:
    """Mastodon and YouTube send HTML; people are matched on what was written, not markup."""
    if value is None:
        return None
    text = _BREAK.sub("\n", value)
    text = _TAG.sub("", text)
    return html.unescape(text).strip()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


class PlatformSpider(scrapy.Spider):
    """Base of every Pantau spider. Subclasses set ``name`` and ``DEFAULT_BASE_URL``.

    Completion tracking: every request made through :meth:`request` counts as
    pending for its account and (if any) its post. When the last pending
    request of a post ends without failure, :meth:`post_complete` yields the
    cursor that records it as fetched; when an account's last one ends, the
    account is stamped as crawled. A failure anywhere keeps the old cursors,
    so the next run fetches that part again.
    """

    name = "platform"
    platform = ""
    DEFAULT_BASE_URL: str | None = None
    #: hosts of the platform's web pages, which are not where its API lives
    WEB_HOSTS: tuple[str, ...] = ()
    #: statuses the callbacks handle themselves (others fail the request)
    HANDLED_STATUSES: tuple[int, ...] = (400, 401, 403, 404, 410)

    def __init__(self, *args, config: dict | None = None, accounts: list[dict] | None = None, **kw):
        super().__init__(*args, **kw)
        self.config = config or {}
        self.accounts = {a["id"]: a for a in (accounts or [])}
        self.account_stats: dict[int, dict] = {}
        self._pending: Counter = Counter()
        self._failed: set = set()
        self._closing = False
        self.finished: set[int] = set()
        self.post_states: dict[int, dict[str, dict]] = {}
        self.post_done_state: dict[tuple[int, str], dict] = {}
        self.account_done_patch: dict[int, dict] = {}
        crawl = self.config.get("crawl") or {}
        self.lookback_days = int(crawl.get("lookback_days", 30))
        self.full_pass_days = int(crawl.get("full_pass_days", 7))
        self.default_since = crawl.get("since")
        today = self.config.get("today")
        self.now = utcnow() if not today else datetime.fromisoformat(today).replace(tzinfo=timezone.utc)
        self.pconf = (self.config.get("platforms") or {}).get(self.platform) or {}
        for aid in self.accounts:
            self.stats_for(aid)

    # ---- per-account figures ------------------------------------------------------------
    def stats_for(self, account_id: int) -> dict:
        st = self.account_stats.get(account_id)
        if st is None:
            st = self.account_stats[account_id] = {
                "requests": 0, "items": 0, "new_items": 0, "retries": 0, "errors": 0,
                "status": "ok", "message": None, "budget_spent": False, "last_error": None,
                "notes": Counter(),
            }
        return st

    def fail_account(self, account_id: int, message: str, status: str = "failed") -> None:
        """The account could not be (fully) collected; its summary names why."""
        st = self.stats_for(account_id)
        rank = {"ok": 0, "skipped": 1, "budget": 2, "failed": 3}
        if rank.get(status, 3) >= rank.get(st["status"], 0):
            st["status"] = status
        if not st["message"]:
            st["message"] = message
        self._failed.add(("account", account_id))
        self.logger.warning("%s %s: %s", self.platform, self.accounts.get(account_id, {}).get("handle"), message)

    def note(self, account_id: int, what: str, n: int = 1) -> None:
        """Expected conditions worth counting (comments disabled, followers hidden)."""
        self.stats_for(account_id)["notes"][what] += n

    # ---- where requests go --------------------------------------------------------------
    def base_url(self, account: dict) -> str | None:
        """The API origin: the account's url, then [platforms.NAME] base_url, then the default."""
        own = origin_of(account.get("url"))
        if own and urlsplit(own).hostname not in self.WEB_HOSTS:
            return own
        if self.pconf.get("base_url"):
            return self.pconf["base_url"].rstrip("/")
        fallback = self.handle_origin(account)
        if fallback:
            return fallback
        return self.DEFAULT_BASE_URL

    def handle_origin(self, account: dict) -> str | None:
        return None

    def web_origin(self, account: dict, default: str) -> str:
        """Where people see the posts: the account's own url's origin, else the platform's site."""
        return origin_of(account.get("url")) or default

    # ---- time window --------------------------------------------------------------------
    def since(self, account: dict) -> datetime:
        """The campaign start: the account's ``since``, else [crawl] since, else the look-back."""
        value = account.get("since") or self.default_since
        if value:
            d = date.fromisoformat(str(value)[:10])
            return datetime(d.year, d.month, d.day, tzinfo=timezone.utc)
        return self.now - timedelta(days=self.lookback_days)

    def cutoff(self, account: dict) -> datetime:
        """How far back posts are listed in this run.

        The first run (no completed listing yet) goes back to the since-date;
        later runs only as far as the look-back window, posts older than that
        are settled.
        """
        since = self.since(account)
        if not account.get("cursors", {}).get("listed"):
            return since
        return max(since, self.now - timedelta(days=self.lookback_days))

    def full_pass(self, account: dict) -> bool:
        """A full pass re-fetches every post in the window, whatever its counts say."""
        last = parse_time(account.get("last_full_pass_at"))
        return last is None or self.now - last >= timedelta(days=self.full_pass_days)

    def page(self, maximum: int) -> int:
        """Rows per page: the API's maximum unless [platforms.NAME] page_size asks for fewer."""
        ps = self.pconf.get("page_size")
        return max(1, min(int(ps), maximum)) if ps else maximum

    def kinds(self, account: dict) -> set[str]:
        from storage.records import COLLECT_KINDS, KINDS
        collect = account.get("collect") or []
        if not collect:
            return set(KINDS)
        return {k for c in collect for k in COLLECT_KINDS.get(c, ())}

    # ---- requests and completion ----------------------------------------------------------
    def request(self, url: str, callback: Callable, account: dict, *, post: str | None = None,
                meta: dict | None = None, json: bool = True, **kw) -> scrapy.Request:
        aid = account["id"]
        self._pending[("account", aid)] += 1
        if post is not None:
            self._pending[("post", aid, post)] += 1
        m = {"account_id": aid, "post_key": post, "json": json,
             "handle_httpstatus_list": list(self.HANDLED_STATUSES), **(meta or {})}
        return scrapy.Request(url, callback=self._wrap(callback), errback=self._errback, meta=m,
                              dont_filter=kw.pop("dont_filter", True), **kw)

    def _wrap(self, cb: Callable) -> Callable:
        key = getattr(cb, "__func__", cb)
        cache = self.__dict__.setdefault("_wrapped", {})
        if key not in cache:
            cache[key] = self._make_wrapper(cb)
        return cache[key]

    def _make_wrapper(self, cb: Callable) -> Callable:
        def callback(response):
            meta = response.meta
            ok = True
            out: list = []
            try:
                if response.status >= 400:
                    out = list(self.on_error_response(response) or ())
                else:
                    if meta.get("_json_error"):
                        raise ValueError(f"{response.url}: {meta['_json_error']}")
                    out = list(cb(response) or ())
            except CloseSpider:
                raise
            except StopAccount as exc:
                ok = False
                self.fail_account(meta["account_id"], str(exc), exc.status)
            except RequestFailed as exc:
                ok = False
                self.stats_for(meta["account_id"])["errors"] += 1
                self.fail_account(meta["account_id"], str(exc))
            except Exception as exc:  # a payload we cannot read: fail this part, keep going
                ok = False
                self.stats_for(meta["account_id"])["errors"] += 1
                self.fail_account(meta["account_id"], f"{type(exc).__name__}: {exc}")
                self.logger.exception("error in %s", response.url)
            yield from out
            yield from self._release(meta, ok)
        callback.__name__ = getattr(cb, "__name__", "callback")
        return callback

    def _errback(self, failure):
        request = failure.request
        meta = request.meta
        aid = meta["account_id"]
        st = self.stats_for(aid)
        exc = failure.value
        from crawler.middlewares import Refused
        if isinstance(exc, Refused):
            status = "budget" if st.get("budget_spent") else "failed"
            self.fail_account(aid, str(exc), status)
            if status == "failed":
                st["errors"] += 1
        elif isinstance(exc, HttpError):
            st["errors"] += 1
            msg = st.get("last_error") or f"HTTP {exc.response.status} from {request.url}"
            self.fail_account(aid, msg)
        else:
            st["errors"] += 1
            msg = st.get("last_error") or f"{type(exc).__name__}: {exc} ({request.url})"
            if type(exc).__name__ == "IgnoreRequest" and "robots" in str(exc).lower():
                msg = f"forbidden by robots.txt: {request.url}"
            self.fail_account(aid, msg)
        yield from self._release(meta, False)

    def _release(self, meta: dict, ok: bool) -> Iterable:
        aid = meta["account_id"]
        post = meta.get("post_key")
        if post is not None:
            k = ("post", aid, post)
            if not ok:
                self._failed.add(k)
            self._pending[k] -= 1
            if self._pending[k] <= 0:
                del self._pending[k]
                if k not in self._failed and ("account", aid) not in self._failed:
                    yield from self.post_complete(self.accounts[aid], post)
        k = ("account", aid)
        if not ok:
            self._failed.add(k)
        self._pending[k] -= 1
        if self._pending[k] <= 0:
            del self._pending[k]
            if k not in self._failed:
                yield from self.account_complete(self.accounts[aid])

    def hold(self, account: dict, post: str | None = None) -> None:
        """Count work that is not a request (e.g. a post waiting for its listing) as pending."""
        self._pending[("account", account["id"])] += 1
        if post is not None:
            self._pending[("post", account["id"], post)] += 1

    def release(self, account: dict, post: str | None = None, ok: bool = True) -> Iterable:
        return self._release({"account_id": account["id"], "post_key": post}, ok)

    def on_error_response(self, response) -> Iterable:
        """A 4xx the spider receives (platforms override to read their error bodies)."""
        raise RequestFailed(f"HTTP {response.status} from {response.url}: {response.text[:200]!r}")

    def post_complete(self, account: dict, post: str) -> Iterable:
        """Yield the Batch that records ``post`` as completely fetched."""
        state = self.post_done_state.pop((account["id"], post), None)
        if state is not None:
            yield Batch(account_id=account["id"], platform=self.platform, post_cursors={post: state})

    def account_complete(self, account: dict) -> Iterable:
        patch = dict(self.account_done_patch.pop(account["id"], {}))
        patch["listed"] = True
        self.finished.add(account["id"])
        yield Batch(account_id=account["id"], platform=self.platform, account_cursors=patch,
                    done=True, full_pass=self.full_pass(account))

    def reader(self):
        """One read-only connection per spider for crawl state (opening one per account cost
        milliseconds each); closed with the spider. Only the pipeline writes."""
        db = self.__dict__.get("_reader")
        if db is None:
            import storage
            db = self._reader = storage.open_db(self.config["db_path"], migrate=False)
        return db

    def closed(self, reason) -> None:
        db = self.__dict__.pop("_reader", None)
        if db is not None:
            db.close()

    def load_state(self, account: dict) -> dict[str, dict]:
        """Crawl state of the account's stored posts (read-only; only the pipeline writes)."""
        if account["id"] not in self.post_states:
            states: dict[str, dict] = {}
            if self.config.get("db_path"):
                from storage.queries import interactions as iq
                states = iq.post_cursors_of(self.reader(), account["id"])
            self.post_states[account["id"]] = states
        return self.post_states[account["id"]]

    def known_actors(self, account: dict, kind: str) -> set[str]:
        if not self.config.get("db_path"):
            return set()
        from storage.queries import interactions as iq
        return iq.known_actor_keys(self.reader(), account["id"], kind)

    def plan_post(self, account: dict, post_id: str, counts: dict[str, int | None]) -> set[str]:
        """Which listings of a post this run fetches: all on a full pass or for a new post, else
        those whose count changed since the post was last completely fetched."""
        old = (self.load_state(account).get(post_id) or {}).get("seen")
        if self.full_pass(account) or old is None:
            wanted = {k for k, v in counts.items() if v is None or v > 0}
        else:
            wanted = counts_changed(old, counts)
            wanted = {k for k in wanted if counts.get(k) is None or counts[k] > 0}
        if old != counts:
            self.post_done_state[(account["id"], post_id)] = {"seen": counts}
        return wanted

    def json(self, response) -> Any:
        data = response.meta.get("_json")
        if data is None:
            from crawler.middlewares import loads
            data = loads(response.body)
        return data

    # ---- records ---------------------------------------------------------------------------
    def interaction(self, account: dict, kind: str, actor: Actor, **kw) -> Interaction:
        return Interaction(platform=self.platform, kind=kind,
                           target_account=account.get("display_handle") or account["handle"],
                           actor=actor, **kw)

    def post_record(self, account: dict, post_id: str, **kw) -> Post:
        return Post(platform=self.platform, post_id=post_id,
                    account=account.get("display_handle") or account["handle"], **kw)

    def batch(self, account: dict, interactions=(), posts=(), **kw) -> Batch:
        st = self.stats_for(account["id"])
        # posts count too: a quiet night still reads the account's posts, a broken source reads nothing
        st["items"] += len(interactions) + len(posts)
        return Batch(account_id=account["id"], platform=self.platform,
                     interactions=list(interactions), posts=list(posts), **kw)


class RequestFailed(Exception):
    """One request could not be used; its account is reported failed, the others carry on."""


class StopAccount(Exception):
    """Stop collecting one account (e.g. not found); others carry on."""

    def __init__(self, message: str, status: str = "failed"):
        super().__init__(message)
        self.status = status


def counts_changed(old: dict | None, new: dict) -> set[str]:
    """Which listings of a post to fetch: those whose count moved since the last complete fetch."""
    if not old:
        return {k for k, v in new.items() if v is None or v > 0}
    return {k for k, v in new.items() if v is None or old.get(k) != v}
