"""`pantau run` goes through every stage it can, names every failure, and exits 1 for them."""

from __future__ import annotations

import json
import socket

import pytest

from storage.queries import runs as runs_q

pytestmark = pytest.mark.timeout(300)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WATCHLIST = """\
election: Uji
candidates:
  - name: Calon Satu
    role: dpd
    accounts:
      - platform: mastodon
        handle: "@calonsatu@mastodon.example"
        url: http://127.0.0.1:{port}/@calonsatu
"""


def test_an_invalid_watchlist_does_not_stop_the_other_stages(pantau, workspace, db):
    (workspace / "watchlists" / "bad.yaml").write_text("candidates:\n  - name: X\n    accounts: 5\n")
    r = pantau("run", "--trigger", "test")
    assert r.returncode == 1
    assert "Pantau nightly run #1: partial" in r.stdout
    (run,) = list(db.query("SELECT * FROM runs WHERE kind='nightly'"))
    s = json.loads(run["summary"])
    assert run["trigger"] == "test" and run["status"] == "partial"
    assert s["errors"][0].startswith("sync: ") and "bad.yaml" in s["errors"][0]
    assert {k: v["ok"] for k, v in s["stages"].items()} == {
        "sync": False, "crawl": True, "match": True, "evidence": True, "retention": True, "summary": True}
    assert "sync: " in r.stdout and "errors (1):" in r.stdout


def test_an_account_that_cannot_be_collected_is_named_and_silent_accounts_listed(pantau, workspace, db):
    (workspace / "watchlists" / "uji.yaml").write_text(WATCHLIST.format(port=_closed_port()))
    (workspace / "pantau.toml").write_text(
        '[crawl]\nallowed_hosts = ["127.0.0.1", "localhost"]\nretries = 0\ntimeout = 5.0\n')
    assert pantau("watchlist", "sync").returncode == 0
    # an earlier crawl of this account brought items: tonight's nothing is unexpected
    acc = db.execute("SELECT id FROM accounts").fetchone()[0]
    old = runs_q.start(db, "crawl")
    runs_q.record_account(db, old, acc, "mastodon", requests=5, items=12, new_items=12)
    runs_q.finish(db, old, "ok")
    db.conn.commit()

    r = pantau("run")
    assert r.returncode == 1, r.stdout + r.stderr
    run = list(db.query("SELECT * FROM runs WHERE kind='nightly'"))[0]
    s = json.loads(run["summary"])
    assert run["status"] == "partial"
    assert s["accounts"] == 1 and s["accounts_crawled"] == 0
    assert s["accounts_failed"] and s["accounts_failed"][0].startswith("mastodon/")
    assert any(e.startswith("crawl: 1 account(s) not collected") for e in s["errors"])
    assert s["silent_accounts"] == ["mastodon/calonsatu@mastodon.example"]
    assert "accounts that yielded nothing unexpectedly: mastodon/calonsatu@mastodon.example" in r.stdout
    assert "crawl: 1 account(s) not collected" in r.stdout
