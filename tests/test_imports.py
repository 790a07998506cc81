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
    """Jobs report through ``pantau.jobs.progress``; nothing below the CLI reaches up into it.
    The entry points above it may: ``__main__.py`` and the console script ``launch.py``."""
    bad = [f"{p.relative_to(ROOT)} imports {m}" for p, m in _imports(ROOT / "pantau")
           if (m == "pantau.cli" or m.startswith("pantau.cli."))
           and (ROOT / "pantau" / "cli") not in p.parents
           and p.relative_to(ROOT).as_posix() not in ("pantau/__main__.py", "pantau/launch.py")]
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


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _crawler_import_graph() -> dict[str, set[str]]:
    """crawler module -> the crawler modules it imports (anywhere in the file), most specific name."""
    files = {_module_name(p): p for p in (ROOT / "crawler").rglob("*.py")}
    graph: dict[str, set[str]] = {m: set() for m in files}
    for me, path in files.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for name in names:
                while name and name not in files:
                    name = name.rpartition(".")[0]
                if name and name != me and name != "crawler":
                    graph[me].add(name)
    return graph


def test_no_import_cycle_between_crawler_modules():
    """Components coordinate through settings, stats and signals (crawler/signals.py), not by
    importing each other both ways; the child's entry point imports the rest, nothing imports it."""
    graph = _crawler_import_graph()
    assert graph["crawler.spiders.base"] and graph["crawler.child"]      # the walk sees imports
    assert not any("crawler.child" in deps for deps in graph.values())
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], {start}
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" -> ".join(path + [start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, path + [nxt]))
    assert cycles == []


def test_crawler_keeps_no_state_in_module_globals():
    """No ``global`` statement in the crawler: per-crawl state lives in the crawler's settings, stats
    and components (two crawls in one process must not see each other's)."""
    offenders = []
    for path in sorted((ROOT / "crawler").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Global):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} global {', '.join(node.names)}")
    assert offenders == []


def test_the_parents_side_of_a_crawl_loads_no_scrapy():
    """``pantau crawl`` imports ``crawler.process`` (and its ``crawler.events``) to start the child
    early: they must not load Scrapy or Twisted, which only the child needs."""
    bad = []
    for name in ("process.py", "events.py"):
        path = ROOT / "crawler" / name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            bad += [f"crawler/{name} imports {m}" for m in mods
                    if m.split(".")[0] in ("scrapy", "twisted") or m in ("crawler.child", "crawler.extensions")]
    assert bad == []
