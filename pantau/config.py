"""``pantau.toml`` -> one typed ``Settings``. Every default and environment variable name lives here.

Each section is a pydantic model: types, ranges and the few custom checks are declared on
the fields, and pydantic does the checking. Its errors are turned into one line naming
the key (``pantau.toml: crawl.concurrency: must be between 1 and 64``), because the
operator reads them in a terminal or a cron mail.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from datetime import date
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from crawler.identity import USER_AGENT as DEFAULT_USER_AGENT
from pantau.errors import ConfigError
from storage import platforms as registry

CONFIG_FILE = "pantau.toml"
ENV_WORKSPACE = "PANTAU_WORKSPACE"


def _check_tz(v: str) -> str:
    try:
        ZoneInfo(v)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {v!r}") from None
    return v


def _check_origin(v: str | None) -> str | None:
    if v is None:
        return v
    u = urlsplit(v)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise ValueError("must be an origin like https://host[:port]")
    if u.path not in ("", "/") or u.query or u.fragment:
        raise ValueError("must be an origin (scheme://host[:port]) without a path")
    return v


def _check_cron(v: str) -> str:
    if len(v.split()) != 5:
        raise ValueError("must be a 5-field cron expression")
    return v


def _check_networks(v: list[str]) -> list[str]:
    for item in v:
        try:
            ip_network(item, strict=False)
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return v


Path_ = Annotated[str, Field(min_length=1)]          # a file or folder; "" would mean the workspace itself
TimeZone = Annotated[str, AfterValidator(_check_tz)]
Origin = Annotated[str | None, AfterValidator(_check_origin)]
Networks = Annotated[list[str], AfterValidator(_check_networks)]


class Section(BaseModel):
    """Strict types (no ``"4"`` for 4), no unknown keys, no infinite or NaN numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class StorageConfig(Section):
    database: Path_ = "data/pantau.db"
    evidence: Path_ = "data/evidence"
    logs: Path_ = "data/logs"
    backups: Path_ = "data/backups"


class CrawlConfig(Section):
    since: Annotated[date | None, Field(strict=False)] = None   # campaign start; default: today - lookback_days
    lookback_days: Annotated[int, Field(ge=1, le=3650)] = 30   # older posts are re-checked only within this window
    concurrency: Annotated[int, Field(ge=1, le=64)] = 4        # requests in flight per domain
    budget: Annotated[int, Field(ge=1)] = 2000                 # requests per account per run
    user_agent: Annotated[str, Field(min_length=1)] = DEFAULT_USER_AGENT
    allowed_hosts: list[str] = Field(default_factory=list)     # when set, other hosts are refused
    autothrottle: bool = True
    download_delay: Annotated[float, Field(ge=0, le=3600)] = 0.25
    timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0
    retries: Annotated[int, Field(ge=0, le=20)] = 3
    max_retry_wait: Annotated[float, Field(ge=0, le=86400)] = 900.0   # longest Retry-After / reset wait honoured
    server_error_retries: Annotated[int, Field(ge=0, le=20)] = 6   # X: retries of a 5xx ("overloaded, wait")
    server_error_backoff: Annotated[float, Field(ge=0, le=3600)] = 2.0   # X: first wait after a 5xx, doubled each time
    full_pass_days: Annotated[int, Field(ge=1, le=3650)] = 7   # a full pass over the look-back window this often
    live_thread_days: Annotated[float, Field(ge=0, le=3650)] = 2.0   # threads active this recently: re-read nightly
    live_threads: Annotated[int, Field(ge=0, le=100_000)] = 5   # at most this many per account, most recent first
    obey_robots: bool = True             # the web spider; APIs are not covered by robots.txt


class PlatformConfig(Section):
    base_url: Origin = None
    api_key_env: str | None = None
    storage_state: str | None = None     # Playwright storage-state file (rendered sites)
    enabled: bool = True
    page_size: Annotated[int | None, Field(ge=1, le=10_000)] = None
    monthly_read_cap: Annotated[int | None, Field(ge=0)] = None  # X: posts the access level may read a month


#: settings that apply to one platform only
PLATFORM_ONLY: dict[str, str] = {"monthly_read_cap": "x"}

#: [platforms.NAME] defaults, from the registry (storage/platforms.py)
PLATFORM_DEFAULTS: dict[str, dict[str, Any]] = {
    p.name: {k: v for k, v in (("base_url", p.base_url), ("api_key_env", p.api_key_env)) if v}
    for p in registry.PLATFORMS.values()
}


class MatchingConfig(Section):
    threshold: Annotated[float, Field(ge=0, le=100)] = 53.0   # minimum score of a stored candidate (handle-only: 10 lower)
    top_k: Annotated[int, Field(ge=1, le=100)] = 3             # candidates kept per actor
    #: weights learned from the workspace (EM, then reviewers' decisions); false: the built-in ones
    learn_weights: bool = True
    cache: Path_ = "data/cache"          # roster index cache


class RosterConfig(Section):
    #: a re-import that would deactivate more than this share of a source's active employees
    #: stops and asks for ``--force`` (a cut-off or mangled file must not retire a whole office)
    max_deactivate_share: Annotated[float, Field(ge=0, le=1)] = 0.2


class ScheduleConfig(Section):
    cron: Annotated[str, AfterValidator(_check_cron)] = "0 2 * * *"
    timezone: TimeZone = "Asia/Jakarta"


class ReviewConfig(Section):
    host: Annotated[str, Field(min_length=1)] = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8765
    language: Literal["id", "en"] = "id"
    secret_key_env: str = "PANTAU_SECRET_KEY"
    page_size: Annotated[int, Field(ge=1, le=1000)] = 50
    session_hours: Annotated[int, Field(ge=1, le=24 * 90)] = 12
    #: proxies whose X-Forwarded-For is believed (addresses or networks); nobody else's is
    trusted_proxies: Networks = Field(default_factory=list)


class RetentionConfig(Section):
    days: Annotated[int, Field(ge=1, le=36500)] = 180


class NotifyConfig(Section):
    on: Literal["never", "always", "failure"] = "never"
    webhook_url: str | None = None
    smtp_host: str | None = None
    smtp_port: Annotated[int, Field(ge=1, le=65535)] = 587
    smtp_user: str | None = None
    smtp_password_env: str = "PANTAU_SMTP_PASSWORD"
    smtp_starttls: bool = True
    email_from: str | None = None
    email_to: list[str] = Field(default_factory=list)


class EvidenceConfig(Section):
    screenshots: bool = True
    per_run_cap: Annotated[int, Field(ge=0)] = 100
    timeout: Annotated[float, Field(gt=0, le=3600)] = 20.0


class TipsConfig(Section):
    """Citizen reports (laporan warga), the public form ``/lapor``: off until asked for."""

    enabled: bool = False
    folder: Path_ = "data/tips"                                     # reporters' images, re-encoded (private)
    client_limit: Annotated[int, Field(ge=1)] = 10                  # reports per client within address_minutes
    address_minutes: Annotated[int, Field(ge=1, le=1440)] = 60      # salted address hashes kept (memory only)
    total_per_hour: Annotated[int, Field(ge=1)] = 200               # reports the whole form accepts per hour
    status_limit: Annotated[int, Field(ge=1)] = 30                  # receipt-code look-ups per client
    max_links: Annotated[int, Field(ge=1, le=50)] = 10
    max_images: Annotated[int, Field(ge=0, le=10)] = 5
    max_image_mb: Annotated[float, Field(gt=0, le=20)] = 5.0        # per image, as uploaded
    max_image_pixels: Annotated[int, Field(ge=1, le=100_000_000)] = 40_000_000   # decompression bombs
    max_text: Annotated[int, Field(ge=100, le=50_000)] = 5000       # characters of "what happened"


REPORT_NUMBER_FIELDS = ("year", "month", "day", "nip4")


def _check_number(v: str) -> str:
    import string
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(v) if f is not None}
    except ValueError as exc:
        raise ValueError(f"not a valid pattern ({exc})") from None
    unknown = sorted(names - set(REPORT_NUMBER_FIELDS))
    if unknown:
        raise ValueError(f"unknown placeholder {{{unknown[0]}}} (known: "
                         + ", ".join("{" + f + "}" for f in REPORT_NUMBER_FIELDS) + ")")
    return v


class ReportConfig(Section):
    """The office that signs case reports (BKN's channel and Bawaslu's Model A.1 want an official letter)."""

    letterhead: list[str] = Field(default_factory=list)    # lines at the top: government, office, address
    number: Annotated[str, AfterValidator(_check_number)] = ""   # {year} {month} {day} {nip4} are filled in
    place: str = ""                      # city written before the date above the signature
    signatory_name: str = ""
    signatory_title: str = ""            # e.g. "Inspektur Daerah"
    signatory_nip: str = ""
    language: Literal["", "id", "en"] = ""     # '' = [review] language


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
    roster: RosterConfig = field(default_factory=RosterConfig)
    tips: TipsConfig = field(default_factory=TipsConfig)
    report: ReportConfig = field(default_factory=ReportConfig)

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
    def tips_dir(self) -> Path:
        return self.path(self.tips.folder)

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


SECTIONS: dict[str, type[Section]] = {
    "storage": StorageConfig, "crawl": CrawlConfig, "matching": MatchingConfig, "roster": RosterConfig,
    "schedule": ScheduleConfig, "review": ReviewConfig, "retention": RetentionConfig,
    "notify": NotifyConfig, "evidence": EvidenceConfig, "tips": TipsConfig, "report": ReportConfig,
}

_TYPE_WORDS = {
    "int_type": "expected a whole number", "int_from_float": "expected a whole number",
    "float_type": "expected a number", "bool_type": "expected true or false",
    "string_type": "expected a string", "list_type": "expected a list",
    "date_type": "expected a date (YYYY-MM-DD)", "date_from_datetime_parsing": "expected a date (YYYY-MM-DD)",
    "date_parsing": "expected a date (YYYY-MM-DD)", "date_from_datetime_inexact": "expected a date (YYYY-MM-DD)",
    "finite_number": "must be a finite number", "string_too_short": "must not be empty",
}


def _bounds(cls: type[Section], key: str) -> tuple[Any, Any, Any]:
    lo = hi = gt = None
    for m in cls.model_fields[key].metadata:
        lo = getattr(m, "ge", lo)
        hi = getattr(m, "le", hi)
        gt = getattr(m, "gt", gt)
    return lo, hi, gt


def _range_words(cls: type[Section], key: str) -> str:
    lo, hi, gt = _bounds(cls, key)
    if gt == 0 and hi is None:
        return "must be positive"
    if gt is not None:
        return f"must be more than {gt:g} and at most {hi:g}" if hi is not None else f"must be more than {gt:g}"
    if lo is not None and hi is not None:
        return f"must be between {lo:g} and {hi:g}"
    if lo == 0:
        return "must not be negative"
    if lo is not None:
        return f"must be at least {lo:g}"
    return f"must be at most {hi:g}"


def _one_line(cls: type[Section], prefix: str, exc: ValidationError) -> ConfigError:
    """The first of pydantic's errors as ``pantau.toml: section.key: reason``."""
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    key = loc[0] if loc else ""
    name = f"{prefix}.{key}" if key else f"[{prefix}]"
    kind, value = err["type"], err.get("input")
    if kind == "extra_forbidden":
        known = ", ".join(sorted(cls.model_fields))
        return ConfigError(f"{CONFIG_FILE}: unknown key {name!r} (known: {known})")
    if kind == "model_type":
        return ConfigError(f"{CONFIG_FILE}: [{prefix}] must be a table")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        reason = _range_words(cls, key)
    elif kind == "literal_error":
        options = err["ctx"]["expected"].replace(" or ", ", ").split(", ")
        reason = ("must be " + ", ".join(options[:-1]) + " or " + options[-1]) if len(options) > 1 \
            else f"must be {options[0]}"
    elif kind == "value_error":
        reason = str(err["ctx"]["error"])
    elif kind in _TYPE_WORDS:
        reason = _TYPE_WORDS[kind]
        if kind != "string_too_short" and not (isinstance(value, float) and not math.isfinite(value)):
            reason += f", got {_short(value)}"
    else:
        reason = err["msg"].split("\n")[0]
    if len(loc) > 1:                                  # inside a list: which item
        name += f"[{loc[1]}]"
    return ConfigError(f"{CONFIG_FILE}: {name}: {reason}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _build(cls: type[Section], data: Any, prefix: str, defaults: dict | None = None) -> Section:
    if not isinstance(data, dict):
        raise ConfigError(f"{CONFIG_FILE}: [{prefix}] must be a table")
    try:
        return cls.model_validate({**(defaults or {}), **data})
    except ValidationError as exc:
        raise _one_line(cls, prefix, exc) from None


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
                for key, only in PLATFORM_ONLY.items():
                    if isinstance(pdata, dict) and key in pdata and pname != only:
                        raise ConfigError(f"{CONFIG_FILE}: platforms.{pname}.{key}: applies to [platforms.{only}] only")
                settings.platforms[pname] = _build(PlatformConfig, pdata, f"platforms.{pname}",
                                                   PLATFORM_DEFAULTS.get(pname))
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
        except RecursionError:
            raise ConfigError(f"{path}: nested too deeply") from None
    return parse(data, workspace.resolve())
