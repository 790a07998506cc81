"""The ``pantau`` command: a thin layer that parses, calls one library function, prints.

Exit status: 0 success; 1 an error reported in one line (traceback only with
``--debug``); 2 bad usage. Exceptions become exit codes here and nowhere else.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from pantau.errors import PantauError, UsageError
from pantau.launch import command_word

try:  # recent Typer vendors its own copy of click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover - older Typer on the real click
    from click import exceptions as click_exc

# Collected text is written by strangers: never interpret Rich markup or emoji codes in it.
# Piped into a file or a script, tables keep whole handles and dates instead of an 80-column cut.
_WIDTH = None if sys.stdout.isatty() else 240
console = Console(markup=False, emoji=False, highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, markup=False, emoji=False, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="pantau",
    help="Collect public interactions with candidates' accounts and find civil servants among them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@dataclass
class State:
    workspace: Optional[str] = None
    debug: bool = False
    _settings: object = field(default=None, repr=False)
    #: the crawl child, started by ``pantau.launch`` before the CLI loaded (``pantau crawl``)
    crawl_child: object = field(default=None, repr=False)

    def settings(self):
        """The workspace settings, loaded once on first use (``init`` needs none)."""
        if self._settings is None:
            from pantau.workspace import open_settings
            self._settings = open_settings(self.workspace)
        return self._settings

    def db(self):
        from pantau.workspace import open_database
        return open_database(self.settings())


state = State()


@app.callback()
def root(
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", envvar="PANTAU_WORKSPACE",
        help="Workspace folder (holds pantau.toml). Default: the current folder or a parent."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    state.workspace = str(workspace) if workspace else None
    state.debug = debug
    state._settings = None


def plural(n: int, one: str, many: str | None = None) -> str:
    """``1 entry``, ``2 entries``: a count with its noun, for the CLI's English lines."""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def fail(message: str) -> None:
    """Report an error in one line on stderr."""
    from storage.cleaning import terminal_safe
    err_console.print(f"error: {terminal_safe(' '.join(str(message).splitlines()))}", soft_wrap=True)


#: The first word of a command line -> the module (``pantau/cli/<module>.py``) that registers it.
#: A command loads only its own module (``pantau crawl`` never imports the review app, the
#: roster reader or the matcher); help and unknown words load all of ``pantau.cli.commands``.
#: tests/pantau/cli/test_cli_lazy.py keeps this table complete.
COMMAND_MODULES = {
    "init": "workspace", "status": "workspace", "watchlist": "watchlist", "roster": "roster",
    "import": "imports", "capture": "capture", "crawl": "crawl", "run": "nightly", "schedule": "nightly", "cron": "nightly",
    "match": "match", "export": "export", "review": "review", "user": "review", "backup": "ops",
    "purge": "ops", "sandbox": "sandbox", "demo": "sandbox", "report": "report",
}


def register_commands(argv: list[str]) -> None:
    """Register the command on the line, or every command when it names none we know."""
    import importlib

    module = COMMAND_MODULES.get(command_word(argv) or "")
    if module:
        importlib.import_module(f"pantau.cli.{module}")
    else:
        from pantau.cli import commands  # noqa: F401  registers every command group


def main(argv: list[str] | None = None, *, crawl_child=None) -> int:
    """Runs one command line; maps exceptions to exit codes. ``crawl_child``: the crawl child
    ``pantau.launch`` started before this module was imported (``pantau crawl``)."""
    args = argv if argv is not None else sys.argv[1:]
    # called without one (tests, scripts), `pantau crawl` starts its child itself
    state.crawl_child = crawl_child
    try:
        return _main(args)
    finally:
        child, state.crawl_child = state.crawl_child, None
        if child is not None:
            child.close()


def _main(argv: list[str]) -> int:
    from pantau.jobs.stage import Terminated

    register_commands(argv)

    debug = "--debug" in argv
    try:
        rv = app(args=argv, prog_name="pantau", standalone_mode=False)
        if isinstance(rv, int):
            return rv
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        fail("aborted")
        return 1
    except click_exc.ClickException as exc:
        exc.show()
        return exc.exit_code  # UsageError -> 2
    except UsageError as exc:
        if debug:
            raise
        fail(str(exc))
        return 2
    except PantauError as exc:
        if debug:
            raise
        fail(str(exc))
        return 1
    except SystemExit as exc:  # e.g. Rich on a closed pipe
        return exc.code if isinstance(exc.code, int) else 1
    except KeyboardInterrupt:
        fail("interrupted")
        return 130
    except Terminated:
        fail("terminated; the run is recorded as interrupted and the next run completes it")
        return 143
    except Exception as exc:  # an unforeseen failure: still one line unless --debug
        if debug:
            raise
        fail(f"{type(exc).__name__}: {exc} (run with --debug for the traceback)")
        return 1
    return 0


def run() -> None:
    sys.exit(main())
