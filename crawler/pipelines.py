"""Validate, then store in batches; each cursor advances in the transaction that stores its records.

The pipeline talks to nothing but the database, ``crawler.stats`` (new items
and errors per account) and the ``account_failed`` signal (a batch with an
invalid record completes nothing, so the spider keeps that account's cursors).
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

from scrapy import signals as scrapy_signals
from scrapy.exceptions import DropItem

import storage
from crawler import accountstats, signals
from crawler.items import Batch
from storage.queries import accounts as accounts_q
from storage.queries import interactions as interactions_q
from storage.cleaning import clean_interaction
from storage.queries import reads as reads_q
from storage.queries import transaction
from storage.records import KINDS, Interaction, Post

log = logging.getLogger(__name__)


def validate(batch: Batch) -> list[str]:
    """Why records of a batch cannot be stored (each reason names the record)."""
    problems = []
    if not isinstance(batch, Batch):
        return [f"not a Batch: {type(batch).__name__}"]
    for it in batch.interactions:
        if not isinstance(it, Interaction):
            problems.append(f"not an Interaction: {it!r:.80}")
        elif it.kind not in KINDS:
            problems.append(f"unknown kind {it.kind!r}")
        elif not it.actor or not it.actor.actor_key:
            problems.append(f"{it.kind} without an actor key")
        elif it.kind != "follow" and not (it.post_id or it.post_url):
            problems.append(f"{it.kind} by {it.actor.actor_key} without a post")
        elif it.platform != batch.platform:
            problems.append(f"platform {it.platform!r} in a {batch.platform} batch")
    for p in batch.posts:
        if not isinstance(p, Post) or not p.post_id:
            problems.append(f"post without an id: {p!r:.80}")
    return problems


class StorePipeline:
    """Buffers batches and writes them together, in order, in one transaction per flush."""

    def __init__(self, crawler):
        self.crawler = crawler
        s = crawler.settings
        self.db_path = s.get("PANTAU_DB_PATH")
        self.run_id = s.get("PANTAU_RUN_ID")
        self.batch_size = s.getint("PANTAU_BATCH_SIZE", 5000)
        self.flush_seconds = 5.0
        self.buffer: list[Batch] = []
        self.buffered = 0
        self.last_flush = time.monotonic()
        self.db = None
        self.writer = None
        crawler.signals.connect(self.flush, signal=scrapy_signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None):
        if not self.db_path:
            raise RuntimeError("PANTAU_DB_PATH is not set")
        self.db = storage.open_db(self.db_path)
        # checkpoint the WAL less often while a crawl writes (this connection only)
        self.db.execute("PRAGMA wal_autocheckpoint = 20000")
        self.writer = interactions_q.InteractionWriter(self.db, run_id=self.run_id, source="crawl",
                                                       create_accounts=False)

    def close_spider(self, spider=None):
        self.flush()
        if self.db is not None:
            self.db.close()
            self.db = None

    def process_item(self, item, spider=None):
        if isinstance(item, Batch):
            # stranger-written text is stored without control characters (storage.cleaning)
            item.interactions = [clean_interaction(it) if isinstance(it, Interaction) else it
                                 for it in item.interactions]
        problems = validate(item)
        if problems:
            if isinstance(item, Batch):
                # keep the good records; a bad one must not hold back its neighbours
                item.interactions = [it for it in item.interactions if not validate(
                    Batch(item.account_id, item.platform, interactions=[it]))]
                item.posts = [p for p in item.posts if isinstance(p, Post) and p.post_id]
                accountstats.inc(self.crawler.stats, item.account_id, "errors", len(problems))
                # a batch with bad records does not complete anything
                item.account_cursors = None
                item.post_cursors = {}
                item.done = False
                self.crawler.signals.send_catch_log(signals.account_failed, account_id=item.account_id,
                                                    status="failed",
                                                    message=f"dropped invalid record: {problems[0]}")
            self.crawler.stats.inc_value("pantau/dropped", len(problems))
            for p in problems[:5]:
                log.warning("dropped: %s", p)
            if not isinstance(item, Batch):
                raise DropItem(problems[0])
        self.buffer.append(item)
        self.buffered += len(item.interactions) + len(item.posts)
        if self.buffered >= self.batch_size or time.monotonic() - self.last_flush > self.flush_seconds:
            self.flush()
        return item

    def flush(self, spider=None):
        if not self.buffer or self.db is None:
            return
        buffer, self.buffer, self.buffered = self.buffer, [], 0
        groups: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for b in buffer:
            g = groups[b.account_id]
            g[0].extend(b.interactions)
            g[1].extend(b.posts)
        with transaction(self.db):
            for aid, (items, posts) in groups.items():
                if not items and not posts:
                    continue
                res = self.writer.write(items, posts)
                accountstats.inc(self.crawler.stats, aid, "new_items", res.new_interactions)
            for b in buffer:
                if b.reads:
                    reads_q.add(self.db, b.platform, *b.reads)
                for post_id, patch in b.post_cursors.items():
                    interactions_q.merge_post_cursors(self.db, b.platform, post_id, patch)
                if b.account_cursors is not None or b.platform_id or b.done:
                    accounts_q.merge_cursors(self.db, b.account_id, b.account_cursors or {},
                                             platform_id=b.platform_id, crawled=b.done,
                                             full_pass=b.done and b.full_pass)
        self.last_flush = time.monotonic()
