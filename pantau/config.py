"""``pantau.toml`` -> one typed ``Settings``. Every default and environment variable name lives here.

Each section is a dataclass; loading checks every key against its fields, so an
unknown key or a value of the wrong type is a one-line error naming it.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crawler.identity import USER_AGENT as DEFAULT_USER_AGENT
from pantau.errors import ConfigError
from storage import platforms as registry

CONFIG_FILE = "pantau.toml"
ENV_WORKSPACE = "PANTAU_WORKSPACE"


@dataclass
class StorageConfig:
    database: str = "data/pantau.db"
    evidence: str = "data/evidence"
    logs: str = "data/logs"
    backups: str = "data/backups"


@dataclass
class CrawlConfig:
    since: date | None = None            # campaign start; default: today - lookback_days
    lookback_days: int = 30              # older posts are re-checked only within this window
    concurrency: int = 4                 # requests in flight per domain
    budget: int = 2000                   # requests per account per run
    user_agent: str = DEFAULT_USER_AGENT
    allowed_hosts: list[str] = field(default_factory=list)   # when set, other hosts are refused
    autothrottle: bool = True
    download_delay: float = 0.25
    timeout: float = 30.0
    retries: int = 3
    max_retry_wait: float = 900.0        # longest Retry-After / reset wait honoured in a run
    full_pass_days: int = 7              # a full pass over the look-back window this often
    obey_robots: bool = True             # the web spider; APIs are not covered by robots.txt


@dataclass
class PlatformConfig:
    base_url: str | None = None
    api_key_env: str | None = None
    storage_state: str | None = None     # Playwright storage-state file (rendered sites)
    enabled: bool = True
    page_size: int | None = None
    monthly_read_cap: int | None = None  # X: posts the access level may read a month (None: no cap)


#: settings that apply to one platform only
PLATFORM_ONLY: dict[str, str] = {"monthly_read_cap": "x"}

#: [platforms.NAME] defaults, from the registry (storage/platforms.py)
PLATFORM_DEFAULTS: dict[str, dict[str, Any]] = {
    p.name: {k: v for k, v in (("base_url", p.base_url), ("api_key_env", p.api_key_env)) if v}
    for p in registry.PLATFORMS.values()
}


@dataclass
class MatchingConfig:
    threshold: float = 55.0              # minimum score (0-100) of a stored candidate (handle-only: 10 lower)
    top_k: int = 3                       # candidates kept per actor
    cache: str = "data/cache"            # roster index cache


@dataclass
class ScheduleConfig:
    cron: str = "0 2 * * *"
    timezone: str = "Asia/Jakarta"


@dataclass
class ReviewConfig:
    host: str = "127.0.0.1"
    port: int = 8765
    language: str = "id"
    secret_key_env: str = "PANTAU_SECRET_KEY"
    page_size: int = 50
    session_hours: int = 12


@dataclass
class RetentionConfig:
    days: int = 180


@dataclass
class NotifyConfig:
    on: str = "never"                    # never | always | failure
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password_env: str = "PANTAU_SMTP_PASSWORD"
    smtp_starttls: bool = True
    email_from: str | None = None
    email_to: list[str] = field(default_factory=list)


@dataclass
class EvidenceConfig:
    screenshots: bool = True
    per_run_cap: int = 100
    timeout: float = 20.0


@dataclass
class Settings:
    workspace: Path
    storage: StorageConfig = field(default_factory=StorageConfig)
    crawl: CrawlConfig = field(default_factory=CrawlConfig)
    platforms: dict[str, PlatformConfig] = field(default_factory=dict)
    matching: MatchingConfig = field(default_factory=MatchingConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)

    def path(self, value: str | Path) -> Path:
        p = Path(value)
        return p if p.is_absolute() else self.workspace / p

    @property
    def db_path(self) -> Path:
        return self.path(self.storage.database)

    @property
    def data_dir(self) -> Path:
        return self.workspace / "data"

    @property
    def evidence_dir(self) -> Path:
        return self.path(self.storage.evidence)

    @property
    def logs_dir(self) -> Path:
        return self.path(self.storage.logs)

    @property
    def watchlists_dir(self) -> Path:
        return self.workspace / "watchlists"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / "pantau.lock"

    def platform(self, name: str) -> PlatformConfig:
        if name in self.platforms:
            return self.platforms[name]
        return PlatformConfig(**PLATFORM_DEFAULTS.get(name, {}))


SECTIONS: dict[str, type] = {
    "storage": StorageConfig, "crawl": CrawlConfig, "matching": MatchingConfig,
    "schedule": ScheduleConfig, "review": ReviewConfig, "retention": RetentionConfig,
    "notify": NotifyConfig, "evidence": EvidenceConfig,
}

_CHECKS: dict[str, typing.Callable[[Any], str | None]] = {
    "crawl.lookback_days": lambda v: None if v >= 1 else "must be at least 1",
    "crawl.concurrency": lambda v: None if 1 <= v <= 64 else "must be between 1 and 64",
    "crawl.budget": lambda v: None if v >= 1 else "must be at least 1",
    "crawl.retries": lambda v: None if 0 <= v <= 20 else "must be between 0 and 20",
    "crawl.download_delay": lambda v: None if v >= 0 else "must not be negative",
    "crawl.timeout": lambda v: None if v > 0 else "must be positive",
    "matching.threshold": lambda v: None if 0 <= v <= 100 else "must be between 0 and 100",
    "matching.top_k": lambda v: None if v >= 1 else "must be at least 1",
    "review.port": lambda v: None if 0 <= v <= 65535 else "must be a port number",
    "review.language": lambda v: None if v in ("id", "en") else "must be 'id' or 'en'",
    "retention.days": lambda v: None if v >= 1 else "must be at least 1",
    "notify.on": lambda v: None if v in ("never", "always", "failure") else "must be never, always or failure",
    "evidence.per_run_cap": lambda v: None if v >= 0 else "must not be negative",
    "platforms.x.monthly_read_cap": lambda v: None if v >= 0 else "must not be negative",
    "schedule.timezone": lambda v: _check_tz(v),
    "schedule.cron": lambda v: None if len(v.split()) == 5 else "must be a 5-field cron expression",
}


def _check_tz(v: str) -> str | None:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {v!r}"
    return None


def _check_origin(v: str) -> str | None:
    from urllib.parse import urlsplit
    u = urlsplit(v)
    if u.scheme not in ("http", "https") or not u.netloc:
        return "must be an origin like https://host[:port]"
    if u.path not in ("", "/") or u.query or u.fragment:
        return "must be an origin (scheme://host[:port]) without a path"
    return None


def _coerce(name: str, tp: Any, value: Any) -> Any:
    """Check ``value`` against the annotation ``tp``; return it in the field's type."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _coerce(name, args[0], value)
    if origin is list:
        (inner,) = typing.get_args(tp)
        if not isinstance(value, list):
            raise ConfigError(f"{CONFIG_FILE}: {name}: expected a list, got {value!r}")
        return [_coerce(name, inner, v) for v in value]
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{CONFIG_FILE}: {name}: expected true or false, got {value!r}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{CONFIG_FILE}: {name}: expected a whole number, got {value!r}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{CONFIG_FILE}: {name}: expected a number, got {value!r}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{CONFIG_FILE}: {name}: expected a string, got {value!r}")
        return value
    if tp is date:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise ConfigError(f"{CONFIG_FILE}: {name}: expected a date (YYYY-MM-DD), got {value!r}")
    raise ConfigError(f"{CONFIG_FILE}: {name}: unsupported value {value!r}")


def _build(cls: type, data: Any, prefix: str, defaults: dict | None = None) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_FILE}: [{prefix}] must be a table")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    kwargs = dict(defaults or {})
    for key, value in data.items():
        name = f"{prefix}.{key}"
        if key not in known:
            raise ConfigError(f"{CONFIG_FILE}: unknown key {name!r} (known: {', '.join(sorted(known))})")
        v = _coerce(name, hints[key], value)
        check = _CHECKS.get(name)
        if check and v is not None and (msg := check(v)):
            raise ConfigError(f"{CONFIG_FILE}: {name}: {msg}")
        kwargs[key] = v
    return cls(**kwargs)


def parse(data: dict, workspace: Path) -> Settings:
    settings = Settings(workspace=workspace)
    for section, value in data.items():
        if section == "platforms":
            if not isinstance(value, dict):
                raise ConfigError(f"{CONFIG_FILE}: [platforms] must be a table of [platforms.NAME]")
            for pname, pdata in value.items():
                if pname not in registry.PLATFORMS:
                    raise ConfigError(f"{CONFIG_FILE}: unknown platform 'platforms.{pname}' "
                                      f"(known: {', '.join(registry.NAMES)})")
                pc = _build(PlatformConfig, pdata, f"platforms.{pname}", PLATFORM_DEFAULTS.get(pname))
                for key, only in PLATFORM_ONLY.items():
                    if isinstance(pdata, dict) and key in pdata and pname != only:
                        raise ConfigError(f"{CONFIG_FILE}: platforms.{pname}.{key}: applies to [platforms.{only}] only")
                if pc.base_url and (msg := _check_origin(pc.base_url)):
                    raise ConfigError(f"{CONFIG_FILE}: platforms.{pname}.base_url: {msg}")
                settings.platforms[pname] = pc
            continue
        cls = SECTIONS.get(section)
        if cls is None:
            raise ConfigError(f"{CONFIG_FILE}: unknown section [{section}] "
                              f"(known: {', '.join(sorted([*SECTIONS, 'platforms']))})")
        setattr(settings, section, _build(cls, value, section))
    return settings


def load(workspace: Path) -> Settings:
    """Read and validate ``workspace/pantau.toml`` (a missing file means all defaults)."""
    path = workspace / CONFIG_FILE
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse(data, workspace.resolve())
