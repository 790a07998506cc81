"""Interactions exported from other tools (JSON Lines or CSV) -> the records the spiders yield.

Platforms without a spider (Instagram, TikTok, X, Facebook) reach Pantau only
this way, so the importer is as careful as a spider: every bad line is reported
with its number and reason and the good ones are stored; each batch is one
transaction, so a killed import leaves the database consistent and running it
again adds only what is missing (natural keys make every write idempotent).
"""

from __future__ import annotations

import csv
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

from pantau.errors import InputError
from pantau.roster import LineError, RowError
from pantau.tabular import csv_unguard, decode_error, header_key, open_text, sniff_delimiter
from storage.queries import audit, dumps, transaction, utcnow
from storage.queries import interactions as interactions_q
from storage.queries import runs as runs_q
from storage.records import KINDS, PLATFORMS, Actor, Interaction, normalise_handle

#: the columns of DESIGN.md's import table, in export order
FIELDS = ("platform", "kind", "target_account", "actor_handle", "actor_id", "actor_name", "actor_bio",
          "actor_url", "post_url", "post_id", "text", "created_at", "interaction_id")
REQUIRED = ("platform", "kind", "target_account", "actor_handle")
#: accepted as well: what an export adds (ignored) and two optional extras other tools have
IGNORED = ("observed_at", "run_id")
EXTRAS = ("parent_id", "url")
_ALL = FIELDS + EXTRAS
_CSV_KNOWN = {header_key(f): f for f in _ALL + IGNORED}

#: lines per transaction. Large on purpose: each commit writes every index page its rows touched
#: to the WAL, and random keys touch most leaf pages, so bigger batches write far less per line.
BATCH = 25_000
CACHE_KIB = 64 * 1024           # SQLite page cache while importing: index inserts stay in memory
CHECKPOINT_PAGES = 16_384       # WAL checkpoint every 64 MiB while importing (default 1,000 pages)
MAX_REPORTED = 10_000          # rejected lines kept in the report (all are counted)
_PLATFORMS = frozenset(PLATFORMS)
_KINDS = frozenset(KINDS)


@dataclass
class ImportReport:
    file: str
    lines: int = 0
    accepted: int = 0
    rejected: list[RowError] = field(default_factory=list)
    new_interactions: int = 0
    new_actors: int = 0
    stored: bool = False
    rejected_total: int = 0    # all rejected lines; ``rejected`` holds the first MAX_REPORTED
    run_id: int | None = None
    seconds: float = 0.0

    def reject(self, error: RowError) -> None:
        self.rejected_total += 1
        if len(self.rejected) < MAX_REPORTED:
            self.rejected.append(error)


class _Bad(Exception):
    """A line that cannot become an interaction; its message is the reason."""


_ALL_SET = frozenset(_ALL)


def _clean(name: str, value: Any) -> str | None:
    if type(value) is str:
        value = value.strip()
        return value or None
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Bad(f"field {name} must be text, not {type(value).__name__}")


def to_interaction(obj: dict, raw: str | None = None) -> Interaction:
    """One import record -> an ``Interaction``; raises ``_Bad`` with the reason when it cannot."""
    v: dict[str, str] = {}
    for name, x in obj.items():
        if name in _ALL_SET:
            if type(x) is str:
                x = x.strip()
                if x:
                    v[name] = x
            elif x is not None:
                x = _clean(name, x)
                if x:
                    v[name] = x
    get = v.get
    platform, kind, target, handle = get("platform"), get("kind"), get("target_account"), get("actor_handle")
    if not (platform and kind and target and handle):
        missing = [n for n in REQUIRED if not get(n)]
        raise _Bad(f"missing required field{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if platform not in _PLATFORMS:
        platform = platform.lower()
        if platform not in _PLATFORMS:
            raise _Bad(f"unknown platform {v['platform']!r} (one of {', '.join(PLATFORMS)})")
    if kind not in _KINDS:
        kind = kind.lower()
        if kind not in _KINDS:
            raise _Bad(f"unknown kind {v['kind']!r} (one of {', '.join(KINDS)})")
    post_id, post_url = get("post_id"), get("post_url")
    if kind != "follow" and not post_id and not post_url:
        raise _Bad(f"a {kind} needs post_id or post_url")
    created_at = get("created_at")
    if created_at is not None:
        try:
            _fromiso(created_at)
        except ValueError:
            raise _Bad(f"created_at {created_at[:40]!r} is not an ISO 8601 date-time") from None
    actor_id = get("actor_id")
    actor = Actor(platform, actor_id or normalise_handle(platform, handle), handle, get("actor_name"),
                  get("actor_bio"), get("actor_url"), actor_id)
    return Interaction(platform, kind, target, actor, post_id, post_url, get("interaction_id"),
                       get("parent_id"), get("url"), get("text"), created_at,
                       raw if raw is not None else dumps(obj), "import")


_fromiso = datetime.fromisoformat


# --- reading ------------------------------------------------------------------------------

def _format(path: Path, first: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if first.lstrip().startswith("{"):
        return "jsonl"
    raise InputError("unknown format: give a .jsonl or .csv file (see docs/import.md)", file=str(path))


def _jsonl(text, name: str) -> Iterator[tuple[int, Interaction | None, str | None]]:
    """``(line number, record, None)`` or ``(line number, None, reason)``; blank lines are skipped."""
    loads = json.loads
    n = 0
    for line in text:
        n += 1
        s = line.strip()
        if not s:
            continue
        try:
            obj = loads(s)
        except ValueError as exc:
            yield n, None, f"malformed JSON ({exc.args[0].split(':')[0]})"
            continue
        if type(obj) is not dict:
            yield n, None, "not a JSON object"
            continue
        try:
            yield n, to_interaction(obj, s), None
        except _Bad as exc:
            yield n, None, str(exc)


def _csv(text, name: str) -> Iterator[tuple[int, Interaction | None, str | None]]:
    header_line = text.readline()
    if not header_line.strip():
        raise InputError("the file is empty", file=name)
    delimiter = sniff_delimiter(header_line.strip("\r\n"), _CSV_KNOWN)
    header = next(csv.reader([header_line], delimiter=delimiter))
    cols: list[tuple[int, str]] = []
    seen = set()
    for i, h in enumerate(header):
        f = _CSV_KNOWN.get(header_key(h))
        if f and f not in seen and f not in IGNORED:
            cols.append((i, f))
            seen.add(f)
    missing = [f for f in REQUIRED if f not in seen]
    if missing:
        raise InputError(f"missing required columns: {', '.join(missing)}", file=name)
    reader = csv.reader(text, delimiter=delimiter)
    start = 2
    for cells in reader:
        n = start
        start = reader.line_num + 2       # reader counts from after the header line
        if not cells or not any(cells):
            continue
        obj = {}
        width = len(cells)
        for i, f in cols:
            if i < width:
                c = cells[i]
                if c:
                    obj[f] = csv_unguard(c) if c[0] == "'" else c
        try:
            yield n, to_interaction(obj), None
        except _Bad as exc:
            yield n, None, str(exc)


def _read(path: Path) -> tuple[Iterator, Any, Any, int]:
    """``(records, text file, binary file, size)``; keep the text file referenced until done
    (dropping it would close the binary file under the reader)."""
    if not path.is_file():
        raise InputError("no such file", file=str(path))
    text, raw, encoding = open_text(path)
    size = path.stat().st_size
    first = ""
    pos = raw.tell()
    try:
        first = raw.read(64).decode(encoding, errors="ignore")
    finally:
        raw.seek(pos)
    fmt = _format(path, first)
    records = _jsonl(text, str(path)) if fmt == "jsonl" else _csv(text, str(path))
    return records, text, raw, size


def import_interactions(db, path: Path, *, strict: bool = False, run_id: int | None = None,
                        progress: Callable[[int, int, int], None] | None = None) -> ImportReport:
    """Import a JSONL or CSV file of interactions; see docs/import.md.

    ``progress(bytes_read, bytes_total, lines)`` is called after every batch.
    With ``strict`` the file is checked completely first and nothing is stored if
    any line is bad. Without a ``run_id`` the import records its own 'import' run.
    """
    path = Path(path)
    t0 = time.monotonic()
    report = ImportReport(file=str(path))
    if strict:
        _check_only(path, report)
        if report.rejected_total:
            _audit(db, path, report, strict)
            report.seconds = time.monotonic() - t0
            return report
        report = ImportReport(file=str(path))
    own_run = run_id is None
    if own_run:
        run_id = runs_q.start(db, "import", trigger="cli")
    report.run_id = run_id
    writer = interactions_q.InteractionWriter(db, run_id=run_id, source="import")
    observed_at = utcnow()        # one observation: every batch of the file shares it
    tuned = _tune(db)
    status, error = "failed", None
    try:
        records, text, raw, size = _read(path)
        batches = _batches_in_background(records, report, path)
        try:
            for batch in batches:
                _flush(writer, batch, report, observed_at)
                if progress:
                    progress(raw.tell(), size, report.lines)
        finally:
            batches.close()      # stops the parsing thread before its file closes
            text.close()
        if progress:
            progress(size, size, report.lines)
        if report.lines == 0:
            raise InputError("the file has no interaction lines", file=str(path))
        report.stored = report.accepted > 0
        status = "partial" if report.rejected_total else "ok"
    except BaseException as exc:
        error = str(exc) or type(exc).__name__
        raise
    finally:
        _untune(db, tuned)
        report.seconds = time.monotonic() - t0
        if own_run:
            runs_q.finish(db, run_id, status, error=error, stats=_stats(report),
                          summary={"file": path.name, **_stats(report)})
        _audit(db, path, report, strict)
    return report


def _tune(db) -> tuple:
    """A bigger page cache and rarer WAL checkpoints while importing.

    A checkpoint is where WAL mode with ``synchronous=NORMAL`` waits for the disk;
    checkpointing every 64 MiB instead of every 4 MiB makes a large import several
    times faster and changes nothing about durability (commits stay atomic).
    """
    old = (db.execute("PRAGMA cache_size").fetchone()[0], db.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
    return old


def _untune(db, old: tuple) -> None:
    try:
        db.execute(f"PRAGMA cache_size = {int(old[0])}")
        db.execute(f"PRAGMA wal_autocheckpoint = {int(old[1])}")
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")    # never waits for readers
    except Exception:    # tuning is best effort; the data is already committed
        pass


_DONE = object()


def _batches_in_background(records: Iterator, report: ImportReport, path: Path) -> Iterator[list[Interaction]]:
    """Parse in a thread while the caller writes: SQLite releases the GIL while it works.

    The queue is short, so memory stays at a few batches whatever the file size.
    Rejected lines are counted into ``report`` by the parsing thread.
    """
    q: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(x) -> bool:
        while not stop.is_set():
            try:
                q.put(x, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            batch: list[Interaction] = []
            for n, item, reason in records:
                report.lines += 1
                if item is None:
                    report.reject(LineError(str(path), n, reason))
                    continue
                batch.append(item)
                if len(batch) >= BATCH:
                    if not put(batch):
                        return
                    batch = []
            if batch and not put(batch):
                return
            put(_DONE)
        except UnicodeDecodeError:
            put(decode_error(path, "its detected encoding", report.lines + 1))
        except BaseException as exc:       # handed to the writing thread, which raises it
            put(exc)

    t = threading.Thread(target=produce, name="pantau-import-parse", daemon=True)
    t.start()
    try:
        while True:
            x = q.get()
            if x is _DONE:
                break
            if isinstance(x, BaseException):
                raise x
            yield x
    finally:
        stop.set()
        t.join(timeout=5)


def _flush(writer, batch: list[Interaction], report: ImportReport, observed_at: str) -> None:
    res = writer.write(batch, observed_at=observed_at)
    report.accepted += len(batch)
    report.new_interactions += res.new_interactions
    report.new_actors += res.new_actors


def _check_only(path: Path, report: ImportReport) -> None:
    records, text, raw, _ = _read(path)
    try:
        for n, item, reason in records:
            report.lines += 1
            if item is None:
                report.reject(LineError(str(path), n, reason))
            else:
                report.accepted += 1
    except UnicodeDecodeError:
        raise decode_error(path, "its detected encoding", report.lines + 1) from None
    finally:
        text.close()
    if report.lines == 0:
        raise InputError("the file has no interaction lines", file=str(path))


def _stats(report: ImportReport) -> dict:
    return {"lines": report.lines, "accepted": report.accepted, "rejected": report.rejected_total,
            "new_interactions": report.new_interactions, "new_actors": report.new_actors}


def _audit(db, path: Path, report: ImportReport, strict: bool) -> None:
    with transaction(db):
        audit.write(db, "import", object_type="interactions", object_id=report.run_id,
                    detail={"file": path.name, **_stats(report), "strict": strict, "stored": report.stored})
