"""Crawler test helpers: a replay server, workspaces pointed at it, the real crawl in child processes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_pantau
from tests.crawler.replay_server import ReplayServer


@pytest.fixture
def replay():
    server = ReplayServer().start()
    yield server
    server.stop()


def setup_workspace(ws: Path, watchlist: str, toml_extra: str = "") -> None:
    (ws / "watchlists" / "test.yaml").write_text(watchlist, encoding="utf-8")
    toml = ('[crawl]\nallowed_hosts = ["127.0.0.1", "localhost"]\nsince = 2026-01-01\n'
            'autothrottle = false\ndownload_delay = 0.0\n' + toml_extra)
    (ws / "pantau.toml").write_text(toml, encoding="utf-8")


def crawl(ws: Path, *args: str, env: dict | None = None, timeout: float = 240):
    return run_pantau("crawl", *args, cwd=ws, env=env, timeout=timeout)


def rows(ws: Path, sql: str, params=()) -> list[tuple]:
    con = sqlite3.connect(ws / "data" / "pantau.db")
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def interactions(ws: Path) -> set[tuple]:
    """Everything a crawl stored, without run ids and observation times (for comparisons)."""
    return set(rows(ws, "SELECT i.platform, i.kind, a.actor_key, i.post_id, i.interaction_id, i.parent_id, "
                        "i.text, i.account_id FROM interactions i JOIN actors a ON a.id = i.actor_id"))


def account_runs(ws: Path) -> list[dict]:
    con = sqlite3.connect(ws / "data" / "pantau.db")
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(
            "SELECT ar.*, a.platform, a.handle FROM account_runs ar JOIN accounts a ON a.id = ar.account_id "
            "ORDER BY ar.run_id, a.platform, a.handle")]
    finally:
        con.close()


def full_pass_due(ws: Path) -> None:
    """Make the weekly full pass due now (as if ``[crawl] full_pass_days`` had gone by)."""
    con = sqlite3.connect(ws / "data" / "pantau.db")
    try:
        con.execute("UPDATE accounts SET last_full_pass_at = NULL")
        con.commit()
    finally:
        con.close()


def load_fixture(name: str) -> dict:
    return json.loads((Path(__file__).resolve().parent.parent / "fixtures" / name).read_text(encoding="utf-8"))
