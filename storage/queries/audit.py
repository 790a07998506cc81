"""The append-only audit log (triggers in the schema refuse updates and deletes)."""

from __future__ import annotations

import getpass
from typing import Any

from sqlite_utils import Database

from storage.queries import dumps, utcnow


def cli_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no passwd entry in some containers
        return "cli"


def write(db: Database, action: str, *, user: str | None = None, object_type: str | None = None,
          object_id: Any = None, detail: dict | None = None) -> None:
    """Append one audit row; callers already inside a transaction share it."""
    db.execute(
        "INSERT INTO audit_log (at, user, action, object_type, object_id, detail) VALUES (?,?,?,?,?,?)",
        [utcnow(), user or cli_user(), action, object_type,
         None if object_id is None else str(object_id), dumps(detail or {})],
    )


def recent(db: Database, limit: int = 100, offset: int = 0) -> list[dict]:
    return list(db.query(
        "SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?", [limit, offset]))
