"""Review-app accounts. Password hashing lives in the review app; only hashes reach here."""

from __future__ import annotations

from sqlite_utils import Database

from storage.queries import audit, signin, transaction, utcnow

ROLES = ("admin", "reviewer", "viewer")


class UserExists(ValueError):
    pass


def add(db: Database, name: str, password_hash: str, role: str, *, by: str | None = None,
        full_name: str | None = None) -> int:
    """Create a user and write the ``user.add`` audit row in one transaction.

    Names are unique regardless of case: ``Admin`` next to ``admin`` would be two accounts
    a reader takes for one.
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    with transaction(db):
        if db.execute("SELECT 1 FROM users WHERE name=? COLLATE NOCASE", [name]).fetchone():
            raise UserExists(name)
        cur = db.execute(
            "INSERT INTO users (name, password_hash, role, active, created_at, full_name) VALUES (?,?,?,1,?,?)",
            [name, password_hash, role, utcnow(), full_name or None])
        audit.write(db, "user.add", user=by, object_type="user", object_id=name, detail={"role": role})
        return cur.lastrowid


def get(db: Database, user_id: int) -> dict | None:
    return next(iter(db.query("SELECT * FROM users WHERE id=?", [user_id])), None)


def by_name(db: Database, name: str) -> dict | None:
    """The user called ``name``, whatever its case (``Admin`` is ``admin``); an exact match wins
    in an old database that holds both."""
    return next(iter(db.query("SELECT * FROM users WHERE name=? COLLATE NOCASE ORDER BY name=? DESC LIMIT 1",
                              [name, name])), None)


def all_users(db: Database) -> list[dict]:
    return list(db.query("SELECT id, name, role, active, last_login_at, created_at, failed_logins, full_name "
                         "FROM users ORDER BY name"))


def set_password_hash(db: Database, user_id: int, password_hash: str) -> None:
    """Store a re-hashed password (Argon2 parameters raised since the hash was made)."""
    with transaction(db):
        db.execute("UPDATE users SET password_hash=? WHERE id=?", [password_hash, user_id])


def record_failure(db: Database, user_id: int, *, detail: dict | None = None, name: str = "") -> int:
    """Count a failed sign-in; returns the user's consecutive failures."""
    with transaction(db):
        db.execute("UPDATE users SET failed_logins = failed_logins + 1, last_failed_at=? WHERE id=?",
                   [utcnow(), user_id])
        audit.write(db, "signin.failed", user=name, object_type="user", object_id=name, detail=detail or {})
        return db.execute("SELECT failed_logins FROM users WHERE id=?", [user_id]).fetchone()[0]


def record_unknown(db: Database, name: str, *, detail: dict | None = None) -> None:
    """A sign-in attempt for a name that has no account (audit only)."""
    with transaction(db):
        audit.write(db, "signin.failed", user=name[:64] or "-", object_type="user",
                    object_id=name[:64] or None, detail={"reason": "unknown user", **(detail or {})})


def record_success(db: Database, user_id: int, *, name: str, detail: dict | None = None) -> None:
    with transaction(db):
        db.execute("UPDATE users SET failed_logins=0, last_login_at=? WHERE id=?", [utcnow(), user_id])
        audit.write(db, "signin", user=name, object_type="user", object_id=name, detail=detail or {})


class LastAdmin(ValueError):
    """The change would leave no active administrator (nobody could administer the app)."""


def _active_admins(db: Database) -> int:
    return db.execute("SELECT count(*) FROM users WHERE role='admin' AND active=1").fetchone()[0]


def _existing(db: Database, name: str) -> dict:
    user = by_name(db, name)
    if user is None:
        raise KeyError(name)
    return user


def set_password(db: Database, name: str, password_hash: str, *, by: str | None = None) -> bool:
    """A new password (its sessions end: they carry the old hash's fingerprint); back-off cleared."""
    with transaction(db):
        user = _existing(db, name)
        db.execute("UPDATE users SET password_hash=?, failed_logins=0, last_failed_at=NULL WHERE id=?",
                   [password_hash, user["id"]])
        db.execute("DELETE FROM signin_throttle WHERE key = ?", [signin.name_key(user["name"])])
        audit.write(db, "user.passwd", user=by, object_type="user", object_id=name, detail={})
        return True


def set_role(db: Database, name: str, role: str, *, by: str | None = None) -> bool:
    """Change a user's role; False when it already had it. The last active admin keeps the role."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
    with transaction(db):
        user = _existing(db, name)
        if user["role"] == role:
            return False
        if user["role"] == "admin" and user["active"] and _active_admins(db) <= 1:
            raise LastAdmin(name)
        db.execute("UPDATE users SET role=? WHERE id=?", [role, user["id"]])
        audit.write(db, "user.role", user=by, object_type="user", object_id=name,
                    detail={"from": user["role"], "to": role})
        return True


def set_active(db: Database, name: str, active: bool, *, by: str | None = None) -> bool:
    """Deactivate (sign-in refused, sessions end, history kept) or reactivate; False when unchanged."""
    with transaction(db):
        user = _existing(db, name)
        if bool(user["active"]) == active:
            return False
        if not active and user["role"] == "admin" and _active_admins(db) <= 1:
            raise LastAdmin(name)
        db.execute("UPDATE users SET active=?, failed_logins=0, last_failed_at=NULL WHERE id=?",
                   [1 if active else 0, user["id"]])
        db.execute("DELETE FROM signin_throttle WHERE key = ?", [signin.name_key(user["name"])])
        audit.write(db, "user.enable" if active else "user.disable", user=by, object_type="user",
                    object_id=name, detail={})
        return True


def set_full_name(db: Database, name: str, full_name: str | None, *, by: str | None = None) -> None:
    """The name case reports print for this reviewer (``None``: the sign-in name)."""
    with transaction(db):
        cur = db.execute("UPDATE users SET full_name=? WHERE name=? COLLATE NOCASE", [full_name or None, name])
        if not cur.rowcount:
            raise KeyError(name)
        audit.write(db, "user.full_name", user=by, object_type="user", object_id=name,
                    detail={"full_name": full_name or None})
