"""Shared fixtures: workspaces, the real CLI in a child process, and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Flags that let Debian's Chromium run headless as root on a machine with no internet.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

LOOPBACK_CONFIG = '[crawl]\nallowed_hosts = ["127.0.0.1", "localhost"]\n'


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches Debian's Chromium (Playwright cannot download its own here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh workspace whose crawls can only reach loopback; no watchlists."""
    from pantau.workspace import create_workspace
    ws = create_workspace(tmp_path / "ws")
    (ws / "watchlists" / "example.yaml").unlink()
    (ws / "pantau.toml").write_text(LOOPBACK_CONFIG, encoding="utf-8")
    return ws


def run_pantau(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the real ``pantau`` command in a child process."""
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200", **(env or {})}
    full_env.pop("PANTAU_WORKSPACE", None) if env is None or "PANTAU_WORKSPACE" not in env else None
    return subprocess.run([sys.executable, "-m", "pantau", *args], cwd=cwd, input=input, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def pantau(workspace: Path):
    """``pantau(*args)`` runs the CLI in the test workspace and returns the CompletedProcess."""
    def call(*args: str, **kw) -> subprocess.CompletedProcess:
        kw.setdefault("cwd", workspace)
        return run_pantau(*args, **kw)
    return call


@pytest.fixture
def db(workspace: Path):
    from pantau.workspace import open_database, open_settings
    d = open_database(open_settings(workspace))
    yield d
    d.close()
