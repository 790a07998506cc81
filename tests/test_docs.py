"""Every command and every setting is documented (the docs are part of the contract)."""

import re
from pathlib import Path

from pantau import config
from pantau.cli import app
from pantau.cli import commands  # noqa: F401

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _commands():
    import typer.main
    root = typer.main.get_command(app)
    for name, cmd in root.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            for subname in sub:
                yield f"{name} {subname}"
        else:
            yield name


def test_every_command_has_a_section_in_cli_md():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = [c for c in _commands() if f"pantau {c}" not in text]
    assert missing == []


def test_every_command_has_help_with_an_example():
    import typer.main
    root = typer.main.get_command(app)
    for name, cmd in root.commands.items():
        for sub in (getattr(cmd, "commands", None) or {name: cmd}).values():
            assert "Example:" in (sub.help or ""), f"{name} {sub.name} has no example in its help"


def test_every_setting_is_in_configuration_md():
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    missing = []
    for section, cls in {**config.SECTIONS, "platforms.NAME": config.PlatformConfig}.items():
        if f"[{section}]" not in text:
            missing.append(section)
        for name in cls.model_fields:
            if not re.search(rf"`{name}`", text):
                missing.append(f"{section}.{name}")
    assert missing == []


def test_readme_links_resolve():
    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(((?:docs/)[^)#]+)", readme):
        assert (DOCS.parent / target).exists(), target
