"""The error family. The CLI maps these to exit codes; nothing here knows about exit codes."""

from __future__ import annotations


class PantauError(Exception):
    """An error reported to the user in one line (exit status 1)."""


class UsageError(PantauError):
    """The command was called wrongly (exit status 2)."""


class ConfigError(PantauError):
    """``pantau.toml`` has an unknown key or a bad value."""


class InputError(PantauError):
    """A file's content is wrong; carries where (file, line or row)."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        self.file = file
        self.line = line
        where = ""
        if file:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        super().__init__(f"{where}{message}")


class LockBusy(PantauError):
    """Another job holds the workspace lock."""
