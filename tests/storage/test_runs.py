"""Run bookkeeping: which accounts the status page and the nightly summary call silent."""

from __future__ import annotations

import pytest

from storage.queries import accounts as accounts_q
from storage.queries import runs as runs_q
from storage.records import Account


@pytest.mark.parametrize("status, silent", [("ok", True), ("failed", True), ("skipped", False), ("budget", False)])
def test_an_account_is_silent_only_when_nothing_was_expected_to_stop_it(sdb, status, silent):
    accounts_q.sync(sdb, [Account("x", "calonsatu", candidate="Calon Satu")])
    acc = sdb.execute("SELECT id FROM accounts").fetchone()[0]
    before = runs_q.start(sdb, "crawl")
    runs_q.record_account(sdb, before, acc, "x", requests=5, items=88, new_items=88)
    runs_q.finish(sdb, before, "ok")
    # tonight: nothing, because of ``status`` (skipped: no bearer token; budget: deferred)
    tonight = runs_q.start(sdb, "crawl")
    runs_q.record_account(sdb, tonight, acc, "x", status=status, message="why")
    runs_q.finish(sdb, tonight, "ok")
    assert [a["handle"] for a in runs_q.silent_accounts(sdb)] == (["calonsatu"] if silent else [])
