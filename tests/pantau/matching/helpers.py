"""Small builders shared by the matching tests."""

from __future__ import annotations

from pantau.matching.normalize import VERSION, normalise
from storage.records import Actor, Employee


def emp(nip: str, name: str, unit: str | None = None, position: str | None = None,
        handles: list[str] | None = None) -> Employee:
    n = normalise(name)
    return Employee(nip=nip, name=name, name_norm=n.text, norm_version=VERSION, titles=n.titles, unit=unit,
                    position=position, handles=handles or [], source="test.csv")


def actor(handle: str | None, name: str | None = None, bio: str | None = None, platform: str = "mastodon",
          key: str | None = None) -> Actor:
    return Actor(platform=platform, actor_key=key or (handle or name or "x").lower(), handle=handle,
                 display_name=name, bio=bio)
