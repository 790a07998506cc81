"""The workspace: creating one, and finding it (``--workspace``, then ``PANTAU_WORKSPACE``, then the
current folder and its parents)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from pantau.config import CONFIG_FILE, ENV_WORKSPACE, Settings, load
from pantau.errors import PantauError


def find(explicit: str | Path | None = None, start: Path | None = None) -> Path:
    if explicit is None:
        explicit = os.environ.get(ENV_WORKSPACE) or None
    if explicit is not None:
        ws = Path(explicit).expanduser()
        if not (ws / CONFIG_FILE).is_file():
            raise PantauError(f"{ws}: not a Pantau workspace (no {CONFIG_FILE}); run `pantau init {ws}`")
        return ws.resolve()
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / CONFIG_FILE).is_file():
            return d
    raise PantauError(f"no {CONFIG_FILE} in {here} or its parents; run `pantau init` or pass --workspace DIR")


def open_settings(explicit: str | Path | None = None) -> Settings:
    return load(find(explicit))


def open_database(settings: Settings):
    """The workspace database, migrated and private."""
    import storage
    return storage.open_db(settings.db_path)


def create_workspace(directory: Path) -> Path:
    """Write ``pantau.toml``, ``watchlists/example.yaml`` and a private ``data/``; never overwrite."""
    import storage
    directory = directory.resolve()
    if (directory / CONFIG_FILE).exists():
        raise PantauError(f"{directory / CONFIG_FILE} already exists; not overwriting it")
    directory.mkdir(parents=True, exist_ok=True)
    skel = resources.files("pantau") / "skeleton"
    (directory / CONFIG_FILE).write_text(skel.joinpath("pantau.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (directory / "watchlists").mkdir(exist_ok=True)
    example = directory / "watchlists" / "example.yaml"
    if not example.exists():
        example.write_text(skel.joinpath("example.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    storage.private_dir(directory / "data")
    gi = directory / ".gitignore"
    if not gi.exists():
        gi.write_text("data/\n", encoding="utf-8")
    return directory
