"""A fresh, migrated database for each storage test: no workspace, no CLI, no settings."""

from __future__ import annotations

import pytest

import storage
from storage.records import Actor, Employee, Interaction


@pytest.fixture
def sdb(tmp_path):
    db = storage.open_db(tmp_path / "data" / "pantau.db")
    yield db
    db.close()


def like(actor: str, post: str = "P1", *, name: str | None = None, target: str = "calon.satu",
         platform: str = "instagram") -> Interaction:
    return Interaction(platform=platform, kind="like", target_account=target,
                       actor=Actor(platform, actor, handle=actor, display_name=name), post_id=post)


def employee(nip: str = "198503122010011001", name: str = "Budi Santoso") -> Employee:
    return Employee(nip=nip, name=name, name_norm=name.lower(), norm_version="t", unit="Dinas Pendidikan")
