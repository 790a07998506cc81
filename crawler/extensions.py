"""Run statistics: per-account figures -> ``account_runs`` rows, totals and progress -> the parent.

``account_runs.items`` is what ``storage.queries.runs.silent_accounts`` reads:
an account that used to yield items and now yields none is flagged in
``pantau status`` (a broken selector or a changed API shows up like that).
"""

from __future__ import annotations

import asyncio
import logging

from scrapy import signals

import storage
from storage.queries import runs as runs_q
from storage.queries import transaction

log = logging.getLogger(__name__)

#: spider name -> final figures; crawler.process sends these to the parent
RESULTS: dict[str, dict] = {}


def emit(event: dict) -> None:
    from crawler import process
    process.emit(event)


class RunStats:
    def __init__(self, crawler):
        self.crawler = crawler
        self.db_path = crawler.settings.get("PANTAU_DB_PATH")
        self.run_id = crawler.settings.get("PANTAU_RUN_ID")
        self._task = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self._task = asyncio.ensure_future(self._ticker(spider))

    async def _ticker(self, spider):
        while True:
            await asyncio.sleep(1.0)
            self.progress(spider)

    def progress(self, spider) -> None:
        st = getattr(spider, "account_stats", {})
        emit({"event": "progress", "spider": spider.name,
              "accounts": len(st),
              "requests": sum(s["requests"] for s in st.values()),
              "items": sum(s["items"] for s in st.values()),
              "new_items": sum(s["new_items"] for s in st.values()),
              "done": sum(1 for a in getattr(spider, "finished", ()) if a)})

    def spider_closed(self, spider, reason):
        if self._task:
            self._task.cancel()
        accounts = getattr(spider, "accounts", {})
        rows = []
        for aid, acc in accounts.items():
            st = spider.stats_for(aid)
            status, message = st["status"], st["message"]
            if status == "ok" and aid not in spider.finished:
                status = "failed"
                message = message or f"the crawl stopped before this account was finished ({reason})"
            if status == "ok" and st["notes"]:
                message = "; ".join(f"{k}: {v}" for k, v in sorted(st["notes"].items()))
            rows.append({
                "account_id": aid, "platform": acc["platform"], "handle": acc.get("display_handle") or acc["handle"],
                "status": status, "message": message, "requests": st["requests"], "items": st["items"],
                "new_items": st["new_items"], "retries": st["retries"], "errors": st["errors"],
                "notes": dict(st["notes"]),
            })
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
        stats = self.crawler.stats.get_stats()
        RESULTS[spider.name] = {
            "reason": reason,
            "requests": stats.get("downloader/request_count", 0),
            "responses": stats.get("downloader/response_count", 0),
            "retries": stats.get("pantau/retries", 0),
            "new_items": stats.get("pantau/new_items", 0),
            "dropped": stats.get("pantau/dropped", 0),
            "accounts": rows,
        }
        for r in rows:
            emit({"event": "account", **{k: v for k, v in r.items() if k != "account_id"},
                  "account_id": r["account_id"]})
