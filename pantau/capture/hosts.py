"""Which platform a captured URL belongs to.

The registry (``storage.platforms``) names each captured platform's hosts; a workspace
may add an origin with ``[platforms.NAME] base_url`` (the sandbox and the tests serve
platform-shaped pages from 127.0.0.1 that way).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from storage import platforms as registry


class HostMap:
    def __init__(self, extra_origins: dict[str, str] | None = None):
        self.hosts: dict[str, str] = {}
        for p in registry.PLATFORMS.values():
            if p.captured:
                for h in p.capture_hosts:
                    self.hosts[h.lower()] = p.name
        self.origins: dict[str, str] = {}
        for name, origin in (extra_origins or {}).items():
            u = urlsplit(origin)
            if u.hostname:
                self.origins[f"{u.hostname.lower()}:{u.port or (443 if u.scheme == 'https' else 80)}"] = name

    def platform(self, url: str) -> str | None:
        """The captured platform ``url`` belongs to, or None."""
        try:
            u = urlsplit(url)
            host = (u.hostname or "").lower()
            port = u.port
        except ValueError:
            return None
        if not host:
            return None
        if self.origins:
            name = self.origins.get(f"{host}:{port or (443 if u.scheme == 'https' else 80)}")
            if name:
                return name
        while host:
            name = self.hosts.get(host)
            if name:
                return name
            _, _, host = host.partition(".")
        return None


def from_settings(settings) -> HostMap:
    extra = {}
    for name in registry.CAPTURED:
        cfg = settings.platform(name) if settings is not None else None
        default = registry.PLATFORMS[name].base_url
        if cfg is not None and cfg.base_url and cfg.base_url != default:
            extra[name] = cfg.base_url
    return HostMap(extra)
