import json
import os
import stat

from pantau.config import load
from tests.conftest import run_pantau


def test_init_creates_a_valid_workspace_and_refuses_to_overwrite(tmp_path):
    r = run_pantau("init", str(tmp_path / "ws"))
    assert r.returncode == 0, r.stderr
    ws = tmp_path / "ws"
    assert (ws / "pantau.toml").read_text().startswith("# Pantau workspace settings")
    assert (ws / "watchlists" / "example.yaml").exists()
    assert stat.S_IMODE(os.stat(ws / "data").st_mode) == 0o700
    load(ws)  # the commented file is valid
    again = run_pantau("init", str(ws))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_commands_outside_a_workspace_fail_in_one_line(tmp_path):
    r = run_pantau("status", cwd=tmp_path)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "no pantau.toml" in r.stderr
    r = run_pantau("--workspace", str(tmp_path / "nope"), "status")
    assert r.returncode == 1 and "not a Pantau workspace" in r.stderr


def test_bad_usage_exits_2(pantau):
    assert pantau("no-such-command").returncode == 2
    assert pantau("roster", "import").returncode == 2
    assert pantau("watchlist", "add", "mastodon").returncode == 2


def test_watchlist_commands_and_sync_then_status(pantau, workspace):
    r = pantau("watchlist", "add", "mastodon", "@calonsatu@mastodon.example", "--candidate", "Calon Satu",
               "--role", "capres", "--url", "http://127.0.0.1:9/@calonsatu")
    assert r.returncode == 0, r.stderr
    r = pantau("watchlist", "add", "bluesky", "calonsatu.bsky.social", "--candidate", "Calon Satu")
    assert r.returncode == 0, r.stderr
    assert pantau("watchlist", "validate").returncode == 0
    listing = pantau("watchlist", "list")
    assert "calonsatu.bsky.social" in listing.stdout and "Calon Satu" in listing.stdout
    r = pantau("watchlist", "sync")
    assert r.returncode == 0 and "2 added" in r.stdout, r.stdout + r.stderr
    assert pantau("watchlist", "remove", "bluesky", "calonsatu.bsky.social").returncode == 0
    r = pantau("watchlist", "sync")
    assert "1 disabled" in r.stdout
    st = json.loads(pantau("status", "--json").stdout)
    assert st["counts"]["accounts"] == 2 and st["counts"]["accounts_enabled"] == 1
    assert {a["handle"]: a["enabled"] for a in st["accounts"]} == {
        "calonsatu@mastodon.example": 1, "calonsatu.bsky.social": 0}
    assert st["counts"]["audit_log"] == 2   # two syncs


def test_invalid_watchlist_blocks_sync_and_changes_nothing(pantau, workspace):
    (workspace / "watchlists" / "w.yaml").write_text(
        "candidates:\n  - name: A\n    accounts:\n      - {platform: mastodon, handle: '@a@m.example'}\n")
    assert pantau("watchlist", "sync").returncode == 0
    (workspace / "watchlists" / "w.yaml").write_text(
        "candidates:\n  - name: A\n    accounts:\n      - {platform: mastodn, handle: '@a@m.example'}\n")
    r = pantau("watchlist", "sync")
    assert r.returncode == 1 and "w.yaml:4: unknown platform 'mastodn'" in r.stderr
    r = pantau("watchlist", "validate")
    assert r.returncode == 1
    st = json.loads(pantau("status", "--json").stdout)
    assert st["counts"]["accounts_enabled"] == 1


def test_status_text_output(pantau):
    r = pantau("status")
    assert r.returncode == 0 and "Counts" in r.stdout and "interactions" in r.stdout


def test_unexpected_errors_are_one_line_and_debug_shows_traceback(pantau, workspace):
    db = workspace / "data" / "pantau.db"
    db.write_bytes(b"this is not a database" * 100)
    r = pantau("status")
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
    r = pantau("--debug", "status")
    assert r.returncode == 1 and "Traceback" in r.stderr


def _readme_quick_start() -> list[list[str]]:
    """The README's quick-start lines for ``pantau watchlist add``, as argument lists."""
    import shlex
    from tests.conftest import REPO
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("## Quick start for a real workspace", 1)[1].split("```", 2)[1]
    return [shlex.split(line.split("#", 1)[0] if " #" in line else line)[1:]
            for line in block.splitlines() if line.startswith("pantau watchlist add")]


def test_init_examples_are_never_crawled_and_the_readme_quick_start_adds_its_candidate(tmp_path):
    ws = tmp_path / "kota"
    assert run_pantau("init", str(ws)).returncode == 0
    r = run_pantau("watchlist", "sync", cwd=ws)
    assert r.returncode == 0, r.stderr
    st = json.loads(run_pantau("status", "--json", cwd=ws).stdout)
    assert st["counts"]["accounts"] >= 9 and st["counts"]["accounts_enabled"] == 0   # examples are off
    (add,) = _readme_quick_start()
    r = run_pantau(*add, cwd=ws)
    assert r.returncode == 0, r.stderr
    candidate = add[add.index("--candidate") + 1]
    role = add[add.index("--role") + 1]
    from pantau import watchlist as wl
    accounts = wl.load(ws / "watchlists").accounts
    added = [a for a in accounts if a.candidate == candidate]
    assert [(a.platform, a.role, a.enabled) for a in added] == [(add[2], role, True)]
    r = run_pantau("watchlist", "sync", cwd=ws)
    st = json.loads(run_pantau("status", "--json", cwd=ws).stdout)
    assert st["counts"]["accounts_enabled"] == 1


def test_watchlist_add_refuses_a_role_that_contradicts_the_candidate(tmp_path):
    ws = tmp_path / "kota"
    assert run_pantau("init", str(ws)).returncode == 0
    before = (ws / "watchlists" / "example.yaml").read_text()
    r = run_pantau("watchlist", "add", "mastodon", "@calon@mastodon.example", "--candidate", "Calon Satu",
                   "--role", "kepala-daerah", cwd=ws)
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1
    assert "'Calon Satu' is already in" in r.stderr and "with role capres, not kepala-daerah" in r.stderr
    assert (ws / "watchlists" / "example.yaml").read_text() == before
    assert not (ws / "watchlists" / "watchlist.yaml").exists()
    # the same role, or none, files it under the existing candidate
    r = run_pantau("watchlist", "add", "mastodon", "@calon@mastodon.example", "--candidate", "Calon Satu",
                   cwd=ws)
    assert r.returncode == 0 and "example.yaml" in r.stdout


def test_status_counts_citizen_reports(pantau, workspace):
    from pantau.workspace import open_database, open_settings
    from storage.queries import tips as tips_q
    db = open_database(open_settings(workspace))
    tips_q.add(db, code="AAAA-BBBB-CCCC", links=["https://x.com/a"], what="sesuatu terjadi di sini")
    db.close()
    st = json.loads(pantau("status", "--json").stdout)
    assert st["tips"] == {"new": 1, "checking": 0, "closed": 0}
    assert "citizen reports: new 1, checking 0, closed 0" in pantau("status").stdout
