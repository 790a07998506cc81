"""What Pantau already knows about a report: the accounts and posts its links name, what was
collected from them, and who on the roster the named person may be.

The roster side of matching is built once per roster (its fingerprint, as in
``pantau.jobs.match``) and kept in memory by the review app, so opening a report
costs a lookup and one small matcher call, not an index build.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from pantau.matching import RosterIndex, blocking, default_model, match
from pantau.matching.index import build_roster
from storage.platforms import parse_profile_url
from storage.queries import employees as employees_q
from storage.queries import tips as tips_q
from storage.records import Actor


@dataclass
class LinkInfo:
    url: str
    platform: str | None = None
    handle: str | None = None
    account: dict | None = None            # a watched (or imported) candidate account it names
    actor: dict | None = None              # someone Pantau collected interactions from
    post: dict | None = None               # a stored post at this address
    interactions: list[dict] = field(default_factory=list)   # collected at this address or from the actor
    matches: list[dict] = field(default_factory=list)        # the actor's match candidates


def url_forms(url: str) -> list[str]:
    """The forms one address is stored under elsewhere: with or without ``www.``/``m.``, query,
    fragment and trailing slash, over http or https (a shared link often carries tracking)."""
    try:
        u = urlsplit(url.strip())
    except ValueError:
        return [url]
    host = (u.hostname or "").lower()
    bare = host[4:] if host.startswith("www.") else host[2:] if host.startswith("m.") else host
    port = f":{u.port}" if u.port else ""
    paths = {u.path or "/", (u.path or "/").rstrip("/") or "/", (u.path.rstrip("/") + "/")}
    out = [url.strip()]
    for scheme in ("https", "http"):
        for h in (bare, "www." + bare):
            for path in paths:
                out.append(urlunsplit((scheme, h + port, path, "", "")))
                if u.query:
                    out.append(urlunsplit((scheme, h + port, path, u.query, "")))
    return list(dict.fromkeys(out))


def links_known(db, links: list[str]) -> list[LinkInfo]:
    out = []
    for url in links:
        info = LinkInfo(url)
        ref = parse_profile_url(url, guess_legacy=True)
        if ref is not None:
            info.platform, info.handle = ref.platform, ref.handle
            info.account = tips_q.watched_account(db, ref.platform, ref.handle)
            info.actor = tips_q.actor_by_handle(db, ref.platform, ref.handle)
        forms = url_forms(url)
        info.post = tips_q.post_by_url(db, forms)
        info.interactions = tips_q.interactions_by_url(db, forms)
        if info.actor is not None:
            info.matches = tips_q.matches_of_actor(db, info.actor["id"])
            seen = {i["id"] for i in info.interactions}
            info.interactions += [i for i in tips_q.actor_interactions(db, info.actor["id"]) if i["id"] not in seen]
        out.append(info)
    return out


class RosterCache:
    """The matcher's roster index for the current active roster, rebuilt when the roster changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._fp: str | None = None
        self._index: RosterIndex | None = None

    def get(self, db, model) -> RosterIndex:
        from pantau.jobs.match import roster_fingerprint
        fp = roster_fingerprint(db, model.version)
        with self._lock:
            if self._fp != fp or self._index is None:
                idx = build_roster(employees_q.active(db), fingerprint=fp, model_version=model.version)
                blocking.build(idx, model)
                self._fp, self._index = fp, idx
            return self._index


@dataclass
class PersonMatch:
    nip: str
    name: str
    unit: str | None
    position: str | None
    score: float | None                    # None: named by its NIP
    band: str | None
    features: list = field(default_factory=list)
    by_nip: bool = False
    matches: list[dict] = field(default_factory=list)    # the employee's existing match candidates


def person_matches(settings, db, cache: RosterCache, *, name: str | None, nip: str | None,
                   unit: str | None, handles: list[tuple[str, str]], limit: int = 5) -> list[PersonMatch]:
    """Roster employees the reporter may mean: the NIP given (exact), then the matcher's candidates
    for the name and for each handle the links name, best score first."""
    out: dict[str, PersonMatch] = {}
    if nip:
        e = tips_q.employee(db, nip)
        if e:
            out[nip] = PersonMatch(nip, e["name"], e["unit"], e["position"], None, None, by_nip=True)
    actors = []
    if name:
        actors.append(Actor("web", "tip:name", None, name, unit))
    for platform, handle in handles:
        actors.append(Actor(platform, f"tip:{platform}:{handle}", handle, name, unit))
    if actors:
        model = default_model(threshold=settings.matching.threshold, top_k=limit)
        index = cache.get(db, model)
        cands = match(actors, None, model, index=index) if index.n else []
        best: dict[str, object] = {}
        for c in cands:
            if c.nip not in best or c.score > best[c.nip].score:
                best[c.nip] = c
        people = tips_q.employees(db, list(best))
        for c in sorted(best.values(), key=lambda c: -c.score):
            e = people.get(c.nip)
            if e is None or c.nip in out:
                continue
            out[c.nip] = PersonMatch(c.nip, e["name"], e["unit"], e["position"], round(c.score, 1), c.band,
                                     features=list(c.features))
    result = list(out.values())[:limit + (1 if nip else 0)]
    for p in result:
        p.matches = tips_q.matches_of_employee(db, p.nip)
    return result
