"""Known handles from the roster's ``akun`` column: which platform, which account.

A roster lists an employee's accounts however the office wrote them down:
``budisantoso``, ``@budisantoso``, ``instagram:budisantoso``, ``IG: @budisantoso``,
``@budi@mastodon.example``, ``https://www.instagram.com/budisantoso/``,
``https://bsky.app/profile/budi.bsky.social``, ``youtube.com/@budi``. Each is read
into (platform or ``None``, handle) so a match can tell a handle confirmed on its
platform (certain) from a bare one that any namesake on any platform may also have
picked (``budisantoso`` is a name, not an account).

Handles are compared in a normalised form (``key``): lower case, no ``@``;
Mastodon keeps its server (``budi@mastodon.example`` is not ``budi@other.example``),
Bluesky keeps its domain (``budi.bsky.social``). ``user`` is the part a person
reuses across platforms (``budi`` for both of those), used for the weaker matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage import platforms as registry

#: prefixes a roster may write before a handle -> platform (the registry's aliases)
PLATFORM_ALIASES: dict[str, str] = registry.ALIASES
#: profile hosts (``www.``/``m.`` removed) -> platform (the registry's hosts)
PLATFORM_HOSTS: dict[str, str] = registry.HOSTS
# a dotted handle ending in one of these reads as a Bluesky (custom) domain handle
_BSKY_TLDS = {"com", "net", "org", "id", "social", "dev", "io", "me", "xyz", "app", "site", "online", "my",
              "co", "info", "biz", "web", "ac", "sch", "go", "or"}
# ``user@host`` on these hosts is an e-mail address, not a Mastodon account
_MAIL_HOSTS = {"gmail.com", "yahoo.com", "yahoo.co.id", "ymail.com", "hotmail.com", "outlook.com", "live.com",
               "icloud.com", "rocketmail.com", "googlemail.com", "outlook.co.id", "mail.com", "proton.me",
               "protonmail.com"}
_PREFIX = re.compile(r"^\s*([a-z]+)\s*(?::|=|\s(?=@))\s*(.+)$", re.I)
_SUFFIX = re.compile(r"^(.+?)\s*\(\s*([a-z]+)\s*\)$", re.I)      # budisantoso (IG)
_HOSTLIKE = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$")


@dataclass(frozen=True, slots=True)
class KnownHandle:
    """One roster handle: ``platform`` is ``None`` when the roster does not say which."""

    platform: str | None
    key: str            # normalised handle on that platform: budi, budi@mastodon.example, budi.bsky.social

    @property
    def user(self) -> str:
        return user_part(self.platform, self.key)


def user_part(platform: str | None, key: str) -> str:
    """The name part a person reuses elsewhere: no Mastodon server, no Bluesky domain."""
    if "@" in key:
        return key.split("@", 1)[0]
    if key.endswith(".bsky.social"):
        return key[: -len(".bsky.social")]
    if platform == "bluesky" and "." in key:
        labels = key.split(".")
        while len(labels) > 1 and labels[-1] in _BSKY_TLDS:
            labels.pop()
        return ".".join(labels)
    return key


def _clean(h: str) -> str:
    return h.strip().strip("/").lstrip("@").strip().lower()


def _from_url(text: str) -> KnownHandle | None:
    """A profile URL (with or without ``https://``) -> handle; None when it names no profile."""
    ref = registry.parse_profile_url(text, guess_legacy=True)
    if ref is None:
        return None
    if ref.platform == "bluesky":
        return KnownHandle("bluesky", _bluesky_key(ref.handle))
    key = _clean(ref.handle)
    return KnownHandle(ref.platform, key) if key else None


def _bluesky_key(h: str) -> str:
    h = _clean(h)
    return h if "." in h else f"{h}.bsky.social"


def parse_known_handle(text: str) -> KnownHandle | None:
    """One entry of the ``akun`` column -> (platform or None, normalised handle); None if empty.

    Order matters: a platform prefix (``ig:``) or suffix (``budi (IG)``), then a URL, then the shapes that name
    their platform themselves (``@user@host`` is Mastodon, ``name.bsky.social`` or a
    domain handle is Bluesky); anything else is a bare handle with no platform.
    """
    t = (text or "").strip().strip("<>\"'").strip()
    if not t:
        return None
    m = _SUFFIX.match(t)
    if m and m.group(2).lower() in PLATFORM_ALIASES:
        t = f"{m.group(2)}:{m.group(1)}"
    m = _PREFIX.match(t)
    if m and m.group(1).lower() in PLATFORM_ALIASES and not m.group(2).startswith("//"):
        platform = PLATFORM_ALIASES[m.group(1).lower()]
        rest = m.group(2).strip()
        if "/" in rest:
            hit = _from_url(rest)
            if hit:
                return KnownHandle(platform, hit.key) if hit.platform in (platform, None) else hit
        if platform == "bluesky":
            return KnownHandle("bluesky", _bluesky_key(rest))
        key = _clean(rest)
        return KnownHandle(platform, key) if key else None
    if "/" in t:
        return _from_url(t)          # a profile URL, or a page that names no profile (ignored)
    h = _clean(t)
    if not h:
        return None
    if "@" in h:
        user, _, host = h.partition("@")
        if host in _MAIL_HOSTS:
            return KnownHandle(None, user)         # an e-mail address: its user name, no platform
        if user and _HOSTLIKE.match(host):
            return KnownHandle("mastodon", f"{user}@{host}")
        return KnownHandle(None, h.replace("@", ""))
    if "." in h and (h.endswith(".bsky.social") or (_HOSTLIKE.match(h) and h.rsplit(".", 1)[1] in _BSKY_TLDS)):
        return KnownHandle("bluesky", h)
    return KnownHandle(None, h)


def actor_handle(platform: str, handle: str | None) -> KnownHandle | None:
    """An actor's handle in the same normalised form as a roster's, on the actor's platform."""
    if not handle:
        return None
    h = _clean(handle)
    if not h:
        return None
    if platform == "mastodon":
        return KnownHandle("mastodon", h)           # user@host as the crawler stores it
    if platform == "bluesky":
        return KnownHandle("bluesky", _bluesky_key(h))
    return KnownHandle(platform, h)


# How a known handle relates to an actor's, strongest first (stored per candidate pair).
KNOWN_NONE, KNOWN_CERTAIN, KNOWN_BARE, KNOWN_NO_SERVER, KNOWN_OTHER_SERVER, KNOWN_OTHER_PLATFORM = range(6)
