"""The sandbox server on a free loopback port, and a small HTTP client for it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from pantau.sandbox import Sandbox

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def fixture(platform: str, name: str) -> dict:
    """A recorded response: {request, status, headers, body}."""
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


class Client:
    def __init__(self, sb: Sandbox):
        self.sb = sb
        self.http = httpx.Client(base_url=sb.url, timeout=30)

    def get(self, path: str, **params) -> httpx.Response:
        return self.http.get(path, params=params or None)

    def json(self, path: str, **params):
        r = self.get(path, **params)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r.json()

    def follow(self, url: str) -> httpx.Response:
        """GET an absolute URL the sandbox handed out (Link headers)."""
        assert url.startswith(self.sb.url + "/"), url
        return self.http.get(url)

    def close(self) -> None:
        self.http.close()


@pytest.fixture(scope="module")
def sandbox():
    """A small sandbox shared by a test module (tests that change it use their own)."""
    with Sandbox(port=0, seed=1, size="small") as sb:
        yield sb


@pytest.fixture(scope="module")
def client(sandbox):
    c = Client(sandbox)
    yield c
    c.close()


@pytest.fixture
def fresh():
    """A sandbox of its own for tests that inject faults or add activity."""
    with Sandbox(port=0, seed=1, size="small", slow_seconds=0.6) as sb:
        c = Client(sb)
        yield c
        c.close()


def parse_link(header: str | None) -> dict[str, str]:
    """rel -> url of a Link header."""
    out = {}
    for part in (header or "").split(","):
        part = part.strip()
        if not part:
            continue
        url, _, rel = part.partition(";")
        out[rel.strip().split("=", 1)[1].strip('"')] = url.strip()[1:-1]
    return out
