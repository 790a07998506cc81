"""A command loads only its own CLI module: the table that says which module that is stays complete."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pantau.cli import COMMAND_MODULES, app, command_word
from pantau.cli import commands  # noqa: F401  registers every command


def _registered() -> dict[str, str]:
    """Every top-level command or group name -> the pantau.cli module that registers it."""
    out = {}
    for info in app.registered_commands:
        name = info.name or info.callback.__name__.replace("_", "-")
        out[name] = info.callback.__module__
    for group in app.registered_groups:
        modules = {c.callback.__module__ for c in group.typer_instance.registered_commands}
        assert len(modules) == 1, f"group {group.name} spans modules {modules}"
        out[group.name] = modules.pop()
    return out


def test_every_command_is_in_the_table_with_its_module():
    registered = _registered()
    assert set(registered) == set(COMMAND_MODULES)
    for name, module in registered.items():
        assert module == f"pantau.cli.{COMMAND_MODULES[name]}", name


@pytest.mark.parametrize("argv, word", [
    (["crawl"], "crawl"),
    (["--workspace", "crawl", "status"], "status"),     # a workspace folder named like a command
    (["-w", "ws", "--debug", "watchlist", "list"], "watchlist"),
    (["--workspace=ws", "crawl", "--platform", "mastodon"], "crawl"),
    (["--help", "crawl"], None),                        # the root help lists every command
    ([], None),
])
def test_command_word(argv, word):
    assert command_word(argv) == word


def test_crawl_loads_neither_the_review_app_nor_the_roster_nor_the_matcher():
    code = ("import sys\n"
            "from pantau.cli import register_commands\n"
            "register_commands(['crawl', '--platform', 'mastodon'])\n"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith(('pantau', 'openpyxl', 'fastapi')))))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    loaded = set(r.stdout.split())
    assert "pantau.cli.crawl" in loaded
    assert not loaded & {"pantau.cli.review", "pantau.cli.roster", "pantau.cli.match", "pantau.review",
                         "pantau.roster", "pantau.matching", "openpyxl", "fastapi"}, loaded


def test_the_console_script_starts_the_crawl_child_before_loading_the_cli():
    """`pantau crawl`'s child loads Scrapy on the other core while the CLI itself loads."""
    code = ("import sys\n"
            "import crawler.process as p\n"
            "orig = p.CrawlChild.__init__\n"
            "def spy(self, *a, **k):\n"
            "    print('loaded before the child:', sorted(m for m in ('typer', 'rich', 'pydantic', 'sqlite_utils',\n"
            "          'pantau.cli') if m in sys.modules), flush=True)\n"
            "    orig(self, *a, **k)\n"
            "p.CrawlChild.__init__ = spy\n"
            "sys.argv = ['pantau', 'crawl', '--help']\n"
            "from pantau.launch import run\n"
            "run()\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "loaded before the child: []" in r.stdout
    assert "--platform" in r.stdout                     # the crawl command's help, through the CLI
    other = subprocess.run([sys.executable, "-c", code.replace("'crawl', '--help'", "'status', '--help'")],
                           capture_output=True, text=True, timeout=60)
    assert other.returncode == 0 and "loaded before the child" not in other.stdout   # no child for others
