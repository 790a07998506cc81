"""Importing a capture (HAR or Zeeschuimer export): responses -> interactions + evidence.

The whole file is read and checked before anything is stored: interactions go to
staging files (``storage.staging``) and recognised responses, their secrets removed, to
a private staging folder. A truncated or corrupt file therefore stores nothing; a
complete one is moved in batch by batch (idempotent natural keys: importing it again adds
nothing), then each recognised response is filed as evidence (content-addressed, 0600)
and linked to the interactions it gave.

Interactions land on the watched account that owns the post (or, for follows, the
profile). Who that is comes from the response itself (media owner, video author, tweet
author), else from another response of the same capture that named the post's owner,
else from the page the person was on. Interactions on accounts no watchlist names are
counted and dropped, as are the watched account's own comments (those are posts).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from pantau.capture import har, redact, zeeschuimer
from pantau.capture.hosts import HostMap
from pantau.capture.model import Found, Owners, Parsed, Response
from pantau.capture.parsers import PARSERS
from pantau.errors import InputError
from storage import files, private_dir
from storage.queries import accounts as accounts_q
from storage.queries import audit, transaction, utcnow
from storage.queries import evidence as evidence_q
from storage.records import Actor, Interaction, normalise_handle
from storage.staging import Stager, staging_folder, store_staged

EVIDENCE_KIND = "capture"
BATCH = 50_000
#: threads that write evidence files
FILE_THREADS = 8
#: unrecognised shapes named in the report (all are counted)
MAX_SHAPES = 20


@dataclass
class CaptureReport:
    file: str
    format: str = "har"
    entries: int = 0                 # HAR entries or Zeeschuimer items read
    platform_responses: int = 0      # of those, from a captured platform with a body
    recognised: int = 0
    unrecognised: int = 0
    unrecognised_samples: Counter = field(default_factory=Counter)
    no_body: int = 0                 # platform entries saved without a body
    damaged: int = 0                 # platform entries whose base64 body is damaged
    failed: int = 0                  # platform requests that failed (4xx, 5xx, aborted)
    found: int = 0                   # interactions seen in recognised responses
    kept: int = 0                    # of those, on watched accounts
    new_interactions: int = 0
    new_actors: int = 0
    dropped_unwatched: int = 0
    unwatched_accounts: Counter = field(default_factory=Counter)
    owner_unknown: int = 0
    own_posts: int = 0
    evidence_files: int = 0
    screenshots: int = 0             # page screenshots linked to the interactions received on that page
    by_kind: Counter = field(default_factory=Counter)
    by_account: Counter = field(default_factory=Counter)
    by_platform: Counter = field(default_factory=Counter)
    bytes: int = 0
    seconds: float = 0.0
    run_id: int | None = None

    def stats(self) -> dict:
        return {"format": self.format, "entries": self.entries, "platform_responses": self.platform_responses,
                "recognised": self.recognised, "unrecognised": self.unrecognised, "no_body": self.no_body,
                "damaged": self.damaged,
                "failed": self.failed, "found": self.found, "kept": self.kept,
                "new_interactions": self.new_interactions, "new_actors": self.new_actors,
                "dropped_unwatched": self.dropped_unwatched, "owner_unknown": self.owner_unknown,
                "own_posts": self.own_posts, "evidence_files": self.evidence_files, "screenshots": self.screenshots,
                "by_kind": dict(self.by_kind), "by_account": dict(self.by_account)}


def detect(path: Path) -> str | None:
    """``har`` or ``zeeschuimer`` when the file is a capture; None for Pantau's own import formats."""
    suffix = path.suffix.lower()
    if suffix == ".har":
        return "har"
    if suffix in (".ndjson", ".jsonl", ".json"):
        # the first lines that parse decide: a damaged first line (or a byte-order mark) must not
        # turn an export into Pantau's own format, whose reader would then reject every line
        try:
            with open(path, "rb") as fh:
                looked = 0
                for line in fh:
                    line = line.removeprefix(zeeschuimer.BOM).strip()
                    if not line:
                        continue
                    text = line.decode("utf-8", errors="replace")
                    if zeeschuimer.looks_like(text):
                        return "zeeschuimer"
                    if looked == 0 and suffix == ".json" and text.startswith('{"log"'):
                        return "har"
                    if _parses(text):
                        return None
                    looked += 1
                    if looked >= DETECT_LINES:
                        return None
        except OSError:
            return None
    return None


#: damaged lines looked past at the top of a JSON Lines file before it is taken for Pantau's format
DETECT_LINES = 5


def _parses(text: str) -> bool:
    try:
        orjson.loads(text)
    except ValueError:
        return False
    return True


class _Watched:
    """The watched accounts: by handle and by platform id."""

    def __init__(self, db):
        self.by_handle: dict[tuple[str, str], str] = {}
        self.by_id: dict[tuple[str, str], str] = {}
        for platform, handle, pid in accounts_q.watched(db):
            self.by_handle[(platform, handle)] = handle
            if pid:
                self.by_id[(platform, str(pid))] = handle

    def account(self, platform: str, handle: str | None, uid: str | None) -> str | None:
        if handle:
            a = self.by_handle.get((platform, normalise_handle(platform, handle)))
            if a:
                return a
        if uid:
            return self.by_id.get((platform, uid))
        return None


class _Evidence:
    """Recognised responses waiting in the staging folder until the file is known to be whole.

    One append-only file (private) holds them all: a capture has thousands, and creating a
    file for each costs more than parsing them.
    """

    def __init__(self, folder: Path):
        path = private_dir(folder) / "responses.bin"
        self.fh = open(os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600), "w+b")
        self.items: list[tuple[int, int, str | None, str | None]] = []   # (offset, length, source url, captured at)
        self.pages: list[str | None] = []                             # the page each was received on
        self.linked: set[int] = set()

    def add(self, document: dict, source_url: str | None, captured_at: str | None, page_url: str | None) -> int:
        data = json.dumps(document, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
        idx = len(self.items)
        self.fh.seek(0, os.SEEK_END)
        offset = self.fh.tell()
        self.fh.write(data)
        self.items.append((offset, len(data), source_url, captured_at))
        self.pages.append(page_url)
        return idx

    def read(self, idx: int) -> bytes:
        """One staged response (safe from several threads: no shared file position)."""
        offset, length, _, _ = self.items[idx]
        return os.pread(self.fh.fileno(), length, offset)

    def close(self) -> None:
        self.fh.close()


def _response_document(resp: Response, parsed: Parsed) -> dict:
    body = parsed.evidence if parsed.evidence is not None else resp.body
    if isinstance(body, str):
        body = redact.body(body)
    else:
        body = json.loads(redact.body(json.dumps(body, ensure_ascii=False)))
    return {"captured_from": resp.origin, "platform": resp.platform, "request": {"method": resp.method,
            "url": resp.url}, "status": resp.status, "received_at": resp.started, "page_url": resp.page_url,
            "mime_type": resp.mime, "shape": parsed.shape, "body": body}


def _item_document(item: zeeschuimer.Item, parsed: Parsed) -> dict:
    data = json.loads(redact.body(json.dumps(item.data, ensure_ascii=False)))
    return {"captured_from": "zeeschuimer", "platform": item.platform, "source_platform": item.source_platform,
            "source_url": item.source_url, "page_url": item.page_url, "collected_at": item.collected_at,
            "shape": parsed.shape, "data": data}


def _page_key(url: str) -> str:
    """Pages compared without scheme case, query or trailing slash."""
    return url.split("?", 1)[0].rstrip("/").lower()


def _iso(v: str | None) -> str | None:
    if not v:
        return None
    return v.replace("+00:00", "Z")


class _Importer:
    def __init__(self, db, path: Path, fmt: str, hosts: HostMap, folder: Path):
        self.db = db
        self.path = path
        self.report = CaptureReport(file=str(path), format=fmt)
        self.hosts = hosts
        self.owners = Owners()
        self.watched = _Watched(db)
        self.stager = Stager(folder, source="capture")
        self.evidence = _Evidence(folder)
        self.pending: list[Interaction] = []
        self.batches = []
        self.links: list[tuple[str, str, int]] = []           # (platform, natural key, evidence index)
        self.deferred: list[tuple[Found, str | None, int]] = []
        self.keys: set[tuple[str, str]] = set()

    # reading ---------------------------------------------------------------------------
    def read_har(self, progress) -> None:
        stats = har.HarStats()
        size = self.path.stat().st_size
        progress.task(f"reading {self.path.name}", size)
        stats.tick = lambda st: progress.advance(st.position, f"{st.entries:,} entries, {self.report.kept:,} kept")
        try:
            for resp in har.responses(self.path, self.hosts, stats):
                self.report.platform_responses += 1
                self.report.by_platform[resp.platform] += 1
                self._response(resp)
        finally:
            progress.finish()
            self.report.entries = stats.entries
            self.report.no_body = stats.no_body
            self.report.damaged = stats.damaged
            self.report.failed = stats.failed
            self.report.bytes = stats.bytes

    def read_zeeschuimer(self) -> None:
        for item in zeeschuimer.items(self.path):
            self.report.entries += 1
            if item.platform is None:
                self._unknown(f"{item.source_platform} items")
                continue
            self.report.platform_responses += 1
            self.report.by_platform[item.platform] += 1
            parser = PARSERS[item.platform]
            try:
                parsed = parser.parse_item(item, self.owners)
            except Exception as exc:          # a variant the parser did not expect: counted, not fatal
                parsed = None
                self._unknown(f"{item.source_platform} item ({type(exc).__name__})")
                continue
            if parsed is None:
                self._unknown(f"{item.source_platform} item")
                continue
            self.report.recognised += 1
            if parsed.found:
                idx = self.evidence.add(_item_document(item, parsed), item.source_url or item.page_url,
                                        item.collected_at, item.page_url)
                self._found(parsed.found, item.page_url, idx)

    def _unknown(self, sample: str) -> None:
        self.report.unrecognised += 1
        if len(self.report.unrecognised_samples) < MAX_SHAPES or sample in self.report.unrecognised_samples:
            self.report.unrecognised_samples[sample] += 1

    def _response(self, resp: Response) -> None:
        parser = PARSERS.get(resp.platform)
        sample = f"{resp.platform} {resp.url.split('?', 1)[0][:120]}"
        if parser is None:
            self._unknown(sample)
            return
        try:
            parsed = parser.parse(resp, self.owners)
        except Exception as exc:              # a variant the parser did not expect: counted, not fatal
            self._unknown(f"{sample} ({type(exc).__name__})")
            return
        if parsed is None:
            self._unknown(sample)
            return
        self.report.recognised += 1
        if parsed.found:
            idx = self.evidence.add(_response_document(resp, parsed), resp.url, _iso(resp.started), resp.page_url)
            self._found(parsed.found, resp.page_url, idx)

    # deciding --------------------------------------------------------------------------
    def _found(self, found: list[Found], page_url: str | None, idx: int) -> None:
        for f in found:
            self.report.found += 1
            owner = self._owner(f)
            # a like or repost is keyed by its post: wait for the post's id if only its shortcode is known yet
            if owner is None or (f.post_id is None and f.kind in ("like", "repost")):
                self.deferred.append((f, page_url, idx))
            else:
                self._decide(f, owner, idx)

    def _owner(self, f: Found) -> tuple[str | None, str | None] | None:
        if f.owner:
            return f.owner, f.owner_id
        for ref in ((f.owner_id,) if f.owner_id else ()) + f.owner_refs:
            h = self.owners.owner_of(f.platform, ref)
            if h:
                return h, f.owner_id
        if f.owner_id and (f.platform, f.owner_id) in self.watched.by_id:
            return None, f.owner_id
        return None

    def _decide(self, f: Found, owner: tuple[str | None, str | None], idx: int) -> None:
        handle, oid = owner
        account = self.watched.account(f.platform, handle, oid)
        if account is None:
            self.report.dropped_unwatched += 1
            self.report.unwatched_accounts[normalise_handle(f.platform, handle) if handle else f"id {oid}"] += 1
            return
        if (f.actor_handle and normalise_handle(f.platform, f.actor_handle) == account) or \
                (f.actor_id and oid and f.actor_id == oid) or \
                (f.actor_id and self.watched.by_id.get((f.platform, f.actor_id)) == account):
            self.report.own_posts += 1
            return
        if f.post_id is None and f.kind != "follow":
            f.post_id = self.owners.post_id(f.platform, f.owner_refs)
        raw = f.raw
        it = Interaction(f.platform, f.kind, account,
                         Actor(f.platform, f.actor_key, f.actor_handle, f.actor_name, None, f.actor_url, f.actor_id),
                         f.post_id, f.post_url, f.interaction_id, f.parent_id, f.url, f.text, f.created_at,
                         redact.body(orjson.dumps(raw, default=str).decode()) if raw is not None else None,
                         "capture")
        key = (f.platform, it.natural_key)
        self.links.append((f.platform, it.natural_key, idx))
        self.evidence.linked.add(idx)
        if key in self.keys:        # seen twice in one capture (a page loaded twice): one interaction
            return
        self.keys.add(key)
        self.report.kept += 1
        self.report.by_kind[f.kind] += 1
        self.report.by_account[f"{f.platform}/{account}"] += 1
        self.pending.append(it)
        if len(self.pending) >= BATCH:
            self.batches.append(self.stager.stage(self.pending))
            self.pending = []

    def finish_reading(self) -> None:
        parsers = PARSERS
        for f, page_url, idx in self.deferred:
            owner = self._owner(f)
            if owner is None:
                h = parsers[f.platform].page_fallback(f, page_url)
                owner = (h, f.owner_id) if h else ((None, f.owner_id) if f.owner_id else None)
            if owner is None:
                self.report.owner_unknown += 1
                continue
            self._decide(f, owner, idx)
        self.deferred = []
        if self.pending:
            self.batches.append(self.stager.stage(self.pending))
            self.pending = []

    # storing ---------------------------------------------------------------------------
    def store(self, evidence_root: Path, run_id: int, screenshots=()) -> None:
        observed_at = utcnow()
        accounts: dict = {}
        for batch in self.batches:
            res = store_staged(self.db, batch, observed_at=observed_at, run_id=run_id, accounts_cache=accounts)
            self.report.new_interactions += res.new_interactions
            self.report.new_actors += res.new_actors
        # creating thousands of small files is bound by the file system's latency, not the CPU:
        # a few threads overlap it (each reads its own slice of the staging file)
        linked = sorted(self.evidence.linked)
        self.evidence.fh.flush()
        with ThreadPoolExecutor(max_workers=FILE_THREADS) as pool:
            done = list(pool.map(
                lambda idx: files.store_bytes(evidence_root, self.evidence.read(idx), "json", fsync=False), linked))
        stored: dict[int, files.StoredFile] = dict(zip(linked, done))
        self.report.evidence_files += sum(1 for f in done if f.new)
        rows = []
        for platform, key, idx in self.links:
            f = stored[idx]
            _, _, url, at = self.evidence.items[idx]
            rows.append((f.sha256, f.path, EVIDENCE_KIND, url, at or observed_at, f.bytes, run_id, platform, key))
        # a screenshot of a page documents the interactions of the responses received on it
        by_page: dict[str, list[tuple[str, str]]] = {}
        for platform, key, idx in self.links:
            page = self.evidence.pages[idx]
            if page:
                by_page.setdefault(_page_key(page), []).append((platform, key))
        for shot in screenshots:
            keys = by_page.get(_page_key(redact.url(shot.page_url)))
            if not keys:
                continue
            f = files.store_bytes(evidence_root, Path(shot.path).read_bytes(), "png", fsync=False)
            if f.new:
                self.report.evidence_files += 1
            self.report.screenshots += 1
            for platform, key in dict.fromkeys(keys):
                rows.append((f.sha256, f.path, "screenshot", redact.url(shot.page_url), shot.captured_at, f.bytes,
                             run_id, platform, key))
        if stored:
            os.sync()        # the files are on disk before the rows naming them (one flush, not one a file)
        with transaction(self.db):
            evidence_q.add_by_natural_key(self.db, rows)


def import_capture(db, path: Path, *, settings=None, hosts: HostMap | None = None, fmt: str | None = None,
                   run_id: int | None = None, evidence_root: Path | None = None,
                   trigger: str = "cli", screenshots=(), progress=None) -> CaptureReport:
    """Import one HAR or Zeeschuimer file; see docs/capture.md.

    Raises ``InputError`` (and stores nothing) when the file is truncated, corrupt or not a
    capture. Unrecognised responses, dropped and unattributable interactions are counted
    in the report. The storing part runs as an ``import`` stage (its own run row unless
    ``run_id`` names an outer run).
    """
    from pantau.capture.hosts import from_settings
    from pantau.jobs.progress import SILENT
    from pantau.jobs.stage import stage

    progress = progress or SILENT

    path = Path(path)
    t0 = time.monotonic()
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    fmt = fmt or detect(path) or "har"
    hosts = hosts or from_settings(settings)
    if evidence_root is None:
        if settings is None:
            raise ValueError("import_capture needs settings or evidence_root")
        evidence_root = settings.evidence_dir
    folder = staging_folder(db)
    imp = _Importer(db, path, fmt, hosts, folder)
    stored, error = False, None
    try:
        if fmt == "zeeschuimer":
            imp.read_zeeschuimer()
            if imp.report.entries == 0:
                raise InputError("the file has no Zeeschuimer items", file=str(path))
        else:
            imp.read_har(progress)
        imp.finish_reading()
        with stage(db, "import", run_id=run_id, trigger=trigger, progress=progress) as run:
            imp.report.run_id = run.run_id
            imp.store(evidence_root, run.run_id, screenshots)
            imp.report.seconds = time.monotonic() - t0
            run.stats = imp.report.stats()
            run.summary = {"file": path.name, **imp.report.stats()}
        stored = True
    except BaseException as exc:
        error = str(exc) or type(exc).__name__
        raise
    finally:
        imp.evidence.close()
        shutil.rmtree(folder, ignore_errors=True)
        imp.report.seconds = time.monotonic() - t0
        with transaction(db):
            audit.write(db, "import", object_type="capture", object_id=imp.report.run_id,
                        detail={"file": path.name, "stored": stored, "error": error and error[:200],
                                **imp.report.stats()})
    return imp.report
