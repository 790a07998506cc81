"""Injected faults and rate limits, over real HTTP."""

from __future__ import annotations

import json
import time
from datetime import datetime

import httpx
import pytest

from pantau.sandbox import Sandbox
from tests.pantau.sandbox.conftest import Client

LOOKUP = "/api/v1/accounts/lookup"
PROFILE = "/xrpc/app.bsky.actor.getProfile"


def test_429_with_retry_after(fresh):
    fresh.sb.inject("429", count=2, path_prefix="/api/")
    for _ in range(2):
        r = fresh.get(LOOKUP, acct="calonsatu")
        assert r.status_code == 429 and r.headers["retry-after"] == "1"
        assert r.json() == {"error": "Too many requests"} and r.headers["x-ratelimit-remaining"] == "0"
    assert fresh.get(LOOKUP, acct="calonsatu").status_code == 200
    assert fresh.sb.stats()["faults"] == {"429": 2}


def test_429_without_retry_after_resets_a_second_ahead(fresh):
    fresh.sb.inject("429-reset", path_prefix="/api/")
    r = fresh.get(LOOKUP, acct="calonsatu")
    assert r.status_code == 429 and "retry-after" not in r.headers
    reset = datetime.fromisoformat(r.headers["x-ratelimit-reset"].replace("Z", "+00:00")).timestamp()
    assert 0 < reset - time.time() <= 1.5
    fresh.sb.inject("429-reset", path_prefix="/xrpc/")
    r = fresh.get(PROFILE, actor="calonsatu.bsky.sandbox.test")
    assert r.status_code == 429 and "retry-after" not in r.headers
    assert r.json()["error"] == "RateLimitExceeded"
    assert 0 <= int(r.headers["ratelimit-reset"]) - time.time() <= 2.5 and r.headers["ratelimit-remaining"] == "0"


def test_500_per_platform(fresh):
    fresh.sb.inject("500", count=3)
    assert fresh.get(LOOKUP, acct="calonsatu").status_code == 500
    r = fresh.get(PROFILE, actor="calonsatu.bsky.sandbox.test")
    assert r.status_code == 500 and r.json() == {"error": "InternalServerError", "message": "Internal Server Error"}
    r = fresh.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", key="k")
    assert r.status_code == 500 and r.json()["error"]["errors"][0]["reason"] == "backendError"
    assert fresh.get(PROFILE, actor="calonsatu.bsky.sandbox.test").status_code == 200


def test_slow_answers(fresh):
    fresh.sb.inject("slow", path_prefix="/xrpc/")
    t0 = time.perf_counter()
    assert fresh.get(PROFILE, actor="calonsatu.bsky.sandbox.test").status_code == 200
    assert time.perf_counter() - t0 >= 0.6
    t0 = time.perf_counter()
    fresh.get(PROFILE, actor="calonsatu.bsky.sandbox.test")
    assert time.perf_counter() - t0 < 0.5


def test_truncated_json(fresh):
    fresh.sb.inject("truncated", path_prefix="/youtube/")
    r = fresh.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", key="k")
    assert r.status_code == 200 and len(r.content) == int(r.headers["content-length"])
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.content)
    assert fresh.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", key="k").json()["items"]


def test_quota_exceeded(fresh):
    from tests.pantau.sandbox.conftest import fixture
    fresh.sb.inject("quota", path_prefix="/youtube/")
    r = fresh.get("/youtube/v3/channels", part="contentDetails", forHandle="@calonsatu", key="k")
    assert r.status_code == 403 and r.json() == fixture("youtube", "error.quotaExceeded.403.json")["body"]


def test_faults_over_http_and_prefixes(fresh):
    r = fresh.http.post("/_sandbox/faults", json={"kind": "500", "count": 1, "path_prefix": "/xrpc/app.bsky.feed."})
    assert r.status_code == 200 and r.json()["pending"] == [
        {"kind": "500", "count": 1, "path_prefix": "/xrpc/app.bsky.feed."}]
    assert fresh.get(PROFILE, actor="calonsatu.bsky.sandbox.test").status_code == 200   # other prefix: untouched
    assert fresh.get("/xrpc/app.bsky.feed.getAuthorFeed", actor="calonsatu.bsky.sandbox.test").status_code == 500
    assert fresh.http.post("/_sandbox/faults", json={"kind": "nonsense"}).status_code == 400
    fresh.http.post("/_sandbox/faults", json={"kind": "429", "count": 5})
    assert fresh.http.delete("/_sandbox/faults").json()["pending"] == []
    assert fresh.get(LOOKUP, acct="calonsatu").status_code == 200


def test_random_faults_are_seeded():
    def get(c: httpx.Client) -> int | str:
        try:
            return c.get(LOOKUP, params={"acct": "calonsatu"}).status_code
        except httpx.TransportError as exc:      # a body cut off mid-way or a dropped connection
            return type(exc).__name__

    def run() -> list[int | str]:
        with Sandbox(port=0, seed=7, faults=True, fault_rate=0.2, slow_seconds=0.01) as sb:
            with httpx.Client(base_url=sb.url) as c:
                return [get(c) for _ in range(60)]

    first = run()
    assert any(s != 200 for s in first) and first.count(200) > 30
    assert run() == first


def test_own_rate_limit_answers_429_until_reset():
    with Sandbox(port=0, rate_limit=3, rate_window=2.0) as sb:
        c = Client(sb)
        try:
            codes = [c.get(LOOKUP, acct="calonsatu") for _ in range(4)]
            assert [r.status_code for r in codes] == [200, 200, 200, 429]
            assert [r.headers["x-ratelimit-remaining"] for r in codes] == ["2", "1", "0", "0"]
            assert "retry-after" not in codes[3].headers
            reset = datetime.fromisoformat(codes[3].headers["x-ratelimit-reset"].replace("Z", "+00:00")).timestamp()
            time.sleep(max(0.0, reset - time.time()) + 0.05)
            assert c.get(LOOKUP, acct="calonsatu").status_code == 200
        finally:
            c.close()


def test_cut_and_drop_break_the_connection_the_way_a_client_sees_data_loss():
    with Sandbox(port=0) as sb:
        sb.inject("cut", count=1, path_prefix="/api/v1/accounts/lookup")
        sb.inject("drop", count=1, path_prefix="/api/v1/accounts/lookup")
        with httpx.Client(base_url=sb.url) as c:
            with pytest.raises(httpx.RemoteProtocolError, match="incomplete|peer closed"):
                c.get(LOOKUP, params={"acct": "calonsatu"})         # cut: fewer bytes than announced
        with httpx.Client(base_url=sb.url) as c:
            with pytest.raises(httpx.RemoteProtocolError):
                c.get(LOOKUP, params={"acct": "calonsatu"})         # drop: closed before any answer
            assert c.get(LOOKUP, params={"acct": "calonsatu"}).status_code == 200
        assert sb.stats()["faults"] == {"cut": 1, "drop": 1}


YT_CHANNELS = "/youtube/v3/channels"


def test_youtube_rate_limit_is_a_403_and_its_429_sends_no_wait_headers(fresh):
    """Google answers "too fast" with 403 rateLimitExceeded (or 429 RESOURCE_EXHAUSTED) and
    documents neither Retry-After nor rate-limit headers: a client can only back off."""
    q = {"part": "contentDetails", "forHandle": "@calonsatu", "key": "k"}
    fresh.sb.inject("rate-limit", path_prefix="/youtube/")
    r = fresh.get(YT_CHANNELS, **q)
    assert r.status_code == 403 and r.json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    for kind in ("429", "429-reset"):
        fresh.sb.inject(kind, path_prefix="/youtube/")
        r = fresh.get(YT_CHANNELS, **q)
        assert r.status_code == 429 and r.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
        assert not [h for h in r.headers if h.lower() == "retry-after" or "ratelimit" in h.lower()], r.headers
    assert fresh.get(YT_CHANNELS, **q).status_code == 200
    # elsewhere the kind is the platform's own 429
    fresh.sb.inject("rate-limit", path_prefix="/api/")
    r = fresh.get(LOOKUP, acct="calonsatu")
    assert r.status_code == 429 and "x-ratelimit-reset" in r.headers
