"""The platform registry: the one place that says what a platform is.

Every layer (records, config defaults, watchlists, known-handle parsing, spiders, capture
parsers, the sandbox, the docs test) reads this table instead of keeping its own list, so
adding a platform is one entry here plus its spider or capture parser, fixtures and a docs
page. It lives in ``storage`` because that is the lowest layer that needs platform names;
it imports nothing from the project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

#: how interactions of a platform reach Pantau
API = "api"            # a spider calls the platform's public or official API
RENDER = "render"      # a spider renders pages in Chromium through a selector profile
CAPTURE = "capture"    # a person browses; Pantau reads what their browser received (HAR, Zeeschuimer)
IMPORT = "import"      # ``pantau import`` of JSONL/CSV made elsewhere (every platform)

ALL_KINDS = ("comment", "reply", "like", "repost", "quote", "follow")

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


@lru_cache(maxsize=None)
def _longest(handle_pattern: str) -> int | None:
    """(Memoised: the matcher asks once per actor.)"""
    m = re.search(r"\{\d+,(\d+)\}\$$", handle_pattern)
    return int(m[1]) if m else None


@dataclass(frozen=True, slots=True)
class Platform:
    """One platform and every fact Pantau keeps about it."""

    name: str
    title: str
    routes: tuple[str, ...]                      # API / RENDER / CAPTURE; IMPORT is implied for all
    kinds: tuple[str, ...]                       # the kinds Pantau can collect there
    handle_pattern: str                          # regex a watchlist handle must match
    handle_example: str                          # shown in the error when it does not
    base_url: str | None = None                  # public default origin of the API (spiders)
    api_key_env: str | None = None               # default environment variable of the key/token
    aliases: tuple[str, ...] = ()                # prefixes a roster may write: ``ig:budi``
    hosts: tuple[str, ...] = ()                  # profile hosts (without www./m./mobile.)
    not_profile: frozenset[str] = frozenset()    # first path words on those hosts that are no profile
    case_sensitive_ids: bool = False             # keys that are ids, not handles (YouTube channel ids)
    capture_hosts: tuple[str, ...] = ()          # hosts whose responses a capture parser reads
    skip_without_key: bool = False               # no key: its accounts are skipped (capture still works)
    notes: str = ""

    @property
    def handle_max(self) -> int | None:
        """The longest handle the platform allows (X: 15), read from ``handle_pattern``; None if open."""
        return _longest(self.handle_pattern)

    @property
    def crawled(self) -> bool:
        """A spider collects it (``pantau crawl``)."""
        return API in self.routes or RENDER in self.routes

    @property
    def captured(self) -> bool:
        return CAPTURE in self.routes

    @property
    def web_hosts(self) -> tuple[str, ...]:
        """Hosts of the platform's web pages (never where its API lives), with www./m. forms."""
        return tuple(f"{pre}{h}" for h in self.hosts for pre in ("", "www.", "m.", "mobile."))

    @property
    def docs_page(self) -> str:
        return f"docs/platforms/{self.name}.md"

    def check_handle(self, handle: object) -> str | None:
        """Why ``handle`` is malformed here, or None."""
        if not isinstance(handle, str) or not re.match(self.handle_pattern, handle.strip()):
            return f"malformed {self.name} handle {handle!r}: expected {self.handle_example}"
        return None


_SOCIAL_HANDLE = r"^@?[A-Za-z0-9._]{1,100}$"
#: one character of a YouTube handle: a letter, digit or '_' of any script (``\w``), '.', '-', or a
#: combining mark of the scripts whose vowel signs ``\w`` does not count (Latin diacritics,
#: Indic, Thai, Lao, Myanmar, Khmer, Balinese, Javanese)
_YT_HANDLE_CHAR = (r"[\w.\-\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
                   r"\u1b00-\u1b7f\ua980-\ua9df]")
_COMMON_NOT_PROFILE = frozenset({
    "p", "reel", "reels", "tv", "stories", "explore", "watch", "channel", "c", "user", "profile",
    "people", "pages", "groups", "share", "hashtag", "i", "intent", "home", "status", "search",
    "accounts", "direct", "login", "settings", "video", "tag", "music", "discover", "messages",
    "notifications", "compose", "events", "photo", "photos", "watch", "live", "foryou", "following",
})

PLATFORMS: dict[str, Platform] = {p.name: p for p in (
    Platform(
        name="mastodon", title="Mastodon", routes=(API,),
        kinds=("comment", "reply", "like", "repost", "follow"),
        handle_pattern=r"^@?[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*(@[A-Za-z0-9.-]+(:\d+)?)?$",
        handle_example="a Mastodon handle like @user@server.example",
        aliases=("mastodon", "masto"),
        notes="Quotes are not listed: the quotes endpoint answers only the quoted post's author.",
    ),
    Platform(
        name="bluesky", title="Bluesky", routes=(API,), kinds=ALL_KINDS,
        handle_pattern=r"^(@?([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9-]+|did:(plc|web):[A-Za-z0-9._:%-]+)$",
        handle_example="a Bluesky handle like name.bsky.social or a DID",
        base_url="https://public.api.bsky.app", aliases=("bluesky", "bsky"), hosts=("bsky.app",),
    ),
    Platform(
        name="youtube", title="YouTube", routes=(API,), kinds=("comment", "reply"),
        # a handle: 3-30 letters or digits of any script (with the marks that write them:
        # Devanagari, Thai, Javanese ... vowel signs, which Python's \w leaves out), '.', '_', '-';
        # the '@' is optional (channels.list forHandle takes both; the spider adds it)
        handle_pattern=r"^(UC[A-Za-z0-9_-]{22}|@?" + _YT_HANDLE_CHAR + r"{3,30})$",
        handle_example="a YouTube channel id (UC...) or a handle (@name or name, 3-30 characters)",
        base_url="https://www.googleapis.com", api_key_env="PANTAU_YOUTUBE_API_KEY",
        aliases=("youtube", "yt"), hosts=("youtube.com", "youtu.be"), case_sensitive_ids=True,
    ),
    Platform(
        name="web", title="Web (rendered pages)", routes=(RENDER,), kinds=("comment", "reply"),
        handle_pattern=r"^@?[A-Za-z0-9._-]{1,100}$",
        handle_example="letters, digits, '.', '_' or '-'", aliases=("web",),
    ),
    Platform(
        name="x", title="X (Twitter)", routes=(API, CAPTURE), skip_without_key=True,
        kinds=("comment", "reply", "like", "repost", "quote", "follow"),
        handle_pattern=r"^@?[A-Za-z0-9_]{1,15}$",
        handle_example="an X username like @calonsatu (letters, digits, '_', at most 15)",
        base_url="https://api.x.com", api_key_env="PANTAU_X_BEARER_TOKEN",
        aliases=("x", "twitter", "tw"), hosts=("x.com", "twitter.com", "mobile.twitter.com"),
        capture_hosts=("x.com", "twitter.com"),
        notes="Replies through recent search cover the last 7 days; followers need Enterprise access.",
    ),
    Platform(
        name="instagram", title="Instagram", routes=(CAPTURE,),
        kinds=("comment", "reply", "like", "follow"),
        handle_pattern=r"^@?[A-Za-z0-9._]{1,30}$",
        handle_example="an Instagram username like calon.satu (letters, digits, '.', '_', at most 30)",
        aliases=("instagram", "ig", "insta"), hosts=("instagram.com", "instagr.am"),
        capture_hosts=("instagram.com",),
    ),
    Platform(
        name="tiktok", title="TikTok", routes=(CAPTURE,), kinds=("comment", "reply", "follow"),
        handle_pattern=r"^@?[A-Za-z0-9._]{1,24}$",
        handle_example="a TikTok username like @calonsatu (letters, digits, '.', '_', at most 24)",
        aliases=("tiktok", "tt"), hosts=("tiktok.com",), capture_hosts=("tiktok.com",),
    ),
    Platform(
        name="facebook", title="Facebook", routes=(CAPTURE,), kinds=("comment", "reply"),
        handle_pattern=r"^@?[A-Za-z0-9.]{1,100}$",
        handle_example="a Facebook page or profile name (letters, digits, '.') or a numeric id",
        aliases=("facebook", "fb"), hosts=("facebook.com", "fb.com", "web.facebook.com"),
        capture_hosts=("facebook.com",),
    ),
)}

NAMES: tuple[str, ...] = tuple(PLATFORMS)
CRAWLED: tuple[str, ...] = tuple(n for n, p in PLATFORMS.items() if p.crawled)
CAPTURED: tuple[str, ...] = tuple(n for n, p in PLATFORMS.items() if p.captured)
#: roster prefixes -> platform (``IG: @budi``)
ALIASES: dict[str, str] = {a: p.name for p in PLATFORMS.values() for a in p.aliases}
#: profile hosts -> platform
HOSTS: dict[str, str] = {h: p.name for p in PLATFORMS.values() for h in p.hosts}


def get(name: str) -> Platform:
    """The registry entry of ``name``; a one-line error listing the known ones otherwise."""
    try:
        return PLATFORMS[name]
    except KeyError:
        raise ValueError(f"unknown platform {name!r} (known: {', '.join(NAMES)})") from None


def bare_host(host: str) -> str:
    host = host.lower().rstrip(".")
    for pre in ("www.", "m.", "mobile.", "web."):
        if host.startswith(pre) and host[len(pre):] in HOSTS:
            return host[len(pre):]
    return host


@dataclass(frozen=True, slots=True)
class ProfileRef:
    platform: str
    handle: str          # as the platform writes it, without a leading '@' (Mastodon: user@host)


#: sites that write their own profiles as ``/@name`` and are not the fediverse: a link there
#: is not a Mastodon account, whatever its shape
_AT_PATH_NOT_FEDIVERSE = frozenset({"threads.net", "threads.com", "medium.com", "substack.com"})


def looks_like_url(text: str) -> bool:
    """A handle written as a web address (``https://x.com/calon``, ``x.com/calon``)."""
    t = text.strip().lower()
    return t.startswith(("http://", "https://")) or ("/" in t and "." in t.split("/", 1)[0])


class NotAProfile(ValueError):
    """A URL that names no profile Pantau can watch; the message says why in one line."""


def parse_profile_url(text: str, *, guess_legacy: bool = False) -> ProfileRef | None:
    """A profile URL -> (platform, handle); None when the URL names no profile.

    ``https://www.instagram.com/calon.satu/`` -> instagram, ``calon.satu``;
    ``https://x.com/calonsatu`` -> x; ``https://www.tiktok.com/@calonsatu`` -> tiktok;
    ``https://bsky.app/profile/calon.bsky.social`` -> bluesky;
    ``https://www.youtube.com/@calon`` -> youtube ``@calon``; ``https://facebook.com/profile.php?id=1``;
    ``https://mastodon.example/@calon`` (or ``/users/calon``) -> mastodon ``calon@mastodon.example``.
    """
    try:
        return profile_from_url(text, guess_legacy=guess_legacy)
    except NotAProfile:
        return None


def profile_from_url(text: str, platform: str | None = None, *, guess_legacy: bool = False) -> ProfileRef:
    """``parse_profile_url``, raising :class:`NotAProfile` with the reason instead of None;
    with ``platform``, a profile on another platform is refused too.

    ``guess_legacy`` reads a legacy YouTube ``/c/NAME`` or ``/user/NAME`` as ``@NAME``: good
    enough for a handle listed as evidence (the roster's social column), never for an
    account to crawl, whose handle must be the channel's own."""
    ref = _profile(text.strip(), guess_legacy)
    if platform is not None and ref.platform != platform:
        raise NotAProfile(f"{text!r} is a profile on {ref.platform}, not on {platform}")
    return ref


def _profile(text: str, guess_legacy: bool) -> ProfileRef:
    u = urlsplit(text if _SCHEME.match(text) else "https://" + text)
    if not text or u.scheme not in ("http", "https") or not u.hostname:
        raise NotAProfile(f"{text!r} is not a web address")
    host = bare_host(u.hostname)
    parts = [p for p in u.path.split("/") if p]
    name = HOSTS.get(host)
    if name is None:
        return _fediverse_profile(u.hostname.lower(), host, parts, text)
    plat = PLATFORMS[name]
    if name == "facebook" and parts[:1] == ["profile.php"]:
        ids = parse_qs(u.query).get("id")
        if ids:
            return ProfileRef("facebook", ids[0])
        raise NotAProfile(f"{text!r} names no profile: profile.php needs its ?id=")
    if name == "facebook" and len(parts) >= 3 and parts[0] == "people" and parts[2].isdigit():
        return ProfileRef("facebook", parts[2])       # /people/Display-Name/100099999999/
    if name == "bluesky":
        if len(parts) >= 2 and parts[0] == "profile":
            return ProfileRef("bluesky", parts[1].lstrip("@"))
        raise NotAProfile(f"{text!r} names no Bluesky profile (expected https://bsky.app/profile/NAME)")
    if name == "youtube":
        if parts and parts[0].startswith("@"):
            return ProfileRef("youtube", parts[0])
        if len(parts) >= 2 and parts[0] == "channel":
            return ProfileRef("youtube", parts[1])
        if len(parts) >= 2 and parts[0] in ("c", "user"):
            if guess_legacy:
                return ProfileRef("youtube", "@" + parts[1])
            # a legacy custom or user name need not be the channel's @handle: no guessing
            raise NotAProfile(f"{text!r} is a legacy YouTube name, which need not be the channel's "
                              f"handle: give the channel's @handle or its /channel/UC... address")
        raise NotAProfile(f"{text!r} names no YouTube channel (expected https://www.youtube.com/@NAME)")
    if not parts or parts[0].lower() in _COMMON_NOT_PROFILE | plat.not_profile:
        raise NotAProfile(f"{text!r} is a page of {plat.title} but not a profile")
    handle = parts[0].lstrip("@")
    problem = plat.check_handle(handle)
    if not handle or problem:
        raise NotAProfile(f"{text!r}: {problem}")
    return ProfileRef(name, handle)


def _fediverse_profile(hostname: str, host: str, parts: list[str], text: str) -> ProfileRef:
    """A profile on a host the registry does not name: a fediverse server's ``/@name`` or
    ``/users/name`` (its ActivityPub address), unless the site is known to be something else."""
    user = None
    if parts and parts[0].startswith("@") and len(parts[0]) > 1:
        user = parts[0][1:]
    elif len(parts) == 2 and parts[0] == "users":
        user = parts[1]
    if user is None or host.removeprefix("www.") in _AT_PATH_NOT_FEDIVERSE:
        raise NotAProfile(f"{text!r} is not a profile URL Pantau knows "
                          f"(e.g. https://www.instagram.com/NAME/, https://x.com/NAME)")
    ref = ProfileRef("mastodon", user if "@" in user else f"{user}@{hostname}")
    problem = PLATFORMS["mastodon"].check_handle(ref.handle)
    if problem:
        raise NotAProfile(f"{text!r}: {problem}")
    return ref
