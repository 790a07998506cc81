"""Watchlist files (``watchlists/*.yaml``): read, validate, edit, and sync to the database.

Files are the source of truth and are reviewed like code, so editing keeps their
comments and key order (ruamel.yaml round-trip), and every problem is reported
with its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from pantau.errors import InputError, PantauError
from storage import platforms as registry
from storage.cleaning import has_control
from storage.records import COLLECT_KINDS, PLATFORMS, Account, normalise_handle

ROLES = ("capres", "cawapres", "dpr", "dpd", "dprd", "kepala-daerah", "partai", "tim-kampanye")
ACCOUNT_KEYS = ("platform", "handle", "url", "collect", "since", "enabled", "profile")
CANDIDATE_KEYS = ("name", "role", "party", "accounts")
FILE_KEYS = ("election", "candidates")
#: the largest watchlist file read (a real one is a few KiB: about 100 bytes per account)
MAX_FILE_BYTES = 256 * 1024



def check_handle(platform: str, handle: str) -> str | None:
    """Why ``handle`` is malformed for ``platform``, or None (the rules are the registry's)."""
    return registry.get(platform).check_handle(handle)


looks_like_url = registry.looks_like_url


def resolve_handle(platform: str | None, handle: str) -> tuple[str, str]:
    """(platform, handle) of a handle written as the platform writes it or as a profile URL.

    ``instagram, https://www.instagram.com/calon.satu/`` -> ``instagram, calon.satu``;
    with ``platform`` None the URL names it. A URL of another platform's profile, or
    one that names no profile, is an error saying so.
    """
    if not looks_like_url(handle):
        if platform is None:
            raise PantauError(f"{handle!r} is not a profile URL: give the platform too")
        return platform, handle
    try:
        ref = registry.profile_from_url(handle, platform)
    except registry.NotAProfile as e:
        raise PantauError(str(e)) from None
    h = ref.handle
    if ref.platform == "mastodon":
        h = "@" + h
    return ref.platform, h


def check_url(url: str) -> str | None:
    if not isinstance(url, str):
        return f"url must be text, got {url!r}"
    u = urlsplit(url.strip())
    if u.scheme not in ("http", "https") or not u.hostname:
        return f"malformed url {url!r}: expected http(s)://host/..."
    return None


@dataclass
class WatchlistSet:
    accounts: list[Account] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def _yaml() -> YAML:
    y = YAML()  # round-trip: keeps comments and order
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 120
    return y


def _line(node, key=None) -> int:
    """1-based line of ``node`` (or of ``node[key]``) in its file."""
    try:
        if key is not None:
            if isinstance(node, CommentedMap):
                return node.lc.key(key)[0] + 1
            if isinstance(node, CommentedSeq):
                return node.lc.item(key)[0] + 1
        return node.lc.line + 1
    except Exception:
        return 0


def files_in(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def read_file(path: Path):
    """The YAML of one watchlist file (comments kept), or an ``InputError`` naming the file.

    Files over ``MAX_FILE_BYTES`` are refused before parsing: the round-trip parser that keeps
    comments takes about a second per 100 KiB (250 KiB: 3.3 s and 78 MiB, ``benchmarks/hostile_input_bench.py``;
    10 MB took 88 s and 1 GiB), and a real watchlist is a few KiB.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror})", file=str(path)) from None
    if size > MAX_FILE_BYTES:
        raise InputError(f"the file is {size / 2**20:.1f} MiB; a watchlist file may be at most "
                         f"{MAX_FILE_BYTES // 2**10:,} KiB (split it into several files)", file=str(path))
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", file=str(path)) from None
    try:
        data = _yaml().load(text)
    except RecursionError:
        raise InputError("the YAML is nested too deeply to be a watchlist", file=str(path)) from None
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(f"YAML syntax error: {problem}", file=str(path), line=line) from None
    return data


def parse_file(path: Path, profiles: set[str] | None = None) -> tuple[list[Account], list[str]]:
    """Accounts of one file and the problems found in it (``file:line: reason``)."""
    errors: list[str] = []
    accounts: list[Account] = []
    rel = str(path)

    def err(line: int, msg: str) -> None:
        errors.append(f"{rel}:{line}: {msg}" if line else f"{rel}: {msg}")

    try:
        data = read_file(path)
    except InputError as exc:
        return [], [str(exc)]
    if data is None:
        return [], []
    if not isinstance(data, CommentedMap):
        err(1, "expected a mapping with 'election' and 'candidates'")
        return [], errors
    for k in data:
        if k not in FILE_KEYS:
            err(_line(data, k), f"unknown key {k!r} (known: {', '.join(FILE_KEYS)})")
    election = data.get("election")
    cands = data.get("candidates") or []
    if not isinstance(cands, CommentedSeq):
        err(_line(data, "candidates"), "'candidates' must be a list")
        return [], errors
    for ci, cand in enumerate(cands):
        cline = _line(cands, ci)
        if not isinstance(cand, CommentedMap):
            err(cline, "a candidate must be a mapping with name, role, accounts")
            continue
        for k in cand:
            if k not in CANDIDATE_KEYS:
                err(_line(cand, k), f"unknown key {k!r} (known: {', '.join(CANDIDATE_KEYS)})")
        name = cand.get("name")
        if not name or not isinstance(name, str):
            err(cline, "candidate without a name")
        hostile = [k for k in ("name", "party") if isinstance(cand.get(k), str) and has_control(cand.get(k))]
        for k in hostile:
            err(_line(cand, k), f"{k} contains a control character")
        if hostile:
            continue
        role = cand.get("role")
        if role is not None and role not in ROLES:
            err(_line(cand, "role"), f"unknown role {role!r} (known: {', '.join(ROLES)})")
        accs = cand.get("accounts") or []
        if not isinstance(accs, CommentedSeq):
            err(_line(cand, "accounts"), "'accounts' must be a list")
            continue
        for ai, acc in enumerate(accs):
            aline = _line(accs, ai)
            if not isinstance(acc, CommentedMap):
                err(aline, "an account must be a mapping with platform and handle")
                continue
            bad = False
            for k in acc:
                if k not in ACCOUNT_KEYS:
                    err(_line(acc, k), f"unknown key {k!r} (known: {', '.join(ACCOUNT_KEYS)})")
                    bad = True
            platform = acc.get("platform")
            handle = acc.get("handle")
            if platform not in PLATFORMS:
                err(_line(acc, "platform") or aline,
                    f"unknown platform {platform!r} (known: {', '.join(PLATFORMS)})")
                continue
            if handle is None:
                err(aline, "account without a handle")
                continue
            handle = str(handle)
            if has_control(handle) or (isinstance(acc.get("url"), str) and has_control(acc.get("url"))):
                err(_line(acc, "handle" if has_control(handle) else "url"),
                    f"{'handle' if has_control(handle) else 'url'} contains a control character")
                continue
            if looks_like_url(handle):
                try:
                    _, handle = resolve_handle(platform, handle)
                except PantauError as exc:
                    err(_line(acc, "handle"), str(exc))
                    continue
            if msg := check_handle(platform, handle):
                err(_line(acc, "handle"), msg)
                bad = True
            url = acc.get("url")
            if url is not None and (msg := check_url(url)):
                err(_line(acc, "url"), msg)
                bad = True
            collect = acc.get("collect") or []
            if not isinstance(collect, list) or any(c not in COLLECT_KINDS for c in collect):
                err(_line(acc, "collect"),
                    f"collect must be a list of {', '.join(COLLECT_KINDS)}; got {list(collect) if isinstance(collect, list) else collect!r}")
                bad = True
            since = acc.get("since")
            if since is not None:
                if isinstance(since, str):
                    try:
                        since = date.fromisoformat(since)
                    except ValueError:
                        since = None
                if not isinstance(since, date):
                    err(_line(acc, "since"), f"since must be a date YYYY-MM-DD, got {acc.get('since')!r}")
                    bad = True
            enabled = acc.get("enabled", True)
            if not isinstance(enabled, bool):
                err(_line(acc, "enabled"), f"enabled must be true or false, got {enabled!r}")
                bad = True
            profile = acc.get("profile")
            if platform == "web":
                if not url:
                    err(aline, "a web account needs a url")
                    bad = True
                if not profile:
                    err(aline, "a web account needs a selector profile (profile: NAME)")
                    bad = True
                elif profiles is not None and profile not in profiles:
                    err(_line(acc, "profile"),
                        f"unknown selector profile {profile!r} (known: {', '.join(sorted(profiles)) or 'none'})")
                    bad = True
            elif profile is not None:
                err(_line(acc, "profile"), "profile applies to platform web only")
                bad = True
            if bad:
                continue
            accounts.append(Account(
                platform=platform, handle=handle.strip(), candidate=name, role=role,
                party=cand.get("party"), election=str(election) if election is not None else None,
                url=url.strip() if url else None, profile=profile, collect=list(collect),
                since=since.isoformat() if isinstance(since, date) else None, enabled=enabled,
                source_file=path.name, line=aline))
    return accounts, errors


def known_profiles(workspace: Path) -> set[str]:
    """Selector profiles shipped with the crawler plus those in the workspace's profiles/."""
    import crawler
    names = set()
    for folder in (Path(crawler.__file__).parent / "profiles", workspace / "profiles"):
        for p in (*folder.glob("*.yaml"), *folder.glob("*.yml")):
            names.add(p.stem)
    return names


def load(folder: Path, profiles: set[str] | None = None) -> WatchlistSet:
    """All watchlist files of a folder, validated together (duplicates span files)."""
    ws = WatchlistSet(files=files_in(folder))
    seen: dict[tuple[str, str], str] = {}
    for path in ws.files:
        accounts, errors = parse_file(path, profiles)
        ws.errors += errors
        for a in accounts:
            key = (a.platform, a.key)
            where = f"{path}:{a.line}"
            if key in seen:
                ws.errors.append(f"{where}: duplicate account {a.platform} {a.handle} (first at {seen[key]})")
                continue
            seen[key] = where
            ws.accounts.append(a)
    return ws


def _locate(folder: Path, platform: str, handle: str):
    key = normalise_handle(platform, handle)
    for path in files_in(folder):
        data = read_file(path)
        if not isinstance(data, CommentedMap):
            continue
        for cand in data.get("candidates") or []:
            for i, acc in enumerate(cand.get("accounts") or []):
                if acc.get("platform") == platform and normalise_handle(platform, str(acc.get("handle", ""))) == key:
                    return path, data, cand, i
    return None


def add(folder: Path, platform: str, handle: str, *, candidate: str, role: str | None = None,
        url: str | None = None, profile: str | None = None, file: Path | None = None,
        profiles: set[str] | None = None) -> Path:
    """Add an account to a watchlist file, keeping its comments and order. Returns the file.

    ``handle`` may be a profile URL of ``platform`` (its handle is written to the file).
    """
    if platform not in PLATFORMS:
        raise PantauError(f"unknown platform {platform!r} (known: {', '.join(PLATFORMS)})")
    for what, value in (("handle", handle), ("candidate", candidate), ("url", url)):
        if has_control(value):
            raise PantauError(f"the {what} contains a control character")
    platform, handle = resolve_handle(platform, handle)
    if msg := check_handle(platform, handle):
        raise PantauError(msg)
    if url and (msg := check_url(url)):
        raise PantauError(msg)
    if role is not None and role not in ROLES:
        raise PantauError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    if platform == "web" and not (url and profile):
        raise PantauError("a web account needs --url and --profile")
    if profile and platform != "web":
        raise PantauError("--profile applies to platform web only")
    if profile and profiles is not None and profile not in profiles:
        raise PantauError(f"unknown selector profile {profile!r} (known: {', '.join(sorted(profiles)) or 'none'})")
    found = _locate(folder, platform, handle)
    if found:
        raise PantauError(f"{platform} {handle} is already in {found[0]}")
    if file is None:
        # an existing candidate keeps all its accounts in one file
        for path in files_in(folder):
            data = read_file(path)
            if isinstance(data, CommentedMap) and any(
                    isinstance(c, CommentedMap) and c.get("name") == candidate
                    for c in data.get("candidates") or []):
                file = path
                break
        else:
            file = folder / "watchlist.yaml"
    file = Path(file)
    if not file.is_absolute() and not file.exists() and file.parent == Path("."):
        file = folder / file
    data = read_file(file) if file.exists() else None
    if data is None:
        data = CommentedMap()
        data["election"] = ""
        data["candidates"] = CommentedSeq()
    if not isinstance(data, CommentedMap):
        raise InputError("expected a mapping with 'election' and 'candidates'", file=str(file))
    if data.get("candidates") is None:
        data["candidates"] = CommentedSeq()
    cands = data["candidates"]
    cand = next((c for c in cands if isinstance(c, CommentedMap) and c.get("name") == candidate), None)
    if cand is None:
        cand = CommentedMap()
        cand["name"] = candidate
        if role:
            cand["role"] = role
        cand["accounts"] = CommentedSeq()
        cands.append(cand)
    elif role and cand.get("role") and cand.get("role") != role:
        # the same name with another role is a mistake or another person: never file it silently
        raise PantauError(f"candidate {candidate!r} is already in {file} with role {cand.get('role')}, not "
                          f"{role}: leave out --role (or give --role {cand.get('role')}) to add the account to "
                          "them, or give another --candidate name for a different candidate")
    elif role and not cand.get("role"):
        cand["role"] = role
    if cand.get("accounts") is None:
        cand["accounts"] = CommentedSeq()
    entry = CommentedMap()
    entry["platform"] = platform
    entry["handle"] = handle
    if url:
        entry["url"] = url
    if profile:
        entry["profile"] = profile
    cand["accounts"].append(entry)
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("w", encoding="utf-8") as fh:
        _yaml().dump(data, fh)
    return file


def remove(folder: Path, platform: str, handle: str, *, file: Path | None = None) -> Path:
    """Remove an account from its watchlist file (its history stays in the database)."""
    if platform in PLATFORMS:
        platform, handle = resolve_handle(platform, handle)
    found = _locate(folder if file is None else Path(file).parent, platform, handle)
    if not found or (file is not None and Path(found[0]).resolve() != Path(file).resolve()):
        raise PantauError(f"{platform} {handle} is not in {'any watchlist' if file is None else file}")
    path, data, cand, i = found
    del cand["accounts"][i]
    if not cand["accounts"]:
        data["candidates"].remove(cand)
    with path.open("w", encoding="utf-8") as fh:
        _yaml().dump(data, fh)
    return path


def set_enabled(folder: Path, platform: str, handle: str, enabled: bool) -> tuple[Path, bool]:
    """Switch crawling of an account on or off in its file, keeping comments and order.

    Returns the file and whether it changed. Turning an account off writes
    ``enabled: false`` after its handle; on again, ``enabled: true`` (an explicit line
    a reviewer of the file sees change). History in the database is never touched.
    """
    if platform in PLATFORMS:
        platform, handle = resolve_handle(platform, handle)
    found = _locate(folder, platform, handle)
    if not found:
        raise PantauError(f"{platform} {handle} is not in any watchlist")
    path, data, cand, i = found
    acc = cand["accounts"][i]
    if acc.get("enabled", True) is enabled:
        return path, False
    if "enabled" in acc:
        acc["enabled"] = enabled
    else:
        keys = list(acc)
        acc.insert(keys.index("handle") + 1 if "handle" in keys else len(keys), "enabled", enabled)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        _yaml().dump(data, fh)
    tmp.replace(path)
    return path, True


def candidates(folder: Path) -> list[tuple[str, str | None]]:
    """``(name, role)`` of every candidate in the files, for choosing one in a form."""
    out: dict[str, str | None] = {}
    for path in files_in(folder):
        try:
            data = read_file(path)
        except InputError:
            continue
        if isinstance(data, CommentedMap):
            for c in data.get("candidates") or []:
                if isinstance(c, CommentedMap) and isinstance(c.get("name"), str):
                    out.setdefault(c["name"], c.get("role"))
    return sorted(out.items())
