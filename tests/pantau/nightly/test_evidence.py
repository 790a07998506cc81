"""Evidence capture in real Chromium from pages served on loopback."""

from __future__ import annotations

import hashlib
import json
import os
import stat

import pytest

from pantau.config import load
from pantau.jobs.evidence import capture_evidence, host_refusal
from storage.queries import evidence as evidence_q
from tests.pantau.nightly.conftest import NIPS, add_employees, add_interactions, add_match, write_config

pytestmark = pytest.mark.timeout(180)


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_screenshots_of_matched_actors_only_content_addressed_and_private(workspace, db, pages):
    server = pages()
    write_config(workspace)
    settings = load(workspace)
    add_employees(db)
    pending = add_interactions(db, "budi", 2, base_url=server.url)
    confirmed = add_interactions(db, "siti", 1, base_url=server.url)
    stranger = add_interactions(db, "orang", 2, base_url=server.url)
    add_match(db, "budi", NIPS[0])
    add_match(db, "siti", NIPS[1], status="confirmed")

    res = capture_evidence(settings, db, run_id=None)

    assert res.errors == [] and res.failures == 0
    assert res.screenshots == 3 and res.pages == 3 and res.raw == 3
    assert sorted(server.paths()) == ["/post/budi/0", "/post/budi/1", "/post/siti/0"]
    assert {r["ua"] for r in server.requests} == {settings.crawl.user_agent}
    # confirmed people first
    assert server.paths()[0] == "/post/siti/0"
    for iid in pending + confirmed:
        rows = {r["kind"]: r for r in evidence_q.for_interaction(db, iid)}
        assert set(rows) == {"screenshot", "raw"}
        shot = rows["screenshot"]
        path = settings.evidence_dir / shot["path"]
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert hashlib.sha256(data).hexdigest() == shot["sha256"] == path.stem
        assert shot["bytes"] == len(data) and shot["error"] is None
        assert shot["source_url"].startswith(server.url) and shot["captured_at"].endswith("Z")
        assert _mode(path) == 0o600 and _mode(path.parent) == 0o700 and _mode(settings.evidence_dir) == 0o700
        raw = json.loads((settings.evidence_dir / rows["raw"]["path"]).read_text())
        assert raw["interaction"]["id"] == iid and raw["raw"]["content"].startswith("<p>komentar")
        assert _mode(settings.evidence_dir / rows["raw"]["path"]) == 0o600
    for iid in stranger:
        assert evidence_q.for_interaction(db, iid) == []

    # a second run captures nothing again
    again = capture_evidence(settings, db)
    assert (again.screenshots, again.pages, again.raw) == (0, 0, 0)
    assert len(server.requests) == 3


def test_failures_are_recorded_not_fatal_and_retried_a_few_times(workspace, db, pages):
    server = pages()
    write_config(workspace)
    settings = load(workspace)
    add_employees(db)
    bad = add_interactions(db, "budi", 1, base_url=server.url, path="/missing")
    good = add_interactions(db, "agus", 1, base_url=server.url)
    add_match(db, "budi", NIPS[0])
    add_match(db, "agus", NIPS[2])

    res = capture_evidence(settings, db)
    assert res.screenshots == 1 and res.failures == 1 and res.errors == []
    (row,) = [r for r in evidence_q.for_interaction(db, bad[0]) if r["kind"] == "screenshot"]
    assert row["error"] == "HTTP 404" and row["sha256"] is None and row["path"] is None
    assert [r["kind"] for r in evidence_q.for_interaction(db, good[0])].count("screenshot") == 1
    for _ in range(4):
        capture_evidence(settings, db)
    failures = [r for r in evidence_q.for_interaction(db, bad[0]) if r["kind"] == "screenshot"]
    assert len(failures) == 3   # tried three times, then left alone
    assert server.paths().count("/missing/budi/0") == 3


def test_per_run_cap_defers_the_rest(workspace, db, pages):
    server = pages()
    write_config(workspace, "[evidence]\nper_run_cap = 2\n")
    settings = load(workspace)
    add_employees(db)
    add_interactions(db, "budi", 5, base_url=server.url)
    add_match(db, "budi", NIPS[0])
    first = capture_evidence(settings, db)
    assert first.pages == 2 and first.screenshots == 2 and first.deferred
    second = capture_evidence(settings, db)
    third = capture_evidence(settings, db)
    assert (second.screenshots, third.screenshots) == (2, 1) and not third.deferred
    assert len(server.requests) == 5


def test_only_allowed_hosts_are_requested_even_by_the_page(workspace, db, pages):
    # a second loopback address stands for "another host": it must never see a request
    other = pages("127.0.0.2")
    server = pages(extra=f'<img src="{other.url}/tracker.png"><script src="{other.url}/x.js"></script>')
    write_config(workspace)
    settings = load(workspace)
    add_employees(db)
    ok = add_interactions(db, "budi", 1, base_url=server.url)
    elsewhere = add_interactions(db, "siti", 1, base_url=other.url)
    add_match(db, "budi", NIPS[0])
    add_match(db, "siti", NIPS[1])

    res = capture_evidence(settings, db)
    assert res.screenshots == 1 and res.failures == 1
    assert other.requests == []
    (row,) = [r for r in evidence_q.for_interaction(db, elsewhere[0]) if r["kind"] == "screenshot"]
    assert "not in [crawl] allowed_hosts" in row["error"]
    assert evidence_q.for_interaction(db, ok[0])[0]["error"] is None


def test_host_refusal():
    assert host_refusal("http://127.0.0.1:8000/x", ["127.0.0.1"]) is None
    assert host_refusal("https://example.org/x", []) is None
    assert "allowed_hosts" in host_refusal("https://example.org/x", ["127.0.0.1"])
    assert "not an http" in host_refusal("file:///etc/passwd", [])


def test_no_browser_is_a_stage_error_not_a_crash(workspace, db, pages, monkeypatch):
    server = pages()
    write_config(workspace)
    settings = load(workspace)
    add_employees(db)
    iids = add_interactions(db, "budi", 1, base_url=server.url)
    add_match(db, "budi", NIPS[0])
    monkeypatch.setenv("PANTAU_CHROMIUM", str(workspace / "no-such-chromium"))
    res = capture_evidence(settings, db)
    assert res.errors and "could not start the browser" in res.errors[0]
    assert res.raw == 1   # raw records are filed all the same
    assert [r["kind"] for r in evidence_q.for_interaction(db, iids[0])] == ["raw"]


def test_pages_built_by_javascript_are_captured_after_rendering(workspace, db, pages):
    import struct
    server = pages()
    write_config(workspace)
    settings = load(workspace)
    add_employees(db)
    (iid,) = add_interactions(db, "budi", 1, base_url=server.url, path="/rendered")
    add_match(db, "budi", NIPS[0])
    res = capture_evidence(settings, db)
    assert res.screenshots == 1
    assert "/api/comments" in server.paths()
    shot = [r for r in evidence_q.for_interaction(db, iid) if r["kind"] == "screenshot"][0]
    png = (settings.evidence_dir / shot["path"]).read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert width == 1280 and height > 80 * 40   # the 80 comments the script added are in the picture
