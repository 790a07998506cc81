"""Removing the person's own secrets from a capture before anything is kept.

A HAR holds the cookies, session tokens and CSRF tokens of whoever browsed: with them
anyone could act as that person. Nothing of them may reach the database, the evidence
folder or a log. Headers are dropped by name (a list plus patterns, so new ``x-ig-*``
or ``x-tt-*`` headers are caught too), query parameters and JSON fields by name pattern,
and POST bodies are never kept (only the GraphQL ``variables`` that say which post a
response is about).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: header names never kept (lower case)
SECRET_HEADERS = frozenset({
    "cookie", "set-cookie", "set-cookie2", "authorization", "proxy-authorization", "x-csrftoken",
    "x-csrf-token", "x-xsrf-token", "x-guest-token", "x-twitter-auth-type", "x-client-transaction-id",
    "x-asbd-id", "x-fb-lsd", "x-fb-friendly-name", "x-instagram-ajax", "x-web-session-id", "x-secsdk-csrf-token",
    "x-tt-params", "x-mstoken", "x-bogus", "x-gnarly", "x-api-key", "x-auth-token", "x-access-token",
})
_SECRET_HEADER_PREFIXES = ("x-ig-", "x-fb-", "x-tt-", "x-secsdk-", "x-twitter-", "x-ms-", "x-bd-")
_SECRET_WORDS = re.compile(r"token|csrf|xsrf|auth|session|secret|passw|cookie|signature|bogus|gnarly|dtsg|"
                           r"verifyfp|sessionid|apikey|api_key|claim", re.I)
#: query parameters that carry a session, a signature or a device fingerprint
SECRET_PARAMS = frozenset({
    "mstoken", "x-bogus", "x-gnarly", "_signature", "verifyfp", "fb_dtsg", "lsd", "jazoest", "__user",
    "access_token", "token", "sessionid", "session_id", "csrf", "csrftoken", "device_id", "odinid",
    "webcast_id", "a_bogus", "__hs", "__dyn", "__csr", "__req", "__rev", "__s", "__hsi", "__comet_req",
    "__spin_r", "__spin_b", "__spin_t", "fb_api_req_friendly_name", "av", "__a", "__ccg", "dpr",
})

REMOVED = "[removed]"

_JSON_SECRET = re.compile(
    r'("(?:[A-Za-z_]*(?:token|csrf|xsrf|dtsg|session_?id|sessionid|secret|password|claim)[A-Za-z_]*|lsd|'
    r'viewerId|viewer_id|fbid_v2)"\s*:\s*)"(?:[^"\\]|\\.)*"', re.I)


def secret_header(name: str) -> bool:
    n = name.strip().lower()
    return n in SECRET_HEADERS or n.startswith(_SECRET_HEADER_PREFIXES) or bool(_SECRET_WORDS.search(n))


def secret_param(name: str) -> bool:
    n = name.strip().lower()
    return n in SECRET_PARAMS or bool(_SECRET_WORDS.search(n))


def headers(items) -> dict[str, str]:
    """HAR ``[{name, value}]`` (or a mapping) -> the headers that are safe to keep."""
    pairs = items.items() if isinstance(items, dict) else ((h.get("name"), h.get("value")) for h in items or ()
                                                          if isinstance(h, dict))
    return {str(k): str(v) for k, v in pairs if k and not secret_header(str(k)) and v is not None}


def url(u: str) -> str:
    """The URL without token-looking query parameters, credentials or fragment."""
    try:
        parts = urlsplit(u)
    except ValueError:
        return u.split("?", 1)[0]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not secret_param(k)]
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query), ""))


_BODY_WORDS = ("token", "csrf", "xsrf", "dtsg", "session", "secret", "password", "claim", '"lsd"', "viewer",
               "fbid_v2")


def body(text: str) -> str:
    """JSON or HTML text with the values of secret-looking fields replaced (``"csrf_token": ...``)."""
    low = text.lower()
    if not any(w in low for w in _BODY_WORDS):      # most bodies: no field worth the regex's time
        return text
    return _JSON_SECRET.sub(lambda m: m.group(1) + f'"{REMOVED}"', text)
