"""The sandbox's fictional world, generated deterministically from a seed.

One platform-neutral model (watched accounts, their posts, reply trees, likes,
reposts, quotes, followers, and the actors behind them) is generated per
watched account on first use, so a large world starts at once and each account
costs a fraction of a second when first asked for. The platform modules only
serialise this model in their own shapes.

Ids carry the index of the watched account they belong to (Mastodon snowflake
low bits, Bluesky TID clock id, a YouTube id character), so any id a client
sends back leads to its account without a global index.

Times are relative to ``anchor`` (midnight UTC of the day the world was made),
so the same seed gives the same content all day long, and posts fall inside the
default since/look-back windows. ``advance`` adds new activity, timed at the
real clock, for incremental re-crawl tests.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from pantau.sandbox import names

#: Placeholder for the origin a client used; every body and header is rewritten per request.
ORIGIN = "http://@ORIGIN@"
LOCAL_DOMAIN = "mastodon.sandbox.test"
BSKY_SUFFIX = ".bsky.sandbox.test"
REMOTE_DOMAINS = ["kopdar.example", "nusantara.example", "pasar.example", "balai.example", "warga.example"]
CRAWLED = ("mastodon", "bluesky", "youtube", "web", "x")   # the platforms World generates content for
SOCIAL = ("mastodon", "bluesky", "x")                     # likes, reposts and followers
X_EPOCH_MS = 1288834974657                                 # Twitter snowflake epoch
DAY = 86400.0

_B32 = "234567abcdefghijklmnopqrstuvwxyz"          # atproto base32-sortable (TIDs)
_B32LOWER = "abcdefghijklmnopqrstuvwxyz234567"     # multibase base32 (CIDs, DIDs)
YT_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@dataclass(frozen=True)
class SizeParams:
    employee_actors: int
    namesakes: int
    public: int
    brands: int
    bots: int
    posts: tuple[int, int]
    likes: tuple[int, int]
    reposts: tuple[int, int]
    quotes: tuple[int, int]
    comments: tuple[int, int]
    yt_comments: tuple[int, int]
    followers: tuple[int, int]
    reblogs: int
    busy_comments: int
    busy_chain: int
    busy_everywhere: bool
    extra_candidates: int


SIZES = {
    "small": SizeParams(employee_actors=24, namesakes=12, public=80, brands=6, bots=3, posts=(8, 12),
                        likes=(0, 9), reposts=(0, 3), quotes=(0, 2), comments=(0, 5), yt_comments=(1, 7),
                        followers=(15, 35), reblogs=2, busy_comments=36, busy_chain=24,
                        busy_everywhere=False, extra_candidates=0),
    "large": SizeParams(employee_actors=45, namesakes=30, public=6000, brands=15, bots=5, posts=(35, 45),
                        likes=(10, 80), reposts=(2, 15), quotes=(0, 5), comments=(4, 30), yt_comments=(25, 85),
                        followers=(400, 900), reblogs=4, busy_comments=45, busy_chain=48,
                        busy_everywhere=True, extra_candidates=8),
}


def _hash(*parts: object, n: int = 16) -> bytes:
    return hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=n).digest()


def b32(data: bytes, alphabet: str = _B32LOWER) -> str:
    bits = int.from_bytes(data, "big")
    out = []
    for _ in range(len(data) * 8 // 5):
        out.append(alphabet[bits & 31])
        bits >>= 5
    return "".join(out)


def tid(micros: int, clock: int) -> str:
    """An atproto TID: 53-bit microseconds and a 10-bit clock id, base32-sortable, 13 chars."""
    v = (micros << 10) | (clock & 1023)
    return "".join(_B32[(v >> (5 * i)) & 31] for i in range(12, -1, -1))


def tid_clock(rkey: str) -> int | None:
    if len(rkey) != 13 or any(c not in _B32 for c in rkey):
        return None
    v = 0
    for c in rkey:
        v = v * 32 + _B32.index(c)
    return v & 1023


def yt_chars(*parts: object, n: int) -> str:
    raw = base64.urlsafe_b64encode(_hash(*parts, n=max(16, n))).decode().rstrip("=")
    return raw[:n]


def iso_ms(t: float) -> str:
    """2026-08-21T02:00:00.512Z (Mastodon and Bluesky)."""
    dt = datetime.fromtimestamp(t, timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def iso_s(t: float) -> str:
    """2026-08-19T02:10:33Z (YouTube)."""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Actor:
    """Someone who interacts: an employee's own account, a namesake, the public, a brand or a bot."""

    idx: int
    name: str
    kind: str                       # employee | namesake | public | brand | bot
    employee: int | None            # index into names.employees(seed) for kind employee/namesake
    stem: str                       # handle stem: budi.santoso, bsantoso88
    bio: str
    created: float
    masto_domain: str | None        # None: local to the sandbox instance
    bsky_hidden: bool = False       # taken down: dropped from Bluesky lists after paging
    bsky_no_profile: bool = False   # no profile record: no displayName at all
    yt_handle_as_name: bool = False  # YouTube shows "@handle" as the author name

    # platform identities -------------------------------------------------
    @property
    def masto_username(self) -> str:
        return self.stem.replace(".", "_").replace("-", "_") if self.masto_domain is None else self.stem

    @property
    def masto_acct(self) -> str:
        return self.masto_username if self.masto_domain is None else f"{self.masto_username}@{self.masto_domain}"

    @property
    def masto_id(self) -> str:
        return str((int(self.created * 1000) << 16) | self.idx)

    @property
    def bsky_handle(self) -> str:
        return self.stem.replace(".", "-").replace("_", "-") + BSKY_SUFFIX

    @property
    def yt_handle(self) -> str:
        return "@" + self.stem

    @property
    def web_handle(self) -> str:
        return self.stem

    @property
    def x_username(self) -> str:
        """Letters, digits and '_' only, at most 15 characters (X's rule)."""
        return re.sub(r"[^A-Za-z0-9_]", "_", self.stem)[:15]


@dataclass
class Watched:
    """A candidate account the sandbox serves (and lists in its watchlist)."""

    idx: int
    platform: str
    stem: str
    candidate: str
    role: str
    party: str | None
    name: str
    collect: list[str] | None = None
    hide_collections: bool = False
    created: float = 0.0
    bio: str = ""

    @property
    def handle(self) -> str:
        """As a watchlist writes it."""
        return {
            "mastodon": f"@{self.stem}@{LOCAL_DOMAIN}", "bluesky": self.stem + BSKY_SUFFIX,
            "youtube": "@" + self.stem, "instagram": self.stem + ".official",
            "x": re.sub(r"[^A-Za-z0-9_]", "_", self.stem)[:15],
        }.get(self.platform, self.stem)

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.stem}"

    def url_path(self) -> str | None:
        return {
            "mastodon": f"/@{self.stem}", "bluesky": f"/profile/{self.stem}{BSKY_SUFFIX}",
            "youtube": f"/@{self.stem}", "web": f"/mikroblog/{self.stem}", "x": f"/{self.handle}",
        }.get(self.platform)


class Node:
    """A post, reply, quote or repost wrapper; ``author`` -1 is the watched account itself."""

    __slots__ = ("seq", "pid", "author", "t", "text", "kind", "parent", "children", "likes", "reposts",
                 "quotes", "reblog_of", "comments_disabled", "members_only", "pinned", "hidden")

    def __init__(self, seq: int, author: int, t: float, text: str, kind: str, parent: "Node | None" = None):
        self.seq = seq
        self.pid = ""
        self.author = author
        self.t = t
        self.text = text
        self.kind = kind                 # post | reply | reblog | orig | quote
        self.parent = parent
        self.children: list[Node] = []
        self.likes: list[Event] = []
        self.reposts: list[Event] = []
        self.quotes: list[Node] = []
        self.reblog_of: Node | None = None
        self.comments_disabled = False
        self.members_only = False        # YouTube: a members-only video, whose comments a key cannot list
        self.pinned = False
        self.hidden = ""                 # bluesky thread placeholder: "" | "blocked" | "notfound"

    @property
    def root(self) -> "Node":
        n = self
        while n.parent is not None:
            n = n.parent
        return n

    @property
    def depth(self) -> int:
        d, n = 0, self
        while n.parent is not None:
            d, n = d + 1, n.parent
        return d


class Event:
    """A like, repost or follow: who, when, and a sequential internal id."""

    __slots__ = ("actor", "t", "n")

    def __init__(self, actor: int, t: float, n: int):
        self.actor = actor
        self.t = t
        self.n = n


@dataclass
class Content:
    watched: Watched
    nodes: dict[str, Node] = field(default_factory=dict)    # pid -> node, every node of the account
    own: list[Node] = field(default_factory=list)           # the account's timeline, oldest first
    posts: list[Node] = field(default_factory=list)         # its root posts, oldest first
    followers: list[Event] = field(default_factory=list)    # oldest first
    seq: int = 0
    counter: int = 0


class World:
    """Actors, watched accounts and (lazily) their content, all from ``seed``."""

    def __init__(self, seed: int = 1, size: str = "small", now: float | None = None):
        if size not in SIZES:
            raise ValueError(f"unknown sandbox size {size!r} (known: {', '.join(SIZES)})")
        self.seed = seed
        self.size = size
        self.p = SIZES[size]
        now = time.time() if now is None else now
        self.anchor = float(int(now // DAY) * DAY)        # midnight UTC: stable all day
        self.lock = threading.RLock()
        self.batch = 0
        self._advanced_until = 0.0
        self.employees = names.employees(seed)
        self.actors: list[Actor] = []
        self._make_actors()
        self.watched: list[Watched] = []
        self._make_watched()
        self._content: dict[int, Content] = {}
        self.by_did = {self.did_actor(a.idx): a.idx for a in self.actors}
        self.by_bsky_handle = {a.bsky_handle: a.idx for a in self.actors}
        self.author_pool = [a.idx for a in self.actors if not a.bsky_hidden]
        self.hidden_pool = [a.idx for a in self.actors if a.bsky_hidden]

    # actors --------------------------------------------------------------
    def _make_actors(self) -> None:
        p = self.p
        rng = random.Random(f"pantau-sandbox:{self.seed}:actors")
        used: set[str] = set()
        own_all, namesakes_all = employee_picks(self.seed, len(self.employees))
        own, namesakes = own_all[:p.employee_actors], namesakes_all[:p.namesakes]

        def stem_for(base: str) -> str:
            s, i = base, 1
            while re.sub(r"[._-]", "", s) in used:
                i += 1
                s = f"{base}{i}"
            used.add(re.sub(r"[._-]", "", s))
            return s

        def add(name: str, kind: str, emp: int | None, stem: str, bio: str) -> None:
            idx = len(self.actors)
            created = self.anchor - rng.uniform(90, 2000) * DAY
            remote = rng.random() < 0.6
            domain = rng.choice(REMOTE_DOMAINS) if remote else None
            a = Actor(idx, name, kind, emp, stem_for(stem), bio, float(int(created)), domain)
            a.bsky_hidden = kind == "public" and rng.random() < 0.05
            a.bsky_no_profile = kind == "public" and rng.random() < 0.04
            a.yt_handle_as_name = rng.random() < 0.4
            self.actors.append(a)

        for e_idx in own:
            name, stem, bio, _known = employee_account(self.seed, self.employees[e_idx])
            add(name, "employee", e_idx, stem, bio)
        for e_idx in namesakes:
            e = self.employees[e_idx]
            stem = names.handle_stem(e.person, rng)
            add(e.person.plain, "namesake", e_idx, stem, names.fill(rng.choice(names.PUBLIC_BIOS), rng))
        for i in range(p.public):
            person = names.make_person(rng, 10_000 + i)
            name = names.titled(person, rng, p_front=0.05, p_back=0.1) if rng.random() < 0.2 else person.plain
            add(name, "public", None, names.handle_stem(person, rng), names.fill(rng.choice(names.PUBLIC_BIOS), rng))
        for i in range(p.brands):
            brand = names.BRANDS[i % len(names.BRANDS)]
            stem = brand.lower().replace(" ", "") + ("" if i < len(names.BRANDS) else str(i))
            add(brand, "brand", None, stem, f"Akun resmi {brand}.")
        for i in range(p.bots):
            bot = names.BOTS[i % len(names.BOTS)]
            add(bot, "bot", None, bot.lower().replace(" ", "_") + str(i), "Akun otomatis.")
        publics = [a for a in self.actors if a.kind == "public"]
        if sum(a.bsky_hidden for a in publics) < 2:     # every seed has some taken-down actors
            for a in publics[-2:]:
                a.bsky_hidden = True
        self.pool = list(range(len(self.actors)))

    def did_actor(self, idx: int) -> str:
        return "did:plc:" + b32(_hash(self.seed, "actor-did", idx, n=15))[:24]

    def did_watched(self, w: Watched) -> str:
        return "did:plc:" + b32(_hash(self.seed, "watched-did", w.stem, n=15))[:24]

    def yt_channel_actor(self, idx: int) -> str:
        return "UC" + yt_chars(self.seed, "yt-actor", idx, n=22)

    def yt_channel_watched(self, w: Watched) -> str:
        return "UC" + yt_chars(self.seed, "yt-watched", w.stem, n=22)

    # watched accounts ----------------------------------------------------
    def _make_watched(self) -> None:
        rng = random.Random(f"pantau-sandbox:{self.seed}:watched")
        specs = [
            ("Calon Satu", "capres", "Partai Contoh", "calonsatu",
             [("mastodon", None), ("bluesky", None), ("youtube", None), ("web", None)]),
            ("Calon Dua", "kepala-daerah", "Partai Teladan", "calondua",
             [("mastodon", None), ("bluesky", ["comments", "likes", "reposts", "quotes"])]),
            ("Calon Tiga", "dpd", None, "calontiga", [("youtube", None), ("web", None), ("instagram", None)]),
        ]
        parties = ["Partai Contoh", "Partai Teladan", "Partai Harapan Rakyat", "Partai Nusantara Maju", None]
        roles = ["dpr", "dprd", "kepala-daerah", "dpd", "dpr", "cawapres", "dprd", "dpr"]
        for i in range(self.p.extra_candidates):
            person = names.make_person(rng, 50_000 + i)
            display = names.titled(person, rng, p_front=0.5, p_back=0.7)
            stem = (person.first + person.family).lower().replace(" ", "") + str(i + 4)
            platforms = [("mastodon", None), ("bluesky", None), ("youtube", None)]
            if i % 4 == 0:
                platforms.append(("web", None))
            specs.append((display, roles[i % len(roles)], parties[i % len(parties)], stem, platforms))
        # X accounts come last, so every other account keeps the index (and ids) it had before
        x_specs = [(cand, role, party, stem, [("x", None)]) for cand, role, party, stem, _ in specs
                   if stem != "calontiga"]
        specs = [(c, r, p, st, [pl for pl in pls if pl[0] != "x"]) for c, r, p, st, pls in specs] + x_specs
        idx = 0
        for cand, role, party, stem, platforms in specs:
            for platform, collect in platforms:
                w = Watched(idx, platform, stem, cand, role, party, cand, collect)
                w.created = self.anchor - (400 + idx * 7) * DAY
                w.bio = f"Akun resmi kampanye {cand}. Fiktif, untuk Pantau sandbox. #Pemilu2029"
                w.hide_collections = platform == "mastodon" and stem == "calondua"
                self.watched.append(w)
                idx += 1

    def crawlable(self) -> list[Watched]:
        return [w for w in self.watched if w.platform in CRAWLED]

    def find(self, platform: str, stem: str) -> Watched | None:
        for w in self.watched:
            if w.platform == platform and w.stem == stem:
                return w
        return None

    # content ---------------------------------------------------------------
    def content(self, w: Watched | int) -> Content:
        if isinstance(w, int):
            w = self.watched[w]
        c = self._content.get(w.idx)
        if c is None:
            with self.lock:
                c = self._content.get(w.idx)
                if c is None:
                    c = self._generate(w)
                    self._content[w.idx] = c
        return c

    def _assign_pid(self, c: Content, node: Node) -> None:
        w = c.watched
        platform = w.platform
        attempt = 0
        while True:
            salt = node.seq if attempt == 0 else f"{node.seq}/{attempt}"
            if platform == "mastodon":
                pid = str((int(node.t * 1000) << 16) | (w.idx << 10) | (node.seq & 1023))
            elif platform == "bluesky":
                pid = tid(int(node.t * 1_000_000), w.idx)
            elif platform == "x":
                # a snowflake: milliseconds since X's epoch, the account's index as the worker id
                pid = str(((int(node.t * 1000) - X_EPOCH_MS) << 22) | ((w.idx & 1023) << 12) | (node.seq & 4095))
            elif platform == "youtube":
                if node.kind == "post":
                    pid = YT_ALPHABET[w.idx] + yt_chars(self.seed, w.idx, salt, n=10)
                elif node.parent is not None and node.parent.kind == "post":
                    pid = "Ug" + "xzw"[node.seq % 3] + YT_ALPHABET[w.idx] + yt_chars(self.seed, w.idx, salt, n=15) + "4AaABAg"
                else:
                    thread = node.parent
                    while thread.parent is not None and thread.parent.kind != "post":
                        thread = thread.parent
                    pid = thread.pid + "." + yt_chars(self.seed, "r", w.idx, salt, n=22)
            else:
                pid = f"{w.idx + 1}{node.seq:06d}"
            if pid not in c.nodes:
                break
            attempt += 1
            if platform in ("mastodon", "bluesky", "x"):
                node.t += 0.001
        node.pid = pid
        c.nodes[pid] = node

    def _node(self, c: Content, author: int, t: float, text: str, kind: str, parent: Node | None = None) -> Node:
        c.seq += 1
        n = Node(c.seq, author, t, text, kind, parent)
        if parent is not None:
            parent.children.append(n)
        self._assign_pid(c, n)
        if author == -1 and kind in ("post", "reply", "reblog"):
            c.own.append(n)
            if kind == "post":
                c.posts.append(n)
        return n

    def _events(self, c: Content, rng: random.Random, k: int, after: float, until: float) -> list[Event]:
        k = min(k, len(self.pool))
        chosen = rng.sample(self.pool, k)
        times = sorted(after + (until - after) * rng.random() ** 1.5 for _ in chosen)
        out = []
        for a, t in zip(chosen, times):
            c.counter += 1
            out.append(Event(a, t, w_offset(c.watched) + c.counter))
        return out

    def _author(self, rng: random.Random) -> int:
        return rng.choice(self.author_pool)

    def _later(self, rng: random.Random, after: float, until: float) -> float:
        return after + max(until - after, 1.0) * rng.random() ** 2

    def _text(self, rng: random.Random, templates: list[str]) -> str:
        if rng.random() < 0.03:
            return rng.choice(names.TRICKY_TEXTS)
        return names.fill(rng.choice(templates), rng)

    def _replies(self, c: Content, rng: random.Random, parent: Node, n: int, until: float, max_depth: int) -> None:
        for _ in range(n):
            t = self._later(rng, parent.t + 30, until)
            comment = self._node(c, self._author(rng), t, self._text(rng, names.COMMENT_TEMPLATES), "reply", parent)
            self._subreplies(c, rng, comment, until, max_depth, 1)

    def _subreplies(self, c: Content, rng: random.Random, node: Node, until: float, max_depth: int, depth: int) -> None:
        if depth >= max_depth or rng.random() > (0.35 if depth == 1 else 0.2):
            return
        for _ in range(rng.randint(1, 3)):
            owner = rng.random() < 0.25
            author = -1 if owner else self._author(rng)
            text = self._text(rng, names.OWNER_REPLY_TEMPLATES if owner else names.REPLY_TEMPLATES)
            t = self._later(rng, node.t + 30, until)
            child = self._node(c, author, t, text, "reply", node)
            self._subreplies(c, rng, child, until, max_depth, depth + 1)

    def _generate(self, w: Watched) -> Content:
        p = self.p
        c = Content(w)
        rng = random.Random(f"pantau-sandbox:{self.seed}:content:{w.platform}:{w.stem}")
        until = self.anchor - 60
        n_posts = rng.randint(*p.posts)
        ages = sorted((rng.uniform(0.1, 28) if rng.random() < 0.87 else rng.uniform(31, 58)) * DAY
                      for _ in range(n_posts))
        times = [self.anchor - a for a in reversed(ages)]
        social = w.platform in SOCIAL
        max_depth = {"youtube": 2, "web": 3}.get(w.platform, 6)
        first_of_platform = next(x for x in self.watched if x.platform == w.platform).idx == w.idx
        busy_idx = n_posts // 2 if (w.platform != "web" and (p.busy_everywhere or first_of_platform)) else -1
        disabled_idx = n_posts - 3 if w.platform == "youtube" and n_posts > 4 else -1
        members_idx = n_posts - 2 if w.platform == "youtube" and n_posts > 4 else -1
        reblog_slots = set(rng.sample(range(n_posts), min(p.reblogs, n_posts))) if social else set()
        for i, t in enumerate(times):
            post = self._node(c, -1, t, names.fill(rng.choice(names.POST_TEMPLATES), rng), "post")
            # members-only: set without a draw, so every post keeps the content it had
            post.members_only = i == members_idx
            if i == disabled_idx:
                post.comments_disabled = True
            elif i == busy_idx:
                pass                        # its comments come from _busy below
            elif w.platform == "youtube":
                self._replies(c, rng, post, rng.randint(*p.yt_comments), until, max_depth)
            else:
                self._replies(c, rng, post, rng.randint(*p.comments), until, max_depth)
            if social:
                post.likes = self._events(c, rng, rng.randint(*p.likes), t, until)
                post.reposts = self._events(c, rng, rng.randint(*p.reposts), t, until)
                if rng.random() < 0.25:     # the account continues its own thread
                    self._node(c, -1, self._later(rng, t + 60, until),
                               names.fill(rng.choice(names.SELF_REPLY_TEMPLATES), rng), "reply", post)
            if w.platform in ("bluesky", "x"):
                for _ in range(rng.randint(*p.quotes)):
                    q = self._node(c, self._author(rng), self._later(rng, t + 60, until),
                                   self._text(rng, names.QUOTE_TEMPLATES), "quote")
                    q.reblog_of = post
                    post.quotes.append(q)
            if i == busy_idx:
                self._busy(c, rng, post, until)
            if i in reblog_slots:          # the account reposts someone else's post
                orig_author = self._author(rng)
                ot = t - rng.uniform(600, 7200)
                orig = self._node(c, orig_author, ot, names.fill(rng.choice(names.POST_TEMPLATES), rng), "orig")
                orig.likes = self._events(c, rng, rng.randint(1, 6), ot, until)
                self._replies(c, rng, orig, rng.randint(0, 2), until, 2)
                wrapper = self._node(c, -1, t + rng.uniform(60, 3600), "", "reblog")
                wrapper.reblog_of = orig
        # strangers' text that must stay text everywhere: markup and a formula on the newest posts
        commented = [n for n in reversed(c.posts) if any(k.author != -1 for k in n.children) and not n.members_only]
        for post, text in zip(commented, names.TRICKY_TEXTS[:2]):
            next(k for k in post.children if k.author != -1).text = text
        if w.platform == "bluesky" and c.posts:
            pinned = c.posts[max(0, len(c.posts) // 3)]
            pinned.pinned = True
        if social:
            c.followers = self._events(c, rng, rng.randint(*p.followers), w.created, until)
        if w.platform == "bluesky" and self.hidden_pool:
            # a taken-down actor among the newest likes and followers: a short first page with a cursor
            liked = max(c.posts, key=lambda n: len(n.likes))
            for events in (liked.likes, c.followers):
                a = self.hidden_pool[w.idx % len(self.hidden_pool)]
                if a not in {e.actor for e in events}:
                    c.counter += 1
                    events.append(Event(a, until - 1, w_offset(w) + c.counter))
        c.own.sort(key=lambda n: n.t)
        return c

    def _busy(self, c: Content, rng: random.Random, post: Node, until: float) -> None:
        """A thread beyond Mastodon's logged-out context limits and Bluesky's default depth.

        Many short comments come first; the last one starts a long back-and-forth with
        side replies, deeper than 20 levels (and than 40 ancestors at size large) and
        together more than 60 descendants. In Mastodon's depth-first order a first
        ``context`` call shows every direct comment and the start of that chain; the
        rest is found by asking ``context`` again for the deepest replies seen.
        """
        w = c.watched
        flat = w.platform == "youtube"          # YouTube has one level of replies: a long thread instead
        span = max(min(until - post.t, DAY) / 2, 60.0)
        for _ in range(self.p.busy_comments):
            t = post.t + 30 + span * rng.random()
            self._node(c, self._author(rng), t, self._text(rng, names.COMMENT_TEMPLATES), "reply", post)
        a = self._author(rng)
        node = post
        t = post.t + 30 + span
        step = max(min((until - t) / (2 * self.p.busy_chain + 2), 600.0), 0.5)
        for d in range(self.p.busy_chain):     # a long back-and-forth between the account and one actor
            t += step * (0.5 + rng.random())
            author = a if d % 2 == 0 else -1
            parent = node if not (flat and d > 0) else post.children[-1]
            child = self._node(c, author, min(t, until), self._text(rng, names.REPLY_TEMPLATES), "reply", parent)
            if not (flat and d > 0):
                node = child
            if not flat and d % 5 == 4:        # side replies along the chain
                for _ in range(2):
                    self._node(c, self._author(rng), min(t + 1, until), self._text(rng, names.REPLY_TEMPLATES),
                               "reply", child)
        if w.platform == "bluesky":            # hidden members of a thread (logged-out view)
            for kind in ("blocked", "notfound"):
                h = self._node(c, self._author(rng), self._later(rng, post.t + 60, until), "", "reply", post)
                h.hidden = kind

    # growth ----------------------------------------------------------------
    def advance(self, platform: str | None = None, stem: str | None = None) -> dict:
        """Add deterministic new activity: on an old post (likes, comments, a reply, reposts,
        a quote) and a new post with a like and a comment; one new follower."""
        with self.lock:
            self.batch += 1
            # new activity is timed after everything before it, so ids and cursors keep growing
            base = max(time.time() - 30, self.anchor + 90, self._advanced_until + 1)
            out: dict[str, dict] = {}
            for w in self.crawlable():
                if (platform and w.platform != platform) or (stem and w.stem != stem):
                    continue
                c = self.content(w)
                rng = random.Random(f"pantau-sandbox:{self.seed}:advance:{self.batch}:{w.key}")
                clock = [base]

                def tick() -> float:
                    clock[0] += 0.25
                    return clock[0]

                added = {"comment": 0, "reply": 0, "like": 0, "repost": 0, "quote": 0, "follow": 0}
                old = [n for n in c.posts if self.anchor - 20 * DAY < n.t < self.anchor - 3 * DAY
                       and not n.comments_disabled and not n.members_only]
                target = rng.choice(old) if old else c.posts[0]
                social = w.platform in SOCIAL
                for _ in range(2):
                    self._node(c, self._author(rng), tick(), self._text(rng, names.COMMENT_TEMPLATES), "reply", target)
                    added["comment"] += 1
                comments = [n for n in target.children if n.author != -1 and not n.hidden]
                if comments:
                    parent = comments[0]
                    self._node(c, self._author(rng), tick(), self._text(rng, names.REPLY_TEMPLATES), "reply", parent)
                    added["reply"] += 1
                if social:
                    have = {e.actor for e in target.likes}
                    for a in [x for x in rng.sample(self.pool, 8) if x not in have][:3]:
                        c.counter += 1
                        target.likes.append(Event(a, tick(), w_offset(w) + c.counter))
                        added["like"] += 1
                    have = {e.actor for e in target.reposts}
                    for a in [x for x in rng.sample(self.pool, 4) if x not in have][:1]:
                        c.counter += 1
                        target.reposts.append(Event(a, tick(), w_offset(w) + c.counter))
                        added["repost"] += 1
                    have = {e.actor for e in c.followers}
                    for a in [x for x in rng.sample(self.pool, 6) if x not in have][:1]:
                        c.counter += 1
                        c.followers.append(Event(a, tick(), w_offset(w) + c.counter))
                        added["follow"] += 1
                if w.platform in ("bluesky", "x"):
                    q = self._node(c, self._author(rng), tick(), self._text(rng, names.QUOTE_TEMPLATES), "quote")
                    q.reblog_of = target
                    target.quotes.append(q)
                    added["quote"] += 1
                new = self._node(c, -1, tick(), names.fill(rng.choice(names.POST_TEMPLATES), rng), "post")
                self._node(c, self._author(rng), tick(), self._text(rng, names.COMMENT_TEMPLATES), "reply", new)
                added["comment"] += 1
                if social:
                    c.counter += 1
                    new.likes.append(Event(self.pool[rng.randrange(len(self.pool))], tick(), w_offset(w) + c.counter))
                    added["like"] += 1
                out[f"{w.platform}:{w.handle}"] = {"old_post": target.pid, "new_post": new.pid, "added": added}
                self._advanced_until = max(self._advanced_until, clock[0])
            return {"batch": self.batch, "accounts": out}

    def deep_reply(self, platform: str | None = None, stem: str | None = None) -> dict:
        """One reply deep in a live thread under an older post, and nothing else.

        For each Mastodon and Bluesky account: among its posts older than three days,
        the one whose thread heard from someone most recently; under the deepest
        comment or reply by someone else in it, a new reply. The post's own reply
        count (direct replies only, as on those platforms) does not move: only a
        crawler that re-reads live threads finds it before the weekly full pass.
        """
        with self.lock:
            base = max(time.time() - 30, self.anchor + 90, self._advanced_until + 1)
            out: dict[str, dict] = {}
            for w in self.crawlable():
                if w.platform not in ("mastodon", "bluesky") or (platform and w.platform != platform) \
                        or (stem and w.stem != stem):
                    continue
                c = self.content(w)
                rng = random.Random(f"pantau-sandbox:{self.seed}:deep-reply:{self._advanced_until}:{w.key}")
                best = None                      # (latest activity, post, deepest node, its depth)
                for post in c.posts:
                    if post.t >= self.anchor - 3 * DAY:
                        continue
                    stack = [(n, 1) for n in post.children]
                    latest, deepest = None, None
                    while stack:
                        n, d = stack.pop()
                        stack.extend((k, d + 1) for k in n.children)
                        if n.author == -1 or n.hidden:
                            continue
                        latest = n.t if latest is None else max(latest, n.t)
                        if deepest is None or d > deepest[1]:
                            deepest = (n, d)
                    if deepest is not None and (best is None or latest > best[0]):
                        best = (latest, post, deepest[0], deepest[1])
                if best is None:
                    continue
                _, post, parent, depth = best
                base += 0.25
                node = self._node(c, self._author(rng), base, self._text(rng, names.REPLY_TEMPLATES), "reply", parent)
                out[f"{w.platform}:{w.handle}"] = {"post": post.pid, "reply": node.pid, "depth": depth + 1,
                                                   "thread_active_at": best[0]}
            self._advanced_until = max(self._advanced_until, base)
            return {"accounts": out}

    def x_search_start(self) -> float:
        """Where the sandbox's X recent search reaches back to: midnight UTC six days ago.

        X's own window slides (now minus 7 days); a fixed start inside it keeps
        what a crawl finds and what ``totals`` counts the same all day.
        """
        return self.anchor - 6 * DAY

    # figures -----------------------------------------------------------------
    def totals(self) -> dict[str, dict[str, int]]:
        """Interactions the world holds per platform and kind (generates every account).

        Counts what a complete crawl of the watched accounts can collect: comments
        (direct replies to any post or reply of the account; YouTube top-level
        comments), replies further down, likes, reposts, quotes and follows; the account's own posts and
        replies, hidden thread members, activity on reposted originals and comments on YouTube's
        members-only videos (an API key cannot list them) are not counted.
        """
        out: dict[str, dict[str, int]] = {}
        for w in self.crawlable():
            c = self.content(w)
            k = out.setdefault(w.platform, {"comment": 0, "reply": 0, "like": 0, "repost": 0, "quote": 0,
                                            "follow": 0})
            for post in c.posts:
                stack = [] if post.members_only else list(post.children)
                while stack:
                    n = stack.pop()
                    stack.extend(n.children)
                    if n.author == -1 or n.hidden:
                        continue
                    if w.platform == "x" and n.t < self.x_search_start():
                        continue                   # X's recent search reaches back 7 days only
                    k["comment" if n.parent.author == -1 else "reply"] += 1
                hidden = 0 if w.platform != "bluesky" else 1
                k["like"] += sum(1 for e in post.likes if not (hidden and self.actors[e.actor].bsky_hidden))
                k["repost"] += sum(1 for e in post.reposts if not (hidden and self.actors[e.actor].bsky_hidden))
                k["quote"] += len(post.quotes)
            if not w.hide_collections:
                k["follow"] += sum(1 for e in c.followers
                                   if not (w.platform == "bluesky" and self.actors[e.actor].bsky_hidden))
        return out


def employee_picks(seed: int, n_employees: int) -> tuple[list[int], list[int]]:
    """Employees with their own accounts and employees with namesakes, the same for every size
    (a size uses a prefix of each list), so one sample roster fits every world of a seed."""
    rng = random.Random(f"pantau-sandbox:{seed}:employee-picks")
    picked = rng.sample(range(n_employees), SIZES["large"].employee_actors + SIZES["large"].namesakes)
    n = SIZES["large"].employee_actors
    return picked[:n], picked[n:]


def employee_account(seed: int, e: names.Employee) -> tuple[str, str, str, bool]:
    """(display name, handle stem, bio, whether the roster knows the handle) of an employee's own account."""
    rng = random.Random(f"pantau-sandbox:{seed}:employee-account:{e.nip}")
    person = e.person
    roll = rng.random()
    if roll < 0.35:
        name = person.plain
    elif roll < 0.6:
        name = names.titled(person, rng, p_front=0.4, p_back=0.8)
    elif roll < 0.72:
        name = person.plain.lower()
    elif roll < 0.82:
        name = f"{person.first} {person.family[0]}."
    elif roll < 0.9:
        name = " ".join(names.old_spelling(w) for w in person.plain.split())
    else:
        name = person.plain.upper()
    stem = names.handle_stem(person, rng)
    bio = names.fill(rng.choice(names.EMPLOYEE_BIOS), rng, unit=e.unit, position=e.position)
    return name, stem, bio, rng.random() < 0.35


def w_offset(w: Watched) -> int:
    """Internal event ids (favourites, follows) of one account live in their own range."""
    return (w.idx + 1) * 10_000_000
