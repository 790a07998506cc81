"""Content-addressed evidence files: each file is named by the SHA-256 of its bytes.

A name derived from the content makes evidence tamper-evident (the name is the
checksum) and stores a page seen twice only once. Files are private (0600) in
private folders (0700): ``<evidence>/<first two hex digits>/<sha256>.<ext>``.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from storage import private_dir


@dataclass
class StoredFile:
    sha256: str
    path: str        # relative to the evidence folder, with '/' separators
    bytes: int
    new: bool        # False when identical content was already stored


def relative_path(sha256: str, ext: str) -> str:
    return f"{sha256[:2]}/{sha256}.{ext.lstrip('.')}"


def store_bytes(root: Path, data: bytes, ext: str, *, fsync: bool = True) -> StoredFile:
    """Write ``data`` under ``root`` by its SHA-256; atomic (temporary file, then rename).

    ``fsync=False`` is for callers storing thousands of files at once: they flush once
    (``os.sync()``) before committing the rows that name them.
    """
    digest = hashlib.sha256(data).hexdigest()
    rel = relative_path(digest, ext)
    target = root / rel
    if not target.parent.is_dir():
        private_dir(root)
        private_dir(target.parent)
    if target.exists() and target.stat().st_size == len(data):
        return StoredFile(digest, rel, len(data), False)
    # unique per writer: two threads storing the same content at once must not share a temporary file
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.chmod(target, 0o600)
    return StoredFile(digest, rel, len(data), True)


def verify(root: Path, rel: str) -> bool:
    """True when the file still hashes to the name it was stored under."""
    p = root / rel
    if not p.is_file():
        return False
    return hashlib.sha256(p.read_bytes()).hexdigest() == Path(rel).stem


def remove(root: Path, rel: str) -> bool:
    """Delete one stored file (callers check no evidence row still refers to it)."""
    p = root / rel
    try:
        p.unlink()
    except FileNotFoundError:
        return False
    try:
        p.parent.rmdir()   # only when empty
    except OSError:
        pass
    return True
