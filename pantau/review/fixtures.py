"""Review fixtures: one builder of review data for the docs screenshots, the tests and the benchmarks.

It writes through the same storage functions the real pipeline uses
(accounts sync, roster upsert, ``InteractionWriter``, ``upsert_candidates``),
so what the review app shows here is what it shows after a real night.
With ``hostile=True`` it adds an actor whose display name, bio, profile link and
comment carry script payloads, to prove they stay inert.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pantau.matching.normalize import VERSION, normalise
from storage import private_dir, private_path
from storage.queries import accounts as accounts_q
from storage.queries import employees as employees_q
from storage.queries import evidence as evidence_q
from storage.queries import matches as matches_q
from storage.queries import review as review_q
from storage.queries import utcnow
from storage.queries.interactions import InteractionWriter
from storage.records import Account, Actor, Employee, Feature, Interaction, MatchCandidate, Post

XSS_NAME = '<script>alert("xss-name")</script><img src=x onerror=alert("xss-img")>'
XSS_TEXT = '"><script>alert("xss-comment")</script><svg onload=alert("xss-svg")>'
XSS_URL = 'javascript:alert("xss-url")'

UNITS = ["Dinas Pendidikan", "Dinas Kesehatan", "BKPSDM", "Sekretariat Daerah", "Dinas Perhubungan",
         "Kecamatan Sukamaju"]
POSITIONS = ["Guru Ahli Pertama", "Analis Kepegawaian", "Perawat Terampil", "Kepala Seksi",
             "Staf Pelaksana", "Penata Kelola Sistem", "Pengawas Sekolah", "Bidan Ahli Muda"]

# (employee name as in the roster, actor handle, actor display name, bio, score, band, platform)
PEOPLE = [
    ("Drs. Bambang Suryono, M.Si.", "bambang.suryono", "Bambang Suryono", "Abdi negara. Ayah dua anak.", 94.0, "strong", "mastodon"),
    ("Sri Wahyuningsih, S.Pd.", "sriwahyuningsih78", "Sri Wahyuningsih", "Guru SD di Sukamaju", 91.5, "strong", "bluesky"),
    ("Ir. Hendra Gunawan", "hendragunawan", "Hendra G.", "Pecinta kopi dan sepeda", 86.0, "strong", "mastodon"),
    ("Siti Nurhaliza, A.Md.Kep.", "siti_nur", "Siti Nurhaliza", "Perawat | ibu | penjahit", 82.0, "strong", "youtube"),
    ("Moh. Rizky Pratama", "rizkypratama", "Muhammad Rizky Pratama", "", 78.5, "possible", "bluesky"),
    ("Dewi Lestari, S.E.", "dewilestari", "Dewi Lestari", "Penulis & penikmat senja", 74.0, "namesake", "mastodon"),
    ("Agus Salim", "agus.salim.88", "Agus Salim", "", 71.0, "namesake", "web"),
    ("Hj. Ratna Djuwita", "ratnajuwita", "Ratna Juwita", "Ibu rumah tangga, Bandung", 69.5, "possible", "bluesky"),
    ("Yohanes Tjahjadi, S.T.", "yohanes_c", "Yohanes Cahyadi", "Teknik sipil", 66.0, "possible", "mastodon"),
    ("Nur Aini", "nuraini", "Nur Aini", "", 63.0, "namesake", "youtube"),
    ("Slamet Riyadi, S.Sos.", "sriyadi", "S. Riyadi", "Warga Sukamaju", 60.5, "possible", "mastodon"),
    ("Abd. Rahman Hakim", "rahmanhakim", "Abdul Rahman Hakim", "Guru ngaji", 58.0, "possible", "bluesky"),
]

ACCOUNTS = [
    Account(platform="mastodon", handle="@calonsatu@mastodon.example", candidate="Calon Satu", role="capres",
            party="Partai Contoh", election="Pemilu 2029", url="https://mastodon.example/@calonsatu"),
    Account(platform="bluesky", handle="calondua.bsky.social", candidate="Calon Dua", role="dpr",
            election="Pemilu 2029", url="https://bsky.app/profile/calondua.bsky.social"),
    Account(platform="youtube", handle="@calontiga", candidate="Calon Tiga", role="kepala-daerah",
            election="Pilkada 2029", url="https://www.youtube.com/@calontiga"),
    Account(platform="web", handle="calonempat", candidate="Calon Empat", role="dpd", election="Pemilu 2029",
            url="https://mikroblog.example/mikroblog/calonempat", profile="contoh-mikroblog"),
]

COMMENTS = [
    "Mantap pak, lanjutkan! Kami warga Sukamaju siap mendukung.",
    "Setuju sekali dengan program pendidikan gratisnya.",
    "Semoga amanah dan menang di 2029 🙏",
    "Kapan kampanye di kecamatan kami?",
    "Dukung terus! #2029MenangBersama",
]


def demo_features(score: float, band: str, *, handle: str) -> list[Feature]:
    """Evidence as the matcher stores it (codes and parameters) whose points add up to ``score``."""
    from pantau.matching import evidence as ev
    display = round(score * 0.55, 1)
    handle_pts = round(score * 0.2, 1)
    if not handle:                          # a channel without a handle: the display name carries it
        display, handle_pts = round(score * 0.75, 1), 0.0
    feats = [ev.make("display_name:exact", "display_name.exact", display)]
    if handle:
        feats.append(ev.make("handle:all_tokens", "handle.all_tokens", handle_pts, handle=handle))
    feats.append(ev.make("name_base", "name.base", round(score - display - handle_pts, 1)))
    if band == "namesake":
        feats.append(ev.make("band", "band.namesake.common", 0.0))
    elif band == "strong":
        feats.append(ev.make("band", "band.strong", 0.0))
    else:
        feats.append(ev.make("band", "band.possible", 0.0))
    parts = [[f.code, f.weight] for f in feats if f.weight]
    total = round(sum(p[1] for p in parts), 1)
    feats.append(ev.make("score", "score.formed", 0.0, score=total, total=total, parts=parts, share=0.5,
                         origin="prior", model="demo"))
    return feats


@dataclass
class DemoData:
    match_ids: list[int] = field(default_factory=list)          # in PEOPLE order
    hostile_match_id: int | None = None
    actor_ids: list[int] = field(default_factory=list)
    evidence_ids: list[int] = field(default_factory=list)


def make_nip(i: int) -> str:
    """A well-formed 18-digit NIP: birth date, appointment month, sex, sequence."""
    return f"{1970 + i % 25}{i % 12 + 1:02d}{i % 28 + 1:02d}{2000 + i % 20}{(i * 7) % 12 + 1:02d}{1 + i % 2}{i % 1000:03d}"


def _png(width: int, height: int, seed: int) -> bytes:
    """A small picture standing in for a captured screenshot (a post card with text lines)."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if y < 28:
                px = (20, 33, 61)
            elif 8 <= x < width - 8 and any(48 + k * 22 <= y < 58 + k * 22 for k in range(5)) \
                    and x < width - 8 - ((seed * 37 + y) % 120):
                px = (200, 205, 214)
            elif x < 2 or x >= width - 2 or y >= height - 2:
                px = (217, 221, 229)
            else:
                px = (255, 255, 255)
            row += bytes(px)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def _store_file(evidence_dir: Path, data: bytes, suffix: str) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    rel = f"{sha[:2]}/{sha}{suffix}"
    path = evidence_dir / rel
    private_dir(path.parent)
    old = os.umask(0o077)
    try:
        path.write_bytes(data)
    finally:
        os.umask(old)
    private_path(path)
    return rel, sha


def _actor_key(platform: str, handle: str) -> str:
    if platform == "mastodon":
        return f"{handle}@mastodon.example"
    if platform == "bluesky":
        return f"did:plc:{hashlib.sha1(handle.encode()).hexdigest()[:24]}"
    if platform == "youtube":
        return "UC" + hashlib.sha1(handle.encode()).hexdigest()[:22]
    return handle


def _handle(platform: str, handle: str) -> str:
    if platform == "mastodon":
        return f"@{handle}@mastodon.example"
    if platform == "bluesky":
        return f"{handle}.bsky.social"
    if platform == "youtube":
        return f"@{handle}"
    return handle


def _profile_url(platform: str, handle: str) -> str:
    return {
        "mastodon": f"https://mastodon.example/@{handle}",
        "bluesky": f"https://bsky.app/profile/{handle}.bsky.social",
        "youtube": f"https://www.youtube.com/@{handle}",
    }.get(platform, f"https://mikroblog.example/mikroblog/u/{handle}")


def _account_for(platform: str) -> Account:
    return next(a for a in ACCOUNTS if a.platform == platform)


def seed(db, *, evidence_dir: Path | None = None, hostile: bool = False, extra_employees: int = 20,
         observed_at: str | None = None) -> DemoData:
    """Fill ``db`` with a small, realistic review workload; returns the ids tests need."""
    out = DemoData()
    accounts_q.sync(db, ACCOUNTS)
    employees = []
    for i, (name, *_rest) in enumerate(PEOPLE):
        n = normalise(name)
        employees.append(Employee(nip=make_nip(i + 1), name=name, name_norm=n.text, norm_version=VERSION,
                                  titles=n.titles, unit=UNITS[i % len(UNITS)],
                                  position=POSITIONS[i % len(POSITIONS)], source="demo-roster.csv"))
    for j in range(extra_employees):
        name = f"Pegawai Contoh {j + 1}"
        employees.append(Employee(nip=make_nip(100 + j), name=name, name_norm=normalise(name).text,
                                  norm_version=VERSION, unit=UNITS[j % len(UNITS)],
                                  position=POSITIONS[j % len(POSITIONS)], source="demo-roster.csv"))
    if hostile:
        employees.append(Employee(nip=make_nip(999), name="Budi Santoso", name_norm="budi santoso",
                                  norm_version=VERSION, unit='Dinas "<b>Uji</b>"', position="Staf",
                                  source="demo-roster.csv"))
    employees_q.replace_source(db, employees, "demo-roster.csv")

    writer = InteractionWriter(db, source="crawl")
    posts = []
    items = []
    people = list(PEOPLE)
    for i, (name, handle, display, bio, score, band, platform) in enumerate(people):
        acc = _account_for(platform)
        actor = Actor(platform=platform, actor_key=_actor_key(platform, handle), handle=_handle(platform, handle),
                      display_name=display, bio=bio or None, profile_url=_profile_url(platform, handle))
        for k in range(1 + i % 4):
            post_id = f"{platform}-post-{(i + k) % 5 + 1}"
            post_url = f"{acc.url}/post/{(i + k) % 5 + 1}"
            posts.append(Post(platform=platform, post_id=post_id, account=acc.handle, url=post_url,
                              created_at=f"2028-12-{(i + k) % 27 + 1:02d}T08:00:00Z",
                              text="Terima kasih atas dukungannya untuk program kita."))
            kind = ("comment", "like", "repost", "reply")[k % 4]
            text = COMMENTS[(i + k) % len(COMMENTS)] if kind in ("comment", "reply") else None
            iid = f"{platform}-{handle}-{k}"
            items.append(Interaction(
                platform=platform, kind=kind, target_account=acc.handle, actor=actor, post_id=post_id,
                post_url=post_url, interaction_id=iid if kind in ("comment", "reply") else None,
                url=f"{post_url}#c-{iid}" if text else None, text=text,
                created_at=f"2028-12-{(i + k) % 27 + 1:02d}T{9 + k:02d}:{(i * 7) % 60:02d}:00Z",
                raw={"id": iid, "account": {"acct": actor.handle, "display_name": display},
                     "content": text, "kind": kind}))
        if i % 3 == 0:
            items.append(Interaction(platform=platform, kind="follow", target_account=acc.handle, actor=actor,
                                     raw={"follower": actor.handle}))
    if hostile:
        acc = _account_for("mastodon")
        bad = Actor(platform="mastodon", actor_key="budi.santoso@evil.example", handle=XSS_NAME,
                    display_name=XSS_NAME + " Budi Santoso", bio=XSS_TEXT, profile_url=XSS_URL)
        items.append(Interaction(platform="mastodon", kind="comment", target_account=acc.handle, actor=bad,
                                 post_id="mastodon-post-1", post_url=XSS_URL, interaction_id="xss-1",
                                 url=XSS_URL, text=XSS_TEXT, created_at="2028-12-20T10:00:00Z",
                                 raw={"content": XSS_TEXT, "display_name": XSS_NAME}))
    writer.write(items, posts, observed_at=observed_at)

    candidates = []
    for i, (name, handle, display, bio, score, band, platform) in enumerate(people):
        aid = review_q.actor_id(db, platform, _actor_key(platform, handle))
        out.actor_ids.append(aid)
        features = demo_features(score, band, handle=handle)
        candidates.append(MatchCandidate(actor_id=aid, nip=make_nip(i + 1), score=score, band=band,
                                         features=features))
    if hostile:
        aid = review_q.actor_id(db, "mastodon", "budi.santoso@evil.example")
        candidates.append(MatchCandidate(actor_id=aid, nip=make_nip(999), score=88.0, band="strong",
                                         features=demo_features(88.0, "strong", handle=XSS_NAME)))
    matches_q.upsert_candidates(db, candidates, model_version="demo")
    for c in candidates:
        mid = review_q.match_id(db, c.actor_id, c.nip)
        if hostile and c.nip == make_nip(999):
            out.hostile_match_id = mid
        else:
            out.match_ids.append(mid)

    if evidence_dir is not None:
        for n, aid in enumerate(out.actor_ids[:6]):
            for iid in review_q.interaction_ids(db, aid)[:2]:
                raw = json.dumps({"interaction": iid, "captured": "demo"}, indent=2).encode()
                rel, sha = _store_file(evidence_dir, raw, ".json")
                out.evidence_ids.append(evidence_q.add(
                    db, interaction_id=iid, kind="raw", path=rel, sha256=sha, size=len(raw),
                    source_url=None, captured_at=utcnow()))
                png = _png(360, 160, iid)
                rel, sha = _store_file(evidence_dir, png, ".png")
                out.evidence_ids.append(evidence_q.add(
                    db, interaction_id=iid, kind="screenshot", path=rel, sha256=sha, size=len(png),
                    source_url=f"https://mastodon.example/post/{iid}", captured_at=utcnow()))
    return out


@dataclass
class SecondAccounts:
    """Ids of :func:`add_more_accounts`: the first person's accounts on other platforms."""

    match_ids: list[int] = field(default_factory=list)
    actor_ids: list[int] = field(default_factory=list)


def add_more_accounts(db, *, observed_at: str | None = None) -> SecondAccounts:
    """Give the first demo person two more accounts, so one case spans three platforms.

    A Bluesky account and a YouTube channel without a handle (YouTube channels
    often have none: the app must show the channel's name, not ``None``), each
    with interactions on other candidates' accounts.
    """
    out = SecondAccounts()
    bsky = Actor(platform="bluesky", actor_key="did:plc:bambangsuryono2029", handle="bambangs.bsky.social",
                 display_name="Bambang S.", bio="ASN. Pendidik.", profile_url="https://bsky.app/profile/bambangs.bsky.social")
    yt = Actor(platform="youtube", actor_key="UCbambangSuryono000000001", handle=None,
               display_name="Bambang Suryono", profile_url="https://www.youtube.com/channel/UCbambangSuryono000000001")
    dua, tiga = _account_for("bluesky"), _account_for("youtube")
    items = [
        Interaction(platform="bluesky", kind="repost", target_account=dua.handle, actor=bsky,
                    post_id="bluesky-post-3", post_url=f"{dua.url}/post/3", created_at="2028-12-14T03:15:00Z",
                    raw={"repost": "bluesky-post-3"}),
        Interaction(platform="bluesky", kind="quote", target_account=dua.handle, actor=bsky,
                    post_id="bluesky-post-3", post_url=f"{dua.url}/post/3", interaction_id="bsky-quote-1",
                    url="https://bsky.app/profile/bambangs.bsky.social/post/q1",
                    text="Program yang bagus, saya dukung penuh.", created_at="2028-12-14T04:00:00Z",
                    raw={"quote": "q1"}),
        Interaction(platform="youtube", kind="comment", target_account=tiga.handle, actor=yt,
                    post_id="youtube-post-2", post_url=f"{tiga.url}/post/2", interaction_id="yt-c-1",
                    url=f"{tiga.url}/post/2#c-yt-c-1", text="Hidup Calon Tiga! Maju terus.",
                    created_at="2028-12-16T12:30:00Z", raw={"comment": "yt-c-1"}),
    ]
    posts = [Post(platform="bluesky", post_id="bluesky-post-3", account=dua.handle, url=f"{dua.url}/post/3"),
             Post(platform="youtube", post_id="youtube-post-2", account=tiga.handle, url=f"{tiga.url}/post/2")]
    InteractionWriter(db, source="crawl").write(items, posts, observed_at=observed_at)
    candidates = []
    for actor, score, band in ((bsky, 84.0, "possible"), (yt, 80.5, "possible")):
        aid = review_q.actor_id(db, actor.platform, actor.actor_key)
        out.actor_ids.append(aid)
        candidates.append(MatchCandidate(actor_id=aid, nip=make_nip(1), score=score, band=band,
                                         features=demo_features(score, band, handle=actor.handle or "")))
    matches_q.upsert_candidates(db, candidates, model_version="demo")
    out.match_ids = [review_q.match_id(db, c.actor_id, c.nip) for c in candidates]
    return out
