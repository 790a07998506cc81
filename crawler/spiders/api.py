"""ApiSpider: what spiders of JSON APIs with counts share (Mastodon, Bluesky, YouTube).

JSON bodies (parsed once, by the retry middleware), page sizes, and the
incremental plan: a post is re-read only for the listings whose count
(replies, likes, reposts, quotes) moved since its last complete fetch, all of
them on the weekly full pass. The crawl state it plans from is read through
one read-only connection per spider; only the pipeline writes.
"""

from __future__ import annotations

from typing import Any

from crawler.middlewares import loads
from crawler.spiders.base import PlatformSpider


class ApiSpider(PlatformSpider):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.post_states: dict[int, dict[str, dict]] = {}

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

    def known_actors(self, account: dict, kind: str) -> set[str]:
        if not self.db_path:
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


def counts_changed(old: dict | None, new: dict) -> set[str]:
    """Which listings of a post to fetch: those whose count moved since the last complete fetch."""
    if not old:
        return {k for k, v in new.items() if v is None or v > 0}
    return {k for k, v in new.items() if v is None or old.get(k) != v}
