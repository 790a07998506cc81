"""Rendered web pages through scrapy-playwright, steered by a YAML selector profile.

One generic spider for every site without a public API: the profile says
where posts, comments, replies, authors, texts and times are, and which
control loads more. The page is rendered in Chromium, "load more" is clicked
(PageMethod) until it disappears, the posts get older than the window, or the
account's request budget is spent; the rendered DOM is then read with the
profile's selectors by pure functions. robots.txt is obeyed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy import signals as scrapy_signals
from scrapy_playwright.page import PageMethod

from crawler.hosts import host_allowed
from crawler.identity import USER_AGENT, product_token
from crawler.spiders.base import PlatformSpider, StopAccount, iso, parse_time
from storage.records import Actor, Interaction, Post

PROFILE_DIR = Path(__file__).resolve().parent.parent / "profiles"

REQUIRED = {"post": ("selector", "id"), "comment": ("selector", "id", "author_handle", "text")}


class ProfileError(ValueError):
    pass


def load_profile(name: str, dirs: list[str | Path] | None = None) -> dict:
    """Find ``<name>.yaml`` in the workspace's profiles/ then the crawler's own, and check it."""
    from ruamel.yaml import YAML      # only web accounts need it: not loaded by every crawl child

    for d in [*(dirs or []), PROFILE_DIR]:
        for ext in (".yaml", ".yml"):
            path = Path(d) / f"{name}{ext}"
            if path.is_file():
                try:
                    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
                except Exception as exc:
                    raise ProfileError(f"{path}: not valid YAML: {exc}") from None
                problems = check_profile(data)
                if problems:
                    raise ProfileError(f"{path}: {problems[0]}")
                return data
    raise ProfileError(f"selector profile {name!r} not found (looked in profiles/ and crawler/profiles/)")


def check_profile(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return ["a profile is a mapping (see docs/platforms/web.md)"]
    problems = []
    for section, keys in REQUIRED.items():
        sec = data.get(section)
        if not isinstance(sec, dict):
            problems.append(f"missing section {section!r}")
            continue
        for k in keys:
            if not sec.get(k):
                problems.append(f"{section}.{k} is required")
    return problems


def split_field(spec: str) -> tuple[str, str | None]:
    """``"css@attr"`` -> (css, attr); ``"@attr"`` -> ("", attr) (the element itself); ``"css"`` -> text."""
    if "@" in spec:
        css, attr = spec.rsplit("@", 1)
        return css.strip(), attr.strip()
    return spec.strip(), None


def read_field(node: Selector, spec: str | None) -> str | None:
    """The first match's attribute or whole text (document order), stripped; None when absent."""
    if not spec:
        return None
    css, attr = split_field(spec)
    target = node.css(css)[:1] if css else [node]
    if not target:
        return None
    el = target[0]
    if attr:
        v = el.attrib.get(attr)
    else:
        v = " ".join(t.strip() for t in el.css("::text").getall() if t.strip())
    return v.strip() if v else None


def parse_page(html: str, profile: dict, *, page_url: str, target: str, namespace: str,
               cutoff: str | None = None) -> tuple[list[Post], list[Interaction]]:
    """A rendered page -> the watched account's posts and the comments and replies on them.

    Ids are namespaced with the profile name so that two sites cannot collide.
    """
    sel = Selector(text=html)
    P, C = profile["post"], profile["comment"]
    posts: list[Post] = []
    out: list[Interaction] = []
    seen: set[str] = set()
    for pnode in sel.css(P["selector"]):
        raw_id = read_field(pnode, P["id"])
        if not raw_id:
            continue
        pid = f"{namespace}:{raw_id}"
        if pid in seen:
            continue
        seen.add(pid)
        purl = read_field(pnode, P.get("url"))
        purl = urljoin(page_url, purl) if purl else page_url
        ptime = read_field(pnode, P.get("time"))
        pt = parse_time(ptime)
        if cutoff and pt is not None and iso(pt) < cutoff:
            continue
        posts.append(Post(platform="web", post_id=pid, account=target, url=purl, created_at=ptime,
                          text=(read_field(pnode, P.get("text")) or "")[:500] or None))
        tops = pnode.css(C["selector"])
        top_ids = []
        nodes: list[tuple[Selector, str | None, bool]] = []
        for c in tops:
            cid = read_field(c, C["id"])
            top_ids.append(cid)
            nodes.append((c, None, True))
            if C.get("replies"):
                for r in c.css(C["replies"]):
                    nodes.append((r, cid, False))
        done: set[str] = set()
        authors: dict[str, str] = {}
        own = target.lstrip("@").lower()
        for node, top_parent, is_top in nodes:
            cid = read_field(node, C["id"])
            handle = read_field(node, C["author_handle"])
            if not cid or not handle or cid in done:
                continue
            done.add(cid)
            authors[cid] = handle.lstrip("@").lower()
            parent = None if is_top else (read_field(node, C.get("parent")) or top_parent)
            if authors[cid] == own:
                continue    # the watched account's own comments are its posts, not interactions
            # like the API platforms: a reply to the watched account's own comment is a comment
            is_comment = is_top or authors.get(parent or "") == own
            name = read_field(node, C.get("author_name"))
            aurl = read_field(node, C.get("author_url"))
            actor = Actor(platform="web", actor_key=handle.lstrip("@").lower(), handle=handle.lstrip("@"),
                          display_name=name, profile_url=urljoin(page_url, aurl) if aurl else None)
            out.append(Interaction(
                platform="web", kind="comment" if is_comment else "reply", target_account=target, actor=actor,
                post_id=pid, post_url=purl, interaction_id=f"{namespace}:{cid}",
                parent_id=f"{namespace}:{parent}" if parent else None, url=purl,
                text=read_field(node, C.get("text")), created_at=read_field(node, C.get("time")),
                raw={"html": node.get()[:4000]}))
    return posts, out


async def settle(page, selector: str | None, timeout_ms: int) -> None:
    """Wait for the rendered content; an empty timeline is not an error."""
    if not selector:
        return
    try:
        await page.wait_for_selector(selector, timeout=timeout_ms, state="attached")
    except Exception:
        pass


_LAST_TIME_JS = """([postSel, timeCss, attr]) => {
  const els = document.querySelectorAll(postSel);
  const last = els[els.length - 1];
  if (!last) return null;
  const t = timeCss ? last.querySelector(timeCss) : last;
  if (!t) return null;
  return attr ? t.getAttribute(attr) : t.textContent;
}"""

#: the control is ready for a click (a page disables it while a page of posts loads) or gone
_READY_JS = """(btnSel) => {
  const b = document.querySelector(btnSel);
  return !b || b.hidden || !b.disabled;
}"""

_GREW_JS = """([postSel, n, btnSel]) => {
  const b = document.querySelector(btnSel);
  return document.querySelectorAll(postSel).length > n || !b || b.hidden || b.disabled;
}"""


@dataclass
class Loaded:
    """What :func:`load_more` did: its clicks (each one a request) and, when it stopped while the
    control was still there and the posts were still inside the window, why (``limit``)."""

    clicks: int = 0
    limit: str | None = None


async def load_more(page, profile: dict, cutoff: str | None, max_clicks: int,
                    pause: Callable[[], float] | None = None, max_pause: float = 900.0) -> Loaded:
    """Click the profile's "load more" control until it is gone, the posts are older than ``cutoff``,
    or ``max_clicks`` is reached.

    A click's XHR is the browser's own request, which Scrapy's download delay never sees: before
    each click it waits ``pause()`` seconds (the site's Crawl-delay for Pantau, or the download
    delay, whichever is longer). A pause longer than ``max_pause`` (``[crawl] max_retry_wait``,
    the longest Pantau waits for a site) stops the loading instead. Stopping with more to load
    (``max_clicks``, or such a pause) is reported in ``Loaded.limit``: the window was not read to
    its end."""
    lm = profile.get("load_more") or {}
    btn_sel = lm.get("selector")
    if not btn_sel:
        return Loaded()
    post_sel = profile["post"]["selector"]
    time_css, time_attr = split_field(profile["post"].get("time") or "")
    wait_ms = int(lm.get("wait_ms", 10_000))

    async def gone(btn) -> bool:
        try:
            return (not await btn.is_visible() or await btn.get_attribute("hidden") is not None
                    or await btn.is_disabled())
        except Exception:           # detached from the page
            return True

    clicks = 0
    while True:
        # a control disabled while the last page loads may then be hidden: wait for the page to
        # settle first, or a click would wait for a control that is never clickable again
        try:
            await page.wait_for_function(_READY_JS, arg=btn_sel, timeout=wait_ms)
        except Exception:
            break                   # disabled for good: nothing more to load
        btn = await page.query_selector(btn_sel)
        if btn is None or await gone(btn):
            break
        if cutoff and profile["post"].get("time"):
            last = await page.evaluate(_LAST_TIME_JS, [post_sel, time_css or None, time_attr])
            lt = parse_time(last)
            if lt is not None and iso(lt) < cutoff:
                break
        if clicks >= max_clicks:
            return Loaded(clicks, f"max_clicks ({max_clicks})")
        delay = pause() if pause is not None else 0.0
        if delay > max_pause:
            return Loaded(clicks, f"Crawl-delay of {delay:g} s, longer than [crawl] max_retry_wait")
        if delay > 0:
            await asyncio.sleep(delay)
        n = await page.locator(post_sel).count()
        try:
            await btn.click(timeout=wait_ms)
        except Exception:
            if await gone(btn):     # hidden or disabled between the look and the click: the end
                break
            raise
        clicks += 1
        try:
            await page.wait_for_function(_GREW_JS, arg=[post_sel, n, btn_sel], timeout=wait_ms)
        except Exception:
            break
    return Loaded(clicks)


class WebSpider(PlatformSpider):
    name = "web"
    platform = "web"

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
        settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
        settings.set("ROBOTSTXT_OBEY", settings.getbool("PANTAU_OBEY_ROBOTS", True), priority="spider")
        # robots.txt as RFC 9309 reads it: groups matched by the product token, 5xx = disallow
        settings.set("ROBOTSTXT_USER_AGENT", product_token(settings.get("USER_AGENT") or USER_AGENT),
                     priority="spider")
        settings.set("ROBOTSTXT_PARSER", "crawler.robots.ProductTokenRobotParser", priority="spider")
        middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
        middlewares.update({"scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
                            "crawler.robots.RobotsTxtMiddleware": 100})
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", min(2, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 2)),
                     priority="spider")

    @classmethod
    def from_crawler(cls, crawler, *args, **kw):
        spider = super().from_crawler(crawler, *args, **kw)
        crawler.signals.connect(spider._robots_parsed, signal=scrapy_signals.robots_parsed)
        return spider

    def configure(self, settings) -> None:
        super().configure(settings)
        self.budget = settings.getint("PANTAU_BUDGET", 2000)
        self.profile_dirs = settings.getlist("PANTAU_PROFILE_DIRS")
        self.allowed_hosts = settings.getlist("PANTAU_ALLOWED_HOSTS")
        self.robots_agent = settings.get("ROBOTSTXT_USER_AGENT") or product_token(USER_AGENT)
        self.download_delay = settings.getfloat("DOWNLOAD_DELAY", 0.0)
        self.max_pause = settings.getfloat("PANTAU_MAX_RETRY_WAIT", 900.0)
        #: each site's Crawl-delay for Pantau's product token (robots_parsed signal), by netloc
        self.crawl_delays: dict[str, float] = {}
        #: accounts whose "load more" stopped with posts still inside the window (not ``listed``)
        self.cut_short: set[int] = set()

    def _robots_parsed(self, robotparser, request) -> None:
        delay = robotparser.crawl_delay(self.robots_agent)
        self.crawl_delays[urlsplit(request.url).netloc] = float(delay or 0.0)

    def click_pause(self, netloc: str) -> float:
        """Seconds between two "load more" clicks on ``netloc``: its Crawl-delay or the download delay."""
        return max(self.crawl_delays.get(netloc, 0.0), self.download_delay)

    async def start(self):
        budget = self.budget
        state = self.pconf.get("storage_state")
        for acc in self.accounts.values():
            if state and not Path(state).is_file():
                self.fail_account(acc["id"], f"[platforms.web] storage_state: no such file {state}")
                continue
            if not acc.get("url"):
                self.fail_account(acc["id"], "a web account needs a url (the page to read)")
                continue
            try:
                profile = load_profile(acc.get("profile") or "", self.profile_dirs)
            except ProfileError as exc:
                self.fail_account(acc["id"], str(exc))
                continue
            acc["_profile"] = profile
            cutoff = iso(self.cutoff(acc))
            timeout = int(profile.get("wait_ms", 15_000))
            max_clicks = min(int((profile.get("load_more") or {}).get("max_clicks", 50)), max(budget - 2, 0))
            methods = [PageMethod(settle, profile.get("wait_for") or profile["post"]["selector"], timeout),
                       PageMethod(load_more, profile, cutoff, max_clicks,
                                  partial(self.click_pause, urlsplit(acc["url"]).netloc), self.max_pause)]
            yield self.request(acc["url"], self.parse_page, acc, json=False,
                               meta={"what": "page", "playwright": True, "playwright_context": "default",
                                     "playwright_page_methods": methods, "cutoff": cutoff,
                                     # "load", not "networkidle": a page that polls never goes idle
                                     # (Playwright discourages it); settle() waits for the posts
                                     "playwright_page_goto_kwargs": {"wait_until": "load"}})

    def listed_fully(self, account: dict) -> bool:
        return account["id"] not in self.cut_short

    def on_error_response(self, response):
        raise StopAccount(f"HTTP {response.status} from {response.url}")

    def parse_page(self, response):
        acc = self.accounts[response.meta["account_id"]]
        if not host_allowed(response.url, self.allowed_hosts):
            # Chromium followed a redirect off the list (its route handler sees a chain's first
            # url only): what that host served is not read
            raise StopAccount(f"the page ended on {urlsplit(response.url).hostname}, not in [crawl] "
                              f"allowed_hosts ({', '.join(self.allowed_hosts)}): {response.url}")
        methods = response.meta.get("playwright_page_methods") or []
        loaded = methods[-1].result if methods and isinstance(methods[-1].result, Loaded) else Loaded()
        self.count(acc["id"], "requests", loaded.clicks)
        if loaded.limit:
            # older posts of the window are still behind the control: say so, and keep the
            # account from being stamped ``listed`` (the next run reads from the since-date again)
            self.note(acc["id"], f'"load more" stopped at {loaded.limit} with posts left in the window')
            self.cut_short.add(acc["id"])
        profile = acc["_profile"]
        posts, items = parse_page(response.text, profile, page_url=response.url,
                                  target=acc.get("display_handle") or acc["handle"],
                                  namespace=profile.get("name") or acc.get("profile") or "web",
                                  cutoff=response.meta.get("cutoff"))
        if not posts:
            self.note(acc["id"], "pages without posts (check the selector profile)")
        yield self.batch(acc, items, posts=posts)
