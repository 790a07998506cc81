"""Interactions exported from other tools (JSON Lines or CSV) -> the records the spiders yield.

Platforms without a spider (Instagram, TikTok, X, Facebook) reach Pantau only
this way, so the importer is as careful as a spider: every bad line is reported
with its number and reason and the good ones are stored; each batch is one
transaction, so a killed import leaves the database consistent and running it
again adds only what is missing (natural keys make every write idempotent).
"""

from __future__ import annotations

import csv
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import orjson

from pantau.errors import InputError, PantauError
from pantau.jobs.progress import SILENT, Progress
from pantau.jobs.stage import StageRun, stage
from pantau.roster import LineError, RowError
from pantau.tabular import (CSVRecords, csv_unguard, decode_error, header_key, not_text_reason, open_text,
                            sniff_delimiter, too_long, undecodable)
from storage.cleaning import CONTROL, free_text, one_line
from storage import indexes
from storage import platforms as registry
from storage.checkpoints import background_checkpoints
from storage.queries import audit, dumps, transaction, utcnow
from pantau.times import DEFAULT_TIMEZONE, Times
from storage.records import KINDS, PLATFORMS, Actor, Interaction, mask_digit_runs
from storage.staging import StagedBatch, Stager, staging_folder, store_staged

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
BATCH = 100_000
CACHE_KIB = 256 * 1024          # SQLite page cache while importing: index inserts stay in memory
#: files this large or larger are parsed in a second process (below that, starting it costs more)
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
#: a cautious size of one interaction line, to compare a file with the table it goes into
BYTES_PER_LINE = 200
MAX_REPORTED = 10_000          # rejected lines kept in the report (all are counted)
_PLATFORMS = frozenset(PLATFORMS)
_KINDS = frozenset(KINDS)
#: other words for a kind: the SKB and many tools say "share" for a repost
KIND_ALIASES = {"share": "repost"}


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
    timezone: str = DEFAULT_TIMEZONE
    local_times: int = 0       # accepted times without a zone, read in ``timezone``

    def reject(self, error: RowError) -> None:
        self.rejected_total += 1
        if len(self.rejected) < MAX_REPORTED:
            self.rejected.append(error)


class _Bad(Exception):
    """A line that cannot become an interaction; its message is the reason."""


_ALL_SET = frozenset(_ALL)
#: the longest value kept per field; a longer one refuses its line (no real record comes close)
FIELD_LIMITS: dict[str, int] = {
    "platform": 64, "kind": 64, "target_account": 512, "actor_handle": 512, "actor_id": 512,
    "actor_name": 1_000, "actor_bio": 20_000, "actor_url": 4_096, "post_url": 4_096, "post_id": 512,
    "text": 200_000, "created_at": 64, "interaction_id": 512, "parent_id": 512, "url": 4_096,
}
#: fields whose line breaks are kept (other fields lose theirs with the other control characters)
_FREE_TEXT = frozenset({"text", "actor_bio"})


def _clean(name: str, value: Any) -> str | None:
    if type(value) is str:
        value = value.strip()
        return value or None
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Bad(f"field {name} must be text, not {type(value).__name__}")


def to_interaction(obj: dict, raw: str | None = None, times: Times | None = None,
                   check: bool = True) -> Interaction:
    """One import record -> an ``Interaction``; raises ``_Bad`` with the reason when it cannot.

    At the door (``check``): a field over its limit (``FIELD_LIMITS``) or an identifier holding
    a control character refuses the line; names and texts lose their control characters. The
    JSONL reader skips the check for lines that cannot hold either (short, no escape, no raw
    DEL or C1 character): it is a fifth of the parse time otherwise.
    """
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
    if check:
        _at_the_door(v)
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
        kind = KIND_ALIASES.get(kind, kind)
        if kind not in _KINDS:
            raise _Bad(f"unknown kind {v['kind']!r} (one of {', '.join(KINDS)}, or share for repost)")
    if "/" in target and registry.looks_like_url(target):
        target = _target_from_url(platform, target)
    post_id, post_url = get("post_id"), get("post_url")
    if kind != "follow" and not post_id and not post_url:
        raise _Bad(f"a {kind} needs post_id or post_url")
    created_at = get("created_at")
    if created_at is not None:
        try:
            created_at = (times or _DEFAULT_TIMES)(created_at)
        except ValueError:
            raise _Bad(f"created_at {mask_digit_runs(created_at[:40])!r} is not an ISO 8601 date-time "
                       "or DD/MM/YYYY HH:MM[:SS]") from None
    actor_id = get("actor_id")
    if actor_id is None:          # normalise_handle, inline: this runs for every line (handle is stripped)
        actor_key = (handle[1:] if handle[0] == "@" else handle).lower()
    else:
        actor_key = actor_id
    actor = Actor(platform, actor_key, handle, get("actor_name"), get("actor_bio"), get("actor_url"), actor_id)
    return Interaction(platform, kind, target, actor, post_id, post_url, get("interaction_id"),
                       get("parent_id"), get("url"), get("text"), created_at,
                       raw if raw is not None else dumps(obj), "import")


_DEFAULT_TIMES = Times(DEFAULT_TIMEZONE)


def _target_from_url(platform: str, url: str) -> str:
    """``target_account`` written as the candidate's profile URL -> the handle a watchlist holds."""
    try:
        return registry.profile_from_url(url, platform).handle
    except registry.NotAProfile as e:
        raise _Bad(f"target_account {e}") from None


def _at_the_door(v: dict[str, str]) -> None:
    for name, x in list(v.items()):
        if len(x) > FIELD_LIMITS[name]:
            raise _Bad(too_long(name, x, FIELD_LIMITS[name]))
        if not x.isprintable() and CONTROL.search(x):
            if name in _FREE_TEXT:
                x = (free_text(x) or "").strip()    # stripped again: what was inside a control may now end it
            elif name == "actor_name":
                x = (one_line(x) or "").strip()
            else:
                raise _Bad(f"field {name} contains a control character")
            if x:
                v[name] = x
            else:
                del v[name]


#: a JSON line this short, without a backslash (every escape: \n, \b, \u0000 ...), DEL or a raw C1
#: character holds no control character (JSON has none unescaped) and no field over its limit (the
#: smallest that matters is 512; platform, kind and created_at are checked by parsing)
_CHECK_ABOVE = 500


# --- reading ------------------------------------------------------------------------------

def _format(path: Path, first: str) -> str:
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if first.lstrip().startswith("{"):
        return "jsonl"
    raise InputError("unknown format: give a .jsonl or .csv file (docs/import.md), or a .har or Zeeschuimer "
                     ".ndjson capture (docs/capture.md)", file=str(path))


def _jsonl(text, name: str, times: Times,
           encoding: str = "utf-8") -> Iterator[tuple[int, Interaction | None, str | None]]:
    """``(line number, record, None)`` or ``(line number, None, reason)``; blank lines are skipped."""
    loads = orjson.loads          # four times faster than json.loads: parsing bounds a big import
    n = 0
    for line in text:
        n += 1
        s = line.strip()
        if not s:
            continue
        try:
            obj = loads(s)
        except ValueError as exc:
            if undecodable(s):
                yield n, None, not_text_reason(encoding)
            else:
                yield n, None, f"malformed JSON ({exc.args[0].split(':')[0]})"
            continue
        if type(obj) is not dict:
            yield n, None, "not a JSON object"
            continue
        try:
            yield n, to_interaction(obj, s, times,
                                    len(s) > _CHECK_ABOVE or "\\" in s or "\x7f" in s
                                    or (not s.isascii() and CONTROL.search(s) is not None)), None
        except _Bad as exc:
            yield n, None, str(exc)


def _csv(text, name: str, times: Times,
         encoding: str = "utf-8") -> Iterator[tuple[int, Interaction | None, str | None]]:
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
    for n, cells, bad in CSVRecords(text, delimiter, first_line=2, encoding=encoding, width=len(header)):
        if bad is not None:
            yield n, None, bad
            continue
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
            yield n, to_interaction(obj, None, times), None
        except _Bad as exc:
            yield n, None, str(exc)


def _read(path: Path, times: Times) -> tuple[Iterator, Any, Any, int]:
    """``(records, text file, binary file, size)``; keep the text file referenced until done
    (dropping it would close the binary file under the reader)."""
    if not path.is_file():
        raise InputError("is a folder, not a file" if path.is_dir() else "no such file", file=str(path))
    text, raw, encoding = open_text(path)
    size = path.stat().st_size
    first = ""
    pos = raw.tell()
    try:
        first = raw.read(64).decode(encoding, errors="ignore")
    finally:
        raw.seek(pos)
    fmt = _format(path, first)
    records = (_jsonl if fmt == "jsonl" else _csv)(text, str(path), times, encoding)
    return records, text, raw, size


def import_interactions(db, path: Path, *, strict: bool = False, run_id: int | None = None,
                        progress: Progress = SILENT, parallel: bool | None = None,
                        tz: str = DEFAULT_TIMEZONE) -> ImportReport:
    """Import a JSONL or CSV file of interactions; see docs/import.md.

    Progress is reported in bytes of the file read. With ``strict`` the file is
    checked completely first and nothing is stored if any line is bad. Without a
    ``run_id`` the import records its own 'import' run (:func:`pantau.jobs.stage.stage`;
    imports take no job lock: they rely on SQLite transactions). ``parallel`` parses
    in a second process while this one stores (the default for files of
    ``PARALLEL_MIN_BYTES`` or more). Times without a zone are read in ``tz``
    (``[schedule] timezone``); ``report.local_times`` counts them.
    """
    path = Path(path)
    t0 = time.monotonic()
    Times(tz)                     # an unknown zone fails here, before any work
    report = ImportReport(file=str(path), timezone=tz)
    if strict:
        _check_only(path, report)
        if report.rejected_total:
            _audit(db, path, report, strict)
            report.seconds = time.monotonic() - t0
            return report
        report = ImportReport(file=str(path), timezone=tz)
    try:
        with stage(db, "import", run_id=run_id, trigger="cli", progress=progress) as run:
            report.run_id = run.run_id
            try:
                _import(db, path, run, report, parallel, tz)
            finally:
                report.seconds = time.monotonic() - t0
                run.stats = _stats(report)
                run.summary = {"file": path.name, **_stats(report)}
    finally:
        _audit(db, path, report, strict)
    return report


def _import(db, path: Path, run: StageRun, report: ImportReport, parallel: bool | None, tz: str) -> None:
    observed_at = utcnow()        # one observation: every batch of the file shares it
    old_cache = db.execute("PRAGMA cache_size").fetchone()[0]
    progress = run.progress
    folder = None
    set_aside: list[str] = []
    try:
        if not path.is_file():
            raise InputError("is a folder, not a file" if path.is_dir() else "no such file", file=str(path))
        size = path.stat().st_size
        if parallel is None:
            parallel = size >= PARALLEL_MIN_BYTES
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        folder = staging_folder(db)
        if parallel and size // BYTES_PER_LINE >= (db.execute("SELECT max(id) FROM interactions").fetchone()[0] or 0):
            # a file at least as large as the table: one index build at the end beats a million inserts
            set_aside = indexes.set_aside(db)
        accounts: dict = {}
        batches = _StagingChild(path, folder, tz) if parallel else _stage(path, folder, tz)
        progress.task(f"importing {path.name}", size)
        try:
            with background_checkpoints(db) as ckpt:
                for message in batches:
                    report.lines = message.lines
                    report.rejected_total = message.rejected
                    report.local_times = message.local_times
                    report.rejected.extend(LineError(str(path), n, reason) for n, reason in message.errors)
                    if message.batch is not None:
                        res = store_staged(db, message.batch, observed_at=observed_at, run_id=run.run_id,
                                           accounts_cache=accounts)
                        report.accepted += res.interactions
                        report.new_interactions += res.new_interactions
                        report.new_actors += res.new_actors
                        if ckpt is not None:
                            ckpt.poke()
                        if parallel:
                            batches.stored()
                    progress.advance(message.position, f"{report.lines:,} lines")
        finally:
            batches.close()     # stops the parsing process or generator
            progress.finish()
        if report.lines == 0:
            raise InputError("the file has no interaction lines", file=str(path))
        report.stored = report.accepted > 0
        run.status = "partial" if report.rejected_total else "ok"
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        if set_aside:
            progress.say("building the review filters' index")
            indexes.restore(db, set_aside)
        try:
            db.execute(f"PRAGMA cache_size = {int(old_cache)}")
        except Exception:    # best effort; the data is already committed
            pass


@dataclass
class _Staged:
    """What the parsing side reports after each batch (the last one may stage nothing)."""

    batch: StagedBatch | None
    position: int           # bytes of the file read
    lines: int              # lines read so far
    rejected: int           # lines rejected so far
    errors: list            # (line, reason) of rejections not reported before (at most MAX_REPORTED in all)
    local_times: int = 0    # times without a zone so far


def _stage(path: Path, folder: Path, tz: str = DEFAULT_TIMEZONE) -> Iterator[_Staged]:
    """Read, check and stage the file batch by batch (in whichever process runs it)."""
    times = Times(tz)
    records, text, raw, size = _read(path, times)
    stager = Stager(folder, source="import", cleaned=True)     # to_interaction cleaned every line
    lines = rejected = 0
    errors: list = []
    batch: list[Interaction] = []
    try:
        for n, item, reason in records:
            lines += 1
            if item is None:
                rejected += 1
                if rejected <= MAX_REPORTED:
                    errors.append((n, reason))
                continue
            batch.append(item)
            if len(batch) >= BATCH:
                yield _Staged(stager.stage(batch), raw.tell(), lines, rejected, errors, times.naive)
                batch, errors = [], []
        yield _Staged(stager.stage(batch) if batch else None, size, lines, rejected, errors, times.naive)
    except UnicodeDecodeError:
        raise decode_error(path, "its detected encoding", lines + 1) from None
    finally:
        text.close()


class _StagingChild:
    """``_stage`` in a second process, so parsing and storing use both cores.

    The child is a fresh interpreter (``python -m pantau.importer``), not a fork: the
    caller may have threads. It reports each staged batch as one JSON line on stdout
    and may stage at most ``AHEAD`` batches the importer has not stored yet (one byte
    on its stdin is one more), so disk use stays small whatever the file size. If the
    importer dies, the child's stdin closes and it exits.
    """

    AHEAD = 2

    def __init__(self, path: Path, folder: Path, tz: str = DEFAULT_TIMEZONE):
        self.path = path
        self.child = subprocess.Popen(
            [sys.executable, "-m", "pantau.importer", str(path), str(folder), tz],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.child.stdin.write(b"." * self.AHEAD)
        self.child.stdin.flush()

    def __iter__(self) -> Iterator[_Staged]:
        for line in self.child.stdout:
            m = json.loads(line)
            if "error" in m:
                raise (InputError if m.get("input") else PantauError)(m["error"])
            if m.get("done"):
                return
            b = m["batch"]
            batch = StagedBatch(Path(b["path"]), b["interactions"], b["actors"],
                                [tuple(a) for a in b["accounts"]]) if b else None
            yield _Staged(batch, m["position"], m["lines"], m["rejected"], m["errors"], m["local_times"])
        status = self.child.wait()
        raise PantauError(f"{self.path}: the parsing process stopped unexpectedly (exit status {status})")

    def stored(self) -> None:
        try:
            self.child.stdin.write(b".")
            self.child.stdin.flush()
        except BrokenPipeError:      # it has staged everything and exited: no credit needed
            pass

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
        for f in (self.child.stdin, self.child.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.child.wait()


def _child_main(path: str, folder: str, tz: str = DEFAULT_TIMEZONE) -> None:
    """The parsing process of ``_StagingChild``."""
    # Parsing allocates a few objects per field and keeps a batch of them alive, so the
    # cyclic collector would walk ever more objects, a fifth of the parse time. Nothing
    # here makes reference cycles, and this process ends with the import.
    gc.disable()
    out = sys.stdout
    sys.stdout = sys.stderr                    # nothing else may write into the message stream
    credits = sys.stdin.buffer

    def send(message: dict) -> None:
        out.write(json.dumps(message, ensure_ascii=False) + "\n")
        out.flush()

    try:
        stream = _stage(Path(path), Path(folder), tz)
        while True:
            if not credits.read(1):             # the importer is gone
                os._exit(1)
            m = next(stream, None)
            if m is None:
                break
            b = m.batch
            send({"batch": b and {"path": str(b.path), "interactions": b.interactions, "actors": b.actors,
                                  "accounts": b.accounts},
                  "position": m.position, "lines": m.lines, "rejected": m.rejected, "errors": m.errors,
                  "local_times": m.local_times})
        send({"done": True})
    except BrokenPipeError:
        os._exit(1)
    except InputError as exc:
        send({"error": str(exc), "input": True})
    except PantauError as exc:
        send({"error": str(exc)})
    except Exception as exc:                   # anything else, as one line the importer can raise
        send({"error": f"{path}: {type(exc).__name__}: {exc}"})


def _check_only(path: Path, report: ImportReport) -> None:
    times = Times(report.timezone)
    records, text, raw, _ = _read(path, times)
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
    report.local_times = times.naive
    if report.lines == 0:
        raise InputError("the file has no interaction lines", file=str(path))


def _stats(report: ImportReport) -> dict:
    return {"lines": report.lines, "accepted": report.accepted, "rejected": report.rejected_total,
            "new_interactions": report.new_interactions, "new_actors": report.new_actors,
            "local_times": report.local_times, "timezone": report.timezone}


def _audit(db, path: Path, report: ImportReport, strict: bool) -> None:
    with transaction(db):
        audit.write(db, "import", object_type="interactions", object_id=report.run_id,
                    detail={"file": path.name, **_stats(report), "strict": strict, "stored": report.stored})


if __name__ == "__main__":       # the parsing process of ``_StagingChild``
    _child_main(*sys.argv[1:4])
