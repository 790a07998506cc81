"""ApiSpider: what spiders of JSON APIs with counts share (Mastodon, Bluesky, YouTube).

JSON bodies (parsed once, by the retry middleware), page sizes, and the
incremental plan: a post is re-read only for the listings whose count
(replies, likes, reposts, quotes) moved since its last complete fetch, all of
them on the weekly full pass; and the thread of a post that is still live is
re-read every night, because where the reply count counts direct replies only
(Mastodon, Bluesky), a reply deep in a thread moves no count. The crawl state it
plans from is read through one read-only connection per spider; only the
pipeline writes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from crawler.middlewares import loads
from crawler.spiders.base import PlatformSpider, parse_time


class ApiSpider(PlatformSpider):
    #: the platform's reply count counts direct replies only (a deeper reply moves no count);
    #: False where it counts the whole thread (YouTube's commentCount)
    REPLY_COUNT_IS_DIRECT = True

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.post_states: dict[int, dict[str, dict]] = {}
        self.live: dict[int, set[str]] = {}

    def configure(self, settings) -> None:
        super().configure(settings)
        #: the threads heard from within this many days are re-read every night (0: never),
        #: at most this many per account, the most recent first: the nightly cost is bounded
        self.live_thread_days = settings.getfloat("PANTAU_LIVE_THREAD_DAYS", 2.0)
        self.live_threads = settings.getint("PANTAU_LIVE_THREADS", 5)

    def json(self, response) -> Any:
        data = response.meta.get("_json")
        if data is None:
            data = loads(response.body)
        return data

    def page(self, maximum: int) -> int:
        """Rows per page: the API's maximum unless [platforms.NAME] page_size asks for fewer."""
        ps = self.pconf.get("page_size")
        return max(1, min(int(ps), maximum)) if ps else maximum

    def reader(self):
        """One read-only connection per spider for crawl state (opening one per account cost
        milliseconds each); closed with the spider."""
        db = self.__dict__.get("_reader")
        if db is None:
            import storage
            db = self._reader = storage.open_db(self.db_path, migrate=False)
        return db

    def closed(self, reason) -> None:
        db = self.__dict__.pop("_reader", None)
        if db is not None:
            db.close()

    def load_state(self, account: dict) -> dict[str, dict]:
        """Crawl state of the account's stored posts."""
        if account["id"] not in self.post_states:
            states: dict[str, dict] = {}
            if self.db_path:
                from storage.queries import interactions as iq
                states = iq.post_cursors_of(self.reader(), account["id"])
            self.post_states[account["id"]] = states
        return self.post_states[account["id"]]

    def thread_live(self, account: dict, post_id: str) -> bool:
        """The post's thread is among the ``[crawl] live_threads`` threads of the account heard
        from most recently (its newest stored comment or reply), within ``[crawl]
        live_thread_days``: re-read it tonight whatever its reply count says. A post without
        comments needs no such rule: its first comment moves its count."""
        if not self.REPLY_COUNT_IS_DIRECT or self.live_thread_days <= 0 or self.live_threads <= 0:
            return False
        live = self.live.get(account["id"])
        if live is None:
            live = self.live[account["id"]] = self.live_posts(account)
        return post_id in live

    def live_posts(self, account: dict) -> set[str]:
        if not self.db_path:
            return set()
        from storage.queries import interactions as iq
        cutoff = self.cutoff(account)
        since = self.now - timedelta(days=self.live_thread_days)
        heard = []
        for pid, (created, latest) in iq.thread_activity(self.reader(), account["id"]).items():
            created_t, latest_t = parse_time(created), parse_time(latest)
            if created_t is not None and created_t >= cutoff and latest_t is not None and latest_t >= since:
                heard.append((latest_t, pid))
        return {pid for _, pid in sorted(heard, reverse=True)[: self.live_threads]}

    def known_actors(self, account: dict, kind: str) -> set[str]:
        if not self.db_path:
            return set()
        from storage.queries import interactions as iq
        return iq.known_actor_keys(self.reader(), account["id"], kind)

    def plan_post(self, account: dict, post_id: str, counts: dict[str, int | None]) -> set[str]:
        """Which listings of a post this run fetches: all on a full pass or for a new post, else
        those whose count changed since the post was last completely fetched, and the replies
        of a live thread (:meth:`thread_live`)."""
        old = (self.load_state(account).get(post_id) or {}).get("seen")
        if self.full_pass(account) or old is None:
            wanted = {k for k, v in counts.items() if v is None or v > 0}
        else:
            wanted = counts_changed(old, counts)
            live = "replies" in counts and "replies" not in wanted and self.thread_live(account, post_id)
            if live:
                wanted.add("replies")
            wanted = {k for k in wanted if counts.get(k) is None or counts[k] > 0}
            if live and "replies" in wanted:
                self.note(account["id"], "live threads re-read")
        if old != counts:
            self.post_done_state[(account["id"], post_id)] = {"seen": counts}
        return wanted


def counts_changed(old: dict | None, new: dict) -> set[str]:
    """Which listings of a post to fetch: those whose count moved since the last complete fetch."""
    if not old:
        return {k for k, v in new.items() if v is None or v > 0}
    return {k for k, v in new.items() if v is None or old.get(k) != v}
