"""Property-based tests (hypothesis) for every parser and writer of files people bring or take away.

Each property states what must hold for *any* input: readers never fail with anything but a
one-line ``InputError``/``ConfigError`` or a per-row reason, good rows are never lost around a
bad one, and text goes out and comes back the same (control characters cleaned at the door).
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
import tomllib
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import storage
from pantau import config
from pantau.errors import ConfigError, InputError
from pantau.export import export_interactions
from pantau.importer import import_interactions
from pantau.roster import read_roster
from pantau.tabular import CSVRecords
from pantau.watchlist import parse_file
from storage.cleaning import CONTROL, free_text, one_line

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: any text, control characters, quotes, separators and line breaks made likely
ANY_TEXT = st.text(alphabet=st.one_of(
    st.sampled_from(list('",;\t\r\n\x00\x1b\x07\x7f\x9b\' =+-@')), st.characters(codec="utf-8")), max_size=40)
LINE_TEXT = st.text(alphabet=st.one_of(st.sampled_from(list('",;')),
                                       st.characters(codec="utf-8", exclude_characters="\r\n")), max_size=30)


def _tmp() -> Path:
    return Path(tempfile.mkdtemp(prefix="pantau-prop-"))


# --- the CSV record reader -----------------------------------------------------------------

@SETTINGS
@given(rows=st.lists(st.lists(ANY_TEXT, min_size=3, max_size=3), min_size=1, max_size=15),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_rows_csv_writes_come_back_whole(rows, delimiter):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    got = list(CSVRecords(io.StringIO(buf.getvalue(), newline=""), delimiter, width=3))
    assert [r for _, r, bad in got if bad is None] == rows
    assert all(bad is None for _, _, bad in got)


@SETTINGS
@given(rows=st.lists(st.lists(LINE_TEXT, min_size=3, max_size=3), min_size=2, max_size=15),
       data=st.data())
def test_one_unclosed_quote_costs_only_its_own_row(rows, data):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    lines = buf.getvalue().splitlines(keepends=True)
    assume(all(lines.count(line) == 1 for line in lines))
    assume(len(lines) == len(rows))                       # no cell held a lone \r or similar
    k = data.draw(st.integers(0, len(lines) - 1))
    at = data.draw(st.sampled_from([0] + [i + 1 for i, ch in enumerate(lines[k]) if ch == ","]))
    lines[k] = lines[k][:at] + '"' + lines[k][at:]          # a quote opened at a field's start, never closed
    got = list(CSVRecords(io.StringIO("".join(lines), newline=""), ",", width=3))
    by_line = {n: cells for n, cells, bad in got if bad is None}
    for i, row in enumerate(rows):
        if i != k:
            assert by_line.get(i + 1) == row, (i, got)


# --- roster --------------------------------------------------------------------------------

NIP = "198503122010011{:03d}"


@SETTINGS
@given(names=st.lists(ANY_TEXT, min_size=1, max_size=12))
def test_roster_any_names_are_read_or_refused_by_row_never_crash(names):
    p = _tmp() / "r.csv"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(["nip", "nama", "unit_kerja", "jabatan"])
    for i, name in enumerate(names):
        w.writerow([NIP.format(i + 1), name, "Dinas", "Staf"])
    p.write_text(buf.getvalue(), encoding="utf-8")
    try:
        emps, errors = read_roster(p)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert len(emps) + len(errors) == len(names)
    for e in emps:
        assert CONTROL.search(e.name) is None and e.name == " ".join(one_line(e.name).split())
    for e in errors:
        assert str(e).startswith(f"{p}:row ") and "\n" not in str(e)


@SETTINGS
@given(body=st.binary(max_size=400))
def test_roster_any_bytes_never_crash(body):
    p = _tmp() / "r.csv"
    p.write_bytes(b"nip,nama,unit_kerja,jabatan\n" + body)
    try:
        read_roster(p)
    except InputError as exc:
        assert "\n" not in str(exc)


# --- interaction import and export ----------------------------------------------------------

def _record(i: int, name: str, text: str) -> dict:
    return {"platform": "x", "kind": "comment", "target_account": "calon", "actor_handle": f"user{i}",
            "actor_name": name, "post_id": f"p{i}", "text": text, "interaction_id": f"c{i}"}


def _texts(db) -> list[tuple]:
    return [tuple(r) for r in db.execute(
        "SELECT a.handle, a.display_name, i.text FROM interactions i JOIN actors a ON a.id = i.actor_id "
        "ORDER BY a.handle")]


@SLOW
@given(pairs=st.lists(st.tuples(ANY_TEXT, ANY_TEXT), min_size=1, max_size=8), fmt=st.sampled_from(["csv", "jsonl"]))
def test_any_text_round_trips_through_export_and_import(pairs, fmt):
    """What is stored (cleaned at the door) comes back the same through export and import."""
    d = _tmp()
    src = d / "in.jsonl"
    src.write_text("".join(json.dumps(_record(i, n, t)) + "\n" for i, (n, t) in enumerate(pairs)), encoding="utf-8")
    a, b = storage.open_db(d / "a.db"), storage.open_db(d / "b.db")
    try:
        r = import_interactions(a, src, parallel=False)
        assert r.accepted == len(pairs) and r.rejected == []
        stored = _texts(a)
        for (handle, name, text), (n, t) in zip(stored, pairs):
            assert name == ((one_line(n) or "").strip() or None) and text == ((free_text(t) or "").strip() or None)
        out = d / f"out.{fmt}"
        export_interactions(a, fmt, out)
        r2 = import_interactions(b, out, parallel=False)
        assert r2.rejected == [] and r2.accepted == len(pairs)
        assert _texts(b) == stored
    finally:
        a.close()
        b.close()


@SETTINGS
@given(lines=st.lists(st.one_of(ANY_TEXT, st.dictionaries(st.sampled_from(
    ["platform", "kind", "target_account", "actor_handle", "post_id", "text", "created_at", "actor_url"]),
    st.one_of(ANY_TEXT, st.integers(), st.none(), st.booleans()), max_size=8).map(json.dumps)), max_size=10))
def test_any_jsonl_lines_are_stored_or_refused_by_line(lines):
    d = _tmp()
    p = d / "i.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    db = storage.open_db(d / "a.db")
    try:
        r = import_interactions(db, p, parallel=False)
    except InputError as exc:
        assert "no interaction lines" in str(exc) and "\n" not in str(exc)
        return
    finally:
        db.close()
    assert r.accepted + r.rejected_total == r.lines
    assert all("\n" not in e.reason for e in r.rejected)


@SLOW
@given(pairs=st.lists(st.tuples(ANY_TEXT, ANY_TEXT), min_size=1, max_size=6))
def test_xlsx_export_accepts_any_stored_text(pairs):
    from openpyxl import load_workbook
    d = _tmp()
    db = storage.open_db(d / "a.db")
    try:
        src = d / "in.jsonl"
        src.write_text("".join(json.dumps(_record(i, n, t)) + "\n" for i, (n, t) in enumerate(pairs)))
        import_interactions(db, src, parallel=False)
        # and text that came in before the door was shut
        db.execute("UPDATE interactions SET text = text || ?", ["\x00\x1b[2J"])
        db.conn.commit()
        out = d / "out.xlsx"
        assert export_interactions(db, "xlsx", out) == len(pairs)
        rows = list(load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
        assert len(rows) == len(pairs) + 1
    finally:
        db.close()


# --- watchlists ------------------------------------------------------------------------------

@SETTINGS
@given(text=st.text(max_size=300))
def test_any_watchlist_text_gives_errors_naming_the_file_never_a_crash(text):
    p = _tmp() / "w.yaml"
    p.write_text(text, encoding="utf-8", errors="surrogatepass")
    accounts, errors = parse_file(p)
    assert all(e.startswith(str(p)) for e in errors), errors


@SETTINGS
@given(handle=ANY_TEXT, name=ANY_TEXT)
def test_watchlist_entries_with_any_handle_or_name(handle, name):
    p = _tmp() / "w.yaml"
    p.write_text("election: x\ncandidates:\n  - name: " + json.dumps(name) + "\n    accounts:\n"
                 "      - platform: mastodon\n        handle: " + json.dumps(handle) + "\n", encoding="utf-8",
                 errors="surrogatepass")
    accounts, errors = parse_file(p)
    for a in accounts:
        assert CONTROL.search(a.handle) is None and CONTROL.search(a.candidate or "") is None
    assert accounts or errors


# --- config -----------------------------------------------------------------------------------

TOML_VALUE = st.recursive(
    st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=10), st.dates()),
    lambda inner: st.lists(inner, max_size=3), max_leaves=5)


@SETTINGS
@given(data=st.dictionaries(
    st.sampled_from(["storage", "crawl", "review", "roster", "matching", "schedule", "notify", "evidence",
                     "retention", "platforms", "nope"]),
    st.one_of(TOML_VALUE, st.dictionaries(st.sampled_from([
        "database", "since", "timeout", "concurrency", "session_hours", "trusted_proxies", "language", "port",
        "max_deactivate_share", "cron", "timezone", "on", "email_to", "days", "mastodon", "x", "base_url",
        "other"]), TOML_VALUE, max_size=4)), max_size=4))
def test_any_config_loads_or_is_one_line_naming_it(data):
    try:
        s = config.parse(data, Path("."))
    except ConfigError as exc:
        msg = str(exc)
        assert msg.startswith("pantau.toml: ") and "\n" not in msg
        return
    import math
    assert s.review.session_hours >= 1 and math.isfinite(s.crawl.timeout) and s.crawl.timeout > 0
    assert s.storage.database


@SETTINGS
@given(text=st.text(max_size=200))
def test_any_toml_text_loads_or_is_one_line(text):
    d = _tmp()
    (d / "pantau.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        config.load(d)
    except ConfigError as exc:
        assert "pantau.toml" in str(exc).splitlines()[0]


# --- captures (HAR, Zeeschuimer NDJSON) -------------------------------------------------------

def _capture_workspace() -> Path:
    from pantau.workspace import create_workspace
    from tests.pantau.capture import scenario as sc
    ws = create_workspace(_tmp() / "ws")
    (ws / "watchlists" / "example.yaml").unlink()
    (ws / "watchlists" / "calon.yaml").write_text(sc.WATCHLIST, encoding="utf-8")
    return ws


def _replace_text(node, texts, i=[0]):
    """Every comment text and display name of a captured payload replaced by the drawn texts, in turn."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("text", "nickname", "full_name", "full_text", "name") and isinstance(v, str):
                node[k] = texts[i[0] % len(texts)]
                i[0] += 1
            else:
                _replace_text(v, texts, i)
    elif isinstance(node, list):
        for v in node:
            _replace_text(v, texts, i)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts=st.lists(ANY_TEXT.filter(lambda t: t.strip()), min_size=1, max_size=4))
def test_a_capture_with_any_text_is_stored_without_control_characters(texts):
    from pantau.workspace import open_database
    from tests.conftest import run_pantau
    from tests.pantau.capture import scenario as sc
    ws = _capture_workspace()
    items = sc.zeeschuimer_items()
    _replace_text(items, texts)
    nd = ws.parent / "export.ndjson"
    nd.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in items), encoding="utf-8",
                  errors="surrogatepass")
    r = run_pantau("--workspace", str(ws), "import", str(nd), timeout=120)
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.returncode in (0, 1) and r.stderr.count("error:") <= 1
    db = open_database(config.load(ws))
    try:
        for row in db.execute("SELECT a.handle, a.display_name, a.bio, i.text FROM interactions i "
                              "JOIN actors a ON a.id = i.actor_id"):
            for value in row[:3]:
                assert not value or CONTROL.search(value) is None, row
            assert not row[3] or CONTROL.search(row[3].replace("\n", "").replace("\t", "")) is None, row
    finally:
        db.close()


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.one_of(st.binary(max_size=300), st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), ANY_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(
        st.sampled_from(["log", "entries", "request", "response", "content", "text", "url", "mimeType"]),
        inner, max_size=4)), max_leaves=12).map(lambda x: json.dumps(x).encode())))
def test_any_har_bytes_are_imported_or_one_line_refused(body):
    from tests.conftest import run_pantau
    ws = _capture_workspace()
    har = ws.parent / "x.har"
    har.write_bytes(body)
    r = run_pantau("--workspace", str(ws), "import", str(har), timeout=120)
    assert "Traceback" not in r.stderr, r.stderr[-2000:]
    assert r.returncode in (0, 1, 2)
    if r.returncode:
        assert [line for line in r.stderr.splitlines() if line.startswith("error:")], r.stderr
