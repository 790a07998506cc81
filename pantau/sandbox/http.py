"""The request and response records the platform modules speak, and their helpers.

Keeping the platform modules free of ``http.server`` makes them plain functions of
(world, request) that the tests and the benchmark can reason about.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from pantau.sandbox.data import ORIGIN

JSON_UTF8 = "application/json; charset=utf-8"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    origin: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON_UTF8
    headers: list[tuple[str, str]] = field(default_factory=list)
    endpoint: str = ""          # name for the request counters: "mastodon.statuses", "bluesky.getLikes"
    family: str = ""            # mastodon | bluesky | youtube | web | page | control


def dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_response(obj: object, status: int = 200, *, endpoint: str = "", family: str = "",
                  headers: list[tuple[str, str]] | None = None, content_type: str = JSON_UTF8) -> Response:
    return Response(status, dumps(obj), content_type, list(headers or []), endpoint, family)


def raw_json_response(body: bytes, status: int = 200, *, endpoint: str = "", family: str = "",
                      headers: list[tuple[str, str]] | None = None) -> Response:
    """A response from JSON already serialised (lists built from cached fragments)."""
    return Response(status, body, JSON_UTF8, list(headers or []), endpoint, family)


def json_list(fragments: list[bytes]) -> bytes:
    return b"[" + b",".join(fragments) + b"]"


def html_response(html: str, status: int = 200, *, endpoint: str = "page") -> Response:
    return Response(status, html.encode("utf-8"), "text/html; charset=utf-8", [], endpoint, "page")


def link(path: str, params: dict[str, str]) -> str:
    """An absolute URL at the (placeholder) origin with sorted query keys, as Rails writes them."""
    return f"{ORIGIN}{path}?{urlencode(sorted(params.items()))}"


def int_param(query: dict[str, str], name: str, default: int) -> int | None:
    """The integer value of ``name``, ``default`` when absent, None when not a number."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None
