"""Run statistics: per-account figures -> ``account_runs`` rows; totals and progress -> the parent.

Reads what the other components counted in ``crawler.stats``
(``crawler.accountstats``) and sends events through the ``crawler.signals.report``
signal; it knows neither the child process nor its event channel.

``account_runs.items`` is what ``storage.queries.runs.silent_accounts`` reads:
an account that used to yield items and now yields none is flagged in
``pantau status`` (a broken selector or a changed API shows up like that).
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import signals as scrapy_signals

import storage
from crawler import accountstats, signals
from storage.queries import runs as runs_q
from storage.queries import transaction

log = logging.getLogger(__name__)


class RunStats:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("PANTAU_DB_PATH")
        self.run_id = crawler.settings.get("PANTAU_RUN_ID")
        self.interval = crawler.settings.getfloat("PANTAU_PROGRESS_INTERVAL", 1.0)
        self._task = None
        crawler.signals.connect(self.spider_opened, signal=scrapy_signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=scrapy_signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def report(self, event: dict) -> None:
        self.crawler.signals.send_catch_log(signals.report, event=event)

    def spider_opened(self, spider):
        self._task = asyncio.ensure_future(self._ticker(spider))

    async def _ticker(self, spider):
        while True:
            await asyncio.sleep(self.interval)
            self.progress(spider)

    def progress(self, spider) -> None:
        get = self.stats.get_value
        self.report({"event": "progress", "spider": spider.name,
                     "accounts": len(getattr(spider, "accounts", ())),
                     "requests": get("pantau/requests", 0), "items": get("pantau/items", 0),
                     "new_items": get("pantau/new_items", 0), "done": get("pantau/accounts_finished", 0)})

    def rows(self, spider, reason: str) -> list[dict]:
        rows = []
        for aid, acc in getattr(spider, "accounts", {}).items():
            fig = accountstats.report(self.stats, aid)
            status, message = fig["status"], fig["message"]
            if status == "ok" and not fig["finished"]:
                status = "failed"
                message = message or f"the crawl stopped before this account was finished ({reason})"
            if status == "ok" and fig["notes"]:
                message = "; ".join(f"{k}: {v}" for k, v in sorted(fig["notes"].items()))
            rows.append({
                "account_id": aid, "platform": acc["platform"],
                "handle": acc.get("display_handle") or acc["handle"], "status": status, "message": message,
                **{c: fig[c] for c in accountstats.COUNTERS}, "notes": fig["notes"],
            })
        return rows

    def spider_closed(self, spider, reason):
        if self._task:
            self._task.cancel()
        rows = self.rows(spider, reason)
        if self.db_path and self.run_id is not None and rows:
            db = storage.open_db(self.db_path)
            try:
                with transaction(db):
                    for r in rows:
                        runs_q.record_account(db, self.run_id, r["account_id"], spider.name,
                                              requests=r["requests"], items=r["items"],
                                              new_items=r["new_items"], retries=r["retries"],
                                              errors=r["errors"], status=r["status"], message=r["message"])
            finally:
                db.close()
        get = self.stats.get_value
        for r in rows:
            self.report({"event": "account", **{k: v for k, v in r.items() if k != "account_id"},
                         "account_id": r["account_id"]})
        self.report({"event": "spider", "spider": spider.name, "figures": {
            "reason": reason,
            "requests": get("downloader/request_count", 0),
            "responses": get("downloader/response_count", 0),
            "retries": get("retry/count", 0),
            "new_items": get("pantau/new_items", 0),
            "dropped": get("pantau/dropped", 0),
            "accounts": rows,
        }})
