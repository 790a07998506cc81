"""The dependency rules of DESIGN.md and style.md, checked on the source (not by convention)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(folder: Path):
    for path in sorted(folder.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    yield path, a.name
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def _offending(folder: Path, forbidden: tuple[str, ...]):
    return [f"{p.relative_to(ROOT)} imports {m}" for p, m in _imports(folder)
            if any(m == f or m.startswith(f + ".") for f in forbidden)]


def test_storage_imports_neither_crawler_nor_pantau():
    assert _offending(ROOT / "storage", ("crawler", "pantau")) == []


def test_crawler_does_not_import_pantau():
    assert _offending(ROOT / "crawler", ("pantau",)) == []


def test_matching_is_pure():
    bad = _offending(ROOT / "pantau" / "matching",
                     ("scrapy", "fastapi", "starlette", "sqlite3", "sqlite_utils", "storage.queries",
                      "crawler", "pantau.review"))
    assert bad == []


def test_review_touches_data_only_through_storage_queries():
    bad = _offending(ROOT / "pantau" / "review", ("sqlite3", "sqlite_utils", "crawler", "scrapy"))
    assert bad == []


def test_scheduler_imports_only_config_and_jobs():
    tree = ast.parse((ROOT / "scheduler.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    pantau_mods = {n for n in names if n.startswith("pantau")}
    assert all(n == "pantau.config" or n.startswith("pantau.jobs") for n in pantau_mods), pantau_mods


def test_only_the_cli_imports_the_cli():
    """Jobs report through ``pantau.jobs.progress``; nothing below the CLI reaches up into it."""
    bad = [f"{p.relative_to(ROOT)} imports {m}" for p, m in _imports(ROOT / "pantau")
           if (m == "pantau.cli" or m.startswith("pantau.cli."))
           and (ROOT / "pantau" / "cli") not in p.parents and p.name != "__main__.py"]
    bad += _offending(ROOT / "crawler", ("pantau.cli",)) + _offending(ROOT / "storage", ("pantau.cli",))
    assert bad == []


def test_jobs_do_not_print():
    """Stages speak through the progress protocol, so a run under cron, a test and a terminal agree."""
    bad = []
    for path in sorted((ROOT / "pantau" / "jobs").rglob("*.py")):
        if path.name == "schedule.py":      # the scheduler process writes its own log file
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == []
